import { maskEmail, maskPersonal, maskPhone } from '../../src/support/redact';
import { acceptableRequestId } from '../../src/support/request-context';
import { linkedRefs } from '../../src/support/relation-input';
import { normaliseEmail } from '../../src/domain/email';
import { dayPart, parseDate, parseStart, parseTime } from '../../src/domain/wish';
import { matchByName } from '../../src/domain/match';
import { toE164 } from '../../src/domain/phone';
import { httpUrl } from '../../src/domain/urls';
import { cell } from '../../src/plugins/overview/server/src/services/export';

/**
 * Every regular expression that sees outside input, fed 1 MiB of adversarial text — the shapes
 * that make a backtracking pattern explode (runs of `@`, dots, digits, separators, almost-matches).
 * The old email check `/.+@.+\..+/` took ~16 s for 4,000 '@' and would not finish on these.
 *
 * Linearity is judged by growth, not by a wall-clock figure a busy CI machine can miss: the same
 * shape at 1/16 of the size first, then the full MiB. A linear pattern takes ~16× as long, a
 * quadratic one ~256× (and minutes in absolute terms); the bound allows 128× (garbage collection of the large results adds some) plus a floor for
 * timer noise on fast runs, and an absolute ceiling no linear pattern comes near.
 */
const MiB = 1024 * 1024;
const repeatTo = (size: number) => (unit: string) =>
  unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
const repeat = repeatTo(MiB);
const shapes = (fill: (unit: string) => string): Record<string, string> => ({
  ats: fill('@'),
  'ats and dots': fill('@.'),
  'almost an email': fill('a@b.'),
  'local parts': fill('a'),
  digits: fill('1'),
  'plus digits': fill('+4930'),
  'encoded plus': fill('%2B49'),
  spaces: fill(' \t'),
  'request id chars': fill('a.:-_'),
  'umlauts and words': fill('übermorgen nachmittags '),
  'date-like': fill('12.12.'),
  'iso-like': fill('2026-12-01T10:3'),
  'url-like': `https://${fill('a.')}`,
  'formula-like': fill('=+-@'),
});
const INPUTS = shapes(repeat);
const SMALL_INPUTS = shapes(repeatTo(MiB / 16));

const GROWTH_LIMIT = 128;
const NOISE_FLOOR_MS = 1000;
const CEILING_MS = 20_000;
const FUNCTIONS: Record<string, (text: string) => unknown> = {
  maskPhone,
  maskEmail,
  maskPersonal,
  acceptableRequestId,
  normaliseEmail,
  parseDate: (text) => parseDate(text, 'Europe/Berlin', Date.now()),
  parseTime,
  parseStart: (text) => parseStart(text, 'Europe/Berlin'),
  dayPart,
  matchByName: (text) =>
    matchByName(text, [{ name: 'Damenhaarschnitt mit Föhnen' }, { name: 'Herrenhaarschnitt' }]),
  toE164: (text) => toE164(text, 'DE'),
  httpUrl,
  csvCell: cell,
  relationRefs: (text) => linkedRefs({ connect: [text, { documentId: text }, { id: text }] }),
};

const timed = (run: () => unknown): number => {
  const started = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - started) / 1e6;
};

describe.each(Object.keys(FUNCTIONS))('%s on 1 MiB of adversarial input', (name) => {
  it.each(Object.keys(INPUTS))('%s', (input) => {
    const fn = FUNCTIONS[name];
    const small = Math.min(
      timed(() => fn(SMALL_INPUTS[input])),
      timed(() => fn(SMALL_INPUTS[input]))
    );
    const full = timed(() => fn(INPUTS[input]));
    expect(full).toBeLessThan(Math.max(NOISE_FLOOR_MS, GROWTH_LIMIT * small));
    expect(full).toBeLessThan(CEILING_MS);
  });
});

it('the email check accepts real addresses and refuses the rest', () => {
  expect(normaliseEmail(' Miriam.Sommerfeld@Example.com ')).toBe('miriam.sommerfeld@example.com');
  expect(normaliseEmail('a@b')).toBeNull();
  expect(normaliseEmail('no at sign.com')).toBeNull();
  expect(normaliseEmail('two@@example.com')).toBeNull();
  expect(normaliseEmail(`${'a'.repeat(65)}@example.com`)).toBeNull();
  expect(normaliseEmail(repeat('@'))).toBeNull();
});
