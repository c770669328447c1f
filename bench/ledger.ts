// npm run bench -- ledger [--quick]
// Ledger throughput through the real database path (row locks in a stable order, engine, batched
// writes): transfers/s one per transaction and 100 per transaction (batch API), with p99 latency per
// transaction, on the embedded PGlite and on PostgreSQL (a scratch database created and dropped
// here; skipped when unreachable). Concurrent workers on PostgreSQL pick random account pairs, so
// the row locks are contended. Both invariants are checked at the end of every run.
// Last line: one JSON object {"bench":"ledger",...}.

import pg from 'pg';
import { openPglite, openPostgres, type Db } from '../src/kernel/db.ts';
import { migrate } from '../src/kernel/migrate.ts';
import { kernelMigrations } from '../src/kernel/schema.ts';
import { settingsMigration } from '../src/kernel/settings.ts';
import { createTransfers, ensureAccount, verifyLedger } from '../src/modules/ledger/core.ts';
import { ledgerMigrations } from '../src/modules/ledger/schema.ts';
import type { TransferInput } from '../src/engines/ledger/index.ts';

const quick = process.argv.includes('--quick');
const PG_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ACCOUNTS = 10_000;

interface Result { db: string; mode: string; workers: number; transfers: number; seconds: number; transfers_per_s: number; p50_ms: number; p99_ms: number; invariants_ok: boolean }

const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]; };

async function setup(db: Db) {
  await migrate(db, [...kernelMigrations, settingsMigration, ...ledgerMigrations]);
  return db.transaction(async (tx) => {
    const cash = await ensureAccount(tx, 'bench-platform', 'provider_cash', 'EUR');
    // Half flagged (seller_payable: may not go below zero), half not (fx_position).
    await tx.query(`INSERT INTO ledger_accounts (id, org_id, currency, kind, debits_must_not_exceed_credits)
      SELECT 'acc_bench_' || lpad(i::text, 6, '0'), 'bench-' || i, 'EUR', CASE WHEN i % 2 = 1 THEN 'seller_payable' ELSE 'fx_position' END, i % 2 = 1
        FROM generate_series(0, ${ACCOUNTS - 1}) AS i`);
    const ids = Array.from({ length: ACCOUNTS }, (_, i) => 'acc_bench_' + String(i).padStart(6, '0'));
    // Fund every account so flagged accounts can pay.
    for (let from = 0; from < ids.length; from += 5000) {
      await createTransfers(tx, ids.slice(from, from + 5000).map((id, i) => ({ id: `bench-fund-${from + i}`, kind: 'posted', debitAccountId: cash.id, creditAccountId: id, amount: 1_000_000_000, reason: 'bench funding' })));
    }
    return ids;
  });
}

let seq = 0;
function randomTransfer(ids: string[], run: string): TransferInput {
  const a = Math.floor(Math.random() * ids.length);
  let b = Math.floor(Math.random() * (ids.length - 1));
  if (b >= a) b++;
  return { id: `${run}-${seq++}`, kind: 'posted', debitAccountId: ids[a], creditAccountId: ids[b], amount: 1 + Math.floor(Math.random() * 1000), reason: 'bench' };
}

async function run(db: Db, label: string, ids: string[], mode: 'single' | 'batch100', workers: number, total: number): Promise<Result> {
  const perTx = mode === 'single' ? 1 : 100;
  const txCount = Math.ceil(total / perTx);
  const latencies: number[] = [];
  let next = 0;
  const runId = `${label}-${mode}-${workers}`;
  const start = performance.now();
  await Promise.all(Array.from({ length: workers }, async () => {
    while (next < txCount) {
      next++;
      const batch = Array.from({ length: perTx }, () => randomTransfer(ids, runId));
      const t0 = performance.now();
      const results = await db.transaction((tx) => createTransfers(tx, batch));
      latencies.push(performance.now() - t0);
      if (results.some((r) => r.status !== 'created')) throw new Error(`unexpected result ${JSON.stringify(results.find((r) => r.status !== 'created'))}`);
    }
  }));
  const seconds = (performance.now() - start) / 1000;
  const transfers = txCount * perTx;
  const inv = await verifyLedger(db);
  return { db: label, mode, workers, transfers, seconds: +seconds.toFixed(2), transfers_per_s: Math.round(transfers / seconds), p50_ms: +pct(latencies, 50).toFixed(2), p99_ms: +pct(latencies, 99).toFixed(2), invariants_ok: inv.ok };
}

const results: Result[] = [];

// ---- PGlite (in memory; one connection, so one worker)
{
  const db = await openPglite();
  const ids = await setup(db);
  await run(db, 'pglite', ids, 'single', 1, 200); // warm-up
  results.push(await run(db, 'pglite', ids, 'single', 1, quick ? 300 : 1_000));
  results.push(await run(db, 'pglite', ids, 'batch100', 1, quick ? 3_000 : 10_000));
  await db.close();
}

// ---- PostgreSQL (scratch database)
let pgNote = '';
const admin = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
const reachable = await admin.connect().then(() => true, () => false);
if (reachable) {
  const name = `tl_bench_ledger_${Date.now().toString(36)}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(PG_URL);
  url.pathname = '/' + name;
  const db = await openPostgres(url.toString(), 16);
  try {
    const ids = await setup(db);
    await run(db, 'postgres', ids, 'single', 4, 400); // warm-up
    results.push(await run(db, 'postgres', ids, 'single', 1, quick ? 300 : 1_000));
    results.push(await run(db, 'postgres', ids, 'single', 8, quick ? 1_000 : 4_000));
    results.push(await run(db, 'postgres', ids, 'batch100', 1, quick ? 5_000 : 20_000));
    results.push(await run(db, 'postgres', ids, 'batch100', 8, quick ? 10_000 : 50_000));
  } finally {
    await db.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
} else {
  pgNote = `PostgreSQL not reachable at ${PG_URL}: skipped`;
}

console.log('\nLedger transfers (random pairs of 10,000 accounts, row locks FOR UPDATE ORDER BY id, invariants checked after each run)\n');
console.log(`${'database'.padEnd(10)} ${'mode'.padEnd(9)} ${'workers'.padStart(7)} ${'transfers'.padStart(10)} ${'seconds'.padStart(8)} ${'transfers/s'.padStart(12)} ${'p50 ms/tx'.padStart(10)} ${'p99 ms/tx'.padStart(10)}  invariants`);
for (const r of results) {
  console.log(`${r.db.padEnd(10)} ${r.mode.padEnd(9)} ${String(r.workers).padStart(7)} ${String(r.transfers).padStart(10)} ${String(r.seconds).padStart(8)} ${String(r.transfers_per_s).padStart(12)} ${String(r.p50_ms).padStart(10)} ${String(r.p99_ms).padStart(10)}  ${r.invariants_ok ? 'OK' : 'FAILED'}`);
}
if (pgNote) console.log(`\n${pgNote}`);
const best = (db: string, mode: string) => Math.max(0, ...results.filter((r) => r.db === db && r.mode === mode).map((r) => r.transfers_per_s));
const pgBatch = best('postgres', 'batch100');
console.log(`\nGoal: ≥ 5,000 transfers/s in batches on PostgreSQL — ${reachable ? (pgBatch >= 5000 ? 'met' : 'NOT met') : 'not measured'} (${pgBatch}/s)`);
console.log(JSON.stringify({
  bench: 'ledger',
  pglite_single_tps: best('pglite', 'single'), pglite_batch100_tps: best('pglite', 'batch100'),
  postgres_single_tps: best('postgres', 'single'), postgres_batch100_tps: pgBatch,
  p99_ms_per_tx: Object.fromEntries(results.map((r) => [`${r.db}_${r.mode}_w${r.workers}`, r.p99_ms])),
  goal_5000_batched_pg_met: reachable ? pgBatch >= 5000 : null,
  invariants_ok: results.every((r) => r.invariants_ok),
}));
process.exit(results.every((r) => r.invariants_ok) ? 0 : 1);
