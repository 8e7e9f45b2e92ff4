import { randomBytes } from 'crypto';
import { run, withStrapi } from './lib/boot';
import { seedDemoTenant } from '../src/seed/demo-tenant';

/**
 * `npm run seed:demo`: the demo tenant and its two admin logins (idempotent). The password is
 * DEMO_ADMIN_PASSWORD (the setup script puts a random one into .env); without it a random one
 * is generated and printed once.
 */
run(async () => {
  const fromEnv = process.env.DEMO_ADMIN_PASSWORD;
  const password = fromEnv || `Fd-${randomBytes(9).toString('base64url')}1`;
  const result = await withStrapi((strapi) => seedDemoTenant(strapi, { password }));
  const lines = [
    result.companyCreated
      ? 'Demo tenant "Salon Lindenblatt" created.'
      : 'Demo tenant "Salon Lindenblatt" already present (left unchanged).',
    `Super admin:   ${result.admin.email}`,
    `Company staff: ${result.staff.email}`,
    fromEnv || result.admin.created
      ? `Password:      ${password}`
      : 'Password:      (set when the users were first created)',
    ...(result.customerPage
      ? [`A customer's own page (the link in their messages): ${result.customerPage}`]
      : []),
  ];
  process.stdout.write(`\n${lines.join('\n')}\n\n`);
});
