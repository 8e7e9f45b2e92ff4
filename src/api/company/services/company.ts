import { factories, type Core } from '@strapi/strapi';
import { toCompanyInfo, type CompanyInfo } from '../company-info';
import { openSecret, runAsSystem } from '../../../tenancy';
import { ttlCache } from '../../../support/ttl-cache';

const UID = 'api::company.company';
/** How long a process keeps a company's booking view when no change reaches it (Redis away). */
const INFO_TTL_MS = 30_000;

type RetellCompany = { info: CompanyInfo; retellApiKey: string | null; keyUnreadable: boolean };

/** The methods beyond Strapi's core service (typed for the app's service lookup, src/api/services.ts). */
export const companyMethods = ({ strapi }: { strapi: Core.Strapi }) => {
  const withKey = (company: Parameters<typeof toCompanyInfo>[0] | null): RetellCompany | null => {
    if (!company) return null;
    try {
      return {
        info: toCompanyInfo(company),
        retellApiKey: openSecret(
          (company as { retellApiKey?: string | null }).retellApiKey,
          company.documentId,
          'retellApiKey'
        ),
        keyUnreadable: false,
      };
    } catch (error) {
      strapi.log.error(
        `company ${company.id}: its Retell API key cannot be read (${(error as Error).message}); its requests are refused until it is set again`
      );
      return { info: toCompanyInfo(company), retellApiKey: null, keyUnreadable: true };
    }
  };
  // Read on every webhook event, function call and appointment write; forgotten on any change
  // to a company, in every process (src/index.ts).
  const infos = ttlCache<number, CompanyInfo>(strapi, 'company:info', {
    ttlMs: INFO_TTL_MS,
  });
  return {
    /** The booking view of a company (with opening hours), by numeric id. */
    async info(id: number): Promise<CompanyInfo | null> {
      const cached = infos.get(id);
      if (cached) return cached;
      // Read as the platform, so the entry never depends on who asked first; callers ask only
      // for their own company. Kept frozen (callers share it); a missing company is not kept.
      const company = await runAsSystem('company: booking view', () =>
        strapi.db.query(UID).findOne({ where: { id }, populate: ['openingHours'] })
      );
      if (!company) return null;
      const info = toCompanyInfo(company);
      Object.freeze(info.openingHours);
      return infos.set(id, Object.freeze(info));
    },

    /** Forgets the cached booking views (a company changed). */
    forgetInfo() {
      infos.forget();
    },

    /**
     * The company that owns a Retell agent, with its own Retell API key decrypted (null: none set).
     * A stored key that does not open — sealed for another company, tampered, its key dropped
     * from the ring — is `unreadable`: nothing may be verified with it, nor with the platform key
     * in its place.
     */
    /** The company a Retell agent belongs to: its agent, or its agent for after hours. */
    async forRetellAgent(agentId: string): Promise<RetellCompany | null> {
      const query = strapi.db.query(UID);
      return withKey(
        (await query.findOne({ where: { retellAgentId: agentId }, populate: ['openingHours'] })) ??
          (await query.findOne({
            where: { afterHoursAgentId: agentId },
            populate: ['openingHours'],
          }))
      );
    },

    /**
     * The company whose phone number (E.164) is `number`, the way `forRetellAgent` gives it. A
     * number two companies claim belongs to neither (staff can edit their company's number: one
     * company typing another's must not take over its calls).
     */
    async forPhoneNumber(number: string): Promise<RetellCompany | null> {
      const found = await strapi.db
        .query(UID)
        .findMany({ where: { phoneNumber: number }, populate: ['openingHours'], limit: 2 });
      if (found.length > 1) {
        strapi.log.warn(
          `companies ${found.map((company: { id: number }) => company.id).join(' and ')} share a phone number: inbound calls to it are matched by agent only`
        );
        return null;
      }
      return withKey(found[0] ?? null);
    },
  };
};

export default factories.createCoreService(UID, companyMethods);
