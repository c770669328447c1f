/** Console formats: money from integer minor units (exact, ISO 4217 exponents), dates via Intl. */
import { describe, expect, it } from 'vitest';
import { currencyExponent, formatDateTime, formatMoney, minorToDecimalString } from '../../web/src/shell/format.ts';

const clean = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

describe('money', () => {
  it('takes exponents from ISO 4217 (currency-codes)', () => {
    expect(currencyExponent('EUR')).toBe(2);
    expect(currencyExponent('JPY')).toBe(0);
    expect(currencyExponent('BHD')).toBe(3);
    expect(currencyExponent('XXZ')).toBeNull();
  });

  it('turns minor units into an exact decimal string', () => {
    expect(minorToDecimalString(12345, 2)).toBe('123.45');
    expect(minorToDecimalString(5, 2)).toBe('0.05');
    expect(minorToDecimalString(-5, 3)).toBe('-0.005');
    expect(minorToDecimalString(1200, 0)).toBe('1200');
    expect(minorToDecimalString(9007199254740993n, 2)).toBe('90071992547409.93');
    expect(() => minorToDecimalString(1.5, 2)).toThrow(RangeError);
  });

  it('formats in the viewer language with the currency exponent', () => {
    expect(clean(formatMoney(123456, 'EUR', 'en-GB'))).toBe('€1,234.56');
    expect(clean(formatMoney(123456, 'EUR', 'de-DE'))).toBe('1.234,56 €');
    expect(clean(formatMoney(123456, 'JPY', 'en-US'))).toBe('¥123,456');
    expect(clean(formatMoney(1234567, 'BHD', 'en-US'))).toBe('BHD 1,234.567');
    expect(clean(formatMoney(99900, 'CNY', 'zh-CN'))).toBe('¥999.00');
  });

  it('keeps amounts beyond 2^53 exact (bigint, no float)', () => {
    expect(clean(formatMoney(9007199254740993n, 'USD', 'en-US'))).toBe('$90,071,992,547,409.93');
  });

  it('shows unknown currencies raw instead of guessing', () => {
    expect(formatMoney(100, 'XXZ', 'en')).toBe('100 XXZ');
  });
});

describe('dates', () => {
  it('formats in the given zone and language', () => {
    const at = '2026-03-01T23:30:00Z';
    expect(clean(formatDateTime(at, 'en-GB', 'datetime', 'UTC'))).toBe('1 Mar 2026, 23:30');
    expect(clean(formatDateTime(at, 'en-GB', 'date', 'Asia/Shanghai'))).toBe('2 Mar 2026');
    expect(formatDateTime(at, 'zh-CN', 'date', 'Asia/Shanghai')).toBe('2026年3月2日');
    expect(formatDateTime('not a date', 'en')).toBe('not a date');
  });
});
