import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MoneyError, divideMinor, formatMoney, minorUnitDigits, parseMoney } from './index';

describe('parseMoney', () => {
  it('uses ISO 4217 exponents from currency-codes', () => {
    expect([minorUnitDigits('USD'), minorUnitDigits('JPY'), minorUnitDigits('KWD')]).toEqual([2, 0, 3]);
    expect(parseMoney('1.005', 'KWD')).toBe(1005);
    expect(parseMoney('100', 'JPY')).toBe(100);
    expect(parseMoney('100.00', 'JPY')).toBe(100);
    expect(parseMoney('-2.00', 'GBP')).toBe(-200);
    expect(parseMoney('.5', 'EUR')).toBe(50);
  });
  it('is exact where floats are not (0.1 + 0.2, 1.005 × 100)', () => {
    expect(parseMoney('0.10', 'USD') + parseMoney('0.20', 'USD')).toBe(30);
    expect(1.005 * 100).not.toBe(100.5); // the float trap this parser avoids
    expect(parseMoney('1.005', 'KWD')).toBe(1005);
  });
  it('refuses extra precision, junk and unknown currencies', () => {
    expect(() => parseMoney('25.99', 'JPY')).toThrow(MoneyError);
    expect(() => parseMoney('1.001', 'USD')).toThrow(/more decimals/);
    expect(() => parseMoney('1,00', 'EUR')).toThrow(MoneyError);
    expect(() => parseMoney('1e3', 'USD')).toThrow(MoneyError);
    expect(() => parseMoney('1', 'XXY')).toThrow(/unknown ISO 4217/);
    expect(() => parseMoney('99999999999999999', 'USD')).toThrow(/safe integer/);
  });
  it('round-trips formatMoney for any safe amount (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e13, max: 1e13 }), fc.constantFrom('USD', 'JPY', 'KWD', 'EUR', 'CLF'), (minor, currency) => {
        expect(parseMoney(formatMoney(minor, currency), currency)).toBe(minor);
      }),
    );
  });
});

describe('divideMinor (half-even when not divisible)', () => {
  it('exact and rounded cases', () => {
    expect(divideMinor(600, 2)).toEqual({ value: 300, exact: true });
    expect(divideMinor(1000, 3)).toEqual({ value: 333, exact: false });
    expect(divideMinor(5, 2)).toEqual({ value: 2, exact: false }); // 2.5 → 2 (even)
    expect(divideMinor(7, 2)).toEqual({ value: 4, exact: false }); // 3.5 → 4 (even)
    expect(divideMinor(-7, 2)).toEqual({ value: -4, exact: false });
  });
  it('never off by more than half a unit (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: 1, max: 1000 }), (total, q) => {
        const { value, exact } = divideMinor(total, q);
        expect(Math.abs(value * q - total) * 2).toBeLessThanOrEqual(q);
        expect(exact).toBe(total % q === 0);
      }),
    );
  });
});
