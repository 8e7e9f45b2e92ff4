import { intFromEnv, requireSecretList } from '../src/support/env';

export default ({ env }) => ({
  host: env('HOST', '0.0.0.0'),
  port: intFromEnv('PORT', 1337, { min: 0, max: 65535 }),
  url: env('PUBLIC_URL', ''),
  proxy: env.bool('IS_PROXIED', false),
  app: { keys: requireSecretList('APP_KEYS') },
  cron: { enabled: false },
});
