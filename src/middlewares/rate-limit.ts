import type { Core } from '@strapi/strapi';
import { createRateLimit } from '../ops/rate-limit';

/** `global::rate-limit` — see src/ops/rate-limit.ts. */
export default (_config: unknown, { strapi }: { strapi: Core.Strapi }) =>
  createRateLimit(strapi) ?? (async (_ctx: unknown, next: () => Promise<void>) => next());
