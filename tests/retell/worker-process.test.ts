import { spawn } from 'child_process';
import path from 'path';
import Bull from 'bull';
import { ROOT, startApp, stopApp, type TestApp } from '../helpers/app';
import { asSystem, createCompany, type Company } from '../helpers/tenants';
import { eventually, fixtureFor, inboxRows, webhook } from '../helpers/retell';

/**
 * Scale-out: the API runs with WEBHOOK_WORKER=off and only acknowledges; `npm run worker`
 * (a separate process) applies the events, and stops cleanly on SIGTERM.
 */
let app: TestApp;
let company: Company;

beforeAll(async () => {
  app = await startApp({ WEBHOOK_WORKER: 'off' });
  company = await createCompany(app.strapi);
});
afterAll(() => stopApp(app));

it('sweeps only rows whose job Redis lost or finished without them, not a backlog', async () => {
  // No worker in this process: the jobs wait in Redis, a backlog.
  const queue = new Bull('webhooks', {
    prefix: process.env.QUEUE_PREFIX,
    redis: process.env.REDIS_URL,
  });
  const sweep = () =>
    asSystem(() => app.strapi.plugin('retell').service('inbox').sweep() as Promise<number>);
  try {
    const callIds = ['call_sweep_1', 'call_sweep_2', 'call_sweep_3'];
    for (const callId of callIds)
      expect(
        (await webhook(app, fixtureFor('call_started', { callId, agentId: company.retellAgentId })))
          .status
      ).toBe(202);
    const ids = await Promise.all(
      callIds.map(async (callId) => (await inboxRows(app, callId))[0].id as number)
    );
    await new Promise((resolve) => setTimeout(resolve, 2_500)); // past the sweeper's grace period
    const waiting = async () => (await queue.getWaiting()).map((job) => String(job.id)).sort();
    expect(await waiting()).toEqual(ids.map((id) => `evt:${id}`).sort());

    expect(await sweep()).toBe(0); // queued and waiting: nothing to do

    // Redis loses one job (a restart without persistence), and one fails without taking its row.
    await (await queue.getJob(`evt:${ids[0]}`))?.remove();
    const taken = await queue.getNextJob();
    expect(taken?.id).toBe(`evt:${ids[1]}`);
    await taken?.discard(); // no retries left
    await taken?.moveToFailed({ message: 'the database was away' });
    expect(await taken?.getState()).toBe('failed');
    expect(await sweep()).toBe(2);
    // Each re-queued row is a new generation of its job (`:r1`); the waiting one is left as it was.
    const after = await waiting();
    expect(after).toEqual([`evt:${ids[0]}:r1`, `evt:${ids[1]}:r1`, `evt:${ids[2]}`].sort());
    expect(await sweep()).toBe(0);
  } finally {
    await queue.close();
  }
});

it('leaves events to the separate worker process, which applies them', async () => {
  const body = fixtureFor('call_started', {
    callId: 'call_worker_1',
    agentId: company.retellAgentId,
  });
  expect((await webhook(app, body)).status).toBe(202);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  expect(
    (await inboxRows(app, 'call_worker_1')).map((row: { state: string }) => row.state)
  ).toEqual(['received']);

  const worker = spawn(process.execPath, [path.join(ROOT, 'dist', 'scripts', 'worker.js')], {
    cwd: ROOT,
    env: { ...process.env, WEBHOOK_WORKER: 'off', LOG_LEVEL: 'info' }, // the script turns the worker on for itself
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  worker.stdout?.on('data', (chunk) => (output += chunk));
  worker.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) =>
    worker.on('exit', (code) => resolve(code))
  );
  try {
    await eventually(
      async () => (await inboxRows(app, 'call_worker_1'))[0]?.state === 'processed',
      { timeoutMs: 30_000 }
    );
    await eventually(async () => output.includes('Frontdesk worker running'));
    const call = await app.strapi.db
      .connection('calls')
      .where('retell_call_id', 'call_worker_1')
      .first();
    expect(call).toMatchObject({ state: 'ongoing', company_id: company.id });
  } finally {
    worker.kill('SIGTERM');
  }
  const code = await exited;
  if (code !== 0) process.stdout.write(output);
  expect(code).toBe(0);
  expect(output).not.toMatch(/"level":"error"/);
}, 60_000);
