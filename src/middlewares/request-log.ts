import { randomUUID } from 'crypto';
import type { Core } from '@strapi/strapi';
import { observeRequest } from '../ops/metrics';
import { trackerOf } from '../ops/shutdown';
import { acceptableRequestId, countStatements, runWithContext } from '../support/request-context';

/**
 * Replaces `strapi::logger`. Every request:
 * - gets a request id (the client's `X-Request-Id` when sane, else a new one), echoed in the
 *   response header and carried into every log line and every job the request queues;
 * - is logged once, as JSON: method, route (the route's pattern — never the query string,
 *   which may carry phone numbers in filters), status, duration, request id, company id;
 * - is counted in flight, so a shutdown can wait for it, and timed for /metrics, with the SQL
 *   statements it issued (BEGIN and COMMIT included; a job it queued counts its own).
 */
type Ctx = {
  method: string;
  path: string;
  status: number;
  state: Record<string, unknown>;
  get(name: string): string;
  set(name: string, value: string): void;
  _matchedRoute?: string;
};

const companyOf = (state: Record<string, unknown>) => {
  const scope = state.tenantScope as { kind?: string; companyId?: number } | null | undefined;
  if (scope?.kind === 'company') return scope.companyId;
  const agent = (state.retell as { agent?: { company?: { id?: number } } | null } | undefined)
    ?.agent;
  return agent?.company?.id;
};

export const routeOf = (ctx: Ctx) => {
  // A route whose pattern hides what is measured names it itself (a Retell function, say).
  if (typeof ctx.state.routeLabel === 'string') return ctx.state.routeLabel;
  if (ctx._matchedRoute) return String(ctx._matchedRoute);
  if (typeof ctx.state.route === 'string') return ctx.state.route;
  // Unmatched paths are grouped, so that scans of random URLs cannot grow the metrics.
  const area = ctx.path.split('/')[1];
  return area === 'api' || area === 'admin' || area === 'overview' || area === 'retell'
    ? `/${area}/*`
    : '*';
};

export default (_config: unknown, { strapi }: { strapi: Core.Strapi }) => {
  const tracker = trackerOf(strapi);
  countStatements(strapi.db.connection.client);
  return async (ctx: Ctx, next: () => Promise<void>) => {
    const start = process.hrtime.bigint();
    const requestId = acceptableRequestId(ctx.get('x-request-id')) ?? randomUUID();
    ctx.state.requestId = requestId;
    ctx.set('X-Request-Id', requestId);
    tracker.inFlight += 1;
    const context = { requestId, statements: 0 };
    try {
      await runWithContext(context, next);
    } finally {
      tracker.inFlight -= 1;
      // While shutting down, keep-alive clients are told to reconnect (to another instance).
      if (tracker.draining) ctx.set('Connection', 'close');
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const route = routeOf(ctx);
      strapi.log.http(`${ctx.method} ${route} ${ctx.status} ${ms.toFixed(1)}ms`, {
        method: ctx.method,
        route,
        status: ctx.status,
        durationMs: Math.round(ms * 10) / 10,
        requestId,
        companyId: companyOf(ctx.state),
        statements: context.statements,
      });
      observeRequest(route, ctx.method, ctx.status, ms / 1000, context.statements);
    }
  };
};
