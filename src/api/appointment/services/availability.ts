import type { Core } from '@strapi/strapi';
import { DateTime } from 'luxon';
import { freeSlots, nearestFree, type Busy, type Rules, type Slot } from '../../../domain/slots';
import type { CompanyInfo } from '../../company/company-info';
import { onModel } from '../../../support/knex';

/**
 * Free slots of a company: the company's rules (zone, opening hours, grid) and the busy
 * intervals of its non-cancelled appointments, handed to the pure slot computation.
 */
const SEARCH_DAYS = 14;
/** No appointment lasts longer than this; it bounds the index range scanned for overlaps. */
const LONGEST_APPOINTMENT_HOURS = 24;

export type Suggestion = { date: string; slots: Slot[]; sameDay: boolean };

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  rules(company: CompanyInfo, durationMinutes: number, now: number): Rules {
    return {
      zone: company.timezone,
      openingHours: company.openingHours,
      slotMinutes: company.slotMinutes,
      durationMinutes,
      now,
    };
  },

  /**
   * Busy intervals overlapping [from, to): one range scan on the (company_id, starts_at) index,
   * bounded below by the longest possible appointment.
   */
  async busyBetween(
    companyId: number,
    from: DateTime,
    to: DateTime,
    exceptAppointmentId?: number
  ): Promise<Busy[]> {
    const rows = await onModel<Array<{ starts_at: Date; ends_at: Date }>>(
      strapi,
      'api::appointment.appointment',
      (query) => {
        query
          .select('starts_at', 'ends_at')
          .where('company_id', companyId)
          .whereNot('state', 'cancelled')
          .where('starts_at', '<', to.toJSDate())
          .where('starts_at', '>', from.minus({ hours: LONGEST_APPOINTMENT_HOURS }).toJSDate())
          .where('ends_at', '>', from.toJSDate());
        if (exceptAppointmentId) query.whereNot('id', exceptAppointmentId);
        return query;
      }
    );
    return rows.map((row) => ({
      start: new Date(row.starts_at).getTime(),
      end: new Date(row.ends_at).getTime(),
    }));
  },

  async freeOn(
    company: CompanyInfo,
    durationMinutes: number,
    isoDate: string,
    now: number,
    exceptAppointmentId?: number
  ) {
    const day = DateTime.fromISO(isoDate, { zone: company.timezone });
    const busy = await this.busyBetween(
      company.id,
      day.startOf('day'),
      day.endOf('day'),
      exceptAppointmentId
    );
    return freeSlots(isoDate, this.rules(company, durationMinutes, now), busy);
  },

  /**
   * Up to `limit` free slots near the wish: on the wished day (closest to the wished time, or
   * inside the wished window), else on the next day that has any, searching two weeks.
   */
  async suggest(
    company: CompanyInfo,
    durationMinutes: number,
    {
      date,
      wish,
      window,
      limit,
      now,
    }: {
      date: string | null;
      wish: DateTime | null;
      window?: { from: number; to: number } | null;
      limit: number;
      now: number;
    }
  ): Promise<Suggestion | null> {
    const first =
      date ?? (DateTime.fromMillis(now, { zone: company.timezone }).toISODate() as string);
    let day = DateTime.fromISO(first, { zone: company.timezone });
    const rules = this.rules(company, durationMinutes, now);
    // The wished day first (the usual answer); the following two weeks only when it is full.
    let busy = await this.busyBetween(company.id, day.startOf('day'), day.endOf('day'));
    for (let offset = 0; offset < SEARCH_DAYS; offset += 1, day = day.plus({ days: 1 })) {
      const isoDate = day.toISODate() as string;
      if (offset === 1)
        busy = await this.busyBetween(
          company.id,
          day.startOf('day'),
          day.plus({ days: SEARCH_DAYS }).endOf('day')
        );
      let free = freeSlots(isoDate, rules, busy);
      if (offset === 0 && window) {
        const midnight = day.startOf('day').toMillis();
        const inWindow = free.filter((slot) => {
          const minute = (slot.start - midnight) / 60_000;
          return minute >= window.from && minute <= window.to;
        });
        if (inWindow.length) free = inWindow;
      }
      if (free.length) {
        return {
          date: isoDate,
          slots: nearestFree(free, offset === 0 && wish ? wish.toMillis() : null, limit),
          sameDay: offset === 0,
        };
      }
    }
    return null;
  },
});
