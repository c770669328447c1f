import type { CliCommand } from '../module.ts';
import { verifyLedger } from './core.ts';

export const ledgerCli: Record<string, CliCommand> = {
  'ledger verify': {
    summary: 'Prove the ledger invariants (balances sum to zero per currency; balances equal their journal)',
    usage: 'tradelane ledger verify [--json]',
    async run(s, args) {
      const report = await verifyLedger(s.db);
      const transfers = await s.db.one(`SELECT count(*)::int AS n FROM ledger_transfers`);
      if (args.includes('--json')) console.log(JSON.stringify({ ...report, transfers: transfers.n }));
      else {
        console.log(`ledger verify: ${report.accounts} accounts, ${transfers.n} transfers`);
        for (const c of report.currencies) {
          console.log(`  ${c.currency}  debits posted ${c.debitsPosted} = credits posted ${c.creditsPosted}; pending ${c.debitsPending} = ${c.creditsPending}  ${c.ok ? 'OK' : 'FAILED'}`);
        }
        for (const m of report.accountMismatches) console.log(`  account ${m.accountId}: stored ${JSON.stringify(m.stored)} ≠ journal ${JSON.stringify(m.journal)}`);
        console.log(report.ok ? 'OK: both invariants hold' : 'FAILED: the ledger is inconsistent');
      }
      return report.ok ? 0 : 1;
    },
  },
};
