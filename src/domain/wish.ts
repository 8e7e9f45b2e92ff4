import { DateTime } from 'luxon';

/**
 * Reading the date and time a caller asked for, as the agent's LLM passes them on: ISO
 * ("2026-03-12", "10:30"), or the caller's own words in German or English — relative days
 * ("übermorgen", "nächsten Dienstag", "in zwei Wochen", "next Tuesday"), calendar dates ("am
 * 15.12.", "3. Januar", "December 15th"), clock times ("halb drei", "viertel nach zehn", "kurz
 * nach neun", "10 Uhr", "half past two", "3 pm") and day parts ("vormittags", "abends",
 * "früh"). All in the company's zone.
 *
 * A small grammar of our own: chrono-node 2.10.3 reads the relative days and month names
 * right, but not "am 15.12.", "halb drei", "viertel nach", "kurz nach", "half past" (and reads
 * "morgen früh" as Friday), and its expressions are not ours to keep linear. Every pattern here
 * is anchored, without nested repetition, and sees at most MAX_PHRASE characters.
 */
const MAX_PHRASE = 200;

const RELATIVE_DAYS: Record<string, number> = {
  heute: 0,
  today: 0,
  morgen: 1,
  tomorrow: 1,
  übermorgen: 2,
  uebermorgen: 2,
  'the day after tomorrow': 2,
  'day after tomorrow': 2,
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
const MONTHS: Record<string, number> = {
  januar: 1,
  jänner: 1,
  jan: 1,
  january: 1,
  februar: 2,
  feb: 2,
  february: 2,
  märz: 3,
  maerz: 3,
  mär: 3,
  march: 3,
  mar: 3,
  april: 4,
  apr: 4,
  mai: 5,
  may: 5,
  juni: 6,
  jun: 6,
  june: 6,
  juli: 7,
  jul: 7,
  july: 7,
  august: 8,
  aug: 8,
  september: 9,
  sep: 9,
  sept: 9,
  oktober: 10,
  okt: 10,
  october: 10,
  oct: 10,
  november: 11,
  nov: 11,
  dezember: 12,
  dez: 12,
  december: 12,
  dec: 12,
};
/** Numbers as said (German and English), for hours and counts. */
const NUMBERS: Record<string, number> = {
  null: 0,
  ein: 1,
  eins: 1,
  eine: 1,
  einer: 1,
  einem: 1,
  zwei: 2,
  zwo: 2,
  drei: 3,
  vier: 4,
  fünf: 5,
  fuenf: 5,
  sechs: 6,
  sieben: 7,
  acht: 8,
  neun: 9,
  zehn: 10,
  elf: 11,
  zwölf: 12,
  zwoelf: 12,
  dreizehn: 13,
  vierzehn: 14,
  fünfzehn: 15,
  fuenfzehn: 15,
  sechzehn: 16,
  siebzehn: 17,
  achtzehn: 18,
  neunzehn: 19,
  zwanzig: 20,
  one: 1,
  a: 1,
  an: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
};
const numberOf = (word: string): number | null => {
  if (/^\d{1,2}$/.test(word)) return Number(word);
  return word in NUMBERS ? NUMBERS[word] : null;
};

/** Lower case, one space, no punctuation around (but the dots of a date), nothing too long. */
const clean = (raw: unknown): string | null => {
  if (typeof raw !== 'string' || raw.length > MAX_PHRASE) return null;
  const text = raw
    .trim()
    .toLowerCase()
    .replace(/[,;!?"„“]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return text || null;
};

/** Words of a day part, removed from a date phrase ("morgen früh" is the day "morgen"). */
const DAY_PART_WORDS =
  /\s(?:früh|frueh|morgens|vormittags?|mittags?|nachmittags?|abends?|in the morning|in the afternoon|in the evening|morning|afternoon|evening|noon)$/;
const LEADING_WORDS = /^(?:am|an dem|den|der|on|the|for|für|fuer|at|um)\s/;

const nextYearIfPast = (date: DateTime, today: DateTime, yearGiven: boolean) =>
  !yearGiven && date.isValid && date < today ? date.plus({ years: 1 }) : date;

export const parseDate = (raw: unknown, zone: string, now: number): string | null => {
  let text = clean(raw);
  if (!text) return null;
  const today = DateTime.fromMillis(now, { zone }).startOf('day');
  text = text.replace(DAY_PART_WORDS, '');
  if (text in RELATIVE_DAYS) return today.plus({ days: RELATIVE_DAYS[text] }).toISODate();
  // "heute abend", "morgen früh": the day part went above; what is left may still have a lead.
  const stripped = text.replace(LEADING_WORDS, '');

  // ISO first: "2026-03-12" (a time after it is read elsewhere).
  let match = /^(\d{4})-(\d{2})-(\d{2})/.exec(stripped);
  if (match) {
    const date = DateTime.fromObject(
      { year: +match[1], month: +match[2], day: +match[3] },
      { zone }
    );
    return date.isValid ? date.toISODate() : null;
  }

  // A weekday: "Dienstag", "am Dienstag", "nächsten Dienstag", "next Tuesday", "Dienstag nächste Woche".
  match =
    /^(?:(nächsten|naechsten|nächster|kommenden|kommender|next|this|coming|diesen|dieser)\s)?([a-zäöü]+)(?:\s(nächste woche|naechste woche|next week|in einer woche))?$/.exec(
      stripped
    );
  if (match && WEEKDAYS[match[2]]) {
    const weekday = WEEKDAYS[match[2]];
    if (match[3])
      return today
        .startOf('week')
        .plus({ weeks: 1, days: weekday - 1 })
        .toISODate();
    const ahead = (weekday - today.weekday + 7) % 7;
    const skipToday =
      ahead === 0 && !!match[1] && match[1] !== 'this' && !match[1].startsWith('dies');
    return today.plus({ days: skipToday ? 7 : ahead }).toISODate();
  }

  // "in zwei Wochen", "in 3 Tagen", "in einem Monat", "in two weeks".
  match =
    /^in ([a-zäöü0-9]+) (tag|tagen|woche|wochen|monat|monaten|day|days|week|weeks|month|months)$/.exec(
      stripped
    );
  if (match) {
    const count = numberOf(match[1]);
    if (count === null || count > 60) return null;
    const unit =
      match[2].startsWith('tag') || match[2].startsWith('day')
        ? 'days'
        : match[2].startsWith('woche') || match[2].startsWith('week')
          ? 'weeks'
          : 'months';
    return today.plus({ [unit]: count }).toISODate();
  }
  // "nächste Woche", "übernächste Woche", "next week": the Monday of that week.
  match =
    /^(nächste|naechste|kommende|übernächste|uebernächste|uebernaechste|next) woche$|^next week$/.exec(
      stripped
    );
  if (match) {
    const weeks = match[1]?.startsWith('über') || match[1]?.startsWith('ueber') ? 2 : 1;
    return today.startOf('week').plus({ weeks }).toISODate();
  }

  // "15.12.", "15.12.2026", "15.12", "15/12".
  match = /^(\d{1,2})[./](\d{1,2})(?:[./](\d{2}|\d{4})?)?\.?$/.exec(stripped);
  if (match) {
    const yearGiven = !!match[3];
    const year = match[3] ? (match[3].length === 2 ? 2000 + +match[3] : +match[3]) : today.year;
    const date = DateTime.fromObject({ year, month: +match[2], day: +match[1] }, { zone });
    const result = nextYearIfPast(date, today, yearGiven);
    return result.isValid ? result.toISODate() : null;
  }
  // "3. Januar", "3 Januar 2027", "3rd of January", "3 jan".
  match = /^(\d{1,2})(?:\.|st|nd|rd|th)?\s(?:of\s)?([a-zäöü]+)\.?(?:\s(\d{4}))?$/.exec(stripped);
  if (match && MONTHS[match[2]]) {
    const yearGiven = !!match[3];
    const date = DateTime.fromObject(
      { year: match[3] ? +match[3] : today.year, month: MONTHS[match[2]], day: +match[1] },
      { zone }
    );
    const result = nextYearIfPast(date, today, yearGiven);
    return result.isValid ? result.toISODate() : null;
  }
  // "December 15th", "January 3", "Dec 15, 2026".
  match = /^([a-zäöü]+)\.?\s(\d{1,2})(?:st|nd|rd|th|\.)?(?:\s(\d{4}))?$/.exec(stripped);
  if (match && MONTHS[match[1]]) {
    const yearGiven = !!match[3];
    const date = DateTime.fromObject(
      { year: match[3] ? +match[3] : today.year, month: MONTHS[match[1]], day: +match[2] },
      { zone }
    );
    const result = nextYearIfPast(date, today, yearGiven);
    return result.isValid ? result.toISODate() : null;
  }
  // "den 15.", "the 15th": that day of this month, or of the next when it has passed.
  match = /^(\d{1,2})(?:\.|st|nd|rd|th)$/.exec(stripped);
  if (match) {
    let date = today.set({ day: +match[1] });
    if (date.isValid && date < today) date = date.plus({ months: 1 });
    return date.isValid && date.day === +match[1] ? date.toISODate() : null;
  }
  return null;
};

/**
 * Minutes after midnight, or null. A time said on the twelve-hour clock ("halb drei", "drei
 * Uhr", "half past two") is ambiguous: `prefer` tells which of the two readings the company
 * can serve (its opening hours); without it, or when both or neither fit, an hour from 1 to 7
 * is read as the afternoon (nobody books a haircut at 2:30 at night).
 */
export const parseTime = (
  raw: unknown,
  { prefer }: { prefer?: (minutes: number) => boolean } = {}
): number | null => {
  let text = clean(raw);
  if (!text) return null;
  text = text.replace(/^(?:um|gegen|so gegen|so um|ca\.?|circa|etwa|at|around|about)\s/, '');

  const resolve = (hour: number, minute: number, explicit: boolean): number | null => {
    if (hour > 24 || minute > 59 || hour < 0) return null;
    if (hour === 24 && minute === 0) return null;
    const plain = (hour % 24) * 60 + minute;
    if (explicit || hour === 0 || hour >= 12) return plain;
    const afternoon = (hour + 12) * 60 + minute;
    if (prefer) {
      const [morningFits, afternoonFits] = [prefer(plain), prefer(afternoon)];
      if (morningFits && !afternoonFits) return plain;
      if (afternoonFits && !morningFits) return afternoon;
    }
    return hour <= 7 ? afternoon : plain;
  };
  const hourOf = (word: string) => {
    const hour = numberOf(word);
    return hour !== null && hour <= 24 ? hour : null;
  };

  // 24-hour and digital: "10:30", "10.30", "1030"? (no), "14 Uhr 30", "10 Uhr", "10h", "10".
  let match =
    /^(\d{1,2})(?:[:.h](\d{2}))?(?:\s?(?:uhr|h|hrs|o'clock))?(?:\s(\d{1,2}))?(?:\s?(am|pm|a\.m\.|p\.m\.))?$/.exec(
      text
    );
  if (match) {
    const hour = Number(match[1]);
    const minute = Number(match[2] ?? match[3] ?? 0);
    const meridiem = match[4]?.replace(/\./g, '');
    if (meridiem) {
      if (hour < 1 || hour > 12) return null;
      return resolve((hour % 12) + (meridiem === 'pm' ? 12 : 0), minute, true);
    }
    // "14:30" and "09:00" are the 24-hour clock; "2:30", "3 Uhr", "10" may be either.
    return resolve(hour, minute, hour >= 13 || match[1].startsWith('0'));
  }
  if (text === 'noon' || text === 'mittag' || text === 'midday' || text === 'mittags')
    return 12 * 60;
  // Words: "zehn Uhr", "zehn", "ten o'clock", "three pm".
  match = /^([a-zäöü]+)(?:\s(?:uhr|o'clock))?(?:\s(am|pm))?$/.exec(text);
  if (match) {
    const hour = hourOf(match[1]);
    if (hour === null || match[1] === 'a' || match[1] === 'an') return null;
    if (match[2]) return resolve((hour % 12) + (match[2] === 'pm' ? 12 : 0), 0, true);
    return resolve(hour, 0, hour >= 13);
  }
  // "halb drei" = 2:30; "viertel nach zehn" = 10:15; "viertel vor elf" = 10:45;
  // "dreiviertel elf" = 10:45; "viertel elf" = 10:15 (regional); "zehn nach neun", "fünf vor halb drei".
  match =
    /^(halb|viertel nach|viertel vor|dreiviertel|drei viertel|viertel|kurz nach|kurz vor|([a-zäöü0-9]+) (?:minuten )?(nach|vor)(?: halb)?) ([a-zäöü0-9]+)(?: uhr)?$/.exec(
      text
    );
  if (match) {
    const hour = hourOf(match[4]);
    if (hour === null || hour === 0) return null;
    const half = text.includes(' halb ');
    const at = (minutesFromHour: number) => {
      let total = hour * 60 + minutesFromHour;
      if (total < 60) total += 12 * 60; // "halb eins" is 12:30, not 0:30
      return resolve(Math.floor(total / 60), ((total % 60) + 60) % 60, hour >= 13);
    };
    switch (match[1]) {
      case 'halb':
        return at(-30);
      case 'viertel nach':
        return at(15);
      case 'viertel vor':
      case 'dreiviertel':
      case 'drei viertel':
        return at(-15);
      case 'viertel':
        return at(-45);
      case 'kurz nach':
        return at(5);
      case 'kurz vor':
        return at(-5);
      default: {
        const minutes = numberOf(match[2] ?? '');
        if (minutes === null || minutes > 29) return null;
        const base = half ? -30 : 0;
        return at(base + (match[3] === 'nach' ? minutes : -minutes));
      }
    }
  }
  // "half past two", "quarter past ten", "quarter to eleven", "ten past nine".
  match =
    /^(?:a )?(half|quarter|[a-z0-9]+)(?: minutes)? (past|to|after|before) ([a-z0-9]+)(?:\s(am|pm))?$/.exec(
      text
    );
  if (match) {
    const hour = hourOf(match[3]);
    const minutes = match[1] === 'half' ? 30 : match[1] === 'quarter' ? 15 : numberOf(match[1]);
    if (hour === null || minutes === null || minutes > 30) return null;
    const total = hour * 60 + (match[2] === 'past' || match[2] === 'after' ? minutes : -minutes);
    const [h, m] = [Math.floor(total / 60), ((total % 60) + 60) % 60];
    if (match[4]) return resolve((h % 12) + (match[4] === 'pm' ? 12 : 0), m, true);
    return resolve(h, m, hour >= 13);
  }
  return null;
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
  [/früh|frueh|early/i, { from: 0, to: 10 * 60 }],
  [/vormittag|morgens|morning/i, { from: 0, to: 12 * 60 - 1 }],
  [/abend|evening|late/i, { from: 17 * 60, to: 24 * 60 - 1 }],
  [/mittag|noon|lunch/i, { from: 11 * 60, to: 14 * 60 }],
];

/** The day part said after a day ("morgen früh", "Freitag nachmittags"), or null. */
export const dayPartOfDate = (raw: unknown): { from: number; to: number } | null => {
  const text = clean(raw);
  const word = text ? DAY_PART_WORDS.exec(text)?.[0] : undefined;
  return word ? dayPart(word) : null;
};

/** The window of a spoken day part ("nachmittags" → 12:00–17:00), in minutes after midnight. */
export const dayPart = (raw: unknown): { from: number; to: number } | null => {
  if (typeof raw !== 'string' || !raw.trim()) return null;
  const text = raw.slice(0, MAX_PHRASE);
  return DAY_PARTS.find(([pattern]) => pattern.test(text))?.[1] ?? null;
};
