import type { Core } from '@strapi/strapi';
import type { Scope } from './scope';
import { onTable, tableOf } from '../support/knex';

/**
 * Maps the authenticated principal of an HTTP request to its tenant scope:
 * - admin panel user: super admin → system; otherwise the company of the active `staff` entry
 *   bound to that user **by id** (`staff.adminUser`, which only a super admin sets); none → no
 *   scope (refused). Never by email: a tenant can write an email — its own admin profile's, a
 *   staff entry's — so an email must never decide a tenant.
 * - users-permissions user (integrator): its `company`.
 * - Strapi API tokens (content API or admin): operators' tools, cross-tenant → system.
 * - anonymous: no scope.
 */
const SUPER_ADMIN = 'strapi-super-admin';
const TTL_MS = 30_000;

type Cached = { companyId: number | null; expires: number };
type AuthState = {
  strategy?: { name?: string };
  credentials?: { id?: number | string; roles?: Array<{ code?: string }> } | null;
};
type RequestState = { auth?: AuthState; tenantScope?: Scope | null };

export const numericId = (value: unknown): number | null => {
  const id = typeof value === 'string' ? Number(value) : value;
  return typeof id === 'number' && Number.isInteger(id) && id > 0 ? id : null;
};

export const createPrincipalResolver = (strapi: Core.Strapi) => {
  const staffCache = new Map<number, Cached>();
  const userCache = new Map<number, Cached>();

  const cached = async <K>(cache: Map<K, Cached>, key: K, load: () => Promise<number | null>) => {
    const hit = cache.get(key);
    if (hit && hit.expires > Date.now()) return hit.companyId;
    const companyId = await load();
    cache.set(key, { companyId, expires: Date.now() + TTL_MS });
    return companyId;
  };

  const companyOfAdminUser = (adminUserId: number) =>
    cached(staffCache, adminUserId, async () => {
      const row = await onTable(strapi, tableOf(strapi, 'api::staff.staff'), (query) =>
        query.select('company_id').where('admin_user_id', adminUserId).andWhere('active', true).whereNotNull('company_id').first()
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
        const adminUserId = numericId(who?.id);
        const companyId = adminUserId ? await companyOfAdminUser(adminUserId) : null;
        return companyId ? { kind: 'company', companyId } : null;
      }
      case 'users-permissions': {
        const userId = numericId(who?.id);
        const companyId = userId ? await companyOfUser(userId) : null;
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
    companyOfAdminUser,
    forget() {
      staffCache.clear();
      userCache.clear();
    },
  };
};

export type PrincipalResolver = ReturnType<typeof createPrincipalResolver>;
