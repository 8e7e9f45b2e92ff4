'use strict';
/**
 * Shared settings of the benchmarks: a throwaway PostgreSQL database per run, the local Redis,
 * a production-mode environment with fixed bench secrets.
 */
const { randomBytes } = require('crypto');
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');
const BENCH_KEY = 'key_bench_0123456789';

const benchEnv = (databaseName, extra = {}) => ({
  ...process.env,
  NODE_ENV: 'production',
  ENV_PATH: '/nonexistent/frontdesk-bench/.env',
  HOST: '127.0.0.1',
  DATABASE_CLIENT: 'postgres',
  DATABASE_HOST: process.env.PGHOST || '127.0.0.1',
  DATABASE_PORT: process.env.PGPORT || '5432',
  DATABASE_USERNAME: process.env.PGUSER || 'postgres',
  DATABASE_PASSWORD: process.env.PGPASSWORD || '',
  DATABASE_NAME: databaseName,
  REDIS_URL: process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379',
  QUEUE_PREFIX: `fdbench:${databaseName}`,
  LOG_DIR: 'off',
  LOG_LEVEL: 'warn',
  APP_KEYS: 'benchA,benchB',
  API_TOKEN_SALT: 'bench-salt',
  ADMIN_JWT_SECRET: 'bench-admin-secret',
  TRANSFER_TOKEN_SALT: 'bench-transfer',
  ENCRYPTION_KEY: 'bench-encryption-key',
  JWT_SECRET: 'bench-jwt-secret',
  MANAGE_LINK_SECRETS: 'bench-manage-link-secret-of-32-characters',
  SECRETS_KEYRING: `b1:${Buffer.alloc(32, 7).toString('base64')}`,
  RETELL_API_KEY: BENCH_KEY,
  // The load comes from one address; the benchmarks measure the product, not its rate limits
  // (bench:load puts them back at the app's defaults).
  RATE_LIMIT_MAX: '0',
  RATE_LIMIT_RETELL_MAX: '0',
  STRAPI_TELEMETRY_DISABLED: 'true',
  ...extra,
});

const newDatabaseName = (name) =>
  `frontdesk_bench_${name}_${Date.now().toString(36)}_${randomBytes(2).toString('hex')}`;

/** Headers of a request signed the way Retell signs (HMAC-SHA256 over body + timestamp). */
const signedHeaders = (body, now = Date.now()) => ({
  'content-type': 'application/json',
  'x-retell-signature': `v=${now},d=${require('crypto')
    .createHmac('sha256', BENCH_KEY)
    .update(body + now)
    .digest('hex')}`,
});

module.exports = { ROOT, BENCH_KEY, benchEnv, newDatabaseName, signedHeaders };
