import { createPublicKey, createSecretKey, KeyObject } from 'crypto';
import jwt from 'jsonwebtoken';

/**
 * jsonwebtoken 9 turns a key given as a string into a KeyObject on every `verify` — by first
 * trying it as a public key, an OpenSSL parse that fails for every HMAC secret and costs some
 * 40× the verification itself (~0.8 ms of CPU on this machine under load;
 * auth0/node-jsonwebtoken#1046, open). users-permissions (integrators' JWTs, and the rate
 * limiter's identity check) and the admin session manager (staff) both pass their secret as a
 * string, on every request. Here the conversion is done once per key, exactly as the library does
 * it — a public key if the string parses as one, else a secret key — and the KeyObject is passed
 * on. Nothing else changes: algorithms, expiry and every error stay the library's.
 */
const MAX_KEYS = 32;
const keys = new Map<string, KeyObject>();
let installed = false;

const keyObjectOf = (key: string): KeyObject | string => {
  // No key at all: the library refuses to verify (a zero-length secret key would not).
  if (!key) return key;
  const known = keys.get(key);
  if (known) return known;
  let converted: KeyObject;
  try {
    converted = createPublicKey(key);
  } catch {
    try {
      converted = createSecretKey(Buffer.from(key));
    } catch {
      return key; // not key material: the library says so
    }
  }
  if (keys.size >= MAX_KEYS) keys.clear();
  keys.set(key, converted);
  return converted;
};

type Verify = (token: string, key: unknown, ...rest: unknown[]) => unknown;

export const useKeyObjectsForJwt = () => {
  if (installed) return;
  installed = true;
  const library = jwt as unknown as { verify: Verify };
  const verify = library.verify;
  library.verify = (token, key, ...rest) =>
    verify(token, typeof key === 'string' ? keyObjectOf(key) : key, ...rest);
};
