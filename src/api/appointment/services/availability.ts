import type { Core } from '@strapi/strapi';
import { DateTime } from 'luxon';
import { nearestFree, type Busy, type OpeningInterval, type Rules } from '../../../domain/slots';
import {
  checkStaffSlot,
  performs,
  staffFreeSlots,
  type StaffMember,
  type StaffRules,
  type StaffSlot,
} from '../../../domain/staff-slots';
import type { CompanyInfo } from '../../company/company-info';
import { metaOf, onModel } from '../../../support/knex';
import { ttlCache } from '../../../support/ttl-cache';

/**
 * Free slots of a company over the people who do the work: the company's rules (zone, opening
 * hours, grid), its active staff (their hours and services, cached), and what occupies them in a
 * time range — their live appointments (each with its service's buffer after it), their
 * absences, and the company's closures — handed to the pure computation (domain/staff-slots).
 *
 * A company without active staff members is one resource: a single stand-in member with the
 * company's hours who performs every service and is occupied by every live appointment (the
 * behaviour before staff scheduling). In a company with staff, an appointment that names no
 * staff member (made before there were any) keeps everyone busy at its time — never an
 * overbooking — until someone gives it a member in the calendar.
 */
const SEARCH_DAYS = 14;
/** No appointment lasts longer than this; it bounds the index range scanned for overlaps. */
const LONGEST_APPOINTMENT_HOURS = 24;
const MINUTE = 60_000;
const UID = 'api::appointment.appointment';
const ABSENCE_UID = 'api::absence.absence';
const ROSTER_TTL_MS = 30_000;
/** The stand-in member of a company without staff; booking stores no staff member for it. */
export const WHOLE_COMPANY = 0;

export type ServiceRules = { id: number; durationMinutes: number; bufferMinutes?: number | null };
export type Suggestion = { date: string; slots: StaffSlot[]; sameDay: boolean };

/** What occupies a company's staff in a time range. */
export type Occupancy = {
  /** Active staff; empty: the company is one resource. */
  roster: StaffMember[];
  /** Busy intervals per member id (WHOLE_COMPANY for a company without staff). */
  busy: Map<number, Busy[]>;
  /** Closures of the whole company (absences without a staff member). */
  closures: Busy[];
  /** Appointments per member and day (YYYY-MM-DD, company zone): how a booking spreads work. */
  load: (memberId: number, isoDate: string) => number;
};

type StaffRow = {
  id: number;
  name: string;
  workingHours?: Array<Partial<OpeningInterval>> | null;
  services?: Array<{ id: number }> | null;
};
type AppointmentRow = {
  id: number;
  staff_id: number | null;
  starts_at: Date | string;
  ends_at: Date | string;
  buffer_minutes: number | null;
};
type AbsenceRow = { staff_id: number | null; starts_at: Date | string; ends_at: Date | string };

const millis = (value: Date | string) => new Date(value).getTime();
const hoursOf = (rows: StaffRow['workingHours']): OpeningInterval[] =>
  (rows ?? [])
    .filter(
      (interval): interval is OpeningInterval =>
        !!interval.weekday && !!interval.opens && !!interval.closes
    )
    .map(({ weekday, opens, closes }) => ({ weekday, opens, closes }));

export default ({ strapi }: { strapi: Core.Strapi }) => {
  // Who works for a company changes rarely and is read on every availability question.
  const rosters = ttlCache<number, StaffMember[]>(strapi, 'appointment:roster', {
    ttlMs: ROSTER_TTL_MS,
  });

  const serviceLink = () => {
    const attribute = metaOf(strapi, UID).attributes.service as {
      joinTable: {
        name: string;
        joinColumn: { name: string };
        inverseJoinColumn: { name: string };
      };
    };
    return attribute.joinTable;
  };

  const service = {
    rules(company: CompanyInfo, durationMinutes: number, now: number): Rules {
      return {
        zone: company.timezone,
        openingHours: company.openingHours,
        slotMinutes: company.slotMinutes,
        durationMinutes,
        now,
      };
    },

    staffRules(company: CompanyInfo, rules: ServiceRules, now: number): StaffRules {
      return {
        ...service.rules(company, rules.durationMinutes, now),
        bufferMinutes: rules.bufferMinutes ?? 0,
      };
    },

    forgetRosters() {
      rosters.forget();
    },

    /** The company's active staff members with their hours and services, by name. */
    roster(companyId: number): Promise<StaffMember[]> {
      return rosters.remember(companyId, async () => {
        const rows = (await strapi.db.query('api::staff.staff').findMany({
          where: { company_id: companyId, active: true },
          select: ['id', 'name'],
          populate: { workingHours: true, services: { select: ['id'] } },
          orderBy: [{ name: 'asc' }, { id: 'asc' }],
          limit: 500,
        })) as StaffRow[];
        return rows.map((row) => ({
          id: Number(row.id),
          name: row.name,
          workingHours: hoursOf(row.workingHours),
          serviceIds: (row.services ?? []).map((item) => Number(item.id)),
        }));
      });
    },

    /** The members a service can be booked with: who performs it, or the whole company. */
    membersFor(roster: StaffMember[], serviceId: number): StaffMember[] {
      return roster.length
        ? roster.filter((member) => performs(member, serviceId))
        : [{ id: WHOLE_COMPANY, name: '', workingHours: [], serviceIds: [] }];
    },

    /**
     * What occupies the company's members in [from, to): one range scan of appointments on the
     * (company_id, starts_at) index, bounded below by the longest possible appointment, and one of
     * absences.
     */
    async occupancy(
      company: CompanyInfo,
      from: DateTime,
      to: DateTime,
      exceptAppointmentId?: number
    ): Promise<Occupancy> {
      const roster = await service.roster(company.id);
      const link = serviceLink();
      const [appointments, absences] = await Promise.all([
        onModel<AppointmentRow[]>(strapi, UID, (query) => {
          query
            .select(
              'a.id',
              'a.staff_id',
              'a.starts_at',
              'a.ends_at',
              's.buffer_minutes as buffer_minutes'
            )
            .from(`${metaOf(strapi, UID).tableName} as a`)
            .leftJoin(`${link.name} as l`, `l.${link.joinColumn.name}`, 'a.id')
            .leftJoin(
              `${metaOf(strapi, 'api::service.service').tableName} as s`,
              's.id',
              `l.${link.inverseJoinColumn.name}`
            )
            .where('a.company_id', company.id)
            .whereNot('a.state', 'cancelled')
            .where('a.starts_at', '<', to.toJSDate())
            .where('a.starts_at', '>', from.minus({ hours: LONGEST_APPOINTMENT_HOURS }).toJSDate())
            .where('a.ends_at', '>', from.minus({ hours: 4 }).toJSDate());
          if (exceptAppointmentId) query.whereNot('a.id', exceptAppointmentId);
          return query;
        }),
        onModel<AbsenceRow[]>(strapi, ABSENCE_UID, (query) =>
          query
            .select('staff_id', 'starts_at', 'ends_at')
            .where('company_id', company.id)
            .where('starts_at', '<', to.toJSDate())
            .where('ends_at', '>', from.toJSDate())
        ),
      ]);

      const busy = new Map<number, Busy[]>();
      const add = (memberId: number, interval: Busy) => {
        const list = busy.get(memberId);
        if (list) list.push(interval);
        else busy.set(memberId, [interval]);
      };
      const members = roster.length ? roster.map((member) => member.id) : [WHOLE_COMPANY];
      const known = new Set(members);
      const counts = new Map<string, number>();
      for (const row of appointments) {
        const interval: Busy = {
          start: millis(row.starts_at),
          end: millis(row.ends_at) + (Number(row.buffer_minutes) || 0) * MINUTE,
          kind: 'appointment',
        };
        const staffId = row.staff_id === null ? null : Number(row.staff_id);
        // Unassigned (or a member no longer active) in a company with staff: nobody is free then.
        const holders =
          roster.length && staffId !== null && known.has(staffId) ? [staffId] : members;
        for (const memberId of holders) add(memberId, interval);
        if (staffId !== null) {
          const day = DateTime.fromMillis(interval.start, { zone: company.timezone }).toISODate();
          const key = `${staffId}|${day}`;
          counts.set(key, (counts.get(key) ?? 0) + 1);
        }
      }
      const closures: Busy[] = [];
      for (const row of absences) {
        const interval: Busy = {
          start: millis(row.starts_at),
          end: millis(row.ends_at),
          kind: 'absence',
        };
        if (row.staff_id === null) closures.push(interval);
        else if (known.has(Number(row.staff_id))) add(Number(row.staff_id), interval);
      }
      return {
        roster,
        busy,
        closures,
        load: (memberId, isoDate) => counts.get(`${memberId}|${isoDate}`) ?? 0,
      };
    },

    /** The slots of a day with the members (of `members`) free for each. */
    freeOn(isoDate: string, rules: StaffRules, members: StaffMember[], occupancy: Occupancy) {
      return staffFreeSlots(isoDate, rules, members, occupancy.busy, occupancy.closures);
    },

    /**
     * Every free start of a day for a service, with the members free for each, as if the
     * appointment `exceptAppointmentId` were not there (moving it must not collide with itself).
     */
    async freeDay(
      company: CompanyInfo,
      serviceRules: ServiceRules,
      isoDate: string,
      now: number,
      exceptAppointmentId?: number
    ): Promise<{ roster: StaffMember[]; slots: StaffSlot[] }> {
      const day = DateTime.fromISO(isoDate, { zone: company.timezone });
      const occupancy = await service.occupancy(
        company,
        day.startOf('day'),
        day.endOf('day'),
        exceptAppointmentId
      );
      const members = service.membersFor(occupancy.roster, serviceRules.id);
      const rules = service.staffRules(company, serviceRules, now);
      return {
        roster: occupancy.roster,
        slots: service.freeOn(isoDate, rules, members, occupancy),
      };
    },

    /** Why `member` cannot take `start`, or null when they can. */
    check(start: DateTime, rules: StaffRules, member: StaffMember, occupancy: Occupancy) {
      return checkStaffSlot(
        start,
        rules,
        member,
        occupancy.busy.get(member.id) ?? [],
        occupancy.closures
      );
    },

    /**
     * Up to `limit` free slots near the wish: on the wished day (closest to the wished time, or
     * inside the wished window), else on the next day that has any, searching two weeks. Only
     * `staffId`'s when given; each slot names the members free for it.
     */
    async suggest(
      company: CompanyInfo,
      serviceRules: ServiceRules,
      {
        date,
        wish,
        window,
        limit,
        now,
        staffId,
      }: {
        date: string | null;
        wish: DateTime | null;
        window?: { from: number; to: number } | null;
        limit: number;
        now: number;
        staffId?: number | null;
      }
    ): Promise<Suggestion | null> {
      const first =
        date ?? (DateTime.fromMillis(now, { zone: company.timezone }).toISODate() as string);
      let day = DateTime.fromISO(first, { zone: company.timezone });
      const rules = service.staffRules(company, serviceRules, now);
      const roster = await service.roster(company.id);
      const members = service
        .membersFor(roster, serviceRules.id)
        .filter((member) => !staffId || member.id === staffId);
      if (members.length === 0) return null;
      // The wished day first (the usual answer); the following two weeks only when it is full.
      let occupancy = await service.occupancy(company, day.startOf('day'), day.endOf('day'));
      for (let offset = 0; offset < SEARCH_DAYS; offset += 1, day = day.plus({ days: 1 })) {
        const isoDate = day.toISODate() as string;
        if (offset === 1)
          occupancy = await service.occupancy(
            company,
            day.startOf('day'),
            day.plus({ days: SEARCH_DAYS }).endOf('day')
          );
        let free = service.freeOn(isoDate, rules, members, occupancy);
        if (offset === 0 && window) {
          const midnight = day.startOf('day').toMillis();
          const inWindow = free.filter((slot) => {
            const minute = (slot.start - midnight) / MINUTE;
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
  };
  return service;
};
