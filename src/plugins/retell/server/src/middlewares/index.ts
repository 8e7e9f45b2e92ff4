import verifySignature from './verify-signature';
import webhookIngest from './webhook-ingest';

export default { 'verify-signature': verifySignature, 'webhook-ingest': webhookIngest };
