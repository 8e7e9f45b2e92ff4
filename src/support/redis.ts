import Redis, { type RedisOptions } from 'ioredis';

/**
 * The one Redis configuration: REDIS_URL, and QUEUE_PREFIX as the namespace of every key and
 * channel this deployment uses in it (several deployments, or test runs, may share one Redis).
 */
export const redisUrl = () => process.env.REDIS_URL || 'redis://127.0.0.1:6379';
export const keyPrefix = () => process.env.QUEUE_PREFIX || 'frontdesk';

/** A connection for requests that must not wait: one retry at most, nothing queued while it is away. */
export const createRedis = (options: RedisOptions = {}) =>
  new Redis(redisUrl(), { maxRetriesPerRequest: 1, enableOfflineQueue: false, ...options });
