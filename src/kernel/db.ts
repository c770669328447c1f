import { parse, PGlite, protocol } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import pg from 'pg';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { inlineParams } from './sql-inline.ts';

/**
 * One database interface over the embedded PGlite and a PostgreSQL server. The same SQL runs on
 * both. `Executor` is what use-cases receive: the database itself or an open transaction.
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
  readonly inTransaction: boolean;
}

export interface Db extends Executor {
  readonly kind: 'pglite' | 'postgres';
  transaction<T>(fn: (tx: Executor) => Promise<T>): Promise<T>;
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

function wrap(
  run: (sql: string, params?: unknown[]) => Promise<any[]>,
  execAll: (sql: string) => Promise<void>,
  inTransaction: boolean,
  defer: Executor['defer'] = async (sql, params) => { await run(sql, params); },
): Executor {
  return {
    inTransaction,
    defer,
    query: run as Executor['query'],
    async one(sql, params) {
      const rows = await run(sql, params);
      if (rows.length !== 1) throw new Error(`expected one row, got ${rows.length}: ${sql.slice(0, 80)}`);
      return rows[0];
    },
    async maybeOne(sql, params) {
      const rows = await run(sql, params);
      return rows[0];
    },
    exec: execAll,
  };
}

const lastRows = (results: { rows: any[] }[]) => results[results.length - 1]?.rows ?? [];

const SYNC = protocol.serialize.sync();

/**
 * `template`: a gzipped data-directory dump to start from (tests start from a migrated snapshot).
 *
 * Every call is ONE simple-protocol exchange with the WASM backend (query + sync in one message),
 * parameters inlined (sql-inline.ts); PGlite's own query() makes six exchanges (parse, describe,
 * bind, describe, execute, sync) and its transaction() two more for BEGIN and COMMIT. Here BEGIN
 * travels with a transaction's first statement and COMMIT with its deferred writes. PGlite has one
 * connection: a transaction holds PGlite's transaction and query locks (the ones its own
 * transaction() takes), so nothing else interleaves and transactions serialise.
 */
export async function openPglite(dataDir?: string, template?: Blob): Promise<Db> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const lite = await PGlite.create(dataDir ? join(dataDir, 'pgdata') : undefined, { extensions: { pg_trgm }, ...(template ? { loadDataDir: template } : {}) });
  // One exchange at a time, in call order: a transaction holds PGlite's locks, so statements a
  // use-case starts concurrently (Promise.all) would otherwise overlap inside execProtocol.
  let tail: Promise<unknown> = Promise.resolve();
  const simple = (sql: string) => {
    const next = tail.then(() => exchange(sql));
    tail = next.catch(() => undefined);
    return next;
  };
  const exchange = async (sql: string) => {
    const message = protocol.serialize.query(sql);
    const both = new Uint8Array(message.length + SYNC.length);
    both.set(message);
    both.set(SYNC, message.length);
    const { messages } = await lite.execProtocol(both, { syncToFs: false });
    return parse.parseResults(messages, lite.parsers);
  };
  const exclusive = <T>(fn: () => Promise<T>) => lite._runExclusiveTransaction(() => lite._runExclusiveQuery(fn));
  const base = wrap(
    async (sql, params) => lastRows(await exclusive(() => simple(inlineParams(sql, params)))),
    async (sql) => { await exclusive(() => simple(sql)); },
    false,
  );
  return {
    ...base,
    kind: 'pglite',
    transaction: (fn) =>
      exclusive(async () => {
        let begun = false;
        const deferred: string[] = [];
        const run = (sql: string) => {
          const text = begun ? sql : `BEGIN;\n${sql}`;
          begun = true;
          return simple(text);
        };
        try {
          const result = await fn(wrap(
            async (sql, params) => lastRows(await run(inlineParams(sql, params))),
            async (sql) => { await run(sql); },
            true,
            async (sql, params) => { deferred.push(inlineParams(sql, params)); },
          ));
          if (begun || deferred.length > 0) {
            const results = await run([...deferred, 'COMMIT'].join(';\n'));
            // COMMIT of a transaction that already failed (an error the use-case caught) rolls back.
            if ((results[results.length - 1] as any)?.command === 'ROLLBACK') throw new Error('The transaction was aborted by an earlier error and has been rolled back');
          }
          return result;
        } catch (err) {
          if (begun) await simple('ROLLBACK').catch(() => {});
          throw err;
        }
      }),
    close: () => lite.close(),
  };
}

const RETRYABLE = new Set(['40001', '40P01']); // serialization failure, deadlock

/**
 * PostgreSQL through a node-postgres pool. A transaction costs two round trips beyond its own
 * statements' needs: BEGIN travels with the first statement, and deferred writes travel with COMMIT
 * (both as one simple-protocol message with inlined parameters); the statements in between use the
 * extended protocol with real parameters.
 */
export async function openPostgres(url: string, max = Number(process.env.DATABASE_POOL_SIZE ?? 20)): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on('error', () => {}); // idle client errors surface on next use
  const base = wrap(async (sql, params) => (await pool.query(sql, params as any[])).rows, async (sql) => { await pool.query(sql); }, false);
  return {
    ...base,
    kind: 'postgres',
    async transaction(fn) {
      for (let attempt = 1; ; attempt++) {
        const client = await pool.connect();
        let begun = false;
        const deferred: string[] = [];
        const first = async (sql: string) => {
          begun = true;
          const results = (await client.query(`BEGIN;\n${sql}`)) as unknown as pg.QueryResult[];
          return results[results.length - 1].rows;
        };
        try {
          const result = await fn(wrap(
            async (sql, params) => (begun ? (await client.query(sql, params as any[])).rows : first(inlineParams(sql, params))),
            async (sql) => { if (begun) await client.query(sql); else await first(sql); },
            true,
            async (sql, params) => { deferred.push(inlineParams(sql, params)); },
          ));
          if (deferred.length > 0) await client.query(`${begun ? '' : 'BEGIN;\n'}${deferred.join(';\n')};\nCOMMIT`);
          else if (begun) await client.query('COMMIT');
          return result;
        } catch (err: any) {
          if (begun || deferred.length > 0) await client.query('ROLLBACK').catch(() => {});
          if (RETRYABLE.has(err?.code) && attempt < 5) continue;
          throw err;
        } finally {
          client.release();
        }
      }
    },
    close: () => pool.end(),
  };
}

export async function openDatabase(opts: { databaseUrl?: string; dataDir?: string }): Promise<Db> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl) : openPglite(opts.dataDir);
}
