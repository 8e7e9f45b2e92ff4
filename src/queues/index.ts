import Bull from 'bull';
import Redis from 'ioredis';
import type { Core } from '@strapi/strapi';
import { queueConfig, type QueueConfig } from './config';
import { observeJob, registerGauge } from '../ops/metrics';
import { countStatements, currentContext, runWithContext } from '../support/request-context';
import type { JobDefinition, JobName, JobPayloads, QueueName } from './jobs';

export {
  defineJob,
  type JobDefinition,
  type JobName,
  type JobPayloads,
  type QueueName,
} from './jobs';

/**
 * Bull queues, one per purpose (`webhooks`, `notifications`), shared by the API process and
 * `npm run worker`. Features register their job definitions (./jobs.ts) and sweepers in every
 * process — producers queue by name through them — and `start()` (only where the worker runs)
 * works every queue with one `process('*', concurrency)` that dispatches on the job name, and
 * runs the sweepers on an interval.
 *
 * Redis being down never fails a request: `add` gives up after a short wait and throws
 * QueueUnavailableError; the caller has written what it needs to the database first, and a
 * sweeper enqueues it once Redis is back.
 */
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
  /** Each registered job, its types erased behind closures that parse with the job's own schema. */
  type Registered = {
    queue: QueueName;
    options?: JobDefinition['options'];
    parse: (data: unknown) => unknown;
    jobId: (data: unknown) => string;
    run: (data: unknown, job: Bull.Job) => Promise<unknown>;
  };
  const definitions = new Map<string, Registered>();
  const sweepers: Sweeper[] = [];
  const timers: NodeJS.Timeout[] = [];
  let started = false;
  let lastErrorLog = 0;

  const logRedisError = (error?: unknown) => {
    if (Date.now() - lastErrorLog < 30_000) return;
    lastErrorLog = Date.now();
    strapi.log.warn(
      `Redis unavailable for the queues: ${error instanceof Error ? error.message : String(error)}`
    );
  };

  const connect = (type: 'client' | 'subscriber' | 'bclient') => {
    if (type !== 'bclient' && shared[type]) return shared[type] as Redis;
    const redis = new Redis(config.redisUrl, {
      // A command waits for at most one reconnect before failing, so an outage cannot pile up
      // commands; requests bound their wait with addTimeoutMs anyway. Blocking connections
      // (the worker's) wait forever, as Bull requires.
      ...(type === 'client'
        ? { maxRetriesPerRequest: 1 }
        : { maxRetriesPerRequest: null, enableReadyCheck: false }),
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
        // Bull's own lease on a job a worker took, on the same clock as the rows' leases: a job a
        // dead worker had taken (before it claimed its row) is found stalled and run again as soon.
        settings: {
          lockDuration: config.leaseMs,
          lockRenewTime: Math.floor(config.leaseMs / 2),
          stalledInterval: config.leaseMs,
        },
      });
      existing.on('error', logRedisError);
      queues.set(name, existing);
    }
    return existing;
  };

  const dispatch = (name: QueueName) => async (job: Bull.Job) => {
    const definition = definitions.get(job.name);
    if (!definition || definition.queue !== name)
      throw new Error(`no job "${job.name}" on queue "${name}"`);
    // The job's log lines name the request that queued it, and the job.
    const requestId = typeof job.data?.requestId === 'string' ? job.data.requestId : undefined;
    const context = { requestId, jobId: `${name}:${job.id}`, statements: 0 };
    return runWithContext(context, async () => {
      const start = process.hrtime.bigint();
      let ok = false;
      try {
        const result = await definition.run(job.data, job);
        ok = true;
        return result;
      } finally {
        const seconds = Number(process.hrtime.bigint() - start) / 1e9;
        observeJob(name, job.name, ok, seconds, context.statements);
        strapi.log.verbose(
          `job ${name}:${job.name} ${ok ? 'completed' : 'failed'} in ${(seconds * 1000).toFixed(1)}ms, ${context.statements} SQL statements (attempt ${job.attemptsMade + 1})`
        );
      }
    });
  };

  const definitionOf = (name: JobName) => {
    const definition = definitions.get(name);
    if (!definition) throw new Error(`job "${name}" is not registered`);
    return definition;
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
  const bounded = async <T>(
    name: QueueName,
    work: () => Promise<T>,
    waiting: string
  ): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new QueueUnavailableError(`queue ${name} ${waiting} in ${config.addTimeoutMs} ms`)
          ),
        config.addTimeoutMs
      );
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

    /** Makes a job known in this process (to queue it, and to work it where the worker runs). */
    register<N extends JobName>(definition: JobDefinition<N>) {
      definitions.set(definition.name, {
        queue: definition.queue,
        options: definition.options,
        parse: (data) => definition.schema.parse(data),
        jobId: (data) => definition.jobId(definition.schema.parse(data)),
        run: (data, job) => definition.handler(definition.schema.parse(data), { strapi, job }),
      });
    },

    /** Queues a job by its definition: the payload checked against its schema, the id its own. */
    async add<N extends JobName>(
      name: N,
      payload: JobPayloads[N],
      options: Pick<Bull.JobOptions, 'delay'> = {}
    ) {
      const definition = definitionOf(name);
      const data = definition.parse(payload);
      // A connection that was up and is lost fails at once; one still coming up gets the timeout.
      const status = shared.client?.status;
      if (status === 'reconnecting' || status === 'close' || status === 'end') {
        throw new QueueUnavailableError(
          `queue ${definition.queue} is unavailable: Redis connection ${status}`
        );
      }
      const requestId = currentContext()?.requestId;
      const withRequest = requestId ? { ...(data as object), requestId } : data;
      return bounded(
        definition.queue,
        () =>
          queue(definition.queue).add(name, withRequest, {
            ...definition.options,
            ...options,
            jobId: definition.jobId(data),
          }),
        'did not accept the job'
      );
    },

    sweep(sweeper: Sweeper) {
      sweepers.push(sweeper);
    },

    /** Works the queues in this process and starts the sweepers. */
    start() {
      if (started) return;
      started = true;
      countStatements(strapi.db.connection.client);
      for (const name of new Set([...definitions.values()].map((definition) => definition.queue))) {
        queue(name).process('*', config.concurrency, dispatch(name)).catch(logRedisError);
      }
      queue('webhooks');
      queue('notifications');
      const ready = Promise.all([...queues.values()].map((q) => q.isReady()));
      for (const sweeper of sweepers) {
        const tick = runSweeper(sweeper);
        // First sweep once Redis is there (a restart may have left rows behind), then on a timer.
        ready.then(
          () => tick(),
          () => undefined
        );
        const timer = setInterval(tick, config.sweepIntervalMs);
        timer.unref();
        timers.push(timer);
      }
    },

    /**
     * What Redis holds of these jobs, in order: `pending` (waiting, active, or delayed for a
     * retry), `finished` (completed or failed and kept), or undefined (Redis does not hold it).
     * Lets a sweeper tell a row that waits its turn in a backlog from one whose job is lost.
     * Throws QueueUnavailableError when Redis does not answer in time.
     */
    async jobStates<N extends JobName>(
      name: N,
      payloads: Array<JobPayloads[N]>
    ): Promise<Array<'pending' | 'finished' | undefined>> {
      if (payloads.length === 0) return [];
      const definition = definitionOf(name);
      const target = queue(definition.queue);
      const pipeline = target.client.pipeline();
      for (const payload of payloads)
        pipeline.hmget(target.toKey(definition.jobId(payload)), 'timestamp', 'finishedOn');
      const results =
        (await bounded(definition.queue, () => pipeline.exec(), 'did not answer')) ?? [];
      return results.map(([error, fields]) => {
        if (error)
          throw new QueueUnavailableError(
            `queue ${definition.queue} is unavailable: ${error.message}`
          );
        const [timestamp, finishedOn] = (fields ?? []) as Array<string | null>;
        return timestamp ? (finishedOn ? 'finished' : 'pending') : undefined;
      });
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

const QUEUE_NAMES: QueueName[] = ['webhooks', 'notifications'];

const registry = new WeakMap<Core.Strapi, Queues>();
const closed = new WeakSet<Core.Strapi>();

/** The queues of this Strapi instance (created on first use; never again once closed). */
export const queuesOf = (strapi: Core.Strapi): Queues => {
  let queues = registry.get(strapi);
  if (!queues) {
    if (closed.has(strapi))
      throw new QueueUnavailableError('the queues of this instance are closed');
    const created = createQueues(strapi, queueConfig());
    queues = created;
    registry.set(strapi, created);
    registerGauge(strapi, {
      name: 'frontdesk_queue_jobs',
      help: 'Bull jobs by queue and state (waiting, active, completed, failed, delayed)',
      labelNames: ['queue', 'state'],
      aggregate: 'max', // every process reads the same queues
      read: async () =>
        (
          await Promise.all(
            QUEUE_NAMES.map(async (name) =>
              Object.entries(await created.counts(name)).map(([state, value]) => ({
                labels: { queue: name, state },
                value: Number(value),
              }))
            )
          )
        ).flat(),
    });
  }
  return queues;
};

export const closeQueues = async (strapi: Core.Strapi) => {
  closed.add(strapi);
  const queues = registry.get(strapi);
  registry.delete(strapi);
  await queues?.close();
};
