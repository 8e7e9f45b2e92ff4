import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import getRawBody from 'raw-body';
import { authenticateRetell, verifySigned } from './authenticate';
import { inspectInput } from '../../../../../support/input-shape';
import { countWebhook } from '../metrics';
import { getService } from '../utils';

/**
 * POST /api/retell/webhook, served before the rest of Strapi's middleware stack.
 *
 * Retell sends every event of every call here and waits for the answer, so this route is the
 * hot path. Through the full stack (security headers, CORS, sessions, query and body
 * parsers, the router) it spends ~0.7 ms of CPU before our code runs; here it reads the raw
 * bytes itself — before any parser touches them, ≤ 1 MiB else 413 —, parses them (400),
 * authenticates them (401) and runs the same use case as the route's controller (services/webhook). Placed
 * after `strapi::errors` (config/middlewares.ts), so every refusal keeps Strapi's error
 * envelope. Without this middleware the declared route serves the same contract, slower.
 */
export const WEBHOOK_PATH = '/api/retell/webhook';
export const MAX_BODY_BYTES = 1024 * 1024;
/**
 * POST /api/retell/inbound — the inbound-number webhook, asked while the phone rings (the
 * caller hears ringing until we answer): served here for the same reason, ≤ 64 KiB.
 */
export const INBOUND_PATH = '/api/retell/inbound';
export const MAX_INBOUND_BYTES = 64 * 1024;

type Ctx = {
  method: string;
  path: string;
  req: import('http').IncomingMessage;
  request: { body?: unknown };
  is: (type: string) => string | false | null;
  get: (header: string) => string;
  state: Record<string, unknown>;
  status: number;
  body: unknown;
};

const readRaw = async (ctx: Ctx, limit: number) => {
  try {
    return await getRawBody(ctx.req, {
      limit,
      encoding: 'utf8',
      length: ctx.get('content-length') || undefined,
    });
  } catch (error) {
    if ((error as { type?: string }).type === 'entity.too.large')
      throw new errors.PayloadTooLargeError(
        `The request body is larger than ${limit >= 1024 * 1024 ? `${limit / 1024 / 1024} MiB` : `${limit / 1024} KiB`}`
      );
    throw new errors.ValidationError('The request body could not be read');
  }
};

/** The raw bytes and the JSON object they hold, or a 4xx. */
const readJson = async (ctx: Ctx, limit: number) => {
  const raw = await readRaw(ctx, limit);
  if (!ctx.is('application/json'))
    throw new errors.ValidationError('The body must be JSON (Content-Type: application/json)');
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw new errors.ValidationError('The request body is not valid JSON');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw new errors.ValidationError('The body must be a JSON object');
  const problem = inspectInput(body);
  if (problem) throw new errors.ValidationError(problem);
  return { raw, body };
};

const reasonOf = (error: unknown) => {
  if (error instanceof errors.UnauthorizedError) return 'signature';
  if (error instanceof errors.NotFoundError) return 'unknown_agent';
  if (error instanceof errors.PayloadTooLargeError) return 'too_large';
  if (error instanceof errors.ApplicationError) return 'invalid';
  return (error as { status?: number }).status === 503 ||
    (error as Error).name === 'KnexTimeoutError'
    ? 'unavailable'
    : 'error';
};

const ingest = async (strapi: Core.Strapi, ctx: Ctx) => {
  const { raw, body } = await readJson(ctx, MAX_BODY_BYTES);
  const agent = await authenticateRetell(strapi, {
    raw,
    body,
    signature: ctx.get('x-retell-signature'),
  });
  ctx.state.retell = { agent, rawBody: raw };
  return getService(strapi, 'webhook').receive(body, agent, raw);
};

const answerInbound = async (strapi: Core.Strapi, ctx: Ctx) => {
  const { raw, body } = await readJson(ctx, MAX_INBOUND_BYTES);
  const inbound = getService(strapi, 'inbound');
  // The key is the company's (found by agent or by the number dialled), else the platform's.
  const agent = await verifySigned(strapi, {
    raw,
    signature: ctx.get('x-retell-signature'),
    agent: await inbound.companyOf(body),
  });
  return inbound.answer(body, agent, Date.now());
};

export default (_config: unknown, { strapi }: { strapi: Core.Strapi }) =>
  async (ctx: Ctx, next: () => Promise<void>) => {
    if (ctx.method !== 'POST') return next();
    if (ctx.path === INBOUND_PATH) {
      ctx.state.route = INBOUND_PATH;
      ctx.body = await answerInbound(strapi, ctx);
      ctx.status = 200;
      return;
    }
    if (ctx.path !== WEBHOOK_PATH) return next();
    ctx.state.route = WEBHOOK_PATH;
    try {
      const outcome = await ingest(strapi, ctx);
      ctx.status = outcome.status === 'accepted' ? 202 : 200;
      ctx.body = outcome;
      countWebhook(outcome.status);
    } catch (error) {
      countWebhook('rejected', reasonOf(error));
      throw error;
    }
  };
