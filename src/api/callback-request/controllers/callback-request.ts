import { factories } from '@strapi/strapi';

export default factories.createCoreController('api::callback-request.callback-request');
