/**
 * Exact decimal arithmetic for FX conversion and fees, on BigInt. No floats touch money.
 */

/** "7.2345" → { digits: 72345n, scale: 4 }. Rejects anything that is not a plain non-negative decimal. */
export function parseRate(value: string): { digits: bigint; scale: number } {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (!m) throw new Error(`"${value}" is not a non-negative decimal`);
  const frac = m[2] ?? '';
  return { digits: BigInt(m[1] + frac), scale: frac.length };
}

/**
 * Convert minor units of one currency into another at `rate` (quote units per 1 base unit) less a
 * `spread` fraction (e.g. "0.005" = 0.5 %, kept by the platform).
 * Rounding: toward zero (floor for positive amounts), so the platform never pays out a fraction
 * it did not receive; the rounding remainder stays in the fx_position account.
 */
export function convertMinor(amount: number, fromExponent: number, toExponent: number, rate: string, spread = '0'): number {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new Error('amount must be a non-negative safe integer');
  const r = parseRate(rate);
  const s = parseRate(spread);
  if (r.digits === 0n) throw new Error('rate must be positive');
  // factor = rate × (1 − spread); both exact decimals.
  const one = 10n ** BigInt(s.scale);
  if (s.digits >= one) throw new Error('spread must be below 1');
  let numerator = BigInt(amount) * r.digits * (one - s.digits);
  let denominator = 10n ** BigInt(r.scale) * one;
  const shift = toExponent - fromExponent;
  if (shift >= 0) numerator *= 10n ** BigInt(shift);
  else denominator *= 10n ** BigInt(-shift);
  const out = numerator / denominator; // BigInt division truncates toward zero
  const n = Number(out);
  if (!Number.isSafeInteger(n)) throw new Error('converted amount exceeds the safe integer range');
  return n;
}

/**
 * amount × basisPoints / 10 000, rounded half up (commission in the platform's favour at exactly
 * half a minor unit, and never more than that).
 */
export function applyBasisPoints(amount: number, basisPoints: number): number {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new Error('amount must be a non-negative safe integer');
  if (!Number.isInteger(basisPoints) || basisPoints < 0 || basisPoints > 10_000) throw new Error('basis points must be 0…10000');
  const product = BigInt(amount) * BigInt(basisPoints);
  return Number((product + 5_000n) / 10_000n);
}
