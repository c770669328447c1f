// Integer money helpers. All amounts are integer minor units; every rounding is stated.
import currencyCodes from 'currency-codes';

/** Minor-unit exponent of an ISO 4217 currency, from the `currency-codes` package. */
export function minorUnitExponent(currency: string): number {
  const entry = currencyCodes.code(currency);
  if (!entry) throw new Error(`unknown ISO 4217 currency: ${currency}`);
  return entry.digits;
}

export function assertSafeMinor(amount: number, what: string): number {
  if (!Number.isSafeInteger(amount)) throw new Error(`${what} is not a safe integer amount of minor units: ${amount}`);
  return amount;
}

/** round(numerator / denominator) half-up for non-negative integers (exact integer arithmetic). */
export function divRoundHalfUp(numerator: number, denominator: number): number {
  if (numerator < 0 || denominator <= 0) throw new Error('divRoundHalfUp expects numerator ≥ 0, denominator > 0');
  const q = Math.floor(numerator / denominator);
  const r = numerator - q * denominator;
  return 2 * r >= denominator ? q + 1 : q;
}

/** ceil(numerator / denominator) for non-negative integers. */
export function divCeil(numerator: number, denominator: number): number {
  return Math.floor((numerator + denominator - 1) / denominator);
}

/**
 * Exchange rates into one objective currency: `rates[CUR]` = units of the objective currency per
 * ONE MAJOR unit of CUR (e.g. { EUR: 1.08 } when the objective currency is USD).
 */
export interface FxTable {
  objectiveCurrency: string;
  rates: Record<string, number>;
}

/**
 * Convert minor units of `currency` into minor units of the objective currency.
 * Rounding: half-up to the objective currency's minor unit (single rounding at the end).
 * Returns undefined when no rate is known.
 */
export function convertMinor(amountMinor: number, currency: string, fx: FxTable): number | undefined {
  if (currency === fx.objectiveCurrency) return amountMinor;
  const rate = fx.rates[currency];
  if (rate === undefined || !(rate > 0)) return undefined;
  const fromExp = minorUnitExponent(currency);
  const toExp = minorUnitExponent(fx.objectiveCurrency);
  const value = (amountMinor / 10 ** fromExp) * rate * 10 ** toExp;
  return Math.sign(value) * Math.floor(Math.abs(value) + 0.5);
}
