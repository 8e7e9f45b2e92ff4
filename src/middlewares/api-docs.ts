import type { Core } from '@strapi/strapi';
import { createApiDocs } from '../ops/api-docs';

/** `global::api-docs` — see src/ops/api-docs.ts. */
export default (_config: unknown, { strapi }: { strapi: Core.Strapi }) => createApiDocs(strapi);
