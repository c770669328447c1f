import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import pg from 'pg';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

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

function wrap(run: (sql: string, params?: unknown[]) => Promise<any[]>, execAll: (sql: string) => Promise<void>, inTransaction: boolean): Executor {
  return {
    inTransaction,
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

/** `template`: a gzipped data-directory dump to start from (tests start from a migrated snapshot). */
export async function openPglite(dataDir?: string, template?: Blob): Promise<Db> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const lite = await PGlite.create(dataDir ? join(dataDir, 'pgdata') : undefined, { extensions: { pg_trgm }, ...(template ? { loadDataDir: template } : {}) });
  const base = wrap(
    async (sql, params) => (await lite.query(sql, params as any[])).rows as any[],
    async (sql) => { await lite.exec(sql); },
    false,
  );
  return {
    ...base,
    kind: 'pglite',
    // PGlite has one connection; its transaction() holds it exclusively, so transactions serialise.
    transaction: (fn) =>
      lite.transaction((tx) =>
        fn(wrap(async (sql, params) => (await tx.query(sql, params as any[])).rows as any[], async (sql) => { await tx.exec(sql); }, true)),
      ),
    close: () => lite.close(),
  };
}

const RETRYABLE = new Set(['40001', '40P01']); // serialization failure, deadlock

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
        try {
          await client.query('BEGIN');
          const result = await fn(wrap(async (sql, params) => (await client.query(sql, params as any[])).rows, async (sql) => { await client.query(sql); }, true));
          await client.query('COMMIT');
          return result;
        } catch (err: any) {
          await client.query('ROLLBACK').catch(() => {});
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
