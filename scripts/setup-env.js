#!/usr/bin/env node
'use strict';
/**
 * Creates .env from .env.example with fresh random secrets, if there is no .env yet. An existing
 * .env is never overwritten: only a secret that a newer version requires and it lacks is added.
 */
const { randomBytes } = require('crypto');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const target = path.join(root, '.env');
const random = (bytes) => randomBytes(bytes).toString('base64');
const ADDED_LATER = { MANAGE_LINK_SECRETS: () => random(32) };
if (fs.existsSync(target)) {
  const existing = fs.readFileSync(target, 'utf8');
  const has = (name) =>
    existing
      .split('\n')
      .some((line) => line.startsWith(`${name}=`) && line.length > name.length + 1);
  const missing = Object.keys(ADDED_LATER).filter((name) => !has(name));
  if (missing.length) {
    const lines = missing.map((name) => `${name}=${ADDED_LATER[name]()}`);
    fs.appendFileSync(target, `${existing.endsWith('\n') ? '' : '\n'}${lines.join('\n')}\n`);
    process.stdout.write(`.env exists; added ${missing.join(', ')}\n`);
  } else process.stdout.write('.env exists, left as it is\n');
  process.exit(0);
}
const generated = {
  APP_KEYS: [random(16), random(16), random(16), random(16)].join(','),
  API_TOKEN_SALT: random(16),
  ADMIN_JWT_SECRET: random(32),
  TRANSFER_TOKEN_SALT: random(16),
  ENCRYPTION_KEY: random(32),
  JWT_SECRET: random(32),
  SECRETS_KEYRING: `k1:${random(32)}`,
  MANAGE_LINK_SECRETS: ADDED_LATER.MANAGE_LINK_SECRETS(),
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
