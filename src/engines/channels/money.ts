// Exact decimal-string → integer-minor-unit parsing. No floating point arithmetic is used:
// the decimal string is split into digits and scaled by the ISO 4217 exponent.
import { code as currencyByCode } from 'currency-codes';

export class MoneyError extends Error {
  constructor(
    message: string,
    readonly code: 'unknown_currency' | 'bad_amount' | 'too_precise' | 'unsafe_integer',
  ) {
    super(message);
  }
}

/** ISO 4217 minor-unit exponent (JPY 0, USD 2, KWD 3). Throws for codes `currency-codes` does not know. */
export function minorUnitDigits(currency: string): number {
  const record = currencyByCode(currency.toUpperCase());
  if (!record) throw new MoneyError(`unknown ISO 4217 currency "${currency}"`, 'unknown_currency');
  return record.digits;
}

const DECIMAL = /^([+-])?(\d+)(?:\.(\d*))?$|^([+-])?\.(\d+)$/;

/**
 * Parse a decimal amount into integer minor units, exactly.
 * Rounding mode: none — digits beyond the currency's exponent must be zeros, otherwise
 * MoneyError('too_precise') (e.g. "25.99" JPY). Numbers are accepted only as a convenience
 * for channels that send JSON numbers (WooCommerce `price`): they are formatted with
 * `String(n)` (shortest round-trip form) and then parsed as a decimal string.
 */
export function parseMoney(amount: string | number, currency: string): number {
  const digits = minorUnitDigits(currency);
  let text: string;
  if (typeof amount === 'number') {
    if (!Number.isFinite(amount)) throw new MoneyError(`amount ${amount} is not finite`, 'bad_amount');
    text = String(amount);
    if (/e/i.test(text)) throw new MoneyError(`amount ${text} is in exponent form`, 'bad_amount');
  } else {
    text = amount.trim();
  }
  const m = DECIMAL.exec(text);
  if (!m) throw new MoneyError(`"${text}" is not a decimal amount`, 'bad_amount');
  const sign = (m[1] ?? m[4]) === '-' ? -1 : 1;
  const whole = m[2] ?? '0';
  const fraction = m[3] ?? m[5] ?? '';
  const kept = fraction.slice(0, digits).padEnd(digits, '0');
  const dropped = fraction.slice(digits);
  if (/[1-9]/.test(dropped)) {
    throw new MoneyError(`"${text}" has more decimals than ${currency.toUpperCase()} allows (${digits})`, 'too_precise');
  }
  const minor = Number(BigInt(whole + kept));
  if (!Number.isSafeInteger(minor)) throw new MoneyError(`"${text}" exceeds the safe integer range`, 'unsafe_integer');
  return minor === 0 ? 0 : sign * minor;
}

/** Format minor units back to a decimal string (for messages and CSV round trips). */
export function formatMoney(minor: number, currency: string): string {
  const digits = minorUnitDigits(currency);
  const negative = minor < 0;
  const text = String(Math.abs(minor)).padStart(digits + 1, '0');
  const body = digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
  return negative ? `-${body}` : body;
}

/**
 * Divide a line total by a quantity. Exact when divisible; otherwise rounds half-to-even
 * and reports `exact: false` so the adapter can warn (the line total stays the channel's figure).
 */
export function divideMinor(total: number, quantity: number): { value: number; exact: boolean } {
  if (quantity <= 0) return { value: total, exact: false };
  const q = Math.trunc(total / quantity);
  const r = total - q * quantity;
  if (r === 0) return { value: q, exact: true };
  const twice = Math.abs(r) * 2;
  let value = q;
  if (twice > quantity || (twice === quantity && q % 2 !== 0)) value = q + Math.sign(total);
  return { value, exact: false };
}
