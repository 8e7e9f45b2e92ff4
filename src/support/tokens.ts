import { createHash, timingSafeEqual } from 'crypto';

/** `Authorization: Bearer <token>` compared in constant time (of the hashes, so lengths leak nothing either). */
export const bearerMatches = (header: string | undefined, token: string) => {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(header ?? ''), digest(`Bearer ${token}`));
};
