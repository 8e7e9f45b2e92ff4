import type { Core, UID } from '@strapi/strapi';
import type { Knex } from 'knex';

/**
 * A knex query on `table` that joins the current transaction when there is one, so that
 * checks made inside a transaction see its writes and never wait for a second pooled
 * connection (which, under load, can starve the pool).
 * The builder comes back inside a callback: a knex builder is thenable, so returning it from an
 * async function would run it.
 */
export const onTable = async <T>(
  strapi: Core.Strapi,
  table: string,
  build: (query: Knex.QueryBuilder) => Promise<T> | Knex.QueryBuilder
): Promise<T> => {
  const base = await connectionOf(strapi);
  const schema = strapi.db.getSchemaName();
  const query = schema ? base(table).withSchema(schema) : base(table);
  return (await build(query)) as T;
};

/** The current transaction when there is one, else the pool (see `onTable`). */
export const connectionOf = async (strapi: Core.Strapi): Promise<Knex> =>
  strapi.db.inTransaction() ? (await strapi.db.transaction()).get() : strapi.db.connection;

/** `onTable` for a model's table, by uid: table names come from Strapi's metadata, never typed out. */
export const onModel = <T>(
  strapi: Core.Strapi,
  uid: string,
  build: (query: Knex.QueryBuilder) => Promise<T> | Knex.QueryBuilder
): Promise<T> => onTable<T>(strapi, tableOf(strapi, uid), build);

/** The database metadata of a model (table, columns, join columns), by uid. */
export const metaOf = (strapi: Core.Strapi, uid: string) => strapi.db.metadata.get(uid);

export const tableOf = (strapi: Core.Strapi, uid: string): string => metaOf(strapi, uid).tableName;

/** What this app reads of a model's attributes. */
export type ModelAttribute = {
  type: string;
  target?: string;
  relation?: string;
  useJoinTable?: boolean;
  component?: string;
  required?: boolean;
};
export type ModelShape = { attributes: Record<string, ModelAttribute> };

/** A content type's or component's schema, by uid (any string: unknown ones are undefined). */
export const modelOf = (strapi: Core.Strapi, uid: string): ModelShape | undefined =>
  strapi.getModel(uid as UID.Schema) as ModelShape | undefined;

/**
 * Runs `work` once the surrounding transaction has committed (at once when there is none), so
 * that what it does — queueing a job, dropping a cache — never acts on a write that is rolled
 * back, nor before other connections can see it. Its errors are logged, never thrown.
 */
export const afterCommit = (strapi: Core.Strapi, work: () => Promise<unknown>) => {
  const run = () => {
    work().catch((error: Error) => strapi.log.warn(`after-commit work failed: ${error.message}`));
  };
  if (!strapi.db.inTransaction()) {
    run();
    return;
  }
  // A nested `transaction()` joins the current one; its onCommit fires when that one commits.
  void strapi.db.transaction(async ({ onCommit }) => onCommit(run));
};
