import { STATUS_CODES } from 'http';

/**
 * A refusal without a body — the router's 405 for a method a route does not have, say — gets
 * Strapi's error envelope like every other one, so clients can read every 4xx the same way.
 */
type Ctx = { status: number; body: unknown; method: string };

const nameOf = (status: number) =>
  `${(STATUS_CODES[status] ?? 'Error').replace(/[^A-Za-z]/g, '')}Error`;

export default () => async (ctx: Ctx, next: () => Promise<void>) => {
  await next();
  if (
    ctx.status < 400 ||
    ctx.method === 'HEAD' ||
    (ctx.body !== undefined && ctx.body !== null && ctx.body !== '')
  )
    return;
  const status = ctx.status;
  ctx.body = {
    data: null,
    error: { status, name: nameOf(status), message: STATUS_CODES[status] ?? 'Error', details: {} },
  };
  ctx.status = status;
};
