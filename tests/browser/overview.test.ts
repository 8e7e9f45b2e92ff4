import { DateTime } from 'luxon';
import type { Browser } from 'playwright-core';
import { startApp, stopApp, type TestApp } from '../helpers/app';
import { createCompany, createIn, type Company } from '../helpers/tenants';
import { adminLogin, launch, screenshot } from '../helpers/browser';

/**
 * The manager's morning, in a real browser: staff log in, open the overview, see the figures
 * and today's appointments, mark a customer who did not come as no-show, and the no-show rate
 * changes. The screenshot is left in tests/output for a reviewer.
 */
let app: TestApp;
let browser: Browser;
let company: Company;
const PASSWORD = 'Overview-Test-1!';
const EMAIL = 'overview-staff@example.com';

beforeAll(async () => {
  app = await startApp({ WEBHOOK_WORKER: 'off' }, { listen: true, admin: true });
  browser = await launch();
  company = await createCompany(app.strapi, { name: 'Salon Kastanie' });
  const service = await createIn(app.strapi, 'api::service.service', company.id, {
    name: 'Waschen, Schneiden, Föhnen',
    durationMinutes: 60,
    active: true,
  });
  const today = DateTime.now().setZone('Europe/Berlin').startOf('day');
  for (const [index, name] of ['Greta Garbe', 'Hugo Holz'].entries()) {
    const customer = await createIn(app.strapi, 'api::customer.customer', company.id, {
      name,
      phone: `+4930888${index}${company.id}`,
    });
    await createIn(app.strapi, 'api::appointment.appointment', company.id, {
      startsAt: today
        .plus({ minutes: 30 + index * 90 })
        .toUTC()
        .toISO(),
      endsAt: today
        .plus({ minutes: 90 + index * 90 })
        .toUTC()
        .toISO(),
      state: index === 0 ? 'confirmed' : 'completed',
      customer: customer.documentId,
      service: service.documentId,
    });
  }
  await createIn(app.strapi, 'api::call.call', company.id, {
    retellCallId: `call_browser_${company.id}`,
    state: 'ended',
    durationMs: 95_000,
    summary: 'Greta hat einen Termin gebucht.',
  });
  const role = await app.strapi.db
    .query('admin::role')
    .findOne({ where: { code: 'frontdesk-company-staff' } });
  const user = await app.strapi.service('admin::user').create({
    email: EMAIL,
    firstname: 'Front',
    lastname: 'Desk',
    password: PASSWORD,
    isActive: true,
    roles: [role.id],
    registrationToken: null,
  });
  await createIn(app.strapi, 'api::staff.staff', company.id, {
    name: 'Front Desk',
    email: EMAIL,
    active: true,
    adminUser: user.id,
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await stopApp(app);
});

it('shows the figures and today’s appointments, and a no-show changes the no-show rate', async () => {
  const page = await adminLogin(browser, app.url as string, EMAIL, PASSWORD);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));

  await page.getByRole('link', { name: 'Overview' }).first().click();
  await page.waitForURL(/\/admin\/plugins\/overview/);
  const kpis = page.locator('section[aria-labelledby="kpis-title"]');
  const noShow = page.getByTestId('kpi-no-show').locator('[data-kpi-value]');
  await noShow.waitFor();
  expect(await noShow.innerText()).toBe('0.0 %');
  expect(await page.getByTestId('kpi-calls').locator('[data-kpi-value]').innerText()).toBe('1');

  const today = page.getByTestId('appointments-today');
  await today.getByText('Greta Garbe').waitFor();
  expect(await today.innerText()).toContain('Hugo Holz');
  await screenshot(page, 'overview-before-no-show');

  await today
    .locator('tr', { hasText: 'Greta Garbe' })
    .getByRole('button', { name: 'Change state' })
    .click();
  await page.getByRole('menuitem', { name: 'Mark no-show' }).click();
  await page.waitForFunction(
    () =>
      document.querySelector('[data-testid="kpi-no-show"] [data-kpi-value]')?.textContent ===
      '50.0 %'
  );
  expect(await kpis.getByTestId('kpi-no-show').innerText()).toContain('1 no-shows, 1 attended');
  await screenshot(page, 'overview');
  expect(errors).toEqual([]);
  await page.context().close();
}, 90_000);
