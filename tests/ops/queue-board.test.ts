import { startApp, stopApp, type TestApp } from '../helpers/app';
import {
  adminSessionCookie,
  createCompany,
  createStaffAdmin,
  createSuperAdmin,
} from '../helpers/tenants';
import { eventually } from '../helpers/retell';

// The app's own registry of queues (the compiled module the app runs).
const { queuesOf } = require('../../dist/src/queues') as typeof import('../../src/queues');

/**
 * The queues' dashboard (bull-board at /admin/queues): a super admin reaches it with the admin
 * session the login set (its cookie) or an admin token, sees both queues and can retry a failed
 * job; company staff get 403, anybody else 401 (a browser is sent to the login).
 */
let app: TestApp;

beforeAll(async () => {
  app = await startApp({ NOTIFY_BACKOFF_MS: '100' });
});
afterAll(() => stopApp(app));

const sessionCookie = (email: string, password: string) => adminSessionCookie(app, email, password);

it('shows both queues to a super admin, by the admin session cookie or an admin token', async () => {
  const admin = await createSuperAdmin(app);
  const cookie = await sessionCookie(admin.email, admin.password);
  const page = await app.http.get('/admin/queues').set('Cookie', cookie).set('Accept', 'text/html');
  expect(page.status).toBe(200);
  expect(page.text).toContain('Frontdesk queues');
  const queues = await app.http.get('/admin/queues/api/queues').set('Cookie', cookie);
  expect(queues.status).toBe(200);
  expect(queues.body.queues.map((queue: { name: string }) => queue.name).sort()).toEqual([
    'notifications',
    'webhooks',
  ]);
  const byToken = await app.http.get('/admin/queues/api/queues').set(admin.auth);
  expect(byToken.status).toBe(200);
});

it('refuses company staff (403) and anybody without an admin session (401, or the login page)', async () => {
  const company = await createCompany(app.strapi);
  const staff = await createStaffAdmin(app, company.id);
  const staffCookie = await sessionCookie(staff.email, staff.password);
  for (const request of [
    app.http.get('/admin/queues/api/queues').set('Cookie', staffCookie),
    app.http.get('/admin/queues/api/queues').set(staff.auth),
    app.http.get('/admin/queues').set('Cookie', staffCookie),
  ]) {
    const response = await request;
    expect(response.status).toBe(403);
    expect(response.body.error.status).toBe(403);
  }
  for (const headers of [
    {},
    { Cookie: 'strapi_admin_refresh=forged.token.value' },
    { Authorization: 'Bearer not-a-token' },
  ]) {
    const response = await app.http.get('/admin/queues/api/queues').set(headers);
    expect(response.status).toBe(401);
    expect(response.body.error.status).toBe(401);
  }
  const browser = await app.http.get('/admin/queues').set('Accept', 'text/html');
  expect([browser.status, browser.headers.location]).toEqual([302, '/admin/auth/login']);
  // Staff cannot retry either.
  const retry = await app.http
    .put('/admin/queues/api/queues/notifications/retry/failed')
    .set('Cookie', staffCookie);
  expect(retry.status).toBe(403);
});

it('retries a failed job for a super admin (from this site only)', async () => {
  const admin = await createSuperAdmin(app);
  const cookie = await sessionCookie(admin.email, admin.password);
  const queue = queuesOf(app.strapi).queue('notifications');
  // A job no handler knows fails at once (one attempt).
  const job = await queue.add(
    'not-a-job',
    { nothing: true },
    { attempts: 1, jobId: 'board-retry-1' }
  );
  await eventually(async () => (await job.getState()) === 'failed');
  const failures = async () => (await queue.getJob('board-retry-1'))?.attemptsMade ?? 0;
  const before = await failures();
  const foreign = await app.http
    .put('/admin/queues/api/queues/notifications/board-retry-1/retry/failed')
    .set('Cookie', cookie)
    .set('Origin', 'https://evil.example');
  expect(foreign.status).toBe(403);
  const retried = await app.http
    .put('/admin/queues/api/queues/notifications/board-retry-1/retry/failed')
    .set('Cookie', cookie);
  expect(retried.status).toBeLessThan(300);
  // Run again (and failed again: still no handler): one more attempt.
  await eventually(async () => (await failures()) > before);
  // Retry is the one change: pausing, emptying, adding or editing jobs is refused.
  for (const [method, path] of [
    ['put', '/admin/queues/api/queues/webhooks/pause'],
    ['put', '/admin/queues/api/queues/pause'],
    ['put', '/admin/queues/api/queues/notifications/empty'],
    ['put', '/admin/queues/api/queues/notifications/clean/completed'],
    ['post', '/admin/queues/api/queues/notifications/add'],
    ['patch', '/admin/queues/api/queues/notifications/board-retry-1/update-data'],
  ] as const) {
    const response = await app.http[method](path).set('Cookie', cookie).send({});
    expect([path, response.status]).toEqual([path, 403]);
  }
  expect(await queue.isPaused()).toBe(false);
});
