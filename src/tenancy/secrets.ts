import { createHash } from 'crypto';
import { errors } from '@strapi/utils';
import { isSealed, open, parseKeyRing, seal, type KeyRing } from '../domain/secret-box';
import { COMPANY_SECRET_FIELDS } from './model';

/**
 * Company secrets (the Retell API key) are sealed with AES-256-GCM before they reach the
 * database, and shown to nobody: reads get `SECRET_MASK` when a value is set. Writing the mask
 * back keeps the stored value; an empty value clears it; anything else replaces it.
 *
 * Key ring from SECRETS_KEYRING (`id:base64key,...`, first encrypts). Outside production a
 * development ring derived from a fixed string is used, loudly insecure.
 */
export const SECRET_MASK = '••••••••';

let ring: KeyRing | null = null;

export const keyRing = (): KeyRing => {
  if (ring) return ring;
  const spec = process.env.SECRETS_KEYRING;
  if (spec && spec.trim()) {
    ring = parseKeyRing(spec);
  } else if (process.env.NODE_ENV === 'production') {
    throw new Error('Missing required environment variable SECRETS_KEYRING (NODE_ENV=production). See .env.example.');
  } else {
    const devKey = createHash('sha256').update('frontdesk-insecure-development-key').digest('base64');
    ring = parseKeyRing(`dev:${devKey}`);
  }
  return ring;
};

/** For tests and `keys:rotate`: forget the parsed ring so that the environment is read again. */
export const resetKeyRing = () => {
  ring = null;
};

/** Prepares company data for storage: seals new secrets, keeps masked ones, clears empty ones. */
export const sealSecretFields = (data: Record<string, unknown> | undefined) => {
  if (!data) return;
  for (const field of COMPANY_SECRET_FIELDS) {
    if (!(field in data)) continue;
    const value = data[field];
    if (value === SECRET_MASK || value === undefined) {
      delete data[field];
    } else if (value === null || value === '') {
      data[field] = null;
    } else if (typeof value !== 'string') {
      throw new errors.ValidationError(`${field} must be a string`);
    } else if (isSealed(value)) {
      open(keyRing(), value); // only a value sealed with one of our keys may be stored as is
    } else {
      data[field] = seal(keyRing(), (value as string).trim());
    }
  }
};

const maskObject = (value: Record<string, unknown>) => {
  for (const field of COMPANY_SECRET_FIELDS) {
    if (typeof value[field] === 'string' && value[field] !== '') value[field] = SECRET_MASK;
  }
};

/** Replaces every secret in a result (documents, arrays, populated relations) with the mask. */
export const maskSecrets = <T>(result: T, depth = 0): T => {
  if (!result || typeof result !== 'object' || depth > 6) return result;
  if (Array.isArray(result)) {
    result.forEach((item) => maskSecrets(item, depth + 1));
    return result;
  }
  const object = result as Record<string, unknown>;
  maskObject(object);
  for (const value of Object.values(object)) {
    if (value && typeof value === 'object') maskSecrets(value, depth + 1);
  }
  return result;
};

export const openSecret = (value: string | null | undefined): string | null =>
  value ? (isSealed(value) ? open(keyRing(), value) : null) : null;
