import { randomBytes } from 'crypto';
import { startApp, stopApp, type TestApp } from '../helpers/app';
import { createCompany, createSuperAdmin, type Company } from '../helpers/tenants';

/**
 * The `company` join column of every type — the users-permissions user (an integrator's
 * binding) included — takes every relation shape the admin panel and Strapi's REST documentation
 * use; any other shape is a 400 that writes nothing. (A documentId here once aborted the
 * transaction and took the whole process down; the admin panel's own shape was refused.)
 */
let app: TestApp;
let a: Company;
let b: Company;
let admin: Awaited<ReturnType<typeof createSuperAdmin>>;
let integratorRoleId: number;

const tag = () => randomBytes(4).toString('hex');
type Kind = { uid: string; table: string; data: () => Record<string, unknown> };
let minute = 0;
const KINDS: Kind[] = [
  {
    uid: 'api::service.service',
    table: 'services',
    data: () => ({ name: `Service ${tag()}`, durationMinutes: 30, active: true }),
  },
  {
    uid: 'api::staff.staff',
    table: 'staff_members',
    data: () => ({ name: `Staff ${tag()}`, email: `s-${tag()}@example.com`, active: true }),
  },
  {
    uid: 'api::customer.customer',
    table: 'customers',
    data: () => ({
      name: `Kunde ${tag()}`,
      phone: `+4930${Math.floor(1e7 + Math.random() * 8e7)}`,
    }),
  },
  {
    uid: 'api::appointment.appointment',
    table: 'appointments',
    data: () => {
      minute += 60;
      const start = new Date(Date.UTC(2035, 0, 1) + minute * 60_000);
      return {
        startsAt: start.toISOString(),
        endsAt: new Date(start.getTime() + 1_800_000).toISOString(),
        state: 'completed',
      };
    },
  },
  {
    uid: 'api::call.call',
    table: 'calls',
    data: () => ({ retellCallId: `call_shape_${tag()}`, state: 'ended' }),
  },
  {
    uid: 'plugin::users-permissions.user',
    table: 'up_users',
    data: () => ({
      username: `int-${tag()}`,
      email: `int-${tag()}@example.com`,
      password: 'Integrator-1',
      confirmed: true,
      blocked: false,
      role: integratorRoleId,
    }),
  },
];

/** The content manager answers `{ data }`; its users-permissions user routes answer the user itself. */
const documentIdOf = (body: { data?: { documentId: string }; documentId?: string }) =>
  (body.data?.documentId ?? body.documentId) as string;
const cm = (uid: string) => `/content-manager/collection-types/${uid}`;
const companyOf = async (table: string, documentId: string) =>
  (await app.strapi.db.connection(table).where('document_id', documentId).first('company_id'))
    ?.company_id ?? null;
const count = async (table: string) =>
  Number((await app.strapi.db.connection(table).count({ n: '*' }).first())?.n);
const healthy = async () => expect((await app.http.get('/_health')).status).toBe(204);

beforeAll(async () => {
  app = await startApp({ WEBHOOK_WORKER: 'off' });
  a = await createCompany(app.strapi);
  b = await createCompany(app.strapi);
  admin = await createSuperAdmin(app);
  integratorRoleId = (
    await app.strapi.db
      .query('plugin::users-permissions.role')
      .findOne({ where: { type: 'integrator' } })
  ).id;
});
afterAll(() => stopApp(app));

const validShapes = () =>
  [
    ['a numeric id', b.id],
    ['a documentId', b.documentId],
    [
      'the admin panel’s connect with position',
      {
        connect: [{ id: b.id, documentId: b.documentId, position: { end: true } }],
        disconnect: [],
      },
    ],
    ['connect by documentId', { connect: [{ documentId: b.documentId }] }],
    ['connect with a bare documentId', { connect: [b.documentId] }],
    ['set', { set: [{ documentId: b.documentId }] }],
    ['set by id', { set: [{ id: b.id }] }],
    ['an object with an id', { id: b.id }],
    ['a one-item array', [b.documentId]],
  ] as const;

const VALID_SHAPE_NAMES = [
  'a numeric id',
  'a documentId',
  'the admin panel’s connect with position',
  'connect by documentId',
  'connect with a bare documentId',
  'set',
  'set by id',
  'an object with an id',
  'a one-item array',
];

const invalidShapes = () =>
  [
    ['an unknown object', { foo: 1 }],
    ['a boolean', true],
    ['a fraction', 1.5],
    ['a negative id', -3],
    ['a documentId nobody has', 'x0000000000000000000000'],
    ['two companies', [a.documentId, b.documentId]],
    ['connect to a missing id', { connect: [{ id: 2_000_000_000 }] }],
    ['an id beyond the integer range', 99_999_999_999],
    ['a huge string', 'z'.repeat(100_000)],
    ['connect with two', { connect: [{ id: a.id }, { id: b.id }] }],
    ['a nested mess', { connect: [{ connect: [{ id: b.id }] }] }],
  ] as const;

describe.each(KINDS.map((kind) => [kind.uid, kind] as const))('%s', (_uid, kind) => {
  it.each(VALID_SHAPE_NAMES)('binds to a company given %s', async (name) => {
    const shape = validShapes().find(([label]) => label === name)?.[1];
    const created = await app.http
      .post(cm(kind.uid))
      .set(admin.auth)
      .send({ ...kind.data(), company: shape });
    expect([created.status, created.body?.error?.message]).toEqual([201, undefined]);
    expect(await companyOf(kind.table, documentIdOf(created.body))).toBe(b.id);
  });

  it('is moved, unlinked or left alone by the update shapes', async () => {
    const created = await app.http
      .post(cm(kind.uid))
      .set(admin.auth)
      .send({ ...kind.data(), company: a.id });
    expect(created.status).toBe(201);
    const documentId = documentIdOf(created.body);
    const update = (company: unknown) =>
      app.http
        .put(`${cm(kind.uid)}/${documentId}`)
        .set(admin.auth)
        .send({ company });

    expect(
      (
        await update({
          connect: [{ id: b.id, documentId: b.documentId, position: { end: true } }],
          disconnect: [{ id: a.id }],
        })
      ).status
    ).toBe(200);
    expect(await companyOf(kind.table, documentId)).toBe(b.id);
    expect((await update({ connect: [], disconnect: [] })).status).toBe(200);
    expect(await companyOf(kind.table, documentId)).toBe(b.id);
    expect((await update({ disconnect: [{ id: b.id }] })).status).toBe(200);
    expect(await companyOf(kind.table, documentId)).toBeNull();
  });

  it('refuses every other shape with a 400 and writes nothing, and the process keeps serving', async () => {
    for (const [name, shape] of invalidShapes()) {
      const before = await count(kind.table);
      const response = await app.http
        .post(cm(kind.uid))
        .set(admin.auth)
        .send({ ...kind.data(), company: shape });
      expect([name, response.status]).toEqual([name, 400]);
      expect(response.body).toMatchObject({ data: null, error: { status: 400 } });
      expect(await count(kind.table)).toBe(before);
    }
    await healthy();
  });
});

it('an integrator created in the admin with the company’s documentId can call the REST API for that company', async () => {
  const email = `int-${tag()}@example.com`;
  const created = await app.http
    .post(cm('plugin::users-permissions.user'))
    .set(admin.auth)
    .send({
      username: `int-${tag()}`,
      email,
      password: 'Integrator-1',
      confirmed: true,
      blocked: false,
      role: integratorRoleId,
      company: b.documentId,
    });
  expect(created.status).toBe(201);
  const login = await app.http
    .post('/api/auth/local')
    .send({ identifier: email, password: 'Integrator-1' });
  expect(login.status).toBe(200);
  const companies = await app.http
    .get('/api/companies')
    .set({ Authorization: `Bearer ${login.body.jwt}` });
  expect(companies.status).toBe(200);
  expect(companies.body.data.map((row: { documentId: string }) => row.documentId)).toEqual([
    b.documentId,
  ]);
  await healthy();
});
