import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { verify } from 'retell-sdk';
import { getService } from '../utils';

/**
 * Route middleware in front of every Retell route, in the order the contract gives:
 * the raw body (≤ 1 MiB, enforced by strapi::body → 413) must be JSON (400); the signing key
 * is found from `call.agent_id`; `x-retell-signature` must verify over the exact raw bytes
 * (401 otherwise — awaited: retell-sdk's verify returns a Promise, and an un-awaited one is
 * always truthy). Nothing is written before this passes.
 */
const UNPARSED = Symbol.for('unparsedBody');

type Ctx = {
  request: { body?: unknown };
  get: (header: string) => string;
  state: Record<string, unknown>;
};

export default (_config: unknown, { strapi }: { strapi: Core.Strapi }) =>
  async (ctx: Ctx, next: () => Promise<void>) => {
    const body = ctx.request.body as Record<string | symbol, unknown> | undefined;
    const raw = body && typeof body === 'object' && !Array.isArray(body) ? body[UNPARSED] : undefined;
    if (typeof raw !== 'string') throw new errors.ValidationError('The body must be a JSON object (Content-Type: application/json)');

    const signature = ctx.get('x-retell-signature');
    if (!signature) throw new errors.UnauthorizedError('Missing x-retell-signature');

    const call = body?.call as { agent_id?: unknown } | undefined;
    const agents = getService(strapi, 'agents');
    const agent = typeof call?.agent_id === 'string' ? await agents.lookup(call.agent_id) : null;
    const key = agents.signingKeyFor(agent);
    const valid = key ? await verify(raw, key, signature) : false;
    if (!valid) throw new errors.UnauthorizedError('Invalid or expired x-retell-signature');

    ctx.state.retell = { agent, rawBody: raw };
    await next();
  };
