import type { Core } from '@strapi/strapi';
import { registerGauge } from '../../../../ops/metrics';
import { getService } from './utils';

/** The permission that shows the overview (granted to Company Staff at boot), and the cache's gauges. */
export default async ({ strapi }: { strapi: Core.Strapi }) => {
  await strapi
    .service('admin::permission')
    .actionProvider.registerMany([
      { section: 'plugins', displayName: 'Read the overview', uid: 'read', pluginName: 'overview' },
    ]);
  registerGauge(strapi, {
    name: 'frontdesk_overview_cache_lookups',
    help: 'Overview cache lookups in this process since it started',
    labelNames: ['result'],
    read: () => {
      const stats = getService(strapi, 'cache').stats();
      return [
        { labels: { result: 'hit' }, value: stats.hits },
        { labels: { result: 'miss' }, value: stats.misses },
      ];
    },
  });
  registerGauge(strapi, {
    name: 'frontdesk_overview_cache_hit_ratio',
    help: 'Overview cache hit ratio in this process',
    aggregate: 'omit', // across processes: from frontdesk_overview_cache_lookups
    read: () => {
      const { hitRate } = getService(strapi, 'cache').stats();
      return hitRate === null ? [] : [{ value: hitRate }];
    },
  });
};
