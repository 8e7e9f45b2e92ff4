import { errors } from '@strapi/utils';
import { inspectInput } from '../support/input-shape';

/**
 * `global::input-guard`, right after the body parser: what no field of ours can hold is refused
 * before it reaches validation or the database — a NUL character (PostgreSQL cannot store it in
 * text or JSON, and answered with a 500) and JSON nested deeper than any of our shapes (a
 * jsonb column overflows PostgreSQL's stack on it). In the path and the query string too.
 */
type Ctx = { path: string; query?: unknown; request: { body?: unknown } };

/** The path is matched against routes and its parts become ids: an encoded NUL or broken text there too. */
const ENCODED_NUL = /%00/i;
const pathProblem = (path: string) => {
  if (ENCODED_NUL.test(path)) return 'The path must not contain NUL characters';
  try {
    decodeURIComponent(path);
    return null;
  } catch {
    return 'The path is not valid percent-encoded UTF-8';
  }
};

export default () => async (ctx: Ctx, next: () => Promise<void>) => {
  const problem =
    pathProblem(ctx.path) ?? inspectInput(ctx.query) ?? inspectInput(ctx.request.body);
  if (problem) throw new errors.ValidationError(problem);
  await next();
};
