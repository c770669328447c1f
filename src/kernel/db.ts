import { parse, PGlite, protocol } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import pg from 'pg';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_CHANNEL, ReadCache } from './read-cache.ts';
import { inlineParams } from './sql-inline.ts';

/**
 * One database interface over the embedded PGlite and a PostgreSQL server. The same SQL runs on
 * both. `Executor` is what use-cases receive: the database itself or an open transaction.
 *
 * Round trips, not statements, are what a request pays for here (a socket write and a process
 * wake-up each on PostgreSQL; a protocol exchange with the WASM backend each on PGlite), so a
 * transaction sends BEGIN together with its first statement and its deferred writes together with
 * COMMIT, as one simple-protocol message with parameters inlined as literals (sql-inline.ts).
 */
export interface Executor {
  query<T = Record<string, any>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Exactly one row or throws. */
  one<T = Record<string, any>>(sql: string, params?: unknown[]): Promise<T>;
  /** Zero or one row. */
  maybeOne<T = Record<string, any>>(sql: string, params?: unknown[]): Promise<T | undefined>;
  /** Run several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * A write whose result nobody reads (audit rows, outbox events, idempotency records): in a
   * transaction it is queued and sent together with COMMIT in one round trip, in call order; a
   * failure fails the commit. Outside a transaction it runs at once.
   */
  defer(sql: string, params?: unknown[]): Promise<void>;
  /** Read a hot record through the process's read cache (read-cache.ts); inside a transaction, straight from the database. */
  cached<T>(key: string, load: () => Promise<T>): Promise<T>;
  /** These cached keys ("prefix*" for a family) are stale once this transaction commits: evicted now, after COMMIT, and in every server process. */
  invalidate(...keys: string[]): Promise<void>;
  readonly inTransaction: boolean;
}

/**
 * `first`: a read that travels in the transaction's first round trip, ahead of the use-case's first
 * statement; `check` sees its rows before the use-case sees any result and may throw to abandon the
 * transaction (the idempotency-key lookup uses it: a first request pays no round trip for it). When
 * the use-case runs no statement of its own (all its writes deferred), the read travels with COMMIT
 * and `check` runs after it: use `first` only where a conflicting commit fails by itself (the
 * idempotency record's primary key does).
 */
export interface TransactionOptions { first?: { sql: string; params?: unknown[]; check(rows: any[]): void } }

export interface Db extends Executor {
  readonly kind: 'pglite' | 'postgres';
  transaction<T>(fn: (tx: Executor) => Promise<T>, opts?: TransactionOptions): Promise<T>;
  close(): Promise<void>;
}

/** Run `fn` in a transaction, reusing the caller's if it already is one. */
export function withTx<T>(ex: Executor | Db, fn: (tx: Executor) => Promise<T>): Promise<T> {
  if (ex.inTransaction || !('transaction' in ex)) return fn(ex);
  return (ex as Db).transaction(fn);
}

// int8 as JS number (ids, counts and minor units stay well within 2^53); numeric stays a string.
pg.types.setTypeParser(20, (v: string) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new Error(`int8 value ${v} exceeds the safe integer range`);
  return n;
});

const notifySql = `SELECT pg_notify('${CACHE_CHANNEL}', $1)`;

/** The executor outside any transaction: every statement on its own. */
function direct(run: (sql: string, params?: unknown[]) => Promise<any[]>, execAll: (sql: string) => Promise<void>, cache: ReadCache, notify: boolean): Executor {
  return {
    inTransaction: false,
    query: run as Executor['query'],
    one: async (sql, params) => exactlyOne(await run(sql, params), sql),
    maybeOne: async (sql, params) => (await run(sql, params))[0],
    exec: execAll,
    defer: async (sql, params) => { await run(sql, params); },
    cached: (key, load) => cache.get(key, load),
    async invalidate(...keys) {
      for (const k of keys) {
        cache.evict(k);
        if (notify) await run(notifySql, [k]);
      }
    },
  };
}

function exactlyOne(rows: any[], sql: string) {
  if (rows.length !== 1) throw new Error(`expected one row, got ${rows.length}: ${sql.slice(0, 80)}`);
  return rows[0];
}

class TransactionAborted extends Error {
  constructor() { super('The transaction was aborted by an earlier error and has been rolled back'); }
}

/**
 * One open transaction, whatever the backend: `send` is one round trip of simple-protocol text and
 * returns each statement's rows; `sendParams` one statement with real parameters (PostgreSQL).
 */
class Transaction {
  private begun = false;
  private failed: unknown = null;
  private readonly deferred: string[] = [];
  private readonly evictions: string[] = [];

  constructor(
    private readonly send: (text: string) => Promise<{ rows: any[]; command?: string }[]>,
    private readonly sendParams: ((sql: string, params?: unknown[]) => Promise<any[]>) | null,
    private readonly cache: ReadCache,
    private readonly notify: boolean,
    private readonly opts: TransactionOptions = {},
  ) {}

  private async run(sql: string, params?: unknown[]): Promise<any[]> {
    if (this.failed) throw this.failed;
    if (this.begun && this.sendParams) return this.sendParams(sql, params);
    const statement = inlineParams(sql, params);
    if (this.begun) return lastRows(await this.send(statement));
    this.begun = true;
    const first = this.opts.first;
    if (!first) return lastRows(await this.send(`BEGIN;\n${statement}`));
    const results = await this.send(`BEGIN;\n${inlineParams(first.sql, first.params)};\n${statement}`);
    try {
      first.check(results[1].rows);
    } catch (err) {
      this.failed = err; // nothing more runs and nothing commits, even if the use-case swallows it
      throw err;
    }
    return lastRows(results);
  }

  readonly executor: Executor = {
    inTransaction: true,
    query: ((sql: string, params?: unknown[]) => this.run(sql, params)) as Executor['query'],
    one: async (sql, params) => exactlyOne(await this.run(sql, params), sql),
    maybeOne: async (sql, params) => (await this.run(sql, params))[0],
    exec: async (sql) => { await this.run(sql); },
    defer: async (sql, params) => { this.deferred.push(inlineParams(sql, params)); },
    cached: (_key, load) => load(),
    invalidate: async (...keys) => {
      for (const k of keys) {
        this.cache.evict(k);
        this.evictions.push(k);
        if (this.notify) this.deferred.push(inlineParams(notifySql, [k]));
      }
    },
  };

  /**
   * Deferred writes and COMMIT in one round trip — with BEGIN, and the `first` read, if the use-case
   * ran no statement of its own (then the whole transaction is one round trip, and `check` sees the
   * read after the commit; see TransactionOptions).
   */
  async commit() {
    if (this.failed) throw this.failed;
    if (!this.begun && this.deferred.length === 0 && !this.opts.first) return;
    const text = [...this.deferred, 'COMMIT'].join(';\n');
    const first = this.begun ? undefined : this.opts.first;
    const message = this.begun ? text : first ? `BEGIN;\n${inlineParams(first.sql, first.params)};\n${text}` : `BEGIN;\n${text}`;
    this.begun = true; // before sending: if a statement fails, the open transaction must be rolled back
    const results = await this.send(message);
    // COMMIT of a transaction that an earlier (caught) error aborted answers ROLLBACK, not an error.
    if (results[results.length - 1]?.command === 'ROLLBACK') throw new TransactionAborted();
    for (const k of this.evictions) this.cache.evict(k);
    first?.check(results[1].rows);
  }

  async rollback() {
    if (this.begun) await this.send('ROLLBACK').catch(() => {});
  }
}

const lastRows = (results: { rows: any[] }[]) => results[results.length - 1]?.rows ?? [];

const SYNC = protocol.serialize.sync();

/**
 * `template`: a gzipped data-directory dump to start from (tests start from a migrated snapshot).
 *
 * Every call is ONE simple-protocol exchange with the WASM backend (query + sync in one message),
 * parameters inlined; PGlite's own query() makes six exchanges (parse, describe, bind, describe,
 * execute, sync) and its transaction() two more for BEGIN and COMMIT. PGlite has one connection: a
 * transaction holds PGlite's transaction and query locks (the ones its own transaction() takes), so
 * nothing else interleaves and transactions serialise. One process owns the data directory, so the
 * read cache needs no cross-process notification.
 */
export async function openPglite(dataDir?: string, template?: Blob): Promise<Db> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const lite = await PGlite.create(dataDir ? join(dataDir, 'pgdata') : undefined, { extensions: { pg_trgm }, ...(template ? { loadDataDir: template } : {}) });
  // One exchange at a time, in call order: a transaction holds PGlite's locks, so statements a
  // use-case starts concurrently (Promise.all) would otherwise overlap inside execProtocol.
  let tail: Promise<unknown> = Promise.resolve();
  const exchange = async (sql: string) => {
    const message = protocol.serialize.query(sql);
    const both = new Uint8Array(message.length + SYNC.length);
    both.set(message);
    both.set(SYNC, message.length);
    const { messages } = await lite.execProtocol(both, { syncToFs: false });
    return parse.parseResults(messages, lite.parsers) as { rows: any[]; command?: string }[];
  };
  const simple = (sql: string) => {
    const next = tail.then(() => exchange(sql));
    tail = next.catch(() => undefined);
    return next;
  };
  const exclusive = <T>(fn: () => Promise<T>) => lite._runExclusiveTransaction(() => lite._runExclusiveQuery(fn));
  const cache = new ReadCache();
  return {
    ...direct(async (sql, params) => lastRows(await exclusive(() => simple(inlineParams(sql, params)))), async (sql) => { await exclusive(() => simple(sql)); }, cache, false),
    kind: 'pglite',
    transaction: (fn, opts) =>
      exclusive(async () => {
        const tx = new Transaction(simple, null, cache, false, opts);
        try {
          const result = await fn(tx.executor);
          await tx.commit();
          return result;
        } catch (err) {
          await tx.rollback();
          throw err;
        }
      }),
    close: () => lite.close(),
  };
}

const RETRYABLE = new Set(['40001', '40P01']); // serialization failure, deadlock

/**
 * PostgreSQL through a node-postgres pool. BEGIN travels with a transaction's first statement and
 * its deferred writes with COMMIT; the statements in between use the extended protocol with real
 * parameters. A dedicated connection LISTENs for read-cache invalidations from every process; while
 * it is down, nothing is cached.
 */
export async function openPostgres(url: string, max = Number(process.env.DATABASE_POOL_SIZE ?? 20)): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on('error', () => {}); // idle client errors surface on next use
  const cache = new ReadCache();
  const listener = cacheListener(url, cache);
  const run = async (sql: string, params?: unknown[]) => (await pool.query(sql, params as any[])).rows;
  return {
    ...direct(run, async (sql) => { await pool.query(sql); }, cache, true),
    kind: 'postgres',
    async transaction(fn, opts) {
      for (let attempt = 1; ; attempt++) {
        const client = await pool.connect();
        const send = async (text: string) => {
          const r = (await client.query(text)) as unknown as pg.QueryResult | pg.QueryResult[];
          return Array.isArray(r) ? r : [r];
        };
        const tx = new Transaction(send, async (sql, params) => (await client.query(sql, params as any[])).rows, cache, true, opts);
        try {
          const result = await fn(tx.executor);
          await tx.commit();
          return result;
        } catch (err: any) {
          await tx.rollback();
          if (RETRYABLE.has(err?.code) && attempt < 5) continue;
          throw err;
        } finally {
          client.release();
        }
      }
    },
    async close() {
      await listener.stop();
      await pool.end();
    },
  };
}

/** LISTEN on the cache channel; reconnects with back-off. The cache is off until the first LISTEN succeeds. */
function cacheListener(url: string, cache: ReadCache) {
  let client: pg.Client | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  const state = {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await client?.end().catch(() => {});
    },
  };
  cache.disable();
  const connect = async (delay: number) => {
    if (stopped) return;
    const c = new pg.Client({ connectionString: url });
    client = c;
    const lost = () => {
      if (client !== c) return;
      cache.disable();
      client = null;
      if (!stopped) timer = setTimeout(() => connect(Math.min(delay * 2, 5000)), delay);
    };
    c.on('error', lost);
    c.on('end', lost);
    c.on('notification', (n) => { if (n.payload) cache.evict(n.payload); });
    try {
      await c.connect();
      await c.query(`LISTEN ${CACHE_CHANNEL}`);
      if (stopped) return void (await c.end().catch(() => {}));
      cache.enable();
    } catch {
      await c.end().catch(() => {});
      lost();
    }
  };
  void connect(100);
  return state;
}

export async function openDatabase(opts: { databaseUrl?: string; dataDir?: string }): Promise<Db> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl) : openPglite(opts.dataDir);
}
