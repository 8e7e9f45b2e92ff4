import type { Core } from '@strapi/strapi';
import { queuesOf } from '../../../../queues';
import { runAsSystem } from '../../../../tenancy';
import { WEBHOOK_QUEUE } from './services/inbox';
import { EVENT_JOBS } from './jobs';
import { getService } from './utils';

/**
 * The admin permission to replay inbox events, the worker's handlers for every event job,
 * and the sweeper that queues rows Redis did not take. The app starts the workers.
 */
export default async ({ strapi }: { strapi: Core.Strapi }) => {
  await strapi.service('admin::permission').actionProvider.registerMany([
    { section: 'plugins', displayName: 'Replay webhook events', uid: 'replay', pluginName: 'retell' },
  ]);

  const queues = queuesOf(strapi);
  for (const event of Object.keys(EVENT_JOBS)) {
    queues.handle(WEBHOOK_QUEUE, event, (data) => getService(strapi, 'events').process(data));
  }
  queues.sweep({ name: 'retell inbox', run: () => runAsSystem('retell: inbox sweeper', () => getService(strapi, 'inbox').sweep()) });
  queues.sweep({ name: 'retell inbox retention', run: () => runAsSystem('retell: inbox retention', () => getService(strapi, 'inbox').prune()) });
};
