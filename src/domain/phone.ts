import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/**
 * Phone numbers in E.164, the key customers are found by. Numbers without a country code are
 * read in the company's country (from its own number), Germany by default.
 */
export const countryOf = (companyNumber: string | null | undefined): CountryCode => {
  const parsed = companyNumber ? parsePhoneNumberFromString(companyNumber) : undefined;
  return parsed?.country ?? 'DE';
};

export const toE164 = (
  raw: string | null | undefined,
  defaultCountry: CountryCode = 'DE'
): string | null => {
  if (!raw || typeof raw !== 'string') return null;
  const parsed = parsePhoneNumberFromString(raw.trim(), defaultCountry);
  return parsed && parsed.isPossible() ? parsed.number : null;
};

/** A number as people read it ("+49 30 12345678"); what cannot be read, as it is. */
export const displayPhone = (e164: string): string =>
  (e164.length <= 32 ? parsePhoneNumberFromString(e164)?.formatInternational() : null) ?? e164;
