/**
 * When a company reminds its customers: `reminderOffsets`, before the appointment — hours as
 * numbers (`[24, 2]`), or with a unit (`["24h", "2h", "30m"]`; seconds for tests). Unset: one
 * reminder 24 hours before; an empty list: none. At most five; what cannot be read is left out.
 */
const DEFAULT_OFFSETS_MS = [24 * 3_600_000];
const UNITS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, d: 86_400_000 };
const MAX_OFFSET_MS = 14 * 86_400_000;

const offsetOf = (value: unknown): number | null => {
  if (typeof value === 'number' && Number.isFinite(value)) return value * 3_600_000;
  if (typeof value !== 'string' || value.length > 16) return null;
  const match = /^\s*(\d{1,4}(?:\.\d{1,2})?)\s*([hmsd]?)\s*$/i.exec(value);
  if (!match) return null;
  return Number(match[1]) * UNITS[(match[2] || 'h').toLowerCase()];
};

export const reminderOffsetsMs = (value: unknown): number[] => {
  if (value === null || value === undefined) return DEFAULT_OFFSETS_MS;
  if (!Array.isArray(value)) return DEFAULT_OFFSETS_MS;
  const offsets = value
    .slice(0, 5)
    .map(offsetOf)
    .filter((offset): offset is number => offset !== null && offset > 0 && offset <= MAX_OFFSET_MS);
  return [...new Set(offsets)].sort((a, b) => b - a);
};
