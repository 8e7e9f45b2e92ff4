import type { Core } from '@strapi/strapi';
import { intFromEnv, boolFromEnv, requireSecret } from '../src/support/env';

export default ({ env }: Core.Config.Shared.ConfigParams): Core.Config.Plugin => ({
  'users-permissions': {
    config: {
      jwtSecret: requireSecret('JWT_SECRET'),
      jwt: { expiresIn: env('JWT_EXPIRES_IN', '7d') },
      register: { allowedFields: [] },
    },
  },
  email: {
    config: {
      provider: 'nodemailer',
      providerOptions: {
        host: env('SMTP_HOST', '127.0.0.1'),
        port: intFromEnv('SMTP_PORT', 1025, { min: 1, max: 65535 }),
        secure: boolFromEnv('SMTP_SECURE', false),
        ignoreTLS: !boolFromEnv('SMTP_STARTTLS', false),
        ...(env('SMTP_USER', '')
          ? { auth: { user: env('SMTP_USER'), pass: env('SMTP_PASSWORD', '') } }
          : {}),
        connectionTimeout: 10_000,
      },
      settings: {
        defaultFrom: env('EMAIL_FROM', 'Frontdesk <no-reply@frontdesk.local>'),
        defaultReplyTo: env('EMAIL_REPLY_TO', env('EMAIL_FROM', 'no-reply@frontdesk.local')),
      },
    },
  },
  retell: {
    enabled: true,
    resolve: './src/plugins/retell',
  },
  overview: {
    enabled: true,
    resolve: './src/plugins/overview',
  },
});
