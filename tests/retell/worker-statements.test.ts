import { startApp, stopApp, type TestApp } from '../helpers/app';
import { asSystem, createCompany, createStaffAdmin, type Company } from '../helpers/tenants';
import { eventually, fixtureFor, inboxRows, webhook } from '../helpers/retell';

/**
 * The worker's hot path: a call_started is one claim, one transaction (customer, call, link)
 * and one finish — at most 10 SQL statements, BEGIN and COMMIT included, counted by the job
 * runner and exported as `frontdesk_job_db_statements`. The rows it writes are what the
 * Document Service would have written (documentId, defaults, timestamps, the customer's list of
 * calls in order), only in the company of the event, and the overview's figures follow at once.
 */
const METRICS = { Authorization: 'Bearer statements-secret' };
const CALLER = '+49305550188';
let app: TestApp;
let salon: Company;
let other: Company;

beforeAll(async () => {
  app = await startApp({ METRICS_TOKEN: 'statements-secret' });
  salon = await createCompany(app.strapi);
  other = await createCompany(app.strapi);
});
afterAll(() => stopApp(app));

const started = async (company: Company, callId: string, caller = CALLER) => {
  const response = await webhook(
    app,
    fixtureFor('call_started', { callId, agentId: company.retellAgentId, caller })
  );
  expect(response.status).toBe(202);
  await eventually(async () => {
    const rows = (await inboxRows(app, callId)).filter(
      (row: { company_id: number }) => Number(row.company_id) === company.id
    );
    return rows.length === 1 && rows[0].state === 'processed' ? rows : null;
  });
};

/** Per job of this name: how many ran, and how many of them issued at most `limit` statements. */
const statementHistogram = async (job: string, limit: number) => {
  const text = (await app.http.get('/metrics').set(METRICS)).text;
  const value = (pattern: RegExp) => Number(text.match(pattern)?.[1] ?? NaN);
  const labels = `queue="webhooks",job="${job}"`;
  return {
    count: value(new RegExp(`^frontdesk_job_db_statements_count\\{${labels}\\} (\\d+)$`, 'm')),
    within: value(
      new RegExp(`^frontdesk_job_db_statements_bucket\\{le="${limit}",${labels}\\} (\\d+)$`, 'm')
    ),
    sum: value(new RegExp(`^frontdesk_job_db_statements_sum\\{${labels}\\} (\\d+)$`, 'm')),
  };
};

it('applies call_started in at most 10 statements, a new caller or a known one', async () => {
  // The first event of a company in a process reads its booking view (2 statements), then kept.
  await started(salon, 'call_statements_0', '+49305550177');
  const before = await statementHistogram('call_started', 10);
  await started(salon, 'call_statements_1'); // a new customer
  await started(salon, 'call_statements_2'); // the same customer again
  const after = await statementHistogram('call_started', 10);
  expect(after.count - (before.count || 0)).toBe(2);
  expect(after.within - (before.within || 0)).toBe(2);
  expect(after.sum - (before.sum || 0)).toBeLessThanOrEqual(20);
});

it('writes the rows the Document Service would have, in the event’s company only', async () => {
  await started(other, 'call_statements_1'); // the same call id and caller, another company
  await asSystem(async () => {
    const customers = await app.strapi.db.query('api::customer.customer').findMany({
      where: { phone: CALLER },
      populate: { company: true, calls: { orderBy: { id: 'asc' } } },
      orderBy: { id: 'asc' },
    });
    expect(customers).toHaveLength(2);
    const [ours, theirs] = customers;
    expect(ours).toMatchObject({
      company: { id: salon.id },
      reminderChannel: 'email',
      unverifiedPhone: false,
      name: null,
    });
    expect(ours.documentId).toMatch(/^[a-z0-9]{20,}$/);
    expect(ours.publishedAt).toBeTruthy();
    expect(ours.createdAt).toBeTruthy();
    expect(ours.calls.map((call: { retellCallId: string }) => call.retellCallId)).toEqual([
      'call_statements_1',
      'call_statements_2',
    ]);
    expect(theirs.company.id).toBe(other.id);
    expect(theirs.calls.map((call: { retellCallId: string }) => call.retellCallId)).toEqual([
      'call_statements_1',
    ]);
    const call = await app.strapi.documents('api::call.call').findFirst({
      filters: { retellCallId: 'call_statements_1', company: { id: salon.id } },
      populate: ['customer', 'company'],
    });
    expect(call).toMatchObject({
      state: 'ongoing',
      direction: 'inbound',
      fromNumber: CALLER,
      customer: { id: ours.id },
      company: { id: salon.id },
    });
    expect(call?.documentId).toMatch(/^[a-z0-9]{20,}$/);
    expect(call?.startedAt).toBeTruthy();
  });
});

it('drops the overview’s cached figures when the worker writes a call', async () => {
  const staff = await createStaffAdmin(app, salon.id);
  const kpis = async () =>
    (await app.http.get('/overview/kpis?period=today').set(staff.auth)).body.data.calls;
  const cached = await kpis();
  expect(await kpis()).toBe(cached); // now served from the cache
  await started(salon, 'call_statements_3');
  expect(await kpis()).toBe(cached + 1);
});

it('keeps the schema’s limits and the product’s own fields on lean writes', async () => {
  // The app's own modules (the compiled ones it runs: one scope store).
  const { insertScoped } =
    require('../../dist/src/support/rows') as typeof import('../../src/support/rows');
  const { runAsCompany } =
    require('../../dist/src/tenancy/scope') as typeof import('../../src/tenancy/scope');
  await expect(
    runAsCompany(salon.id, () =>
      insertScoped(app.strapi, 'api::customer.customer', {
        phone: '+49305550198',
        name: 'x'.repeat(201),
      })
    )
  ).rejects.toThrow('name must be at most 200 characters');
  const created = await runAsCompany(salon.id, () =>
    insertScoped(app.strapi, 'api::customer.customer', {
      phone: '+49305550197',
      documentId: 'chosen-by-the-caller',
      createdAt: '2000-01-01T00:00:00.000Z',
    })
  );
  expect(created?.documentId).not.toBe('chosen-by-the-caller');
  expect(new Date(created?.createdAt as string).getFullYear()).toBeGreaterThan(2000);
});

it('refuses a lean write outside a company scope', async () => {
  const { insertScoped } = await import('../../src/support/rows');
  await expect(
    asSystem(() =>
      insertScoped(app.strapi, 'api::customer.customer', { phone: '+49305550199' }, {})
    )
  ).rejects.toThrow('not bound to a company');
  await expect(
    insertScoped(app.strapi, 'api::customer.customer', { phone: '+49305550199' }, {})
  ).rejects.toThrow('not bound to a company');
});
