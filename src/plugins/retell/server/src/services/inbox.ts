import type { Core } from '@strapi/strapi';
import { createId } from '@paralleldrive/cuid2';
import { queuesOf, QueueUnavailableError } from '../../../../../queues';
import { onTable, tableOf } from '../../../../../support/knex';
import { intFromEnv } from '../../../../../support/env';
import {
  claimWithLease,
  endAttempt,
  newGeneration,
  type Leased,
} from '../../../../../queues/lease';
import { eventJobName, HANDLED_EVENTS, isHandledEvent } from '../events';

/**
 * The durable inbox of Retell call events. A row is written before anything is queued, with
 * a unique `dedupeKey` (`<company>:<call_id>:<event>`), so that an acknowledged event is never lost and
 * never applied twice: a duplicate delivery finds the row and stops; a job whose enqueue
 * failed (Redis down) is found by the sweeper; a worker claims a row before applying it.
 *
 * A claim is a lease: the worker renews it while it works (every third of WEBHOOK_LEASE_MS).
 * A worker that dies — killed, out of memory, its machine gone — stops renewing, and once the
 * lease has run out the row is taken over, by the sweeper or by the row's next job. Every claim
 * counts an attempt; only the holder of the current attempt may finish the row.
 *
 * The row's job is named after its event (../jobs/webhook-event.ts), one per generation of the row
 * (`requeues`: a replay, a lost or abandoned job), so Bull never ignores a re-queue as a
 * duplicate of a job it keeps.
 */
const UID = 'plugin::retell.webhook-event';

export type InboxState = 'received' | 'processing' | 'processed' | 'failed' | 'ignored';
export type InboxRow = {
  id: number;
  document_id: string;
  dedupe_key: string;
  event: string;
  call_id: string;
  company_id: number;
  payload: unknown;
  state: InboxState;
  attempts: number;
  requeues: number;
  received_at?: Date | string | number | null;
};
export type Claim = Leased<InboxRow>;

const SWEEP_GRACE_MS = 2_000;
const PRUNE_BATCH = 1_000;

const payloadOf = (row: { id: number; requeues?: number | null }) => ({
  eventId: Number(row.id),
  generation: Number(row.requeues ?? 0),
});

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const TABLE = tableOf(strapi, UID);
  const now = () => new Date();
  const config = () => queuesOf(strapi).config;

  /**
   * Starts a new generation of the row's job — `received` again, queued under a new id — if the
   * row is still in a state it was seen in (and, if it was being processed, its lease ran out).
   */
  const requeue = async (
    id: number,
    event: string,
    seenIn: InboxState[],
    patch: Record<string, unknown> = {}
  ): Promise<'queued' | 'unqueued' | 'held'> => {
    const row = await newGeneration<{ id: number; requeues: number }>(
      strapi,
      TABLE,
      id,
      { seenIn, working: 'processing', to: 'received', patch },
      ['id', 'requeues']
    );
    if (!row) return 'held';
    return (await enqueue({ id, requeues: Number(row.requeues) }, event)) ? 'queued' : 'unqueued';
  };

  /** Queues the row's current job; false when Redis did not take it (the sweeper will), or the event is not one we apply. */
  const enqueue = async (
    row: { id: number; requeues?: number | null },
    event: string
  ): Promise<boolean> => {
    if (!isHandledEvent(event)) return false;
    try {
      await queuesOf(strapi).add(eventJobName(event), payloadOf(row));
      return true;
    } catch (error) {
      if (!(error instanceof QueueUnavailableError)) throw error;
      strapi.log.warn(
        `webhook event ${row.id} stored but not queued (${error.message}); the sweeper will queue it`
      );
      return false;
    }
  };

  /** What Redis holds of these rows' current jobs, by row id. */
  const jobStatesOf = async (rows: Array<{ id: number; event: string; requeues: number }>) => {
    const states = new Map<number, 'pending' | 'finished' | undefined>();
    for (const event of HANDLED_EVENTS) {
      const ofEvent = rows.filter((row) => row.event === event);
      const found = await queuesOf(strapi).jobStates(eventJobName(event), ofEvent.map(payloadOf));
      ofEvent.forEach((row, index) => states.set(Number(row.id), found[index]));
    }
    return states;
  };

  return {
    /** Writes the event; `duplicate` when this call's event was already received. */
    async record({
      event,
      callId,
      companyId,
      rawBody,
      state,
    }: {
      event: string;
      callId: string;
      companyId: number;
      rawBody: string;
      state: InboxState;
    }) {
      const at = now();
      const rows = await onTable<Array<{ id: number }>>(strapi, TABLE, (query) =>
        query
          .insert({
            document_id: createId(),
            // Per company: an agent of one company can never pre-empt another's events.
            dedupe_key: `${companyId}:${callId}:${event}`,
            event,
            call_id: callId,
            company_id: companyId,
            payload: rawBody,
            state,
            attempts: 0,
            requeues: 0,
            received_at: at,
            created_at: at,
            updated_at: at,
            published_at: at,
          })
          .onConflict('dedupe_key')
          .ignore()
          .returning('id')
      );
      const id = rows[0]?.id;
      return id ? { id: Number(id), duplicate: false } : { id: null, duplicate: true };
    },

    enqueue: (id: number, event: string) => enqueue({ id }, event),

    /**
     * Takes a row for processing — one `received` or `failed`, or one whose worker's lease ran
     * out — and holds it until `release()`, renewing the lease meanwhile. Null when the row is
     * done, gone, or held by a live worker.
     */
    async claim(id: number): Promise<Claim | null> {
      const row = await claimWithLease<InboxRow>(strapi, TABLE, id, {
        from: ['received', 'failed'],
        working: 'processing',
        leaseMs: config().leaseMs,
      });
      if (!row) return null;
      return {
        ...row,
        requeues: Number(row.requeues ?? 0),
        payload: typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload,
      };
    },

    /** Ends the attempt; false when another worker took the row over meanwhile (its result counts). */
    finish: (claim: Claim, state: 'processed' | 'ignored', note: string | null = null) =>
      endAttempt(strapi, TABLE, claim, 'processing', {
        state,
        processed_at: now(),
        last_error: note,
      }),

    fail: (claim: Claim, error: unknown) =>
      endAttempt(strapi, TABLE, claim, 'processing', {
        state: 'failed',
        last_error: (error instanceof Error
          ? `${error.name}: ${error.message}`
          : String(error)
        ).slice(0, 2000),
      }),

    /**
     * Puts a row back to `received` and queues it again (the admin's replay) — not one a live
     * worker holds (`held`). `unqueued`: Redis did not take it; the sweeper will.
     */
    async replay(id: number, event: string) {
      return requeue(id, event, ['received', 'processing', 'processed', 'failed', 'ignored'], {
        last_error: null,
      });
    },

    /**
     * Rows acknowledged but never worked: `received` and not held by Redis (Redis was down,
     * lost its data, or the process died between the row and the job); `processing` with an
     * expired lease (its worker died); `failed` with attempts left and no retry pending in
     * Redis (a restart lost the delayed retry). A `received` or `failed` row whose job Redis
     * still holds waits its turn in a backlog and is left alone.
     */
    async sweep({ batch = 500, maxRows = 10_000 } = {}): Promise<number> {
      const maxAttempts = config().attempts;
      let queued = 0;
      let after = 0;
      for (let seen = 0; seen < maxRows;) {
        const at = now();
        const rows = await onTable<
          Array<{ id: number; event: string; state: InboxState; requeues: number }>
        >(strapi, TABLE, (query) =>
          query
            .select('id', 'event', 'state', 'requeues')
            .where('id', '>', after)
            .where((where) =>
              where
                .where((received) =>
                  received
                    .where('state', 'received')
                    .where('received_at', '<', new Date(at.getTime() - SWEEP_GRACE_MS))
                )
                .orWhere((failed) =>
                  failed.where('state', 'failed').where('attempts', '<', maxAttempts)
                )
                .orWhere((expired) =>
                  expired.where('state', 'processing').where('lease_expires_at', '<', at)
                )
            )
            .orderBy('id')
            .limit(batch)
        );
        if (rows.length === 0) break;
        seen += rows.length;
        after = Number(rows[rows.length - 1].id);
        let jobs: Map<number, 'pending' | 'finished' | undefined>;
        try {
          jobs = await jobStatesOf(rows.filter((row) => row.state !== 'processing'));
        } catch (error) {
          if (!(error instanceof QueueUnavailableError)) throw error;
          return queued;
        }
        for (const row of rows) {
          const id = Number(row.id);
          if (row.state !== 'processing' && jobs.get(id) === 'pending') continue;
          if (row.state === 'processing')
            strapi.log.warn(
              `webhook event ${id} (${row.event}): its worker's lease ran out; queued again`
            );
          const outcome = await requeue(id, row.event, [row.state]);
          if (outcome === 'unqueued') return queued;
          if (outcome === 'queued') queued += 1;
        }
        if (rows.length < batch) break;
      }
      return queued;
    },

    /**
     * Processed and ignored rows keep the call's raw payload (transcript, numbers) only for
     * INBOX_RETENTION_DAYS (30); then the payload is dropped, the row itself (its dedupe key,
     * outcome and times) stays. One batch per call.
     */
    async prune(): Promise<number> {
      const days = intFromEnv('INBOX_RETENTION_DAYS', 30, { min: 1, max: 3650 });
      const cutoff = new Date(Date.now() - days * 24 * 3_600_000);
      const pruned = await onTable<number>(strapi, TABLE, (query) =>
        query
          .whereIn(
            'id',
            strapi.db
              .connection(TABLE)
              .select('id')
              .whereIn('state', ['processed', 'ignored'])
              .whereNotNull('payload')
              .where('received_at', '<', cutoff)
              .limit(PRUNE_BATCH)
          )
          .update({ payload: null, updated_at: now() })
      );
      // The answers kept for Retell's retries (names, messages) are needed for minutes, not days.
      await onTable(strapi, 'retell_function_calls', (query) =>
        query.where('created_at', '<', cutoff).delete()
      );
      return pruned;
    },
  };
};
