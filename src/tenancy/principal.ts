import type { Core } from '@strapi/strapi';
import type { Scope } from './scope';
import { onTable, tableOf } from '../support/knex';

/**
 * Maps the authenticated principal of an HTTP request to its tenant scope:
 * - admin panel user: super admin → system; otherwise the company of the active `staff` entry
 *   with the same email (case-insensitive); none → no scope (refused).
 * - users-permissions user (integrator): its `company`.
 * - Strapi API tokens (content API or admin): operators' tools, cross-tenant → system.
 * - anonymous: no scope.
 */
const SUPER_ADMIN = 'strapi-super-admin';
const TTL_MS = 30_000;

type Cached = { companyId: number | null; expires: number };
type AuthState = {
  strategy?: { name?: string };
  credentials?: { id?: number; email?: string; roles?: Array<{ code?: string }> } | null;
};
type RequestState = { auth?: AuthState; tenantScope?: Scope | null };

export const createPrincipalResolver = (strapi: Core.Strapi) => {
  const staffCache = new Map<string, Cached>();
  const userCache = new Map<number, Cached>();

  const cached = async <K>(cache: Map<K, Cached>, key: K, load: () => Promise<number | null>) => {
    const hit = cache.get(key);
    if (hit && hit.expires > Date.now()) return hit.companyId;
    const companyId = await load();
    cache.set(key, { companyId, expires: Date.now() + TTL_MS });
    return companyId;
  };

  const companyOfStaffEmail = (email: string) =>
    cached(staffCache, email.toLowerCase(), async () => {
      const row = await onTable(strapi, tableOf(strapi, 'api::staff.staff'), (query) =>
        query
          .select('company_id')
          .whereRaw('lower(email) = ?', [email.toLowerCase()])
          .andWhere('active', true)
          .whereNotNull('company_id')
          .orderBy('id', 'asc')
          .first()
      );
      return row ? Number(row.company_id) : null;
    });

  const companyOfUser = (userId: number) =>
    cached(userCache, userId, async () => {
      const row = await onTable(strapi, tableOf(strapi, 'plugin::users-permissions.user'), (query) =>
        query.select('company_id').where('id', userId).first()
      );
      return row?.company_id ? Number(row.company_id) : null;
    });

  const resolve = async (auth: AuthState | undefined): Promise<Scope | null> => {
    const strategy = auth?.strategy?.name;
    const who = auth?.credentials;
    switch (strategy) {
      case 'admin': {
        if (who?.roles?.some((role) => role.code === SUPER_ADMIN)) return { kind: 'system', reason: 'super-admin' };
        const companyId = who?.email ? await companyOfStaffEmail(who.email) : null;
        return companyId ? { kind: 'company', companyId } : null;
      }
      case 'users-permissions': {
        const companyId = who?.id ? await companyOfUser(who.id) : null;
        return companyId ? { kind: 'company', companyId } : null;
      }
      case 'content-api-token':
      case 'admin-token':
        return { kind: 'system', reason: `operator-${strategy}` };
      default:
        return null;
    }
  };

  return {
    /** The scope of the HTTP request being served, resolved once and kept on ctx.state. */
    async forRequest(): Promise<Scope | null> {
      const ctx = strapi.requestContext.get() as { state?: RequestState } | undefined;
      if (!ctx?.state?.auth) return null;
      if (ctx.state.tenantScope === undefined) ctx.state.tenantScope = await resolve(ctx.state.auth);
      return ctx.state.tenantScope;
    },
    companyOfStaffEmail,
    forget() {
      staffCache.clear();
      userCache.clear();
    },
  };
};

export type PrincipalResolver = ReturnType<typeof createPrincipalResolver>;
