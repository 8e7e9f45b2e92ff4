import { startApp, stopApp, type TestApp } from '../helpers/app';
import { createCompany, type Company } from '../helpers/tenants';
import { eventually, fixtureFor, inboxRows, webhook } from '../helpers/retell';
import { ownRedis } from '../helpers/redis';

/**
 * Redis goes away while calls come in: every signed event is still written and answered 202,
 * and once Redis is back the sweeper queues what was left behind. Nothing acknowledged is
 * lost, nothing is applied twice. (A Redis server of this test's own, so it can be killed.)
 */
let app: TestApp;
let company: Company;
let redis: Awaited<ReturnType<typeof ownRedis>>;

beforeAll(async () => {
  redis = await ownRedis();
  app = await startApp({ REDIS_URL: redis.url, WEBHOOK_SWEEP_INTERVAL_MS: '500' });
  company = await createCompany(app.strapi);
});
afterAll(async () => {
  await stopApp(app);
  await redis?.stop();
});

it('acknowledges while Redis is down and processes everything once it returns', async () => {
  const before = fixtureFor('call_started', {
    callId: 'call_outage_before',
    agentId: company.retellAgentId,
  });
  expect((await webhook(app, before)).status).toBe(202);
  await eventually(
    async () => (await inboxRows(app, 'call_outage_before'))[0]?.state === 'processed'
  );

  await redis.stop();
  const callIds = Array.from({ length: 5 }, (_, index) => `call_outage_${index}`);
  for (const callId of callIds) {
    for (const event of ['call_started', 'call_ended', 'call_analyzed']) {
      const response = await webhook(
        app,
        fixtureFor(event, {
          callId,
          agentId: company.retellAgentId,
          caller: `+49305558${callId.slice(-1)}000`,
        })
      );
      expect(response.status).toBe(202);
      expect(response.body).toEqual({ status: 'accepted' });
    }
  }
  for (const callId of callIds) {
    expect((await inboxRows(app, callId)).map((row: { state: string }) => row.state)).toEqual([
      'received',
      'received',
      'received',
    ]);
  }

  await redis.start();
  await eventually(
    async () => {
      const rows = await app.strapi.db
        .connection('retell_webhook_events')
        .whereIn('call_id', callIds)
        .select('state');
      return (
        rows.length === 15 && rows.every((row: { state: string }) => row.state === 'processed')
      );
    },
    { timeoutMs: 30_000 }
  );
  const attempts = await app.strapi.db
    .connection('retell_webhook_events')
    .whereIn('call_id', callIds)
    .pluck('attempts');
  expect(attempts).toEqual(Array(15).fill(1));
  const calls = await app.strapi.db
    .connection('calls')
    .whereIn('retell_call_id', callIds)
    .select('state', 'summary');
  expect(calls).toHaveLength(5);
  expect(
    calls.every(
      (call: { state: string; summary: string }) => call.state === 'ended' && call.summary
    )
  ).toBe(true);
}, 90_000);
