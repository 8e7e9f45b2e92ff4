import client from 'prom-client';
import { processMetrics } from '../../../../ops/metrics';

/** The Retell integration's own metrics: webhook ingest outcomes (the inbox gauge is registered at bootstrap). */
const webhookOutcomes = new client.Counter({
  name: 'frontdesk_webhook_ingest_total',
  help: 'Retell webhooks received, by outcome (accepted, duplicate, ignored, rejected) and reason of a rejection',
  labelNames: ['outcome', 'reason'],
  registers: [processMetrics],
});

export type WebhookOutcome = 'accepted' | 'duplicate' | 'ignored' | 'rejected';
export const countWebhook = (outcome: WebhookOutcome, reason = '') =>
  webhookOutcomes.inc({ outcome, reason });
