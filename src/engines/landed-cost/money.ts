// Integer money helpers. All amounts are integer minor units (safe integers); rates are exact
// rationals (numerator/denominator), so no float ever touches a money figure.
import currencyCodes from 'currency-codes';
import { LandedCostInputError } from './errors.ts';

export type RoundingMode = 'half-up' | 'down';

const exponentCache = new Map<string, number>();

/** Minor-unit exponent from the ISO 4217 list in `currency-codes` (e.g. EUR 2, JPY 0). */
export function minorUnitExponent(currency: string, field = 'currency'): number {
  let e = exponentCache.get(currency);
  if (e === undefined) {
    const entry = typeof currency === 'string' ? currencyCodes.code(currency) : undefined;
    if (!entry) throw new LandedCostInputError(field, `unknown ISO 4217 currency "${currency}"`);
    e = entry.digits;
    exponentCache.set(currency, e);
  }
  return e;
}

export function assertMinorUnits(value: unknown, field: string, max = 1e13): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new LandedCostInputError(field, 'must be an integer amount in minor units');
  }
  if (value < 0) throw new LandedCostInputError(field, 'must not be negative');
  if (value > max) throw new LandedCostInputError(field, `absurd amount (> ${max} minor units)`);
  return value;
}

/** round(a * num / den) with the given mode; a, num, den >= 0, den > 0. Exact. */
export function mulDivRound(a: number, num: number, den: number, mode: RoundingMode): number {
  const p = a * num;
  if (Number.isSafeInteger(p)) {
    let q = Math.floor(p / den);
    let r = p - q * den;
    if (r < 0) { q -= 1; r += den; } else if (r >= den) { q += 1; r -= den; }
    if (mode === 'half-up' && r * 2 >= den) q += 1;
    return q;
  }
  const bp = BigInt(a) * BigInt(num);
  const bd = BigInt(den);
  let q = bp / bd;
  const r = bp - q * bd;
  if (mode === 'half-up' && r * 2n >= bd) q += 1n;
  const out = Number(q);
  if (!Number.isSafeInteger(out)) throw new LandedCostInputError('amount', 'result exceeds safe integer range');
  return out;
}

/** Round an amount (minor units) to a multiple of `step` minor units. */
export function roundToStep(amount: number, step: number, mode: RoundingMode): number {
  if (step === 1) return amount;
  return mulDivRound(amount, 1, step, mode) * step;
}

/** A decimal string or number as an exact rational {num, den} with den a power of ten. */
export interface Decimal { num: number; den: number }

export function parseDecimal(value: string | number, field: string): Decimal {
  const text = typeof value === 'number' ? String(value) : value.trim().replace(/,/g, '');
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) throw new LandedCostInputError(field, `not a non-negative decimal: "${value}"`);
  const frac = m[2] ?? '';
  const den = 10 ** frac.length;
  const num = Number(m[1] + frac);
  if (!Number.isSafeInteger(num) || frac.length > 9) throw new LandedCostInputError(field, `too many digits: "${value}"`);
  return { num, den };
}

/** Decimal amount in major units ("135", "0.91") -> integer minor units of `currency`. */
export function majorToMinor(value: string | number, currency: string, field: string): number {
  const d = parseDecimal(value, field);
  const e = minorUnitExponent(currency, field);
  const scaled = mulDivRound(d.num, 10 ** e, d.den, 'half-up');
  if (scaled * d.den !== d.num * 10 ** e) throw new LandedCostInputError(field, `${value} has more decimals than ${currency} allows`);
  return scaled;
}

/** Percent as parts per 10^8 of the base (so 0.3464% and 8.1% are exact integers). */
export const PCT_DEN = 100_000_000;
export function percentToParts(value: string | number, field: string): number {
  const d = parseDecimal(value, field);
  return mulDivRound(d.num, PCT_DEN / 100, d.den, 'half-up');
}

export function formatPercent(parts: number): string {
  return `${+(parts / (PCT_DEN / 100)).toFixed(6)}%`;
}
