import webhookEventSchema from './webhook-event/schema.json';
import functionCallSchema from './function-call/schema.json';

export default {
  'webhook-event': { schema: webhookEventSchema },
  'function-call': { schema: functionCallSchema },
};
