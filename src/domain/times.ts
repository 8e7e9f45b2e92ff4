import type { DateTime } from 'luxon';

/** The UTC ISO text of a valid time (luxon's `toISO()` is null only for an invalid one: a bug, so it throws). */
export const utcIso = (at: DateTime): string => {
  const text = at.toUTC().toISO();
  if (text === null)
    throw new Error(`invalid time: ${at.invalidExplanation ?? at.invalidReason ?? 'unknown'}`);
  return text;
};
