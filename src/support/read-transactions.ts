import type { Core } from '@strapi/strapi';
import { patchStrapiCore } from './strapi-internals';

/**
 * Document Service reads run without a transaction of their own.
 *
 * Strapi wraps every Document Service method in `strapi.db.transaction`, reads included: a
 * `findMany` is BEGIN, its SELECTs, COMMIT, on a connection held throughout — also while the
 * process does other work between the statements (under load, sessions `idle in transaction`).
 * Under PostgreSQL's READ COMMITTED every statement sees what was committed when it began,
 * inside a transaction or not, so for a read the BEGIN and COMMIT buy nothing but two more
 * round trips per read: four of a `GET /api/appointments`'s statements (list and count).
 * (On SQLite, the zero-setup local default, a transaction would give one snapshot for a list
 * and its count; there they may now disagree by a write that lands in between.)
 *
 * The wrapper is internal to @strapi/core (pinned): it is replaced where the repositories look
 * it up, before the first is made, for the four reads only (by their function names in that
 * build); writes keep their transaction. A read inside a transaction already open still runs on
 * it: Strapi's query layer takes the open transaction from its async context, not from the
 * wrapper. Should the module not be where it is expected, the boot logs a warning and reads
 * keep their transaction.
 */
const READS = new Set(['findMany', 'findFirst', 'findOne', 'count']);
type Method = ((...args: unknown[]) => Promise<unknown>) & { name: string };
type Wrap = (fn: Method) => Method;

export const readWithoutTransactions = (strapi: Core.Strapi) =>
  patchStrapiCore<Wrap>(
    strapi,
    {
      file: 'services/document-service/common.js',
      name: 'wrapInTransaction',
      unpatched: 'Document Service reads keep their transaction',
    },
    (wrap) => (fn) => (READS.has(fn.name) ? fn : wrap(fn))
  );
