import type { Core } from '@strapi/strapi';
import { observeRequest } from '../ops/metrics';

/**
 * Replaces `strapi::logger`: one line per request without the query string, which may carry
 * phone numbers or other personal data in filters; and the request's duration for /metrics.
 */
export default (_config: unknown, { strapi }: { strapi: Core.Strapi }) =>
  async (ctx: { method: string; path: string; status: number }, next: () => Promise<void>) => {
    const start = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      strapi.log.http(`${ctx.method} ${ctx.path} ${ctx.status} ${ms.toFixed(1)}ms`);
      observeRequest(ctx.path, ctx.method, ctx.status, ms / 1000);
    }
  };
