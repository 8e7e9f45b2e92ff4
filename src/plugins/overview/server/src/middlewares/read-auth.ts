import { createHash } from 'crypto';
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { ttlCache } from '../../../../../support/ttl-cache';

/**
 * Admin authentication for the overview's read routes, with what it learns kept for a few
 * seconds.
 *
 * Strapi authenticates every admin request from scratch: JWT verification, a session query,
 * a user query and a full permission evaluation (~6 ms of CPU on this machine; `GET
 * /admin/users/me` serves ~170 req/s). The overview is read by every staff member all day
 * long, so here the same checks — made with Strapi's own session manager and permission
 * engine — are remembered per token and per user for AUTH_TTL_MS. The price: a logout, a
 * deactivation or a changed role reaches these read-only routes up to that long later.
 * Writes (the state change) keep Strapi's uncached admin authentication.
 */
const AUTH_TTL_MS = 10_000;
const READ_ACTION = 'plugin::overview.read';
const MAX_ENTRIES = 10_000;

type AdminUser = { id: number; email: string; isActive: boolean; roles: Array<{ code: string }> };
type Ctx = {
  request: { header: Record<string, string | undefined> };
  state: Record<string, unknown>;
};

export default (_config: unknown, { strapi }: { strapi: Core.Strapi }) => {
  const sessions = ttlCache<string, { userId: number | string; tokenExpires: number }>(
    strapi,
    'overview:read-auth:sessions',
    { ttlMs: AUTH_TTL_MS, maxEntries: MAX_ENTRIES }
  );
  const principals = ttlCache<number | string, { user: AdminUser; mayRead: boolean }>(
    strapi,
    'overview:read-auth:principals',
    { ttlMs: AUTH_TTL_MS, maxEntries: MAX_ENTRIES }
  );
  const manager = () =>
    (
      strapi as unknown as {
        sessionManager: (origin: string) => {
          validateAccessToken(token: string): {
            isValid: boolean;
            payload: { userId: string; sessionId: string; exp?: number } | null;
          };
          isSessionActive(id: string): Promise<boolean>;
        };
      }
    ).sessionManager('admin');

  const sessionOf = async (token: string) => {
    const key = createHash('sha256').update(token).digest('base64url');
    const cached = sessions.get(key);
    // Never past the token's own expiry, however fresh the cache entry.
    if (cached && cached.tokenExpires > Date.now()) return cached;
    const { isValid, payload } = manager().validateAccessToken(token);
    if (!isValid || !payload || !(await manager().isSessionActive(payload.sessionId)))
      throw new errors.UnauthorizedError('Missing or invalid credentials');
    const numeric = Number(payload.userId);
    const userId =
      Number.isFinite(numeric) && String(numeric) === payload.userId ? numeric : payload.userId;
    return sessions.set(key, { userId, tokenExpires: payload.exp ? payload.exp * 1000 : Infinity });
  };

  const principalOf = async (userId: number | string) => {
    const cached = principals.get(userId);
    if (cached) return cached;
    const user = (await strapi.db
      .query('admin::user')
      .findOne({ where: { id: userId }, populate: ['roles'] })) as AdminUser | null;
    if (!user || user.isActive !== true)
      throw new errors.UnauthorizedError('Missing or invalid credentials');
    const ability = await strapi.service('admin::permission').engine.generateUserAbility(user);
    return principals.set(userId, { user, mayRead: ability.can(READ_ACTION) });
  };

  return async (ctx: Ctx, next: () => Promise<void>) => {
    const [scheme, token] = (ctx.request.header.authorization ?? '').split(/\s+/);
    if (scheme?.toLowerCase() !== 'bearer' || !token)
      throw new errors.UnauthorizedError('Missing or invalid credentials');
    const { userId } = await sessionOf(token);
    const { user, mayRead } = await principalOf(userId);
    if (!mayRead) throw new errors.ForbiddenError('You may not read the overview');
    // What Strapi's admin strategy would have set: the tenancy layer reads the principal from it.
    ctx.state.user = user;
    ctx.state.isAuthenticated = true;
    ctx.state.auth = { strategy: { name: 'admin' }, credentials: user };
    await next();
  };
};
