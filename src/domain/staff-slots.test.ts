import { DateTime } from 'luxon';
import type { Busy, OpeningInterval } from './slots';
import {
  checkStaffInterval,
  checkStaffSlot,
  performs,
  pickStaff,
  staffFreeSlots,
  workingIntervals,
  type StaffMember,
  type StaffRules,
} from './staff-slots';

/**
 * The slot computation over staff, table by table: hours ∩ opening hours with breaks, absences,
 * company closures, buffers (the new appointment's and the one before it), services per member,
 * and daylight-saving weeks — all in the company's zone.
 */
const BERLIN = 'Europe/Berlin';
// Tuesday to Saturday; Thursday with a lunch break for the company.
const COMPANY: OpeningInterval[] = [
  { weekday: 2, opens: '09:00', closes: '18:00' },
  { weekday: 3, opens: '09:00', closes: '18:00' },
  { weekday: 4, opens: '09:00', closes: '12:00' },
  { weekday: 4, opens: '13:00', closes: '20:00' },
  { weekday: 5, opens: '09:00', closes: '18:00' },
  { weekday: 6, opens: '09:00', closes: '14:00' },
];
const rules = (overrides: Partial<StaffRules> = {}): StaffRules => ({
  zone: BERLIN,
  openingHours: COMPANY,
  slotMinutes: 30,
  durationMinutes: 60,
  bufferMinutes: 0,
  now: Date.parse('2026-03-01T00:00:00Z'),
  ...overrides,
});
const COLOUR = 3;
const CUT = 1;
const lisa: StaffMember = {
  id: 1,
  name: 'Lisa Berger',
  workingHours: [
    { weekday: 4, opens: '08:00', closes: '11:00' },
    { weekday: 4, opens: '15:00', closes: '22:00' },
  ],
  serviceIds: [COLOUR],
};
const mehmet: StaffMember = { id: 2, name: 'Mehmet Öztürk', workingHours: [], serviceIds: [] };
const sven: StaffMember = {
  id: 3,
  name: 'Sven Kahl',
  workingHours: [{ weekday: 3, opens: '12:00', closes: '18:00' }],
  serviceIds: [CUT],
};
const at = (local: string) => DateTime.fromISO(local, { zone: BERLIN });
const ms = (local: string) => at(local).toMillis();
const clock = (instant: number) => DateTime.fromMillis(instant, { zone: BERLIN }).toFormat('HH:mm');
const busy = (from: string, to: string, kind: Busy['kind'] = 'appointment'): Busy => ({
  start: ms(from),
  end: ms(to),
  kind,
});

describe('working intervals: their hours ∩ the company’s, in minutes of the day', () => {
  it.each([
    // member, ISO weekday, expected [opens, closes] in HH:mm
    [
      'none of their own: the company’s (Thursday with its break)',
      mehmet,
      4,
      ['09:00-12:00', '13:00-20:00'],
    ],
    ['own hours clipped to the opening, both breaks kept', lisa, 4, ['09:00-11:00', '15:00-20:00']],
    ['own hours on a day the company opens, none of theirs that day', lisa, 3, []],
    ['own hours inside the opening', sven, 3, ['12:00-18:00']],
    ['the company closed that day', mehmet, 1, []],
  ])('%s', (_label, member, weekday, expected) => {
    const hhmm = (minute: number) =>
      `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
    expect(
      workingIntervals(weekday, COMPANY, member).map(
        ({ opens, closes }) => `${hhmm(opens)}-${hhmm(closes)}`
      )
    ).toEqual(expected);
  });
});

describe('free slots of a day, with who is free for each', () => {
  type Case = {
    label: string;
    date: string;
    members: StaffMember[];
    overrides?: Partial<StaffRules>;
    busy?: Array<[number, Busy]>;
    closures?: Busy[];
    /** [HH:mm, ids free] for the slots to look at; absent HH:mm must not be offered. */
    expect: Array<[string, number[] | null]>;
  };
  const cases: Case[] = [
    {
      label: 'a free member with no hours of their own works the company’s hours, breaks included',
      date: '2026-03-12',
      members: [mehmet],
      expect: [
        ['09:00', [2]],
        ['11:00', [2]],
        ['11:30', null], // would run into the lunch break
        ['13:00', [2]],
        ['19:00', [2]],
        ['19:30', null],
      ],
    },
    {
      label: 'own hours with a break: only where their hours and the opening overlap',
      date: '2026-03-12',
      members: [lisa],
      expect: [
        ['09:00', [1]],
        ['10:00', [1]],
        ['10:30', null], // Lisa stops at 11:00
        ['13:00', null], // company open, Lisa on her break
        ['15:00', [1]],
        ['19:00', [1]],
      ],
    },
    {
      label: 'two members: each slot names everyone free for it',
      date: '2026-03-12',
      members: [lisa, mehmet],
      busy: [[2, busy('2026-03-12T09:00', '2026-03-12T10:00')]],
      expect: [
        ['09:00', [1]],
        ['10:00', [1, 2]],
        ['13:00', [2]],
      ],
    },
    {
      label: 'an absence takes the member out, not the others',
      date: '2026-03-12',
      members: [lisa, mehmet],
      busy: [[1, busy('2026-03-11T00:00', '2026-03-13T00:00', 'absence')]],
      expect: [
        ['09:00', [2]],
        ['15:00', [2]],
      ],
    },
    {
      label: 'a company closure takes everybody out',
      date: '2026-03-12',
      members: [lisa, mehmet],
      closures: [busy('2026-03-12T00:00', '2026-03-13T00:00', 'absence')],
      expect: [
        ['09:00', null],
        ['15:00', null],
      ],
    },
    {
      label: 'a closure for part of the day: the rest is offered',
      date: '2026-03-12',
      members: [mehmet],
      closures: [busy('2026-03-12T13:00', '2026-03-12T16:00', 'absence')],
      expect: [
        ['09:00', [2]],
        ['15:30', null],
        ['16:00', [2]],
      ],
    },
    {
      label: 'the new service’s buffer must fit before the next appointment',
      date: '2026-03-12',
      members: [mehmet],
      overrides: { bufferMinutes: 15 },
      busy: [[2, busy('2026-03-12T10:00', '2026-03-12T11:00')]],
      expect: [
        ['09:00', null], // 09:00–10:00 plus 15 min buffer runs into 10:00
        ['11:00', [2]],
      ],
    },
    {
      label:
        'the buffer of the appointment before (already in its busy interval) keeps the next slot free',
      date: '2026-03-12',
      members: [mehmet],
      busy: [[2, busy('2026-03-12T09:00', '2026-03-12T10:15')]], // 60 min + 15 min buffer
      expect: [
        ['10:00', null],
        ['10:30', [2]],
      ],
    },
    {
      label: 'past slots are never offered',
      date: '2026-03-12',
      members: [mehmet],
      overrides: { now: ms('2026-03-12T10:10') },
      expect: [
        ['10:00', null],
        ['10:30', [2]],
      ],
    },
    {
      label: 'spring forward (29 March 2026): wall-clock hours hold, 02:00–03:00 does not exist',
      date: '2026-03-29',
      members: [{ ...mehmet, workingHours: [{ weekday: 7, opens: '01:00', closes: '05:00' }] }],
      overrides: {
        openingHours: [{ weekday: 7, opens: '00:00', closes: '23:00' }],
        durationMinutes: 30,
      },
      expect: [
        ['00:30', null], // before their hours
        ['01:00', [2]],
        ['01:30', [2]],
        ['03:00', [2]],
        ['04:30', [2]],
        ['05:00', null],
      ],
    },
    {
      label: 'fall back (25 October 2026): a working day of wall-clock 09:00–18:00',
      date: '2026-10-25',
      members: [{ ...mehmet, workingHours: [{ weekday: 7, opens: '09:00', closes: '18:00' }] }],
      overrides: { openingHours: [{ weekday: 7, opens: '08:00', closes: '20:00' }] },
      expect: [
        ['08:30', null],
        ['09:00', [2]],
        ['17:00', [2]],
        ['17:30', null],
      ],
    },
  ];

  it.each(cases)(
    '$label',
    ({ date, members, overrides, busy: taken, closures, expect: wanted }) => {
      const byMember = new Map<number, Busy[]>();
      for (const [id, interval] of taken ?? [])
        byMember.set(id, [...(byMember.get(id) ?? []), interval]);
      const slots = staffFreeSlots(date, rules(overrides), members, byMember, closures ?? []);
      const offered = new Map(slots.map((slot) => [clock(slot.start), slot.staffIds]));
      for (const [time, ids] of wanted)
        expect([time, offered.get(time) ?? null]).toEqual([time, ids]);
      for (const slot of slots) {
        expect(slot.end - slot.start).toBe(rules(overrides).durationMinutes * 60_000);
      }
    }
  );
});

describe('checking one start with one member (by phone: grid and future)', () => {
  it.each([
    ['free', lisa, '2026-03-12T09:00', [], [], null],
    ['in the past', lisa, '2026-02-26T09:00', [], [], 'past'],
    ['off the grid', mehmet, '2026-03-12T09:10', [], [], 'off_grid'],
    ['the company closed (Monday)', mehmet, '2026-03-09T10:00', [], [], 'closed'],
    [
      'outside the member’s hours, the company open',
      lisa,
      '2026-03-12T13:00',
      [],
      [],
      'unavailable',
    ],
    [
      'on vacation',
      mehmet,
      '2026-03-12T10:00',
      [busy('2026-03-12T00:00', '2026-03-14T00:00', 'absence')],
      [],
      'unavailable',
    ],
    [
      'an appointment in the way',
      mehmet,
      '2026-03-12T10:00',
      [busy('2026-03-12T10:30', '2026-03-12T11:00')],
      [],
      'taken',
    ],
    [
      'a company closure',
      mehmet,
      '2026-03-12T10:00',
      [],
      [busy('2026-03-12T00:00', '2026-03-13T00:00', 'absence')],
      'closed',
    ],
  ] as Array<[string, StaffMember, string, Busy[], Busy[], string | null]>)(
    '%s',
    (_label, member, start, taken, closures, reason) => {
      expect(checkStaffSlot(at(start), rules(), member, taken, closures)).toBe(reason);
    }
  );
});

describe('checking an interval staff place by hand (any start, any length)', () => {
  const interval = (from: string, to: string) => ({ start: ms(from), end: ms(to) });
  it.each([
    [
      '10 past, 50 minutes, inside the hours',
      '2026-03-12T09:10',
      '2026-03-12T10:00',
      lisa,
      [],
      null,
    ],
    [
      'running past the member’s end',
      '2026-03-12T10:30',
      '2026-03-12T11:30',
      lisa,
      [],
      'unavailable',
    ],
    ['the company closed then', '2026-03-12T20:00', '2026-03-12T21:00', lisa, [], 'closed'],
    [
      'touching the next appointment is fine',
      '2026-03-12T09:00',
      '2026-03-12T10:00',
      mehmet,
      [busy('2026-03-12T10:00', '2026-03-12T11:00')],
      null,
    ],
    [
      'overlapping it is not',
      '2026-03-12T09:30',
      '2026-03-12T10:30',
      mehmet,
      [busy('2026-03-12T10:00', '2026-03-12T11:00')],
      'taken',
    ],
  ] as Array<[string, string, string, StaffMember, Busy[], string | null]>)(
    '%s',
    (_label, from, to, member, taken, reason) => {
      expect(checkStaffInterval(interval(from, to), rules(), member, taken)).toBe(reason);
    }
  );

  it('a company without staff keeps any hour (one resource), overlaps still refused', () => {
    const whole = { workingHours: [] };
    const late = interval('2026-03-12T21:00', '2026-03-12T22:00');
    expect(checkStaffInterval(late, rules(), whole, [], [], { hours: false })).toBeNull();
    expect(
      checkStaffInterval(late, rules(), whole, [busy('2026-03-12T21:30', '2026-03-12T22:30')], [], {
        hours: false,
      })
    ).toBe('taken');
  });
});

describe('services per member and who gets the booking', () => {
  it.each([
    ['Lisa', COLOUR, true, lisa],
    ['Lisa', CUT, false, lisa],
    ['Mehmet (no services listed: every one)', COLOUR, true, mehmet],
    ['Sven', CUT, true, sven],
    ['Sven', COLOUR, false, sven],
  ] as Array<[string, number, boolean, StaffMember]>)(
    '%s performs service %i: %s',
    (_name, service, expected, member) => expect(performs(member, service)).toBe(expected)
  );

  it.each([
    ['the one asked for, when free', [1, 2, 3], 2, { 1: 0, 2: 5, 3: 1 }, 2],
    ['nobody, when the one asked for is not free', [1, 3], 2, {}, null],
    [
      'else the one with the fewest appointments that day',
      [1, 2, 3],
      null,
      { 1: 4, 2: 1, 3: 2 },
      2,
    ],
    ['a tie: the lower id, so the choice is stable', [3, 1, 2], null, { 1: 1, 2: 1, 3: 1 }, 1],
    ['nobody free: nobody', [], null, {}, null],
  ] as Array<[string, number[], number | null, Record<number, number>, number | null]>)(
    '%s',
    (_label, free, preferred, load, expected) => {
      expect(pickStaff(free, { preferred, load: (id) => load[id] ?? 0 })).toBe(expected);
    }
  );
});
