import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import fs from 'fs';
import path from 'path';
import { baseTestEnv, withPostgresAdmin } from './env';

/**
 * Once per `npm test`: compile the server, build the admin panel when its sources changed
 * (the browser tests need it), create a throwaway PostgreSQL database, and let Strapi create
 * its schema once so that test files booting in parallel do not race for it.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const bin = (name: string) => path.join(ROOT, 'node_modules', '.bin', name);

const adminSourceHash = () => {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs
      .readdirSync(dir, { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else hash.update(full).update(fs.readFileSync(full));
    }
  };
  walk(path.join(ROOT, 'src', 'admin'));
  for (const plugin of fs.existsSync(path.join(ROOT, 'src', 'plugins'))
    ? fs.readdirSync(path.join(ROOT, 'src', 'plugins'))
    : []) {
    walk(path.join(ROOT, 'src', 'plugins', plugin, 'admin'));
  }
  hash.update(fs.readFileSync(path.join(ROOT, 'package-lock.json')));
  return hash.digest('hex');
};

const buildAdminIfStale = () => {
  const marker = path.join(ROOT, 'dist', 'build', '.source-hash');
  const wanted = adminSourceHash();
  if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === wanted) return;
  process.stdout.write('\n[test setup] building the admin panel (its sources changed)…\n');
  execFileSync(bin('strapi'), ['build', '--silent'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'test' },
  });
  fs.writeFileSync(marker, wanted);
};

export default async function globalSetup() {
  const databaseName = `frontdesk_test_${Date.now()}_${process.pid}`;
  // Building loads the configuration, which needs the secrets too.
  Object.assign(process.env, baseTestEnv(databaseName));
  execFileSync(bin('tsc'), ['-p', 'tsconfig.json'], { cwd: ROOT, stdio: 'inherit' });
  if (process.env.TEST_SKIP_ADMIN_BUILD !== '1') buildAdminIfStale();

  await withPostgresAdmin((admin) => admin.query(`CREATE DATABASE "${databaseName}"`));

  // One boot creates the schema, runs migrations and seeds roles; test files reuse it.
  const { startApp, stopApp } = await import('../helpers/app');
  const app = await startApp({ WEBHOOK_WORKER: 'off' });
  await stopApp(app);
}
