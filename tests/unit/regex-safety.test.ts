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
 * The old email check `/.+@.+\..+/` took ~16 s for 4,000 '@' and would not finish on these; a
 * linear, length-capped pattern finishes each in a few milliseconds. The bound below is loose
 * on purpose (a slow machine stays far under it; a super-linear pattern never gets near it).
 */
const MiB = 1024 * 1024;
const repeat = (unit: string) => unit.repeat(Math.ceil(MiB / unit.length)).slice(0, MiB);
const INPUTS: Record<string, string> = {
  ats: repeat('@'),
  'ats and dots': repeat('@.'),
  'almost an email': repeat('a@b.'),
  'local parts': repeat('a'),
  digits: repeat('1'),
  'plus digits': repeat('+4930'),
  'encoded plus': repeat('%2B49'),
  spaces: repeat(' \t'),
  'request id chars': repeat('a.:-_'),
  'umlauts and words': repeat('übermorgen nachmittags '),
  'date-like': repeat('12.12.'),
  'iso-like': repeat('2026-12-01T10:3'),
  'url-like': `https://${repeat('a.')}`,
  'formula-like': repeat('=+-@'),
};

const LIMIT_MS = 1500;
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

describe.each(Object.keys(FUNCTIONS))('%s on 1 MiB of adversarial input', (name) => {
  it.each(Object.keys(INPUTS))('%s', (input) => {
    const started = process.hrtime.bigint();
    FUNCTIONS[name](INPUTS[input]);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    expect(ms).toBeLessThan(LIMIT_MS);
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
