/**
 * Child process for the ledger crash test (src/modules/ledger/fault.int.test.ts): submits a stream
 * of linked transfer pairs with fixed ids, printing "ack <i> <status>" after each commit. The parent
 * kills it with SIGKILL mid-stream, starts it again from the beginning, and checks that every
 * transfer exists exactly once and the ledger verifies.
 *   tsx test/ledger-fault-child.ts <pglite data dir | postgres url> <count>
 */
import { openPglite, openPostgres } from '../src/kernel/db.ts';
import { migrate } from '../src/kernel/migrate.ts';
import { kernelMigrations } from '../src/kernel/schema.ts';
import { settingsMigration } from '../src/kernel/settings.ts';
import { createTransfers, ensureAccount } from '../src/modules/ledger/core.ts';
import { ledgerMigrations } from '../src/modules/ledger/schema.ts';

const [target, countArg] = process.argv.slice(2);
const count = Number(countArg);
const db = target.startsWith('postgres') ? await openPostgres(target, 2) : await openPglite(target);
await migrate(db, [...kernelMigrations, settingsMigration, ...ledgerMigrations]);
const [cash, a, b] = await db.transaction(async (tx) => [
  await ensureAccount(tx, 'fault-platform', 'provider_cash', 'EUR'),
  await ensureAccount(tx, 'fault-a', 'seller_payable', 'EUR'),
  await ensureAccount(tx, 'fault-b', 'seller_payable', 'EUR'),
]);
console.log('ready');
for (let i = 0; i < count; i++) {
  const results = await db.transaction((tx) => createTransfers(tx, [
    { id: `fault-${i}-in`, kind: 'posted', debitAccountId: cash.id, creditAccountId: a.id, amount: 1 + (i % 7), reason: 'crash test', linked: true },
    { id: `fault-${i}-fwd`, kind: 'posted', debitAccountId: a.id, creditAccountId: b.id, amount: 1, reason: 'crash test' },
  ]));
  if (results.some((r) => r.status === 'failed')) throw new Error(`transfer ${i} failed: ${JSON.stringify(results)}`);
  console.log(`ack ${i} ${results[0].status}`);
}
await db.close();
console.log('done');
