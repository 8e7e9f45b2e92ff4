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
  expect(counts.staff).toBe(3); // three stylists
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

  // The customer's page the demo prints opens, and still offers to move the appointment.
  expect(first.customerPage).toMatch(/^http:\/\/.+\/termin\/.+/);
  const page = await app.http
    .get(new URL(first.customerPage as string).pathname)
    .set('Accept', 'text/html');
  expect(page.status).toBe(200);
  expect(page.text).toContain('Termin verschieben');

  const second = await seedDemoTenant(app.strapi, { password: 'ignored' });
  expect(second).toMatchObject({
    companyId: first.companyId,
    companyCreated: false,
    admin: { created: false },
    staff: { created: false },
  });
  expect(await countRows(first.companyId)).toEqual(counts);
});

it('lays the demo appointments out per stylist: no overlaps, each with a stylist who does the service and is not away', async () => {
  const knex = app.strapi.db.connection;
  const company = await knex('companies').where('slug', 'salon-lindenblatt').first();
  const rows = await knex('appointments as a')
    .leftJoin('appointments_service_lnk as l', 'l.appointment_id', 'a.id')
    .leftJoin('services as s', 's.id', 'l.service_id')
    .where('a.company_id', company.id)
    .whereIn('a.state', ['confirmed', 'requested'])
    .orderBy(['a.staff_id', 'a.starts_at'])
    .select('a.staff_id', 'a.starts_at', 'a.ends_at', 's.id as service_id', 's.buffer_minutes');
  expect(rows.length).toBeGreaterThan(20);
  const stylists = new Set(rows.map((row) => row.staff_id));
  expect(stylists.size).toBe(3);
  expect(stylists.has(null)).toBe(false);
  for (let index = 1; index < rows.length; index += 1) {
    const [previous, row] = [rows[index - 1], rows[index]];
    if (previous.staff_id !== row.staff_id) continue;
    const free = new Date(previous.ends_at).getTime() + (previous.buffer_minutes ?? 0) * 60_000;
    expect(new Date(row.starts_at).getTime()).toBeGreaterThanOrEqual(free);
  }
  const skills = await knex('staff_members_services_lnk').select('staff_id', 'service_id');
  const absences = await knex('absences').where('company_id', company.id);
  expect(absences.length).toBeGreaterThanOrEqual(1);
  for (const row of rows) {
    const own = skills.filter((skill) => skill.staff_id === row.staff_id);
    if (own.length) expect(own.map((skill) => skill.service_id)).toContain(row.service_id);
    for (const absence of absences.filter(
      (item) => !item.staff_id || item.staff_id === row.staff_id
    ))
      expect(
        new Date(row.starts_at) >= new Date(absence.ends_at) ||
          new Date(row.ends_at) <= new Date(absence.starts_at)
      ).toBe(true);
  }
});
