import type { Core } from '@strapi/strapi';
import { getService } from './utils';

/** Agent → company lookups and a company's services are cached; any change to them forgets them. */
const onChange = (strapi: Core.Strapi, model: string, forget: () => void) =>
  strapi.db.lifecycles.subscribe({
    models: [model],
    afterCreate: forget,
    afterUpdate: forget,
    afterDelete: forget,
    afterUpdateMany: forget,
    afterDeleteMany: forget,
  });

export default ({ strapi }: { strapi: Core.Strapi }) => {
  onChange(strapi, 'api::company.company', () => getService(strapi, 'agents').forget());
  onChange(strapi, 'api::service.service', () => getService(strapi, 'functions').forgetServices());
};
