/**
 * Generated bad input: for every attribute of a content type, values of the wrong type, out of
 * range, huge, odd unicode, NUL characters, absurd nesting, odd relation and component shapes;
 * plus whole bodies and query strings of the wrong shape. Deterministic: the same run, the
 * same requests.
 */
type Attribute = {
  type: string;
  required?: boolean;
  maxLength?: number;
  min?: number;
  max?: number;
  enum?: string[];
  relation?: string;
  repeatable?: boolean;
};

const nested = (levels: number): unknown =>
  levels === 0 ? 'bottom' : { level: nested(levels - 1) };
const HUGE = 'ü'.repeat(300_000);
const ODD_UNICODE = '‮RTL‬ 𝔘𝔫𝔦 👩‍👩‍👧‍👦 \uFEFF\u200B\uD800';

const COMMON: Array<[string, unknown]> = [
  ['an object', { nested: { object: true } }],
  ['an array', [1, 'two', { three: 3 }]],
  ['a NUL character', 'before\u0000after'],
  ['nesting 40 levels deep', nested(40)],
];

const BY_TYPE: Record<string, Array<[string, unknown]>> = {
  string: [
    ['a number', 12345],
    ['a boolean', true],
    ['300,000 characters', HUGE],
    ['odd unicode, repeated past any length', ODD_UNICODE.repeat(2000)],
  ],
  text: [
    ['a number', 42],
    ['300,000 characters of umlauts', HUGE],
  ],
  email: [
    ['not an email', 'not-an-email'],
    ['a huge address', `${'a'.repeat(10_000)}@example.com`],
    ['a number', 7],
  ],
  uid: [
    ['spaces and slashes', 'not a / valid uid'],
    ['a number', 5],
  ],
  integer: [
    ['text', 'abc'],
    ['a fraction', 1.5],
    ['2^40', 2 ** 40],
    ['-2^40', -(2 ** 40)],
    ['an empty string', ''],
  ],
  boolean: [
    ['text', 'yes'],
    ['a number', 2],
  ],
  datetime: [
    ['not a date', 'next tuesday-ish'],
    ['an impossible date', '2026-13-45T99:99:00Z'],
    ['1e20', 1e20],
    ['the year 300000', '300000-01-01T00:00:00Z'],
  ],
  enumeration: [
    ['a value not in the list', 'bogus'],
    ['a number', 3],
  ],
  json: [
    ['nesting 40 levels deep', nested(40)],
    ['a NUL escape', { text: 'a\u0000b' }],
  ],
  relation: [
    ['an unknown object', { foo: 1 }],
    ['a boolean', true],
    ['a fraction', 1.5],
    ['a missing documentId', 'x0000000000000000000000'],
    ['an id beyond the integer range', 99_999_999_999],
    ['connect as a string', { connect: 'nope' }],
    ['set as an object', { set: { id: 1 } }],
    ['arrays in arrays', [[[]]]],
    ['nested connects', { connect: [{ connect: [{ id: 1 }] }] }],
  ],
  component: [
    ['a string', 'opening hours'],
    ['an object, not a list', { weekday: 1 }],
    ['a weekday of 0', [{ weekday: 0, opens: '09:00', closes: '18:00' }]],
    ['a time of 25:99', [{ weekday: 1, opens: '25:99', closes: '18:00' }]],
    ['nulls in the list', [null, null]],
    ['a list in the list', [[{ weekday: 1 }]]],
  ],
};

export type BadCase = { field: string; label: string; value: unknown };

/** One case per attribute and bad value. Relations only when `relations` (some surfaces hide them). */
export const badFieldCases = (
  attributes: Record<string, Attribute>,
  { skip = [] as string[] } = {}
): BadCase[] => {
  const cases: BadCase[] = [];
  for (const [field, attribute] of Object.entries(attributes)) {
    if (
      skip.includes(field) ||
      [
        'createdAt',
        'updatedAt',
        'publishedAt',
        'createdBy',
        'updatedBy',
        'locale',
        'localizations',
        'documentId',
        'id',
      ].includes(field)
    )
      continue;
    const own = BY_TYPE[attribute.type] ?? BY_TYPE.string;
    for (const [label, value] of [...own, ...COMMON]) cases.push({ field, label, value });
    if (attribute.required) cases.push({ field, label: 'null for a required field', value: null });
    if (attribute.maxLength)
      cases.push({
        field,
        label: `${attribute.maxLength + 1} characters`,
        value: 'x'.repeat(attribute.maxLength + 1),
      });
    if (typeof attribute.min === 'number')
      cases.push({ field, label: 'below the minimum', value: attribute.min - 1 });
  }
  cases.push({ field: 'zzUnknownField', label: 'an unknown field', value: 'surprise' });
  cases.push({ field: '__proto__', label: 'a prototype key', value: { polluted: true } });
  return cases;
};

/** Bodies that are not an object of fields at all. */
export const BAD_BODIES: Array<[string, unknown]> = [
  ['an array', [{ name: 'x' }]],
  ['a string', 'just text'],
  ['a number', 42],
  ['null', null],
  ['nesting 40 levels deep', nested(40)],
];

/** Query strings a client may send to a list route. */
export const BAD_QUERIES: string[] = [
  'filters[name][$foo]=1',
  'filters[$where]=1%3D1',
  'filters[password][$eq]=x',
  'filters[id][$eq]=99999999999999999',
  'filters[createdAt][$gt]=not-a-date',
  'filters[name][$eq]=%00',
  'filters[name][$containsi]=%25%25%25%25%25%25',
  'sort=password:asc',
  'sort[0][nope]=desc',
  'populate[company][populate][doesnotexist]=true',
  'populate=*&populate[0]=zzz',
  'fields[0]=password',
  'pagination[page]=-5&pagination[pageSize]=abc',
  'pagination[pageSize]=1000000',
  'pagination[start]=-1&pagination[limit]=99999999999',
  `filters${'[$and][0]'.repeat(30)}[name][$eq]=x`,
  `filters[name][$in]=${Array.from({ length: 2000 }, (_, index) => `v${index}`).join('&filters[name][$in]=')}`,
  'locale=../../etc/passwd',
  `q=${'%F0%9F%92%A9'.repeat(3000)}`,
  'filters[name][$eq][$eq][$eq]=x',
];
