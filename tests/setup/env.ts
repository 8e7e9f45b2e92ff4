import { randomBytes } from 'crypto';
import { Client } from 'pg';

/**
 * The environment every test process shares. The harness creates a throwaway PostgreSQL
 * database per run (TEST_DATABASE_NAME), the template each test file clones its own from.
 */
export const TEST_RETELL_KEY = 'key_test_123';
// Two fixed 32-byte test keys: "t2" encrypts, "t1" is an older key still accepted.
export const TEST_KEYRING = `t2:${Buffer.alloc(32, 2).toString('base64')},t1:${Buffer.alloc(32, 1).toString('base64')}`;

/** Signs the customers' links in tests (so a test can make a link of its own). */
export const TEST_MANAGE_SECRET = 'test-manage-link-secret-of-32-characters';

const secret = () => randomBytes(24).toString('base64');

/** The app refuses to boot without its secrets (there are no built-in ones): a fresh set per run. */
export const testSecrets = (): Record<string, string> => ({
  APP_KEYS: `${secret()},${secret()}`,
  API_TOKEN_SALT: secret(),
  ADMIN_JWT_SECRET: secret(),
  TRANSFER_TOKEN_SALT: secret(),
  ENCRYPTION_KEY: secret(),
  JWT_SECRET: secret(),
  MANAGE_LINK_SECRETS: `${TEST_MANAGE_SECRET},previous-${secret()}`,
});

export const baseTestEnv = (databaseName: string): Record<string, string> => ({
  ...testSecrets(),
  NODE_ENV: 'test',
  DATABASE_CLIENT: 'postgres',
  DATABASE_HOST: process.env.PGHOST || '127.0.0.1',
  DATABASE_PORT: process.env.PGPORT || '5432',
  DATABASE_USERNAME: process.env.PGUSER || 'postgres',
  DATABASE_PASSWORD: process.env.PGPASSWORD || '',
  DATABASE_NAME: databaseName,
  DATABASE_POOL_MIN: '0',
  DATABASE_POOL_MAX: '10',
  TEST_DATABASE_NAME: databaseName,
  REDIS_URL: process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379',
  LOG_DIR: 'off',
  LOG_LEVEL: process.env.TEST_LOG_LEVEL || 'error',
  RETELL_API_KEY: TEST_RETELL_KEY,
  SECRETS_KEYRING: TEST_KEYRING,
  WEBHOOK_SWEEP_INTERVAL_MS: '1000',
  // The suite makes thousands of REST calls from one address; the limit has a test of its own.
  RATE_LIMIT_MAX: '1000000',
  RATE_LIMIT_AUTH_MAX: '1000000',
  RATE_LIMIT_RETELL_MAX: '1000000',
  RATE_LIMIT_MANAGE_MAX: '1000000',
  STRAPI_TELEMETRY_DISABLED: 'true',
  BROWSER: 'none',
  // A developer's .env (e.g. the demo's SQLite settings) must not leak into the tests.
  ENV_PATH: '/nonexistent/frontdesk-tests/.env',
});

/** Runs `work` on a connection to the server's `postgres` database (creating and dropping the run's databases). */
export const withPostgresAdmin = async <T>(work: (admin: Client) => Promise<T>): Promise<T> => {
  const admin = new Client({
    host: process.env.DATABASE_HOST,
    port: Number(process.env.DATABASE_PORT),
    user: process.env.DATABASE_USERNAME,
    password: process.env.DATABASE_PASSWORD,
    database: 'postgres',
  });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
};
