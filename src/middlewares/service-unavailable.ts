import type { Core } from '@strapi/strapi';

/**
 * A request that waited DATABASE_ACQUIRE_TIMEOUT_MS for a database connection (the pool is
 * saturated) is answered 503 with Retry-After in Strapi's error envelope — a clear "busy, try
 * again", not a 500, and never an endless wait. Sits right inside `strapi::errors`.
 */
type Ctx = { status: number; body: unknown; set(name: string, value: string): void };

const isPoolTimeout = (error: unknown) => (error as Error | undefined)?.name === 'KnexTimeoutError';

export default (_config: unknown, { strapi }: { strapi: Core.Strapi }) =>
  async (ctx: Ctx, next: () => Promise<void>) => {
    try {
      await next();
    } catch (error) {
      if (!isPoolTimeout(error)) throw error;
      strapi.log.warn(`answered 503: ${(error as Error).message}`);
      ctx.set('Retry-After', '1');
      ctx.status = 503;
      ctx.body = {
        data: null,
        error: {
          status: 503,
          name: 'ServiceUnavailableError',
          message: 'The service is busy (no database connection was free in time); retry shortly',
          details: {},
        },
      };
    }
  };
