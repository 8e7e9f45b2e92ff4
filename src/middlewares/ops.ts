import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { renderMetrics } from '../ops/metrics';
import { queuesOf } from '../queues';
import { isDraining } from '../ops/shutdown';
import { bearerMatches } from '../support/tokens';

/**
 * Operators' routes, answered before the rest of the stack:
 * - GET /metrics — Prometheus text; with METRICS_TOKEN set it needs `Authorization: Bearer
 *   <token>`, without one it answers only to loopback clients;
 * - GET /api/health/ready — readiness: PostgreSQL (or SQLite) and Redis answer, else 503 naming
 *   which does not; 503 as well once a shutdown has begun, so a load balancer stops sending.
 * Liveness is Strapi's own `GET /_health` (204).
 */
type Ctx = {
  method: string;
  path: string;
  ip: string;
  get(name: string): string;
  status: number;
  body: unknown;
  type: string;
};
export const READY_PATH = '/api/health/ready';
const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

const withTimeout = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms).unref()
    ),
  ]);

export default (_config: unknown, { strapi }: { strapi: Core.Strapi }) =>
  async (ctx: Ctx, next: () => Promise<void>) => {
    if (ctx.method !== 'GET' || (ctx.path !== '/metrics' && ctx.path !== READY_PATH)) return next();

    if (ctx.path === '/metrics') {
      const token = process.env.METRICS_TOKEN;
      const allowed = token ? bearerMatches(ctx.get('authorization'), token) : LOOPBACK.has(ctx.ip);
      if (!allowed)
        throw new errors.UnauthorizedError(
          'Metrics need METRICS_TOKEN (or a loopback client when none is set)'
        );
      const { contentType, body } = await renderMetrics(strapi);
      ctx.type = contentType;
      ctx.body = body;
      return;
    }

    // What failed is named, why only in the log: an error's text (hosts, users) is not for anyone who asks.
    const checks: Record<string, string> = {};
    const check = (name: string, probe: Promise<unknown>) =>
      withTimeout(probe, 2000).then(
        () => (checks[name] = 'ok'),
        (error: Error) => {
          checks[name] = 'unavailable';
          strapi.log.warn(`readiness: ${name} unavailable: ${error.message}`);
        }
      );
    await check('database', strapi.db.connection.raw('select 1'));
    await check('redis', queuesOf(strapi).queue('webhooks').client.ping());
    if (isDraining(strapi)) checks.shutdown = 'in progress';
    const ready = Object.values(checks).every((value) => value === 'ok');
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ok' : 'unavailable', checks };
  };
