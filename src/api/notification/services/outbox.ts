import type { Core } from '@strapi/strapi';
import { createId } from '@paralleldrive/cuid2';
import { queuesOf, QueueUnavailableError } from '../../../queues';
import { claimWithLease, endAttempt, newGeneration } from '../../../queues/lease';
import { afterCommit, onTable, tableOf } from '../../../support/knex';
import { intFromEnv } from '../../../support/env';

/**
 * The notification outbox. Every change of an appointment that someone must hear about is one
 * row, written in the same transaction as the change, with a database key that names the
 * change (`<appointment>:<kind>:<sequence>:<channel>`, or the reminder's start and offset) —
 * so each message exists once, however often the change is saved, retried or replayed.
 *
 * After the commit the row is queued (job `notification:send`, ../jobs.ts). The job claims the row with a lease,
 * sends, and marks it sent. A failed send (SMTP or the SMS provider away) marks the row `failed`
 * with the time of its next attempt (NOTIFY_BACKOFF_MS doubling up to NOTIFY_BACKOFF_MAX_MS);
 * the sweeper queues it again then — an outage of minutes or hours delays messages and loses
 * none, and a message already sent is never sent again. Rows due later (reminders) are queued
 * by the sweeper when they come near. Messages of one appointment go out in the order of its
 * changes.
 */
const UID = 'api::notification.notification';

export type NotificationKind =
  'confirmation' | 'update' | 'cancellation' | 'reminder' | 'staff_notice';
export type Channel = 'email' | 'sms';
export type NotificationRow = {
  id: number;
  company_id: number;
  appointment_id: number | null;
  kind: NotificationKind;
  channel: Channel;
  sequence: number;
  state: 'pending' | 'sending' | 'sent' | 'failed' | 'skipped';
  attempts: number;
  requeues: number;
  due_at: Date | string;
  created_at: Date | string;
  snapshot: unknown;
};
export type Planned = {
  companyId: number;
  /** The appointment it is about; null for a notice about something else (a callback request). */
  appointmentId: number | null;
  kind: NotificationKind;
  channel: Channel;
  sequence: number;
  /** What makes this message unique besides appointment, kind and channel (the change). */
  change: string;
  dueAt: Date;
  snapshot: Record<string, unknown>;
};
/** The result of sending one row: sent, or skipped with the reason (no address, not wanted). */
export type Delivery = { outcome: 'sent' } | { outcome: 'skipped'; reason: string };
export type Sender = (row: NotificationRow) => Promise<Delivery>;

export const notifyConfig = () => ({
  backoffMs: intFromEnv('NOTIFY_BACKOFF_MS', 5_000, { min: 10 }),
  backoffMaxMs: intFromEnv('NOTIFY_BACKOFF_MAX_MS', 300_000, { min: 10 }),
  leaseMs: intFromEnv('NOTIFY_LEASE_MS', 60_000, { min: 500 }),
  /** A message that could not go out for this long is given up (and logged as an error). */
  giveUpMs: intFromEnv('NOTIFY_GIVE_UP_HOURS', 48, { min: 1 }) * 3_600_000,
});

const payloadOf = (row: { id: number; requeues?: number | null; company_id: number }) => ({
  notificationId: Number(row.id),
  companyId: Number(row.company_id),
  generation: Number(row.requeues ?? 0),
});
const toMs = (value: Date | string) => new Date(value).getTime();

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const TABLE = tableOf(strapi, UID);
  const queues = () => queuesOf(strapi);
  const senders = new Map<NotificationKind, Sender>();

  const enqueue = async (row: {
    id: number;
    requeues?: number | null;
    company_id: number;
    due_at: Date | string;
  }) => {
    try {
      const delay = Math.max(0, toMs(row.due_at) - Date.now());
      await queues().add('notification:send', payloadOf(row), { delay });
      return true;
    } catch (error) {
      if (!(error instanceof QueueUnavailableError)) throw error;
      strapi.log.warn(
        `notification ${row.id} stored but not queued (${error.message}); the sweeper will queue it`
      );
      return false;
    }
  };

  /**
   * A new generation of a row — `pending` again, queued under a new job id — if it is still in a
   * state it was seen in (and, if it was being sent, its lease ran out: a live worker keeps it).
   * In a transaction, queued once that commits.
   */
  const requeue = async (
    id: number,
    seenIn: NotificationRow['state'][]
  ): Promise<'queued' | 'unqueued' | 'held'> => {
    const found = await newGeneration<NotificationRow>(
      strapi,
      TABLE,
      id,
      { seenIn, working: 'sending', to: 'pending', patch: { next_attempt_at: null } },
      ['id', 'requeues', 'company_id', 'due_at']
    );
    if (!found) return 'held';
    const row = { ...found, id: Number(found.id), requeues: Number(found.requeues) };
    if (strapi.db.inTransaction()) {
      afterCommit(strapi, () => enqueue(row));
      return 'queued';
    }
    return (await enqueue(row)) ? 'queued' : 'unqueued';
  };

  /** An earlier message of the same appointment and channel that has not gone out yet. */
  const earlierUnsent = async (row: NotificationRow) =>
    row.appointment_id !== null &&
    !!(await onTable(strapi, TABLE, (query) =>
      query
        .select('id')
        .where({ appointment_id: row.appointment_id, channel: row.channel })
        .whereNot('kind', 'staff_notice')
        .where('id', '<', row.id)
        .where((unsent) =>
          unsent
            .whereIn('state', ['pending', 'sending'])
            .orWhere((retrying) =>
              retrying.where('state', 'failed').whereNotNull('next_attempt_at')
            )
        )
        .where('due_at', '<=', new Date())
        .first()
    ));

  return {
    /** How messages of one kind are sent (registered by the features that own them). */
    useSender(kind: NotificationKind, sender: Sender) {
      senders.set(kind, sender);
    },

    /**
     * Writes the messages of a change, in the transaction of the change when there is one, and
     * queues them once it commits. A change planned twice is one message.
     */
    async plan(messages: Planned[]) {
      if (messages.length === 0) return;
      const at = new Date();
      const rows = await onTable<Array<{ id: number; company_id: number; due_at: Date }>>(
        strapi,
        TABLE,
        (query) =>
          query
            .insert(
              messages.map((message) => ({
                document_id: createId(),
                company_id: message.companyId,
                appointment_id: message.appointmentId,
                kind: message.kind,
                channel: message.channel,
                dedupe_key: `${message.appointmentId ?? 'none'}:${message.kind}:${message.change}:${message.channel}`,
                sequence: message.sequence,
                state: 'pending',
                attempts: 0,
                requeues: 0,
                due_at: message.dueAt,
                snapshot: JSON.stringify(message.snapshot),
                created_at: at,
                updated_at: at,
                published_at: at,
              }))
            )
            .onConflict('dedupe_key')
            .ignore()
            .returning(['id', 'company_id', 'due_at'])
      );
      const horizon = Date.now() + queues().config.sweepIntervalMs;
      const soon = rows
        .filter((row) => toMs(row.due_at) <= horizon)
        .map((row) => ({ ...row, id: Number(row.id) }));
      if (soon.length)
        afterCommit(strapi, async () => void (await Promise.all(soon.map((row) => enqueue(row)))));
    },

    /**
     * A customer who gives an email address only later (in the post-call analysis, say) still
     * gets the latest message about each of their upcoming appointments that found no address.
     */
    async revive(customerId: number) {
      const latest = await onTable<Array<{ id: number }>>(strapi, `${TABLE} as n`, (query) =>
        query
          .select('n.id')
          .join('appointments_customer_lnk as l', 'l.appointment_id', 'n.appointment_id')
          .join('appointments as a', 'a.id', 'n.appointment_id')
          .where('l.customer_id', customerId)
          .where('n.channel', 'email')
          .where('n.state', 'skipped')
          .where('n.last_error', 'no email address')
          .whereNot('n.kind', 'reminder')
          .whereRaw('n.sequence = a.sequence')
          .where('a.ends_at', '>', new Date())
      );
      for (const { id } of latest) await requeue(Number(id), ['skipped']);
    },

    /** Future reminders of an appointment that moved or was cancelled: not sent. */
    async dropPending(appointmentId: number, kind: NotificationKind, reason: string) {
      await onTable(strapi, TABLE, (query) =>
        query
          .where({ appointment_id: appointmentId, kind })
          .whereIn('state', ['pending', 'failed'])
          .update({ state: 'skipped', last_error: reason, updated_at: new Date() })
      );
    },

    /** The job: one row, sent once. Runs in the row's company scope. */
    async dispatch(id: number): Promise<string> {
      const config = notifyConfig();
      const row = await claimWithLease<NotificationRow>(strapi, TABLE, id, {
        from: ['pending', 'failed'],
        working: 'sending',
        leaseMs: config.leaseMs,
      });
      if (!row) return 'already done';
      const end = (patch: Record<string, unknown>) =>
        endAttempt(strapi, TABLE, row, 'sending', patch);
      try {
        if (toMs(row.due_at) > Date.now() + 1000) {
          await end({ state: 'pending' });
          return 'not due';
        }
        // The customer's messages keep their order; a notice to the team waits for none of them.
        if (row.kind !== 'staff_notice' && (await earlierUnsent(row))) {
          await end({
            state: 'failed',
            next_attempt_at: new Date(Date.now() + config.backoffMs),
            last_error: 'waiting for an earlier message of this appointment',
          });
          return 'waiting';
        }
        const sender = senders.get(row.kind);
        if (!sender) throw new Error(`no sender for ${row.kind} notifications`);
        const delivery = await sender({
          ...row,
          snapshot: typeof row.snapshot === 'string' ? JSON.parse(row.snapshot) : row.snapshot,
        });
        await end(
          delivery.outcome === 'sent'
            ? { state: 'sent', sent_at: new Date(), last_error: null }
            : { state: 'skipped', last_error: delivery.reason }
        );
        return delivery.outcome;
      } catch (error) {
        const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        // Kept on the row (staff see it): what kind of failure, never the transport's own text (hosts, addresses).
        const code = (error as { code?: unknown } | null)?.code;
        const summary = `${error instanceof Error ? error.name : 'Error'}${typeof code === 'string' && /^[A-Z_]{2,32}$/.test(code) ? ` (${code})` : ''}`;
        const givingUp = Date.now() - toMs(row.created_at) > config.giveUpMs;
        const delay = Math.min(
          config.backoffMaxMs,
          config.backoffMs * 2 ** Math.max(0, row.attempts - 1)
        );
        await end({
          state: 'failed',
          last_error: summary,
          next_attempt_at: givingUp ? null : new Date(Date.now() + delay),
        });
        if (givingUp)
          strapi.log.error(
            `notification ${row.id} (${row.kind}) given up after ${row.attempts} attempts: ${message}`
          );
        else
          strapi.log.warn(
            `notification ${row.id} (${row.kind}) not sent on attempt ${row.attempts} (${message}); next attempt in ${Math.round(delay / 1000)} s`
          );
        return 'failed';
      } finally {
        row.release();
      }
    },

    /**
     * Rows to (re)queue: pending ones due before the next sweep whose job Redis does not hold
     * (never queued, lost, or a job that ended early); failed ones whose next attempt is due;
     * ones being sent whose worker's lease ran out.
     */
    async sweep({ batch = 500, maxRows = 10_000 } = {}): Promise<number> {
      const horizon = new Date(Date.now() + queues().config.sweepIntervalMs);
      let queued = 0;
      let after = 0;
      for (let seen = 0; seen < maxRows;) {
        const at = new Date();
        const rows = await onTable<NotificationRow[]>(strapi, TABLE, (query) =>
          query
            .select('id', 'state', 'requeues', 'company_id', 'due_at')
            .where('id', '>', after)
            .where((due) =>
              due
                .where((pending) =>
                  pending.where('state', 'pending').where('due_at', '<=', horizon)
                )
                .orWhere((failed) =>
                  failed
                    .where('state', 'failed')
                    .whereNotNull('next_attempt_at')
                    .where('next_attempt_at', '<=', at)
                )
                .orWhere((expired) =>
                  expired.where('state', 'sending').where('lease_expires_at', '<', at)
                )
            )
            .orderBy('id')
            .limit(batch)
        );
        if (rows.length === 0) break;
        seen += rows.length;
        after = Number(rows[rows.length - 1].id);
        const pending = rows.filter((row) => row.state === 'pending');
        let jobs: Map<number, 'pending' | 'finished' | undefined>;
        try {
          jobs = new Map(
            (await queues().jobStates('notification:send', pending.map(payloadOf))).map(
              (state, index) => [Number(pending[index].id), state]
            )
          );
        } catch (error) {
          if (!(error instanceof QueueUnavailableError)) throw error;
          return queued;
        }
        for (const row of rows) {
          const id = Number(row.id);
          const job = row.state === 'pending' ? jobs.get(id) : 'finished';
          if (job === 'pending') continue;
          const outcome =
            job === undefined
              ? (await enqueue({ ...row, id }))
                ? 'queued'
                : 'unqueued'
              : await requeue(id, [row.state]);
          if (outcome === 'unqueued') return queued;
          if (outcome === 'queued') queued += 1;
        }
        if (rows.length < batch) break;
      }
      return queued;
    },
  };
};
