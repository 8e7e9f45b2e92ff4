import http from 'http';
import type { Worker } from 'cluster';
import client, { AggregatorRegistry } from 'prom-client';
import { bearerMatches } from '../support/tokens';

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
      member.worker.send({ type: 'metrics-request', id } satisfies MetricsRequest);
    } catch {
      finish(null); // the channel is closing
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

/** In the primary: `/metrics` on METRICS_HOST:METRICS_PORT, METRICS_TOKEN required when set. */
export const serveClusterMetrics = async ({
  port,
  host,
  token,
  members,
}: {
  port: number;
  host: string;
  token?: string;
  members: () => Member[];
}) => {
  let round: Promise<string> | null = null;
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    if (token && !bearerMatches(req.headers.authorization, token)) {
      res.writeHead(401).end();
      return;
    }
    round ??= clusterMetrics(members()).finally(() => (round = null));
    round.then(
      (body) => res.writeHead(200, { 'Content-Type': client.register.contentType }).end(body),
      () => res.writeHead(500).end()
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
};

/** In a supervised process: answer the primary's requests with `render()` (this process's metrics). */
export const answerMetricsRequests = (render: () => Promise<unknown[]>) => {
  if (!process.send) return;
  process.on('message', (message: MetricsRequest) => {
    if (message?.type !== 'metrics-request') return;
    const reply = (body: Omit<MetricsReply, 'type' | 'id'>) => {
      try {
        process.send?.({ type: 'metrics', id: message.id, ...body } satisfies MetricsReply);
      } catch {
        /* the primary is going away */
      }
    };
    render().then(
      (metrics) => reply({ metrics }),
      (error: Error) => reply({ error: error.message })
    );
  });
};
