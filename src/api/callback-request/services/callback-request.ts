import { factories } from '@strapi/strapi';

export default factories.createCoreService('api::callback-request.callback-request');
