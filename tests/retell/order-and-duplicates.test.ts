import { startApp, stopApp, type TestApp } from '../helpers/app';
import { asSystem, createCompany, type Company } from '../helpers/tenants';
import { eventually, fixtureFor, inboxRows, webhook } from '../helpers/retell';

/**
 * Retell retries on any non-2xx and does not hold later events back, so events arrive twice,
 * late and out of order. Whatever the order and however often, the final rows are the same.
 */
let app: TestApp;
let company: Company;

beforeAll(async () => {
  app = await startApp({ WEBHOOK_CONCURRENCY: '4' });
  company = await createCompany(app.strapi);
});
afterAll(() => stopApp(app));

const EVENTS = ['call_started', 'call_ended', 'call_analyzed'] as const;

const deliver = async (callId: string, order: readonly string[], caller: string) => {
  for (const event of order) {
    const response = await webhook(
      app,
      fixtureFor(event, { callId, agentId: company.retellAgentId, caller })
    );
    expect([200, 202]).toContain(response.status);
  }
  await eventually(async () => {
    const rows = await inboxRows(app, callId);
    return rows.length === 3 && rows.every((row: { state: string }) => row.state === 'processed');
  });
};

/** The call and its customer, without ids and timestamps, with this call's id and number as placeholders. */
const finalRows = (callId: string) =>
  asSystem(async () => {
    const call = await app.strapi.db
      .query('api::call.call')
      .findOne({ where: { retellCallId: callId }, populate: ['customer'] });
    const { id, documentId, createdAt, updatedAt, publishedAt, customer, ...rest } = call;
    void [id, documentId, createdAt, updatedAt, publishedAt];
    const fields = JSON.parse(
      JSON.stringify(rest).split(callId).join('<call>').split(customer.phone).join('<caller>')
    );
    const customers = await app.strapi.db
      .query('api::customer.customer')
      .count({ where: { company: { id: company.id }, phone: customer.phone } });
    return { fields, customers };
  });

it('gives the same rows in order, reversed, and with every event three times', async () => {
  await deliver('call_order_a', EVENTS, '+4930555100001');
  await deliver('call_order_b', [...EVENTS].reverse(), '+4930555100002');
  const shuffled = [
    'call_analyzed',
    'call_started',
    'call_analyzed',
    'call_ended',
    'call_started',
    'call_ended',
    'call_analyzed',
    'call_ended',
    'call_started',
  ];
  await deliver('call_order_c', shuffled, '+4930555100003');

  const inOrder = await finalRows('call_order_a');
  expect(inOrder.fields).toMatchObject({
    state: 'ended',
    durationMs: 85700,
    sentiment: 'Positive',
    successful: true,
  });
  expect(inOrder.fields.summary).toBeTruthy();
  expect(inOrder.customers).toBe(1);

  for (const other of ['call_order_b', 'call_order_c']) {
    const rows = await finalRows(other);
    expect(rows.fields).toEqual(inOrder.fields);
    expect(rows.customers).toBe(1);
  }
  // three deliveries of each event, one row each, applied once
  expect(await inboxRows(app, 'call_order_c')).toMatchObject([
    { state: 'processed', attempts: 1 },
    { state: 'processed', attempts: 1 },
    { state: 'processed', attempts: 1 },
  ]);
});

it('applies events of one call delivered at the same moment without losing any', async () => {
  await Promise.all(
    EVENTS.map((event) =>
      webhook(
        app,
        fixtureFor(event, {
          callId: 'call_parallel',
          agentId: company.retellAgentId,
          caller: '+4930555100004',
        })
      )
    )
  );
  await eventually(async () =>
    (await inboxRows(app, 'call_parallel')).every(
      (row: { state: string }) => row.state === 'processed'
    )
  );
  const parallel = await finalRows('call_parallel');
  const inOrder = await finalRows('call_order_a');
  expect(parallel.fields).toEqual(inOrder.fields);
});

it('never lets call_ended overwrite the analysis, nor an earlier state win', async () => {
  await deliver('call_late_end', ['call_started', 'call_analyzed', 'call_ended'], '+4930555100005');
  const late = await finalRows('call_late_end');
  expect(late.fields.state).toBe('ended');
  expect(late.fields.summary).toMatch(/Miriam Sommerfeld/);
});
