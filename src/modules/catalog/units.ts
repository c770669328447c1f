// Weights and dimensions as sellers type them ("1.2 kg", "5 in") normalised to whole grams and
// millimetres. Exact decimal arithmetic with BigInt, rounded half up to the unit at the end,
// so 1 lb is always 454 g (453.59237 g) and 1 in is 25 mm (25.4 mm) — never a float drift.

export const WEIGHT_UNITS = ['g', 'kg', 'lb', 'oz'] as const;
export const LENGTH_UNITS = ['mm', 'cm', 'in'] as const;
export type WeightUnit = (typeof WEIGHT_UNITS)[number];
export type LengthUnit = (typeof LENGTH_UNITS)[number];

// factor = numerator / denominator (exact; international avoirdupois pound and inch definitions)
const WEIGHT_FACTOR: Record<WeightUnit, [bigint, bigint]> = {
  g: [1n, 1n], kg: [1000n, 1n], lb: [45359237n, 100000n], oz: [28349523125n, 1000000000n],
};
const LENGTH_FACTOR: Record<LengthUnit, [bigint, bigint]> = { mm: [1n, 1n], cm: [10n, 1n], in: [254n, 10n] };

/** Limits of a sellable SKU: above these a figure is a typing error, not a product. */
export const MAX_WEIGHT_GRAMS = 30_000_000; // 30 t
export const MAX_SIDE_MM = 20_000; // 20 m

export class UnitError extends Error {}

function parseDecimal(value: number | string): { num: bigint; scale: bigint } {
  const s = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : 'NaN') : value.trim().replace(',', '.');
  const m = /^(\d+)(?:\.(\d+))?$/.exec(s);
  if (!m) {
    if (/^-/.test(s)) throw new UnitError(`must be positive, got "${value}"`);
    throw new UnitError(`"${value}" is not a number`);
  }
  const frac = m[2] ?? '';
  return { num: BigInt(m[1] + frac), scale: 10n ** BigInt(frac.length) };
}

function convert(value: number | string, [n, d]: [bigint, bigint]): number {
  const { num, scale } = parseDecimal(value);
  const numerator = num * n;
  const denominator = scale * d;
  // round half up
  const q = numerator / denominator;
  const r = numerator % denominator;
  return Number(2n * r >= denominator ? q + 1n : q);
}

export function normaliseUnit<T extends string>(unit: string, allowed: readonly T[], what: string): T {
  const u = unit.trim().toLowerCase().replace(/^lbs$/, 'lb').replace(/^inch(es)?$/, 'in');
  if (!(allowed as readonly string[]).includes(u)) throw new UnitError(`unknown ${what} unit "${unit}"; use one of ${allowed.join(', ')}`);
  return u as T;
}

/** Weight in whole grams (half up). Zero, negative, unknown units and > 30 t are errors. */
export function toGrams(value: number | string, unit: string): number {
  const u = normaliseUnit(unit, WEIGHT_UNITS, 'weight');
  const g = convert(value, WEIGHT_FACTOR[u]);
  if (g <= 0) throw new UnitError(`weight ${value} ${u} is less than one gram`);
  if (g > MAX_WEIGHT_GRAMS) throw new UnitError(`weight ${value} ${u} is more than 30 t`);
  return g;
}

/** Length in whole millimetres (half up). Zero, negative, unknown units and > 20 m are errors. */
export function toMillimetres(value: number | string, unit: string): number {
  const u = normaliseUnit(unit, LENGTH_UNITS, 'length');
  const mm = convert(value, LENGTH_FACTOR[u]);
  if (mm <= 0) throw new UnitError(`length ${value} ${u} is less than one millimetre`);
  if (mm > MAX_SIDE_MM) throw new UnitError(`length ${value} ${u} is more than 20 m`);
  return mm;
}
