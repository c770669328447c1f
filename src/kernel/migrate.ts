import type { Db } from './db.ts';

export interface Migration {
  /** Globally unique and ordered within its module, e.g. "identity_001_init". */
  id: string;
  sql: string;
}

/** Apply pending migrations in order, each in its own transaction. Safe to run from several processes. */
export async function migrate(db: Db, migrations: Migration[], log: (msg: string) => void = () => {}): Promise<string[]> {
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
  const applied: string[] = [];
  for (const m of migrations) {
    const done = await db.transaction(async (tx) => {
      if (db.kind === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(724311)');
      const exists = await tx.maybeOne('SELECT 1 FROM schema_migrations WHERE id = $1', [m.id]);
      if (exists) return false;
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migrations (id) VALUES ($1)', [m.id]);
      return true;
    });
    if (done) {
      applied.push(m.id);
      log(`migration applied: ${m.id}`);
    }
  }
  return applied;
}
