import type { Core } from '@strapi/strapi';
import type { Planned } from '../notification/services/outbox';
import { appService } from '../services';
import { onModel } from '../../support/knex';
import { isPostgres } from '../../support/dialect';
import type { LifecycleSubscriber } from '../../support/lifecycles';

/**
 * Every change of an appointment that the customer must hear about, whoever makes it (the phone
 * agent, staff in the admin, an integrator over REST, the customer's own link), on the database
 * lifecycles of the write — in its transaction, so the message exists exactly when the change
 * does:
 * - booked (created live, in the future) → a confirmation;
 * - moved (start or end changed while live), or a cancelled one booked again → an update;
 * - cancelled → a cancellation.
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
  company?: { id: number } | null;
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
      select: ['id', 'startsAt', 'endsAt', 'state', 'sequence'],
      populate: { company: { select: ['id'] } },
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

  const message = (
    row: Row,
    companyId: number,
    kind: Planned['kind'],
    sequence: number
  ): Planned => ({
    companyId,
    appointmentId: row.id,
    kind,
    channel: 'email',
    sequence,
    change: String(sequence),
    dueAt: new Date(),
    snapshot: {
      startsAt: new Date(row.startsAt as string).toISOString(),
      endsAt: new Date(row.endsAt as string).toISOString(),
    },
  });
  const future = (row: Row) => (ms(row.endsAt) ?? 0) > Date.now();

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
      await outbox().plan([message(created, companyId, 'confirmation', created.sequence ?? 0)]);
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
      await outbox().plan([message(after, before.company.id, kind, after.sequence ?? 0)]);
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
