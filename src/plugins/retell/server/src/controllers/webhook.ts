import type { Core } from '@strapi/strapi';
import { getService } from '../utils';
import type { Agent } from '../services/agents';

/**
 * POST /api/retell/webhook — after the signature middleware: the webhook use case; 202 when
 * accepted, 200 for a duplicate or an event we do not apply.
 */
type Ctx = {
  request: { body: unknown };
  state: { retell: { agent: Agent | null; rawBody: string } };
  status: number;
  body: unknown;
};

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async receive(ctx: Ctx) {
    const { agent, rawBody } = ctx.state.retell;
    const outcome = await getService(strapi, 'webhook').receive(ctx.request.body, agent, rawBody);
    ctx.status = outcome.status === 'accepted' ? 202 : 200;
    ctx.body = outcome;
  },
});
