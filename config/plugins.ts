import type { Core } from '@strapi/strapi';
import { intFromEnv, boolFromEnv, requireSecret } from '../src/support/env';
import { forIntegrators } from '../src/ops/api-docs';
import { publicBaseUrl } from '../src/support/manage-link';

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
  // Generates the REST API's OpenAPI description; served by src/ops/api-docs.ts, not by its own pages.
  documentation: {
    enabled: true,
    config: {
      info: {
        version: '1.0.0',
        title: 'Frontdesk REST API',
        description:
          "For integrators: one company's services, staff, absences, customers, appointments, calls and notifications. Log in with POST /auth/local (an integrator account) and send the JWT as a bearer token.",
      },
      'x-strapi-config': { plugins: ['users-permissions'], mutateDocumentation: forIntegrators },
      servers: [{ url: `${publicBaseUrl()}/api`, description: 'This deployment' }],
      externalDocs: { description: 'Strapi REST API', url: 'https://docs.strapi.io/cms/api/rest' },
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
