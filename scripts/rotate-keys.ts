import { run, withStrapi } from './lib/boot';
import { rotateCompanySecrets } from '../src/tenancy/rotate';

/**
 * `npm run keys:rotate`: re-encrypts the stored company secrets under the first key of
 * SECRETS_KEYRING. Rotation: put a new key first in the ring (keep the old one after it),
 * deploy, run this, then remove the old key. Exits 1 if a secret cannot be read with the ring.
 */
run(async () => {
  const report = await withStrapi(rotateCompanySecrets);
  process.stdout.write(
    `Key rotation to "${report.current}": ${report.rotated} secret(s) re-encrypted, ${report.alreadyCurrent} already current` +
      `${report.changedMeanwhile ? `, ${report.changedMeanwhile} changed while rotating (left as written)` : ''}` +
      `${report.unreadable.length ? `, ${report.unreadable.length} UNREADABLE (${report.unreadable.map((item) => `company ${item.companyId} ${item.field} key "${item.keyId}"`).join('; ')})` : ''}\n`
  );
  if (report.unreadable.length) process.exitCode = 1;
});
