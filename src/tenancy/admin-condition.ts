import type { Core } from '@strapi/strapi';
import { COMPANY_UID } from './model';
import { numericId, type PrincipalResolver } from './principal';

/**
 * Admin RBAC condition "belongs to my company": a staff member's permissions on the
 * tenant-scoped types apply to their own company's documents only.
 */
export const BELONGS_TO_MY_COMPANY = 'belongs-to-my-company';
export const BELONGS_TO_MY_COMPANY_ID = `api::${BELONGS_TO_MY_COMPANY}`;

type ConditionUser = { id?: number | string; permission?: { subject?: string | null } };

export const registerCompanyCondition = async (
  strapi: Core.Strapi,
  principal: PrincipalResolver
) => {
  const conditionProvider = strapi.service('admin::permission').conditionProvider;
  if (conditionProvider.has(BELONGS_TO_MY_COMPANY_ID)) return;
  await conditionProvider.register({
    displayName: 'Belongs to my company',
    name: BELONGS_TO_MY_COMPANY,
    category: 'Frontdesk',
    async handler(user: ConditionUser) {
      const adminUserId = numericId(user.id);
      const companyId = adminUserId ? await principal.companyOfAdminUser(adminUserId) : null;
      if (!companyId) return false;
      return user.permission?.subject === COMPANY_UID
        ? { id: companyId }
        : { 'company.id': companyId };
    },
  });
};
