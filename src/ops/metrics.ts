import type { Core } from '@strapi/strapi';
import client from 'prom-client';
import { queuesOf, type QueueName } from '../queues';

/**
 * Prometheus metrics: the process (prom-client's defaults), HTTP requests by area and status,
 * queue depths, the webhook inbox by state, and the overview cache's hits and misses.
 * Gauges are read when Prometheus scrapes, never on a timer.
 */
const processRegistry = new client.Registry();
client.collectDefaultMetrics({ register: processRegistry, prefix: 'frontdesk_' });

const httpDuration = new client.Histogram({
  name: 'frontdesk_http_request_duration_seconds',
  help: 'HTTP requests by area (retell, api, admin, overview, other), method and status class',
  labelNames: ['area', 'method', 'status'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [processRegistry],
});

const areaOf = (path: string) =>
  path.startsWith('/api/retell/') ? 'retell' : path.startsWith('/api/') ? 'api' : path.startsWith('/overview/') ? 'overview' : path.startsWith('/admin') || path.startsWith('/content-manager') ? 'admin' : 'other';

export const observeRequest = (path: string, method: string, status: number, seconds: number) =>
  httpDuration.observe({ area: areaOf(path), method, status: `${Math.floor(status / 100)}xx` }, seconds);

type CacheStats = { hits: number; misses: number; hitRate: number | null };

export const renderMetrics = async (strapi: Core.Strapi): Promise<{ contentType: string; body: string }> => {
  const registry = new client.Registry();
  const queueJobs = new client.Gauge({ name: 'frontdesk_queue_jobs', help: 'Bull jobs by queue and state', labelNames: ['queue', 'state'], registers: [registry] });
  const inbox = new client.Gauge({ name: 'frontdesk_webhook_inbox_rows', help: 'Retell webhook inbox rows by state', labelNames: ['state'], registers: [registry] });
  const cache = new client.Gauge({ name: 'frontdesk_overview_cache_lookups', help: 'Overview cache lookups in this process since it started', labelNames: ['result'], registers: [registry] });
  const hitRate = new client.Gauge({ name: 'frontdesk_overview_cache_hit_ratio', help: 'Overview cache hit ratio in this process', registers: [registry] });

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
  const merged = client.Registry.merge([processRegistry, registry]);
  return { contentType: merged.contentType, body: await merged.metrics() };
};
