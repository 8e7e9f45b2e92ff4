import { DateTime } from 'luxon';

/**
 * Slot computation: pure, no Strapi. A slot is free when it starts on the company's grid
 * (every `slotMinutes` from opening time), lies inside the opening hours of its day in the
 * company's time zone (wall clock, so DST days are handled by Luxon: a start that does not
 * exist that day is skipped), the service fits before closing, it is not in the past, and it
 * overlaps no busy interval.
 */
export type OpeningInterval = { weekday: number; opens: string; closes: string };
export type Busy = { start: number; end: number };
export type Rules = {
  zone: string;
  openingHours: OpeningInterval[];
  slotMinutes: number;
  durationMinutes: number;
  now: number;
};
export type Slot = { start: DateTime; end: DateTime };
export type Refusal = 'invalid' | 'past' | 'closed' | 'off_grid' | 'taken';

const toMinutes = (hhmm: string): number => {
  const [hours, minutes] = hhmm.split(':').map(Number);
  return hours * 60 + minutes;
};

const fromWallClock = (date: DateTime, minutesOfDay: number, zone: string): DateTime =>
  DateTime.fromObject({ year: date.year, month: date.month, day: date.day, hour: Math.floor(minutesOfDay / 60), minute: minutesOfDay % 60 }, { zone });

/** The instant a wall-clock time has on that day, or null when the clock skips it (spring gap). */
const atWallClock = (date: DateTime, minutesOfDay: number, zone: string): DateTime | null => {
  const local = fromWallClock(date, minutesOfDay, zone);
  return local.isValid && local.hour * 60 + local.minute === minutesOfDay ? local : null;
};

const overlaps = (slot: Slot, busy: Busy[]) => {
  const start = slot.start.toMillis();
  const end = slot.end.toMillis();
  return busy.some((interval) => interval.start < end && interval.end > start);
};

/** The intervals a given calendar day (YYYY-MM-DD, company zone) is open. */
const openIntervalsOn = (day: DateTime, rules: Rules) =>
  rules.openingHours
    .filter((interval) => interval.weekday === day.weekday)
    .map((interval) => ({ opens: toMinutes(interval.opens), closes: toMinutes(interval.closes) }))
    .filter((interval) => interval.closes > interval.opens);

/** Every candidate slot on a day, free or not, in time order. */
export const gridSlots = (isoDate: string, rules: Rules): Slot[] => {
  const day = DateTime.fromISO(isoDate, { zone: rules.zone });
  if (!day.isValid || rules.slotMinutes <= 0 || rules.durationMinutes <= 0) return [];
  const slots: Slot[] = [];
  for (const { opens, closes } of openIntervalsOn(day, rules)) {
    const closing = fromWallClock(day, closes, rules.zone);
    for (let minute = opens; minute < closes; minute += rules.slotMinutes) {
      const start = atWallClock(day, minute, rules.zone);
      if (!start) continue;
      const end = start.plus({ minutes: rules.durationMinutes });
      if (end > closing) break;
      slots.push({ start, end });
    }
  }
  return slots.sort((a, b) => a.start.toMillis() - b.start.toMillis());
};

export const freeSlots = (isoDate: string, rules: Rules, busy: Busy[]): Slot[] =>
  gridSlots(isoDate, rules).filter((slot) => slot.start.toMillis() > rules.now && !overlaps(slot, busy));

/** Why a wished start cannot be booked, or null when it can. */
export const checkSlot = (start: DateTime, rules: Rules, busy: Busy[]): Refusal | null => {
  if (!start.isValid) return 'invalid';
  if (start.toMillis() <= rules.now) return 'past';
  const local = start.setZone(rules.zone);
  const match = gridSlots(local.toISODate() as string, rules).find((slot) => slot.start.toMillis() === start.toMillis());
  if (match) return overlaps(match, busy) ? 'taken' : null;
  const minuteOfDay = local.hour * 60 + local.minute;
  const insideHours = openIntervalsOn(local, rules).some(
    (interval) => minuteOfDay >= interval.opens && minuteOfDay + rules.durationMinutes <= interval.closes
  );
  return insideHours ? 'off_grid' : 'closed';
};

/** Up to `limit` free slots nearest to a wished time (or from the start of the day). */
export const nearestFree = (free: Slot[], wish: DateTime | null, limit: number): Slot[] => {
  if (!wish) return free.slice(0, limit);
  const target = wish.toMillis();
  return [...free]
    .sort((a, b) => Math.abs(a.start.toMillis() - target) - Math.abs(b.start.toMillis() - target) || a.start.toMillis() - b.start.toMillis())
    .slice(0, limit)
    .sort((a, b) => a.start.toMillis() - b.start.toMillis());
};
