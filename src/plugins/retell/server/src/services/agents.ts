import type { Core } from '@strapi/strapi';
import { runAsSystem } from '../../../../../tenancy';
import type { CompanyInfo } from '../../../../../api/company/company-info';
import { pluginConfig } from '../utils';
import { ttlCache } from '../../../../../support/ttl-cache';
import { appService } from '../../../../../api/services';

/**
 * Which company a Retell agent belongs to, and the key its requests are signed with (the
 * company's own `retellApiKey` where set, else the platform key). Cached for 30 s and
 * forgotten on any company change.
 */
/** `signingKey`: the company's own key; null: the platform key; `unusable`: nothing verifies. */
export type Agent = { company: CompanyInfo; signingKey: string | null; unusable: boolean };
const TTL_MS = 30_000;

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const cache = ttlCache<string, Agent | null>(strapi, 'retell:agents', { ttlMs: TTL_MS });
  const numbers = ttlCache<string, Agent | null>(strapi, 'retell:numbers', { ttlMs: TTL_MS });
  const toAgent = (
    found: { info: CompanyInfo; retellApiKey: string | null; keyUnreadable: boolean } | null
  ): Agent | null =>
    found
      ? { company: found.info, signingKey: found.retellApiKey, unusable: found.keyUnreadable }
      : null;

  return {
    lookup(agentId: string): Promise<Agent | null> {
      return cache.remember(agentId, async () => {
        const found = await runAsSystem('retell: agent lookup', () =>
          appService(strapi, 'api::company.company').forRetellAgent(agentId)
        );
        return toAgent(found);
      });
    },

    /** The company a call to this number (E.164) belongs to: the inbound webhook's fallback. */
    lookupNumber(number: string): Promise<Agent | null> {
      return numbers.remember(number, async () =>
        toAgent(
          await runAsSystem('retell: number lookup', () =>
            appService(strapi, 'api::company.company').forPhoneNumber(number)
          )
        )
      );
    },

    /** The key that must have signed a request for this agent (empty: nothing can verify). */
    signingKeyFor(agent: Agent | null): string {
      if (agent?.unusable) return '';
      return agent?.signingKey || pluginConfig<string>(strapi, 'platformKey') || '';
    },

    forget() {
      cache.forget();
      numbers.forget();
    },
  };
};
