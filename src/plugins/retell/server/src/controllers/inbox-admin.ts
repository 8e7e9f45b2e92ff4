import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { getService } from '../utils';

/**
 * POST /retell/webhook-events/:documentId/replay (admin) — re-queues one inbox row. The row is
 * read through the Document Service, so staff can only replay their own company's events.
 */
type Ctx = { params: { documentId: string }; body: unknown };

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async replay(ctx: Ctx) {
    const row = await strapi
      .documents('plugin::retell.webhook-event')
      .findOne({ documentId: ctx.params.documentId });
    if (!row) throw new errors.NotFoundError('Not Found');
    const outcome = await getService(strapi, 'inbox').replay(Number(row.id), row.event ?? '');
    if (outcome === 'held')
      throw new errors.ApplicationError('This event is being processed right now', {
        code: 'IN_PROGRESS',
      });
    ctx.body = {
      data: { documentId: row.documentId, state: 'received', queued: outcome === 'queued' },
    };
  },
});
