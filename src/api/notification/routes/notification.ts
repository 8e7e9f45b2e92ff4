import { factories } from '@strapi/strapi';

/** Read-only over REST: notifications are written by the product when an appointment changes. */
export default factories.createCoreRouter('api::notification.notification', {
  only: ['find', 'findOne'],
});
