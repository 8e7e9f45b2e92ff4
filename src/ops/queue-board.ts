import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { createBullBoard } from '@bull-board/api';
import { BullAdapter } from '@bull-board/api/bullAdapter';
import { KoaAdapter } from '@bull-board/koa';
import { queuesOf } from '../queues';
import { superAdminOf, type AdminCtx } from './admin-session';

/**
 * The queues for operators: bull-board (`@bull-board/koa`) at /admin/queues — both queues
 * (`webhooks`, `notifications`), their jobs by state, retry of failed ones — for super admins
 * only (read, and retry of failed jobs — nothing else changes there), behind the admin panel's own session: the refresh cookie the admin login sets (its path
 * is /admin, so the browser sends it here), or an admin access token as a bearer token. Nobody
 * else gets past this: no session → 401 (a browser is sent to the login), a session of anyone
 * but a super admin → 403. A write (retry, clean) must come from this origin.
 */
export const QUEUE_BOARD_PATH = '/admin/queues';

type Ctx = AdminCtx & {
  status: number;
  body: unknown;
  method: string;
  path: string;
  host: string;
  set(name: string, value: string): void;
  accepts(...types: string[]): string | false;
  redirect(url: string): void;
};
type Next = () => Promise<unknown>;

const QUEUES = new Set(['webhooks', 'notifications']);
/**
 * The one change the dashboard makes: retry failed jobs (all of a queue, or one). Adding,
 * editing, cleaning, emptying or pausing a queue is not for a browser tab (a paused `webhooks`
 * queue stops every call's processing).
 */
const isRetry = (path: string) => {
  const parts = path.slice(`${QUEUE_BOARD_PATH}/api/queues/`.length).split('/');
  if (!path.startsWith(`${QUEUE_BOARD_PATH}/api/queues/`) || !QUEUES.has(parts[0])) return false;
  if (parts.length === 3) return parts[1] === 'retry' && parts[2] === 'failed';
  return (
    parts.length === 4 &&
    parts[1].length > 0 &&
    parts[1].length <= 200 &&
    parts[2] === 'retry' &&
    parts[3] === 'failed'
  );
};

const hostOf = (url: string) => {
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
};

export const createQueueBoard = (strapi: Core.Strapi) => {
  let board: ((ctx: Ctx, next: Next) => Promise<unknown>) | null = null;
  const boardOf = () => {
    if (!board) {
      const adapter = new KoaAdapter();
      adapter.setBasePath(QUEUE_BOARD_PATH);
      const queues = queuesOf(strapi);
      createBullBoard({
        queues: (['webhooks', 'notifications'] as const).map(
          (name) => new BullAdapter(queues.queue(name), { allowRetries: true })
        ),
        serverAdapter: adapter,
        options: { uiConfig: { boardTitle: 'Frontdesk queues' } },
      });
      board = adapter.registerPlugin() as unknown as typeof board;
    }
    return board as NonNullable<typeof board>;
  };

  return async (ctx: Ctx, next: Next) => {
    if (ctx.path !== QUEUE_BOARD_PATH && !ctx.path.startsWith(`${QUEUE_BOARD_PATH}/`))
      return next();
    // Job data holds names, numbers and transcripts: not for caches, frames or other sites.
    ctx.set('Cache-Control', 'no-store, private');
    ctx.set('X-Frame-Options', 'DENY');
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'same-origin');
    const admin = await superAdminOf(strapi, ctx);
    if (admin === 'anonymous') {
      if (ctx.method === 'GET' && ctx.accepts('json', 'html') === 'html')
        return ctx.redirect('/admin/auth/login');
      throw new errors.UnauthorizedError('The queues need a super admin’s admin session');
    }
    if (admin === 'forbidden')
      throw new errors.ForbiddenError('The queues are for super admins only');
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD' && !isRetry(ctx.path))
      throw new errors.ForbiddenError('The queue dashboard only retries failed jobs');
    const origin = ctx.get('origin');
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD' && origin && hostOf(origin) !== ctx.host)
      throw new errors.ForbiddenError('A change of the queues must come from this site');
    // Nothing below the board: what it does not know is a 404 here (the envelope is added outside),
    // not a request for the rest of the stack. Its own refusals get Strapi's error envelope.
    await boardOf()(ctx, async () => undefined);
    const body = ctx.body as { error?: unknown; message?: unknown } | undefined;
    if (ctx.status >= 400 && body && typeof body === 'object' && !('data' in body)) {
      const message = [body.error, body.message].find((part) => typeof part === 'string');
      ctx.body = {
        data: null,
        error: {
          status: ctx.status,
          name:
            ctx.status === 404
              ? 'NotFoundError'
              : ctx.status < 500
                ? 'ApplicationError'
                : 'InternalServerError',
          message:
            typeof message === 'string' ? message.slice(0, 200) : 'The queues could not do that',
          details: {},
        },
      };
    }
  };
};
