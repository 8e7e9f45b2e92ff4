import Bull from 'bull';
import Redis from 'ioredis';
import type { Core } from '@strapi/strapi';
import { queueConfig, type QueueConfig } from './config';
import { observeJob } from '../ops/metrics';
import { currentContext, runWithContext } from '../support/request-context';

/**
 * Bull queues, one per purpose (`webhooks`, `notifications`), shared by the API process and
 * `npm run worker`. Features register job handlers and sweepers; `start()` (only where the
 * worker runs) works every queue with one `process('*', concurrency)` that dispatches on the
 * job name, and runs the sweepers on an interval.
 *
 * Redis being down never fails a request: `add` gives up after a short wait and throws
 * QueueUnavailableError; the caller has written what it needs to the database first, and a
 * sweeper enqueues it once Redis is back.
 */
export type QueueName = 'webhooks' | 'notifications';
export type JobHandler = (data: Record<string, unknown>, job: Bull.Job) => Promise<unknown>;
export type Sweeper = { name: string; run: () => Promise<unknown> };

export class QueueUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueueUnavailableError';
  }
}

const createQueues = (strapi: Core.Strapi, config: QueueConfig) => {
  const clients = new Set<Redis>();
  const shared: Partial<Record<'client' | 'subscriber', Redis>> = {};
  const queues = new Map<QueueName, Bull.Queue>();
  const handlers = new Map<QueueName, Map<string, JobHandler>>();
  const sweepers: Sweeper[] = [];
  const timers: NodeJS.Timeout[] = [];
  let started = false;
  let lastErrorLog = 0;

  const logRedisError = (error?: unknown) => {
    if (Date.now() - lastErrorLog < 30_000) return;
    lastErrorLog = Date.now();
    strapi.log.warn(`Redis unavailable for the queues: ${error instanceof Error ? error.message : String(error)}`);
  };

  const connect = (type: 'client' | 'subscriber' | 'bclient') => {
    if (type !== 'bclient' && shared[type]) return shared[type] as Redis;
    const redis = new Redis(config.redisUrl, {
      // A command waits for at most one reconnect before failing, so an outage cannot pile up
      // commands; requests bound their wait with addTimeoutMs anyway. Blocking connections
      // (the worker's) wait forever, as Bull requires.
      ...(type === 'client' ? { maxRetriesPerRequest: 1 } : { maxRetriesPerRequest: null, enableReadyCheck: false }),
      retryStrategy: (times) => Math.min(times * 200, 2000),
    });
    redis.on('error', logRedisError);
    clients.add(redis);
    if (type !== 'bclient') shared[type] = redis;
    return redis;
  };

  const queue = (name: QueueName) => {
    let existing = queues.get(name);
    if (!existing) {
      existing = new Bull(name, {
        prefix: config.prefix,
        createClient: (type) => connect(type),
        defaultJobOptions: {
          attempts: config.attempts,
          backoff: { type: 'exponential', delay: config.backoffMs },
          removeOnComplete: 1000,
          removeOnFail: 5000,
        },
      });
      existing.on('error', logRedisError);
      queues.set(name, existing);
    }
    return existing;
  };

  const dispatch = (name: QueueName) => async (job: Bull.Job) => {
    const handler = handlers.get(name)?.get(job.name);
    if (!handler) throw new Error(`no handler for job "${job.name}" on queue "${name}"`);
    // The job's log lines name the request that queued it, and the job.
    const requestId = typeof job.data?.requestId === 'string' ? job.data.requestId : undefined;
    return runWithContext({ requestId, jobId: `${name}:${job.id}` }, async () => {
      const start = process.hrtime.bigint();
      let ok = false;
      try {
        const result = await handler(job.data, job);
        ok = true;
        return result;
      } finally {
        const seconds = Number(process.hrtime.bigint() - start) / 1e9;
        observeJob(name, job.name, ok, seconds);
        strapi.log.verbose(`job ${name}:${job.name} ${ok ? 'completed' : 'failed'} in ${(seconds * 1000).toFixed(1)}ms (attempt ${job.attemptsMade + 1})`);
      }
    });
  };

  const runSweeper = (sweeper: Sweeper) => {
    let running = false;
    return async () => {
      if (running) return;
      running = true;
      try {
        await sweeper.run();
      } catch (error) {
        strapi.log.warn(`sweeper ${sweeper.name} failed: ${(error as Error).message}`);
      } finally {
        running = false;
      }
    };
  };

  /**
   * Redis work that a request or a sweeper waits for at most `addTimeoutMs`; any failure
   * becomes a QueueUnavailableError, which callers treat as "Redis is away, the sweeper will".
   */
  const bounded = async <T>(name: QueueName, work: () => Promise<T>, waiting: string): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new QueueUnavailableError(`queue ${name} ${waiting} in ${config.addTimeoutMs} ms`)), config.addTimeoutMs);
    });
    try {
      return await Promise.race([work(), timeout]);
    } catch (error) {
      if (error instanceof QueueUnavailableError) throw error;
      throw new QueueUnavailableError(`queue ${name} is unavailable: ${(error as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    config,
    get started() {
      return started;
    },

    async add(name: QueueName, jobName: string, data: Record<string, unknown>, options: Bull.JobOptions = {}) {
      // A connection that was up and is lost fails at once; one still coming up gets the timeout.
      const status = shared.client?.status;
      if (status === 'reconnecting' || status === 'close' || status === 'end') {
        throw new QueueUnavailableError(`queue ${name} is unavailable: Redis connection ${status}`);
      }
      const requestId = currentContext()?.requestId;
      const payload = requestId && data.requestId === undefined ? { ...data, requestId } : data;
      return bounded(name, () => queue(name).add(jobName, payload, options), 'did not accept the job');
    },

    handle(name: QueueName, jobName: string, handler: JobHandler) {
      if (!handlers.has(name)) handlers.set(name, new Map());
      handlers.get(name)?.set(jobName, handler);
    },

    sweep(sweeper: Sweeper) {
      sweepers.push(sweeper);
    },

    /** Works the queues in this process and starts the sweepers. */
    start() {
      if (started) return;
      started = true;
      for (const name of handlers.keys()) {
        queue(name).process('*', config.concurrency, dispatch(name)).catch(logRedisError);
      }
      queue('webhooks');
      queue('notifications');
      const ready = Promise.all([...queues.values()].map((q) => q.isReady()));
      for (const sweeper of sweepers) {
        const tick = runSweeper(sweeper);
        // First sweep once Redis is there (a restart may have left rows behind), then on a timer.
        ready.then(() => tick(), () => undefined);
        const timer = setInterval(tick, config.sweepIntervalMs);
        timer.unref();
        timers.push(timer);
      }
    },

    /**
     * What Redis holds of these jobs: `pending` (waiting, active, or delayed for a retry) or
     * `finished` (completed or failed and kept); a job Redis does not hold is left out. Lets a
     * sweeper tell a row that waits its turn in a backlog from one whose job is lost.
     * Throws QueueUnavailableError when Redis does not answer in time.
     */
    async jobStates(name: QueueName, jobIds: string[]): Promise<Map<string, 'pending' | 'finished'>> {
      const states = new Map<string, 'pending' | 'finished'>();
      if (jobIds.length === 0) return states;
      const target = queue(name);
      const pipeline = target.client.pipeline();
      for (const id of jobIds) pipeline.hmget(target.toKey(id), 'timestamp', 'finishedOn');
      const results = (await bounded(name, () => pipeline.exec(), 'did not answer')) ?? [];
      results.forEach(([error, fields], index) => {
        if (error) throw new QueueUnavailableError(`queue ${name} is unavailable: ${error.message}`);
        const [timestamp, finishedOn] = (fields ?? []) as Array<string | null>;
        if (timestamp) states.set(jobIds[index], finishedOn ? 'finished' : 'pending');
      });
      return states;
    },

    /** Drops a job Redis keeps (one `jobStates` found finished), so that its id can be queued again. */
    async remove(name: QueueName, jobId: string) {
      await (await queue(name).getJob(jobId))?.remove();
    },

    async counts(name: QueueName) {
      return queue(name).getJobCounts();
    },

    queue,

    async close() {
      timers.forEach((timer) => clearInterval(timer));
      await Promise.all([...queues.values()].map((q) => q.close().catch(() => undefined)));
      await Promise.all([...clients].map((redis) => redis.quit().catch(() => redis.disconnect())));
      clients.clear();
    },
  };
};

export type Queues = ReturnType<typeof createQueues>;

const registry = new WeakMap<Core.Strapi, Queues>();
const closed = new WeakSet<Core.Strapi>();

/** The queues of this Strapi instance (created on first use; never again once closed). */
export const queuesOf = (strapi: Core.Strapi): Queues => {
  let queues = registry.get(strapi);
  if (!queues) {
    if (closed.has(strapi)) throw new QueueUnavailableError('the queues of this instance are closed');
    queues = createQueues(strapi, queueConfig());
    registry.set(strapi, queues);
  }
  return queues;
};

export const closeQueues = async (strapi: Core.Strapi) => {
  closed.add(strapi);
  const queues = registry.get(strapi);
  registry.delete(strapi);
  await queues?.close();
};
