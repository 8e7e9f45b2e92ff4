import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { authenticateRetell } from './authenticate';

/**
 * Route middleware of the Retell routes served by Strapi's router: the body was parsed by
 * strapi::body with `includeUnparsed`, which keeps the exact raw string for the signature.
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
    const raw =
      body && typeof body === 'object' && !Array.isArray(body) ? body[UNPARSED] : undefined;
    if (typeof raw !== 'string')
      throw new errors.ValidationError(
        'The body must be a JSON object (Content-Type: application/json)'
      );
    const agent = await authenticateRetell(strapi, {
      raw,
      body,
      signature: ctx.get('x-retell-signature'),
    });
    ctx.state.retell = { agent, rawBody: raw };
    await next();
  };
