import fs from 'fs';
import os from 'os';
import path from 'path';
import { settle, startApp, stopApp, type TestApp } from '../helpers/app';
import { createCompany, createIn, createSuperAdmin } from '../helpers/tenants';

/**
 * Dropping a company's cached overview figures after a write must not need a second database
 * connection while the write's transaction holds the first: on SQLite there is only one (the
 * write waited for the acquire timeout and failed with 503), on PostgreSQL a full pool stalls the
 * same way. A super admin's write (system scope: the company is looked up) proves it, with one
 * connection in all.
 */
const edit = async (app: TestApp) => {
  const company = await createCompany(app.strapi);
  const customer = await createIn(app.strapi, 'api::customer.customer', company.id, {
    name: 'Ein Kunde',
    phone: '+4930123450001',
  });
  const appointment = await createIn(app.strapi, 'api::appointment.appointment', company.id, {
    startsAt: '2035-05-02T08:00:00.000Z',
    endsAt: '2035-05-02T08:30:00.000Z',
    state: 'confirmed',
    customer: customer.documentId,
  });
  const admin = await createSuperAdmin(app);
  const started = Date.now();
  const response = await app.http
    .put(`/content-manager/collection-types/api::appointment.appointment/${appointment.documentId}`)
    .set(admin.auth)
    .send({ notes: 'moved by the front desk' });
  return { status: response.status, ms: Date.now() - started };
};

it('a super admin’s write on PostgreSQL with a pool of one connection succeeds', async () => {
  const app = await startApp({
    WEBHOOK_WORKER: 'off',
    DATABASE_POOL_MIN: '0',
    DATABASE_POOL_MAX: '1',
    DATABASE_ACQUIRE_TIMEOUT_MS: '3000',
  });
  try {
    const { status, ms } = await edit(app);
    expect(status).toBe(200);
    expect(ms).toBeLessThan(3000);
    // Strapi keeps working after the answer (the content history snapshot): let it finish first.
    await settle(app);
  } finally {
    await stopApp(app);
  }
}, 60_000);

it('a super admin’s write on SQLite (one connection) succeeds', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontdesk-sqlite-'));
  const app = await startApp({
    WEBHOOK_WORKER: 'off',
    DATABASE_CLIENT: 'sqlite',
    DATABASE_FILENAME: path.join(dir, 'test.db'),
    DATABASE_ACQUIRE_TIMEOUT_MS: '3000',
  });
  try {
    const { status, ms } = await edit(app);
    expect(status).toBe(200);
    expect(ms).toBeLessThan(3000);
  } finally {
    await stopApp(app);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 90_000);
