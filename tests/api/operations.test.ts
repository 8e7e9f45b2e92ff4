import { startApp, stopApp, type TestApp } from '../helpers/app';
import { createCompany, createIntegrator, type Company } from '../helpers/tenants';
import { fixtureFor, webhook } from '../helpers/retell';
import { ownRedis } from '../helpers/redis';

/**
 * What operators rely on: per-client rate limits on the REST API (429 with Retry-After),
 * Prometheus metrics, and a readiness check that tells when the database or Redis is gone.
 */
let app: TestApp;
let company: Company;
let redis: Awaited<ReturnType<typeof ownRedis>>;

beforeAll(async () => {
  redis = await ownRedis();
  app = await startApp({ REDIS_URL: redis.url, RATE_LIMIT_MAX: '5', RATE_LIMIT_WINDOW_MS: '60000', METRICS_TOKEN: 'metrics-secret' });
  company = await createCompany(app.strapi);
});
afterAll(async () => {
  await stopApp(app);
  await redis?.stop();
});

it('limits each REST client to RATE_LIMIT_MAX per window, then answers 429 with Retry-After', async () => {
  const first = await createIntegrator(app, company.id);
  const second = await createIntegrator(app, company.id);
  const statuses = [];
  for (let index = 0; index < 6; index += 1) statuses.push((await app.http.get('/api/services').set(first.auth)).status);
  expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
  const limited = await app.http.get('/api/services').set(first.auth);
  expect(limited.status).toBe(429);
  expect(limited.body.error).toMatchObject({ status: 429, name: 'RateLimitError' });
  expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  expect(limited.headers['x-ratelimit-limit']).toBe('5');
  // another client has a budget of its own; Retell's signed calls are never limited
  expect((await app.http.get('/api/services').set(second.auth)).status).toBe(200);
  for (let index = 0; index < 7; index += 1) {
    expect((await webhook(app, fixtureFor('call_started', { callId: `call_ops_${index}`, agentId: company.retellAgentId }))).status).toBe(202);
  }
});

it('exposes Prometheus metrics to holders of METRICS_TOKEN only', async () => {
  expect((await app.http.get('/metrics')).status).toBe(401);
  const metrics = await app.http.get('/metrics').set('Authorization', 'Bearer metrics-secret');
  expect(metrics.status).toBe(200);
  expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
  expect(metrics.text).toMatch(/frontdesk_queue_jobs\{queue="webhooks",state="(waiting|completed)"\} \d+/);
  expect(metrics.text).toMatch(/frontdesk_webhook_inbox_rows\{state="(received|processing|processed)"\} \d+/);
  expect(metrics.text).toMatch(/frontdesk_http_request_duration_seconds_count\{area="retell",method="POST",status="2xx"\} \d+/);
  expect(metrics.text).toContain('frontdesk_process_cpu_seconds_total');
});

it('is ready while PostgreSQL and Redis answer, and says which is not', async () => {
  const ready = await app.http.get('/ready');
  expect(ready.status).toBe(200);
  expect(ready.body).toEqual({ status: 'ok', checks: { database: 'ok', redis: 'ok' } });
  await redis.stop();
  const unready = await app.http.get('/ready');
  expect(unready.status).toBe(503);
  expect(unready.body.checks.database).toBe('ok');
  expect(unready.body.checks.redis).not.toBe('ok');
  // the REST API keeps working without Redis (unlimited rather than unavailable)
  const integrator = await createIntegrator(app, company.id);
  expect((await app.http.get('/api/services').set(integrator.auth)).status).toBe(200);
  await redis.start();
  await new Promise((resolve) => setTimeout(resolve, 3000));
  expect((await app.http.get('/ready')).status).toBe(200);
});
