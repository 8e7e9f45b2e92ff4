import type { Core } from '@strapi/strapi';
import { ttlCache } from '../../support/ttl-cache';
import { onChange } from '../../support/lifecycles';

/**
 * users-permissions authenticates every integrator request from the database: the user and its
 * role (two statements), then the role's permissions (two more) — four of the dozen statements
 * of a `GET /api/appointments`. Both change rarely and are read on every request, so they are
 * kept here per user and per role for TTL_MS, and any change to a user, a role or a permission
 * forgets both at once, in every process (support/ttl-cache.ts): blocking a user, changing a
 * role or its permissions applies to the next request. Each caller gets its own copy: Strapi
 * hangs the user on ctx.state, and nothing one request does to it may reach another.
 */
const TTL_MS = 30_000;
const MODELS = [
  'plugin::users-permissions.user',
  'plugin::users-permissions.role',
  'plugin::users-permissions.permission',
];

type Row = Record<string, unknown>;
type Factory<S> = (context: { strapi: Core.Strapi }) => S;
type UserService = { fetchAuthenticatedUser(id: unknown): Promise<Row | null> };
type PermissionService = { findRolePermissions(roleId: unknown): Promise<Row[]> };
export type ServiceFactories = Record<string, Factory<unknown>>;

const copyOfUser = (user: Row | null) =>
  user && {
    ...user,
    role: user.role && typeof user.role === 'object' ? { ...(user.role as Row) } : user.role,
  };

const caches = new WeakMap<Core.Strapi, ReturnType<typeof createCaches>>();
const createCaches = (strapi: Core.Strapi) => {
  const users = ttlCache<string, Row | null>(strapi, 'auth:users', { ttlMs: TTL_MS });
  const permissions = ttlCache<string, Row[]>(strapi, 'auth:role-permissions', { ttlMs: TTL_MS });
  onChange(strapi, MODELS, () => {
    users.forget();
    permissions.forget();
  });
  return { users, permissions };
};
const cachesOf = (strapi: Core.Strapi) => {
  let found = caches.get(strapi);
  if (!found) {
    found = createCaches(strapi);
    caches.set(strapi, found);
  }
  return found;
};

/** Wraps the plugin's `user` and `permission` service factories (see strapi-server.ts). */
export const cacheAuthentication = (services: ServiceFactories) => {
  const userFactory = services.user as Factory<UserService>;
  const permissionFactory = services.permission as Factory<PermissionService>;

  services.user = ({ strapi }) => {
    const service = userFactory({ strapi });
    const load = service.fetchAuthenticatedUser.bind(service);
    const { users } = cachesOf(strapi);
    // A user not found is not kept.
    service.fetchAuthenticatedUser = async (id) =>
      copyOfUser(await users.remember(String(id), () => load(id), Boolean));
    return service;
  };

  services.permission = ({ strapi }) => {
    const service = permissionFactory({ strapi });
    const load = service.findRolePermissions.bind(service);
    const { permissions } = cachesOf(strapi);
    service.findRolePermissions = async (roleId) =>
      (await permissions.remember(String(roleId), () => load(roleId))).map((row) => ({ ...row }));
    return service;
  };
};

/**
 * Strapi tries every bearer token of a REST request as an API token first — a lookup by its hash
 * that misses for every integrator's JWT, on every request. The misses are remembered here (per
 * hash, TTL_MS, at most 10,000), and forgotten in every process whenever an API token is
 * created, changed or deleted; a token found is never cached (Strapi checks its expiry and
 * stamps its use).
 */
type ApiTokenService = {
  getByAccessKey(hash: string, options?: unknown): Promise<unknown>;
};
export const cacheApiTokenMisses = (strapi: Core.Strapi) => {
  const service = strapi.service('admin::api-token-content-api') as unknown as
    ApiTokenService | undefined;
  if (!service?.getByAccessKey) return;
  const load = service.getByAccessKey.bind(service);
  const misses = ttlCache<string, unknown>(strapi, 'auth:api-token-misses', { ttlMs: TTL_MS });
  onChange(strapi, ['admin::api-token'], () => misses.forget());
  service.getByAccessKey = (hash, options) =>
    misses.remember(
      hash,
      () => load(hash, options),
      (token) => !token
    );
};
