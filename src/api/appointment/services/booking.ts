import type { Core } from '@strapi/strapi';
import { DateTime } from 'luxon';
import { checkSlot, type Refusal, type Slot } from '../../../domain/slots';
import type { CompanyInfo } from '../../company/company-info';
import { isPostgres } from '../../../support/dialect';
import { OVERLAP_CONSTRAINT } from '../../../../database/constraints';
import { appService } from '../../services';
import { violatedConstraint } from '../../../support/db-errors';
import { toAppointment, type Appointment } from '../appointment-view';
import { utcIso } from '../../../domain/times';

/**
 * Booking, cancelling and moving appointments by the booking rules, for the phone agent
 * (and anything else that books on a customer's behalf). Runs in the company's scope.
 *
 * No double booking: every booking of a company takes the same PostgreSQL advisory
 * transaction lock, checks the slot and inserts; the EXCLUDE constraint on appointments is
 * the guarantee behind it for every other writer. Idempotent: the same call (or customer)
 * booking the same start again gets the appointment it already has. The customer hears of
 * every booking, move and cancellation through the notification outbox (../changes.ts).
 */
const UID = 'api::appointment.appointment';
const BOOKING_LOCK = 424242;
const DEFAULT_ALTERNATIVES = 3;

export type ServiceInfo = { id: number; documentId: string; name: string; durationMinutes: number };
export type CustomerInfo = { id: number; documentId: string; name: string | null };
export type { Appointment } from '../appointment-view';

export type BookingRequest = {
  company: CompanyInfo;
  service: ServiceInfo;
  customer: CustomerInfo;
  start: DateTime;
  callId?: number | null;
  notes?: string | null;
  source: 'phone' | 'admin' | 'api';
  now: number;
  /** How many other free slots a refusal offers. */
  alternatives?: number;
};
export type BookingResult =
  | { ok: true; appointment: Appointment; reused: boolean }
  | { ok: false; reason: Refusal; alternatives: Slot[] };

export type Target = { documentId?: string | null; date?: string | null; minutes?: number | null };
export type ChangeResult =
  | { ok: true; appointment: Appointment; previousStart?: DateTime }
  | { ok: false; reason: 'none' | 'ambiguous'; candidates: Appointment[] }
  | { ok: false; reason: Refusal; alternatives: Slot[] };

const isOverlap = (error: unknown) => violatedConstraint(error) === OVERLAP_CONSTRAINT;

class Refused extends Error {
  constructor(readonly reason: Refusal) {
    super(reason);
  }
}

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const availability = () => appService(strapi, 'api::appointment.availability');

  /** One booking at a time per company, for the length of the surrounding transaction. */
  const lockCompany = async (
    trx: { raw: (sql: string, bindings: unknown[]) => Promise<unknown> },
    companyId: number
  ) => {
    if (isPostgres(strapi))
      await trx.raw('SELECT pg_advisory_xact_lock(?, ?)', [BOOKING_LOCK, companyId]);
  };

  const dayBounds = (start: DateTime, zone: string) => {
    const local = start.setZone(zone);
    return [local.startOf('day'), local.endOf('day')] as const;
  };

  const alternativesFor = async (
    company: CompanyInfo,
    durationMinutes: number,
    start: DateTime,
    now: number,
    limit = DEFAULT_ALTERNATIVES
  ) => {
    const suggestion = await availability().suggest(company, durationMinutes, {
      date: start.setZone(company.timezone).toISODate(),
      wish: start,
      limit,
      now,
    });
    return suggestion?.slots ?? [];
  };

  const upcomingOf = async (customerId: number, now: number): Promise<Appointment[]> =>
    (
      await strapi.documents(UID).findMany({
        filters: {
          customer: { id: customerId },
          state: { $in: ['confirmed', 'requested'] },
          startsAt: { $gt: new Date(now).toISOString() },
        },
        sort: 'startsAt:asc',
        populate: ['service', 'customer'],
        limit: 20,
      })
    ).map(toAppointment);

  const pick = (
    upcoming: Appointment[],
    target: Target,
    zone: string
  ): ChangeResult | Appointment => {
    let candidates = upcoming;
    if (target.documentId)
      candidates = candidates.filter((item) => item.documentId === target.documentId);
    if (target.date)
      candidates = candidates.filter(
        (item) => DateTime.fromISO(item.startsAt, { zone }).toISODate() === target.date
      );
    if (target.minutes !== null && target.minutes !== undefined) {
      candidates = candidates.filter((item) => {
        const local = DateTime.fromISO(item.startsAt, { zone });
        return local.hour * 60 + local.minute === target.minutes;
      });
    }
    if (candidates.length === 0) return { ok: false, reason: 'none', candidates: upcoming };
    if (candidates.length > 1) return { ok: false, reason: 'ambiguous', candidates };
    return candidates[0];
  };

  return {
    async book(request: BookingRequest): Promise<BookingResult> {
      const { company, service, customer, start, now } = request;
      const end = start.plus({ minutes: service.durationMinutes });
      let outcome: { appointment: Appointment; reused: boolean };
      try {
        outcome = await strapi.db.transaction(async ({ trx }) => {
          await lockCompany(trx, company.id);
          const same = await strapi.documents(UID).findFirst({
            filters: {
              startsAt: utcIso(start),
              state: { $ne: 'cancelled' },
              $or: [
                ...(request.callId ? [{ call: { id: request.callId } }] : []),
                { customer: { id: customer.id } },
              ],
            },
            populate: ['service', 'customer'],
          });
          if (same) return { appointment: toAppointment(same), reused: true };

          const [dayStart, dayEnd] = dayBounds(start, company.timezone);
          const busy = await availability().busyBetween(company.id, dayStart, dayEnd);
          const refusal = checkSlot(
            start,
            availability().rules(company, service.durationMinutes, now),
            busy
          );
          if (refusal) throw new Refused(refusal);

          const created = await strapi.documents(UID).create({
            data: {
              startsAt: utcIso(start),
              endsAt: utcIso(end),
              state: 'confirmed',
              source: request.source,
              notes: request.notes || undefined,
              customer: customer.id,
              service: service.id,
              ...(request.callId ? { call: request.callId } : {}),
            },
            populate: ['service', 'customer'],
          });
          return { appointment: toAppointment(created), reused: false };
        });
      } catch (error) {
        const reason = error instanceof Refused ? error.reason : isOverlap(error) ? 'taken' : null;
        if (!reason) throw error;
        return {
          ok: false,
          reason,
          alternatives: await alternativesFor(
            company,
            service.durationMinutes,
            start,
            now,
            request.alternatives
          ),
        };
      }
      return { ok: true, ...outcome };
    },

    async cancel({
      company,
      customer,
      target,
      now,
    }: {
      company: CompanyInfo;
      customer: CustomerInfo;
      target: Target;
      now: number;
    }): Promise<ChangeResult> {
      const chosen = pick(await upcomingOf(customer.id, now), target, company.timezone);
      if ('ok' in chosen) return chosen;
      const cancelled = await strapi.documents(UID).update({
        documentId: chosen.documentId,
        data: { state: 'cancelled' },
        populate: ['service', 'customer'],
      });
      if (!cancelled) return { ok: false, reason: 'none', candidates: [] };
      return { ok: true, appointment: toAppointment(cancelled) };
    },

    async reschedule({
      company,
      customer,
      target,
      newStart,
      now,
      alternatives,
    }: {
      company: CompanyInfo;
      customer: CustomerInfo;
      target: Target;
      newStart: DateTime;
      now: number;
      alternatives?: number;
    }): Promise<ChangeResult> {
      const chosen = pick(await upcomingOf(customer.id, now), target, company.timezone);
      if ('ok' in chosen) return chosen;
      const previousStart = DateTime.fromISO(chosen.startsAt, { zone: company.timezone });
      const durationMinutes =
        chosen.service?.durationMinutes ??
        Math.round((Date.parse(chosen.endsAt) - Date.parse(chosen.startsAt)) / 60_000);
      try {
        const appointment = await strapi.db.transaction(async ({ trx }) => {
          await lockCompany(trx, company.id);
          const [dayStart, dayEnd] = dayBounds(newStart, company.timezone);
          const busy = await availability().busyBetween(company.id, dayStart, dayEnd, chosen.id);
          const refusal = checkSlot(
            newStart,
            availability().rules(company, durationMinutes, now),
            busy
          );
          if (refusal) throw new Refused(refusal);
          return strapi.documents(UID).update({
            documentId: chosen.documentId,
            data: {
              startsAt: utcIso(newStart),
              endsAt: utcIso(newStart.plus({ minutes: durationMinutes })),
            },
            populate: ['service', 'customer'],
          });
        });
        if (!appointment) return { ok: false, reason: 'none', candidates: [] };
        return { ok: true, appointment: toAppointment(appointment), previousStart };
      } catch (error) {
        const reason = error instanceof Refused ? error.reason : isOverlap(error) ? 'taken' : null;
        if (!reason) throw error;
        return {
          ok: false,
          reason,
          alternatives: await alternativesFor(
            company,
            durationMinutes,
            newStart,
            now,
            alternatives
          ),
        };
      }
    },
  };
};
