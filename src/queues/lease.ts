import type { Core } from '@strapi/strapi';
import { onTable } from '../support/knex';

/**
 * Work rows (the webhook inbox, the notification outbox) are claimed with a lease: the claim
 * moves the row to its working state, counts an attempt and sets `lease_expires_at`; the worker
 * renews the lease every third of it while it works. A worker that dies stops renewing, and once
 * the lease ran out the row may be claimed again. Only the holder of the current attempt may end
 * it — the claim's token is (`requeues`, `attempts`): `attempts` counts claims, `requeues` the
 * row's generations (a replay, a re-queue), both only ever grow — so a worker that was merely
 * slow cannot overwrite the outcome of the one that took over.
 *
 * The table needs `state`, `attempts`, `requeues`, `lease_expires_at` and `updated_at` columns.
 */
export type Leased<T> = T & { id: number; attempts: number; requeues: number; release: () => void };
type Token = { id: number; attempts: number; requeues: number };
const tokenOf = ({ id, attempts, requeues }: Token) => ({ id, attempts, requeues });

export type LeaseOptions = {
  /** States a row may be claimed from (besides the working state with an expired lease). */
  from: string[];
  /** The state of a claimed row. */
  working: string;
  leaseMs: number;
};

export const claimWithLease = async <T extends Record<string, unknown>>(
  strapi: Core.Strapi,
  table: string,
  id: number,
  options: LeaseOptions
): Promise<Leased<T> | null> => {
  const until = () => new Date(Date.now() + options.leaseMs);
  const rows = await onTable<T[]>(strapi, table, (query) =>
    query
      .where('id', id)
      .where((claimable) =>
        claimable
          .whereIn('state', options.from)
          .orWhere((expired) =>
            expired
              .where('state', options.working)
              .where((lease) =>
                lease.whereNull('lease_expires_at').orWhere('lease_expires_at', '<', new Date())
              )
          )
      )
      .update({
        state: options.working,
        attempts: strapi.db.connection.raw('attempts + 1'),
        lease_expires_at: until(),
        updated_at: new Date(),
      })
      .returning('*')
  );
  const row = rows[0];
  if (!row) return null;
  const token = { id, attempts: Number(row.attempts), requeues: Number(row.requeues ?? 0) };
  const renew = setInterval(
    () => {
      onTable(strapi, table, (query) =>
        query
          .where({ ...tokenOf(token), state: options.working })
          .update({ lease_expires_at: until() })
      ).catch((error: Error) =>
        strapi.log.warn(`could not renew the lease of ${table} row ${id}: ${error.message}`)
      );
    },
    Math.max(100, Math.floor(options.leaseMs / 3))
  );
  renew.unref();
  return { ...row, ...token, release: () => clearInterval(renew) };
};

/** Ends the claimed attempt with `patch`; false when the row was taken over meanwhile. */
export const endAttempt = async (
  strapi: Core.Strapi,
  table: string,
  claim: Token,
  working: string,
  patch: Record<string, unknown>
): Promise<boolean> => {
  const changed = await onTable<number>(strapi, table, (query) =>
    query
      .where({ ...tokenOf(claim), state: working })
      .update({ ...patch, lease_expires_at: null, updated_at: new Date() })
  );
  return changed > 0;
};

/**
 * Starts a new generation of a row: back to `pending` (or `received`), `requeues` + 1 — only if
 * it is still in one of the states it was seen in, and, when that is the working state, only if
 * its lease has run out (a live worker keeps its row). The new generation as returned, or null.
 */
export const newGeneration = async <T>(
  strapi: Core.Strapi,
  table: string,
  id: number,
  {
    seenIn,
    working,
    to,
    patch = {},
  }: { seenIn: string[]; working: string; to: string; patch?: Record<string, unknown> },
  returning: string[]
): Promise<T | null> => {
  const rows = await onTable<T[]>(strapi, table, (query) =>
    query
      .where('id', id)
      .whereIn('state', seenIn)
      .where((live) =>
        live
          .whereNot('state', working)
          .orWhereNull('lease_expires_at')
          .orWhere('lease_expires_at', '<', new Date())
      )
      .update({
        ...patch,
        state: to,
        lease_expires_at: null,
        requeues: strapi.db.connection.raw('requeues + 1'),
        updated_at: new Date(),
      })
      .returning(returning)
  );
  return rows[0] ?? null;
};
