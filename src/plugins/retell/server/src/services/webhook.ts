import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { WebhookSchema } from '../schemas';
import { parseInput } from '../../../../../support/validation';
import { isHandledEvent } from '../events';
import { getService } from '../utils';
import type { Agent } from './agents';

/**
 * A Retell call event, once its signature verified: validate, write the inbox row, queue it.
 * `accepted` (queued, or left to the sweeper when Redis is away), `duplicate` (this call's
 * event was received before: nothing queued), `ignored` (an event we do not apply: stored).
 * The one use case behind both the route's controller and the fast-path middleware.
 */
export type WebhookOutcome = { status: 'accepted' | 'duplicate' | 'ignored' };

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async receive(body: unknown, agent: Agent | null, rawBody: string): Promise<WebhookOutcome> {
    const { event, call } = parseInput(WebhookSchema, body, 'Invalid Retell webhook payload');
    if (!agent) throw new errors.NotFoundError(`No company owns the agent ${call.agent_id}`);
    const handled = isHandledEvent(event);
    const inbox = getService(strapi, 'inbox');
    const row = await inbox.record({
      event,
      callId: call.call_id,
      companyId: agent.company.id,
      rawBody,
      state: handled ? 'received' : 'ignored',
    });
    if (row.duplicate || row.id === null) return { status: 'duplicate' };
    if (!handled) return { status: 'ignored' };
    await inbox.enqueue(row.id, event);
    return { status: 'accepted' };
  },
});
