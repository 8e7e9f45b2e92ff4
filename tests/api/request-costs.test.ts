import http from 'http';
import { randomBytes, createHmac } from 'crypto';
import type { AddressInfo } from 'net';
import { DateTime } from 'luxon';
import { settle, startApp, stopApp, type TestApp } from '../helpers/app';
import {
  asSystem,
  createCompany,
  createIn,
  createIntegrator,
  createSuperAdmin,
  type Company,
} from '../helpers/tenants';

/**
 * What an integrator's request costs the database, and that what is kept between requests to
 * make it cheap never outlives a change:
 * - statement budgets of the two REST routes of the load test (a regression here is a
 *   regression of the capacity bench), counted per request in /metrics as well;
 * - users-permissions' user, role permissions and settings are cached (auth-cache.ts,
 *   core-store-cache.ts), yet blocking a user, revoking a permission or switching on email
 *   confirmation applies to the very next request;
 * - a bearer token that is no API token is looked up once, yet an API token created with that
 *   key works at once;
 * - a write re-reads its document in full for the `entry.*` event only when a Strapi webhook
 *   asks for the event — and then the webhook receives it in full (entry-events.ts).
 */
let app: TestApp;
let company: Company;
let integrator: Awaited<ReturnType<typeof createIntegrator>>;
const ids = { service: '', customer: '' };
const METRICS = { Authorization: 'Bearer metrics-secret' };

const counted = async <T>(run: () => Promise<T>) => {
  await settle(app);
  const statements: string[] = [];
  const listener = (query: { sql: string }) => statements.push(query.sql);
  const client = app.strapi.db.connection.client as unknown as {
    on(event: 'query', fn: typeof listener): void;
    removeListener(event: 'query', fn: typeof listener): void;
  };
  client.on('query', listener);
  try {
    const result = await run();
    await settle(app);
    return { result, statements };
  } finally {
    client.removeListener('query', listener);
  }
};

let slot = 0;
const nextStart = () => {
  slot += 1;
  return DateTime.now()
    .setZone('Europe/Berlin')
    .startOf('week')
    .plus({ weeks: 3, days: 1, hours: 9, minutes: 30 * slot })
    .toUTC()
    .toISO() as string;
};
const book = () =>
  app.http
    .post('/api/appointments')
    .set(integrator.auth)
    .send({ data: { startsAt: nextStart(), service: ids.service, customer: ids.customer } });
const list = () => app.http.get('/api/appointments?sort=startsAt:asc').set(integrator.auth);

beforeAll(async () => {
  app = await startApp({ WEBHOOK_WORKER: 'off', METRICS_TOKEN: 'metrics-secret' });
  company = await createCompany(app.strapi, { slotMinutes: 30 });
  const service = await createIn(app.strapi, 'api::service.service', company.id, {
    name: 'Schnitt',
    durationMinutes: 30,
    active: true,
  });
  await createIn(app.strapi, 'api::staff.staff', company.id, {
    name: 'Mehmet Öztürk',
    email: 'mehmet@salon.example',
    active: true,
    services: [service.documentId],
  });
  const customer = await createIn(app.strapi, 'api::customer.customer', company.id, {
    name: 'Erika Muster',
    phone: '+4915112345678',
  });
  ids.service = service.documentId;
  ids.customer = customer.documentId;
  integrator = await createIntegrator(app, company.id);
  // Warm: the first request of a process reads what later ones find cached.
  expect((await book()).status).toBe(201);
  expect((await list()).status).toBe(200);
});
afterAll(() => stopApp(app));

describe('statement budgets', () => {
  it('lists appointments in 2 statements (the page and its count, neither in a transaction of its own)', async () => {
    const { result, statements } = await counted(list);
    expect(result.status).toBe(200);
    expect(statements.length).toBeLessThanOrEqual(2);
    expect(statements.filter((sql) => /^(BEGIN|COMMIT)/i.test(sql))).toEqual([]);
    expect(statements.join('\n')).not.toMatch(
      /up_users|up_permissions|strapi_api_tokens|core_store/
    );
  });

  it('books an appointment in at most 25 statements, with no full re-read after the commit', async () => {
    const { result, statements } = await counted(book);
    expect(result.status).toBe(201);
    expect(statements.length).toBeLessThanOrEqual(25);
    const afterCommit = statements.slice(statements.lastIndexOf('COMMIT;') + 1);
    expect(afterCommit).toEqual([]);
  });

  it('counts the statements of every request in /metrics, by route', async () => {
    const metrics = await app.http.get('/metrics').set(METRICS);
    expect(metrics.text).toMatch(
      /^frontdesk_http_db_statements_count\{route="\/api\/appointments",method="GET"\} [1-9]/m
    );
    const sum = Number(
      /^frontdesk_http_db_statements_sum\{route="\/api\/appointments",method="GET"\} (\S+)$/m.exec(
        metrics.text
      )?.[1]
    );
    expect(sum).toBeGreaterThan(0);
  });
});

describe('what is cached gives way to a change at once', () => {
  const users = () => app.strapi.db.query('plugin::users-permissions.user');

  it('a blocked integrator is refused at its next request, and let in again once unblocked', async () => {
    expect((await list()).status).toBe(200);
    await asSystem(() =>
      users().update({ where: { id: integrator.user.id }, data: { blocked: true } })
    );
    expect((await list()).status).toBe(401);
    await asSystem(() =>
      users().update({ where: { id: integrator.user.id }, data: { blocked: false } })
    );
    expect((await list()).status).toBe(200);
  });

  it('a permission taken from the role is refused at the next request, and given back at once', async () => {
    const permissions = app.strapi.db.query('plugin::users-permissions.permission');
    const action = 'api::appointment.appointment.find';
    const roleId = (
      await app.strapi.db
        .query('plugin::users-permissions.user')
        .findOne({ where: { id: integrator.user.id }, populate: ['role'] })
    ).role.id;
    expect((await list()).status).toBe(200);
    await asSystem(() => permissions.deleteMany({ where: { action, role: roleId } }));
    expect((await list()).status).toBe(403);
    await asSystem(() => permissions.create({ data: { action, role: roleId } }));
    expect((await list()).status).toBe(200);
  });

  it('email confirmation switched on in the settings refuses an unconfirmed integrator at once', async () => {
    const store = app.strapi.store({ type: 'plugin', name: 'users-permissions' });
    const advanced = (await store.get({ key: 'advanced' })) as Record<string, unknown>;
    await asSystem(() =>
      users().update({ where: { id: integrator.user.id }, data: { confirmed: false } })
    );
    try {
      expect((await list()).status).toBe(200); // confirmation off: confirmed does not matter
      await store.set({ key: 'advanced', value: { ...advanced, email_confirmation: true } });
      expect((await list()).status).toBe(401);
    } finally {
      await store.set({ key: 'advanced', value: advanced });
      await asSystem(() =>
        users().update({ where: { id: integrator.user.id }, data: { confirmed: true } })
      );
    }
    expect((await list()).status).toBe(200);
  });

  it('a bearer token refused as unknown works at once when an API token with that key is created', async () => {
    const token = randomBytes(128).toString('hex');
    const auth = { Authorization: `Bearer ${token}` };
    expect((await app.http.get('/api/appointments').set(auth)).status).toBe(401);
    expect((await app.http.get('/api/appointments').set(auth)).status).toBe(401);
    const salt = app.strapi.config.get('admin.apiToken.salt') as string;
    await app.strapi.db.query('admin::api-token').create({
      data: {
        name: `ops-${randomBytes(3).toString('hex')}`,
        description: '',
        type: 'read-only',
        kind: 'content-api',
        accessKey: createHmac('sha512', salt).update(token).digest('hex'),
        lifespan: null,
        expiresAt: null,
      },
    });
    // An operator's token: cross-tenant, read-only.
    const response = await app.http.get('/api/appointments').set(auth);
    expect(response.status).toBe(200);
  });
});

describe('entry events', () => {
  it('re-read the written document in full for a Strapi webhook that asks for it', async () => {
    const received: Array<{ event: string; entry: Record<string, unknown> }> = [];
    const receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        received.push(JSON.parse(body));
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', () => resolve()));
    const admin = await createSuperAdmin(app);
    const created = await app.http
      .post('/admin/webhooks')
      .set(admin.auth)
      .send({
        name: 'booked',
        url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
        headers: {},
        events: ['entry.create'],
      });
    try {
      expect([created.status, created.body?.error?.message]).toEqual([201, undefined]);
      const booked = await book();
      expect(booked.status).toBe(201);
      const deadline = Date.now() + 10_000;
      const ofBooking = () =>
        received.find(
          (item) =>
            item.event === 'entry.create' && item.entry.documentId === booked.body.data.documentId
        );
      while (!ofBooking() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(ofBooking()?.entry).toMatchObject({
        customer: { documentId: ids.customer, name: 'Erika Muster' },
        service: { documentId: ids.service, name: 'Schnitt' },
      });
    } finally {
      if (created.body?.data?.id)
        await app.http.delete(`/admin/webhooks/${created.body.data.id}`).set(admin.auth);
      await new Promise((resolve) => receiver.close(resolve));
    }
    // The webhook gone, a write costs what it writes again.
    const { statements } = await counted(book);
    expect(statements.slice(statements.lastIndexOf('COMMIT;') + 1)).toEqual([]);
  });
});
