import { errors } from '@strapi/utils';
import {
  isSealed,
  open,
  parseKeyRing,
  seal,
  SEALED_PREFIX,
  type KeyRing,
} from '../domain/secret-box';
import { COMPANY_SECRET_FIELDS } from './model';

/**
 * Company secrets (the Retell API key) are sealed with AES-256-GCM before they reach the
 * database, and shown to nobody: reads get `SECRET_MASK` when a value is set. Writing the mask
 * back keeps the stored value; an empty value clears it; anything else replaces it.
 *
 * Key ring from SECRETS_KEYRING (`id:base64key,...`, first encrypts); required — there is no
 * built-in development key.
 */
export const SECRET_MASK = '••••••••';

let ring: KeyRing | null = null;

export const keyRing = (): KeyRing => {
  if (ring) return ring;
  const spec = process.env.SECRETS_KEYRING;
  if (!spec || !spec.trim()) {
    throw new Error(
      'Missing required environment variable SECRETS_KEYRING. Run `node scripts/setup-env.js` for a .env with random secrets, or see .env.example.'
    );
  }
  ring = parseKeyRing(spec);
  return ring;
};

/** Where a company's secret belongs: the associated data it is sealed with. */
export const secretContext = (companyDocumentId: string, field: string) =>
  `company:${companyDocumentId}:${field}`;

/**
 * Prepares company data for storage: seals new secrets (bound to this company and field), keeps
 * masked ones, clears empty ones. A value that already looks sealed is stored only if it opens
 * for this very company and field.
 */
export const sealSecretFields = (
  data: Record<string, unknown> | undefined,
  companyDocumentId: string
) => {
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
      // A v1 value carries no company: it could have been copied from any row. Only v2 values
      // (bound to this company and field) may be written back as they are.
      if (!value.startsWith(SEALED_PREFIX))
        throw new errors.ValidationError(`${field}: this sealed value does not belong here`);
      try {
        open(keyRing(), value, secretContext(companyDocumentId, field));
      } catch {
        throw new errors.ValidationError(`${field}: this sealed value does not belong here`);
      }
    } else {
      data[field] = seal(
        keyRing(),
        (value as string).trim(),
        secretContext(companyDocumentId, field)
      );
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

export const openSecret = (
  value: string | null | undefined,
  companyDocumentId: string,
  field: string
): string | null =>
  value
    ? isSealed(value)
      ? open(keyRing(), value, secretContext(companyDocumentId, field))
      : null
    : null;
