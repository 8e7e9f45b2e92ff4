import { DateTime } from 'luxon';

/**
 * Reading the date and time a caller asked for, as the agent's LLM passes them on: ISO
 * ("2026-03-12", "10:30"), German ("12.03.2026", "10.30", "10 Uhr"), relative words
 * ("heute", "morgen", "Donnerstag"), or one ISO start with offset. All in the company's zone.
 */
const RELATIVE_DAYS: Record<string, number> = {
  heute: 0,
  today: 0,
  morgen: 1,
  tomorrow: 1,
  übermorgen: 2,
  uebermorgen: 2,
};
const WEEKDAYS: Record<string, number> = {
  montag: 1,
  dienstag: 2,
  mittwoch: 3,
  donnerstag: 4,
  freitag: 5,
  samstag: 6,
  sonnabend: 6,
  sonntag: 7,
  monday: 1,
  tuesday: 2,
  wednesday: 3,
  thursday: 4,
  friday: 5,
  saturday: 6,
  sunday: 7,
};

/** Longer than anything a date or time phrase can be: not read at all. */
const MAX_PHRASE = 200;

export const parseDate = (raw: unknown, zone: string, now: number): string | null => {
  if (typeof raw !== 'string' || !raw.trim() || raw.length > MAX_PHRASE) return null;
  const text = raw.trim().toLowerCase();
  const today = DateTime.fromMillis(now, { zone }).startOf('day');
  if (text in RELATIVE_DAYS) return today.plus({ days: RELATIVE_DAYS[text] }).toISODate();
  const weekday = WEEKDAYS[text.replace(/^(am|on|next|nächsten|naechsten)\s+/, '')];
  if (weekday) return today.plus({ days: (weekday - today.weekday + 7) % 7 }).toISODate();
  let match = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (match) {
    const date = DateTime.fromObject(
      { year: +match[1], month: +match[2], day: +match[3] },
      { zone }
    );
    return date.isValid ? date.toISODate() : null;
  }
  match = /^(\d{1,2})\.(\d{1,2})\.(\d{2,4})?$/.exec(text);
  if (match) {
    const year = match[3] ? (match[3].length === 2 ? 2000 + +match[3] : +match[3]) : today.year;
    let date = DateTime.fromObject({ year, month: +match[2], day: +match[1] }, { zone });
    if (!match[3] && date.isValid && date < today) date = date.plus({ years: 1 });
    return date.isValid ? date.toISODate() : null;
  }
  return null;
};

/** Minutes after midnight, or null. */
export const parseTime = (raw: unknown): number | null => {
  if (typeof raw !== 'string' || !raw.trim() || raw.length > MAX_PHRASE) return null;
  const match = /^(\d{1,2})(?:[:.](\d{2}))?\s*(?:uhr|h)?$/i.exec(raw.trim());
  if (!match) return null;
  const hours = Number(match[1]);
  const minutes = match[2] ? Number(match[2]) : 0;
  return hours < 24 && minutes < 60 ? hours * 60 + minutes : null;
};

export const atTime = (isoDate: string, minutes: number, zone: string): DateTime =>
  DateTime.fromISO(isoDate, { zone }).set({
    hour: Math.floor(minutes / 60),
    minute: minutes % 60,
    second: 0,
    millisecond: 0,
  });

/** An ISO start with date and time ("2026-03-12T10:30:00+01:00"); without offset read in `zone`. */
export const parseStart = (raw: unknown, zone: string): DateTime | null => {
  if (
    typeof raw !== 'string' ||
    raw.length > MAX_PHRASE ||
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(raw.trim())
  )
    return null;
  const start = DateTime.fromISO(raw.trim(), { zone, setZone: false });
  return start.isValid ? start.setZone(zone) : null;
};

/** Spoken time-of-day wishes, most specific first ("nachmittags" contains "mittag"). */
const DAY_PARTS: Array<[RegExp, { from: number; to: number }]> = [
  [/nachmittag|afternoon/i, { from: 12 * 60, to: 17 * 60 }],
  [/vormittag|morgens|früh|morning/i, { from: 0, to: 12 * 60 - 1 }],
  [/abend|evening/i, { from: 17 * 60, to: 24 * 60 - 1 }],
  [/mittag|noon|lunch/i, { from: 11 * 60, to: 14 * 60 }],
];

/** The window of a spoken day part ("nachmittags" → 12:00–17:00), in minutes after midnight. */
export const dayPart = (raw: unknown): { from: number; to: number } | null => {
  if (typeof raw !== 'string' || !raw.trim()) return null;
  const text = raw.slice(0, MAX_PHRASE);
  return DAY_PARTS.find(([pattern]) => pattern.test(text))?.[1] ?? null;
};
