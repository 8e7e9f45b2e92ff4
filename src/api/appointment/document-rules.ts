import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { DateTime } from 'luxon';
import { paramsOf, type DocumentMiddleware } from '../../support/documents';
import { clearsRelation, leavesRelation, linkedRefs } from '../../support/relation-input';
import { checkStaffInterval, pickStaff, type StaffRefusal } from '../../domain/staff-slots';
import { appService } from '../services';
import { WHOLE_COMPANY, type ServiceRules } from './services/availability';
import { metaOf, onModel } from '../../support/knex';
import { currentScope } from '../../tenancy';
import type { Language } from '../../domain/speech';

/**
 * Rules of an appointment on every write path:
 * - `endsAt` defaults to `startsAt` + the service's duration; it must lie after `startsAt`;
 * - `source` defaults to where the write came from (admin panel, REST API); phone bookings set it.
 *
 * And the booking rules for what staff and integrators place (the admin's content manager and
 * calendar, the REST API) — at any start and length, past ones included, but: with a staff
 * member who performs the service, inside their working hours ∩ the company's opening hours,
 * outside their absences and the company's closures, and (with the service's buffer) overlapping
 * none of their appointments. Without a staff member, in a company with staff, the free one with
 * the least work that day is assigned. Checked under the company's booking lock, in the write's
 * transaction. A refusal is a 400 naming the reason (`details.reason`), in the company's language.
 * Phone bookings are checked by the booking service before they write (services/booking.ts).
 */
const UID = 'api::appointment.appointment';
const LIVE_STATES = new Set(['confirmed', 'requested']);
/** Availability looks a day around a wish: nothing placed by hand may be longer. */
const MAX_LENGTH_MS = 24 * 3_600_000;

type RequestState = { auth?: { strategy?: { name?: string } } };
type Current = {
  id: number;
  company_id: number | null;
  staff_id: number | null;
  service_id: number | null;
  starts_at: Date | string | null;
  ends_at: Date | string | null;
  state: string | null;
};

const toDate = (value: unknown, field: string): Date | null => {
  if (value === undefined || value === null || value === '') return null;
  const date = new Date(value as string);
  if (Number.isNaN(date.getTime()))
    throw new errors.ValidationError(`${field} must be a date-time`);
  return date;
};

type Facts = { staff: string | null; service: string | null };
const REFUSALS: Record<Language, Record<StaffRefusal | 'nobody', (facts: Facts) => string>> = {
  de: {
    taken: ({ staff }) =>
      staff
        ? `${staff} hat zu dieser Zeit schon einen Termin (oder die Pause danach).`
        : 'Zu dieser Zeit ist schon ein Termin.',
    unavailable: ({ staff }) =>
      `${staff ?? 'Die Mitarbeiterin / der Mitarbeiter'} arbeitet zu dieser Zeit nicht (Arbeitszeit oder Abwesenheit).`,
    closed: () => 'Zu dieser Zeit ist geschlossen.',
    unqualified: ({ staff, service }) =>
      `${staff ?? 'Diese Person'} bietet ${service ?? 'diese Leistung'} nicht an.`,
    nobody: ({ service }) =>
      `Zu dieser Zeit ist niemand frei, der ${service ?? 'diese Leistung'} anbietet.`,
    past: () => 'Dieser Zeitpunkt liegt in der Vergangenheit.',
    off_grid: () => 'Zu dieser Uhrzeit kann kein Termin beginnen.',
    invalid: () => 'Die Zeit ist ungültig.',
  },
  en: {
    taken: ({ staff }) =>
      staff
        ? `${staff} already has an appointment (or the break after one) at this time.`
        : 'There is already an appointment at this time.',
    unavailable: ({ staff }) =>
      `${staff ?? 'This staff member'} does not work at this time (working hours or absence).`,
    closed: () => 'The company is closed at this time.',
    unqualified: ({ staff, service }) =>
      `${staff ?? 'This staff member'} does not perform ${service ?? 'this service'}.`,
    nobody: ({ service }) =>
      `Nobody who performs ${service ?? 'this service'} is free at this time.`,
    past: () => 'This time is in the past.',
    off_grid: () => 'An appointment cannot start at this time.',
    invalid: () => 'The time is invalid.',
  },
};

export class ScheduleRefusal extends errors.ValidationError {
  constructor(language: Language, reason: StaffRefusal | 'nobody', facts: Facts) {
    super(REFUSALS[language][reason](facts), { reason: reason === 'nobody' ? 'taken' : reason });
  }
}

export const createAppointmentRules = (strapi: Core.Strapi): DocumentMiddleware => {
  const availability = () => appService(strapi, 'api::appointment.availability');
  const booking = () => appService(strapi, 'api::appointment.booking');

  const serviceLink = () =>
    (
      metaOf(strapi, UID).attributes.service as {
        joinTable: {
          name: string;
          joinColumn: { name: string };
          inverseJoinColumn: { name: string };
        };
      }
    ).joinTable;

  /** The row as it is, with its company, staff member and service ids. */
  const currentOf = async (documentId: string): Promise<Current | null> => {
    const link = serviceLink();
    const row = await onModel<Current | undefined>(strapi, UID, (query) =>
      query
        .select(
          'a.id',
          'a.company_id',
          'a.staff_id',
          'a.starts_at',
          'a.ends_at',
          'a.state',
          `l.${link.inverseJoinColumn.name} as service_id`
        )
        .from(`${metaOf(strapi, UID).tableName} as a`)
        .leftJoin(`${link.name} as l`, `l.${link.joinColumn.name}`, 'a.id')
        .where('a.document_id', documentId)
        .first()
    );
    return row ?? null;
  };

  type ServiceRow = { id: number; name: string; durationMinutes: number; bufferMinutes: number };
  /**
   * The services one write looks at, each read once (the plan and the schedule check both ask):
   * `idIn` — the service a relation input links (null: unlinked; undefined: left as it is);
   * `byId` — its name, duration and buffer.
   */
  const serviceReader = () => {
    const byKey = new Map<string, Promise<ServiceRow | null>>();
    const read = (where: { id: number } | { documentId: string }) => {
      const key = 'id' in where ? `id:${where.id}` : `doc:${where.documentId}`;
      let row = byKey.get(key);
      if (!row) {
        row = strapi.db
          .query('api::service.service')
          .findOne({ where, select: ['id', 'name', 'durationMinutes', 'bufferMinutes'] })
          .then((found) =>
            found
              ? {
                  id: Number(found.id),
                  name: String(found.name),
                  durationMinutes: Number(found.durationMinutes),
                  bufferMinutes: Number(found.bufferMinutes ?? 0),
                }
              : null
          );
        byKey.set(key, row);
        row.then(
          (found) => found && byKey.set(`id:${found.id}`, Promise.resolve(found)),
          () => undefined
        );
      }
      return row;
    };
    return {
      async idIn(value: unknown): Promise<number | null | undefined> {
        if (leavesRelation(value)) return undefined;
        if (clearsRelation(value)) return null;
        const [ref] = linkedRefs(value).refs;
        if (!ref) return undefined;
        if (ref.id !== undefined) return ref.id;
        return (await read({ documentId: ref.documentId as string }))?.id ?? null;
      },
      byId: async (id: number | null) => (id ? read({ id }) : null),
    };
  };
  type ServiceReader = ReturnType<typeof serviceReader>;

  const sourceOfRequest = (): 'admin' | 'api' | null => {
    const state = (strapi.requestContext.get() as { state?: RequestState } | undefined)?.state;
    const strategy = state?.auth?.strategy?.name;
    if (!strategy) return null;
    return strategy === 'admin' ? 'admin' : 'api';
  };

  const companyIdOf = async (data: Record<string, unknown>, current: Current | null) => {
    const scope = await currentScope();
    if (scope?.kind === 'company') return scope.companyId;
    if (typeof data.company === 'number') return data.company;
    return current?.company_id ?? null;
  };

  /**
   * The booking rules for a write placed by a person or an integrator: refuses what breaks them,
   * assigns a free member when none is named in a company with staff.
   */
  const checkSchedule = async (
    data: Record<string, unknown>,
    current: Current | null,
    times: { startsAt: Date; endsAt: Date },
    { cloning }: { cloning: boolean },
    services: ServiceReader
  ) => {
    const companyId = await companyIdOf(data, current);
    if (!companyId) return;
    const company = await appService(strapi, 'api::company.company').info(companyId);
    if (!company) return;
    const serviceInput = 'service' in data ? await services.idIn(data.service) : undefined;
    const service = await services.byId(
      serviceInput === undefined ? (current?.service_id ?? null) : serviceInput
    );
    const staffId = 'staff' in data ? (data.staff as number | null) : (current?.staff_id ?? null);
    const interval = { start: times.startsAt.getTime(), end: times.endsAt.getTime() };
    const local = DateTime.fromMillis(interval.start, { zone: company.timezone });
    const occupancy = await availability().occupancy(
      company,
      local.startOf('day'),
      DateTime.fromMillis(interval.end, { zone: company.timezone }).endOf('day'),
      cloning ? undefined : current?.id
    );
    const rules: ServiceRules = service ?? {
      id: 0,
      durationMinutes: (interval.end - interval.start) / 60_000,
    };
    const staffRules = availability().staffRules(company, rules, interval.start);
    const { roster } = occupancy;
    const nameOf = (id: number | null) => roster.find((member) => member.id === id)?.name ?? null;
    const facts = (id: number | null): Facts => ({
      staff: nameOf(id),
      service: service?.name ?? null,
    });
    const refuse = (reason: StaffRefusal | 'nobody', id: number | null) => {
      throw new ScheduleRefusal(company.language, reason, facts(id));
    };

    if (roster.length === 0) {
      // No staff here: a staff member named can only be another company's (a super admin's write).
      if (staffId) refuse('unavailable', null);
      // One resource: the company-wide rule (overlaps, buffers, closures), at any hour as before.
      const refusal = checkStaffInterval(
        interval,
        staffRules,
        { workingHours: [] },
        occupancy.busy.get(WHOLE_COMPANY) ?? [],
        occupancy.closures,
        { hours: false }
      );
      if (refusal) refuse(refusal, null);
      return;
    }
    const members = service ? availability().membersFor(roster, service.id) : roster;
    const refusalFor = (id: number) => {
      const member = roster.find((candidate) => candidate.id === id);
      if (!member) return 'unavailable' as const;
      if (!members.includes(member)) return 'unqualified' as const;
      return checkStaffInterval(
        interval,
        staffRules,
        member,
        occupancy.busy.get(id) ?? [],
        occupancy.closures
      );
    };
    if (staffId) {
      const refusal = refusalFor(staffId);
      if (refusal) refuse(refusal, staffId);
      return;
    }
    const free = members.filter((member) => !refusalFor(member.id)).map((member) => member.id);
    const isoDate = local.toISODate() as string;
    const picked = pickStaff(free, { load: (id) => occupancy.load(id, isoDate) });
    if (picked === null) {
      const closed =
        members.length > 0 && members.every((member) => refusalFor(member.id) === 'closed');
      refuse(closed ? 'closed' : 'nobody', null);
    }
    data.staff = picked;
  };

  /**
   * The write's times and whether it changes the schedule, from the row as it is (`current`: the
   * appointment updated, or the one cloned). Fills in `endsAt` where it follows.
   */
  const plan = async (
    action: 'create' | 'update' | 'clone',
    data: Record<string, unknown>,
    current: Current | null,
    services: ServiceReader
  ) => {
    const touchesTimes = 'startsAt' in data || 'endsAt' in data || 'service' in data;
    let startsAt = current ? toDate(current.starts_at, 'startsAt') : null;
    let endsAt = current ? toDate(current.ends_at, 'endsAt') : null;
    const serviceId = 'service' in data ? await services.idIn(data.service) : undefined;
    if (touchesTimes) {
      const moved = 'startsAt' in data;
      if (moved) startsAt = toDate(data.startsAt, 'startsAt');
      if ('endsAt' in data) endsAt = toDate(data.endsAt, 'endsAt');
      else if (startsAt && serviceId) {
        // A service given: its duration; else a move keeps the appointment's length.
        const minutes = (await services.byId(serviceId))?.durationMinutes;
        if (minutes) endsAt = new Date(startsAt.getTime() + minutes * 60_000);
      } else if (startsAt && moved && current?.starts_at && current.ends_at) {
        const length = new Date(current.ends_at).getTime() - new Date(current.starts_at).getTime();
        endsAt = new Date(startsAt.getTime() + length);
      }
      if (endsAt && Number.isNaN(endsAt.getTime()))
        throw new errors.ValidationError('endsAt must be a date-time');
      if (
        endsAt &&
        !('endsAt' in data) &&
        endsAt.getTime() !== toDate(current?.ends_at, 'endsAt')?.getTime()
      )
        data.endsAt = endsAt.toISOString();
      if (action === 'create' && (!startsAt || !endsAt)) {
        throw new errors.ValidationError(
          'startsAt is required, and endsAt unless a service gives the duration'
        );
      }
    }
    if (startsAt && endsAt) {
      if (endsAt.getTime() <= startsAt.getTime())
        throw new errors.ValidationError('endsAt must be after startsAt');
      if (endsAt.getTime() - startsAt.getTime() > MAX_LENGTH_MS)
        throw new errors.ValidationError('An appointment lasts at most 24 hours');
    }
    const state = 'state' in data ? data.state : (current?.state ?? 'confirmed');
    const live = LIVE_STATES.has(String(state)) && !!startsAt && !!endsAt;
    const changes =
      action !== 'update' ||
      (!!current &&
        (!LIVE_STATES.has(String(current.state)) ||
          startsAt?.getTime() !== toDate(current.starts_at, 'startsAt')?.getTime() ||
          endsAt?.getTime() !== toDate(current.ends_at, 'endsAt')?.getTime() ||
          ('staff' in data && (data.staff ?? null) !== (current.staff_id ?? null)) ||
          (serviceId !== undefined && serviceId !== (current.service_id ?? null))));
    return { live, changes, times: startsAt && endsAt ? { startsAt, endsAt } : null };
  };

  return async (context, next) => {
    const action = context.action;
    if (context.uid !== UID || (action !== 'create' && action !== 'update' && action !== 'clone'))
      return next();
    const params = paramsOf(context);
    const data = params.data ?? {};
    params.data = data;
    const source = sourceOfRequest();

    if (action !== 'update' && data.source === undefined && source) data.source = source;

    const touchesTimes = 'startsAt' in data || 'endsAt' in data || 'service' in data;
    const touchesSchedule = !!source && ('staff' in data || 'state' in data);
    // A clone is a new appointment with the cloned one's times, staff and service unless given.
    const readsCurrent =
      !!params.documentId && (action === 'clone' || touchesTimes || touchesSchedule);
    const peek = readsCurrent ? await currentOf(params.documentId as string) : null;

    // The booking rules: for what people and integrators place, when it changes the schedule
    // (a form saved again with the same times, or an appointment marked completed, is not).
    // Live bookings only: a completed or no-show record is history, a cancelled one frees its time.
    const companyId = source ? await companyIdOf(data, peek) : null;
    if (!companyId || (action === 'update' && !touchesTimes && !touchesSchedule)) {
      await plan(action, data, peek, serviceReader());
      return next();
    }
    return booking().locked(companyId, async () => {
      // Read again under the lock: a concurrent write may have moved it since the peek.
      const current = readsCurrent ? await currentOf(params.documentId as string) : null;
      const services = serviceReader();
      const { live, changes, times } = await plan(action, data, current, services);
      if (live && changes && times)
        await checkSchedule(data, current, times, { cloning: action === 'clone' }, services);
      return next();
    });
  };
};
