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

/** Whether two strings are at most one edit apart (insert, delete, replace) — linear. */
export const withinOneEdit = (a: string, b: string): boolean => {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  let i = 0;
  while (i < short.length && short[i] === long[i]) i += 1;
  if (short.length === long.length) return short.slice(i + 1) === long.slice(i + 1);
  return short.slice(i) === long.slice(i + 1);
};

const unique = <T>(found: T[]): T | null => (found.length === 1 ? found[0] : null);

/**
 * The service (or anything with a name and optional aliases) a caller named: after folding,
 * the exact name or alias; the same without spaces ("damen haarschnitt"); containment; every
 * word of the wish inside one name ("Herren Schnitt" → "Herrenhaarschnitt"); one typo
 * ("Damenhaarschnit"); the best word overlap. Ambiguity is no answer: better to ask.
 */
export const matchByName = <T extends { name: string; aliases?: string[] | null }>(
  wanted: string | null | undefined,
  candidates: T[]
): T | null => {
  if (!wanted || !wanted.trim() || wanted.length > MAX_WANTED) return null;
  const target = fold(wanted);
  if (!target) return null;
  const compactTarget = target.replace(/ /g, '');
  // One entry per name and alias; a candidate found through several of them counts once.
  const labels = candidates.flatMap((candidate) =>
    [candidate.name, ...(candidate.aliases ?? [])]
      .map((label) => fold(label.slice(0, MAX_WANTED)))
      .filter(Boolean)
      .map((name) => ({ candidate, name, compact: name.replace(/ /g, '') }))
  );
  const pick = (test: (entry: (typeof labels)[number]) => boolean) =>
    unique([...new Set(labels.filter(test).map((entry) => entry.candidate))]);
  const steps: Array<(entry: (typeof labels)[number]) => boolean> = [
    (entry) => entry.name === target,
    (entry) => entry.compact === compactTarget,
    (entry) => entry.name.includes(target) || target.includes(entry.name),
    (entry) => entry.compact.includes(compactTarget) || compactTarget.includes(entry.compact),
    (entry) => {
      const wantedWords = [...words(target)];
      return wantedWords.length > 1 && wantedWords.every((word) => entry.compact.includes(word));
    },
    (entry) => compactTarget.length >= 5 && withinOneEdit(entry.compact, compactTarget),
  ];
  for (const step of steps) {
    const found = pick(step);
    if (found) return found;
  }
  const wantedWords = words(target);
  const scores = new Map<T, number>();
  for (const { candidate, name } of labels) {
    const own = words(name);
    const shared = [...own].filter((word) => wantedWords.has(word)).length;
    if (shared === 0) continue;
    const score = shared / Math.max(own.size, wantedWords.size, 1);
    scores.set(candidate, Math.max(scores.get(candidate) ?? 0, score));
  }
  const ranked = [...scores.entries()].sort((x, y) => y[1] - x[1]);
  if (!ranked.length || ranked[0][1] < 0.5) return null;
  return ranked.length > 1 && ranked[1][1] === ranked[0][1] ? null : ranked[0][0];
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
