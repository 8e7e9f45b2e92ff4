#!/usr/bin/env node
'use strict';
/**
 * Creates .env from .env.example with fresh random secrets, if there is no .env yet.
 * Never overwrites an existing .env.
 */
const { randomBytes } = require('crypto');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const target = path.join(root, '.env');
if (fs.existsSync(target)) {
  process.stdout.write('.env exists, left as it is\n');
  process.exit(0);
}
const random = (bytes) => randomBytes(bytes).toString('base64');
const generated = {
  APP_KEYS: [random(16), random(16), random(16), random(16)].join(','),
  API_TOKEN_SALT: random(16),
  ADMIN_JWT_SECRET: random(32),
  TRANSFER_TOKEN_SALT: random(16),
  ENCRYPTION_KEY: random(32),
  JWT_SECRET: random(32),
  SECRETS_KEYRING: `k1:${random(32)}`,
  RETELL_API_KEY: `key_local_${randomBytes(12).toString('hex')}`,
  DEMO_ADMIN_PASSWORD: `Fd-${randomBytes(9).toString('base64url')}1`,
};
const lines = fs
  .readFileSync(path.join(root, '.env.example'), 'utf8')
  .split('\n')
  .map((line) => {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    return match && generated[match[1]] !== undefined ? `${match[1]}=${generated[match[1]]}` : line;
  });
fs.writeFileSync(target, lines.join('\n'), { mode: 0o600 });
process.stdout.write('.env created with random secrets\n');
