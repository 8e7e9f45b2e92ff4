import type { Core } from '@strapi/strapi';

/**
 * Who is behind a request to an operator page outside Strapi's admin API (the queues, the API
 * description): the admin panel's own session — the refresh cookie the admin login sets (its
 * path is /admin, so the browser sends it to pages under /admin) — or an admin access token as a
 * bearer token, checked as Strapi's admin auth checks them. Only an active super admin passes.
 */
export type AdminCtx = {
  get(name: string): string;
  cookies: { get(name: string): string | undefined };
};
const REFRESH_COOKIE = 'strapi_admin_refresh';
const SUPER_ADMIN = 'strapi-super-admin';

/** The admin user behind the request's admin session, if any. */
const adminUserOf = async (strapi: Core.Strapi, ctx: AdminCtx): Promise<number | null> => {
  const sessions = strapi.sessionManager('admin');
  const [scheme, token] = (ctx.get('authorization') || '').split(' ');
  if (scheme === 'Bearer' && token && token.length < 4096) {
    const access = sessions.validateAccessToken(token);
    // As Strapi's own admin check: the token's session must still be active (no logout since).
    if (!access.isValid || !(await sessions.isSessionActive(access.payload.sessionId))) return null;
    return Number(access.payload.userId) || null;
  }
  const refresh = ctx.cookies.get(REFRESH_COOKIE);
  if (!refresh || refresh.length > 4096) return null;
  const session = await sessions.validateRefreshToken(refresh);
  if (!session.isValid) return null;
  // A session of the admin panel, not of another origin signed with the same secret.
  const row = (await strapi.db
    .query('admin::session')
    .findOne({ where: { sessionId: session.sessionId }, select: ['origin'] })) as {
    origin?: string;
  } | null;
  return row?.origin === 'admin' ? Number(session.userId) || null : null;
};

/** `ok` for an active super admin; `forbidden` for any other admin; `anonymous` without a session. */
export const superAdminOf = async (
  strapi: Core.Strapi,
  ctx: AdminCtx
): Promise<'ok' | 'forbidden' | 'anonymous'> => {
  const userId = await adminUserOf(strapi, ctx);
  const user = userId
    ? ((await strapi.db.query('admin::user').findOne({
        where: { id: userId },
        select: ['id', 'isActive', 'blocked'],
        populate: { roles: { select: ['code'] } },
      })) as { isActive: boolean; blocked: boolean; roles?: Array<{ code: string }> } | null)
    : null;
  if (!user || !user.isActive || user.blocked) return 'anonymous';
  return (user.roles ?? []).some((role) => role.code === SUPER_ADMIN) ? 'ok' : 'forbidden';
};
