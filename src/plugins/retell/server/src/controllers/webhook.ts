import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { WebhookSchema, issuesOf } from '../schemas';
import { isHandledEvent } from '../jobs';
import { getService } from '../utils';
import type { Agent } from '../services/agents';

/**
 * POST /api/retell/webhook — after the signature middleware: validate, write the inbox row,
 * queue it, answer 202. A duplicate (same call and event) is answered 200 and queues nothing;
 * an event type we do not handle is stored as ignored and answered 200.
 */
type Ctx = { request: { body: unknown }; state: { retell: { agent: Agent | null; rawBody: string } }; status: number; body: unknown };

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async receive(ctx: Ctx) {
    const parsed = WebhookSchema.safeParse(ctx.request.body);
    if (!parsed.success) throw new errors.ValidationError('Invalid Retell webhook payload', issuesOf(parsed.error));
    const { agent, rawBody } = ctx.state.retell;
    if (!agent) throw new errors.NotFoundError(`No company owns the agent ${parsed.data.call.agent_id}`);

    const { event, call } = parsed.data;
    const handled = isHandledEvent(event);
    const inbox = getService(strapi, 'inbox');
    const row = await inbox.record({ event, callId: call.call_id, companyId: agent.company.id, rawBody, state: handled ? 'received' : 'ignored' });
    if (row.duplicate) {
      ctx.status = 200;
      ctx.body = { status: 'duplicate' };
      return;
    }
    if (!handled) {
      ctx.status = 200;
      ctx.body = { status: 'ignored' };
      return;
    }
    await inbox.enqueue(row.id as number, event);
    ctx.status = 202;
    ctx.body = { status: 'accepted' };
  },
});
