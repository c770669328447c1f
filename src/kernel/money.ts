import cc from 'currency-codes';
import { badRequest } from './errors.ts';

/** Money is integer minor units with an ISO 4217 currency; the exponent comes from the currency-codes package. */
export interface Money {
  amount: number; // integer minor units
  currency: string; // ISO 4217
}

const exponentCache = new Map<string, number>();

export function minorUnits(currency: string): number {
  let e = exponentCache.get(currency);
  if (e === undefined) {
    const entry = cc.code(currency);
    if (!entry) throw badRequest(`Unknown ISO 4217 currency "${currency}"`, 'currency');
    e = entry.digits;
    exponentCache.set(currency, e);
  }
  return e;
}

export function isCurrency(code: string): boolean {
  return typeof code === 'string' && /^[A-Z]{3}$/.test(code) && !!cc.code(code);
}

export function assertMinor(amount: number, field = 'amount'): number {
  if (!Number.isSafeInteger(amount)) throw badRequest(`${field} must be an integer number of minor units`, field);
  return amount;
}

/** Parse an exact decimal string ("12.34") into minor units; rejects more decimals than the currency has. */
export function parseDecimal(value: string, currency: string, field = 'amount'): number {
  const e = minorUnits(currency);
  const m = /^(-)?(\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (!m) throw badRequest(`${field} "${value}" is not a decimal number`, field);
  const frac = (m[3] ?? '').replace(/0+$/, '');
  if (frac.length > e) throw badRequest(`${field} "${value}" has more decimals than ${currency} allows (${e})`, field);
  const minor = Number(m[2] + frac.padEnd(e, '0'));
  return assertMinor(m[1] ? -minor : minor, field);
}

export function formatDecimal(amount: number, currency: string): string {
  const e = minorUnits(currency);
  const sign = amount < 0 ? '-' : '';
  const abs = Math.abs(amount).toString().padStart(e + 1, '0');
  return e === 0 ? sign + abs : `${sign}${abs.slice(0, -e)}.${abs.slice(-e)}`;
}
