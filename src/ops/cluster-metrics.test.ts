import { EventEmitter } from 'events';
import type { Worker } from 'cluster';
import client from 'prom-client';
import { clusterMetrics, type MetricsRequest } from './cluster-metrics';

/** The primary's side of a scrape, with stand-ins for the processes (their IPC channel). */
const jsonOf = async (value: number) => {
  const registry = new client.Registry();
  new client.Counter({ name: 'demo_total', help: 'demo', registers: [registry] }).inc(value);
  return registry.getMetricsAsJSON();
};

type Reply = (request: MetricsRequest, emit: (message: unknown) => void) => void;
const processAnswering = (reply: Reply, sendError?: Error) => {
  const worker = new EventEmitter() as EventEmitter & {
    send: (message: MetricsRequest, callback: (error: Error | null) => void) => boolean;
  };
  worker.send = (message, callback) => {
    setImmediate(() => {
      callback(sendError ?? null);
      if (!sendError) reply(message, (answer) => worker.emit('message', answer));
    });
    return !sendError;
  };
  return worker as unknown as Worker;
};

it('adds up the answers, and counts the silent, the failed and the malformed as not answered', async () => {
  const answering =
    (value: number): Reply =>
    (request, emit) =>
      void jsonOf(value).then((metrics) => emit({ type: 'metrics', id: request.id, metrics }));
  const members = [
    { role: 'api', worker: processAnswering(answering(2)) },
    { role: 'api', worker: processAnswering(answering(3)) },
    { role: 'api', worker: processAnswering(() => undefined) }, // never answers
    { role: 'api', worker: processAnswering(answering(5), new Error('channel closed')) },
    {
      role: 'worker',
      worker: processAnswering((request, emit) => {
        emit({ type: 'metrics', id: request.id + 1000, metrics: [] }); // someone else's answer
        emit({ type: 'metrics', id: request.id, metrics: 'not a list' });
      }),
    },
  ];
  const started = Date.now();
  const text = await clusterMetrics(members, 300);
  expect(Date.now() - started).toBeLessThan(2000);
  expect(text).toMatch(/^demo_total 5$/m);
  expect(text).toMatch(/^frontdesk_cluster_processes\{role="api",answered="true"\} 2$/m);
  expect(text).toMatch(/^frontdesk_cluster_processes\{role="api",answered="false"\} 2$/m);
  expect(text).toMatch(/^frontdesk_cluster_processes\{role="worker",answered="false"\} 1$/m);
  // Nothing is left listening on the channels once the scrape is over.
  for (const { worker } of members) expect(worker.listenerCount('message')).toBe(0);
});
