import { boolFromEnv, intFromEnv } from '../support/env';
import { keyPrefix, redisUrl } from '../support/redis';

/** Queue and worker settings, from env (see .env.example). */
export const queueConfig = () => ({
  redisUrl: redisUrl(),
  prefix: keyPrefix(),
  worker: boolFromEnv('WEBHOOK_WORKER', true),
  concurrency: intFromEnv('WEBHOOK_CONCURRENCY', 4, { min: 1, max: 64 }),
  attempts: intFromEnv('WEBHOOK_ATTEMPTS', 5, { min: 1, max: 50 }),
  backoffMs: intFromEnv('WEBHOOK_BACKOFF_MS', 2000, { min: 10 }),
  sweepIntervalMs: intFromEnv('WEBHOOK_SWEEP_INTERVAL_MS', 30_000, { min: 200 }),
  /**
   * How long a worker holds a claimed row without renewing its lease (it renews every third
   * of it while it works). A row whose worker died is taken over once its lease ran out: with
   * the defaults within a minute (lease 30 s + one sweep interval).
   */
  leaseMs: intFromEnv('WEBHOOK_LEASE_MS', 30_000, { min: 500 }),
  /** How long a request waits for Redis to take a job before it leaves it to the sweeper. */
  addTimeoutMs: 1500,
});

export type QueueConfig = ReturnType<typeof queueConfig>;
