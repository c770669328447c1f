import cc from 'currency-codes';

/**
 * Formatting through Intl in the viewer's language and time zone. Money arrives as integer minor
 * units with an ISO 4217 code; the exponent comes from the currency-codes package (as on the
 * server) and the decimal is built as an exact string, so no float ever touches an amount.
 */
const exponents = new Map<string, number>();

export function currencyExponent(currency: string): number | null {
  const code = currency.toUpperCase();
  let e = exponents.get(code);
  if (e === undefined) {
    const entry = cc.code(code);
    if (!entry) return null;
    e = entry.digits;
    exponents.set(code, e);
  }
  return e;
}

/** 12345, "EUR" → "123.45" (exact; minor may be a number or bigint). */
export function minorToDecimalString(minor: number | bigint, exponent: number): string {
  if (typeof minor === 'number' && !Number.isSafeInteger(minor)) throw new RangeError(`${minor} is not an integer number of minor units`);
  const big = BigInt(minor);
  const negative = big < 0n;
  const digits = (negative ? -big : big).toString().padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = exponent > 0 ? '.' + digits.slice(digits.length - exponent) : '';
  return (negative ? '-' : '') + whole + fraction;
}

const numberFormats = new Map<string, Intl.NumberFormat>();

export function formatMoney(minor: number | bigint, currency: string, locale: string): string {
  const exponent = currencyExponent(currency);
  if (exponent === null) return `${minor} ${currency}`; // unknown code: show the raw value rather than guess
  const key = `${locale}|${currency}|${exponent}`;
  let f = numberFormats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: exponent, maximumFractionDigits: exponent });
    numberFormats.set(key, f);
  }
  // Intl formats a decimal string exactly (ECMA-402 "Intl.NumberFormat v3" string input).
  return f.format(minorToDecimalString(minor, exponent) as unknown as number);
}

export function formatNumber(value: number, locale: string, options?: Intl.NumberFormatOptions): string {
  return new Intl.NumberFormat(locale, options).format(value);
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

export type DateStyle = 'datetime' | 'date' | 'time';

/** A timestamp in the viewer's own time zone. */
export function formatDateTime(value: string | number | Date, locale: string, style: DateStyle = 'datetime', timeZone?: string): string {
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  const key = `${locale}|${style}|${timeZone ?? ''}`;
  let f = dateFormats.get(key);
  if (!f) {
    const opts: Intl.DateTimeFormatOptions =
      style === 'date' ? { dateStyle: 'medium' } : style === 'time' ? { timeStyle: 'short' } : { dateStyle: 'medium', timeStyle: 'short' };
    f = new Intl.DateTimeFormat(locale, { ...opts, timeZone });
    dateFormats.set(key, f);
  }
  return f.format(d);
}

export function formatDuration(ms: number, locale: string): string {
  if (ms < 1000) return new Intl.NumberFormat(locale, { style: 'unit', unit: 'millisecond', unitDisplay: 'short' }).format(ms);
  return new Intl.NumberFormat(locale, { style: 'unit', unit: 'second', unitDisplay: 'short', maximumFractionDigits: 1 }).format(ms / 1000);
}
