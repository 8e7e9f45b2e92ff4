import cluster, { type Worker } from 'cluster';
import os from 'os';
import { intFromEnv, oneOfFromEnv } from '../support/env';
import { serveClusterMetrics } from './cluster-metrics';
import { metricsEndpoint, type MetricsEndpoint } from './metrics-http';

/**
 * The production start (`npm start`): a small `cluster` primary that runs the product's
 * processes and keeps them alive. It loads no Strapi itself.
 *
 * - API processes: WEB_CONCURRENCY of them (default: one per core), sharing the HTTP port.
 *   The first boots alone (it runs the migrations and the schema sync); the others follow once
 *   it listens.
 * - Queue workers: WORKER_PROCESSES of them (default 1), each `npm run worker` in all but name,
 *   at niceness WORKER_NICE (10): under load the API processes get the CPU first, and the queue
 *   catches up when there is room.
 *   With 0, the API processes work the queues themselves (WEBHOOK_WORKER as configured).
 * - On SQLite (one writer at a time) one API process works everything.
 * - Each API process's V8 heap is capped at WEB_MAX_HEAP_MB (384; 0: Node's default, a quarter
 *   of the machine's memory up to 4 GB): with room to spare V8 collects lazily and a process
 *   grows well past what it uses; capped, it collects sooner and stays within a container's
 *   memory (≈ the cap + 200 MB resident). A limit of the operator's own (on the
 *   start command or in NODE_OPTIONS) wins.
 *
 * A process that dies is replaced (after a growing pause if it keeps dying right after its
 * start). A process whose event loop stops answering — it ignores SIGTERM then, so it would
 * never go away by itself — is found by a heartbeat over the IPC channel: no answer for
 * SUPERVISOR_HEARTBEAT_TIMEOUT_MS and it is killed (SIGKILL) and replaced.
 * SIGTERM/SIGINT: every process is asked to stop (each drains its requests and jobs), and is
 * killed if it has not stopped after SHUTDOWN_TIMEOUT_MS plus a margin.
 */
export type Role = 'api' | 'worker';
export type SupervisorMessage =
  { type: 'ping'; at: number } | { type: 'pong'; at: number } | { type: 'ready'; role: Role };
type Log = (level: 'info' | 'warn' | 'error', message: string) => void;

export type SupervisorConfig = {
  apiProcesses: number;
  workerProcesses: number;
  heartbeatIntervalMs: number;
  heartbeatTimeoutMs: number;
  startTimeoutMs: number;
  shutdownTimeoutMs: number;
  /** The queue workers' niceness: the API processes (a caller waits) come first for the CPU. */
  workerNice: number;
  /** The first queue worker's own metrics port (0: none), +1 for each further worker. */
  workerMetricsPort: number;
  /** Where the primary serves every process's metrics added up (port 0: nowhere; cluster-metrics.ts). */
  metrics: MetricsEndpoint;
  /** The API processes' V8 old-space limit in MB (0: Node's default). */
  apiHeapMb: number;
};

export const supervisorConfig = (): SupervisorConfig => {
  const sqlite =
    oneOfFromEnv('DATABASE_CLIENT', ['postgres', 'sqlite'] as const, 'sqlite') === 'sqlite';
  const cores =
    typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const heartbeatIntervalMs = intFromEnv('SUPERVISOR_HEARTBEAT_MS', 2000, { min: 100 });
  return {
    apiProcesses: sqlite ? 1 : intFromEnv('WEB_CONCURRENCY', cores, { min: 1, max: 64 }),
    workerProcesses: sqlite ? 0 : intFromEnv('WORKER_PROCESSES', 1, { min: 0, max: 64 }),
    heartbeatIntervalMs,
    heartbeatTimeoutMs: Math.max(
      intFromEnv('SUPERVISOR_HEARTBEAT_TIMEOUT_MS', 15_000, { min: 500 }),
      heartbeatIntervalMs * 2
    ),
    // A booting process loads modules and syncs the schema in long synchronous stretches (more
    // so on a busy machine): until it is ready it is judged by this deadline, not the heartbeat.
    startTimeoutMs: intFromEnv('SUPERVISOR_START_TIMEOUT_MS', 180_000, { min: 1000 }),
    shutdownTimeoutMs: intFromEnv('SHUTDOWN_TIMEOUT_MS', 25_000, { min: 0 }),
    workerNice: intFromEnv('WORKER_NICE', 10, { min: 0, max: 19 }),
    workerMetricsPort: intFromEnv('WORKER_METRICS_PORT', 0, { min: 0, max: 65535 }),
    metrics: metricsEndpoint(),
    apiHeapMb: intFromEnv('WEB_MAX_HEAP_MB', 384, { min: 0, max: 65_536 }),
  };
};

type Child = {
  role: Role;
  slot: number;
  worker: Worker;
  startedAt: number;
  lastPong: number;
  ready: boolean;
  killed: boolean;
};

export const runSupervisor = (config: SupervisorConfig, log: Log) => {
  const children = new Map<number, Child>();
  const failures = new Map<string, number>();
  let stopping = false;

  const fork = (role: Role, slot: number) => {
    const env: Record<string, string> = { FRONTDESK_ROLE: role };
    // With a process of their own for the queues, API processes only serve HTTP.
    if (role === 'api' && config.workerProcesses > 0) env.WEBHOOK_WORKER = 'off';
    if (role === 'worker') env.WEBHOOK_WORKER = 'on';
    // METRICS_PORT is the primary's (the sum of all); each worker may have a port of its own.
    env.METRICS_PORT =
      role === 'worker' && config.workerMetricsPort ? String(config.workerMetricsPort + slot) : '0';
    // A limit given on the start command itself (node --max-old-space-size=…) wins.
    const ownLimit = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some(
      (flag) => /^--max[-_]old[-_]space[-_]size/.test(flag)
    );
    cluster.setupPrimary({
      execArgv:
        role === 'api' && config.apiHeapMb > 0 && !ownLimit
          ? [...process.execArgv, `--max-old-space-size=${config.apiHeapMb}`]
          : process.execArgv,
    });
    const worker = cluster.fork(env);
    // Events wait in the queue; Retell's request and the caller in a function call do not.
    if (role === 'worker' && config.workerNice > 0 && worker.process.pid) {
      try {
        os.setPriority(worker.process.pid, config.workerNice);
      } catch (error) {
        log('warn', `worker process ${slot}: niceness not set (${(error as Error).message})`);
      }
    }
    const child: Child = {
      role,
      slot,
      worker,
      startedAt: Date.now(),
      lastPong: Date.now(),
      ready: false,
      killed: false,
    };
    children.set(worker.id, child);
    // A send to a process that has just died fails with an 'error' event: unheard, it would end
    // the primary and every process with it. The exit handler replaces the process.
    worker.on('error', (error: Error) =>
      log('warn', `${role} process ${slot} (pid ${worker.process.pid}): ${error.message}`)
    );
    log('info', `${role} process ${slot} (pid ${worker.process.pid}) is starting`);
    worker.on('message', (message: SupervisorMessage) => {
      if (message?.type === 'pong') child.lastPong = Date.now();
      if (message?.type === 'ready') {
        child.ready = true;
        child.lastPong = Date.now();
        failures.delete(`${role}:${slot}`);
        log('info', `${role} process ${slot} (pid ${worker.process.pid}) is ready`);
        onReady(child);
      }
    });
    return child;
  };

  let others: Array<() => void> | null = [];
  const onReady = (child: Child) => {
    // The first API process has run the migrations and synced the schema: the rest may boot.
    if (child.role === 'api' && others) {
      const start = others;
      others = null;
      start.forEach((launch) => launch());
    }
  };

  cluster.on('exit', (worker, code, signal) => {
    const child = children.get(worker.id);
    children.delete(worker.id);
    if (!child || stopping) return;
    const key = `${child.role}:${child.slot}`;
    // A process that dies soon after its start is retried after a growing pause (1 s … 30 s).
    const streak = Date.now() - child.startedAt < 30_000 ? (failures.get(key) ?? 0) + 1 : 1;
    failures.set(key, streak);
    const pause = Math.min(30_000, 1000 * 2 ** (streak - 1));
    log(
      'error',
      `${child.role} process ${child.slot} (pid ${worker.process.pid}) exited (${signal ?? `code ${code}`}); replacing it in ${pause} ms`
    );
    setTimeout(() => {
      if (!stopping) fork(child.role, child.slot);
    }, pause).unref();
  });

  const heartbeat = setInterval(() => {
    const now = Date.now();
    for (const child of children.values()) {
      if (child.killed || !child.worker.isConnected()) continue;
      const silent = child.ready
        ? now - child.lastPong > config.heartbeatTimeoutMs
        : now - child.startedAt > config.startTimeoutMs;
      if (silent) {
        log(
          'error',
          child.ready
            ? `${child.role} process ${child.slot} (pid ${child.worker.process.pid}) has not answered for ${now - child.lastPong} ms; killing it`
            : `${child.role} process ${child.slot} (pid ${child.worker.process.pid}) is not ready after ${now - child.startedAt} ms; killing it`
        );
        child.killed = true;
        child.worker.process.kill('SIGKILL');
        continue;
      }
      try {
        child.worker.send({ type: 'ping', at: now } satisfies SupervisorMessage, () => undefined);
      } catch {
        /* the channel is closing: the exit handler takes over */
      }
    }
  }, config.heartbeatIntervalMs);

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    clearInterval(heartbeat);
    log('info', `${signal}: stopping ${children.size} process(es)`);
    for (const child of children.values()) child.worker.process.kill('SIGTERM');
    const deadline = setTimeout(() => {
      for (const child of children.values()) child.worker.process.kill('SIGKILL');
    }, config.shutdownTimeoutMs + 10_000);
    deadline.unref();
    const done = () => {
      if (children.size === 0) process.exit(0);
    };
    cluster.on('exit', done);
    done();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  const { metrics } = config;
  if (metrics.port) {
    const ready = () =>
      [...children.values()].filter(
        (child) => child.ready && !child.killed && child.worker.isConnected()
      );
    serveClusterMetrics(metrics, ready, log).then(
      (server) => {
        server.unref();
        log('info', `Metrics of all processes on http://${metrics.host}:${metrics.port}/metrics`);
      },
      (error: Error) => log('error', `metrics port ${metrics.port}: ${error.message}`)
    );
  }

  log(
    'info',
    `Frontdesk: ${config.apiProcesses} API process(es), ${config.workerProcesses} queue worker process(es)`
  );
  fork('api', 0);
  for (let slot = 1; slot < config.apiProcesses; slot += 1) others?.push(() => fork('api', slot));
  for (let slot = 0; slot < config.workerProcesses; slot += 1)
    others?.push(() => fork('worker', slot));
};

/** In a supervised process: answer the heartbeat (from the event loop — a frozen one cannot). */
export const answerSupervisor = () => {
  if (!process.send) return;
  process.on('message', (message: SupervisorMessage) => {
    if (message?.type === 'ping')
      process.send?.({ type: 'pong', at: message.at } satisfies SupervisorMessage);
  });
};

export const tellSupervisorReady = (role: Role) =>
  process.send?.({ type: 'ready', role } satisfies SupervisorMessage);
