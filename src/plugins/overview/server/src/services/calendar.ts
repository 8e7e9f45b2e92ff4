import type { Core } from '@strapi/strapi';
import { DateTime } from 'luxon';
import type { Knex } from 'knex';
import { errors } from '@strapi/utils';
import { linkOf, sqlHelpers } from './sql';
import { appService } from '../../../../../api/services';
import { workingRanges } from '../../../../../domain/staff-slots';
import { toMinutes, type Busy } from '../../../../../domain/slots';

/**
 * The staff calendar's data: one company, a day or an ISO week in its zone — a column per
 * active staff member (plus "unassigned" while appointments without one exist; a company
 * without staff is one column), the appointments as blocks, and what is not bookable shaded:
 * absences, company closures and the hours outside each member's working hours.
 * The company comes from the caller's scope (see scope.ts), never from the request alone.
 */
export type CalendarView = 'day' | 'week';
type Row = Record<string, unknown>;

/** The column of appointments without a staff member (and of a company without staff). */
export const NO_STAFF = 0;
const DEFAULT_HOURS = { from: 8 * 60, to: 19 * 60 };

const millis = (value: unknown) => Number(value);
/** A wall-clock minute of a day (24:00 is the next midnight), right on DST days too. */
const atMinute = (day: DateTime, minute: number) =>
  minute >= 24 * 60
    ? day.plus({ days: 1 }).startOf('day')
    : day.set({ hour: Math.floor(minute / 60), minute: minute % 60 });

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const raw = async (text: string, bindings: readonly Knex.RawBinding[]): Promise<Row[]> => {
    const result = await strapi.db.connection.raw(text, bindings);
    return Array.isArray(result) ? (result as Row[]) : ((result as { rows: Row[] }).rows ?? []);
  };

  return {
    /** The range a view of `date` shows, in the company's zone. */
    range(date: string, view: CalendarView, zone: string) {
      const day = DateTime.fromISO(date, { zone }).startOf('day');
      const from = view === 'week' ? day.startOf('week') : day;
      return { from, to: from.plus({ days: view === 'week' ? 7 : 1 }) };
    },

    /** `date`: YYYY-MM-DD in the company's zone; null: today there. */
    async data(companyId: number, date: string | null, view: CalendarView) {
      const company = await appService(strapi, 'api::company.company').info(companyId);
      if (!company) return null;
      const zone = company.timezone;
      const day = date ?? (DateTime.now().setZone(zone).toISODate() as string);
      if (!DateTime.fromISO(day, { zone }).isValid)
        throw new errors.ValidationError('date must be a calendar date (YYYY-MM-DD)');
      const { from, to } = this.range(day, view, zone);
      const { at, millis: epoch } = sqlHelpers(strapi);
      const roster = await appService(strapi, 'api::appointment.availability').roster(companyId);
      const [appointments, absences] = await Promise.all([
        raw(
          `SELECT a.document_id, a.staff_id, ${epoch('a.starts_at')} AS starts_at, ${epoch('a.ends_at')} AS ends_at,
                  a.state, a.source, cu.name AS customer_name,
                  s.name AS service_name
             FROM (SELECT a.id, a.document_id, a.staff_id, a.starts_at, a.ends_at, a.state, a.source,
                          ${linkOf('appointments_customer_lnk', 'appointment_id', 'a.id', 'customer_id')} AS customer_ref,
                          ${linkOf('appointments_service_lnk', 'appointment_id', 'a.id', 'service_id')} AS service_ref
                     FROM appointments a
                    WHERE a.company_id = ? AND a.starts_at < ? AND a.ends_at > ?
                    ORDER BY a.starts_at, a.id
                    LIMIT 5000) a
             LEFT JOIN customers cu ON cu.id = a.customer_ref
             LEFT JOIN services s ON s.id = a.service_ref
            ORDER BY a.starts_at, a.id`,
          [companyId, at(to.toJSDate()), at(from.toJSDate())]
        ),
        raw(
          `SELECT document_id, staff_id, ${epoch('starts_at')} AS starts_at, ${epoch('ends_at')} AS ends_at, reason
             FROM absences
            WHERE company_id = ? AND starts_at < ? AND ends_at > ?
            ORDER BY starts_at
            LIMIT 200`, // a week's absences (a closure is drawn in every column)
          [companyId, at(to.toJSDate()), at(from.toJSDate())]
        ),
      ]);

      const active = new Set(roster.map((member) => member.id));
      const columnOf = (staffId: unknown) =>
        staffId !== null && staffId !== undefined && active.has(Number(staffId))
          ? Number(staffId)
          : NO_STAFF;
      const blocks = appointments.map((row) => ({
        documentId: String(row.document_id),
        staffId: columnOf(row.staff_id),
        start: new Date(millis(row.starts_at)).toISOString(),
        end: new Date(millis(row.ends_at)).toISOString(),
        state: String(row.state),
        source: row.source ?? null,
        customer: (row.customer_name as string | null) ?? null,
        service: (row.service_name as string | null) ?? null,
      }));
      const unassigned = roster.length > 0 && blocks.some((block) => block.staffId === NO_STAFF);
      const staff = roster.length
        ? [
            ...roster.map((member) => ({ id: member.id, name: member.name })),
            ...(unassigned ? [{ id: NO_STAFF, name: null }] : []),
          ]
        : [{ id: NO_STAFF, name: company.name }];

      // The hours a day shows: from the earliest opening to the latest closing of the week.
      const hours = company.openingHours.length
        ? {
            from: Math.min(...company.openingHours.map((interval) => toMinutes(interval.opens))),
            to: Math.max(...company.openingHours.map((interval) => toMinutes(interval.closes))),
          }
        : DEFAULT_HOURS;
      const shown = { from: Math.floor(hours.from / 60) * 60, to: Math.ceil(hours.to / 60) * 60 };

      type Blocked = {
        staffId: number;
        start: string;
        end: string;
        kind: 'absence' | 'closure' | 'off';
        reason: string | null;
      };
      const blocked: Blocked[] = [];
      const iso = (instant: number) => new Date(instant).toISOString();
      for (const row of absences) {
        const interval = {
          start: iso(Math.max(millis(row.starts_at), from.toMillis())),
          end: iso(Math.min(millis(row.ends_at), to.toMillis())),
          reason: (row.reason as string | null) ?? null,
        };
        if (row.staff_id === null || row.staff_id === undefined) {
          for (const column of staff)
            blocked.push({ staffId: column.id, kind: 'closure', ...interval });
        } else if (active.has(Number(row.staff_id))) {
          blocked.push({ staffId: Number(row.staff_id), kind: 'absence', ...interval });
        }
      }
      // Outside a member's working hours (the company's, for the one column of a company without staff).
      const rules = { zone, openingHours: company.openingHours };
      const members = roster.length
        ? roster
        : [{ id: NO_STAFF, name: company.name, workingHours: [], serviceIds: [] }];
      for (let day = from; day < to; day = day.plus({ days: 1 })) {
        const isoDate = day.toISODate() as string;
        const window: Busy = {
          start: atMinute(day, shown.from).toMillis(),
          end: atMinute(day, shown.to).toMillis(),
        };
        for (const member of members) {
          let cursor = window.start;
          for (const range of workingRanges(isoDate, rules, member)) {
            if (range.start > cursor)
              blocked.push({
                staffId: member.id,
                kind: 'off',
                start: iso(cursor),
                end: iso(Math.min(range.start, window.end)),
                reason: null,
              });
            cursor = Math.max(cursor, range.end);
          }
          if (cursor < window.end)
            blocked.push({
              staffId: member.id,
              kind: 'off',
              start: iso(cursor),
              end: iso(window.end),
              reason: null,
            });
        }
      }

      return {
        companyId,
        company: company.name,
        timezone: zone,
        language: company.language,
        view,
        from: from.toISODate(),
        to: to.toISODate(),
        slotMinutes: company.slotMinutes,
        dayStart: shown.from,
        dayEnd: shown.to,
        staff,
        appointments: blocks,
        blocked,
      };
    },
  };
};
