import { factories, type Core } from '@strapi/strapi';
import { toCompanyInfo, type CompanyInfo } from '../company-info';
import { openSecret } from '../../../tenancy';

const UID = 'api::company.company';

/** The methods beyond Strapi's core service (typed for the app's service lookup, src/api/services.ts). */
export const companyMethods = ({ strapi }: { strapi: Core.Strapi }) => ({
  /** The booking view of a company (with opening hours), by numeric id. */
  async info(id: number): Promise<CompanyInfo | null> {
    const company = await strapi.db
      .query(UID)
      .findOne({ where: { id }, populate: ['openingHours'] });
    return company ? toCompanyInfo(company) : null;
  },

  /**
   * The company that owns a Retell agent, with its own Retell API key decrypted (null: none set).
   * A stored key that does not open — sealed for another company, tampered, its key dropped
   * from the ring — is `unreadable`: nothing may be verified with it, nor with the platform key
   * in its place.
   */
  async forRetellAgent(
    agentId: string
  ): Promise<{ info: CompanyInfo; retellApiKey: string | null; keyUnreadable: boolean } | null> {
    const company = await strapi.db
      .query(UID)
      .findOne({ where: { retellAgentId: agentId }, populate: ['openingHours'] });
    if (!company) return null;
    try {
      return {
        info: toCompanyInfo(company),
        retellApiKey: openSecret(company.retellApiKey, company.documentId, 'retellApiKey'),
        keyUnreadable: false,
      };
    } catch (error) {
      strapi.log.error(
        `company ${company.id}: its Retell API key cannot be read (${(error as Error).message}); its requests are refused until it is set again`
      );
      return { info: toCompanyInfo(company), retellApiKey: null, keyUnreadable: true };
    }
  },
});

export default factories.createCoreService(UID, companyMethods);
