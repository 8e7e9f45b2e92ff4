/**
 * Finding what a caller named among a company's services or staff: exact after folding case,
 * accents and umlauts (written or spelled out: "Öztürk", "Oeztuerk", "Ozturk" are one name) and
 * punctuation, then containment, then the best word overlap. A tie is no answer: better to ask.
 * Linear in the input, which is capped.
 */
const MAX_WANTED = 500;

const fold = (text: string) =>
  text
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ae/g, 'a')
    .replace(/oe/g, 'o')
    .replace(/ue/g, 'u')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

const words = (folded: string) => new Set(folded.split(' ').filter((word) => word.length > 2));

export const matchByName = <T extends { name: string }>(
  wanted: string | null | undefined,
  candidates: T[]
): T | null => {
  if (!wanted || !wanted.trim() || wanted.length > MAX_WANTED) return null;
  const target = fold(wanted);
  if (!target) return null;
  const folded = candidates.map((candidate) => ({ candidate, name: fold(candidate.name) }));
  const exact = folded.filter((entry) => entry.name === target);
  if (exact.length === 1) return exact[0].candidate;
  const containing = folded.filter(
    (entry) => entry.name && (entry.name.includes(target) || target.includes(entry.name))
  );
  if (containing.length === 1) return containing[0].candidate;
  const wantedWords = words(target);
  let best: { candidate: T; score: number } | null = null;
  let tie = false;
  for (const { candidate, name } of folded) {
    const own = words(name);
    const shared = [...own].filter((word) => wantedWords.has(word)).length;
    const score = shared / Math.max(own.size, wantedWords.size, 1);
    if (shared === 0) continue;
    if (!best || score > best.score) {
      best = { candidate, score };
      tie = false;
    } else if (score === best.score) tie = true;
  }
  return best && !tie && best.score >= 0.5 ? best.candidate : null;
};

/** Words around a name as callers say it: "bei Lisa", "zu Herrn Öztürk", "with Mr Kahl". */
const STAFF_FILLERS = new Set([
  'bei',
  'beim',
  'zu',
  'zum',
  'mit',
  'von',
  'herr',
  'herrn',
  'frau',
  'hr',
  'fr',
  'with',
  'at',
  'mr',
  'mrs',
  'ms',
  'miss',
  'der',
  'die',
  'dem',
  'den',
]);

/** The staff member a caller named ("bei Lisa", "Herr Öztürk"); null: nobody, or not sure who. */
export const matchStaff = <T extends { name: string }>(
  wanted: string | null | undefined,
  staff: T[]
): T | null => {
  if (!wanted || wanted.length > MAX_WANTED) return null;
  const name = fold(wanted)
    .split(' ')
    .filter((word) => word && !STAFF_FILLERS.has(word))
    .join(' ');
  if (!name) return null;
  const exact = matchByName(name, staff);
  if (exact) return exact;
  // One word the caller said is a whole word of exactly one name ("Sven", "Öztürk").
  const said = new Set(name.split(' '));
  const owning = staff.filter((member) =>
    fold(member.name)
      .split(' ')
      .some((word) => said.has(word))
  );
  return owning.length === 1 ? owning[0] : null;
};

/**
 * How the agent says a member's name: the first name ("Lisa"), unless two members share it —
 * then the full name.
 */
export const spokenName = <T extends { id: number; name: string }>(member: T, staff: T[]) => {
  const first = member.name.trim().split(/\s+/)[0] ?? member.name;
  const shared = staff.some(
    (other) =>
      other.id !== member.id && fold(other.name.trim().split(/\s+/)[0] ?? '') === fold(first)
  );
  return shared ? member.name.trim() : first;
};
