import type { Core } from '@strapi/strapi';
import { z } from 'zod';
import { defineJob, queuesOf } from '../../queues';
import { runAsCompany, runAsSystem } from '../../tenancy';
import { appService } from '../services';

/**
 * The notification job (queue `notifications`): one outbox row, sent in its company's scope —
 * its id `ntf:<row>`, `ntf:<row>:r<n>` after the n-th re-queue; one attempt per job (the outbox
 * retries with its own backoff). And the sweeper that queues what is due, retries what failed
 * and takes over what a dead worker left.
 */
export const SEND_NOTIFICATION = 'notification:send';
const SendPayload = z.object({
  notificationId: z.number().int().positive(),
  companyId: z.number().int().positive(),
  generation: z.number().int().min(0),
});

declare module '../../queues/jobs' {
  interface JobPayloads {
    [SEND_NOTIFICATION]: z.infer<typeof SendPayload>;
  }
}

export const sendNotificationJob = defineJob({
  queue: 'notifications',
  name: SEND_NOTIFICATION,
  schema: SendPayload,
  jobId: ({ notificationId, generation }) =>
    generation ? `ntf:${notificationId}:r${generation}` : `ntf:${notificationId}`,
  options: { attempts: 1 },
  handler: ({ notificationId, companyId }, { strapi }) =>
    runAsCompany(companyId, () =>
      appService(strapi, 'api::notification.outbox').dispatch(notificationId)
    ),
});

export const registerNotificationJobs = (strapi: Core.Strapi) => {
  const outbox = () => appService(strapi, 'api::notification.outbox');
  for (const kind of ['confirmation', 'update', 'cancellation', 'reminder'] as const)
    outbox().useSender(kind, (row) =>
      row.channel === 'sms'
        ? appService(strapi, 'api::notification.customer-sms').send(row)
        : appService(strapi, 'api::notification.customer-email').send(row)
    );
  outbox().useSender('staff_notice', (row) =>
    appService(strapi, 'api::notification.staff-email').send(row)
  );
  const queues = queuesOf(strapi);
  queues.register(sendNotificationJob);
  queues.sweep({
    name: 'notifications',
    run: () => runAsSystem('sweeper: notifications', () => outbox().sweep()),
  });
};
