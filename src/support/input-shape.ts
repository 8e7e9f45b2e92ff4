/**
 * The outer limits of any input: every string well-formed Unicode (a lone surrogate such as
 * `"\ud800"` in JSON sends bcryptjs — which Strapi hashes and checks every password with, the
 * login routes included — into a loop that kills the process) and free of NUL characters
 * (PostgreSQL stores none in text or JSON); no nesting deeper than MAX_DEPTH (none of our
 * shapes nests beyond a handful of levels; PostgreSQL's jsonb overflows its stack on deep
 * ones). Returns what is wrong, or null. Iterative, so that a deep input cannot overflow our
 * own stack either.
 */
export const MAX_DEPTH = 32;

/** ES2024's String.prototype.isWellFormed (declared in types/es2024-string.d.ts). */
const wellFormed = (text: string) => text.isWellFormed();

export const inspectInput = (input: unknown): string | null => {
  const stack: Array<[unknown, number]> = [[input, 0]];
  while (stack.length) {
    const [value, depth] = stack.pop() as [unknown, number];
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return 'Text must not contain NUL characters';
      if (!wellFormed(value)) return 'Text must be well-formed Unicode (no lone surrogates)';
      continue;
    }
    if (!value || typeof value !== 'object') continue;
    if (depth >= MAX_DEPTH) return `The input is nested deeper than ${MAX_DEPTH} levels`;
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
      if (key.includes('\u0000') || !wellFormed(key))
        return 'Names must be well-formed Unicode without NUL characters';
      stack.push([inner, depth + 1]);
    }
  }
  return null;
};
