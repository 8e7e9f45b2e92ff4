import type { Core } from '@strapi/strapi';
import { z } from 'zod';
import { queuesOf } from '../../queues';
import { runAsCompany, runAsSystem } from '../../tenancy';
import { NOTIFY_QUEUE, SEND_JOB } from './services/outbox';
import type outboxFactory from './services/outbox';
import type customerEmailFactory from './services/customer-email';

/**
 * The notification job (queue `notifications`): one outbox row, sent in its company's scope; and
 * the sweeper that queues what is due, retries what failed and takes over what a dead worker left.
 */
const SendJobSchema = z.object({ notificationId: z.number().int().positive(), companyId: z.number().int().positive() });

export const registerNotificationJobs = (strapi: Core.Strapi) => {
  const outbox = () => strapi.service('api::notification.outbox') as unknown as ReturnType<typeof outboxFactory>;
  const customerEmail = () => strapi.service('api::notification.customer-email') as unknown as ReturnType<typeof customerEmailFactory>;
  for (const kind of ['confirmation', 'update', 'cancellation', 'reminder'] as const) outbox().useSender(kind, (row) => customerEmail().send(row));

  const queues = queuesOf(strapi);
  queues.handle(NOTIFY_QUEUE, SEND_JOB, async (data) => {
    const { notificationId, companyId } = SendJobSchema.parse(data);
    return runAsCompany(companyId, () => outbox().dispatch(notificationId));
  });
  queues.sweep({ name: 'notifications', run: () => runAsSystem('sweeper: notifications', () => outbox().sweep()) });
};
