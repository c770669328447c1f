import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { SecretBox } from '../src/kernel/crypto.ts';
import { openPglite, openPostgres, type Db } from '../src/kernel/db.ts';
import { createRuntime, type Runtime } from '../src/runtime.ts';
import type { TradelaneModule } from '../src/modules/module.ts';

/**
 * Test databases: PGlite in memory by default; with TEST_DATABASE_URL set, a fresh PostgreSQL
 * database per test file (created here, dropped on close) so files can run in parallel.
 */
export const onPostgres = !!process.env.TEST_DATABASE_URL;
export const dbLabel = onPostgres ? 'postgres' : 'pglite';

export async function testDatabase(): Promise<{ db: Db; url?: string; drop(): Promise<void> }> {
  if (!onPostgres) {
    const template = process.env.TL_TEST_PGLITE_TEMPLATE;
    const db = await openPglite(undefined, template ? new Blob([readFileSync(template)]) : undefined);
    return { db, drop: async () => {} };
  }
  const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await admin.connect();
  const name = `tl_t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const template = process.env.TL_TEST_PG_TEMPLATE;
  await admin.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
  await admin.end();
  const url = new URL(process.env.TEST_DATABASE_URL!);
  url.pathname = '/' + name;
  const db = await openPostgres(url.toString(), 20);
  return {
    db,
    url: url.toString(),
    async drop() {
      const a = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

export interface TestRuntime extends Runtime {
  dispose(): Promise<void>;
  databaseUrl?: string;
}

export async function testRuntime(opts: { modules?: TradelaneModule[]; config?: Record<string, unknown> } = {}): Promise<TestRuntime> {
  const { db, url, drop } = await testDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), 'tradelane-test-'));
  const rt = await createRuntime({
    db,
    modules: opts.modules,
    log: pino({ level: process.env.TEST_LOG ?? 'silent' }),
    secrets: new SecretBox(randomBytes(32)),
    config: { dataDir, rateLimitPerMinute: 1_000_000, rateLimitPerMinuteIp: 1_000_000, publicUrl: 'http://localhost', ...opts.config },
  });
  return Object.assign(rt, {
    databaseUrl: url,
    async dispose() {
      await rt.close();
      await drop();
    },
  });
}

export interface Party {
  orgId: string;
  userId: string;
  email: string;
  password: string;
  cookie: string;
  /** An owner-scoped API key for the organisation. */
  apiKey: string;
  headers: Record<string, string>;
}

let counter = 0;

/** Sign up a user with a new organisation of the kind, and make an API key with every permission. */
export async function newParty(rt: Runtime, kind: string, name?: string): Promise<Party> {
  const email = `${kind}-${Date.now()}-${++counter}@test.tradelane.dev`;
  const password = 'correct horse battery';
  const res = await rt.app.inject({ method: 'POST', url: '/v1/auth/signup', payload: { email, password, name: name ?? `${kind} user`, organisation: { name: name ?? `${kind} org ${counter}`, kind, country: 'CN' } } });
  if (res.statusCode !== 201) throw new Error(`signup failed: ${res.statusCode} ${res.body}`);
  const cookie = String(res.headers['set-cookie']).split(';')[0];
  const body = res.json();
  const key = await rt.app.inject({ method: 'POST', url: '/v1/api-keys', headers: { cookie }, payload: { name: 'test', scopes: ['identity:admin', 'audit:admin', 'webhooks:admin', 'catalog:admin', 'orders:admin', 'inventory:admin', 'logistics:admin', 'tracking:admin', 'contracts:admin', 'landed_cost:admin', 'customs:admin', 'screening:admin', 'ledger:admin', 'trace:admin', 'storefront:admin', 'risk:admin', 'finance:admin', 'analytics:admin', 'privacy:admin', 'platform:admin'] } });
  if (key.statusCode !== 201) throw new Error(`api key failed: ${key.statusCode} ${key.body}`);
  const apiKey = key.json().key;
  return { orgId: body.organisation.id, userId: body.user.id, email, password, cookie, apiKey, headers: { authorization: `Bearer ${apiKey}` } };
}
