import type { Core } from '@strapi/strapi';
import client from 'prom-client';

/**
 * Prometheus metrics of this process: prom-client's process metrics; HTTP request durations
 * by route pattern, method and status; webhook ingest outcomes; job durations and failures by
 * event; and the gauges features register (see below) plus the database pool.
 */
const processRegistry = new client.Registry();
client.collectDefaultMetrics({ register: processRegistry, prefix: 'frontdesk_' });

/** Where a feature puts a process-wide metric of its own (a counter, a histogram). */
export const processMetrics = processRegistry;

/** Which process answered a scrape: behind one port, each API process answers for itself. */
new client.Gauge({
  name: 'frontdesk_process_info',
  help: 'The process (1), by pid: behind npm start the API processes share a port, so a scrape of it is answered by one of them; METRICS_PORT on the supervisor answers for all',
  labelNames: ['pid'],
  registers: [processRegistry],
}).set({ pid: String(process.pid) }, 1);

const httpDuration = new client.Histogram({
  name: 'frontdesk_http_request_duration_seconds',
  help: 'HTTP requests by route pattern, method and status',
  labelNames: ['route', 'method', 'status'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
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

const jobStatements = new client.Histogram({
  name: 'frontdesk_job_db_statements',
  help: 'SQL statements per queue job run in this process (BEGIN and COMMIT included), by queue and job name',
  labelNames: ['queue', 'job'],
  buckets: [2, 5, 10, 15, 20, 30, 50, 100],
  registers: [processRegistry],
});

const httpStatements = new client.Histogram({
  name: 'frontdesk_http_db_statements',
  help: 'SQL statements per HTTP request served by this process (BEGIN and COMMIT included), by route pattern and method',
  labelNames: ['route', 'method'],
  buckets: [0, 1, 2, 5, 10, 15, 20, 30, 50, 100],
  registers: [processRegistry],
});

export const observeRequest = (
  route: string,
  method: string,
  status: number,
  seconds: number,
  statements?: number
) => {
  httpDuration.observe({ route, method, status: String(status) }, seconds);
  if (statements !== undefined) httpStatements.observe({ route, method }, statements);
};

export const observeJob = (
  queue: string,
  job: string,
  ok: boolean,
  seconds: number,
  statements?: number
) => {
  jobDuration.observe({ queue, job, outcome: ok ? 'completed' : 'failed' }, seconds);
  if (statements !== undefined) jobStatements.observe({ queue, job }, statements);
  if (!ok) jobFailures.inc({ queue, job });
};

type Pool = { numUsed(): number; numFree(): number; numPendingAcquires(): number; max: number };

/**
 * Gauges read when Prometheus scrapes (never on a timer), registered by the features that own
 * them — queue depths by the queues, the inbox by the Retell plugin, the cache by the overview —
 * per app instance. This module imports no feature.
 */
export type GaugeReading = { labels?: Record<string, string>; value: number };
export type GaugeDefinition = {
  name: string;
  help: string;
  labelNames?: string[];
  read: () => Promise<GaugeReading[]> | GaugeReading[];
  /**
   * How `npm start`'s primary combines the processes' readings (src/ops/cluster-metrics.ts):
   * `sum` (the default) for what each process has of its own, `max` for one shared source read
   * by every process (a queue in Redis, a table), `omit` for what does not add up (a ratio).
   */
  aggregate?: 'sum' | 'max' | 'omit';
};
const gauges = new WeakMap<object, GaugeDefinition[]>();

export const registerGauge = (owner: object, definition: GaugeDefinition) => {
  const list = gauges.get(owner) ?? [];
  list.push(definition);
  gauges.set(owner, list);
};

/** The database pool: infrastructure, not a feature. */
const poolReadings = (strapi: Core.Strapi): GaugeReading[] => {
  const tarn = (strapi.db.connection.client as { pool?: Pool }).pool;
  if (!tarn) return [];
  return [
    { labels: { state: 'used' }, value: tarn.numUsed() },
    { labels: { state: 'free' }, value: tarn.numFree() },
    { labels: { state: 'pending' }, value: tarn.numPendingAcquires() },
    { labels: { state: 'max' }, value: tarn.max },
  ];
};

/** This process's metrics, the gauges read now. */
const scrape = async (strapi: Core.Strapi) => {
  const registry = new client.Registry();
  const definitions: GaugeDefinition[] = [
    {
      name: 'frontdesk_db_pool_connections',
      help: 'Database pool: connections used and free, acquires pending, and the maximum',
      labelNames: ['state'],
      read: () => poolReadings(strapi),
    },
    ...(gauges.get(strapi) ?? []),
  ];
  for (const definition of definitions) {
    const gauge = new client.Gauge({
      name: definition.name,
      help: definition.help,
      labelNames: definition.labelNames ?? [],
      aggregator: definition.aggregate ?? 'sum',
      registers: [registry],
    });
    try {
      for (const { labels, value } of await definition.read()) {
        if (labels) gauge.set(labels, value);
        else gauge.set(value);
      }
    } catch {
      /* a source that does not answer (Redis away) leaves its gauge empty; the rest still answers */
    }
  }
  return client.Registry.merge([processRegistry, registry]);
};

export const renderMetrics = async (
  strapi: Core.Strapi
): Promise<{ contentType: string; body: string }> => {
  const merged = await scrape(strapi);
  return { contentType: merged.contentType, body: await merged.metrics() };
};

/** The same as JSON, for the supervisor to add up across processes. */
export const metricsAsJson = async (strapi: Core.Strapi) =>
  (await scrape(strapi)).getMetricsAsJSON();
