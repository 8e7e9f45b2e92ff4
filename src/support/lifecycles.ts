import type { Core } from '@strapi/strapi';

/** Strapi's database lifecycle subscribers and events, as its database layer types them. */
type Subscribe = Core.Strapi['db']['lifecycles']['subscribe'];
export type LifecycleSubscriber = Exclude<Parameters<Subscribe>[0], (...args: never[]) => unknown>;
export type LifecycleEvent = Parameters<NonNullable<LifecycleSubscriber['afterCreate']>>[0];
