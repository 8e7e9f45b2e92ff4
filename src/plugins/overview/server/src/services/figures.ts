import type { Core } from '@strapi/strapi';
import { DateTime } from 'luxon';
import { periodRange, type Period } from './periods';
import { linkOf, sqlHelpers } from './sql';
import { httpUrl } from '../../../../../domain/urls';
import type { Knex } from 'knex';
import { readRaw } from '../../../../../support/read-replica';

/**
 * The overview's figures, each widget one SQL statement (joins and aggregates, never a
 * query per row), always for one company (or, for super admins, all of them). The company
 * comes from the caller's scope, never from the request, and is in every WHERE.
 */
export type Scope = { companyId: number | null; zone: string };
type Row = Record<string, unknown>;

/** What the KPIs count on one local day. */
export type DayFigures = {
  calls: number;
  bookedCalls: number;
  bookings: number;
  phoneBookings: number;
  completed: number;
  noShows: number;
  newCustomers: number;
  /** The summed duration of the day's calls that have one, and how many have one. */
  callMs: number;
  timedCalls: number;
};
const emptyDay = (): DayFigures => ({
  calls: 0,
  bookedCalls: 0,
  bookings: 0,
  phoneBookings: 0,
  completed: 0,
  noShows: 0,
  newCustomers: 0,
  callMs: 0,
  timedCalls: 0,
});

const number = (value: unknown) => (value === null || value === undefined ? 0 : Number(value));
const LIVE_CALL_HOURS = 2;

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const sql = () => sqlHelpers(strapi);
  const inCompany = (column: string, scope: Scope) =>
    scope.companyId === null
      ? { clause: '', bindings: [] as Knex.RawBinding[] }
      : { clause: ` AND ${column} = ?`, bindings: [scope.companyId] };

  return {
    /** Today and the next 7 days, by day and hour, with customer, service and state. */
    async appointments(scope: Scope, now: number) {
      const { at, millis } = sql();
      const from = DateTime.fromMillis(now, { zone: scope.zone }).startOf('day');
      const to = from.plus({ days: 8 });
      const company = inCompany('a.company_id', scope);
      // The links are read per listed appointment (an index probe each, see linkOf), never by
      // joining the whole link table: the planner would hash-join it, scanning every row of it.
      const { rows } = await this.raw(
        `SELECT a.document_id, ${millis('a.starts_at')} AS starts_at, ${millis('a.ends_at')} AS ends_at, a.state, a.source, a.notes,
                cu.name AS customer_name, cu.phone AS customer_phone, cu.document_id AS customer_id, s.name AS service_name, co.name AS company_name
           FROM (SELECT a.id, a.document_id, a.starts_at, a.ends_at, a.state, a.source, a.notes, a.company_id,
                        ${linkOf('appointments_customer_lnk', 'appointment_id', 'a.id', 'customer_id')} AS customer_ref,
                        ${linkOf('appointments_service_lnk', 'appointment_id', 'a.id', 'service_id')} AS service_ref
                   FROM appointments a
                  WHERE a.starts_at >= ? AND a.starts_at < ?${company.clause}
                  ORDER BY a.starts_at, a.id
                  LIMIT 2000) a
           LEFT JOIN customers cu ON cu.id = a.customer_ref
           LEFT JOIN services s ON s.id = a.service_ref
           LEFT JOIN companies co ON co.id = a.company_id
          ORDER BY a.starts_at, a.id`,
        [at(from.toJSDate()), at(to.toJSDate()), ...company.bindings]
      );
      const days = new Map<string, Map<string, Row[]>>();
      for (let day = from; day < to; day = day.plus({ days: 1 }))
        days.set(day.toISODate() as string, new Map());
      for (const row of rows) {
        const start = DateTime.fromMillis(number(row.starts_at), { zone: scope.zone });
        const hours = days.get(start.toISODate() as string);
        if (!hours) continue;
        const hour = start.toFormat('HH');
        if (!hours.has(hour)) hours.set(hour, []);
        hours.get(hour)?.push({
          documentId: row.document_id,
          startsAt: new Date(number(row.starts_at)).toISOString(),
          endsAt: new Date(number(row.ends_at)).toISOString(),
          time: start.toFormat('HH:mm'),
          state: row.state,
          source: row.source,
          notes: row.notes,
          customer: row.customer_id
            ? { documentId: row.customer_id, name: row.customer_name, phone: row.customer_phone }
            : null,
          service: row.service_name ?? null,
          company: row.company_name,
        });
      }
      return {
        timezone: scope.zone,
        from: from.toISODate(),
        days: [...days.entries()].map(([date, hours]) => ({
          date,
          total: [...hours.values()].reduce((sum, list) => sum + list.length, 0),
          hours: [...hours.entries()].map(([hour, appointments]) => ({ hour, appointments })),
        })),
      };
    },

    /** Live calls and the last 20, with customer, duration, outcome, summary and booking. */
    async calls(scope: Scope, now: number) {
      const { at, millis } = sql();
      const company = inCompany('company_id', scope);
      const { rows } = await this.raw(
        `SELECT c.document_id, c.retell_call_id, c.state, c.direction, c.from_number, ${millis('c.started_at')} AS started_at, ${millis('c.created_at')} AS created_at,
                c.duration_ms, c.summary, c.recording_url, c.successful, c.sentiment, c.disconnection_reason,
                c.transfer_outcome, c.transfer_destination,
                cu.name AS customer_name, cu.document_id AS customer_id, ap.document_id AS appointment_id, ${millis('ap.starts_at')} AS appointment_starts_at,
                ap.state AS appointment_state, co.name AS company_name
           FROM calls c
           JOIN (SELECT id FROM (SELECT id FROM calls WHERE 1 = 1${company.clause} ORDER BY created_at DESC LIMIT 20) recent
                 UNION
                 SELECT id FROM calls WHERE state = 'ongoing' AND created_at > ?${company.clause}) picked ON picked.id = c.id
           LEFT JOIN calls_customer_lnk ccl ON ccl.call_id = c.id
           LEFT JOIN customers cu ON cu.id = ccl.customer_id
           LEFT JOIN appointments_call_lnk acl ON acl.call_id = c.id
           LEFT JOIN appointments ap ON ap.id = acl.appointment_id
           LEFT JOIN companies co ON co.id = c.company_id
          ORDER BY c.created_at DESC`,
        [...company.bindings, at(new Date(now - LIVE_CALL_HOURS * 3_600_000)), ...company.bindings]
      );
      const toCall = (row: Row) => ({
        documentId: row.document_id,
        retellCallId: row.retell_call_id,
        state: row.state,
        direction: row.direction,
        startedAt: row.started_at
          ? new Date(number(row.started_at)).toISOString()
          : new Date(number(row.created_at)).toISOString(),
        durationMs: row.duration_ms === null ? null : number(row.duration_ms),
        summary: row.summary,
        recordingUrl: httpUrl(row.recording_url),
        successful: row.successful === null ? null : Boolean(row.successful),
        sentiment: row.sentiment,
        disconnectionReason: row.disconnection_reason,
        transfer: row.transfer_outcome
          ? { outcome: row.transfer_outcome, destination: row.transfer_destination ?? null }
          : null,
        outcome: row.appointment_id
          ? 'booked'
          : row.state === 'ongoing'
            ? 'in progress'
            : 'not booked',
        customer: row.customer_id ? { documentId: row.customer_id, name: row.customer_name } : null,
        appointment: row.appointment_id
          ? {
              documentId: row.appointment_id,
              startsAt: new Date(number(row.appointment_starts_at)).toISOString(),
              state: row.appointment_state,
            }
          : null,
        company: row.company_name,
      });
      const all = rows.map(toCall);
      return { live: all.filter((call) => call.state === 'ongoing'), recent: all.slice(0, 20) };
    },

    /**
     * The KPI counts of each of `dates` (local days in the scope's zone): one statement over the
     * days from the first to the last of them, by quarter hour, summed per day. Cached per day
     * (../controllers/overview.ts): a write changes the figures of the days it touches only.
     */
    async kpiDays(scope: Scope, dates: readonly string[]): Promise<Map<string, DayFigures>> {
      const { at, quarterOf } = sql();
      const sorted = [...dates].sort();
      const from = DateTime.fromISO(sorted[0], { zone: scope.zone }).startOf('day');
      const to = DateTime.fromISO(sorted[sorted.length - 1], { zone: scope.zone })
        .startOf('day')
        .plus({ days: 1 });
      const range = [at(from.toJSDate()), at(to.toJSDate())];
      const part = (metric: keyof DayFigures, table: string, column: string, extra = '') => {
        const company = inCompany(`${table.split(' ')[1] ?? table}.company_id`, scope);
        return {
          text: `SELECT '${metric}' AS metric, ${quarterOf(column)} AS quarter, count(*) AS n, ${metric === 'calls' ? 'coalesce(sum(c.duration_ms), 0)' : '0'} AS total_ms, ${metric === 'calls' ? 'count(c.duration_ms)' : '0'} AS timed
                   FROM ${table} WHERE ${column} >= ? AND ${column} < ?${extra}${company.clause} GROUP BY ${quarterOf(column)}`,
          bindings: [...range, ...company.bindings],
        };
      };
      const parts = [
        part('calls', 'calls c', 'c.created_at'),
        part(
          'bookedCalls',
          'calls c',
          'c.created_at',
          ` AND ${linkOf('appointments_call_lnk', 'call_id', 'c.id', 'appointment_id')} IS NOT NULL`
        ),
        part('bookings', 'appointments a', 'a.created_at'),
        part('phoneBookings', 'appointments a', 'a.created_at', " AND a.source = 'phone'"),
        part('completed', 'appointments a', 'a.starts_at', " AND a.state = 'completed'"),
        part('noShows', 'appointments a', 'a.starts_at', " AND a.state = 'no_show'"),
        part('newCustomers', 'customers cu', 'cu.created_at'),
      ];
      const { rows } = await this.raw(
        parts.map((item) => item.text).join('\nUNION ALL\n'),
        parts.flatMap((item) => item.bindings)
      );
      const days = new Map<string, DayFigures>();
      const starts: number[] = [];
      const names: string[] = [];
      for (let day = from; day < to; day = day.plus({ days: 1 })) {
        days.set(day.toISODate() as string, emptyDay());
        starts.push(day.toMillis());
        names.push(day.toISODate() as string);
      }
      for (const row of rows) {
        // The day a quarter-hour bucket starts in (never straddling a local midnight).
        const at = number(row.quarter) * 900_000;
        let index = starts.length - 1;
        while (index > 0 && starts[index] > at) index -= 1;
        const day = days.get(names[index]) as DayFigures;
        const metric = String(row.metric) as keyof DayFigures;
        day[metric] += number(row.n);
        if (metric === 'calls') {
          day.callMs += number(row.total_ms);
          day.timedCalls += number(row.timed);
        }
      }
      const wanted = new Set(dates);
      for (const date of [...days.keys()]) if (!wanted.has(date)) days.delete(date);
      return days;
    },

    /** Calls, bookings, conversion, average call duration, no-show rate, new customers; per day. */
    async kpis(
      scope: Scope,
      period: Period,
      now: number,
      daysOf: (dates: readonly string[]) => Promise<Map<string, DayFigures>> = (dates) =>
        this.kpiDays(scope, dates)
    ) {
      const { from, to, dates } = periodRange(period, scope.zone, now);
      const byDate = await daysOf(dates);
      const totals = emptyDay();
      for (const date of dates) {
        const day = byDate.get(date);
        if (!day) continue;
        for (const key of Object.keys(totals) as Array<keyof DayFigures>) totals[key] += day[key];
      }
      const ratio = (part: number, whole: number) =>
        whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000;
      return {
        period,
        timezone: scope.zone,
        from: from.toISODate(),
        to: to.minus({ days: 1 }).toISODate(),
        calls: totals.calls,
        bookings: totals.bookings,
        phoneBookings: totals.phoneBookings,
        bookedCalls: totals.bookedCalls,
        conversion: ratio(totals.bookedCalls, totals.calls),
        averageCallSeconds:
          totals.timedCalls === 0 ? null : Math.round(totals.callMs / totals.timedCalls / 100) / 10,
        noShowRate: ratio(totals.noShows, totals.noShows + totals.completed),
        noShows: totals.noShows,
        completed: totals.completed,
        newCustomers: totals.newCustomers,
        perDay: dates.map((date) => ({
          date,
          calls: byDate.get(date)?.calls ?? 0,
          bookings: byDate.get(date)?.bookings ?? 0,
        })),
      };
    },

    /** Call-back requests: every open one, and those done in the last 7 days (one statement). */
    async callbacks(scope: Scope, now: number) {
      const { at, millis } = sql();
      const company = inCompany('cr.company_id', scope);
      const { rows } = await this.raw(
        `SELECT cr.document_id, cr.phone, cr.reason, cr.preferred_time, cr.state,
                ${millis('cr.created_at')} AS created_at, cu.name AS customer_name, co.name AS company_name
           FROM callback_requests cr
           LEFT JOIN customers cu ON cu.id = cr.customer_id
           LEFT JOIN companies co ON co.id = cr.company_id
          WHERE (cr.state = 'open' OR cr.updated_at > ?)${company.clause}
          ORDER BY CASE WHEN cr.state = 'open' THEN 0 ELSE 1 END, cr.created_at DESC
          LIMIT 50`,
        [at(new Date(now - 7 * 86_400_000)), ...company.bindings]
      );
      const requests = rows.map((row) => ({
        documentId: String(row.document_id),
        customer: (row.customer_name as string | null) ?? null,
        phone: (row.phone as string | null) ?? null,
        reason: (row.reason as string | null) ?? '',
        preferredTime: (row.preferred_time as string | null) ?? null,
        state: String(row.state),
        createdAt: new Date(number(row.created_at)).toISOString(),
        company: (row.company_name as string | null) ?? null,
      }));
      return { open: requests.filter((item) => item.state === 'open').length, requests };
    },

    /** The company's webhook inbox by state, and the failed and ignored events (one statement). */
    async queue(scope: Scope) {
      const { millis } = sql();
      const company = inCompany('company_id', scope);
      const { rows } = await this.raw(
        `SELECT 'count' AS kind, state, count(*) AS n, NULL AS document_id, NULL AS event, NULL AS call_id, NULL AS last_error, NULL AS received_at
           FROM retell_webhook_events WHERE 1 = 1${company.clause} GROUP BY state
         UNION ALL
         SELECT * FROM (
           SELECT 'event' AS kind, state, attempts AS n, document_id, event, call_id, last_error, ${millis('received_at')} AS received_at
             FROM retell_webhook_events WHERE state IN ('failed', 'ignored')${company.clause}
            ORDER BY received_at DESC LIMIT 20) problems`,
        [...company.bindings, ...company.bindings]
      );
      const counts: Record<string, number> = {
        received: 0,
        processing: 0,
        processed: 0,
        failed: 0,
        ignored: 0,
      };
      const events: Row[] = [];
      for (const row of rows) {
        if (row.kind === 'count') counts[String(row.state)] = number(row.n);
        else
          events.push({
            documentId: row.document_id,
            state: row.state,
            attempts: number(row.n),
            event: row.event,
            callId: row.call_id,
            lastError: row.last_error,
            receivedAt: row.received_at ? new Date(number(row.received_at)).toISOString() : null,
          });
      }
      return {
        waiting: counts.received,
        active: counts.processing,
        failed: counts.failed,
        ignored: counts.ignored,
        processed: counts.processed,
        events,
      };
    },

    /** One statement, normalised over the two drivers (pg returns {rows}, better-sqlite3 an array). */
    async raw(text: string, bindings: readonly Knex.RawBinding[]): Promise<{ rows: Row[] }> {
      // The replica's when there is one (DATABASE_READ_URL): figures may be a little behind.
      const result = await readRaw(strapi, text, [...bindings]);
      return {
        rows: Array.isArray(result) ? (result as Row[]) : ((result as { rows: Row[] }).rows ?? []),
      };
    },
  };
};
