import { createHmac, timingSafeEqual } from 'crypto';

/**
 * The customer's link to their appointment (`/termin/<token>`): the appointment's row id, the
 * change it was issued for (the invitation's SEQUENCE) and an expiry, signed with HMAC-SHA256.
 * Never the document id, and nothing to guess: without the secret no other token verifies.
 * A token is used up when the appointment has changed since (a newer message carries a newer
 * link); it expires when the appointment ends. Several secrets verify (rotation), the first signs.
 *
 * Form: `<id>.<sequence>.<customer>.<expires>.<mac>`, numbers in base 36, the MAC 22 base64url characters
 * (132 bits). Read without a regular expression, and only up to MAX_LENGTH characters.
 */
export type ManageClaim = {
  appointmentId: number;
  sequence: number;
  /** The customer the link was sent to: the appointment given to another, the link is used up. */
  customerId: number;
  expiresAt: number;
};
export type TokenReading =
  { ok: true; claim: ManageClaim } | { ok: false; problem: 'malformed' | 'forged' | 'expired' };

export const MAX_TOKEN_LENGTH = 80;
const MAC_LENGTH = 22;
const DIGITS = '0123456789abcdefghijklmnopqrstuvwxyz';
const URL_SAFE = `${DIGITS}ABCDEFGHIJKLMNOPQRSTUVWXYZ-_`;

const mac = (secret: string, payload: string) =>
  createHmac('sha256', secret)
    .update(`frontdesk-manage:${payload}`)
    .digest('base64url')
    .slice(0, MAC_LENGTH);

const payloadOf = ({ appointmentId, sequence, customerId, expiresAt }: ManageClaim) =>
  [appointmentId, sequence, customerId, Math.ceil(expiresAt / 1000)]
    .map((n) => n.toString(36))
    .join('.');

export const signManageToken = (claim: ManageClaim, secret: string): string => {
  const payload = payloadOf(claim);
  return `${payload}.${mac(secret, payload)}`;
};

const only = (text: string, alphabet: string) =>
  text.length > 0 && [...text].every((char) => alphabet.includes(char));

const base36 = (text: string) =>
  only(text, DIGITS) && text.length <= 11 ? parseInt(text, 36) : NaN;

export const readManageToken = (
  token: unknown,
  secrets: readonly string[],
  now: number
): TokenReading => {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH)
    return { ok: false, problem: 'malformed' };
  const parts = token.split('.');
  if (parts.length !== 5) return { ok: false, problem: 'malformed' };
  const [id, sequence, customer, expires, signature] = parts;
  const numbers = [id, sequence, customer, expires].map(base36);
  if (
    numbers.some((n) => !Number.isSafeInteger(n)) ||
    signature.length !== MAC_LENGTH ||
    !only(signature, URL_SAFE)
  )
    return { ok: false, problem: 'malformed' };
  const payload = `${id}.${sequence}.${customer}.${expires}`;
  const given = Buffer.from(signature);
  const genuine = secrets.some((secret) =>
    timingSafeEqual(Buffer.from(mac(secret, payload)), given)
  );
  if (!genuine || numbers[0] <= 0) return { ok: false, problem: 'forged' };
  const claim = {
    appointmentId: numbers[0],
    sequence: numbers[1],
    customerId: numbers[2],
    expiresAt: numbers[3] * 1000,
  };
  if (claim.expiresAt <= now) return { ok: false, problem: 'expired' };
  return { ok: true, claim };
};
