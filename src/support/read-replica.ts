import type { Core } from '@strapi/strapi';
import knexFactory, { type Knex } from 'knex';
import { isPostgres } from './dialect';
import { intFromEnv } from './env';

/**
 * Reads that may be a little behind — the overview's figures, the CSV exports — from a
 * PostgreSQL streaming replica (DATABASE_READ_URL), so they take no work from the primary that
 * books. Writes and everything transactional stay on the primary (`strapi.db`). When the
 * replica does not answer, the read goes to the primary, and the replica is left alone for
 * DATABASE_READ_RETRY_MS (30 s) before it is tried again; an error the replica alone gives (a
 * query cancelled by replay, say) is answered by the primary too. Without DATABASE_READ_URL
 * (or on SQLite) every read is the primary's.
 */
type Replica = { knex: Knex; downUntil: number };
const replicas = new WeakMap<Core.Strapi, Replica | null>();

/** How stale a figure read from the replica may be served from a cache (its lag comes on top). */
export const replicaStalenessSeconds = () =>
  intFromEnv('DATABASE_READ_MAX_STALENESS_SECONDS', 5, { min: 0, max: 3600 });

const primarySettings = (strapi: Core.Strapi) => {
  const { connection } = strapi.db.config as {
    connection?: { connection?: { ssl?: unknown; schema?: string } };
  };
  const settings = connection?.connection ?? {};
  return {
    ssl: settings.ssl as Knex.PgConnectionConfig['ssl'],
    schema: settings.schema ? [settings.schema] : undefined,
  };
};

let lastWarning = 0;
const warnOnce = (strapi: Core.Strapi, message: string) => {
  if (Date.now() - lastWarning < 60_000) return;
  lastWarning = Date.now();
  strapi.log.warn(message);
};

const replicaOf = (strapi: Core.Strapi): Replica | null => {
  if (replicas.has(strapi)) return replicas.get(strapi) ?? null;
  const url = process.env.DATABASE_READ_URL?.trim();
  const replica =
    url && isPostgres(strapi)
      ? {
          knex: knexFactory({
            client: 'pg',
            // The primary's TLS and schema settings (DATABASE_SSL*, DATABASE_SCHEMA) apply here too.
            connection: {
              connectionString: url,
              connectionTimeoutMillis: 2000,
              ssl: primarySettings(strapi).ssl,
            },
            searchPath: primarySettings(strapi).schema,
            pool: {
              min: 0,
              max: intFromEnv('DATABASE_READ_POOL_MAX', 5, { min: 1 }),
              idleTimeoutMillis: 30_000,
            },
            acquireConnectionTimeout: 2000,
            // As on the primary: no bindings (names, numbers) in an error's message.
            compileSqlOnError: false,
            // A replica going away drops its idle connections: say so in the log, once a minute.
            log: {
              warn: (message: string) => warnOnce(strapi, `read replica: ${message}`),
              error: (message: string) => warnOnce(strapi, `read replica: ${message}`),
              debug: () => undefined,
              deprecate: () => undefined,
            },
          }),
          downUntil: 0,
        }
      : null;
  replicas.set(strapi, replica);
  return replica;
};

export const usesReplica = (strapi: Core.Strapi) => replicaOf(strapi) !== null;

type RawResult = { rows: Array<Record<string, unknown>> } | Array<Record<string, unknown>>;

/** One read-only statement: on the replica when there is one that answers, else the primary. */
export const readRaw = async (
  strapi: Core.Strapi,
  text: string,
  bindings: Knex.RawBinding[]
): Promise<RawResult> => {
  const replica = replicaOf(strapi);
  if (replica && Date.now() >= replica.downUntil) {
    try {
      return (await replica.knex.raw(text, bindings)) as RawResult;
    } catch (error) {
      replica.downUntil = Date.now() + intFromEnv('DATABASE_READ_RETRY_MS', 30_000, { min: 0 });
      warnOnce(
        strapi,
        `read replica unavailable, reading from the primary: ${(error as Error).message}`
      );
    }
  }
  return (await strapi.db.connection.raw(text, bindings)) as RawResult;
};

export const closeReadReplica = async (strapi: Core.Strapi) => {
  const replica = replicas.get(strapi);
  replicas.delete(strapi);
  await replica?.knex.destroy();
};
