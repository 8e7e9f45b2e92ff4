import type { Core } from '@strapi/strapi';
import { boolFromEnv, intFromEnv, requireSecretList } from '../src/support/env';

/**
 * Behind a reverse proxy (IS_PROXIED=true) the client's address is taken from X-Forwarded-For
 * and the scheme from X-Forwarded-Proto. Strapi 5 reads `server.proxy.koa` (a bare `proxy: true`
 * is ignored). Only the last PROXY_HOPS entries of X-Forwarded-For are trusted — the ones our
 * own proxies appended — so a client cannot choose its address by sending the header itself.
 */
export default ({ env }: Core.Config.Shared.ConfigParams): Core.Config.Server => ({
  host: env('HOST', '127.0.0.1'),
  port: intFromEnv('PORT', 1337, { min: 0, max: 65535 }),
  url: env('PUBLIC_URL', ''),
  proxy: {
    koa: boolFromEnv('IS_PROXIED', false),
    maxIpsCount: intFromEnv('PROXY_HOPS', 1, { min: 1, max: 10 }),
  },
  app: { keys: requireSecretList('APP_KEYS') },
  cron: { enabled: false },
});
