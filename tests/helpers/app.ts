import path from 'path';
import { randomBytes } from 'crypto';
import supertest from 'supertest';
import type { Core } from '@strapi/strapi';

/**
 * Boots the compiled app against the run's test database, as `strapi start` would, minus the
 * admin panel unless asked for. Every app gets its own queue prefix in the shared Redis.
 */
export const ROOT = path.resolve(__dirname, '..', '..');

export type TestApp = {
  strapi: Core.Strapi;
  http: ReturnType<typeof supertest>;
  url?: string;
  restoreEnv: () => void;
};

export const startApp = async (
  env: Record<string, string> = {},
  { listen = false, admin = false } = {}
): Promise<TestApp> => {
  const previous: Record<string, string | undefined> = {};
  const wanted = {
    QUEUE_PREFIX: `fdtest:${process.pid}:${randomBytes(3).toString('hex')}`,
    ...env,
  };
  for (const [key, value] of Object.entries(wanted)) {
    previous[key] = process.env[key];
    process.env[key] = value;
  }
  const restoreEnv = () => {
    for (const [key, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };

  const { createStrapi } = require('@strapi/strapi') as typeof import('@strapi/strapi');
  const strapi = createStrapi({
    appDir: ROOT,
    distDir: path.join(ROOT, 'dist'),
    autoReload: false,
    serveAdminPanel: admin,
  });
  try {
    await strapi.load();
    if (listen) {
      await new Promise<void>((resolve) => strapi.server.listen(0, '127.0.0.1', () => resolve()));
    } else {
      strapi.server.mount();
    }
  } catch (error) {
    await strapi.destroy().catch(() => undefined);
    restoreEnv();
    throw error;
  }
  const address = strapi.server.httpServer.address();
  const url =
    listen && address && typeof address === 'object'
      ? `http://127.0.0.1:${address.port}`
      : undefined;
  return { strapi, http: supertest(strapi.server.httpServer), url, restoreEnv };
};

export const stopApp = async (app: TestApp | undefined) => {
  if (!app) return;
  await app.strapi.destroy();
  app.restoreEnv();
};

/**
 * Waits until the app's database pool is idle: Strapi keeps working after an answer (its content
 * history takes a snapshot of what was written, in the background), and a test that counts
 * statements or closes the pool must not catch that work.
 */
export const settle = async (app: TestApp, { timeoutMs = 10_000 } = {}) => {
  const pool = (
    app.strapi.db.connection.client as unknown as {
      pool: { numUsed(): number; numPendingAcquires(): number };
    }
  ).pool;
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  while (quiet < 3 && Date.now() < deadline) {
    quiet = pool.numUsed() === 0 && pool.numPendingAcquires() === 0 ? quiet + 1 : 0;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};
