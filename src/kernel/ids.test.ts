import { describe, expect, it } from 'vitest';
import { isId, newId, ulid } from './ids.ts';

describe('ids', () => {
  it('are time-ordered and unique, also many within one millisecond and across random-pool refills', () => {
    let prev = '';
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) { // > 4096/10 pool refills
      const id = ulid();
      expect(id > prev).toBe(true);
      seen.add(id);
      prev = id;
    }
    expect(seen.size).toBe(5000);
    const fixed = Date.now() + 1000;
    const a = ulid(fixed);
    const b = ulid(fixed);
    expect(b > a && a.slice(0, 10) === b.slice(0, 10)).toBe(true);
  });

  it('carry their prefix and are recognised only with it', () => {
    const id = newId('ord');
    expect(isId(id, 'ord')).toBe(true);
    expect(isId(id, 'org')).toBe(false);
    expect(isId('ord_' + 'I'.repeat(26), 'ord')).toBe(false); // I is not Crockford base32
  });
});
