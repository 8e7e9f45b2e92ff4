import { startApp, stopApp, type TestApp } from '../helpers/app';
import { createCompany, createStaffAdmin, type Company } from '../helpers/tenants';
import { eventually, fixtureFor, inboxRows, webhook } from '../helpers/retell';

/**
 * A failed event stays visible to its company's staff with the error, and a replay from the
 * admin re-queues it once the cause is gone. Staff of another company can neither see nor
 * replay it.
 */
let app: TestApp;
let company: Company;
let other: Company;
let staff: Awaited<ReturnType<typeof createStaffAdmin>>;
let otherStaff: Awaited<ReturnType<typeof createStaffAdmin>>;
const CM = '/content-manager/collection-types/plugin::retell.webhook-event';
type QueueEvent = { documentId: string; callId: string; state: string; event: string };

beforeAll(async () => {
  app = await startApp({ WEBHOOK_ATTEMPTS: '1' });
  company = await createCompany(app.strapi);
  other = await createCompany(app.strapi);
  staff = await createStaffAdmin(app, company.id);
  otherStaff = await createStaffAdmin(app, other.id);
});
afterAll(async () => {
  await app.strapi.db.connection.raw(
    'ALTER TABLE calls DROP CONSTRAINT IF EXISTS test_refuse_replay_call'
  );
  await stopApp(app);
});

it('shows a failed event to its staff and replays it once the cause is fixed', async () => {
  // A transient fault: the database refuses this call's row for a while.
  await app.strapi.db.connection.raw(
    "ALTER TABLE calls ADD CONSTRAINT test_refuse_replay_call CHECK (retell_call_id <> 'call_replay_1')"
  );
  expect(
    (
      await webhook(
        app,
        fixtureFor('call_started', { callId: 'call_replay_1', agentId: company.retellAgentId })
      )
    ).status
  ).toBe(202);
  const failed = await eventually(async () => {
    const rows = await inboxRows(app, 'call_replay_1');
    return rows[0]?.state === 'failed' ? rows[0] : null;
  });
  expect(failed.last_error).toMatch(/test_refuse_replay_call|conflicts/);

  // Staff see it on the overview's queue (the inbox's internals in the content manager are
  // for super admins).
  const list = await app.http.get('/overview/queue').set(staff.auth);
  expect(list.status).toBe(200);
  expect(list.body.data.failed).toBe(1);
  const visible = (list.body.data.events as (QueueEvent & { lastError: string })[]).find(
    (row) => row.callId === 'call_replay_1'
  );
  expect(visible).toMatchObject({ state: 'failed', event: 'call_started' });
  expect(visible?.lastError).toBeTruthy();
  if (!visible) return;
  expect((await app.http.get(`${CM}?filters[state][$eq]=failed`).set(staff.auth)).status).toBe(403);

  const foreignList = await app.http.get('/overview/queue').set(otherStaff.auth);
  expect((foreignList.body.data.events as QueueEvent[]).map((row) => row.callId)).not.toContain(
    'call_replay_1'
  );

  const replayPath = `/retell/webhook-events/${visible.documentId}/replay`;
  expect((await app.http.post(replayPath)).status).toBe(401);
  expect((await app.http.post(replayPath).set(otherStaff.auth)).status).toBe(404);
  expect((await inboxRows(app, 'call_replay_1'))[0].state).toBe('failed');

  await app.strapi.db.connection.raw('ALTER TABLE calls DROP CONSTRAINT test_refuse_replay_call');
  const replay = await app.http.post(replayPath).set(staff.auth);
  expect(replay.status).toBe(200);
  expect(replay.body.data).toMatchObject({ documentId: visible.documentId, queued: true });
  await eventually(async () => (await inboxRows(app, 'call_replay_1'))[0]?.state === 'processed');
  const call = await app.strapi.db
    .connection('calls')
    .where('retell_call_id', 'call_replay_1')
    .first();
  expect(call.company_id).toBe(company.id);
});
