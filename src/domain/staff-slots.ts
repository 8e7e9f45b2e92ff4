import { DateTime } from 'luxon';
import {
  fromWallClock,
  gridSlots,
  intervalsOn,
  overlaps,
  type Busy,
  type OpeningInterval,
  type Refusal,
  type Rules,
  type Slot,
} from './slots';

/**
 * Slots over the people who do the work: pure, no Strapi.
 *
 * A slot (on the company's grid, inside its opening hours) is free for a staff member when it
 * lies inside their working hours ∩ the company's opening hours of that day (wall clock in the
 * company zone, so DST days come out right), it is not in the past, and the slot plus the
 * service's buffer overlaps none of the member's busy intervals — their live appointments (each
 * already extended by its own buffer), their absences, and closures of the whole company.
 * A slot is available when at least one member who performs the service is free; booking then
 * takes the member asked for, else the free one with the fewest appointments that day.
 */
export type StaffMember = {
  id: number;
  name: string;
  /** Several intervals a weekday are breaks between them; none at all: the company's hours. */
  workingHours: OpeningInterval[];
  /** The services the member performs; empty: every service. */
  serviceIds: number[];
};
export type StaffRules = Rules & { bufferMinutes: number };
export type StaffSlot = Slot & { staffIds: number[] };

const MINUTE = 60_000;

/** A member's working intervals on a weekday (minutes of day), within the company's hours. */
export const workingIntervals = (
  weekday: number,
  companyHours: OpeningInterval[],
  member: Pick<StaffMember, 'workingHours'>
) => {
  const company = intervalsOn(weekday, companyHours);
  if (member.workingHours.length === 0) return company;
  const own = intervalsOn(weekday, member.workingHours);
  const result: Array<{ opens: number; closes: number }> = [];
  for (const a of company) {
    for (const b of own) {
      const opens = Math.max(a.opens, b.opens);
      const closes = Math.min(a.closes, b.closes);
      if (closes > opens) result.push({ opens, closes });
    }
  }
  return result.sort((x, y) => x.opens - y.opens);
};

/** The instants a member works on a day (YYYY-MM-DD in the company zone). */
export const workingRanges = (
  isoDate: string,
  rules: Pick<Rules, 'zone' | 'openingHours'>,
  member: Pick<StaffMember, 'workingHours'>
): Busy[] => {
  const day = DateTime.fromISO(isoDate, { zone: rules.zone });
  if (!day.isValid) return [];
  return workingIntervals(day.weekday, rules.openingHours, member).map(({ opens, closes }) => ({
    start: fromWallClock(day, opens, rules.zone).toMillis(),
    end: fromWallClock(day, closes, rules.zone).toMillis(),
  }));
};

export const performs = (member: Pick<StaffMember, 'serviceIds'>, serviceId: number) =>
  member.serviceIds.length === 0 || member.serviceIds.includes(serviceId);

const within = (slot: Slot, ranges: Busy[]) =>
  ranges.some((range) => range.start <= slot.start && slot.end <= range.end);
/** The slot as it occupies the member: with the service's buffer after it. */
const occupied = (slot: Slot, rules: Pick<StaffRules, 'bufferMinutes'>): Slot => ({
  start: slot.start,
  end: slot.end + rules.bufferMinutes * MINUTE,
});

/**
 * Every slot of a day with the members free for it (only slots someone is free for).
 * `busy` per member id: their appointments (with their buffers) and absences; `closures`: the
 * company's own (absences without a member).
 */
export const staffFreeSlots = (
  isoDate: string,
  rules: StaffRules,
  members: StaffMember[],
  busy: Map<number, Busy[]>,
  closures: Busy[] = []
): StaffSlot[] => {
  const ranges = new Map(
    members.map((member) => [member.id, workingRanges(isoDate, rules, member)])
  );
  const result: StaffSlot[] = [];
  for (const slot of gridSlots(isoDate, rules)) {
    if (slot.start <= rules.now) continue;
    const taking = occupied(slot, rules);
    if (overlaps(taking, closures)) continue;
    const staffIds = members
      .filter(
        (member) =>
          within(slot, ranges.get(member.id) ?? []) && !overlaps(taking, busy.get(member.id) ?? [])
      )
      .map((member) => member.id);
    if (staffIds.length) result.push({ ...slot, staffIds });
  }
  return result;
};

/** Why a member cannot take an appointment, beyond the company's reasons: not one of their services. */
export type StaffRefusal = Refusal | 'unqualified';

/**
 * Why this member cannot take the interval (an appointment as staff place it: any start, any
 * length), or null when they can: a company closure (`closed`); outside their working hours ∩
 * the company's (`unavailable`, or `closed` for a company without staff, whose hours are the
 * company's); an absence (`unavailable`); an appointment of theirs in the way, buffers included
 * (`taken`).
 */
export const checkStaffInterval = (
  interval: Slot,
  rules: Pick<StaffRules, 'zone' | 'openingHours' | 'bufferMinutes'>,
  member: Pick<StaffMember, 'workingHours'>,
  busy: Busy[],
  closures: Busy[] = [],
  { hours = true }: { hours?: boolean } = {}
): StaffRefusal | null => {
  const taking = occupied(interval, rules);
  if (overlaps(taking, closures)) return 'closed';
  if (hours) {
    const isoDate = DateTime.fromMillis(interval.start, { zone: rules.zone }).toISODate() as string;
    if (!within(interval, workingRanges(isoDate, rules, member)))
      return within(interval, workingRanges(isoDate, rules, { workingHours: [] }))
        ? 'unavailable'
        : 'closed';
  }
  const absences = busy.filter((entry) => entry.kind === 'absence');
  if (overlaps(taking, absences)) return 'unavailable';
  return overlaps(taking, busy) ? 'taken' : null;
};

/**
 * Why a start cannot be booked with this member (by phone: on the grid, in the future), or null
 * when it can: the company's reasons (past, closed, off the grid) first, then the member's.
 */
export const checkStaffSlot = (
  start: DateTime,
  rules: StaffRules,
  member: StaffMember,
  busy: Busy[],
  closures: Busy[] = []
): StaffRefusal | null => {
  if (!start.isValid) return 'invalid';
  const at = start.toMillis();
  if (at <= rules.now) return 'past';
  const local = start.setZone(rules.zone);
  const slot = gridSlots(local.toISODate() as string, rules).find(
    (candidate) => candidate.start === at
  );
  if (!slot) {
    const minuteOfDay = local.hour * 60 + local.minute;
    const insideHours = intervalsOn(local.weekday, rules.openingHours).some(
      (interval) =>
        minuteOfDay >= interval.opens && minuteOfDay + rules.durationMinutes <= interval.closes
    );
    return insideHours ? 'off_grid' : 'closed';
  }
  return checkStaffInterval(slot, rules, member, busy, closures);
};

/** The member a booking goes to: the one asked for if free, else the free one with the least work that day. */
export const pickStaff = (
  freeIds: number[],
  { preferred, load }: { preferred?: number | null; load: (memberId: number) => number }
): number | null => {
  if (preferred !== undefined && preferred !== null)
    return freeIds.includes(preferred) ? preferred : null;
  if (freeIds.length === 0) return null;
  return [...freeIds].sort((a, b) => load(a) - load(b) || a - b)[0];
};
