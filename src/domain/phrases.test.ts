import { DateTime } from 'luxon';
import { dayPart, dayPartOfDate, parseDate, parseTime } from './wish';
import { matchByName } from './match';

/**
 * What callers say, as the LLM passes it on: a table of phrases with their expected reading —
 * dates, times, day parts and services, German and English. "Now" is Tuesday 1 December 2026,
 * 10:00 in Berlin; the salon is open 09:00–19:00.
 */
const ZONE = 'Europe/Berlin';
const NOW = DateTime.fromISO('2026-12-01T10:00:00', { zone: ZONE }).toMillis();
const open = (minutes: number) => minutes >= 9 * 60 && minutes < 19 * 60;
const hm = (text: string) => {
  const [h, m] = text.split(':').map(Number);
  return h * 60 + m;
};

const DATES: Array<[string, string | null]> = [
  ['heute', '2026-12-01'],
  ['morgen', '2026-12-02'],
  ['Morgen', '2026-12-02'],
  ['übermorgen', '2026-12-03'],
  ['uebermorgen', '2026-12-03'],
  ['morgen früh', '2026-12-02'],
  ['heute Abend', '2026-12-01'],
  ['Freitag', '2026-12-04'],
  ['am Freitag', '2026-12-04'],
  ['Freitag nachmittags', '2026-12-04'],
  ['Dienstag', '2026-12-01'],
  ['nächsten Dienstag', '2026-12-08'],
  ['naechsten Dienstag', '2026-12-08'],
  ['kommenden Montag', '2026-12-07'],
  ['Samstag', '2026-12-05'],
  ['Sonnabend', '2026-12-05'],
  ['Mittwoch nächste Woche', '2026-12-09'],
  ['in zwei Wochen', '2026-12-15'],
  ['in 2 Wochen', '2026-12-15'],
  ['in einer Woche', '2026-12-08'],
  ['in drei Tagen', '2026-12-04'],
  ['nächste Woche', '2026-12-07'],
  ['übernächste Woche', '2026-12-14'],
  ['am 15.12.', '2026-12-15'],
  ['15.12.', '2026-12-15'],
  ['15.12', '2026-12-15'],
  ['15.12.2026', '2026-12-15'],
  ['3.1.', '2027-01-03'],
  ['den 3. Januar', '2027-01-03'],
  ['3. Januar', '2027-01-03'],
  ['3 Januar 2027', '2027-01-03'],
  ['am 24. Dezember', '2026-12-24'],
  ['den 15.', '2026-12-15'],
  ['2026-12-18', '2026-12-18'],
  ['tomorrow', '2026-12-02'],
  ['the day after tomorrow', '2026-12-03'],
  ['next Tuesday', '2026-12-08'],
  ['on Friday', '2026-12-04'],
  ['in two weeks', '2026-12-15'],
  ['December 15th', '2026-12-15'],
  ['January 3', '2027-01-03'],
  ['3rd of January', '2027-01-03'],
  ['the 15th', '2026-12-15'],
  ['31.02.', null],
  ['irgendwann', null],
];

const TIMES: Array<[string, string | null]> = [
  ['10:30', '10:30'],
  ['10.30', '10:30'],
  ['14:00', '14:00'],
  ['09:00', '09:00'],
  ['10 Uhr', '10:00'],
  ['um 10 Uhr', '10:00'],
  ['14 Uhr 30', '14:30'],
  ['3 Uhr', '15:00'],
  ['zehn Uhr', '10:00'],
  ['zehn', '10:00'],
  ['halb drei', '14:30'],
  ['gegen halb drei', '14:30'],
  ['halb zehn', '09:30'],
  ['halb eins', '12:30'],
  ['viertel nach zehn', '10:15'],
  ['viertel vor elf', '10:45'],
  ['dreiviertel elf', '10:45'],
  ['viertel elf', '10:15'],
  ['kurz nach neun', '09:05'],
  ['kurz vor zwölf', '11:55'],
  ['zehn nach neun', '09:10'],
  ['fünf vor halb drei', '14:25'],
  ['2:30', '14:30'],
  ['half past two', '14:30'],
  ['quarter past ten', '10:15'],
  ['a quarter to eleven', '10:45'],
  ['ten past nine', '09:10'],
  ['3 pm', '15:00'],
  ['3pm', '15:00'],
  ['10 am', '10:00'],
  ['11:30 am', '11:30'],
  ["ten o'clock", '10:00'],
  ['noon', '12:00'],
  ['mittags', '12:00'],
  ['25:00', null],
  ['nachmittags', null],
];

const DAY_PARTS: Array<[string, [string, string] | null]> = [
  ['vormittags', ['00:00', '11:59']],
  ['nachmittags', ['12:00', '17:00']],
  ['abends', ['17:00', '23:59']],
  ['früh', ['00:00', '10:00']],
  ['in the afternoon', ['12:00', '17:00']],
  ['morning', ['00:00', '11:59']],
];

const SERVICES = [
  { name: 'Damenhaarschnitt', aliases: ['Haare schneiden'] },
  { name: 'Herrenhaarschnitt', aliases: [] },
  { name: 'Färben', aliases: ['Coloration', 'Tönung'] },
  { name: 'Strähnchen', aliases: [] },
];
const SERVICE_PHRASES: Array<[string, string | null]> = [
  ['Damenhaarschnitt', 'Damenhaarschnitt'],
  ['damen haarschnitt', 'Damenhaarschnitt'],
  ['DAMENHAARSCHNITT', 'Damenhaarschnitt'],
  ['Damen-Haarschnitt', 'Damenhaarschnitt'],
  ['damenhaarschnit', 'Damenhaarschnitt'],
  ['Haare schneiden', 'Damenhaarschnitt'],
  ['Herren Schnitt', 'Herrenhaarschnitt'],
  ['herrenhaarschnitt bitte', 'Herrenhaarschnitt'],
  ['faerben', 'Färben'],
  ['Farben', 'Färben'],
  ['Coloration', 'Färben'],
  ['tönung', 'Färben'],
  ['Straehnchen', 'Strähnchen'],
  ['Haarschnitt', null], // two services are haircuts: ask which
  ['Massage', null],
];

describe('dates', () => {
  it.each(DATES)('%s → %s', (phrase, expected) => {
    expect(parseDate(phrase, ZONE, NOW)).toBe(expected);
  });
});

describe('times (salon open 09:00–19:00)', () => {
  it.each(TIMES)('%s → %s', (phrase, expected) => {
    expect(parseTime(phrase, { prefer: open })).toBe(expected === null ? null : hm(expected));
  });
  it('without opening hours, 1 to 7 o’clock is the afternoon', () => {
    expect(parseTime('halb drei')).toBe(hm('14:30'));
    expect(parseTime('halb zehn')).toBe(hm('09:30'));
  });
  it('with hours open at night only, the night reading is taken', () => {
    expect(parseTime('halb drei', { prefer: (minutes) => minutes < 6 * 60 })).toBe(hm('02:30'));
  });
});

describe('day parts', () => {
  it.each(DAY_PARTS)('%s', (phrase, expected) => {
    const part = dayPart(phrase);
    expect(part && [part.from, part.to]).toEqual(expected && [hm(expected[0]), hm(expected[1])]);
  });
  it('after a day: "morgen früh", "Freitag nachmittags" — but "Sonnabend" is a day', () => {
    expect(dayPartOfDate('morgen früh')).toEqual(dayPart('früh'));
    expect(dayPartOfDate('Freitag nachmittags')).toEqual(dayPart('nachmittags'));
    expect(dayPartOfDate('Sonnabend')).toBeNull();
  });
});

describe('services', () => {
  it.each(SERVICE_PHRASES)('%s → %s', (phrase, expected) => {
    expect(matchByName(phrase, SERVICES)?.name ?? null).toBe(expected);
  });
});

it('the table has at least 80 phrases', () => {
  expect(
    DATES.length + TIMES.length + DAY_PARTS.length + SERVICE_PHRASES.length
  ).toBeGreaterThanOrEqual(80);
});
