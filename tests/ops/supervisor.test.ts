import fs from 'fs';
import os from 'os';
import { spawn, type ChildProcess } from 'child_process';
import path from 'path';
import { ROOT, startApp, stopApp, type TestApp } from '../helpers/app';
import { freePort } from '../helpers/processes';
import { createCompany, type Company } from '../helpers/tenants';
import { eventually, fixtureFor, inboxRows, signature } from '../helpers/retell';

/**
 * The production start (`npm start`): a supervisor runs 2 API processes and a queue worker; a
 * process that dies is replaced, one whose event loop is frozen (it ignores SIGTERM) is found by
 * the heartbeat, killed and replaced; SIGTERM stops everything. Timings shortened by config.
 */
let app: TestApp;
let company: Company;
let supervisor: ChildProcess;
let output = '';
let url = '';
let metricsUrl = '';

type Ready = { role: string; slot: number; pid: number };
const readyLines = (): Ready[] =>
  [...output.matchAll(/"message":"(api|worker) process (\d+) \(pid (\d+)\) is ready"/g)].map(
    (match) => ({ role: match[1], slot: Number(match[2]), pid: Number(match[3]) })
  );
const startingLines = (): Ready[] =>
  [...output.matchAll(/"message":"(api|worker) process (\d+) \(pid (\d+)\) is starting"/g)].map(
    (match) => ({ role: match[1], slot: Number(match[2]), pid: Number(match[3]) })
  );
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const health = async () => {
  try {
    return (await fetch(`${url}/_health`, { signal: AbortSignal.timeout(2000) })).status;
  } catch {
    return 0;
  }
};

beforeAll(async () => {
  // The test app only creates data; the supervised processes do the work.
  app = await startApp({ WEBHOOK_WORKER: 'off' });
  company = await createCompany(app.strapi);
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  const metricsPort = await freePort();
  metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  supervisor = spawn(process.execPath, [path.join(ROOT, 'dist', 'scripts', 'start.js')], {
    cwd: ROOT,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'info',
      WEB_CONCURRENCY: '2',
      WORKER_PROCESSES: '1',
      SUPERVISOR_HEARTBEAT_MS: '300',
      SUPERVISOR_HEARTBEAT_TIMEOUT_MS: '2000',
      SHUTDOWN_TIMEOUT_MS: '2000',
      METRICS_PORT: String(metricsPort),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  supervisor.stdout?.on('data', (chunk) => (output += chunk));
  supervisor.stderr?.on('data', (chunk) => (output += chunk));
  await eventually(async () => readyLines().length === 3, { timeoutMs: 60_000 });
}, 90_000);

afterAll(async () => {
  if (supervisor && supervisor.exitCode === null) supervisor.kill('SIGKILL');
  for (const { pid } of readyLines()) if (alive(pid)) process.kill(pid, 'SIGKILL');
  await stopApp(app);
});

it('runs two API processes sharing the port and a queue worker that applies the events', async () => {
  const roles = readyLines()
    .map((line) => line.role)
    .sort();
  expect(roles).toEqual(['api', 'api', 'worker']);
  // The worker yields the CPU to the API processes under load (WORKER_NICE, default 10).
  const niceness = Object.fromEntries(
    readyLines().map((line) => [`${line.role}${line.slot}`, os.getPriority(line.pid)])
  );
  expect(niceness).toEqual({ api0: 0, api1: 0, worker0: 10 });
  // The API processes run with their heap capped (WEB_MAX_HEAP_MB, default 384), the worker not.
  const heapFlags = Object.fromEntries(
    readyLines().map((line) => [
      `${line.role}${line.slot}`,
      fs
        .readFileSync(`/proc/${line.pid}/cmdline`, 'utf8')
        .split('\0')
        .filter((arg) => arg.startsWith('--max-old-space-size')),
    ])
  );
  expect(heapFlags).toEqual({
    api0: ['--max-old-space-size=384'],
    api1: ['--max-old-space-size=384'],
    worker0: [],
  });
  const body = fixtureFor('call_started', {
    callId: 'call_supervised_1',
    agentId: company.retellAgentId,
  });
  const response = await fetch(`${url}/api/retell/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-retell-signature': await signature(body) },
    body,
  });
  expect(response.status).toBe(202);
  await eventually(
    async () => (await inboxRows(app, 'call_supervised_1'))[0]?.state === 'processed',
    { timeoutMs: 20_000 }
  );
});

/** The samples of one metric in Prometheus text: labels as written, and the value. */
const samples = (text: string, name: string) =>
  text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .map((line) => {
      const labels = line.slice(name.length).match(/^\{([^}]*)\}/)?.[1] ?? '';
      return { labels, value: Number(line.slice(line.lastIndexOf(' ') + 1)) };
    });
const scrape = async () => {
  const response = await fetch(metricsUrl, { signal: AbortSignal.timeout(10_000) });
  expect(response.status).toBe(200);
  return response.text();
};
const requestsServed = (text: string) =>
  samples(text, 'frontdesk_http_request_duration_seconds_count').reduce(
    (sum, sample) => sum + sample.value,
    0
  );

it('serves the metrics of every process added up on METRICS_PORT, from the supervisor', async () => {
  const before = await scrape();
  // Every process answered, each with its own pid.
  expect(
    samples(before, 'frontdesk_process_info')
      .map((sample) => Number(sample.labels.match(/pid="(\d+)"/)?.[1]))
      .sort()
  ).toEqual(
    readyLines()
      .map((line) => line.pid)
      .sort()
  );
  expect(samples(before, 'frontdesk_cluster_processes')).toEqual(
    expect.arrayContaining([
      { labels: 'role="api",answered="true"', value: 2 },
      { labels: 'role="worker",answered="true"', value: 1 },
    ])
  );
  // Requests spread over both API processes (the port is shared) are counted once each, all of them.
  const statuses = await Promise.all(Array.from({ length: 20 }, () => health()));
  expect(statuses.every((status) => status === 204)).toBe(true);
  const after = await scrape();
  expect(requestsServed(after) - requestsServed(before)).toBe(20);
  // One shared source read by every process is reported once, not three times.
  const { tableName } = app.strapi.db.metadata.get('plugin::retell.webhook-event');
  const [{ n }] = await app.strapi.db
    .connection(tableName)
    .where('state', 'processed')
    .count({ n: '*' });
  expect(samples(after, 'frontdesk_webhook_inbox_rows')).toContainEqual({
    labels: 'state="processed"',
    value: Number(n),
  });
  // Not for the public port: there each process answers for itself.
  expect(
    samples(await (await fetch(`${url}/metrics`)).text(), 'frontdesk_process_info')
  ).toHaveLength(1);
});

it('replaces an API process that is killed, and keeps answering meanwhile', async () => {
  const [victim] = readyLines().filter((line) => line.role === 'api');
  const seen = readyLines().length;
  const started = startingLines().length;
  process.kill(victim.pid, 'SIGKILL');
  // The other process answers at once; the supervisor starts a new one for the dead one's slot.
  await eventually(async () => (await health()) === 204, { timeoutMs: 5_000 });
  // A booting process runs long synchronous stretches (module loading, schema sync), the more so
  // on a busy machine: silence while it boots is judged by the start deadline, not the
  // heartbeat. Freeze the new one for longer than the heartbeat timeout: it must survive.
  const replacement = (await eventually(
    async () =>
      startingLines()
        .slice(started)
        .find((line) => line.role === 'api' && line.slot === victim.slot),
    { timeoutMs: 10_000 }
  )) as Ready;
  process.kill(replacement.pid, 'SIGSTOP');
  await new Promise((resolve) => setTimeout(resolve, 3000));
  process.kill(replacement.pid, 'SIGCONT');
  await eventually(
    async () =>
      readyLines()
        .slice(seen)
        .some((line) => line.pid === replacement.pid),
    { timeoutMs: 60_000 }
  );
  expect(output).not.toContain(`(pid ${replacement.pid}) has not answered`);
  const statuses = await Promise.all(Array.from({ length: 20 }, () => health()));
  expect(statuses.every((status) => status === 204)).toBe(true);
  expect(output).toContain(`api process ${victim.slot} (pid ${victim.pid}) exited (SIGKILL)`);
}, 90_000);

it('kills and replaces a process whose event loop no longer answers (it would ignore SIGTERM)', async () => {
  const apis = readyLines().filter((line) => line.role === 'api' && alive(line.pid));
  const frozen = apis[apis.length - 1];
  const seen = readyLines().length;
  process.kill(frozen.pid, 'SIGSTOP'); // as frozen as a process gets: not a single callback runs
  // A scrape meanwhile is answered by the others, in time, and says that one was silent.
  const startedScrape = Date.now();
  const partial = await scrape();
  expect(Date.now() - startedScrape).toBeLessThan(5000);
  expect(samples(partial, 'frontdesk_cluster_processes')).toContainEqual({
    labels: 'role="api",answered="false"',
    value: 1,
  });
  await eventually(async () => output.includes(`(pid ${frozen.pid}) has not answered for`), {
    timeoutMs: 10_000,
  });
  await eventually(async () => !alive(frozen.pid), { timeoutMs: 5_000 });
  await eventually(
    async () =>
      readyLines()
        .slice(seen)
        .some((line) => line.role === 'api' && line.slot === frozen.slot),
    { timeoutMs: 60_000 }
  );
  expect(await health()).toBe(204);
}, 90_000);

it('stops every process on SIGTERM and exits 0', async () => {
  const pids = readyLines()
    .map((line) => line.pid)
    .filter(alive);
  const exited = new Promise<number | null>((resolve) =>
    supervisor.on('exit', (code) => resolve(code))
  );
  supervisor.kill('SIGTERM');
  expect(await exited).toBe(0);
  await eventually(async () => pids.every((pid) => !alive(pid)), { timeoutMs: 10_000 });
}, 30_000);
