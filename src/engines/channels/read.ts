// Small helpers shared by the channel adapters: safe field access and an issue collector
// that turns thrown MoneyErrors into per-field errors.
import type { AdapterResult, ChannelAddress, Issue } from './model';
import { MoneyError, parseMoney } from './money';
import { normaliseCountry, normalisePhone } from './address';
import { toUtcIso } from './time';

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function obj(value: unknown): Json {
  return isObject(value) ? value : {};
}

export function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** String or '' (numbers are stringified, null/undefined/objects become ''). */
export function str(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return '';
}

/** Non-empty trimmed string or undefined (for optional model fields). */
export function opt(value: unknown): string | undefined {
  const s = str(value).trim();
  return s === '' ? undefined : s;
}

/** Decode the HTML entities WooCommerce and USPS put in product/service names. */
export function decodeEntities(text: string): string {
  const named: Record<string, string> = {
    amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', ndash: '\u2013', mdash: '\u2014',
    times: '\u00d7', reg: '\u00ae', trade: '\u2122', copy: '\u00a9', hellip: '\u2026',
  };
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, body: string) => {
    if (body[0] === '#') {
      const cp = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return Number.isFinite(cp) && cp <= 0x10ffff ? String.fromCodePoint(cp) : whole;
    }
    return named[body.toLowerCase()] ?? whole;
  });
}

export class Collector {
  readonly errors: Issue[] = [];
  readonly warnings: Issue[] = [];

  error(path: string, code: string, message: string): void {
    this.errors.push({ path, code, message });
  }

  warn(path: string, code: string, message: string): void {
    this.warnings.push({ path, code, message });
  }

  /** Parse money or record an error (returns 0 so mapping can continue and report every problem). */
  money(path: string, amount: unknown, currency: string, required = true): number {
    if (amount === undefined || amount === null || amount === '') {
      if (required) this.error(path, 'missing_amount', 'amount is missing');
      return 0;
    }
    if (typeof amount !== 'string' && typeof amount !== 'number') {
      this.error(path, 'bad_amount', `amount has type ${typeof amount}`);
      return 0;
    }
    try {
      return parseMoney(amount, currency);
    } catch (e) {
      if (e instanceof MoneyError) {
        this.error(path, e.code, e.message);
        return 0;
      }
      throw e;
    }
  }

  time(path: string, value: unknown, naiveIsUtc = false): string {
    const iso = toUtcIso(value, naiveIsUtc);
    if (!iso) {
      this.error(path, 'bad_timestamp', `cannot read "${str(value)}" as a timestamp with a zone`);
      return '';
    }
    return iso;
  }

  country(path: string, value: unknown): string {
    const code = normaliseCountry(str(value));
    if (!code) this.error(path, 'bad_country', `"${str(value)}" is not an ISO 3166-1 country`);
    return code ?? '';
  }

  /** E.164 when possible, else the channel's text verbatim plus a warning. */
  phone(path: string, value: unknown, defaultCountry?: string): string | undefined {
    const raw = opt(value);
    if (!raw) return undefined;
    const result = normalisePhone(raw, defaultCountry);
    if (result.ok) return result.e164;
    this.warn(path, 'phone_not_e164', `phone "${raw}" kept verbatim (${result.reason})`);
    return raw;
  }

  address(path: string, fields: Omit<ChannelAddress, 'country' | 'phone'> & { country: unknown; phone?: unknown }): ChannelAddress {
    const country = this.country(`${path}.country`, fields.country);
    const address: ChannelAddress = { name: fields.name, line1: fields.line1, city: fields.city, country };
    if (fields.company) address.company = fields.company;
    if (fields.line2) address.line2 = fields.line2;
    if (fields.region) address.region = fields.region;
    if (fields.postcode) address.postcode = fields.postcode;
    const phone = this.phone(`${path}.phone`, fields.phone, country || undefined);
    if (phone) address.phone = phone;
    if (!address.line1) this.warn(`${path}.line1`, 'missing_line1', 'address has no first line');
    return address;
  }

  result<T>(value: T): AdapterResult<T> {
    return this.errors.length > 0
      ? { ok: false, errors: this.errors, warnings: this.warnings }
      : { ok: true, value, warnings: this.warnings };
  }
}

/** Warn when subtotal + shipping + tax − discount ≠ total (tax left out when prices include it). */
export function checkTotals(
  c: Collector,
  totals: { subtotal: number; shipping: number; tax: number; discount: number; total: number },
  taxesIncluded: boolean,
): void {
  const expected = totals.subtotal + totals.shipping - totals.discount + (taxesIncluded ? 0 : totals.tax);
  if (expected !== totals.total) {
    c.warn('totals', 'totals_mismatch', `subtotal+shipping${taxesIncluded ? '' : '+tax'}-discount = ${expected} but total = ${totals.total} (minor units)`);
  }
}
