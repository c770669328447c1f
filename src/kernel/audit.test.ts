import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diff } from './audit.ts';

// The definition diff() implements (its fast paths must not change what it records): a field is
// recorded when its JSON differs between before and after; secret-looking fields never by value.
function reference(before: Record<string, unknown> | null, after: Record<string, unknown> | null) {
  const out: Record<string, [unknown, unknown]> = {};
  for (const k of new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])) {
    const a = before?.[k];
    const b = after?.[k];
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    out[k] = /password|secret|token|hash|totp/i.test(k) ? ['[redacted]', '[redacted]'] : [a ?? null, b ?? null];
  }
  return out;
}

describe('audit diff', () => {
  const value = fc.oneof(fc.constant(undefined), fc.constant(null), fc.boolean(), fc.integer(), fc.string({ maxLength: 4 }), fc.array(fc.integer(), { maxLength: 2 }), fc.date({ noInvalidDate: true }), fc.dictionary(fc.constantFrom('x', 'y'), fc.integer(), { maxKeys: 2 }));
  const record = fc.option(fc.dictionary(fc.constantFrom('id', 'name', 'secret_hash', 'qty', 'tags', 'at'), value, { maxKeys: 6 }), { nil: null });

  it('records what changed, for creations, deletions and updates alike', () => {
    fc.assert(fc.property(record, record, (before, after) => {
      expect(diff(before, after)).toEqual(reference(before, after));
    }), { numRuns: 2000 });
  });

  it('a creation records every field with a value; secrets only as changed', () => {
    expect(diff(null, { id: 'whe_1', url: 'https://x', description: null, gone: undefined, secret: 'whsec_x' }))
      .toEqual({ id: [null, 'whe_1'], url: [null, 'https://x'], description: [null, null], secret: ['[redacted]', '[redacted]'] });
    expect(diff({ id: 'a', qty: 2 }, { id: 'a', qty: 3 })).toEqual({ qty: [2, 3] });
  });
});
