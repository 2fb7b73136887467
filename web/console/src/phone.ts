/**
 * Mobile numbers for SMS, with libphonenumber-js's mobile metadata (a number that is valid but
 * not a mobile one cannot take an SMS). Loaded on demand: only the send page needs it.
 */
import {
  type CountryCode,
  getCountries,
  getCountryCallingCode,
  parsePhoneNumberFromString,
} from 'libphonenumber-js/mobile';

export type { CountryCode };

const names = new Intl.DisplayNames(['en'], { type: 'region' });

/** Every country with its calling code, by name: `Portugal (+351)`. */
export const COUNTRIES = getCountries()
  .map((code) => ({ code, label: `${names.of(code) ?? code} (+${getCountryCallingCode(code)})` }))
  .sort((a, b) => a.label.localeCompare(b.label));

/** E.164 for a mobile number typed with or without its +country code, or the problem. */
export function toE164(
  typed: string,
  country: CountryCode,
): { ok: true; e164: string; display: string } | { ok: false; message: string } {
  const value = typed.trim();
  if (value === '') return { ok: false, message: 'Enter the mobile number.' };
  const phone = parsePhoneNumberFromString(value, country);
  if (!phone?.isValid())
    return {
      ok: false,
      message: `That is not a valid mobile number for ${names.of(phone?.country ?? country) ?? country}.`,
    };
  return { ok: true, e164: phone.number, display: phone.formatInternational() };
}

/** A sensible first guess for the country list: the browser's region, or the US. */
export function defaultCountry(): CountryCode {
  const region = new Intl.Locale(navigator.language).maximize().region as CountryCode | undefined;
  return region && COUNTRIES.some((c) => c.code === region) ? region : 'US';
}
