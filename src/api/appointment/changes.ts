import type { Core } from '@strapi/strapi';
import type { Planned } from '../notification/services/outbox';
import { appService } from '../services';
import { onModel } from '../../support/knex';
import { isPostgres } from '../../support/dialect';
import type { LifecycleSubscriber } from '../../support/lifecycles';
import { reminderOffsetsMs } from '../../domain/reminders';
import { isMobile } from '../../support/sms';
import { DateTime } from 'luxon';
import { moment } from '../../domain/speech';
import { MANAGE_PATH } from '../../support/manage-link';

/**
 * Every change of an appointment that the customer must hear about, whoever makes it (the phone
 * agent, staff in the admin, an integrator over REST, the customer's own link), on the database
 * lifecycles of the write — in its transaction, so the message exists exactly when the change
 * does:
 * - booked (created live, in the future) → a confirmation;
 * - moved (start or end changed while live), or a cancelled one booked again → an update;
 * - cancelled → a cancellation;
 * - and reminders at the company's `reminderOffsets` before the start (domain/reminders.ts),
 *   planned with the booking, planned anew when it moves (the old ones dropped), dropped when it
 *   is cancelled; one whose time has passed is not planned. The sweeper queues them when due.
 * Each move or cancellation counts up the appointment's `sequence` (the invitation's SEQUENCE),
 * and the message's key names it: one message per change, however often the write is retried.
 */
const UID = 'api::appointment.appointment';
const LIVE = new Set(['requested', 'confirmed']);

type Row = {
  id: number;
  startsAt: string | Date | null;
  endsAt: string | Date | null;
  state: string;
  sequence: number | null;
  source?: string | null;
  company?: { id: number } | null;
  customer?: {
    phone: string | null;
    reminderChannel?: string | null;
    smsConsentAt?: string | Date | null;
  } | null;
};

const ms = (value: unknown) =>
  value === null || value === undefined || value === ''
    ? null
    : new Date(value as string).getTime();

export const watchAppointmentChanges = (strapi: Core.Strapi) => {
  const outbox = () => appService(strapi, 'api::notification.outbox');
  const load = async (where: Record<string, unknown>) =>
    (await strapi.db.query(UID).findOne({
      where,
      select: ['id', 'startsAt', 'endsAt', 'state', 'sequence', 'source'],
      populate: {
        company: { select: ['id'] },
        customer: { select: ['id', 'phone', 'reminderChannel', 'smsConsentAt'] },
      },
    })) as Row | null;

  const lockedState = async (id: number): Promise<Partial<Row>> => {
    const row = await onModel<
      { starts_at: Date; ends_at: Date; state: string; sequence: number } | undefined
    >(strapi, UID, (query) => {
      query.where('id', id).first('starts_at', 'ends_at', 'state', 'sequence');
      return isPostgres(strapi) ? query.forUpdate() : query;
    });
    return row
      ? {
          startsAt: row.starts_at,
          endsAt: row.ends_at,
          state: row.state,
          sequence: Number(row.sequence ?? 0),
        }
      : {};
  };

  /**
   * Email always (skipped at sending when there is no address); a text message too when the
   * customer chose it and consented, to a mobile number. Reminders go by the customer's
   * `reminderChannel` only (none: no reminders).
   */
  const channelsOf = (row: Row, kind: Planned['kind']): Array<Planned['channel']> => {
    const customer = row.customer;
    const sms =
      !!customer?.smsConsentAt && customer.reminderChannel === 'sms' && isMobile(customer.phone);
    if (kind === 'reminder') {
      if (customer?.reminderChannel === 'none') return [];
      return sms ? ['sms'] : ['email'];
    }
    return sms ? ['email', 'sms'] : ['email'];
  };

  const messages = (row: Row, companyId: number, kind: Planned['kind'], sequence: number) =>
    channelsOf(row, kind).map((channel) => message(row, companyId, kind, sequence, channel));

  const message = (
    row: Row,
    companyId: number,
    kind: Planned['kind'],
    sequence: number,
    channel: Planned['channel'] = 'email'
  ): Planned => ({
    companyId,
    appointmentId: row.id,
    kind,
    channel,
    sequence,
    change: String(sequence),
    dueAt: new Date(),
    snapshot: {
      startsAt: new Date(row.startsAt as string).toISOString(),
      endsAt: new Date(row.endsAt as string).toISOString(),
    },
  });
  const future = (row: Row) => (ms(row.endsAt) ?? 0) > Date.now();

  /**
   * Who made a change the team must hear of: the caller on the phone (the agent's functions, or
   * the post-call analysis) or the customer on their own page; null for the team's own edits in
   * the admin, or an integrator's.
   */
  const originOf = (
    row: { source?: string | null } | null,
    creating: boolean
  ): 'phone' | 'customer' | null => {
    const path = (strapi.requestContext.get() as { request?: { path?: string } } | undefined)
      ?.request?.path;
    if (path) {
      if (path.startsWith('/api/retell/')) return 'phone';
      if (path.startsWith(MANAGE_PATH)) return 'customer';
      return null;
    }
    return creating && row?.source === 'phone' ? 'phone' : null;
  };

  /** The team's notice of a change by phone or by the customer (to the notificationEmail). */
  const staffNotice = async (
    row: Row,
    companyId: number,
    kind: 'confirmation' | 'update' | 'cancellation',
    origin: 'phone' | 'customer' | null
  ): Promise<Planned[]> => {
    if (!origin) return [];
    const company = await appService(strapi, 'api::company.company').info(companyId);
    if (!company?.notificationEmail || !row.startsAt) return [];
    const details = (await strapi.db.query(UID).findOne({
      where: { id: row.id },
      select: ['id'],
      populate: {
        customer: { select: ['name', 'phone'] },
        service: { select: ['name'] },
        staff: { select: ['name'] },
      },
    })) as {
      customer?: { name: string | null; phone: string | null } | null;
      service?: { name: string } | null;
      staff?: { name: string } | null;
    } | null;
    const when = moment(
      DateTime.fromJSDate(new Date(row.startsAt), { zone: company.timezone }),
      company.language
    );
    const who = details?.customer?.name ?? details?.customer?.phone ?? '?';
    const what = `${details?.service?.name ?? ''}${details?.staff ? ` – ${details.staff.name}` : ''}`;
    const de = company.language === 'de';
    const title = de
      ? {
          confirmation: 'Neuer Termin',
          update: 'Termin verschoben',
          cancellation: 'Termin abgesagt',
        }[kind]
      : {
          confirmation: 'New appointment',
          update: 'Appointment moved',
          cancellation: 'Appointment cancelled',
        }[kind];
    return [
      {
        ...message(row, companyId, 'staff_notice', row.sequence ?? 0),
        change: `${kind}:${row.sequence ?? 0}`,
        snapshot: {
          subject: `${title}: ${who}, ${when}`,
          text: [
            `${title} ${
              origin === 'phone'
                ? de
                  ? 'am Telefon'
                  : 'by phone'
                : de
                  ? 'online über den Link in der Terminnachricht'
                  : 'by the customer, through the link in their message'
            }:`,
            `${who}${details?.customer?.phone ? ` (${details.customer.phone})` : ''}`,
            `${what}`,
            when,
          ].join('\n'),
        },
      },
    ];
  };

  /** The reminders of a live appointment at its current start (each keyed by start and offset). */
  const reminders = async (row: Row, companyId: number): Promise<Planned[]> => {
    const company = (await strapi.db
      .query('api::company.company')
      .findOne({ where: { id: companyId }, select: ['id', 'reminderOffsets'] })) as {
      reminderOffsets?: unknown;
    } | null;
    const start = ms(row.startsAt);
    if (!company || start === null) return [];
    const startIso = new Date(start).toISOString();
    return reminderOffsetsMs(company.reminderOffsets)
      .map((offset) => ({ offset, dueAt: start - offset }))
      .filter(({ dueAt }) => dueAt > Date.now())
      .flatMap(({ offset, dueAt }) =>
        messages(row, companyId, 'reminder', row.sequence ?? 0).map((planned) => ({
          ...planned,
          change: `${startIso}:${offset}`,
          dueAt: new Date(dueAt),
        }))
      );
  };

  const appointments: LifecycleSubscriber = {
    models: [UID],

    async afterCreate(event) {
      const created = event.result ? await load({ id: event.result.id }) : null;
      const companyId = created?.company?.id;
      if (
        !created ||
        !companyId ||
        !LIVE.has(created.state) ||
        !created.startsAt ||
        !future(created)
      )
        return;
      await outbox().plan([
        ...messages(created, companyId, 'confirmation', created.sequence ?? 0),
        ...(await reminders(created, companyId)),
        ...(await staffNotice(created, companyId, 'confirmation', originOf(created, true))),
      ]);
    },

    async beforeUpdate(event) {
      const data: Record<string, unknown> | undefined = event.params.data;
      if (!data || !('startsAt' in data || 'endsAt' in data || 'state' in data)) return;
      const found = await load(event.params.where);
      if (!found) return;
      // The row locked until the write commits: two changes at once count up one after the other.
      const before = { ...found, ...(await lockedState(found.id)) };
      event.state.before = before;
      const moved =
        ('startsAt' in data && ms(data.startsAt) !== ms(before.startsAt)) ||
        ('endsAt' in data && ms(data.endsAt) !== ms(before.endsAt));
      const next = typeof data.state === 'string' ? data.state : before.state;
      const cancelled = next === 'cancelled' && before.state !== 'cancelled';
      const rebooked = LIVE.has(next) && before.state === 'cancelled';
      if ((moved && LIVE.has(next)) || cancelled || rebooked)
        data.sequence = (before.sequence ?? 0) + 1;
    },

    async afterUpdate(event) {
      const before = event.state.before as Row | null | undefined;
      if (!before?.company?.id || !event.result) return;
      const after = await load({ id: before.id });
      if (
        !after ||
        (after.sequence ?? 0) === (before.sequence ?? 0) ||
        !after.startsAt ||
        !future(after)
      )
        return;
      const kind = after.state === 'cancelled' ? 'cancellation' : 'update';
      // The reminders planned for the old time (or for a cancelled appointment) go unsent.
      await outbox().dropPending(
        after.id,
        'reminder',
        kind === 'cancellation' ? 'the appointment was cancelled' : 'the appointment moved'
      );
      await outbox().plan([
        ...messages(after, before.company.id, kind, after.sequence ?? 0),
        ...(kind === 'update' ? await reminders(after, before.company.id) : []),
        ...(await staffNotice(after, before.company.id, kind, originOf(after, false))),
      ]);
    },
  };
  strapi.db.lifecycles.subscribe(appointments);

  // An email address given later still brings the customer the latest message they missed.
  strapi.db.lifecycles.subscribe({
    models: ['api::customer.customer'],
    async beforeUpdate(event) {
      if (!event.params.data?.email) return;
      const before = (await strapi.db
        .query('api::customer.customer')
        .findOne({ where: event.params.where, select: ['id', 'email'] })) as {
        id: number;
        email: string | null;
      } | null;
      event.state.id = before?.id;
      event.state.hadEmail = !!before?.email;
    },
    async afterUpdate(event) {
      if (typeof event.state.id === 'number' && event.state.hadEmail === false)
        await outbox().revive(event.state.id);
    },
  } satisfies LifecycleSubscriber);
};
