import type { Core } from '@strapi/strapi';
import { createSelfService } from '../self-service/handler';

/** `global::self-service` — see src/self-service/handler.ts. */
export default (_config: unknown, { strapi }: { strapi: Core.Strapi }) => createSelfService(strapi);
