import type { Browser } from 'playwright-core';
import { startApp, stopApp, type TestApp } from '../helpers/app';
import { createCompany, createIn, WEEKDAYS_9_TO_18, type Company } from '../helpers/tenants';
import { adminLogin, launch, screenshot } from '../helpers/browser';

/**
 * In a real browser: a front-desk staff member of company A logs into /admin, opens the
 * appointments and sees only A's; a super admin sees both companies'.
 */
let app: TestApp;
let browser: Browser;
let a: Company;
let b: Company;
const PASSWORD = 'Browser-Test-1!';
// Other test files share the database: the list is filtered to this test's appointments (for everyone alike).
const MARK = `browser-tenancy-${Date.now()}`;

const createAdmin = async (email: string, roleId: number) =>
  app.strapi.service('admin::user').create({
    email,
    firstname: 'Browser',
    lastname: 'Test',
    password: PASSWORD,
    isActive: true,
    roles: [roleId],
    registrationToken: null,
  });

beforeAll(async () => {
  app = await startApp({ WEBHOOK_WORKER: 'off' }, { listen: true, admin: true });
  browser = await launch();
  a = await createCompany(app.strapi, { name: 'Salon Anemone', openingHours: WEEKDAYS_9_TO_18 });
  b = await createCompany(app.strapi, { name: 'Barbier Birke', openingHours: WEEKDAYS_9_TO_18 });
  for (const [company, name, start] of [
    [a, 'Anna Ahorn', '2031-03-04T09:00:00.000Z'],
    [a, 'Arne Aster', '2031-03-04T11:00:00.000Z'],
    [b, 'Bernd Buche', '2031-03-04T10:00:00.000Z'],
  ] as const) {
    const customer = await createIn(app.strapi, 'api::customer.customer', company.id, {
      name,
      phone: `+4930777${Math.floor(Math.random() * 1e6)}`,
    });
    await createIn(app.strapi, 'api::appointment.appointment', company.id, {
      startsAt: start,
      endsAt: new Date(Date.parse(start) + 1_800_000).toISOString(),
      state: 'confirmed',
      customer: customer.documentId,
      notes: MARK,
    });
  }
  const staffRole = await app.strapi.db
    .query('admin::role')
    .findOne({ where: { code: 'frontdesk-company-staff' } });
  const staffUser = await createAdmin('browser-staff-a@example.com', staffRole.id);
  await createIn(app.strapi, 'api::staff.staff', a.id, {
    name: 'Anna Staff',
    email: 'browser-staff-a@example.com',
    active: true,
    adminUser: staffUser.id,
  });
  await createAdmin(
    'browser-super@example.com',
    (await app.strapi.service('admin::role').getSuperAdmin()).id
  );
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await stopApp(app);
});

const appointmentsText = async (email: string, shot: string) => {
  const page = await adminLogin(browser, app.url as string, email, PASSWORD);
  await page.goto(
    `${app.url}/admin/content-manager/collection-types/api::appointment.appointment?page=1&pageSize=20&sort=startsAt:DESC&filters[$and][0][notes][$eq]=${MARK}`
  );
  await page.locator('table tbody tr').first().waitFor({ timeout: 30_000 });
  const text = await page.locator('table').innerText();
  await screenshot(page, shot);
  await page.context().close();
  return text;
};

it('staff of company A see only A’s appointments', async () => {
  const text = await appointmentsText('browser-staff-a@example.com', 'tenancy-staff-appointments');
  expect(text).toContain('Anna Ahorn');
  expect(text).toContain('Arne Aster');
  expect(text).not.toContain('Bernd Buche');
}, 90_000);

it('a super admin sees every company’s appointments', async () => {
  const text = await appointmentsText(
    'browser-super@example.com',
    'tenancy-super-admin-appointments'
  );
  expect(text).toContain('Anna Ahorn');
  expect(text).toContain('Bernd Buche');
}, 90_000);
