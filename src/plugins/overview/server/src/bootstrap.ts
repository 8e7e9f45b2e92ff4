import type { Core } from '@strapi/strapi';

/** The permission that shows the overview (granted to Company Staff at boot). */
export default async ({ strapi }: { strapi: Core.Strapi }) => {
  await strapi.service('admin::permission').actionProvider.registerMany([
    { section: 'plugins', displayName: 'Read the overview', uid: 'read', pluginName: 'overview' },
  ]);
};
