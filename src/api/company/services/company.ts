import { factories } from '@strapi/strapi';
import { toCompanyInfo, type CompanyInfo } from '../company-info';
import { openSecret } from '../../../tenancy';

const UID = 'api::company.company';

export default factories.createCoreService(UID, ({ strapi }) => ({
  /** The booking view of a company (with opening hours), by numeric id. */
  async info(id: number): Promise<CompanyInfo | null> {
    const company = await strapi.db.query(UID).findOne({ where: { id }, populate: ['openingHours'] });
    return company ? toCompanyInfo(company) : null;
  },

  /** The company that owns a Retell agent, with its own Retell API key decrypted (or null). */
  async forRetellAgent(agentId: string): Promise<{ info: CompanyInfo; retellApiKey: string | null } | null> {
    const company = await strapi.db.query(UID).findOne({ where: { retellAgentId: agentId }, populate: ['openingHours'] });
    return company ? { info: toCompanyInfo(company), retellApiKey: openSecret(company.retellApiKey) } : null;
  },
}));
