import type { Browser } from 'playwright-core';
import { startApp, stopApp, type TestApp } from '../helpers/app';
import { createSuperAdmin } from '../helpers/tenants';
import { adminLogin, launch, screenshot } from '../helpers/browser';

/**
 * The queue dashboard in a real browser: a super admin logged in to the admin panel opens
 * /admin/queues in the same browser (the admin session's cookie is all it takes) and sees both
 * queues, and the REST API description at /admin/openapi; a browser without a session is sent to
 * the login. Screenshots in tests/output.
 */
let app: TestApp;
let browser: Browser;
beforeAll(async () => {
  app = await startApp({ WEBHOOK_WORKER: 'off' }, { listen: true, admin: true });
  browser = await launch();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await stopApp(app);
});

it('opens for a super admin from the admin session, and sends anybody else to the login', async () => {
  const admin = await createSuperAdmin(app);
  const page = await adminLogin(browser, app.url as string, admin.email, admin.password);
  await page.goto(`${app.url}/admin/queues`);
  await page.getByText('Frontdesk queues').waitFor();
  await page.getByRole('link', { name: 'webhooks' }).first().waitFor();
  await page.getByRole('link', { name: 'notifications' }).first().waitFor();
  await screenshot(page, 'queue-board');

  const anonymous = await browser.newPage();
  await anonymous.goto(`${app.url}/admin/queues`);
  await anonymous.waitForURL((url) => url.pathname.startsWith('/admin/auth/login'));
  await anonymous.close();
}, 60_000);

it('shows the REST API description (Swagger UI) to a super admin, from the admin session', async () => {
  const admin = await createSuperAdmin(app);
  const page = await adminLogin(browser, app.url as string, admin.email, admin.password);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${app.url}/admin/openapi`);
  await page.getByText('Frontdesk REST API').first().waitFor();
  // The operations by tag, folded: one tag opened shows its routes.
  await screenshot(page, 'openapi');
  await page.locator('.opblock-tag', { hasText: 'Appointment' }).first().click();
  await page.locator('.opblock-summary-path', { hasText: '/appointments/{id}' }).first().waitFor();
  expect(errors).toEqual([]);

  const anonymous = await browser.newPage();
  await anonymous.goto(`${app.url}/admin/openapi`);
  await anonymous.waitForURL((url) => url.pathname.startsWith('/admin/auth/login'));
  await anonymous.close();
}, 60_000);
