import { currencyExponent, minorToDecimalString } from '../../shell/format';

/** "12.34" in a currency → 1234 minor units, exactly (no floats); null when it is not a decimal with at most the currency's digits. */
export function decimalToMinor(value: string, currency: string): number | null {
  const e = currencyExponent(currency);
  const m = /^(\d+)(?:[.,](\d+))?$/.exec(value.trim());
  if (e === null || !m) return null;
  const fraction = (m[2] ?? '').replace(/0+$/, '');
  if (fraction.length > e) return null;
  const minor = Number(m[1] + fraction.padEnd(e, '0'));
  return Number.isSafeInteger(minor) ? minor : null;
}

export function minorToInput(minor: number, currency: string): string {
  const e = currencyExponent(currency);
  return e === null ? String(minor) : minorToDecimalString(minor, e);
}
