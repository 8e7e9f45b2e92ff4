import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { runAsCompany } from '../../../../../tenancy';
import { FunctionBodySchema, issuesOf } from '../schemas';
import { getService } from '../utils';
import type { Agent } from '../services/agents';

/** POST /api/retell/functions/:name — answered synchronously; the caller is waiting. */
type Ctx = { params: { name: string }; request: { body: unknown }; state: { retell: { agent: Agent | null } }; body: unknown };

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async invoke(ctx: Ctx) {
    const functions = getService(strapi, 'functions');
    const { name } = ctx.params;
    if (!functions.isKnown(name)) throw new errors.NotFoundError(`Unknown function "${name}"`);
    const parsed = FunctionBodySchema.safeParse(ctx.request.body);
    if (!parsed.success) throw new errors.ValidationError('Invalid Retell function call', issuesOf(parsed.error));
    const { agent } = ctx.state.retell;
    if (!agent) throw new errors.NotFoundError(`No company owns the agent ${parsed.data.call.agent_id}`);
    const { call, args } = parsed.data;
    ctx.body = await runAsCompany(agent.company.id, () => functions.invoke(name, { company: agent.company, call, args, now: Date.now() }));
  },
});
