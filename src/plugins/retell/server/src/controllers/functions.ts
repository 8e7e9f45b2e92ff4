import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { runAsCompany } from '../../../../../tenancy';
import { FunctionBodySchema } from '../schemas';
import { parseInput } from '../../../../../support/validation';
import { getService } from '../utils';
import type { Agent } from '../services/agents';

/** POST /api/retell/functions/:name — answered synchronously; the caller is waiting. */
type Ctx = {
  params: { name: string };
  request: { body: unknown };
  state: { retell: { agent: Agent | null }; routeLabel?: string };
  body: unknown;
};

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async invoke(ctx: Ctx) {
    const functions = getService(strapi, 'functions');
    const { name } = ctx.params;
    if (!functions.isKnown(name)) throw new errors.NotFoundError(`Unknown function "${name}"`);
    // Logged and measured per function (a known name: the label set stays small).
    ctx.state.routeLabel = `/api/retell/functions/${name}`;
    const { call, args } = parseInput(
      FunctionBodySchema,
      ctx.request.body,
      'Invalid Retell function call'
    );
    const { agent } = ctx.state.retell;
    if (!agent) throw new errors.NotFoundError(`No company owns the agent ${call.agent_id}`);
    ctx.body = await runAsCompany(agent.company.id, () =>
      functions.invoke(name, { company: agent.company, call, args, now: Date.now() })
    );
  },
});
