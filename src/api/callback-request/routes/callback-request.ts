import { factories } from '@strapi/strapi';

export default factories.createCoreRouter('api::callback-request.callback-request');
