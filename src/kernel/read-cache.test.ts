import { describe, expect, it } from 'vitest';
import { ReadCache } from './read-cache.ts';

describe('read cache', () => {
  it('serves a stored value without loading again', async () => {
    const c = new ReadCache();
    let loads = 0;
    const load = async () => ++loads;
    expect(await c.get('a', load)).toBe(1);
    expect(await c.get('a', load)).toBe(1);
    expect(loads).toBe(1);
  });

  it('does not store a load that an eviction overtook (the row it read may be stale)', async () => {
    const c = new ReadCache();
    let release!: () => void;
    const slow = c.get('a', () => new Promise<string>((r) => { release = () => r('old'); }));
    c.evict('a');
    release();
    expect(await slow).toBe('old');
    expect(await c.get('a', async () => 'new')).toBe('new');
  });

  it('evicts a family by prefix, and everything with "*"', async () => {
    const c = new ReadCache();
    await c.get('auth:k:1', async () => 1);
    await c.get('auth:s:2', async () => 2);
    await c.get('org:3', async () => 3);
    c.evict('auth:*');
    expect(c.size).toBe(1);
    c.evict('*');
    expect(c.size).toBe(0);
  });

  it('expires entries after the TTL', async () => {
    const c = new ReadCache(20);
    let loads = 0;
    await c.get('a', async () => ++loads);
    await new Promise((r) => setTimeout(r, 40));
    expect(await c.get('a', async () => ++loads)).toBe(2);
  });

  it('stores nothing while disabled, and never caches a missing record', async () => {
    const c = new ReadCache();
    c.disable();
    await c.get('a', async () => 1);
    expect(c.size).toBe(0);
    c.enable();
    await c.get('b', async () => null);
    await c.get('c', async () => undefined);
    expect(c.size).toBe(0);
  });
});
