import path from 'path';
import type { Core } from '@strapi/strapi';

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
type CommonModule = {
  wrapInTransaction: (fn: Method) => Method;
  __frontdeskReads?: true;
};

export const readWithoutTransactions = (strapi: Core.Strapi) => {
  let common: CommonModule;
  try {
    const core = path.dirname(require.resolve('@strapi/core'));
    common = require(path.join(core, 'services', 'document-service', 'common.js')) as CommonModule;
    if (typeof common.wrapInTransaction !== 'function') throw new Error('no wrapInTransaction');
  } catch (error) {
    strapi.log.warn(`Document Service reads keep their transaction: ${(error as Error).message}`);
    return;
  }
  if (common.__frontdeskReads) return;
  common.__frontdeskReads = true;
  const wrap = common.wrapInTransaction;
  common.wrapInTransaction = (fn) => (READS.has(fn.name) ? fn : wrap(fn));
};
