import type { Browser } from 'playwright-core';
import { startApp, stopApp, type TestApp } from '../helpers/app';
import { createCompany, createStaffAdmin, type Company } from '../helpers/tenants';
import { adminLogin, launch, screenshot } from '../helpers/browser';
import { callFunction, eventually, fixtureFor, webhook } from '../helpers/retell';

/**
 * Retell in the admin, in a real browser: the company's page shows the URLs to configure and
 * whether its agent has sent anything yet; a call-back request the agent took shows on the
 * overview and is marked done there. Screenshots in tests/output.
 */
let app: TestApp;
let browser: Browser;
let company: Company;
let staff: Awaited<ReturnType<typeof createStaffAdmin>>;

beforeAll(async () => {
  app = await startApp({ WEBHOOK_WORKER: 'on' }, { listen: true, admin: true });
  browser = await launch();
  company = await createCompany(app.strapi, { name: 'Salon Admin-Retell' });
  staff = await createStaffAdmin(app, company.id);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await stopApp(app);
});

it('the company page says where Retell must send what, and when its agent last did', async () => {
  const page = await adminLogin(browser, app.url as string, staff.email, staff.password);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  const edit = `${app.url}/admin/content-manager/collection-types/api::company.company/${company.documentId}`;
  await page.goto(edit);
  const panel = page.getByTestId('retell-status');
  await panel.waitFor();
  await page.getByText('No event from its agent yet.').waitFor();
  await page.getByText(`${app.url}/api/retell/inbound`).waitFor();
  await page.getByText(`${app.url}/api/retell/webhook`).waitFor();

  const body = fixtureFor('call_started', {
    callId: 'call_admin_panel',
    agentId: company.retellAgentId,
  });
  expect((await webhook(app, body)).status).toBe(202);
  await page.reload();
  await page.getByText(/^Last event from its agent: /).waitFor();
  await screenshot(page, 'company-retell-panel');
  expect(errors).toEqual([]);
  await page.context().close();
}, 120_000);

it('a call-back request shows on the overview and is marked done there', async () => {
  const answer = await callFunction(app, 'request_callback', {
    name: 'request_callback',
    call: {
      call_id: 'call_admin_callback',
      agent_id: company.retellAgentId,
      direction: 'inbound',
      from_number: '+4930555013344',
      to_number: '+49305550100',
      call_status: 'ongoing',
    },
    args: { reason: 'Möchte einen Gutschein kaufen', preferred_time: 'heute Nachmittag' },
  });
  expect(answer.body.success).toBe(true);
  const page = await adminLogin(browser, app.url as string, staff.email, staff.password);
  await page.goto(`${app.url}/admin/plugins/overview`);
  const row = page.getByTestId(`callback-${answer.body.callback_id}`);
  await row.waitFor();
  expect(await row.innerText()).toContain('Möchte einen Gutschein kaufen');
  await screenshot(page, 'overview-callbacks');
  await row.getByRole('button', { name: 'Called back' }).click();
  await eventually(
    async () =>
      (
        await app.strapi.db
          .connection('callback_requests')
          .where('document_id', answer.body.callback_id)
          .first()
      )?.state === 'done'
  );
  await row.getByText('done').waitFor();
  await page.context().close();
}, 120_000);
