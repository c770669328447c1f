import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toGrams, toMillimetres, UnitError } from './units.ts';

describe('unit normalisation', () => {
  it('converts exactly and rounds half up', () => {
    expect(toGrams(1, 'lb')).toBe(454); // 453.59237
    expect(toGrams('16', 'oz')).toBe(454); // 453.592…
    expect(toGrams('1.2', 'kg')).toBe(1200);
    expect(toGrams('0.5', 'g')).toBe(1);
    expect(toGrams('2,5', 'KG')).toBe(2500);
    expect(toMillimetres('5', 'in')).toBe(127);
    expect(toMillimetres(1, 'in')).toBe(25); // 25.4
    expect(toMillimetres('12.5', 'cm')).toBe(125);
    expect(toMillimetres('0.05', 'cm')).toBe(1); // 0.5 mm rounds up
  });
  it('rejects impossible units and values', () => {
    expect(() => toGrams(1, 'stone')).toThrow(UnitError);
    expect(() => toGrams(-1, 'kg')).toThrow(/positive/);
    expect(() => toGrams(0, 'kg')).toThrow(/less than one gram/);
    expect(() => toGrams('0.4', 'g')).toThrow(/less than one gram/);
    expect(() => toGrams('abc', 'g')).toThrow(/not a number/);
    expect(() => toGrams(Number.NaN, 'g')).toThrow(/not a number/);
    expect(() => toGrams(31, 't' as any)).toThrow(/unknown weight unit/);
    expect(() => toGrams(40000, 'kg')).toThrow(/30 t/);
    expect(() => toMillimetres(3, 'm')).toThrow(/unknown length unit/);
    expect(() => toMillimetres(25, 'm' as any)).toThrow(UnitError);
    expect(() => toMillimetres(2001, 'cm')).toThrow(/20 m/);
  });
  it('property: conversions are within half a unit of the exact value and monotonic', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 5_000_000 }), fc.integer({ min: 0, max: 3 }), (n, decimals) => {
      const value = (n / 10 ** decimals).toFixed(decimals);
      for (const [unit, exact] of [['lb', 453.59237], ['oz', 28.349523125], ['kg', 1000], ['g', 1]] as const) {
        const want = Number(value) * exact;
        if (want < 0.5 || want > 30_000_000) continue;
        const g = toGrams(value, unit);
        expect(Math.abs(g - want)).toBeLessThanOrEqual(0.5 + 1e-6);
        if (want * 2 <= 30_000_000) expect(toGrams((Number(value) * 2).toFixed(decimals), unit)).toBeGreaterThanOrEqual(g);
      }
    }), { numRuns: 300 });
  });
});
