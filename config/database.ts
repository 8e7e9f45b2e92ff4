import type { Core } from '@strapi/strapi';
import path from 'path';
import fs from 'fs';
import { ConfigError, boolFromEnv, intFromEnv, oneOfFromEnv } from '../src/support/env';

/**
 * PostgreSQL from env (DATABASE_URL, or host/port/name/user/password), SQLite when
 * DATABASE_CLIENT=sqlite (the zero-setup default for a first look).
 */
export default ({ env }: Core.Config.Shared.ConfigParams): Core.Config.Database => {
  const client = oneOfFromEnv('DATABASE_CLIENT', ['postgres', 'sqlite'] as const, 'sqlite');
  const acquireTimeout = intFromEnv('DATABASE_ACQUIRE_TIMEOUT_MS', 10_000, { min: 100 });

  if (client === 'sqlite') {
    return {
      connection: {
        client: 'sqlite',
        connection: {
          filename: path.resolve(process.cwd(), env('DATABASE_FILENAME', 'data/frontdesk.db')),
        },
        useNullAsDefault: true,
        acquireConnectionTimeout: acquireTimeout,
        compileSqlOnError: false,
      },
      settings: { useTypescriptMigrations: true },
    };
  }

  // Two cores: a small pool keeps PostgreSQL from thrashing; raise it with more cores.
  const poolMin = intFromEnv('DATABASE_POOL_MIN', 2, { min: 0 });
  const poolMax = intFromEnv('DATABASE_POOL_MAX', 10, { min: 1 });
  if (poolMin > poolMax) {
    throw new ConfigError(
      `DATABASE_POOL_MIN (${poolMin}) must not exceed DATABASE_POOL_MAX (${poolMax})`
    );
  }

  const sslEnabled = boolFromEnv('DATABASE_SSL', false);
  const caFile = env('DATABASE_SSL_CA_FILE', '');
  const ssl = sslEnabled
    ? {
        rejectUnauthorized: boolFromEnv('DATABASE_SSL_REJECT_UNAUTHORIZED', true),
        ...(caFile ? { ca: fs.readFileSync(caFile, 'utf8') } : {}),
      }
    : false;

  // DATABASE_URL, or the parts; the URL's parts win where both are given.
  const url = env('DATABASE_URL', '');
  const parsed = url ? new URL(url) : null;
  const connection = {
    ...(url ? { connectionString: url } : {}),
    host: parsed?.hostname || env('DATABASE_HOST', '127.0.0.1'),
    port: parsed?.port
      ? Number(parsed.port)
      : intFromEnv('DATABASE_PORT', 5432, { min: 1, max: 65535 }),
    database: parsed?.pathname.slice(1) || env('DATABASE_NAME', 'frontdesk'),
    user: parsed?.username
      ? decodeURIComponent(parsed.username)
      : env('DATABASE_USERNAME', 'postgres'),
    password: parsed?.password ? decodeURIComponent(parsed.password) : env('DATABASE_PASSWORD', ''),
    ssl,
    schema: env('DATABASE_SCHEMA', 'public'),
  };

  return {
    connection: {
      client: 'postgres',
      connection,
      pool: {
        min: poolMin,
        max: poolMax,
        acquireTimeoutMillis: acquireTimeout,
        createTimeoutMillis: acquireTimeout,
        idleTimeoutMillis: 30_000,
      },
      acquireConnectionTimeout: acquireTimeout,
      // knex would otherwise write every binding (names, emails, transcripts) into the message of
      // a failed query, and from there into logs and the inbox's lastError.
      compileSqlOnError: false,
    },
    settings: { useTypescriptMigrations: true },
  };
};
