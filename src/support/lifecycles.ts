import type { Core } from '@strapi/strapi';

/** Strapi's database lifecycle subscribers and events, as its database layer types them. */
type Subscribe = Core.Strapi['db']['lifecycles']['subscribe'];
export type LifecycleSubscriber = Exclude<Parameters<Subscribe>[0], (...args: never[]) => unknown>;
export type LifecycleEvent = Parameters<NonNullable<LifecycleSubscriber['afterCreate']>>[0];

/** Calls `forget` after every write to the given models (a cache of them is stale then). */
export const onChange = (strapi: Core.Strapi, models: string[], forget: () => void) =>
  strapi.db.lifecycles.subscribe({
    models,
    afterCreate: forget,
    afterCreateMany: forget,
    afterUpdate: forget,
    afterDelete: forget,
    afterUpdateMany: forget,
    afterDeleteMany: forget,
  });
