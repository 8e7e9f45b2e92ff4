import type { Core } from '@strapi/strapi';
import { createId } from '@paralleldrive/cuid2';
import { queuesOf, QueueUnavailableError } from '../../../../../queues';
import { onTable } from '../../../../../support/knex';

/**
 * The durable inbox of Retell call events. A row is written before anything is queued, with
 * a unique `dedupeKey` (`<call_id>:<event>`), so that an acknowledged event is never lost and
 * never applied twice: a duplicate delivery finds the row and stops; a job whose enqueue
 * failed (Redis down) is found by the sweeper; a worker claims a row before applying it.
 */
const TABLE = 'retell_webhook_events';
export const WEBHOOK_QUEUE = 'webhooks' as const;

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
};

const STALE_PROCESSING_MS = 10 * 60_000;
const SWEEP_GRACE_MS = 2_000;

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const now = () => new Date();

  return {
    /** Writes the event; `duplicate` when this call's event was already received. */
    async record({ event, callId, companyId, rawBody, state }: { event: string; callId: string; companyId: number; rawBody: string; state: InboxState }) {
      const at = now();
      const rows = await onTable<Array<{ id: number }>>(strapi, TABLE, (query) =>
        query
          .insert({
            document_id: createId(),
            dedupe_key: `${callId}:${event}`,
            event,
            call_id: callId,
            company_id: companyId,
            payload: rawBody,
            state,
            attempts: 0,
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

    /** Queues the row for the worker; false when Redis did not take it (the sweeper will). */
    async enqueue(id: number, event: string, attempt = ''): Promise<boolean> {
      try {
        await queuesOf(strapi).add(WEBHOOK_QUEUE, event, { eventId: id }, { jobId: `evt:${id}${attempt}` });
        return true;
      } catch (error) {
        if (!(error instanceof QueueUnavailableError)) throw error;
        strapi.log.warn(`webhook event ${id} stored but not queued (${error.message}); the sweeper will queue it`);
        return false;
      }
    },

    /**
     * Takes a row for processing; null when it is done already, gone, or being processed by
     * another worker right now (a row stuck in `processing` longer than that is taken over).
     */
    async claim(id: number): Promise<InboxRow | null> {
      const rows = await onTable<InboxRow[]>(strapi, TABLE, (query) =>
        query
          .where('id', id)
          .where((state) =>
            state
              .whereIn('state', ['received', 'failed'])
              .orWhere((stale) => stale.where('state', 'processing').where('updated_at', '<', new Date(Date.now() - STALE_PROCESSING_MS)))
          )
          .update({ state: 'processing', attempts: strapi.db.connection.raw('attempts + 1'), updated_at: now() })
          .returning('*')
      );
      const row = rows[0];
      if (!row) return null;
      return { ...row, payload: typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload };
    },

    async finish(id: number, state: 'processed' | 'ignored', note: string | null = null) {
      await onTable(strapi, TABLE, (query) => query.where('id', id).update({ state, processed_at: now(), last_error: note, updated_at: now() }));
    },

    async fail(id: number, error: unknown) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      await onTable(strapi, TABLE, (query) => query.where('id', id).update({ state: 'failed', last_error: message.slice(0, 2000), updated_at: now() }));
    },

    /** Puts a row back to `received` and queues it again (the admin's replay). */
    async replay(id: number, event: string) {
      await onTable(strapi, TABLE, (query) => query.where('id', id).update({ state: 'received', last_error: null, updated_at: now() }));
      // A new job id: Bull keeps the failed job under the old one and would ignore the add.
      return this.enqueue(id, event, `:replay:${Date.now()}`);
    },

    /**
     * Rows acknowledged but not queued (Redis was down, or lost its data, or the process died
     * between the row and the job), or abandoned mid-processing.
     */
    async sweep({ batch = 500, maxRows = 10_000 } = {}): Promise<number> {
      let queued = 0;
      let after = 0;
      for (let seen = 0; seen < maxRows; ) {
        const rows = await onTable<Array<{ id: number; event: string; state: InboxState }>>(strapi, TABLE, (query) =>
          query
            .select('id', 'event', 'state')
            .where('id', '>', after)
            .where((where) =>
              where
                .where((received) => received.where('state', 'received').where('received_at', '<', new Date(Date.now() - SWEEP_GRACE_MS)))
                .orWhere((stale) => stale.where('state', 'processing').where('updated_at', '<', new Date(Date.now() - STALE_PROCESSING_MS)))
            )
            .orderBy('id')
            .limit(batch)
        );
        if (rows.length === 0) break;
        seen += rows.length;
        after = Number(rows[rows.length - 1].id);
        // A received row whose job Redis holds unfinished waits its turn in a backlog: left alone.
        let jobs: Map<string, 'pending' | 'finished'>;
        try {
          jobs = await queuesOf(strapi).jobStates(WEBHOOK_QUEUE, rows.filter((row) => row.state === 'received').map((row) => `evt:${row.id}`));
        } catch (error) {
          if (!(error instanceof QueueUnavailableError)) throw error;
          return queued;
        }
        for (const row of rows) {
          const job = row.state === 'received' ? jobs.get(`evt:${row.id}`) : undefined;
          if (job === 'pending') continue;
          // A job that finished without taking its row is dropped, so that its id can be reused.
          if (job === 'finished') await queuesOf(strapi).remove(WEBHOOK_QUEUE, `evt:${row.id}`);
          // An abandoned row's job may still exist in Bull (finished as "being processed"): a new id.
          const attempt = row.state === 'processing' ? `:stale:${Date.now()}` : '';
          if (!(await this.enqueue(Number(row.id), row.event, attempt))) return queued;
          queued += 1;
        }
        if (rows.length < batch) break;
      }
      return queued;
    },
  };
};
