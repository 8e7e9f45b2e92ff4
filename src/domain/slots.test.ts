import { DateTime } from 'luxon';
import { checkSlot, freeSlots, gridSlots, nearestFree, type Rules } from './slots';

const BERLIN = 'Europe/Berlin';
const at = (iso: string) => DateTime.fromISO(iso, { setZone: true });
const rules = (overrides: Partial<Rules> = {}): Rules => ({
  zone: BERLIN,
  openingHours: [
    { weekday: 4, opens: '09:00', closes: '12:00' },
    { weekday: 4, opens: '13:00', closes: '18:00' },
    { weekday: 6, opens: '09:00', closes: '14:00' },
  ],
  slotMinutes: 30,
  durationMinutes: 45,
  now: Date.parse('2026-03-10T08:14:00Z'),
  ...overrides,
});
const iso = (ms: number) => DateTime.fromMillis(ms, { zone: BERLIN }).toISO();
const starts = (slots: { start: number }[]) => slots.map((slot) => iso(slot.start));

describe('grid slots on an ordinary day', () => {
  it.each([
    // [date, slotMinutes, duration, first, last, count]
    ['2026-03-12', 30, 45, '2026-03-12T09:00:00.000+01:00', '2026-03-12T17:00:00.000+01:00', 5 + 9],
    [
      '2026-03-12',
      15,
      45,
      '2026-03-12T09:00:00.000+01:00',
      '2026-03-12T17:15:00.000+01:00',
      10 + 18,
    ],
    [
      '2026-03-12',
      30,
      180,
      '2026-03-12T09:00:00.000+01:00',
      '2026-03-12T15:00:00.000+01:00',
      1 + 5,
    ],
    ['2026-03-14', 30, 45, '2026-03-14T09:00:00.000+01:00', '2026-03-14T13:00:00.000+01:00', 9],
  ])(
    '%s every %i min, %i min long: %s … %s (%i)',
    (date, slotMinutes, durationMinutes, first, last, count) => {
      const slots = gridSlots(date, rules({ slotMinutes, durationMinutes }));
      expect(slots).toHaveLength(count);
      expect(iso(slots[0].start)).toBe(first);
      expect(iso(slots[slots.length - 1].start)).toBe(last);
    }
  );

  it('has no slots on a closed day or for a service longer than the opening', () => {
    expect(gridSlots('2026-03-13', rules())).toEqual([]);
    expect(gridSlots('2026-03-12', rules({ durationMinutes: 301 }))).toEqual([]);
  });
});

describe('daylight saving time in Europe/Berlin', () => {
  const night = rules({
    openingHours: [7, 6, 5, 4, 3, 2, 1].map((weekday) => ({
      weekday,
      opens: '00:00',
      closes: '06:00',
    })),
    slotMinutes: 60,
    durationMinutes: 60,
    now: Date.parse('2026-01-01T00:00:00Z'),
  });

  it('skips the hour the clock jumps over in March (02:00 does not exist on 29 March)', () => {
    expect(starts(gridSlots('2026-03-29', night))).toEqual([
      '2026-03-29T00:00:00.000+01:00',
      '2026-03-29T01:00:00.000+01:00',
      // 02:00 does not exist; 01:00 + 60 min is 03:00 CEST
      '2026-03-29T03:00:00.000+02:00',
      '2026-03-29T04:00:00.000+02:00',
      '2026-03-29T05:00:00.000+02:00',
    ]);
  });

  it('offers the repeated hour once in October and keeps durations in real time (25 October)', () => {
    const slots = gridSlots('2026-10-25', night);
    expect(starts(slots)).toEqual([
      '2026-10-25T00:00:00.000+02:00',
      '2026-10-25T01:00:00.000+02:00',
      '2026-10-25T02:00:00.000+01:00', // the wall clock shows 02:00 twice; Luxon takes the second one
      '2026-10-25T03:00:00.000+01:00',
      '2026-10-25T04:00:00.000+01:00',
      '2026-10-25T05:00:00.000+01:00',
    ]);
    // 01:00 CEST + 60 real minutes ends at 02:00 CEST, an hour before the 02:00 CET slot
    expect(iso(slots[1].end)).toBe('2026-10-25T02:00:00.000+02:00');
    expect(slots[1].end).toBe(slots[2].start - 3_600_000);
  });

  it('maps a day-time opening to the right UTC instants on both switch days', () => {
    const day = rules({
      openingHours: [{ weekday: 7, opens: '09:00', closes: '10:00' }],
      slotMinutes: 60,
      durationMinutes: 60,
      now: 0,
    });
    expect(gridSlots('2026-03-22', day).map((slot) => new Date(slot.start).toISOString())).toEqual([
      '2026-03-22T08:00:00.000Z',
    ]);
    expect(gridSlots('2026-03-29', day).map((slot) => new Date(slot.start).toISOString())).toEqual([
      '2026-03-29T07:00:00.000Z',
    ]);
    expect(gridSlots('2026-10-25', day).map((slot) => new Date(slot.start).toISOString())).toEqual([
      '2026-10-25T08:00:00.000Z',
    ]);
    expect(gridSlots('2026-10-18', day).map((slot) => new Date(slot.start).toISOString())).toEqual([
      '2026-10-18T07:00:00.000Z',
    ]);
  });
});

describe('free slots and why a wish is refused', () => {
  const busy = [
    {
      start: Date.parse('2026-03-12T09:30:00+01:00'),
      end: Date.parse('2026-03-12T10:15:00+01:00'),
    },
  ];

  it('leaves out slots that overlap a busy interval, touching ones stay free', () => {
    const free = starts(freeSlots('2026-03-12', rules(), busy));
    expect(free.slice(0, 3)).toEqual([
      '2026-03-12T10:30:00.000+01:00',
      '2026-03-12T11:00:00.000+01:00',
      '2026-03-12T13:00:00.000+01:00',
    ]);
  });

  it.each([
    ['2026-03-12T10:30:00+01:00', null],
    ['2026-03-12T09:00:00+01:00', 'taken'],
    ['2026-03-12T09:45:00+01:00', 'off_grid'],
    ['2026-03-12T11:30:00+01:00', 'closed'], // would end 12:15, after the midday closing
    ['2026-03-12T19:00:00+01:00', 'closed'],
    ['2026-03-13T10:00:00+01:00', 'closed'],
    ['2026-03-09T10:00:00+01:00', 'past'],
  ])('%s → %s', (start, reason) => {
    expect(checkSlot(at(start), rules(), busy)).toBe(reason);
  });

  it('never offers a slot in the past', () => {
    const today = rules({
      openingHours: [{ weekday: 2, opens: '09:00', closes: '12:00' }],
      now: Date.parse('2026-03-10T09:50:00+01:00'),
    });
    expect(starts(freeSlots('2026-03-10', today, []))[0]).toBe('2026-03-10T10:00:00.000+01:00');
  });

  it('picks the free slots nearest to a wished time', () => {
    const free = freeSlots('2026-03-12', rules(), busy);
    expect(starts(nearestFree(free, at('2026-03-12T13:10:00+01:00').toMillis(), 3))).toEqual([
      '2026-03-12T13:00:00.000+01:00',
      '2026-03-12T13:30:00.000+01:00',
      '2026-03-12T14:00:00.000+01:00',
    ]);
  });
});
