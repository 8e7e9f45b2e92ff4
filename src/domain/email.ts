/**
 * An email address as a caller or the LLM gives it: trimmed, at most 254 characters (RFC 5321),
 * one `@`, a local part of at most 64 characters and a dotted domain — or null. Checked with a
 * length cap first and an anchored, linear pattern (no nested or adjacent unbounded wildcards),
 * because the text comes from outside and must never cost more than its length.
 */
export const MAX_EMAIL_LENGTH = 254;
const ADDRESS = /^[^\s@]{1,64}@[^\s@.]+(?:\.[^\s@.]+)+$/;

export const normaliseEmail = (raw: unknown): string | null => {
  if (typeof raw !== 'string') return null;
  const text = raw.trim();
  if (text.length === 0 || text.length > MAX_EMAIL_LENGTH) return null;
  return ADDRESS.test(text) ? text.toLowerCase() : null;
};
