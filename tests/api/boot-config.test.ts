import { spawn } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { ROOT } from '../helpers/app';

/**
 * Configuration is checked at boot: in production a missing secret stops the process with a
 * message that names the variable; bad numbers are refused; logs are JSON lines in files.
 */
const boot = (env: Record<string, string | undefined>, script = '') =>
  new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(
      process.execPath,
      [
        '-e',
        `const { createStrapi } = require('@strapi/strapi');
         const app = createStrapi({ appDir: ${JSON.stringify(ROOT)}, distDir: ${JSON.stringify(path.join(ROOT, 'dist'))}, autoReload: false, serveAdminPanel: false });
         app.load().then(async () => { ${script}; await app.destroy(); process.exit(0); }, (e) => { console.error(String(e && e.message)); process.exit(3); });`,
      ],
      { cwd: ROOT, env: { ...process.env, WEBHOOK_WORKER: 'off', ...env } as NodeJS.ProcessEnv }
    );
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('exit', (code) => resolve({ code, output }));
  });

const PRODUCTION_SECRETS = {
  NODE_ENV: 'production',
  APP_KEYS: 'a,b',
  API_TOKEN_SALT: 'salt',
  ADMIN_JWT_SECRET: 'admin',
  TRANSFER_TOKEN_SALT: 'transfer',
  ENCRYPTION_KEY: 'encryption',
  JWT_SECRET: 'jwt',
};

it.each(['APP_KEYS', 'ADMIN_JWT_SECRET', 'SECRETS_KEYRING', 'JWT_SECRET', 'MANAGE_LINK_SECRETS'])(
  'a production boot without %s stops and names it',
  async (name) => {
    const { code, output } = await boot({ ...PRODUCTION_SECRETS, [name]: '' });
    expect(code).not.toBe(0);
    expect(output).toContain(name);
  },
  30_000
);

// There is no built-in development secret: a known default would let anyone forge a login.
it.each(['development', 'test'])(
  'a %s boot without JWT_SECRET stops too, instead of using a default secret',
  async (nodeEnv) => {
    const { code, output } = await boot({ NODE_ENV: nodeEnv, JWT_SECRET: '' });
    expect(code).not.toBe(0);
    expect(output).toContain('JWT_SECRET');
  },
  30_000
);

it('refuses TENANCY_ENFORCEMENT=off outside the test runner', async () => {
  const { code, output } = await boot({ NODE_ENV: 'development', TENANCY_ENFORCEMENT: 'off' });
  expect(code).not.toBe(0);
  expect(output).toContain('TENANCY_ENFORCEMENT=off');
}, 30_000);

it('refuses a pool whose minimum exceeds its maximum', async () => {
  const { code, output } = await boot({ DATABASE_POOL_MIN: '8', DATABASE_POOL_MAX: '2' });
  expect(code).not.toBe(0);
  expect(output).toMatch(/DATABASE_POOL_MIN \(8\) must not exceed DATABASE_POOL_MAX \(2\)/);
}, 30_000);

it('writes JSON log lines to a daily file in LOG_DIR, without phone numbers', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontdesk-logs-'));
  const { code } = await boot(
    { LOG_DIR: dir, LOG_LEVEL: 'info' },
    "app.log.info('caller +49305550147 says hello', { phone: '+49305550147' })"
  );
  expect(code).toBe(0);
  const files = fs.readdirSync(dir).filter((file) => file.endsWith('.log'));
  expect(files).toHaveLength(1);
  expect(files[0]).toMatch(/^frontdesk-\d{4}-\d{2}-\d{2}\.log$/);
  const lines = fs
    .readFileSync(path.join(dir, files[0]), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  const hello = lines.find((line) => String(line.message).includes('says hello'));
  expect(hello).toMatchObject({
    level: 'info',
    message: 'caller +493…47 says hello',
    phone: '+493…47',
  });
  expect(fs.readFileSync(path.join(dir, files[0]), 'utf8')).not.toContain('+49305550147');
}, 30_000);
