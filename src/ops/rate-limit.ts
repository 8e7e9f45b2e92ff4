import { createHash } from 'crypto';
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type Redis from 'ioredis';
import { createRedis, keyPrefix } from '../support/redis';
import ratelimit from 'koa-ratelimit';
import { intFromEnv } from '../support/env';
import { MANAGE_PATH } from '../support/manage-link';
import { problemPage } from '../self-service/page';

/**
 * Per-client rate limits, counted in Redis so every API process shares them. Three budgets,
 * each `max` requests per window (0 turns a budget off), then 429 with Retry-After and the
 * X-RateLimit-* headers, in Strapi's error envelope:
 * - `auth` — users-permissions' login, registration and password routes (`/api/auth/…`,
 *   `/api/connect/…`), per IP, tight: RATE_LIMIT_AUTH_MAX (10) per RATE_LIMIT_AUTH_WINDOW_MS (60 s);
 * - `retell` — Retell's signed routes (`/api/retell/…`), per IP, generous — Retell sends every
 *   event of every call from a few addresses, in bursts, and retries what is refused:
 *   RATE_LIMIT_RETELL_MAX (12,000) per RATE_LIMIT_RETELL_WINDOW_MS (60 s);
 * - `api` — the rest of the REST API, per verified identity, else per IP: RATE_LIMIT_MAX (300) per
 *   RATE_LIMIT_WINDOW_MS (60 s). A bearer token counts as an identity only once it is proven: an
 *   integrator's JWT whose signature verifies, or an API token Strapi has already accepted in this
 *   process. Anything else — no token, a made-up one — shares the budget of its IP, so random
 *   tokens cannot buy fresh budgets. Behind a proxy the IP is the client's (IS_PROXIED).
 * Not limited: `/api/health/…` (probes), the admin panel (Strapi limits its own login).
 * With Redis away requests are let through rather than refused.
 */
type Ctx = {
  path: string;
  ip: string;
  get(name: string): string;
  set(name: string, value: string): void;
  status: number;
  body: unknown;
  state: Record<string, unknown>;
  type: string;
  accepts(...types: string[]): string | false;
  acceptsLanguages(...languages: string[]): string | false;
};
type BudgetName = 'auth' | 'retell' | 'api' | 'manage';
type Budget = { name: BudgetName; max: number; duration: number };
const clients = new WeakMap<Core.Strapi, Redis>();

export const budgetOf = (path: string): BudgetName | null => {
  if (path.startsWith(MANAGE_PATH)) return 'manage';
  if (!path.startsWith('/api/') || path.startsWith('/api/health/')) return null;
  if (path.startsWith('/api/auth/') || path.startsWith('/api/connect/')) return 'auth';
  if (path.startsWith('/api/retell/')) return 'retell';
  return 'api';
};

const budgetsFromEnv = (): Budget[] =>
  [
    {
      name: 'auth' as const,
      max: intFromEnv('RATE_LIMIT_AUTH_MAX', 10, { min: 0 }),
      duration: intFromEnv('RATE_LIMIT_AUTH_WINDOW_MS', 60_000, { min: 1000 }),
    },
    {
      name: 'retell' as const,
      max: intFromEnv('RATE_LIMIT_RETELL_MAX', 12_000, { min: 0 }),
      duration: intFromEnv('RATE_LIMIT_RETELL_WINDOW_MS', 60_000, { min: 1000 }),
    },
    {
      name: 'manage' as const,
      max: intFromEnv('RATE_LIMIT_MANAGE_MAX', 60, { min: 0 }),
      duration: intFromEnv('RATE_LIMIT_MANAGE_WINDOW_MS', 60_000, { min: 1000 }),
    },
    {
      name: 'api' as const,
      max: intFromEnv('RATE_LIMIT_MAX', 300, { min: 0 }),
      duration: intFromEnv('RATE_LIMIT_WINDOW_MS', 60_000, { min: 1000 }),
    },
  ].filter((budget) => budget.max > 0);

const MAX_KNOWN_TOKENS = 10_000;
const bearerOf = (ctx: Ctx) => {
  const [scheme, token, extra] = (ctx.get('authorization') || '').split(' ');
  return scheme?.toLowerCase() === 'bearer' && token && !extra && token.length <= 4096
    ? token
    : null;
};
const digestOf = (token: string) =>
  createHash('sha256').update(token).digest('base64url').slice(0, 22);

/** Who a request is, as far as can be proven before Strapi authenticates it. */
const createIdentities = (strapi: Core.Strapi) => {
  const apiTokens = new Map<string, number>();
  const jwt = () =>
    strapi.plugin('users-permissions').service('jwt') as {
      verify(token: string): Promise<{ id?: unknown }>;
    };
  return {
    async of(budget: BudgetName, ctx: Ctx): Promise<string> {
      const token = budget === 'api' ? bearerOf(ctx) : null;
      if (token) {
        const known = apiTokens.get(digestOf(token));
        if (known !== undefined) return `${budget}:api-token:${known}`;
        const payload = await jwt()
          .verify(token)
          .catch(() => null);
        if (payload && (typeof payload.id === 'number' || typeof payload.id === 'string'))
          return `${budget}:user:${payload.id}`;
      }
      return `${budget}:ip:${ctx.ip}`;
    },
    /** After Strapi accepted an API token, later requests with it count against its own budget. */
    learn(ctx: Ctx) {
      const auth = ctx.state.auth as
        { strategy?: { name?: string }; credentials?: { id?: number } } | undefined;
      const token = bearerOf(ctx);
      if (
        !token ||
        auth?.strategy?.name !== 'content-api-token' ||
        typeof auth.credentials?.id !== 'number'
      )
        return;
      if (apiTokens.size >= MAX_KNOWN_TOKENS) apiTokens.clear();
      apiTokens.set(digestOf(token), auth.credentials.id);
    },
  };
};

type Limiter = ReturnType<typeof ratelimit>;

export const createRateLimit = (strapi: Core.Strapi) => {
  const budgets = budgetsFromEnv();
  if (budgets.length === 0) return null;
  const redis = createRedis({ keyPrefix: `${keyPrefix()}:ratelimit:` });
  let warned = 0;
  redis.on('error', (error: Error) => {
    if (Date.now() - warned < 60_000) return;
    warned = Date.now();
    strapi.log.warn(`rate limits off while Redis is unavailable: ${error.message}`);
  });
  clients.set(strapi, redis);
  const identities = createIdentities(strapi);
  const limiters = new Map<BudgetName, Limiter>(
    budgets.map((budget) => [
      budget.name,
      ratelimit({
        driver: 'redis',
        db: redis,
        duration: budget.duration,
        max: budget.max,
        id: (ctx: Ctx) => String(ctx.state.rateLimitClient),
      }),
    ])
  );

  return async (ctx: Ctx, next: () => Promise<void>) => {
    const budget = budgetOf(ctx.path);
    const limiter = budget && limiters.get(budget);
    if (!limiter || redis.status !== 'ready') return next();
    ctx.state.rateLimitClient = await identities.of(budget, ctx);
    let passed = false;
    try {
      await limiter(ctx, async () => {
        passed = true;
        await next();
        identities.learn(ctx);
      });
    } catch (error) {
      if (passed) throw error;
      strapi.log.warn(`rate limit check failed, request let through: ${(error as Error).message}`);
      return next();
    }
    const limited = ctx.state.rateLimit as { after: number; message: string } | undefined;
    if (!passed && limited) {
      const after = Math.max(1, limited.after);
      ctx.set('Retry-After', String(after));
      if (budget === 'manage' && ctx.accepts('json', 'html') === 'html') {
        ctx.status = 429;
        ctx.type = 'text/html; charset=utf-8';
        ctx.body = problemPage(ctx.acceptsLanguages('de', 'en') === 'en' ? 'en' : 'de', 'limited');
        return;
      }
      throw new errors.RateLimitError(`Too many requests, retry in ${after} s`, {
        retryAfter: after,
        budget,
      });
    }
  };
};

export const closeRateLimit = async (strapi: Core.Strapi) => {
  const redis = clients.get(strapi);
  clients.delete(strapi);
  await redis?.quit().catch(() => redis.disconnect());
};
