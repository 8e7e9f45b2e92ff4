/** A link we may render for a person to click: an absolute http(s) URL, else null (no `javascript:`, `data:`, …). */
export const httpUrl = (value: unknown): string | null => {
  if (typeof value !== 'string' || value.length > 2048) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.toString() : null;
  } catch {
    return null;
  }
};
