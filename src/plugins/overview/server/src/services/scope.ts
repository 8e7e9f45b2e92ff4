import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { currentScope, runAsSystem } from '../../../../../tenancy';
import type { Scope } from './figures';
import { ttlCache } from '../../../../../support/ttl-cache';
import { tableOf } from '../../../../../support/knex';

/**
 * Whose figures: staff see their own company, always (a `company` parameter cannot change
 * that); super admins pick one with `?company=<id>` or see all companies (`all`, default).
 */
export type OverviewScope = Scope & {
  language: 'de' | 'en';
  companies: Array<{ id: number; name: string }>;
};
const DEFAULT_ZONE = 'Europe/Berlin';

type CompanyRow = { id: number; name: string; timezone: string; language: string };
const TTL_MS = 30_000;

export default ({ strapi }: { strapi: Core.Strapi }) => {
  // Names and zones of companies change rarely; kept 30 s and forgotten on any company change.
  const cache = ttlCache<'all', { companies: CompanyRow[]; byId: Map<number, CompanyRow> }>(
    strapi,
    'overview:companies',
    { ttlMs: TTL_MS }
  );
  const load = () =>
    cache.remember('all', async () => {
      const companies = (await runAsSystem('overview: companies', () =>
        strapi.db
          .connection(tableOf(strapi, 'api::company.company'))
          .select('id', 'name', 'timezone', 'language')
          .orderBy('name')
      )) as CompanyRow[];
      return { companies, byId: new Map(companies.map((row) => [Number(row.id), row])) };
    });
  const company = async (id: number) => (await load()).byId.get(id);

  return {
    forget() {
      cache.forget();
    },

    async resolve(requested: unknown): Promise<OverviewScope> {
      const scope = await currentScope();
      if (!scope) throw new errors.ForbiddenError('This account is not bound to a company');
      if (scope.kind === 'company') {
        const own = await company(scope.companyId);
        if (!own) throw new errors.ForbiddenError('This account is not bound to a company');
        return {
          companyId: own.id,
          zone: own.timezone || DEFAULT_ZONE,
          language: own.language === 'en' ? 'en' : 'de',
          companies: [{ id: own.id, name: own.name }],
        };
      }
      const companies = (await load()).companies.map(({ id, name }) => ({ id, name }));
      if (requested === undefined || requested === '' || requested === 'all')
        return { companyId: null, zone: DEFAULT_ZONE, language: 'de', companies };
      const id = Number(requested);
      const picked = Number.isInteger(id) ? await company(id) : undefined;
      if (!picked) throw new errors.NotFoundError('No such company');
      return {
        companyId: picked.id,
        zone: picked.timezone || DEFAULT_ZONE,
        language: picked.language === 'en' ? 'en' : 'de',
        companies,
      };
    },
  };
};
