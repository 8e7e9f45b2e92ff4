import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { currentScope, runAsSystem } from '../../../../../tenancy';
import type { Scope } from './figures';

/**
 * Whose figures: staff see their own company, always (a `company` parameter cannot change
 * that); super admins pick one with `?company=<id>` or see all companies (`all`, default).
 */
export type OverviewScope = Scope & { language: 'de' | 'en'; companies: Array<{ id: number; name: string }> };
const DEFAULT_ZONE = 'Europe/Berlin';

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const company = (id: number) =>
    runAsSystem('overview: company', () =>
      strapi.db.connection('companies').where('id', id).first('id', 'name', 'timezone', 'language')
    ) as Promise<{ id: number; name: string; timezone: string; language: string } | undefined>;

  return {
    async resolve(requested: unknown): Promise<OverviewScope> {
      const scope = await currentScope();
      if (!scope) throw new errors.ForbiddenError('This account is not bound to a company');
      if (scope.kind === 'company') {
        const own = await company(scope.companyId);
        if (!own) throw new errors.ForbiddenError('This account is not bound to a company');
        return { companyId: own.id, zone: own.timezone || DEFAULT_ZONE, language: own.language === 'en' ? 'en' : 'de', companies: [{ id: own.id, name: own.name }] };
      }
      const companies = (await strapi.db.connection('companies').select('id', 'name').orderBy('name')) as Array<{ id: number; name: string }>;
      if (requested === undefined || requested === '' || requested === 'all') return { companyId: null, zone: DEFAULT_ZONE, language: 'de', companies };
      const id = Number(requested);
      const picked = Number.isInteger(id) ? await company(id) : undefined;
      if (!picked) throw new errors.NotFoundError('No such company');
      return { companyId: picked.id, zone: picked.timezone || DEFAULT_ZONE, language: picked.language === 'en' ? 'en' : 'de', companies };
    },
  };
};
