import type { Core } from '@strapi/strapi';
import { runAsSystem } from '../../../../../tenancy';
import type { CompanyInfo } from '../../../../../api/company/company-info';
import { pluginConfig } from '../utils';

/**
 * Which company a Retell agent belongs to, and the key its requests are signed with (the
 * company's own `retellApiKey` where set, else the platform key). Cached for 30 s and
 * forgotten on any company change.
 */
/** `signingKey`: the company's own key; null: the platform key; `unusable`: nothing verifies. */
export type Agent = { company: CompanyInfo; signingKey: string | null; unusable: boolean };
type CompanyService = { forRetellAgent(agentId: string): Promise<{ info: CompanyInfo; retellApiKey: string | null; keyUnreadable: boolean } | null> };
const TTL_MS = 30_000;

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const cache = new Map<string, { agent: Agent | null; expires: number }>();

  return {
    async lookup(agentId: string): Promise<Agent | null> {
      const hit = cache.get(agentId);
      if (hit && hit.expires > Date.now()) return hit.agent;
      const companies = strapi.service('api::company.company') as unknown as CompanyService;
      const found = await runAsSystem('retell: agent lookup', () => companies.forRetellAgent(agentId));
      const agent = found ? { company: found.info, signingKey: found.retellApiKey, unusable: found.keyUnreadable } : null;
      if (cache.size > 10_000) cache.clear();
      cache.set(agentId, { agent, expires: Date.now() + TTL_MS });
      return agent;
    },

    /** The key that must have signed a request for this agent (empty: nothing can verify). */
    signingKeyFor(agent: Agent | null): string {
      if (agent?.unusable) return '';
      return agent?.signingKey || pluginConfig<string>(strapi, 'platformKey') || '';
    },

    forget() {
      cache.clear();
    },
  };
};
