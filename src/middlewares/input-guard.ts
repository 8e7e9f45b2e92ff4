import { errors } from '@strapi/utils';
import { inspectInput } from '../support/input-shape';

/**
 * `global::input-guard`, right after the body parser: what no field of ours can hold is refused
 * before it reaches validation or the database — a NUL character (PostgreSQL cannot store it in
 * text or JSON, and answered with a 500) and JSON nested deeper than any of our shapes (a
 * jsonb column overflows PostgreSQL's stack on it). In the path and the query string too.
 */
type Ctx = { path: string; query?: unknown; request: { body?: unknown } };

/** The path is matched against routes and its parts become ids: an encoded NUL there too. */
const ENCODED_NUL = /%00/i;

export default () => async (ctx: Ctx, next: () => Promise<void>) => {
  const problem = (ENCODED_NUL.test(ctx.path) ? 'The path must not contain NUL characters' : null) ?? inspectInput(ctx.query) ?? inspectInput(ctx.request.body);
  if (problem) throw new errors.ValidationError(problem);
  await next();
};
