import type { Worker } from 'cluster';
import client, { AggregatorRegistry } from 'prom-client';
import { serveMetrics, type MetricsEndpoint } from './metrics-http';

/**
 * `npm start`'s metrics, added up. Behind one port the API processes answer a scrape of
 * `/metrics` in turn, each with its own counters — a Prometheus `rate()` over that jumps
 * between processes. So with METRICS_PORT set, the supervisor (the cluster primary) serves
 * `/metrics` there itself: on each scrape it asks every ready process over the IPC channel for
 * its metrics as JSON and answers their sum (prom-client's AggregatorRegistry: counters and
 * histograms added up by label; a gauge as its definition says — `max` for one shared source
 * such as a queue, `omit` for a ratio). `frontdesk_cluster_processes` says how many processes
 * answered; one that does not within SCRAPE_TIMEOUT_MS is left out of that scrape, never waited
 * for. Concurrent scrapes share one round. The primary loads no Strapi: the processes render.
 */
export type MetricsRequest = { type: 'metrics-request'; id: number };
export type MetricsReply = { type: 'metrics'; id: number; metrics?: unknown[]; error?: string };
export type Member = { role: string; worker: Worker };

const SCRAPE_TIMEOUT_MS = 2000;
let sequence = 0;

const askFor = (member: Member, timeoutMs: number) =>
  new Promise<unknown[] | null>((resolve) => {
    sequence += 1;
    const id = sequence;
    const finish = (metrics: unknown[] | null) => {
      clearTimeout(timer);
      member.worker.off('message', onMessage);
      resolve(metrics);
    };
    const onMessage = (message: MetricsReply) => {
      if (message?.type === 'metrics' && message.id === id)
        finish(Array.isArray(message.metrics) ? message.metrics : null);
    };
    const timer = setTimeout(() => finish(null), timeoutMs);
    member.worker.on('message', onMessage);
    try {
      // With a callback a failed send (the process just died) is reported here, not emitted.
      member.worker.send({ type: 'metrics-request', id } satisfies MetricsRequest, (error) => {
        if (error) finish(null);
      });
    } catch {
      finish(null); // the channel is closed
    }
  });

export const clusterMetrics = async (members: Member[], timeoutMs = SCRAPE_TIMEOUT_MS) => {
  const answers = await Promise.all(members.map((member) => askFor(member, timeoutMs)));
  const registry = AggregatorRegistry.aggregate(
    answers.filter((metrics): metrics is unknown[] => metrics !== null) as Parameters<
      typeof AggregatorRegistry.aggregate
    >[0]
  );
  const processes = new client.Gauge({
    name: 'frontdesk_cluster_processes',
    help: 'Processes of npm start asked for this scrape, by role and whether they answered in time',
    labelNames: ['role', 'answered'],
    registers: [registry],
  });
  members.forEach((member, index) =>
    processes.inc({ role: member.role, answered: String(answers[index] !== null) })
  );
  return registry.metrics();
};

/** In the primary: `/metrics` on the metrics endpoint (metrics-http.ts), all processes added up. */
export const serveClusterMetrics = (
  endpoint: MetricsEndpoint,
  members: () => Member[],
  log: (level: 'info' | 'warn', message: string) => void
) => {
  let round: Promise<string> | null = null;
  return serveMetrics(
    endpoint,
    async () => {
      round ??= clusterMetrics(members()).finally(() => (round = null));
      return { contentType: client.register.contentType, body: await round };
    },
    log
  );
};

/**
 * In a supervised process: answer the primary's requests with `render()` (this process's
 * metrics). A request that comes while a render is still running (the primary gave up on the
 * last one) is answered with that render: a slow process does not pile them up.
 */
export const answerMetricsRequests = (render: () => Promise<unknown[]>) => {
  if (!process.send) return;
  let rendering: Promise<unknown[]> | null = null;
  process.on('message', (message: MetricsRequest) => {
    if (message?.type !== 'metrics-request') return;
    const reply = (body: Omit<MetricsReply, 'type' | 'id'>) => {
      try {
        process.send?.({ type: 'metrics', id: message.id, ...body } satisfies MetricsReply);
      } catch {
        /* the primary is going away */
      }
    };
    rendering ??= render().finally(() => (rendering = null));
    rendering.then(
      (metrics) => reply({ metrics }),
      (error: Error) => reply({ error: error.message })
    );
  });
};
