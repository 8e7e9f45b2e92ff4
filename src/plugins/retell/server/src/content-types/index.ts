import webhookEventSchema from './webhook-event/schema.json';

export default {
  'webhook-event': { schema: webhookEventSchema },
};
