import type { Core } from '@strapi/strapi';
import { DateTime } from 'luxon';
import type { StaffMember, StaffRefusal, StaffSlot } from '../../../domain/staff-slots';
import { pickStaff } from '../../../domain/staff-slots';
import type { CompanyInfo } from '../../company/company-info';
import { isPostgres } from '../../../support/dialect';
import {
  COMPANY_OVERLAP_CONSTRAINT,
  STAFF_OVERLAP_CONSTRAINT,
} from '../../../../database/constraints';
import { appService } from '../../services';
import { violatedConstraint } from '../../../support/db-errors';
import { toAppointment, type Appointment } from '../appointment-view';
import { utcIso } from '../../../domain/times';
import { createTurns } from '../../../support/turns';
import { WHOLE_COMPANY, type Occupancy, type ServiceRules } from './availability';

/**
 * Booking, cancelling and moving appointments by the booking rules, for the phone agent
 * (and anything else that books on a customer's behalf). Runs in the company's scope.
 *
 * No double booking: every booking of a company takes the same PostgreSQL advisory
 * transaction lock (after waiting its turn in this process, so that a queue of bookings does not
 * hold a pooled connection each: ../../../support/turns.ts), reads what occupies its staff that day, picks the member and inserts; the
 * EXCLUDE constraints on appointments (per staff member, and per company for appointments
 * without one) are the guarantee behind it for every other writer. Idempotent: the same call (or
 * customer) booking the same start again gets the appointment it already has. The customer
 * hears of every booking, move and cancellation through the notification outbox (../changes.ts).
 */
const UID = 'api::appointment.appointment';
const BOOKING_LOCK = 424242;
const DEFAULT_ALTERNATIVES = 3;
const POPULATE = ['service', 'customer', 'staff'] as const;

export type ServiceInfo = {
  id: number;
  documentId: string;
  name: string;
  durationMinutes: number;
  bufferMinutes: number;
  /** Other names callers use for it ("Haare schneiden" for "Damenhaarschnitt"). */
  aliases?: string[];
};
export type CustomerInfo = { id: number; documentId: string; name: string | null };
export type { Appointment } from '../appointment-view';

export type BookingRequest = {
  company: CompanyInfo;
  service: ServiceInfo;
  customer: CustomerInfo;
  start: DateTime;
  /** The staff member the caller asked for; none: a free one who performs the service. */
  staffId?: number | null;
  callId?: number | null;
  notes?: string | null;
  source: 'phone' | 'admin' | 'api';
  now: number;
  /** How many other free slots a refusal offers. */
  alternatives?: number;
};
export type BookingResult =
  | { ok: true; appointment: Appointment; reused: boolean }
  | { ok: false; reason: StaffRefusal; alternatives: StaffSlot[] };

export type Target = {
  documentId?: string | null;
  date?: string | null;
  minutes?: number | null;
  /** Only while the appointment is still at this change (a link to it may be used up). */
  sequence?: number;
};
export type ChangeResult =
  | { ok: true; appointment: Appointment; previousStart?: DateTime }
  | { ok: false; reason: 'none' | 'ambiguous'; candidates: Appointment[] }
  | {
      ok: false;
      reason: StaffRefusal;
      alternatives: StaffSlot[];
      /** The member the appointment is with, when it is they who are not free then. */
      staff?: StaffMember | null;
      /** Other members who are free at the asked time (the caller may move to one of them). */
      othersFree?: StaffMember[];
    };

/** Who takes a start: the member asked for, else the free one with the least work that day. */
export type Allocation =
  { ok: true; staffId: number | null } | { ok: false; reason: StaffRefusal; freeIds: number[] };

const isOverlap = (error: unknown) => {
  const constraint = violatedConstraint(error);
  return constraint === COMPANY_OVERLAP_CONSTRAINT || constraint === STAFF_OVERLAP_CONSTRAINT;
};

/** The company's reasons come first: every member hears the same of a start in the past. */
const COMPANY_REASONS: StaffRefusal[] = ['invalid', 'past', 'off_grid', 'closed'];

/** The appointment changed since the caller saw it (Target.sequence). */
class Stale extends Error {}

class Refused extends Error {
  constructor(
    readonly reason: StaffRefusal,
    readonly freeIds: number[] = []
  ) {
    super(reason);
  }
}

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const turns = createTurns<number>();
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
    service: ServiceRules,
    start: DateTime,
    now: number,
    { limit = DEFAULT_ALTERNATIVES, staffId }: { limit?: number; staffId?: number | null } = {}
  ) => {
    const suggestion = await availability().suggest(company, service, {
      date: start.setZone(company.timezone).toISODate(),
      wish: start,
      limit,
      now,
      staffId,
    });
    return suggestion?.slots ?? [];
  };

  /**
   * The member who takes `start` by the phone's rules (the grid, the future): `staffId` if given
   * and free, else the free qualified member with the fewest appointments that day.
   */
  const allocate = (
    company: CompanyInfo,
    service: ServiceRules,
    start: DateTime,
    now: number,
    occupancy: Occupancy,
    staffId?: number | null
  ): Allocation => {
    const rules = availability().staffRules(company, service, now);
    const members = availability().membersFor(occupancy.roster, service.id);
    const free = (candidates: StaffMember[]) =>
      candidates.map((member) => ({
        member,
        refusal: availability().check(start, rules, member, occupancy),
      }));
    const checked = free(members);
    const freeIds = checked.filter((entry) => !entry.refusal).map((entry) => entry.member.id);
    if (staffId && occupancy.roster.length) {
      const wanted = occupancy.roster.find((member) => member.id === staffId);
      if (!wanted) return { ok: false, reason: 'unavailable', freeIds };
      if (!members.includes(wanted)) return { ok: false, reason: 'unqualified', freeIds };
      const refusal = checked.find((entry) => entry.member === wanted)?.refusal ?? null;
      return refusal
        ? { ok: false, reason: refusal, freeIds: freeIds.filter((id) => id !== staffId) }
        : { ok: true, staffId };
    }
    const isoDate = start.setZone(company.timezone).toISODate() as string;
    const picked = pickStaff(freeIds, { load: (id) => occupancy.load(id, isoDate) });
    if (picked !== null) return { ok: true, staffId: picked === WHOLE_COMPANY ? null : picked };
    const reasons = checked.map((entry) => entry.refusal);
    const shared = reasons.find((reason) => reason && COMPANY_REASONS.includes(reason));
    const reason =
      shared ??
      (reasons.includes('taken') ? 'taken' : reasons.length ? 'unavailable' : 'unqualified');
    return { ok: false, reason, freeIds };
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
        populate: [...POPULATE],
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

  const serviceRulesOf = async (serviceId: number | null | undefined, fallbackMinutes: number) => {
    const service = serviceId
      ? await strapi.db.query('api::service.service').findOne({
          where: { id: serviceId },
          select: ['id', 'durationMinutes', 'bufferMinutes'],
        })
      : null;
    return {
      id: Number(service?.id ?? 0),
      durationMinutes: Number(service?.durationMinutes ?? fallbackMinutes),
      bufferMinutes: Number(service?.bufferMinutes ?? 0),
    };
  };

  /** Under the lock: is the appointment still at the change the caller saw? */
  const stillAt = async (id: number, target: Target) => {
    if (target.sequence === undefined) return;
    const row = (await strapi.db
      .query(UID)
      .findOne({ where: { id }, select: ['id', 'sequence'] })) as {
      sequence: number | null;
    } | null;
    if ((row?.sequence ?? 0) !== target.sequence) throw new Stale();
  };

  return {
    allocate,

    /** Runs `work` holding the company's booking lock, inside one transaction. */
    async locked<T>(companyId: number, work: () => Promise<T>): Promise<T> {
      const inTransaction = async () => {
        const outcome: { value?: T } = {};
        await strapi.db.transaction(async ({ trx }) => {
          await lockCompany(trx, companyId);
          outcome.value = await work();
        });
        return outcome.value as T;
      };
      // Inside a transaction already open, the database lock lasts until that one ends, past
      // this turn: a turn taken here could wait for a holder that waits for it. The lock alone.
      return strapi.db.inTransaction() ? inTransaction() : turns(companyId, inTransaction);
    },

    async book(request: BookingRequest): Promise<BookingResult> {
      const { company, service, customer, start, now } = request;
      const end = start.plus({ minutes: service.durationMinutes });
      let outcome: { appointment: Appointment; reused: boolean };
      try {
        outcome = await this.locked(company.id, async () => {
          const same = await strapi.documents(UID).findFirst({
            filters: {
              startsAt: utcIso(start),
              state: { $ne: 'cancelled' },
              $or: [
                ...(request.callId ? [{ call: { id: request.callId } }] : []),
                { customer: { id: customer.id } },
              ],
            },
            populate: [...POPULATE],
          });
          if (same) return { appointment: toAppointment(same), reused: true };

          const [dayStart, dayEnd] = dayBounds(start, company.timezone);
          const occupancy = await availability().occupancy(company, dayStart, dayEnd);
          const allocation = allocate(company, service, start, now, occupancy, request.staffId);
          if (!allocation.ok) throw new Refused(allocation.reason, allocation.freeIds);

          const created = await strapi.documents(UID).create({
            data: {
              startsAt: utcIso(start),
              endsAt: utcIso(end),
              state: 'confirmed',
              source: request.source,
              notes: request.notes || undefined,
              customer: customer.id,
              service: service.id,
              ...(allocation.staffId ? { staff: allocation.staffId } : {}),
              ...(request.callId ? { call: request.callId } : {}),
            },
          });
          // Its service, customer and staff member are the ones just written: no read back.
          const member = allocation.staffId
            ? occupancy.roster.find((candidate) => candidate.id === allocation.staffId)
            : undefined;
          return {
            appointment: toAppointment({
              ...created,
              service,
              customer,
              staff: member
                ? { id: member.id, name: member.name }
                : allocation.staffId
                  ? await strapi.db
                      .query('api::staff.staff')
                      .findOne({ where: { id: allocation.staffId }, select: ['id', 'name'] })
                  : null,
            } as Parameters<typeof toAppointment>[0]),
            reused: false,
          };
        });
      } catch (error) {
        const reason = error instanceof Refused ? error.reason : isOverlap(error) ? 'taken' : null;
        if (!reason) throw error;
        return {
          ok: false,
          reason,
          alternatives:
            reason === 'unqualified'
              ? []
              : await alternativesFor(company, service, start, now, {
                  limit: request.alternatives,
                  staffId: request.staffId,
                }),
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
      let cancelled;
      try {
        cancelled = await this.locked(company.id, async () => {
          await stillAt(chosen.id, target);
          return strapi.documents(UID).update({
            documentId: chosen.documentId,
            data: { state: 'cancelled' },
            populate: [...POPULATE],
          });
        });
      } catch (error) {
        if (error instanceof Stale) return { ok: false, reason: 'none', candidates: [] };
        throw error;
      }
      if (!cancelled) return { ok: false, reason: 'none', candidates: [] };
      return { ok: true, appointment: toAppointment(cancelled) };
    },

    /**
     * Moves an appointment to `newStart`: with the same staff member when they are free then (or
     * `staffId`, when the caller chose another), else refused with the members who would be.
     */
    async reschedule({
      company,
      customer,
      target,
      newStart,
      staffId,
      now,
      alternatives,
    }: {
      company: CompanyInfo;
      customer: CustomerInfo;
      target: Target;
      newStart: DateTime;
      staffId?: number | null;
      now: number;
      alternatives?: number;
    }): Promise<ChangeResult> {
      const chosen = pick(await upcomingOf(customer.id, now), target, company.timezone);
      if ('ok' in chosen) return chosen;
      const previousStart = DateTime.fromISO(chosen.startsAt, { zone: company.timezone });
      const service = await serviceRulesOf(
        chosen.service?.id,
        Math.round((Date.parse(chosen.endsAt) - Date.parse(chosen.startsAt)) / 60_000)
      );
      const keep = staffId ?? chosen.staff?.id ?? null;
      let roster: StaffMember[] = [];
      try {
        const appointment = await this.locked(company.id, async () => {
          await stillAt(chosen.id, target);
          const [dayStart, dayEnd] = dayBounds(newStart, company.timezone);
          const occupancy = await availability().occupancy(company, dayStart, dayEnd, chosen.id);
          roster = occupancy.roster;
          const allocation = allocate(company, service, newStart, now, occupancy, keep);
          if (!allocation.ok) throw new Refused(allocation.reason, allocation.freeIds);
          return strapi.documents(UID).update({
            documentId: chosen.documentId,
            data: {
              startsAt: utcIso(newStart),
              endsAt: utcIso(newStart.plus({ minutes: service.durationMinutes })),
              ...(allocation.staffId && allocation.staffId !== chosen.staff?.id
                ? { staff: allocation.staffId }
                : {}),
            },
            populate: [...POPULATE],
          });
        });
        if (!appointment) return { ok: false, reason: 'none', candidates: [] };
        return { ok: true, appointment: toAppointment(appointment), previousStart };
      } catch (error) {
        if (error instanceof Stale) return { ok: false, reason: 'none', candidates: [] };
        const refused = error instanceof Refused ? error : null;
        const reason = refused ? refused.reason : isOverlap(error) ? 'taken' : null;
        if (!reason) throw error;
        const staff = keep ? (roster.find((member) => member.id === keep) ?? null) : null;
        const freeIds = refused?.freeIds ?? [];
        return {
          ok: false,
          reason,
          staff,
          othersFree: roster.filter((member) => freeIds.includes(member.id)),
          alternatives: await alternativesFor(company, service, newStart, now, {
            limit: alternatives,
            staffId: staff ? staff.id : null,
          }),
        };
      }
    },
  };
};
