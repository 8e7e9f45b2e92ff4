import { parseDate, parseStart, parseTime } from './wish';

const NOW = Date.parse('2026-03-10T09:14:00+01:00'); // a Tuesday
const ZONE = 'Europe/Berlin';

it.each([
  ['2026-03-12', '2026-03-12'],
  ['12.03.2026', '2026-03-12'],
  ['12.3.', '2026-03-12'],
  ['1.2.', '2027-02-01'],
  ['heute', '2026-03-10'],
  ['morgen', '2026-03-11'],
  ['Donnerstag', '2026-03-12'],
  ['am Dienstag', '2026-03-10'],
  ['Friday', '2026-03-13'],
  ['2026-02-30', null],
  ['bald', null],
])('date %s → %s', (raw, expected) => expect(parseDate(raw, ZONE, NOW)).toBe(expected));

it.each([
  ['10:30', 630],
  ['9:05', 545],
  ['10.30', 630],
  ['10 Uhr', 600],
  ['14h', 840],
  ['25:00', null],
  ['halb elf', 630], // spoken times are read too (see phrases.test.ts)
])('time %s → %s', (raw, expected) => expect(parseTime(raw)).toBe(expected));

it('reads an ISO start with or without offset in the company zone', () => {
  expect(parseStart('2026-03-12T10:30:00+01:00', ZONE)?.toISO()).toBe(
    '2026-03-12T10:30:00.000+01:00'
  );
  expect(parseStart('2026-03-12T09:30:00Z', ZONE)?.toISO()).toBe('2026-03-12T10:30:00.000+01:00');
  expect(parseStart('2026-03-12T10:30', ZONE)?.toISO()).toBe('2026-03-12T10:30:00.000+01:00');
  expect(parseStart('2026-03-12', ZONE)).toBeNull();
});
