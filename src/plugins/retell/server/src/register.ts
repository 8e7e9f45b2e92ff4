import type { Core } from '@strapi/strapi';
import { getService } from './utils';
import { onChange } from '../../../../support/lifecycles';

/** Agent → company lookups and a company's services are cached; any change to them forgets them. */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  onChange(strapi, ['api::company.company'], () => getService(strapi, 'agents').forget());
  onChange(strapi, ['api::service.service'], () =>
    getService(strapi, 'functions').forgetServices()
  );
};
