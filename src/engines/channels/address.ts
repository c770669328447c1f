// Address validation helpers: ISO 3166-1 country, postcode pattern per country, E.164 phone.
// Postcode patterns are data (data/address/postcodes.json) passed in by the caller.
import countries from 'i18n-iso-countries';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min';

/** True for an assigned ISO 3166-1 alpha-2 code (upper case). */
export function isIsoCountry(code: string): boolean {
  return /^[A-Z]{2}$/.test(code) && countries.isValid(code);
}

/**
 * Normalise what channels send as a country (alpha-2 in any case, alpha-3, or an English name
 * such as Shopify's "United States") to ISO 3166-1 alpha-2; null when unknown.
 */
export function normaliseCountry(value: string | null | undefined): string | null {
  if (!value) return null;
  const text = value.trim();
  if (/^[A-Za-z]{2}$/.test(text)) return isIsoCountry(text.toUpperCase()) ? text.toUpperCase() : null;
  if (/^[A-Za-z]{3}$/.test(text)) return countries.alpha3ToAlpha2(text.toUpperCase()) ?? null;
  return countries.getAlpha2Code(text, 'en') ?? null;
}

export interface PostcodeRule {
  /** Anchored regular expression source, matched against the normalised postcode (upper case, single spaces). */
  pattern: string;
  example: string;
}

export interface PostcodeTable {
  source: string;
  as_of: string;
  countries: Record<string, PostcodeRule>;
  /** Countries known to have no postcode system (a postcode there is not an error, just unused). */
  no_postcode: string[];
}

export type PostcodeCheck =
  | { ok: true; normalised: string }
  | { ok: false; reason: 'unknown_country' | 'no_rule' | 'missing' | 'pattern_mismatch'; expected?: string };

/** Upper-case and collapse whitespace; patterns are written against this form. */
export function normalisePostcode(postcode: string): string {
  return postcode.trim().toUpperCase().replace(/\s+/g, ' ');
}

/** Check a postcode against the table. `no_rule` means "we cannot judge", not "invalid". */
export function checkPostcode(country: string, postcode: string | null | undefined, table: PostcodeTable): PostcodeCheck {
  if (!isIsoCountry(country)) return { ok: false, reason: 'unknown_country' };
  if (table.no_postcode.includes(country)) return { ok: true, normalised: postcode ? normalisePostcode(postcode) : '' };
  const rule = table.countries[country];
  if (!rule) return { ok: false, reason: 'no_rule' };
  if (!postcode || postcode.trim() === '') return { ok: false, reason: 'missing', expected: rule.example };
  const normalised = normalisePostcode(postcode);
  return new RegExp(`^(?:${rule.pattern})$`).test(normalised)
    ? { ok: true, normalised }
    : { ok: false, reason: 'pattern_mismatch', expected: rule.example };
}

export type PhoneResult =
  | { ok: true; e164: string; country: string | undefined; valid: boolean }
  | { ok: false; reason: 'empty' | 'unparseable' | 'not_possible' };

/**
 * Normalise a phone number to E.164 using libphonenumber-js (min metadata).
 * `defaultCountry` (alpha-2) is used for national-format numbers. `valid` is the stricter
 * number-plan check; `ok` only needs a possible length (fake 555 numbers are possible but not valid).
 */
export function normalisePhone(raw: string | null | undefined, defaultCountry?: string): PhoneResult {
  if (!raw || raw.trim() === '') return { ok: false, reason: 'empty' };
  // Drop extensions such as "ext. 73824": E.164 has no extension part.
  const withoutExtension = raw.replace(/\s*(?:ext\.?|x|#)\s*\d+\s*$/i, '');
  const parsed = parsePhoneNumberFromString(
    withoutExtension,
    defaultCountry && isIsoCountry(defaultCountry) ? (defaultCountry as CountryCode) : undefined,
  );
  if (!parsed) return { ok: false, reason: 'unparseable' };
  if (!parsed.isPossible()) return { ok: false, reason: 'not_possible' };
  return { ok: true, e164: parsed.number, country: parsed.country, valid: parsed.isValid() };
}

export interface AddressIssue {
  field: 'country' | 'postcode' | 'phone' | 'line1' | 'city' | 'name';
  code: string;
  message: string;
}

/**
 * Check a normalised ship-to address: ISO country, postcode shape for that country, E.164 phone,
 * and the lines a carrier label cannot do without. Returns [] when nothing is wrong.
 * A `no_rule` postcode result is not an issue (we cannot judge that country).
 */
export function validateAddress(
  address: { name: string; line1: string; city: string; postcode?: string; country: string; phone?: string },
  table: PostcodeTable,
): AddressIssue[] {
  const issues: AddressIssue[] = [];
  if (!address.name.trim()) issues.push({ field: 'name', code: 'required', message: 'recipient name is empty' });
  if (!address.line1.trim()) issues.push({ field: 'line1', code: 'required', message: 'first address line is empty' });
  if (!address.city.trim()) issues.push({ field: 'city', code: 'required', message: 'city is empty' });
  if (!isIsoCountry(address.country)) {
    issues.push({ field: 'country', code: 'not_iso', message: `"${address.country}" is not an ISO 3166-1 alpha-2 code` });
    return issues;
  }
  const postcode = checkPostcode(address.country, address.postcode, table);
  if (!postcode.ok && postcode.reason !== 'no_rule') {
    issues.push({ field: 'postcode', code: postcode.reason, message: `postcode "${address.postcode ?? ''}" does not fit ${address.country} (e.g. ${postcode.expected ?? '?'})` });
  }
  if (address.phone) {
    const phone = normalisePhone(address.phone, address.country);
    if (!phone.ok) issues.push({ field: 'phone', code: phone.reason, message: `phone "${address.phone}" cannot be read as E.164` });
    else if (!phone.valid) issues.push({ field: 'phone', code: 'not_valid', message: `phone ${phone.e164} is possible but not a valid number` });
  }
  return issues;
}
