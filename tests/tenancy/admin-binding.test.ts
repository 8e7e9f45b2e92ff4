import { startApp, stopApp, type TestApp } from '../helpers/app';
import {
  bindStaffEntry,
  createCompany,
  createIn,
  createIntegrator,
  createStaffAdmin,
  createSuperAdmin,
  createUnboundStaffUser,
  loginAdmin,
  type Company,
} from '../helpers/tenants';

/**
 * An admin-panel user works in the company whose staff entry is bound to them by id — a binding
 * only a super admin sets. Nothing a tenant can write changes it: not the user's own email (which
 * Strapi lets them change without a password), not a staff entry carrying someone else's email.
 */
let app: TestApp;
let a: Company;
let b: Company;
const CUSTOMERS = '/content-manager/collection-types/api::customer.customer';
const STAFF = '/content-manager/collection-types/api::staff.staff';

const customerNames = async (auth: Record<string, string>) => {
  const response = await app.http.get(`${CUSTOMERS}?pageSize=100`).set(auth);
  return response.status === 200
    ? (response.body.results as Array<{ name: string }>).map((row) => row.name).sort()
    : response.status;
};

beforeAll(async () => {
  app = await startApp({ WEBHOOK_WORKER: 'off' });
  a = await createCompany(app.strapi, { name: 'Salon Ahorn' });
  b = await createCompany(app.strapi, { name: 'Salon Birke' });
  await createIn(app.strapi, 'api::customer.customer', a.id, {
    name: 'Kundin A',
    phone: '+4930111000001',
  });
  await createIn(app.strapi, 'api::customer.customer', b.id, {
    name: 'Kundin B',
    phone: '+4930111000002',
  });
});

afterAll(() => stopApp(app));

it('staff who change their own email to another company’s staff email still see only their company, before and after a new login', async () => {
  const staffA = await createStaffAdmin(app, a.id);
  const staffB = await createStaffAdmin(app, b.id);
  expect(await customerNames(staffA.auth)).toEqual(['Kundin A']);

  const changed = await app.http
    .put('/admin/users/me')
    .set(staffA.auth)
    .send({ email: `b-${staffB.email}` });
  expect(changed.status).toBe(200);
  // B's staff entry carries that email now too (staff of B could have typed it): still no effect.
  await app.strapi.db
    .connection('staff_members')
    .where('id', staffB.staffEntry.id)
    .update({ email: `b-${staffB.email}` });

  expect(await customerNames(staffA.auth)).toEqual(['Kundin A']);
  const relogged = await loginAdmin(app, `b-${staffB.email}`);
  expect(await customerNames(relogged.auth)).toEqual(['Kundin A']);
  expect(await customerNames(staffB.auth)).toEqual(['Kundin B']);
});

it('a staff entry with another company’s staff email, written by staff or an integrator, binds nobody', async () => {
  const staffB = await createStaffAdmin(app, b.id);
  const staffA = await createStaffAdmin(app, a.id);
  const integratorA = await createIntegrator(app, a.id);

  const byStaff = await app.http
    .post(STAFF)
    .set(staffA.auth)
    .send({ name: 'Fake', email: staffB.email, active: true });
  expect(byStaff.status).toBe(201);
  const byIntegrator = await app.http
    .post('/api/staff-members')
    .set(integratorA.auth)
    .send({ data: { name: 'Fake 2', email: staffB.email, active: true } });
  expect(byIntegrator.status).toBe(201);

  expect(await customerNames(staffB.auth)).toEqual(['Kundin B']);
  // A user nobody bound sees nothing at all, whatever entries carry their email.
  const unbound = await createUnboundStaffUser(app);
  await app.http
    .post(STAFF)
    .set(staffA.auth)
    .send({ name: 'Future hire', email: unbound.email, active: true });
  expect(await customerNames(unbound.auth)).toBe(403);
});

it('only a super admin binds an admin user; staff and integrators cannot, and nothing is written when they try', async () => {
  const staffA = await createStaffAdmin(app, a.id);
  const integratorA = await createIntegrator(app, a.id);
  const target = await createUnboundStaffUser(app);
  const before = await app.strapi.db.connection('staff_members').count({ n: '*' }).first();

  const byIntegrator = await app.http
    .post('/api/staff-members')
    .set(integratorA.auth)
    .send({ data: { name: 'Hijack', email: 'x@example.com', active: true, adminUser: target.id } });
  expect(byIntegrator.status).toBeGreaterThanOrEqual(400);
  expect(byIntegrator.status).toBeLessThan(500);
  const updateOwn = await app.http
    .put(`/api/staff-members/${staffA.staffEntry.documentId}`)
    .set(integratorA.auth)
    .send({ data: { adminUser: target.id } });
  expect(updateOwn.status).toBeGreaterThanOrEqual(400);
  expect(updateOwn.status).toBeLessThan(500);

  // The content manager drops the field staff have no permission for; the binding stays unset.
  const byStaff = await app.http
    .post(STAFF)
    .set(staffA.auth)
    .send({
      name: 'Hijack 3',
      email: 'y@example.com',
      active: true,
      adminUser: { connect: [{ id: target.id }] },
    });
  if (byStaff.status === 201) {
    const row = await app.strapi.db
      .connection('staff_members')
      .where('document_id', byStaff.body.data.documentId)
      .first('admin_user_id');
    expect(row.admin_user_id).toBeNull();
    await app.strapi.db
      .connection('staff_members')
      .where('document_id', byStaff.body.data.documentId)
      .delete();
  } else {
    expect(byStaff.status).toBeGreaterThanOrEqual(400);
    expect(byStaff.status).toBeLessThan(500);
  }
  expect(await customerNames(target.auth)).toBe(403);
  const after = await app.strapi.db.connection('staff_members').count({ n: '*' }).first();
  expect(Number(after?.n)).toBe(Number(before?.n));
});

it('a super admin binds a user through the admin panel’s own relation shape, and the binding takes effect at once', async () => {
  const admin = await createSuperAdmin(app);
  const user = await createUnboundStaffUser(app);
  expect(await customerNames(user.auth)).toBe(403);

  const created = await app.http
    .post(STAFF)
    .set(admin.auth)
    .send({
      name: 'Neue Kollegin',
      email: user.email,
      active: true,
      company: {
        connect: [{ id: b.id, documentId: b.documentId, position: { end: true } }],
        disconnect: [],
      },
      adminUser: { connect: [{ id: user.id, position: { end: true } }], disconnect: [] },
    });
  expect(created.status).toBe(201);
  expect(await customerNames(user.auth)).toEqual(['Kundin B']);

  // Deactivating the entry ends the access, also at once.
  const deactivated = await app.http
    .put(`${STAFF}/${created.body.data.documentId}`)
    .set(admin.auth)
    .send({ active: false });
  expect(deactivated.status).toBe(200);
  expect(await customerNames(user.auth)).toBe(403);
});

it('one admin user is bound to one company at most', async () => {
  const user = await createUnboundStaffUser(app);
  await bindStaffEntry(app, a.id, user.id);
  await expect(bindStaffEntry(app, b.id, user.id)).rejects.toThrow();
  expect(await customerNames(user.auth)).toEqual(['Kundin A']);
});

it('a raw column name in the content manager moves nothing to another company and binds nobody', async () => {
  const staffA = await createStaffAdmin(app, a.id);
  const target = await createUnboundStaffUser(app);
  const customer = await createIn(app.strapi, 'api::customer.customer', a.id, {
    name: 'Kundin C',
    phone: '+4930111000003',
  });
  for (const [path, body] of [
    [`${STAFF}/${staffA.staffEntry.documentId}`, { company_id: b.id }],
    [`${STAFF}/${staffA.staffEntry.documentId}`, { admin_user_id: target.id }],
    [`${CUSTOMERS}/${customer.documentId}`, { company_id: b.id }],
  ] as const) {
    const response = await app.http.put(path).set(staffA.auth).send(body);
    expect([path, response.status]).toEqual([path, 400]);
  }
  const created = await app.http.post(STAFF).set(staffA.auth).send({
    name: 'Sneaky',
    email: 'sneaky@example.com',
    active: true,
    company_id: b.id,
    admin_user_id: target.id,
  });
  expect(created.status).toBe(400);
  expect(
    await app.strapi.db
      .connection('staff_members')
      .where('id', staffA.staffEntry.id)
      .first('company_id', 'admin_user_id')
  ).toMatchObject({ company_id: a.id, admin_user_id: staffA.id });
  expect(
    await app.strapi.db
      .connection('customers')
      .where('document_id', customer.documentId)
      .first('company_id')
  ).toMatchObject({ company_id: a.id });
  expect(await customerNames(staffA.auth)).toEqual(['Kundin A', 'Kundin C']);
  expect(await customerNames(target.auth)).toBe(403);
});
