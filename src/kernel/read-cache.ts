/**
 * A coherent in-process cache for hot records that change rarely (resolved credentials, the
 * organisation record): almost every request reads them, and a database round trip costs more than
 * the rest of such a request.
 *
 * Coherence, through the database executor (db.ts):
 * - a use-case that changes a cached record calls `tx.invalidate(key)` in its transaction: the key is
 *   evicted at once, again right after COMMIT (so a reader that fetched the old row while the write
 *   was in flight cannot leave it behind — the writer reads its own write), and, on PostgreSQL, a
 *   NOTIFY travels with the COMMIT so every other server process evicts it too;
 * - a load that was in flight across any eviction is not stored (epoch check);
 * - while a PostgreSQL process is not listening (connection lost), nothing is cached;
 * - entries expire after `ttlMs` whatever happens, as a last line of defence.
 * Reads inside a transaction never use the cache (they must see the transaction's own writes).
 */
export class ReadCache {
  private entries = new Map<string, { value: unknown; expires: number }>();
  private epoch = 0;
  private enabled = true;

  constructor(private readonly ttlMs = 30_000, private readonly maxEntries = 20_000) {}

  async get<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit) {
      if (hit.expires > Date.now()) return hit.value as T;
      this.entries.delete(key);
    }
    const epoch = this.epoch;
    const value = await load();
    if (this.enabled && epoch === this.epoch && value !== undefined && value !== null) {
      if (this.entries.size >= this.maxEntries) this.entries.clear();
      this.entries.set(key, { value, expires: Date.now() + this.ttlMs });
    }
    return value;
  }

  /** Evict one key, or every key starting with a prefix given as "prefix*" ("*" evicts everything). */
  evict(key: string) {
    this.epoch++;
    if (!key.endsWith('*')) {
      this.entries.delete(key);
      return;
    }
    const prefix = key.slice(0, -1);
    if (prefix === '') this.entries.clear();
    else for (const k of this.entries.keys()) if (k.startsWith(prefix)) this.entries.delete(k);
  }

  /** Stop caching (and forget everything) until `enable()`: used while invalidations could be missed. */
  disable() {
    this.enabled = false;
    this.evict('*');
  }

  enable() {
    this.evict('*');
    this.enabled = true;
  }

  get size() {
    return this.entries.size;
  }
}

export const CACHE_CHANNEL = 'tradelane_cache';
