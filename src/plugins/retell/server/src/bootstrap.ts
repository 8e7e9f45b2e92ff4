import type { Core } from '@strapi/strapi';
import { queuesOf } from '../../../../queues';
import { registerGauge } from '../../../../ops/metrics';
import { tableOf } from '../../../../support/knex';
import { runAsSystem } from '../../../../tenancy';
import { EVENT_JOBS } from './jobs';
import { getService } from './utils';

/**
 * The admin permission to replay inbox events, the worker's handlers for every event job,
 * and the sweeper that queues rows Redis did not take. The app starts the workers.
 */
export default async ({ strapi }: { strapi: Core.Strapi }) => {
  await strapi.service('admin::permission').actionProvider.registerMany([
    {
      section: 'plugins',
      displayName: 'Replay webhook events',
      uid: 'replay',
      pluginName: 'retell',
    },
  ]);

  const queues = queuesOf(strapi);
  for (const job of EVENT_JOBS) queues.register(job);
  queues.sweep({
    name: 'retell inbox',
    run: () => runAsSystem('retell: inbox sweeper', () => getService(strapi, 'inbox').sweep()),
  });
  registerGauge(strapi, {
    name: 'frontdesk_webhook_inbox_rows',
    help: 'Retell webhook inbox rows by state',
    labelNames: ['state'],
    aggregate: 'max', // every process reads the same table
    read: async () =>
      (
        (await strapi.db
          .connection(tableOf(strapi, 'plugin::retell.webhook-event'))
          .select('state')
          .count({ n: '*' })
          .groupBy('state')) as Array<{ state: string; n: string | number }>
      ).map((row) => ({ labels: { state: row.state }, value: Number(row.n) })),
  });
  queues.sweep({
    name: 'retell inbox retention',
    run: () => runAsSystem('retell: inbox retention', () => getService(strapi, 'inbox').prune()),
  });
};
