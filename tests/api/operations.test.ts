import { startApp, stopApp, type TestApp } from '../helpers/app';
import { createCompany, createIntegrator, type Company } from '../helpers/tenants';
import {
  FIXTURE_CALLER,
  eventually,
  fixtureFor,
  inboxRows,
  signature,
  webhook,
} from '../helpers/retell';
import { ownRedis } from '../helpers/redis';
import { startApiProcess, type Proc } from '../helpers/processes';

/**
 * What operators rely on: per-client rate limits in Redis (REST, auth, Retell; shared by every
 * API process), Prometheus metrics, readiness, and one JSON log line per request whose id
 * follows the work into its jobs. A second API process (`strapi start`, sharing Redis and the
 * queue prefix) works the queues; the in-process app only acknowledges.
 */
let app: TestApp;
let other: Proc;
let company: Company;
let redis: Awaited<ReturnType<typeof ownRedis>>;
const METRICS = { Authorization: 'Bearer metrics-secret' };
const limits = {
  RATE_LIMIT_MAX: '5',
  RATE_LIMIT_WINDOW_MS: '60000',
  RATE_LIMIT_AUTH_MAX: '3',
  RATE_LIMIT_AUTH_WINDOW_MS: '2000',
  RATE_LIMIT_RETELL_MAX: '8',
  RATE_LIMIT_RETELL_WINDOW_MS: '3000',
  RATE_LIMIT_MANAGE_MAX: '4',
  RATE_LIMIT_MANAGE_WINDOW_MS: '2000',
};

beforeAll(async () => {
  redis = await ownRedis();
  app = await startApp({
    REDIS_URL: redis.url,
    METRICS_TOKEN: 'metrics-secret',
    WEBHOOK_WORKER: 'off',
    ...limits,
  });
  company = await createCompany(app.strapi);
  other = await startApiProcess({
    WEBHOOK_WORKER: 'on',
    REDIS_URL: redis.url,
    QUEUE_PREFIX: process.env.QUEUE_PREFIX as string,
    METRICS_TOKEN: 'metrics-secret',
    LOG_LEVEL: 'verbose',
    ...limits,
  });
}, 120_000);
afterAll(async () => {
  await other?.stop();
  await stopApp(app);
  await redis?.stop();
});

it('limits each REST client to RATE_LIMIT_MAX per window, then answers 429 with Retry-After — in every process', async () => {
  const first = await createIntegrator(app, company.id);
  const second = await createIntegrator(app, company.id);
  const statuses: number[] = [];
  for (let index = 0; index < 5; index += 1)
    statuses.push((await app.http.get('/api/services').set(first.auth)).status);
  expect(statuses).toEqual([200, 200, 200, 200, 200]);
  const limited = await app.http.get('/api/services').set(first.auth);
  expect(limited.status).toBe(429);
  expect(limited.body.error).toMatchObject({ status: 429, name: 'RateLimitError' });
  expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  expect(limited.headers['x-ratelimit-limit']).toBe('5');
  // the budget lives in Redis: the other API process refuses the same client too
  const elsewhere = await fetch(`${other.url}/api/services`, { headers: first.auth });
  expect(elsewhere.status).toBe(429);
  expect(((await elsewhere.json()) as { error: { name: string } }).error.name).toBe(
    'RateLimitError'
  );
  // another client has a budget of its own, in both processes
  expect((await app.http.get('/api/services').set(second.auth)).status).toBe(200);
  expect((await fetch(`${other.url}/api/services`, { headers: second.auth })).status).toBe(200);
});

it('counts made-up bearer tokens against the budget of their IP: a new token buys no new budget', async () => {
  const random = () => ({
    Authorization: `Bearer ${Math.random().toString(36).slice(2)}.${Math.random().toString(36).slice(2)}`,
  });
  const statuses: number[] = [];
  for (let index = 0; index < 6; index += 1)
    statuses.push((await app.http.get('/api/services').set(random())).status);
  expect(statuses.slice(0, 5).every((status) => status === 401)).toBe(true);
  expect(statuses[5]).toBe(429);
  // A verified identity keeps its own budget while the IP's is spent.
  const integrator = await createIntegrator(app, company.id);
  expect((await app.http.get('/api/services').set(integrator.auth)).status).toBe(200);
});

it('gives the login routes a tight budget per IP that resets after its window', async () => {
  const login = () =>
    app.http
      .post('/api/auth/local')
      .send({ identifier: 'nobody@example.com', password: 'wrong-password' });
  const statuses: number[] = [];
  for (let index = 0; index < 4; index += 1) statuses.push((await login()).status);
  expect(statuses).toEqual([400, 400, 400, 429]);
  await new Promise((resolve) => setTimeout(resolve, 2200));
  expect((await login()).status).toBe(400);
});

it('limits the customers’ link pages per IP; a browser is told so on a page', async () => {
  const statuses: number[] = [];
  for (let index = 0; index < 4; index += 1)
    statuses.push((await app.http.get('/termin/not-a-token')).status);
  expect(statuses).toEqual([404, 404, 404, 404]);
  const json = await app.http.get('/termin/not-a-token');
  expect([json.status, json.body.error?.status, json.headers['retry-after']]).toEqual([
    429,
    429,
    expect.any(String),
  ]);
  const page = await app.http.get('/termin/not-a-token').set('Accept', 'text/html');
  expect(page.status).toBe(429);
  expect(page.text).toContain('Zu viele Anfragen');
  await new Promise((resolve) => setTimeout(resolve, 2200));
  expect((await app.http.get('/termin/not-a-token')).status).toBe(404);
});

it('gives Retell its own, generous budget; a refused event writes nothing', async () => {
  const statuses: number[] = [];
  for (let index = 0; index < 9; index += 1) {
    statuses.push(
      (
        await webhook(
          app,
          fixtureFor('call_started', {
            callId: `call_ops_${index}`,
            agentId: company.retellAgentId,
          })
        )
      ).status
    );
  }
  expect(statuses).toEqual([202, 202, 202, 202, 202, 202, 202, 202, 429]);
  expect(await inboxRows(app, 'call_ops_8')).toEqual([]);
  // the REST budget of a fresh client is untouched by Retell's traffic
  const integrator = await createIntegrator(app, company.id);
  expect((await app.http.get('/api/services').set(integrator.auth)).status).toBe(200);
  // the other process works the queue: the acknowledged events are applied
  await eventually(
    async () =>
      (
        await app.strapi.db
          .connection('calls')
          .whereIn('retell_call_id', ['call_ops_0', 'call_ops_7'])
          .count({ n: '*' })
      )[0].n == 2,
    { timeoutMs: 30_000 }
  );
});

it('logs every request once as JSON with its id, route, status, duration and company, and carries the id into the jobs', async () => {
  await new Promise((resolve) => setTimeout(resolve, 3100)); // the Retell budget spent above refills (3 s window)
  const integrator = await createIntegrator(app, company.id);
  const listed = await fetch(
    `${other.url}/api/appointments?filters[customer][phone][$eq]=${encodeURIComponent('+4915112345678')}`,
    { headers: { ...integrator.auth, 'X-Request-Id': 'req-list-1' } }
  );
  expect(listed.status).toBe(200);
  expect(listed.headers.get('x-request-id')).toBe('req-list-1');
  const generated = await fetch(`${other.url}/api/services`, { headers: integrator.auth });
  expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

  const body = fixtureFor('call_started', {
    callId: 'call_ops_logged',
    agentId: company.retellAgentId,
  });
  const accepted = await fetch(`${other.url}/api/retell/webhook`, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      'x-retell-signature': await signature(body),
      'x-request-id': 'req-webhook-1',
    },
  });
  expect(accepted.status).toBe(202);
  await eventually(
    async () =>
      other
        .lines()
        .some((line) => line.requestId === 'req-webhook-1' && typeof line.jobId === 'string'),
    { timeoutMs: 20_000 }
  );

  const requests = other.lines().filter((line) => line.requestId === 'req-list-1' && line.route);
  expect(requests).toHaveLength(1);
  expect(requests[0]).toMatchObject({
    level: 'http',
    method: 'GET',
    route: '/api/appointments',
    status: 200,
    durationMs: expect.any(Number),
    companyId: company.id,
  });
  const ingest = other.lines().filter((line) => line.requestId === 'req-webhook-1' && line.route);
  expect(ingest).toEqual([
    expect.objectContaining({ route: '/api/retell/webhook', status: 202, companyId: company.id }),
  ]);
  const job = other.lines().find((line) => line.requestId === 'req-webhook-1' && line.jobId);
  expect(String(job?.message)).toMatch(/job webhooks:call_started completed/);
  // neither the caller's number nor the filter's appear in full
  expect(other.output()).not.toContain(FIXTURE_CALLER.slice(1));
  expect(other.output()).not.toContain('4915112345678');
});

it('exposes Prometheus metrics to holders of METRICS_TOKEN only', async () => {
  expect((await app.http.get('/metrics')).status).toBe(401);
  const metrics = await app.http.get('/metrics').set(METRICS);
  expect(metrics.status).toBe(200);
  expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
  expect(metrics.text).toMatch(/frontdesk_queue_jobs\{queue="webhooks",state="completed"\} \d+/);
  expect(metrics.text).toMatch(/frontdesk_webhook_inbox_rows\{state="processed"\} \d+/);
  expect(metrics.text).toMatch(
    /frontdesk_http_request_duration_seconds_count\{route="\/api\/retell\/webhook",method="POST",status="202"\} 8/
  );
  expect(metrics.text).toMatch(
    /frontdesk_http_request_duration_seconds_count\{route="\/api\/\*",method="GET",status="429"\} \d+/
  );
  expect(metrics.text).toMatch(/frontdesk_webhook_ingest_total\{outcome="accepted",reason=""\} 8/);
  expect(metrics.text).toMatch(/frontdesk_db_pool_connections\{state="max"\} 10/);
  expect(metrics.text).toMatch(/frontdesk_db_pool_connections\{state="pending"\} 0/);
  expect(metrics.text).toContain('frontdesk_process_cpu_seconds_total');

  // refusals are counted by reason; the process that worked the jobs times them by event
  expect(
    (
      await webhook(
        app,
        fixtureFor('call_started', { callId: 'call_ops_forged', agentId: company.retellAgentId }),
        { header: 'v=1,d=00' }
      )
    ).status
  ).toBe(401);
  expect((await app.http.get('/metrics').set(METRICS)).text).toMatch(
    /frontdesk_webhook_ingest_total\{outcome="rejected",reason="signature"\} 1/
  );
  const worker = await (await fetch(`${other.url}/metrics`, { headers: METRICS })).text();
  expect(worker).toMatch(
    /frontdesk_job_duration_seconds_count\{queue="webhooks",job="call_started",outcome="completed"\} ([1-9]\d*)/
  );
});

it('is ready while PostgreSQL and Redis answer, and says which is not', async () => {
  const ready = await app.http.get('/api/health/ready');
  expect(ready.status).toBe(200);
  expect(ready.body).toEqual({ status: 'ok', checks: { database: 'ok', redis: 'ok' } });
  await redis.stop();
  const unready = await app.http.get('/api/health/ready');
  expect(unready.status).toBe(503);
  expect(unready.body.checks.database).toBe('ok');
  expect(unready.body.checks.redis).toBe('unavailable');
  // Which check failed, never the raw error (hosts, ports, users) to an anonymous caller.
  expect(JSON.stringify(unready.body)).not.toMatch(
    /ECONNREFUSED|127\.0\.0\.1|connect|timeout|Error/i
  );
  // the REST API keeps working without Redis (unlimited rather than unavailable)
  const integrator = await createIntegrator(app, company.id);
  expect((await app.http.get('/api/services').set(integrator.auth)).status).toBe(200);
  await redis.start();
  await eventually(async () => (await app.http.get('/api/health/ready')).status === 200, {
    timeoutMs: 10_000,
  });
});
