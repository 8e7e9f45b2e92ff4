import { DateTime } from 'luxon';

/**
 * Slot computation: pure, no Strapi. A slot is free when it starts on the company's grid
 * (every `slotMinutes` from opening time), lies inside the opening hours of its day in the
 * company's time zone (wall clock, so DST days are handled by Luxon: a start that does not
 * exist that day is skipped), the service fits before closing, it is not in the past, and it
 * overlaps no busy interval.
 *
 * Slots are plain epoch milliseconds: time-zone arithmetic (Luxon, backed by Intl) happens a
 * few times per opening interval, not per slot, which keeps an availability answer cheap.
 */
export type OpeningInterval = { weekday: number; opens: string; closes: string };
/** A time that is taken; `kind` tells an absence from an appointment where it matters (the reason given). */
export type Busy = { start: number; end: number; kind?: 'appointment' | 'absence' };
export type Rules = {
  zone: string;
  openingHours: OpeningInterval[];
  slotMinutes: number;
  durationMinutes: number;
  now: number;
};
export type Slot = { start: number; end: number };
/** Why a start cannot be booked; `unavailable`: the staff member asked for does not work then (hours, absence). */
export type Refusal = 'invalid' | 'past' | 'closed' | 'off_grid' | 'taken' | 'unavailable';

const MINUTE = 60_000;

export const toMinutes = (hhmm: string): number => {
  const [hours, minutes] = hhmm.split(':').map(Number);
  return hours * 60 + minutes;
};

export const fromWallClock = (date: DateTime, minutesOfDay: number, zone: string): DateTime =>
  DateTime.fromObject(
    {
      year: date.year,
      month: date.month,
      day: date.day,
      hour: Math.floor(minutesOfDay / 60),
      minute: minutesOfDay % 60,
    },
    { zone }
  );

/** The instant a wall-clock time has on that day, or null when the clock skips it (spring gap). */
const atWallClock = (date: DateTime, minutesOfDay: number, zone: string): number | null => {
  const local = fromWallClock(date, minutesOfDay, zone);
  return local.isValid && local.hour * 60 + local.minute === minutesOfDay ? local.toMillis() : null;
};

export const overlaps = (slot: Slot, busy: Busy[]) =>
  busy.some((interval) => interval.start < slot.end && interval.end > slot.start);

/** The intervals of a weekday in a set of opening intervals, in minutes of the day. */
export const intervalsOn = (weekday: number, hours: OpeningInterval[]) =>
  hours
    .filter((interval) => interval.weekday === weekday)
    .map((interval) => ({ opens: toMinutes(interval.opens), closes: toMinutes(interval.closes) }))
    .filter((interval) => interval.closes > interval.opens);

/** The intervals a given calendar day is open, in minutes of the day. */
const openIntervalsOn = (weekday: number, rules: Rules) => intervalsOn(weekday, rules.openingHours);

/** Every candidate slot on a day (YYYY-MM-DD in the company zone), free or not, in time order. */
export const gridSlots = (isoDate: string, rules: Rules): Slot[] => {
  const day = DateTime.fromISO(isoDate, { zone: rules.zone });
  if (!day.isValid || rules.slotMinutes <= 0 || rules.durationMinutes <= 0) return [];
  const duration = rules.durationMinutes * MINUTE;
  const slots: Slot[] = [];
  for (const { opens, closes } of openIntervalsOn(day.weekday, rules)) {
    const opening = fromWallClock(day, opens, rules.zone);
    const closingTime = fromWallClock(day, closes, rules.zone);
    const closing = closingTime.toMillis();
    // Same UTC offset at opening and closing: wall-clock minutes map to instants linearly.
    const linear =
      opening.offset === closingTime.offset && opening.hour * 60 + opening.minute === opens;
    for (let minute = opens; minute < closes; minute += rules.slotMinutes) {
      const start = linear
        ? opening.toMillis() + (minute - opens) * MINUTE
        : atWallClock(day, minute, rules.zone);
      if (start === null) continue;
      if (start + duration > closing) break;
      slots.push({ start, end: start + duration });
    }
  }
  return slots.sort((a, b) => a.start - b.start);
};

export const freeSlots = (isoDate: string, rules: Rules, busy: Busy[]): Slot[] =>
  gridSlots(isoDate, rules).filter((slot) => slot.start > rules.now && !overlaps(slot, busy));

/** Why a wished start cannot be booked, or null when it can. */
export const checkSlot = (start: DateTime, rules: Rules, busy: Busy[]): Refusal | null => {
  if (!start.isValid) return 'invalid';
  const at = start.toMillis();
  if (at <= rules.now) return 'past';
  const local = start.setZone(rules.zone);
  const match = gridSlots(local.toISODate() as string, rules).find((slot) => slot.start === at);
  if (match) return overlaps(match, busy) ? 'taken' : null;
  const minuteOfDay = local.hour * 60 + local.minute;
  const insideHours = openIntervalsOn(local.weekday, rules).some(
    (interval) =>
      minuteOfDay >= interval.opens && minuteOfDay + rules.durationMinutes <= interval.closes
  );
  return insideHours ? 'off_grid' : 'closed';
};

/** Up to `limit` free slots nearest to a wished instant (or the first ones of the day). */
export const nearestFree = <S extends Slot>(free: S[], wish: number | null, limit: number): S[] => {
  if (wish === null) return free.slice(0, limit);
  return [...free]
    .sort((a, b) => Math.abs(a.start - wish) - Math.abs(b.start - wish) || a.start - b.start)
    .slice(0, limit)
    .sort((a, b) => a.start - b.start);
};

/** A slot's start as a DateTime in the company zone, for saying it. */
export const startIn = (slot: Slot, zone: string): DateTime =>
  DateTime.fromMillis(slot.start, { zone });
