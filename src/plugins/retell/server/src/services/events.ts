import type { Core } from '@strapi/strapi';
import { runAsCompany, runAsSystem } from '../../../../../tenancy';
import { appService } from '../../../../../api/services';
import { isHandledEvent } from '../events';
import { WebhookSchema } from '../schemas';
import { getService } from '../utils';

/**
 * The worker's side of the inbox: one job = one inbox row, applied in the company's scope by
 * the handler for its event. The row is claimed first (a second delivery of the same job finds
 * it done), and a failure is kept on the row for the admin before Bull retries.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async process(eventId: number): Promise<string> {
    const inbox = getService(strapi, 'inbox');
    const row = await runAsSystem('retell: claim event', () => inbox.claim(eventId));
    if (!row) return 'already done';
    try {
      if (!isHandledEvent(row.event)) {
        await inbox.finish(row, 'ignored', `no handler for ${row.event}`);
        return 'ignored';
      }
      const { call } = WebhookSchema.parse(row.payload);
      const company = await runAsSystem('retell: company of event', () =>
        appService(strapi, 'api::company.company').info(row.company_id)
      );
      if (!company)
        throw new Error(`company ${row.company_id} of event ${row.id} no longer exists`);
      const event = row.event;
      await runAsCompany(company.id, () =>
        getService(strapi, 'call-events').handle(event, {
          company,
          call,
          now: Date.now(),
          receivedAt: row.received_at ? new Date(row.received_at).getTime() : undefined,
        })
      );
      if (!(await inbox.finish(row, 'processed')))
        strapi.log.warn(
          `retell event ${row.id} (${row.event}) was taken over by another worker while this one worked`
        );
      return 'processed';
    } catch (error) {
      await inbox.fail(row, error);
      strapi.log.error(
        `retell event ${row.id} (${row.event}) failed on attempt ${row.attempts}: ${(error as Error).message}`
      );
      throw error;
    } finally {
      row.release();
    }
  },
});
