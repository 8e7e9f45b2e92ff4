import { createHash, randomUUID } from 'crypto';
import type { Core } from '@strapi/strapi';
import { DateTime } from 'luxon';
import type { Knex } from 'knex';
import { onTable } from '../../../../../support/knex';
import { matchByName, matchStaff, spokenName } from '../../../../../domain/match';
import { performs, type StaffMember, type StaffSlot } from '../../../../../domain/staff-slots';
import { countryOf, toE164 } from '../../../../../domain/phone';
import { say } from '../../../../../domain/speech';
import { normaliseEmail } from '../../../../../domain/email';
import {
  atTime,
  dayPart,
  dayPartOfDate,
  parseDate,
  parseStart,
  parseTime,
} from '../../../../../domain/wish';
import { startIn, toMinutes, type Slot } from '../../../../../domain/slots';
import type { CompanyInfo } from '../../../../../api/company/company-info';
import type {
  BookingResult,
  ChangeResult,
  CustomerInfo,
  ServiceInfo,
} from '../../../../../api/appointment/services/booking';
import { FunctionArgsSchema, type FunctionArgs, type RetellCall } from '../schemas';
import { basePatch } from '../calls';
import { appService } from '../../../../../api/services';
import { pluginConfig } from '../utils';
import { ttlCache } from '../../../../../support/ttl-cache';

/**
 * The functions the agent calls while the caller is on the line. Each answers with a short
 * sentence the agent can say (`message`, in the company's language) and structured data.
 * Missing or unreadable arguments are answered with a question, never an error, so the LLM
 * can recover. The customer is always the caller's own number, never one the LLM made up.
 */
export type FunctionContext = {
  company: CompanyInfo;
  call: RetellCall;
  args: Record<string, unknown>;
  now: number;
};
export type FunctionAnswer = Record<string, unknown> & { message: string };
export const FUNCTION_NAMES = [
  'check_availability',
  'book_appointment',
  'cancel_appointment',
  'reschedule_appointment',
  'request_callback',
] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

/** The functions that change something: a retry of the same call and arguments is answered from memory. */
const RETRIED = new Set<FunctionName>([
  'book_appointment',
  'cancel_appointment',
  'reschedule_appointment',
  'request_callback',
]);
const FUNCTION_CALLS = 'retell_function_calls';
/** How long a retry waits for the first attempt's answer before it answers itself. */
const RETRY_WAIT_MS = 15_000;

/** The arguments as a stable key: the same words in another order are the same request. */
const argsKey = (name: string, args: FunctionArgs) => {
  const entries = Object.entries(args)
    .filter(([, value]) => value !== undefined && value !== null && value !== '')
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return createHash('sha256')
    .update(JSON.stringify([name, entries]))
    .digest('hex');
};

export default ({ strapi }: { strapi: Core.Strapi }) => {
  /**
   * Retell may call a function again (its retries, a timeout on its side). The first call of a
   * (call, function, arguments) claims a row in retell_function_calls before it works — a unique
   * key, so of two arriving together one works and the other waits for its answer — and keeps
   * its answer there: a retry gets that answer and changes nothing twice. A later change in the
   * same call (a cancellation after the booking, say) forgets the call's earlier answers, so
   * booking the same slot again after cancelling it is a new booking, not a replay.
   * The work runs outside any transaction of ours (its own error handling needs its own).
   */
  const once = async (
    name: FunctionName,
    context: FunctionContext,
    args: FunctionArgs,
    work: () => Promise<FunctionAnswer>
  ): Promise<FunctionAnswer> => {
    const key = {
      company_id: context.company.id,
      call_id: context.call.call_id,
      name,
      args_key: argsKey(name, args),
    };
    const table = <T>(query: (builder: Knex.QueryBuilder) => Knex.QueryBuilder) =>
      onTable<T>(strapi, FUNCTION_CALLS, query);
    const claim = async () => {
      const at = new Date();
      const rows = await table<Array<{ id: number }>>((query) =>
        query
          .insert({
            ...key,
            document_id: randomUUID(),
            answer: null,
            created_at: at,
            updated_at: at,
          })
          .onConflict(['company_id', 'call_id', 'name', 'args_key'])
          .ignore()
          .returning(['id'])
      );
      return rows[0] ? Number(rows[0].id) : null;
    };
    const deadline = Date.now() + RETRY_WAIT_MS;
    for (;;) {
      const claimed = await claim();
      if (claimed !== null) {
        let answer: FunctionAnswer;
        try {
          answer = await work();
        } catch (error) {
          await table((query) => query.where('id', claimed).delete());
          throw error;
        }
        await table((query) =>
          query
            .where({ company_id: key.company_id, call_id: key.call_id })
            .whereNot('id', claimed)
            .delete()
        );
        await table((query) =>
          query
            .where('id', claimed)
            .update({ answer: JSON.stringify(answer), updated_at: new Date() })
        );
        return answer;
      }
      const stored = await table<{ answer: unknown } | undefined>((query) =>
        query.where(key).first('answer')
      );
      if (stored?.answer)
        return (
          typeof stored.answer === 'string' ? JSON.parse(stored.answer) : stored.answer
        ) as FunctionAnswer;
      // Still being worked on (or its worker died): wait a little, then do it ourselves —
      // booking, cancelling and moving check what is already done, so nothing happens twice.
      if (Date.now() > deadline) return work();
      if (!stored) continue; // it failed and was released: claim it now
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const clockOf = (slot: Slot, zone: string) => startIn(slot, zone).toFormat('HH:mm');
  const availability = () => appService(strapi, 'api::appointment.availability');
  const booking = () => appService(strapi, 'api::appointment.booking');
  const appServices = () => ({
    customers: appService(strapi, 'api::customer.customer'),
    calls: appService(strapi, 'api::call.call'),
  });
  const maxSlots = () => pluginConfig<number>(strapi, 'maxSlots');

  // A company's services, read on every in-call request, change rarely: kept 30 s, forgotten on any change.
  const serviceCache = ttlCache<number, ServiceInfo[]>(strapi, 'retell:services', {
    ttlMs: 30_000,
  });
  const activeServices = (companyId: number): Promise<ServiceInfo[]> =>
    serviceCache.remember(companyId, async () =>
      (
        await strapi.db.query('api::service.service').findMany({
          where: { active: true },
          select: ['id', 'documentId', 'name', 'durationMinutes', 'bufferMinutes', 'aliases'],
          orderBy: { name: 'asc' },
          limit: 100,
        })
      ).map((row: Omit<ServiceInfo, 'aliases'> & { aliases?: unknown }): ServiceInfo => ({
        id: row.id,
        documentId: row.documentId,
        name: row.name,
        durationMinutes: row.durationMinutes,
        bufferMinutes: Number(row.bufferMinutes ?? 0),
        // One per line or separated by commas.
        aliases:
          typeof row.aliases === 'string'
            ? row.aliases
                .split(/[\n,;]/)
                .map((alias) => alias.trim())
                .filter(Boolean)
                .slice(0, 20)
            : [],
      }))
    );

  /**
   * The staff member the caller asked for: none asked (or a company without staff) → `member`
   * null; a name nobody here has → `unknown`, with the names to offer.
   */
  const staffFor = async (company: CompanyInfo, wanted: string | null | undefined) => {
    const roster = await availability().roster(company.id);
    if (!wanted || roster.length === 0) return { member: null, roster, unknown: false };
    const member = matchStaff(wanted, roster);
    return { member, roster, unknown: !member };
  };
  const namesOf = (members: StaffMember[], roster: StaffMember[]) =>
    members.map((member) => spokenName(member, roster));
  const unknownStaffAnswer = (company: CompanyInfo, roster: StaffMember[], flag: string) => ({
    [flag]: false,
    reason: 'unknown_staff',
    staff_members: roster.map((member) => member.name),
    message: say.unknownStaff(company.language, namesOf(roster, roster)),
  });
  /** The member asked for does not perform the service: who does. */
  const notOfferingAnswer = (
    company: CompanyInfo,
    member: StaffMember,
    roster: StaffMember[],
    service: ServiceInfo,
    flag: string
  ) => {
    const others = roster.filter((other) => other !== member && performs(other, service.id));
    return {
      [flag]: false,
      reason: 'staff_not_offering',
      staff: member.name,
      staff_members: others.map((other) => other.name),
      message: say.staffNotOffering(
        company.language,
        spokenName(member, roster),
        service.name,
        namesOf(others, roster)
      ),
    };
  };

  /** The service the caller named; without a name, the company's only (or shortest) one. */
  const serviceFor = async (
    companyId: number,
    wanted: string | null | undefined,
    { required }: { required: boolean }
  ) => {
    const offered = await activeServices(companyId);
    if (!wanted) {
      if (offered.length === 1) return { service: offered[0], offered };
      if (!required && offered.length)
        return {
          service: [...offered].sort((a, b) => a.durationMinutes - b.durationMinutes)[0],
          offered,
          assumed: true,
        };
      return { service: null, offered };
    }
    return { service: matchByName(wanted, offered), offered };
  };

  /**
   * Who is on the line, as far as we know it: the number Retell's call object names (the
   * telephone network's caller ID). A number the caller speaks is no proof of identity: it may
   * only create a new customer, flagged as unverified — never act on, read out or complete the
   * record of a customer who already has it.
   */
  const verifiedPhone = (company: CompanyInfo, call: RetellCall) =>
    toE164(
      call.direction === 'outbound' ? call.to_number : call.from_number,
      countryOf(company.phoneNumber)
    );
  const spokenPhone = (company: CompanyInfo, args: FunctionArgs) =>
    toE164(args.customer_phone, countryOf(company.phoneNumber));

  /** Whether the company is open at a time of day (on that date's weekday; any day when unknown). */
  const openAt = (company: CompanyInfo, isoDate: string | null) => {
    const weekday = isoDate ? DateTime.fromISO(isoDate, { zone: company.timezone }).weekday : null;
    return (minutes: number) =>
      company.openingHours.some(
        (interval) =>
          (weekday === null || interval.weekday === weekday) &&
          toMinutes(interval.opens) <= minutes &&
          minutes < toMinutes(interval.closes)
      );
  };

  const wishedStart = (
    company: CompanyInfo,
    dateText: string | null | undefined,
    timeText: string | null | undefined,
    startText: string | null | undefined,
    now: number
  ) => {
    const start = parseStart(startText, company.timezone);
    if (start) return { start, date: start.toISODate(), minutes: start.hour * 60 + start.minute };
    const date = parseDate(dateText, company.timezone, now);
    const minutes = parseTime(timeText, { prefer: openAt(company, date) });
    return {
      start: date && minutes !== null ? atTime(date, minutes, company.timezone) : null,
      date,
      minutes,
    };
  };

  const slotData = (slots: Slot[], zone: string) => ({
    alternatives: slots.map((slot) => clockOf(slot, zone)),
    alternatives_iso: slots.map((slot) =>
      startIn(slot, zone).toISO({ suppressMilliseconds: true })
    ),
  });
  const startsOf = (slots: Slot[], zone: string) => slots.map((slot) => startIn(slot, zone));

  /** Who is free for each slot, by name (only in a company with staff). */
  const freeNames = (slots: StaffSlot[], roster: StaffMember[]) =>
    roster.length
      ? {
          staff_free: slots.map((slot) =>
            roster
              .filter((member) => slot.staffIds.includes(member.id))
              .map((member) => member.name)
          ),
        }
      : {};

  const bookingAnswer = (
    company: CompanyInfo,
    result: BookingResult,
    service: ServiceInfo,
    name: string | null,
    start: DateTime,
    { member, roster }: { member: StaffMember | null; roster: StaffMember[] }
  ): FunctionAnswer => {
    const { language } = company;
    if (result.ok) {
      const begins = DateTime.fromISO(result.appointment.startsAt, { zone: company.timezone });
      const ends = DateTime.fromISO(result.appointment.endsAt, { zone: company.timezone });
      const staff = roster.find((other) => other.id === result.appointment.staff?.id) ?? null;
      return {
        success: true,
        booking_id: result.appointment.documentId,
        start: begins.toISO({ suppressMilliseconds: true }),
        end: ends.toISO({ suppressMilliseconds: true }),
        service: service.name,
        ...(staff ? { staff: staff.name } : {}),
        message: say.booked(
          language,
          service.name,
          name,
          begins,
          staff ? spokenName(staff, roster) : null
        ),
      };
    }
    if (result.reason === 'unqualified' && member)
      return notOfferingAnswer(company, member, roster, service, 'success');
    return {
      success: false,
      reason: result.reason,
      ...(member ? { staff: member.name } : {}),
      ...slotData(result.alternatives, company.timezone),
      message: say.refused(
        language,
        result.reason,
        start,
        startsOf(result.alternatives, company.timezone),
        member ? spokenName(member, roster) : null
      ),
    };
  };

  const changeRefusal = (
    company: CompanyInfo,
    result: Extract<ChangeResult, { ok: false }>,
    start: DateTime | null,
    roster: StaffMember[] = []
  ): FunctionAnswer => {
    const { language } = company;
    if (result.reason === 'none')
      return { success: false, reason: 'no_appointment', message: say.noAppointment(language) };
    if (result.reason === 'ambiguous') {
      const candidates = result.candidates.map((item) =>
        DateTime.fromISO(item.startsAt, { zone: company.timezone })
      );
      return {
        success: false,
        reason: 'ambiguous',
        appointments: result.candidates.map((item, index) => ({
          booking_id: item.documentId,
          start: candidates[index].toISO({ suppressMilliseconds: true }),
        })),
        message: say.whichAppointment(language, candidates),
      };
    }
    const alternatives = 'alternatives' in result ? result.alternatives : [];
    const staff = 'staff' in result ? (result.staff ?? null) : null;
    const others = 'othersFree' in result ? (result.othersFree ?? []) : [];
    const spoken = staff ? spokenName(staff, roster) : null;
    // Not free with the same member, but with another: ask before moving it to someone else.
    if (
      staff &&
      start &&
      others.length &&
      (result.reason === 'taken' || result.reason === 'unavailable')
    )
      return {
        success: false,
        reason: 'staff_busy',
        staff: staff.name,
        others_free: others.map((member) => member.name),
        ...slotData(alternatives, company.timezone),
        message: `${say.staffBusyOthersFree(language, spoken ?? staff.name, start, namesOf(others, roster))}${say.offer(language, startsOf(alternatives, company.timezone), spoken)}`,
      };
    return {
      success: false,
      reason: result.reason,
      ...(staff ? { staff: staff.name } : {}),
      ...slotData(alternatives, company.timezone),
      message: say.refused(
        language,
        result.reason,
        start,
        startsOf(alternatives, company.timezone),
        spoken
      ),
    };
  };

  /**
   * The customer whose appointment a change is about: only the caller's own, by the number the
   * network gives. Otherwise the answer to say instead.
   */
  const callerOf = async (
    company: CompanyInfo,
    call: RetellCall
  ): Promise<{ customer: CustomerInfo } | { answer: FunctionAnswer }> => {
    const phone = verifiedPhone(company, call);
    if (!phone)
      return {
        answer: {
          success: false,
          reason: 'unverified_caller',
          message: say.cannotChangeWithoutCallerId(company.language),
        },
      };
    const customer = await appServices().customers.findByPhone(phone);
    if (!customer)
      return {
        answer: {
          success: false,
          reason: 'no_appointment',
          message: say.noAppointment(company.language),
        },
      };
    return { customer };
  };

  const handlers: Record<
    FunctionName,
    (context: FunctionContext, args: FunctionArgs) => Promise<FunctionAnswer>
  > = {
    async check_availability({ company, now }, args) {
      const { language } = company;
      const { service, offered } = await serviceFor(company.id, args.service, { required: false });
      if (!service) {
        return args.service
          ? {
              available: false,
              reason: 'unknown_service',
              services: offered.map((item) => item.name),
              message: say.unknownService(
                language,
                offered.map((item) => item.name)
              ),
            }
          : {
              available: false,
              reason: 'missing',
              missing: ['service'],
              message: say.missing(language, ['service']),
            };
      }
      const { member, roster, unknown } = await staffFor(company, args.staff);
      if (unknown) return unknownStaffAnswer(company, roster, 'available');
      if (member && !performs(member, service.id))
        return notOfferingAnswer(company, member, roster, service, 'available');
      const spoken = member ? spokenName(member, roster) : null;
      const wished = wishedStart(company, args.date, args.time, args.start, now);
      if (args.date && !wished.date)
        return {
          available: false,
          reason: 'missing',
          missing: ['date'],
          message: say.missing(language, ['date']),
        };
      const today = DateTime.fromMillis(now, { zone: company.timezone }).toISODate() as string;
      // A day in the past: say so, and look from today on.
      const past = !!wished.date && wished.date < today;
      const { date, minutes, start } = past ? { date: today, minutes: null, start: null } : wished;
      const from = parseTime(args.earliest_time);
      const to = parseTime(args.latest_time);
      // A day part may come as the preference, in place of a time ("nachmittags"), or after the day.
      const preferred =
        dayPart(args.preference) ??
        (parseTime(args.time) === null ? dayPart(args.time) : null) ??
        dayPartOfDate(args.date);
      const window =
        from !== null || to !== null ? { from: from ?? 0, to: to ?? 24 * 60 - 1 } : preferred;
      const wish =
        start ??
        (date && minutes === null && window ? atTime(date, window.from, company.timezone) : null);
      const suggestion = await availability().suggest(company, service, {
        date,
        wish,
        window,
        limit: maxSlots(),
        now,
        staffId: member?.id ?? null,
      });
      const asked = DateTime.fromISO(
        date ?? (DateTime.fromMillis(now, { zone: company.timezone }).toISODate() as string),
        { zone: company.timezone }
      );
      const base = {
        timezone: company.timezone,
        service: service.name,
        duration_minutes: service.durationMinutes,
        ...(member ? { staff: member.name } : {}),
      };
      if (!suggestion)
        return {
          ...base,
          available: false,
          date: asked.toISODate(),
          slots: [],
          message: say.nothingFree(language, asked, [], spoken),
        };
      const slots = startsOf(suggestion.slots, company.timezone);
      if (past) {
        return {
          ...base,
          available: false,
          reason: 'past',
          date: suggestion.date,
          slots: suggestion.slots.map((slot) => clockOf(slot, company.timezone)),
          message: say.refused(language, 'past', null, slots, spoken),
        };
      }
      return {
        ...base,
        available: suggestion.sameDay,
        date: suggestion.date,
        slots: suggestion.slots.map((slot) => clockOf(slot, company.timezone)),
        slots_iso: slots.map((slot) => slot.toISO({ suppressMilliseconds: true })),
        ...(member ? {} : freeNames(suggestion.slots, roster)),
        message: suggestion.sameDay
          ? say.available(language, slots[0], slots, spoken)
          : say.nothingFree(language, asked, slots, spoken),
      };
    },

    /**
     * The caller asks to be called back (the agent could not book, cancel or hand over): a
     * request staff see on the overview, and an email to the company's team.
     */
    async request_callback({ company, call }, args) {
      const { language } = company;
      const reason = args.reason?.trim().slice(0, 1000);
      const phone = verifiedPhone(company, call) ?? spokenPhone(company, args);
      const missing = [!reason ? 'reason' : null, !phone ? 'phone' : null].filter(
        (field): field is string => !!field
      );
      if (!reason || !phone)
        return {
          success: false,
          reason: 'missing',
          missing,
          message: say.missing(language, missing),
        };
      const verified = verifiedPhone(company, call);
      const customer = verified
        ? await appServices().customers.upsertByPhone(verified, {
            name: args.customer_name?.trim().slice(0, 200) || null,
          })
        : null;
      const tracked = await appServices().calls.track({
        ...basePatch(call),
        state: 'ongoing',
        customer: customer?.id,
      });
      // As long as the fields hold (the argument may be longer).
      const preferred = args.preferred_time?.trim().slice(0, 200) || null;
      const request = await strapi.documents('api::callback-request.callback-request').create({
        data: {
          customer: customer?.id ?? null,
          call: tracked.id,
          phone,
          reason,
          preferredTime: preferred ?? undefined,
          state: 'open',
        },
      });
      const notice = say.callbackNotice(language, {
        company: company.name,
        caller: customer?.name ?? args.customer_name ?? null,
        phone,
        reason,
        preferred,
      });
      await appService(strapi, 'api::notification.outbox').plan([
        {
          companyId: company.id,
          appointmentId: null,
          kind: 'staff_notice',
          channel: 'email',
          sequence: 0,
          change: `callback-${request.id}`,
          dueAt: new Date(),
          snapshot: notice,
        },
      ]);
      return {
        success: true,
        callback_id: request.documentId,
        message: say.callbackNoted(language, preferred),
      };
    },

    async book_appointment({ company, call, now }, args) {
      const { language } = company;
      const { service, offered } = await serviceFor(company.id, args.service, { required: true });
      const { start } = wishedStart(company, args.date, args.time, args.start, now);
      const verified = verifiedPhone(company, call);
      const phone = verified ?? spokenPhone(company, args);
      const missing = [
        !service && !args.service ? 'service' : null,
        !start && !args.date && !args.start ? 'date' : null,
        !start && !args.time && !args.start ? 'time' : null,
        !phone ? 'phone' : null,
      ].filter((field): field is string => !!field);
      if (args.service && !service) {
        return {
          success: false,
          reason: 'unknown_service',
          services: offered.map((item) => item.name),
          message: say.unknownService(
            language,
            offered.map((item) => item.name)
          ),
        };
      }
      if (missing.length || !service || !phone)
        return {
          success: false,
          reason: 'missing',
          missing,
          message: say.missing(language, missing),
        };
      if (!start)
        return {
          success: false,
          reason: 'invalid',
          missing: ['date', 'time'],
          message: say.refused(language, 'invalid', null, []),
        };
      const staffChoice = await staffFor(company, args.staff);
      if (staffChoice.unknown) return unknownStaffAnswer(company, staffChoice.roster, 'success');

      const details = {
        name: args.customer_name?.trim().slice(0, 200) || null,
        email: normaliseEmail(args.email || args.customer_email),
      };
      const customer = verified
        ? await appServices().customers.upsertByPhone(verified, details)
        : await appServices().customers.createUnverified(phone, details);
      if (!customer)
        return {
          success: false,
          reason: 'unverified_caller',
          message: say.unverifiedCaller(language),
        };
      // Text messages only with the caller's own yes, on their own (network-given) number.
      if (verified && /^(yes|ja|true|1|y)$/i.test(args.sms_consent?.trim() ?? ''))
        await strapi.documents('api::customer.customer').update({
          documentId: customer.documentId,
          data: { reminderChannel: 'sms', smsConsentAt: new Date(now).toISOString() },
        });
      const tracked = await appServices().calls.track({
        ...basePatch(call),
        state: 'ongoing',
        customer: customer.id,
      });
      const result = await booking().book({
        company,
        service,
        customer,
        start,
        staffId: staffChoice.member?.id ?? null,
        callId: tracked.id,
        notes: args.notes || null,
        source: 'phone',
        now,
        alternatives: maxSlots(),
      });
      return bookingAnswer(
        company,
        result,
        service,
        customer.name ?? args.customer_name ?? null,
        start,
        staffChoice
      );
    },

    async cancel_appointment({ company, call, now }, args) {
      const { language } = company;
      const caller = await callerOf(company, call);
      if ('answer' in caller) return caller.answer;
      const { customer } = caller;
      const { date, minutes } = wishedStart(company, args.date, args.time, args.start, now);
      const result = await booking().cancel({
        company,
        customer,
        target: { documentId: args.booking_id, date, minutes },
        now,
      });
      if (!result.ok) return changeRefusal(company, result, null);
      const start = DateTime.fromISO(result.appointment.startsAt, { zone: company.timezone });
      return {
        success: true,
        booking_id: result.appointment.documentId,
        message: say.cancelled(language, start),
      };
    },

    async reschedule_appointment({ company, call, now }, args) {
      const { language } = company;
      const caller = await callerOf(company, call);
      if ('answer' in caller) return caller.answer;
      const { customer } = caller;
      const next = wishedStart(company, args.new_date, args.new_time, args.new_start, now);
      if (!next.start) {
        const missing = [!next.date ? 'date' : null, next.minutes === null ? 'time' : null].filter(
          (field): field is string => !!field
        );
        return {
          success: false,
          reason: 'missing',
          missing,
          message: say.missing(language, missing),
        };
      }
      const { member, roster, unknown } = await staffFor(company, args.staff);
      if (unknown) return unknownStaffAnswer(company, roster, 'success');
      const current = wishedStart(company, args.date, args.time, args.start, now);
      const result = await booking().reschedule({
        company,
        customer,
        target: { documentId: args.booking_id, date: current.date, minutes: current.minutes },
        newStart: next.start,
        staffId: member?.id ?? null,
        now,
        alternatives: maxSlots(),
      });
      if (!result.ok) return changeRefusal(company, result, next.start, roster);
      const start = DateTime.fromISO(result.appointment.startsAt, { zone: company.timezone });
      const staff = roster.find((other) => other.id === result.appointment.staff?.id) ?? null;
      return {
        success: true,
        booking_id: result.appointment.documentId,
        start: start.toISO({ suppressMilliseconds: true }),
        ...(staff ? { staff: staff.name } : {}),
        message: say.rescheduled(
          language,
          result.previousStart ?? start,
          start,
          staff ? spokenName(staff, roster) : null
        ),
      };
    },
  };

  return {
    forgetServices() {
      serviceCache.forget();
    },

    /** The company's active services (cached 30 s): the inbound webhook names them. */
    activeServices,

    isKnown(name: string): name is FunctionName {
      return (FUNCTION_NAMES as readonly string[]).includes(name);
    },

    async invoke(name: FunctionName, context: FunctionContext): Promise<FunctionAnswer> {
      const parsed = FunctionArgsSchema.safeParse(context.args ?? {});
      const args: FunctionArgs = parsed.success ? parsed.data : {};
      try {
        if (!RETRIED.has(name)) return await handlers[name](context, args);
        return await once(name, context, args, () => handlers[name](context, args));
      } catch (error) {
        strapi.log.error(
          `retell function ${name} failed for call ${context.call.call_id}: ${(error as Error).stack ?? error}`
        );
        return { success: false, reason: 'error', message: say.failed(context.company.language) };
      }
    },

    /** A booking request found in the post-call analysis, booked by the same rules. */
    async bookFromAnalysis({
      company,
      customer,
      callId,
      service: serviceName,
      date,
      time,
      now,
    }: {
      company: CompanyInfo;
      customer: CustomerInfo;
      callId: number;
      service: string;
      date: string;
      time: string;
      now: number;
    }) {
      const { service } = await serviceFor(company.id, serviceName, { required: true });
      const { start } = wishedStart(company, date, time, null, now);
      if (!service || !start)
        return {
          booked: false,
          message: `Not booked after the call: ${!service ? `unknown service "${serviceName}"` : `unreadable date/time "${date} ${time}"`}`,
        };
      const result = await booking().book({
        company,
        service,
        customer,
        start,
        callId,
        notes: null,
        source: 'phone',
        now,
      });
      return result.ok
        ? { booked: true, message: null }
        : {
            booked: false,
            message: `Not booked after the call: ${result.reason} (${start.toISO()})`,
          };
    },
  };
};
