import { AsyncLocalStorage } from 'node:async_hooks';
import type { Core } from '@strapi/strapi';

/**
 * Document Service reads run without a transaction of their own.
 *
 * Strapi wraps every Document Service method in `strapi.db.transaction`, reads included: a
 * `findMany` with a populate is BEGIN, its SELECTs, COMMIT, on a connection held throughout.
 * Under PostgreSQL's READ COMMITTED every statement sees what was committed when it began,
 * inside a transaction or not, so for a read the BEGIN and COMMIT buy nothing but two more
 * round trips (and knex's transaction machinery) per read, several per request.
 *
 * The reads (`findMany`, `findFirst`, `findOne`, `count`) are marked by a Document Service
 * middleware; the transaction Strapi's wrapper then asks for is skipped when nothing else is
 * in play: only its own argument-less callback, never inside a transaction already open (the
 * read then joins that one, as before), never for a write (each action sets its own mark, so a
 * write started from a read's lifecycle gets its transaction).
 */
const READS = new Set(['findMany', 'findFirst', 'findOne', 'count']);
const reading = new AsyncLocalStorage<boolean>();

type Transaction = Core.Strapi['db']['transaction'];

export const readWithoutTransactions = (strapi: Core.Strapi) => {
  strapi.documents.use((context, next) => reading.run(READS.has(context.action), next));
  const db = strapi.db as { transaction: Transaction; inTransaction(): boolean };
  const transaction = db.transaction.bind(db) as (callback?: unknown) => Promise<unknown>;
  db.transaction = ((callback?: unknown) => {
    if (
      typeof callback === 'function' &&
      callback.length === 0 &&
      reading.getStore() === true &&
      !db.inTransaction()
    )
      return (callback as () => Promise<unknown>)();
    return transaction(callback);
  }) as Transaction;
};
