/**
 * Finding the service a caller named among a company's services: exact after normalising
 * case, umlauts and punctuation, then containment, then the best word overlap.
 */
const normalise = (text: string) =>
  text
    .toLowerCase()
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

const words = (text: string) =>
  new Set(
    normalise(text)
      .split(' ')
      .filter((word) => word.length > 2)
  );

export const matchByName = <T extends { name: string }>(
  wanted: string | null | undefined,
  candidates: T[]
): T | null => {
  if (!wanted || !wanted.trim() || wanted.length > 500) return null;
  const target = normalise(wanted);
  const exact = candidates.find((candidate) => normalise(candidate.name) === target);
  if (exact) return exact;
  const containing = candidates.filter(
    (candidate) =>
      normalise(candidate.name).includes(target) || target.includes(normalise(candidate.name))
  );
  if (containing.length === 1) return containing[0];
  const wantedWords = words(wanted);
  let best: { candidate: T; score: number } | null = null;
  for (const candidate of candidates) {
    const own = words(candidate.name);
    const shared = [...own].filter((word) => wantedWords.has(word)).length;
    const score = shared / Math.max(own.size, wantedWords.size, 1);
    if (shared > 0 && (!best || score > best.score)) best = { candidate, score };
  }
  return best && best.score >= 0.5 ? best.candidate : null;
};
