import type { Core } from '@strapi/strapi';
import { createQueueBoard } from '../ops/queue-board';

/** `global::queue-board` — see src/ops/queue-board.ts. */
export default (_config: unknown, { strapi }: { strapi: Core.Strapi }) => createQueueBoard(strapi);
