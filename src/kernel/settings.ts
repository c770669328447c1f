import type { Executor } from './db.ts';
import type { Migration } from './migrate.ts';

export const settingsMigration: Migration = {
  id: 'kernel_002_settings',
  sql: `CREATE TABLE system_settings (key text PRIMARY KEY, value jsonb NOT NULL, updated_at timestamptz NOT NULL DEFAULT now());`,
};

export async function getSetting<T>(ex: Executor, key: string): Promise<T | undefined> {
  return (await ex.maybeOne<{ value: T }>(`SELECT value FROM system_settings WHERE key = $1`, [key]))?.value;
}

export async function setSetting(ex: Executor, key: string, value: unknown): Promise<void> {
  await ex.query(`INSERT INTO system_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`, [key, JSON.stringify(value)]);
}
