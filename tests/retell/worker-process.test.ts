import { spawn } from 'child_process';
import path from 'path';
import { ROOT, startApp, stopApp, type TestApp } from '../helpers/app';
import { createCompany, type Company } from '../helpers/tenants';
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

it('leaves events to the separate worker process, which applies them', async () => {
  const body = fixtureFor('call_started', { callId: 'call_worker_1', agentId: company.retellAgentId });
  expect((await webhook(app, body)).status).toBe(202);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  expect((await inboxRows(app, 'call_worker_1')).map((row: { state: string }) => row.state)).toEqual(['received']);

  const worker = spawn(process.execPath, [path.join(ROOT, 'dist', 'scripts', 'worker.js')], {
    cwd: ROOT,
    env: { ...process.env, WEBHOOK_WORKER: 'off', LOG_LEVEL: 'info' }, // the script turns the worker on for itself
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  worker.stdout?.on('data', (chunk) => (output += chunk));
  worker.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => worker.on('exit', (code) => resolve(code)));
  try {
    await eventually(async () => (await inboxRows(app, 'call_worker_1'))[0]?.state === 'processed', { timeoutMs: 30_000 });
    await eventually(async () => output.includes('Frontdesk worker running'));
    const call = await app.strapi.db.connection('calls').where('retell_call_id', 'call_worker_1').first();
    expect(call).toMatchObject({ state: 'ongoing', company_id: company.id });
  } finally {
    worker.kill('SIGTERM');
  }
  const code = await exited;
  if (code !== 0) process.stdout.write(output);
  expect(code).toBe(0);
  expect(output).not.toMatch(/"level":"error"/);
}, 60_000);
