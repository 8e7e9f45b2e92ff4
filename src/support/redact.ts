import winston from 'winston';

/**
 * Last line of defence for logs: a phone number (E.164) or an email address never appears in
 * full, in any field, the stack included. Code should not log them in the first place; this
 * catches what slips through, e.g. a URL with `filters[phone]` in its query string, or a
 * database error's detail.
 */
const PHONE = /(\+|%2B)(\d{7,15})\b/gi;

export const maskPhone = (value: string): string =>
  value.replace(
    PHONE,
    (_match, _plus: string, digits: string) => `+${digits.slice(0, 3)}…${digits.slice(-2)}`
  );

/** An email address keeps its first letter and its domain: `m…@example.com`. Bounded, so linear. */
const EMAIL = /([^\s@<>()"',;:]{1,64})@([^\s@<>()"',;:]{1,253})/g;
export const maskEmail = (value: string): string =>
  value.includes('@')
    ? value.replace(
        EMAIL,
        (_match, local: string, domain: string) => `${local.charAt(0)}…@${domain}`
      )
    : value;

/** Phone numbers and email addresses masked in a piece of text. */
export const maskPersonal = (value: string): string => maskEmail(maskPhone(value));

const SECRET_KEY = /secret|password|apikey|api_key|token|authorization|signature/i;

const redactValue = (value: unknown, depth = 0): unknown => {
  if (typeof value === 'string') return maskPersonal(value);
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    out[key] = SECRET_KEY.test(key) ? '[redacted]' : redactValue(inner, depth + 1);
  }
  return out;
};

export const redactFormat = winston.format((info) => {
  for (const key of Object.keys(info)) {
    if (key === 'level' || key === 'timestamp') continue;
    const record = info as Record<string, unknown>;
    record[key] = SECRET_KEY.test(key) ? '[redacted]' : redactValue(record[key]);
  }
  if (typeof info.message === 'string') info.message = maskPersonal(info.message);
  return info;
});
