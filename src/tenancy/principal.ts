import type { Core } from '@strapi/strapi';
import { explicitScope, type Scope } from './scope';
import { onTable, tableOf } from '../support/knex';
import { ttlCache } from '../support/ttl-cache';

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
  // Bindings change rarely and are read on every request; any change to them is forgotten at once, in every process.
  const staffCache = ttlCache<number, number | null>(strapi, 'tenancy:admin-users', {
    ttlMs: TTL_MS,
  });
  const userCache = ttlCache<number, number | null>(strapi, 'tenancy:api-users', { ttlMs: TTL_MS });

  const companyOfAdminUser = (adminUserId: number) =>
    staffCache.remember(adminUserId, async () => {
      const row = await onTable(strapi, tableOf(strapi, 'api::staff.staff'), (query) =>
        query
          .select('company_id')
          .where('admin_user_id', adminUserId)
          .andWhere('active', true)
          .whereNotNull('company_id')
          .first()
      );
      return row ? Number(row.company_id) : null;
    });

  const companyOfUser = (userId: number) =>
    userCache.remember(userId, async () => {
      const row = await onTable(
        strapi,
        tableOf(strapi, 'plugin::users-permissions.user'),
        (query) => query.select('company_id').where('id', userId).first()
      );
      return row?.company_id ? Number(row.company_id) : null;
    });

  const resolve = async (auth: AuthState | undefined): Promise<Scope | null> => {
    const strategy = auth?.strategy?.name;
    const who = auth?.credentials;
    switch (strategy) {
      case 'admin': {
        if (who?.roles?.some((role) => role.code === SUPER_ADMIN))
          return { kind: 'system', reason: 'super-admin' };
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
      if (ctx.state.tenantScope === undefined)
        ctx.state.tenantScope = await resolve(ctx.state.auth);
      return ctx.state.tenantScope;
    },
    companyOfAdminUser,
    forget() {
      staffCache.forget();
      userCache.forget();
    },
  };
};

export type PrincipalResolver = ReturnType<typeof createPrincipalResolver>;

/** The scope of the work in progress: explicit (a job, a seed, boot), else the HTTP request's principal's. */
export const resolveScope = async (principal: PrincipalResolver | null): Promise<Scope | null> =>
  explicitScope() ?? (principal ? await principal.forRequest() : null);
