import { randomBytes } from 'node:crypto';
import { writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { openPostgres, type Db } from '../src/kernel/db.ts';
import { migrate } from '../src/kernel/migrate.ts';
import { allMigrations } from '../src/runtime.ts';
import { modules } from '../src/modules/index.ts';

/**
 * Migrate once per test run instead of once per test file: a PGlite data-directory snapshot that
 * every PGlite test database starts from, and a PostgreSQL template database that every test
 * database is created from.
 */
export default async function setup() {
  const cleanups: (() => Promise<void>)[] = [];
  if (process.env.TEST_DATABASE_URL) {
    const name = `tl_tpl_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
    const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(process.env.TEST_DATABASE_URL);
    url.pathname = '/' + name;
    const db = await openPostgres(url.toString(), 2);
    await migrate(db, allMigrations(modules));
    await db.close();
    process.env.TL_TEST_PG_TEMPLATE = name;
    cleanups.push(async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
      await admin.end();
    });
  } else {
    const lite = await PGlite.create({ extensions: { pg_trgm } });
    const wrapped = {
      kind: 'pglite', inTransaction: false,
      query: async (sql: string, params?: unknown[]) => (await lite.query(sql, params as any[])).rows,
      one: async () => { throw new Error('unused'); },
      maybeOne: async (sql: string, params?: unknown[]) => (await lite.query(sql, params as any[])).rows[0],
      exec: async (sql: string) => { await lite.exec(sql); },
      transaction: (fn: any) => lite.transaction((tx) => fn({
        inTransaction: true,
        query: async (sql: string, params?: unknown[]) => (await tx.query(sql, params as any[])).rows,
        maybeOne: async (sql: string, params?: unknown[]) => (await tx.query(sql, params as any[])).rows[0],
        one: async (sql: string, params?: unknown[]) => (await tx.query(sql, params as any[])).rows[0],
        exec: async (sql: string) => { await tx.exec(sql); },
      })),
      close: () => lite.close(),
    } as unknown as Db;
    await migrate(wrapped, allMigrations(modules));
    const dump = await lite.dumpDataDir('gzip');
    const file = join(tmpdir(), `tradelane-pglite-template-${process.pid}.tar.gz`);
    writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
    await lite.close();
    process.env.TL_TEST_PGLITE_TEMPLATE = file;
    cleanups.push(async () => rmSync(file, { force: true }));
  }
  return async () => {
    for (const c of cleanups) await c();
  };
}
