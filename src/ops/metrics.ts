import type { Core } from '@strapi/strapi';
import client from 'prom-client';
import { queuesOf, type QueueName } from '../queues';

/**
 * Prometheus metrics of this process: prom-client's process metrics; HTTP request durations
 * by route pattern, method and status; webhook ingest outcomes; job durations and failures by
 * event; and, read when Prometheus scrapes (never on a timer): queue depths, the webhook inbox
 * by state, the overview cache's hits and misses, the database pool.
 */
const processRegistry = new client.Registry();
client.collectDefaultMetrics({ register: processRegistry, prefix: 'frontdesk_' });

const httpDuration = new client.Histogram({
  name: 'frontdesk_http_request_duration_seconds',
  help: 'HTTP requests by route pattern, method and status',
  labelNames: ['route', 'method', 'status'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [processRegistry],
});

const webhookOutcomes = new client.Counter({
  name: 'frontdesk_webhook_ingest_total',
  help: 'Retell webhooks received, by outcome (accepted, duplicate, ignored, rejected) and reason of a rejection',
  labelNames: ['outcome', 'reason'],
  registers: [processRegistry],
});

const jobDuration = new client.Histogram({
  name: 'frontdesk_job_duration_seconds',
  help: 'Queue jobs run in this process, by queue, job name (the webhook event) and outcome',
  labelNames: ['queue', 'job', 'outcome'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [processRegistry],
});

const jobFailures = new client.Counter({
  name: 'frontdesk_job_failures_total',
  help: 'Failed queue job attempts in this process, by queue and job name',
  labelNames: ['queue', 'job'],
  registers: [processRegistry],
});

export const observeRequest = (route: string, method: string, status: number, seconds: number) =>
  httpDuration.observe({ route, method, status: String(status) }, seconds);

export type WebhookOutcome = 'accepted' | 'duplicate' | 'ignored' | 'rejected';
export const countWebhook = (outcome: WebhookOutcome, reason = '') => webhookOutcomes.inc({ outcome, reason });

export const observeJob = (queue: string, job: string, ok: boolean, seconds: number) => {
  jobDuration.observe({ queue, job, outcome: ok ? 'completed' : 'failed' }, seconds);
  if (!ok) jobFailures.inc({ queue, job });
};

type CacheStats = { hits: number; misses: number; hitRate: number | null };
type Pool = { numUsed(): number; numFree(): number; numPendingAcquires(): number; max: number };

export const renderMetrics = async (strapi: Core.Strapi): Promise<{ contentType: string; body: string }> => {
  const registry = new client.Registry();
  const queueJobs = new client.Gauge({ name: 'frontdesk_queue_jobs', help: 'Bull jobs by queue and state (waiting, active, completed, failed, delayed)', labelNames: ['queue', 'state'], registers: [registry] });
  const inbox = new client.Gauge({ name: 'frontdesk_webhook_inbox_rows', help: 'Retell webhook inbox rows by state', labelNames: ['state'], registers: [registry] });
  const cache = new client.Gauge({ name: 'frontdesk_overview_cache_lookups', help: 'Overview cache lookups in this process since it started', labelNames: ['result'], registers: [registry] });
  const hitRate = new client.Gauge({ name: 'frontdesk_overview_cache_hit_ratio', help: 'Overview cache hit ratio in this process', registers: [registry] });
  const pool = new client.Gauge({ name: 'frontdesk_db_pool_connections', help: 'Database pool: connections used and free, acquires pending, and the maximum', labelNames: ['state'], registers: [registry] });

  for (const name of ['webhooks', 'notifications'] as QueueName[]) {
    try {
      const counts = await queuesOf(strapi).counts(name);
      for (const [state, value] of Object.entries(counts)) queueJobs.set({ queue: name, state }, Number(value));
    } catch {
      /* Redis away: the queue gauges are absent, the rest still answers */
    }
  }
  const rows = (await strapi.db.connection('retell_webhook_events').select('state').count({ n: '*' }).groupBy('state')) as Array<{ state: string; n: string | number }>;
  for (const row of rows) inbox.set({ state: row.state }, Number(row.n));
  const stats = (strapi.plugin('overview')?.service('cache') as { stats(): CacheStats } | undefined)?.stats();
  if (stats) {
    cache.set({ result: 'hit' }, stats.hits);
    cache.set({ result: 'miss' }, stats.misses);
    if (stats.hitRate !== null) hitRate.set(stats.hitRate);
  }
  const tarn = (strapi.db.connection.client as { pool?: Pool }).pool;
  if (tarn) {
    pool.set({ state: 'used' }, tarn.numUsed());
    pool.set({ state: 'free' }, tarn.numFree());
    pool.set({ state: 'pending' }, tarn.numPendingAcquires());
    pool.set({ state: 'max' }, tarn.max);
  }
  const merged = client.Registry.merge([processRegistry, registry]);
  return { contentType: merged.contentType, body: await merged.metrics() };
};
