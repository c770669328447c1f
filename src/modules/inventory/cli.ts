import type { CliCommand } from '../module.ts';
import { checkInventory } from './stock.ts';

export const inventoryCli: Record<string, CliCommand> = {
  'inventory check': {
    summary: 'Prove every stock level equals the sum of its movements (and reserved = open reservations)',
    usage: 'tradelane inventory check [--json]',
    async run(s, args) {
      const report = await checkInventory(s.db);
      if (args.includes('--json')) console.log(JSON.stringify(report));
      else {
        console.log(`inventory check: ${report.stockRows} stock rows, ${report.movements} movements`);
        for (const m of report.levelMismatches) console.log(`  ${m.org_id} ${m.sku} @ ${m.warehouse_id}: stored [on hand, reserved, in transit] ${JSON.stringify(m.stored)} ≠ movements ${JSON.stringify(m.movements)}`);
        for (const m of report.reservationMismatches) console.log(`  ${m.org_id} ${m.sku} @ ${m.warehouse_id}: reserved ${m.reserved} ≠ open reservations ${m.open_reservations}`);
        console.log(report.ok ? 'OK: every level equals the sum of its movements' : 'FAILED: inventory levels and movements disagree');
      }
      return report.ok ? 0 : 1;
    },
  },
};
