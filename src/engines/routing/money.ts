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
 * ONE MAJOR unit of CUR (e.g. { EUR: 1.08 } when the objective currency is USD). Rates are used to
 * 8 decimal places.
 */
export interface FxTable {
  objectiveCurrency: string;
  rates: Record<string, number>;
}

const RATE_SCALE = 100_000_000n; // rates are taken to 8 decimals

/**
 * Convert minor units of `currency` into minor units of the objective currency.
 * Exact integer arithmetic (BigInt) on the rate scaled to 8 decimals; one rounding at the end,
 * half away from zero, to the objective currency's minor unit. Undefined when no rate is known.
 */
export function convertMinor(amountMinor: number, currency: string, fx: FxTable): number | undefined {
  if (currency === fx.objectiveCurrency) return amountMinor;
  const rate = fx.rates[currency];
  if (rate === undefined || !(rate > 0) || !Number.isFinite(rate)) return undefined;
  const scaledRate = BigInt(Math.round(rate * 1e8));
  const fromExp = BigInt(minorUnitExponent(currency));
  const toExp = BigInt(minorUnitExponent(fx.objectiveCurrency));
  const numerator = BigInt(assertSafeMinor(amountMinor, 'amount to convert')) * scaledRate * 10n ** toExp;
  const denominator = RATE_SCALE * 10n ** fromExp;
  const negative = numerator < 0n;
  const abs = negative ? -numerator : numerator;
  const q = abs / denominator;
  const rounded = 2n * (abs - q * denominator) >= denominator ? q + 1n : q;
  return assertSafeMinor(Number(negative ? -rounded : rounded), 'converted amount');
}
