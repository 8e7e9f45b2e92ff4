import { open, parseKeyRing, reseal, seal, SecretBoxError } from './secret-box';

const key = (byte: number) => Buffer.alloc(32, byte).toString('base64');

describe('secret box (AES-256-GCM with a key ring)', () => {
  const ring = parseKeyRing(`new:${key(7)},old:${key(3)}`);
  const oldRing = parseKeyRing(`old:${key(3)}`);

  it('round-trips and never stores the plaintext', () => {
    const sealed = seal(ring, 'key_live_abc');
    expect(sealed).toMatch(/^enc:v1:new:/);
    expect(sealed).not.toContain('key_live_abc');
    expect(open(ring, sealed)).toBe('key_live_abc');
  });

  it('uses a fresh IV each time', () => {
    expect(seal(ring, 'same')).not.toBe(seal(ring, 'same'));
  });

  it('decrypts values sealed under an older key and re-seals them under the current one', () => {
    const legacy = seal(oldRing, 'key_old');
    const resealed = reseal(ring, legacy);
    expect(resealed).toMatch(/^enc:v1:new:/);
    expect(open(ring, resealed as string)).toBe('key_old');
    expect(reseal(ring, resealed as string)).toBeNull();
  });

  it('detects tampering and unknown keys', () => {
    const sealed = seal(ring, 'key_live_abc');
    const parts = sealed.split(':');
    parts[5] = Buffer.from('x'.repeat(12)).toString('base64url');
    expect(() => open(ring, parts.join(':'))).toThrow(SecretBoxError);
    expect(() => open(parseKeyRing(`other:${key(9)}`), sealed)).toThrow(/unknown key id "new"/);
  });

  it('rejects a malformed key ring', () => {
    expect(() => parseKeyRing('')).toThrow(/empty/);
    expect(() => parseKeyRing(`a:${Buffer.alloc(16).toString('base64')}`)).toThrow(/32 bytes/);
    expect(() => parseKeyRing(`a:${key(1)},a:${key(2)}`)).toThrow(/twice/);
  });
});
