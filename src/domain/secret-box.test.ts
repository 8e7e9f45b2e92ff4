import { createCipheriv, randomBytes } from 'crypto';
import { open, parseKeyRing, reseal, seal, SecretBoxError } from './secret-box';

const key = (byte: number) => Buffer.alloc(32, byte).toString('base64');

const CONTEXT = 'company:doc-a:retellApiKey';

/** A value sealed the v1 way (before values were bound to a context): key id as the only associated data. */
const sealV1 = (keyId: string, keyBytes: Buffer, plaintext: string) => {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyBytes, iv);
  cipher.setAAD(Buffer.from(keyId));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `enc:v1:${keyId}:${[iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64url')).join(':')}`;
};

describe('secret box (AES-256-GCM with a key ring)', () => {
  const ring = parseKeyRing(`new:${key(7)},old:${key(3)}`);
  const oldRing = parseKeyRing(`old:${key(3)}`);

  it('round-trips and never stores the plaintext', () => {
    const sealed = seal(ring, 'key_live_abc', CONTEXT);
    expect(sealed).toMatch(/^enc:v2:new:/);
    expect(sealed).not.toContain('key_live_abc');
    expect(open(ring, sealed, CONTEXT)).toBe('key_live_abc');
  });

  it('uses a fresh IV each time', () => {
    expect(seal(ring, 'same', CONTEXT)).not.toBe(seal(ring, 'same', CONTEXT));
  });

  it('decrypts values sealed under an older key and re-seals them under the current one', () => {
    const legacy = seal(oldRing, 'key_old', CONTEXT);
    const resealed = reseal(ring, legacy, CONTEXT);
    expect(resealed).toMatch(/^enc:v2:new:/);
    expect(open(ring, resealed as string, CONTEXT)).toBe('key_old');
    expect(reseal(ring, resealed as string, CONTEXT)).toBeNull();
  });

  it('detects tampering and unknown keys', () => {
    const sealed = seal(ring, 'key_live_abc', CONTEXT);
    const parts = sealed.split(':');
    parts[5] = Buffer.from('x'.repeat(12)).toString('base64url');
    expect(() => open(ring, parts.join(':'), CONTEXT)).toThrow(SecretBoxError);
    expect(() => open(parseKeyRing(`other:${key(9)}`), sealed, CONTEXT)).toThrow(
      /unknown key id "new"/
    );
  });

  it('binds a value to its place: it does not open for another company or field', () => {
    const sealed = seal(ring, 'key_live_abc', CONTEXT);
    expect(() => open(ring, sealed, 'company:doc-b:retellApiKey')).toThrow(SecretBoxError);
    expect(() => open(ring, sealed, 'company:doc-a:otherField')).toThrow(SecretBoxError);
  });

  it('still opens values sealed before contexts existed, and reseals them bound to theirs', () => {
    const legacy = sealV1('old', Buffer.alloc(32, 3), 'key_legacy');
    expect(open(ring, legacy, CONTEXT)).toBe('key_legacy');
    const upgraded = reseal(ring, legacy, CONTEXT) as string;
    expect(upgraded).toMatch(/^enc:v2:new:/);
    expect(open(ring, upgraded, CONTEXT)).toBe('key_legacy');
    expect(() => open(ring, upgraded, 'company:doc-b:retellApiKey')).toThrow(SecretBoxError);
  });

  it('rejects a malformed key ring', () => {
    expect(() => parseKeyRing('')).toThrow(/empty/);
    expect(() => parseKeyRing(`a:${Buffer.alloc(16).toString('base64')}`)).toThrow(/32 bytes/);
    expect(() => parseKeyRing(`a:${key(1)},a:${key(2)}`)).toThrow(/twice/);
  });
});
