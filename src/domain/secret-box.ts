import { createCipheriv, createDecipheriv, randomBytes } from 'crypto';

/**
 * AES-256-GCM for secrets at rest (third-party API keys). A stored value reads
 * `enc:v2:<keyId>:<iv>:<tag>:<ciphertext>` (base64url parts), so that keys can rotate: the
 * first key of the ring encrypts, every key of the ring decrypts.
 *
 * The value is bound to where it belongs — a context such as `company:<documentId>:retellApiKey`
 * goes into the associated data — so a sealed value copied to another company's row, or to
 * another field, does not open there. `enc:v1:` values (sealed before contexts existed) still
 * open, without one; `reseal` upgrades them.
 */
const V1 = 'enc:v1:';
const V2 = 'enc:v2:';
export const SEALED_PREFIX = V2;

export type KeyRing = { current: string; keys: Map<string, Buffer> };

export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

/** Parses `id1:base64key,id2:base64key` (first = current). Each key must be 32 bytes. */
export const parseKeyRing = (spec: string): KeyRing => {
  const keys = new Map<string, Buffer>();
  let current = '';
  for (const entry of spec
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const separator = entry.indexOf(':');
    if (separator <= 0)
      throw new SecretBoxError('key ring entries must look like <id>:<base64 key>');
    const id = entry.slice(0, separator);
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(id)) throw new SecretBoxError(`invalid key id "${id}"`);
    const key = Buffer.from(entry.slice(separator + 1), 'base64');
    if (key.length !== 32)
      throw new SecretBoxError(`key "${id}" must be 32 bytes (base64), got ${key.length}`);
    if (keys.has(id)) throw new SecretBoxError(`key id "${id}" appears twice`);
    keys.set(id, key);
    if (!current) current = id;
  }
  if (!current) throw new SecretBoxError('the key ring is empty');
  return { current, keys };
};

export const isSealed = (value: unknown): value is string =>
  typeof value === 'string' && (value.startsWith(V2) || value.startsWith(V1));

const versionOf = (sealed: string) => (sealed.startsWith(V2) ? V2 : V1);
const aad = (keyId: string, context: string | null) =>
  Buffer.from(context === null ? keyId : `${keyId}|${context}`);

export const seal = (ring: KeyRing, plaintext: string, context: string): string => {
  const key = ring.keys.get(ring.current) as Buffer;
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad(ring.current, context));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const parts = [iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64url'));
  return `${V2}${ring.current}:${parts.join(':')}`;
};

export const keyIdOf = (sealed: string): string =>
  sealed.slice(versionOf(sealed).length).split(':')[0];

/** Opens a value sealed for `context` (a v1 value, sealed without one, opens anywhere it is). */
export const open = (ring: KeyRing, sealed: string, context: string): string => {
  if (!isSealed(sealed)) throw new SecretBoxError('value is not sealed');
  const version = versionOf(sealed);
  const [keyId, iv, tag, ciphertext] = sealed.slice(version.length).split(':');
  const key = ring.keys.get(keyId);
  if (!key) throw new SecretBoxError(`unknown key id "${keyId}"`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv ?? '', 'base64url'));
    decipher.setAAD(aad(keyId, version === V2 ? context : null));
    decipher.setAuthTag(Buffer.from(tag ?? '', 'base64url'));
    return Buffer.concat([
      decipher.update(Buffer.from(ciphertext ?? '', 'base64url')),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    throw new SecretBoxError(
      `cannot decrypt with key "${keyId}" (wrong key, another place's value, or tampered)`
    );
  }
};

/** Re-encrypts under the current key and format; returns null when it already is. */
export const reseal = (ring: KeyRing, sealed: string, context: string): string | null =>
  keyIdOf(sealed) === ring.current && versionOf(sealed) === V2
    ? null
    : seal(ring, open(ring, sealed, context), context);
