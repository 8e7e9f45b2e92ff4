import type { Core } from '@strapi/strapi';
import { requireSecret } from '../src/support/env';

export default (): Core.Config.Admin => ({
  auth: { secret: requireSecret('ADMIN_JWT_SECRET') },
  apiToken: { salt: requireSecret('API_TOKEN_SALT') },
  transfer: { token: { salt: requireSecret('TRANSFER_TOKEN_SALT') } },
  secrets: { encryptionKey: requireSecret('ENCRYPTION_KEY') },
  flags: { nps: false, promoteEE: false },
  autoOpen: false,
  watchIgnoreFiles: ['**/tests/**', '**/bench/**'],
});
