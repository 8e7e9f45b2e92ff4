import { createHash } from 'crypto';
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import Redis from 'ioredis';
import ratelimit from 'koa-ratelimit';
import { intFromEnv } from '../support/env';

/**
 * Rate limits for the REST API (`/api/…`), per client — the bearer token when there is one,
 * else the IP — counted in Redis so every API process shares them: RATE_LIMIT_MAX requests
 * per RATE_LIMIT_WINDOW_MS, then 429 with Retry-After in Strapi's error envelope.
 * Retell's signed routes are not limited (Retell retries refused events, which would only
 * multiply them); the admin panel has Strapi's own login limits. With Redis away the API is
 * not limited rather than not served.
 */
type Ctx = { path: string; ip: string; get(name: string): string; status: number; state: Record<string, unknown> };
const clients = new WeakMap<Core.Strapi, Redis>();

export const createRateLimit = (strapi: Core.Strapi) => {
  const max = intFromEnv('RATE_LIMIT_MAX', 300, { min: 0 });
  const duration = intFromEnv('RATE_LIMIT_WINDOW_MS', 60_000, { min: 1000 });
  if (max === 0) return null;
  const redis = new Redis(process.env.REDIS_URL || 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1, enableOfflineQueue: false, keyPrefix: `${process.env.QUEUE_PREFIX || 'frontdesk'}:ratelimit:` });
  let warned = 0;
  redis.on('error', (error: Error) => {
    if (Date.now() - warned < 60_000) return;
    warned = Date.now();
    strapi.log.warn(`rate limits off while Redis is unavailable: ${error.message}`);
  });
  clients.set(strapi, redis);
  const limiter = ratelimit({
    driver: 'redis',
    db: redis,
    duration,
    max,
    id: (ctx: Ctx) => {
      const authorization = ctx.get('authorization');
      return authorization ? `token:${createHash('sha256').update(authorization).digest('base64url').slice(0, 22)}` : `ip:${ctx.ip}`;
    },
  });

  return async (ctx: Ctx, next: () => Promise<void>) => {
    if (!ctx.path.startsWith('/api/') || ctx.path.startsWith('/api/retell/') || redis.status !== 'ready') return next();
    let passed = false;
    try {
      await limiter(ctx as never, async () => {
        passed = true;
        await next();
      });
    } catch (error) {
      if (passed) throw error;
      strapi.log.warn(`rate limit check failed, request let through: ${(error as Error).message}`);
      return next();
    }
    const limited = ctx.state.rateLimit as { after: number; message: string } | undefined;
    if (!passed && limited) throw new errors.RateLimitError(`Too many requests, retry in ${limited.after} s`, { retryAfter: limited.after });
  };
};

export const closeRateLimit = async (strapi: Core.Strapi) => {
  const redis = clients.get(strapi);
  clients.delete(strapi);
  await redis?.quit().catch(() => redis.disconnect());
};
