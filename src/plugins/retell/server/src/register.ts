import type { Core } from '@strapi/strapi';
import { getService } from './utils';

/** Agent → company lookups are cached; any company change forgets them. */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const forget = () => getService(strapi, 'agents').forget();
  strapi.db.lifecycles.subscribe({
    models: ['api::company.company'],
    afterCreate: forget,
    afterUpdate: forget,
    afterDelete: forget,
    afterUpdateMany: forget,
    afterDeleteMany: forget,
  });
};
