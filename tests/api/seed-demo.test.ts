import { startApp, stopApp, type TestApp } from '../helpers/app';
import { asSystem } from '../helpers/tenants';

/** `npm run seed:demo` builds a believable tenant, and running it again changes nothing. */
let app: TestApp;
beforeAll(async () => {
  app = await startApp({ WEBHOOK_WORKER: 'off' });
});
afterAll(() => stopApp(app));

const countRows = async (companyId: number) =>
  asSystem(async () => {
    const count = (uid: string) =>
      app.strapi.db.query(uid as never).count({ where: { company: { id: companyId } } });
    return {
      services: await count('api::service.service'),
      staff: await count('api::staff.staff'),
      customers: await count('api::customer.customer'),
      appointments: await count('api::appointment.appointment'),
      calls: await count('api::call.call'),
    };
  });

it('seeds the demo tenant once, with its admin logins, and is idempotent', async () => {
  const { seedDemoTenant } =
    require('../../dist/src/seed/demo-tenant') as typeof import('../../src/seed/demo-tenant');
  const first = await seedDemoTenant(app.strapi, { password: 'Demo-Passw0rd!' });
  expect(first.companyCreated).toBe(true);
  const counts = await countRows(first.companyId);
  expect(counts.services).toBe(3);
  expect(counts.staff).toBe(2);
  expect(counts.customers).toBe(20);
  expect(counts.appointments).toBe(100);
  expect(counts.calls).toBe(30);

  const company = await asSystem(() =>
    app.strapi.db
      .query('api::company.company')
      .findOne({ where: { id: first.companyId }, populate: ['openingHours'] })
  );
  expect(company.openingHours.length).toBeGreaterThanOrEqual(5);

  const login = await app.http
    .post('/admin/login')
    .send({ email: first.admin.email, password: 'Demo-Passw0rd!' });
  expect(login.status).toBe(200);
  const staffLogin = await app.http
    .post('/admin/login')
    .send({ email: first.staff.email, password: 'Demo-Passw0rd!' });
  expect(staffLogin.status).toBe(200);

  const second = await seedDemoTenant(app.strapi, { password: 'ignored' });
  expect(second).toMatchObject({
    companyId: first.companyId,
    companyCreated: false,
    admin: { created: false },
    staff: { created: false },
  });
  expect(await countRows(first.companyId)).toEqual(counts);
});

it('lays the demo appointments out without overlaps, inside opening hours', async () => {
  const rows = await app.strapi.db
    .connection('appointments as a')
    .join('companies as c', 'c.id', 'a.company_id')
    .where('c.slug', 'salon-lindenblatt')
    .whereNot('a.state', 'cancelled')
    .orderBy('a.starts_at')
    .select('a.starts_at', 'a.ends_at');
  for (let index = 1; index < rows.length; index += 1) {
    expect(new Date(rows[index].starts_at).getTime()).toBeGreaterThanOrEqual(
      new Date(rows[index - 1].ends_at).getTime()
    );
  }
});
