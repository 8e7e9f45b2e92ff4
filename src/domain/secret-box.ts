import { createCipheriv, createDecipheriv, randomBytes } from 'crypto';

/**
 * AES-256-GCM for secrets at rest (third-party API keys). A stored value reads
 * `enc:v1:<keyId>:<iv>:<tag>:<ciphertext>` (base64url parts), so that keys can rotate: the
 * first key of the ring encrypts, every key of the ring decrypts.
 */
export const SEALED_PREFIX = 'enc:v1:';

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
  for (const entry of spec.split(',').map((part) => part.trim()).filter(Boolean)) {
    const separator = entry.indexOf(':');
    if (separator <= 0) throw new SecretBoxError('key ring entries must look like <id>:<base64 key>');
    const id = entry.slice(0, separator);
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(id)) throw new SecretBoxError(`invalid key id "${id}"`);
    const key = Buffer.from(entry.slice(separator + 1), 'base64');
    if (key.length !== 32) throw new SecretBoxError(`key "${id}" must be 32 bytes (base64), got ${key.length}`);
    if (keys.has(id)) throw new SecretBoxError(`key id "${id}" appears twice`);
    keys.set(id, key);
    if (!current) current = id;
  }
  if (!current) throw new SecretBoxError('the key ring is empty');
  return { current, keys };
};

export const isSealed = (value: unknown): value is string => typeof value === 'string' && value.startsWith(SEALED_PREFIX);

export const seal = (ring: KeyRing, plaintext: string): string => {
  const key = ring.keys.get(ring.current) as Buffer;
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(ring.current));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const parts = [iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64url'));
  return `${SEALED_PREFIX}${ring.current}:${parts.join(':')}`;
};

export const keyIdOf = (sealed: string): string => sealed.slice(SEALED_PREFIX.length).split(':')[0];

export const open = (ring: KeyRing, sealed: string): string => {
  if (!isSealed(sealed)) throw new SecretBoxError('value is not sealed');
  const [keyId, iv, tag, ciphertext] = sealed.slice(SEALED_PREFIX.length).split(':');
  const key = ring.keys.get(keyId);
  if (!key) throw new SecretBoxError(`unknown key id "${keyId}"`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(keyId));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretBoxError(`cannot decrypt with key "${keyId}" (wrong key or tampered value)`);
  }
};

/** Re-encrypts under the current key; returns null when it already is. */
export const reseal = (ring: KeyRing, sealed: string): string | null =>
  keyIdOf(sealed) === ring.current ? null : seal(ring, open(ring, sealed));
