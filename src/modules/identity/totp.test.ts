import { describe, expect, it } from 'vitest';
import { base32Encode, hotp, totpStep } from './totp.ts';

// RFC 6238 Appendix B test vectors (SHA-1, secret "12345678901234567890"), 8 digits → our 6 digits are the low 6.
const secret = base32Encode(Buffer.from('12345678901234567890'));
const vectors: [number, string][] = [[59, '94287082'], [1111111109, '07081804'], [1111111111, '14050471'], [1234567890, '89005924'], [2000000000, '69279037']];

describe('TOTP (RFC 6238)', () => {
  it('matches the RFC test vectors', () => {
    for (const [t, code] of vectors) expect(hotp(Buffer.from('12345678901234567890'), Math.floor(t / 30), 8)).toBe(code);
  });
  it('accepts one step of clock drift either side, not two', () => {
    const t = 1111111111 * 1000;
    const code = hotp(Buffer.from('12345678901234567890'), Math.floor(t / 30000));
    expect(totpStep(secret, code, t)).toBe(Math.floor(t / 30000));
    expect(totpStep(secret, code, t + 30_000)).not.toBeNull();
    expect(totpStep(secret, code, t + 61_000)).toBeNull();
    expect(totpStep(secret, 'abcdef', t)).toBeNull();
  });
});
