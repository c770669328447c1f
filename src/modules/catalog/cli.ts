import type { CliCommand } from '../module.ts';
import { notifyExpiringCertificates, recheckForRuleChange } from './compliance.ts';
import { loadMarketRuleSets } from '../../engines/market-access/load.ts';

export const catalogCli: Record<string, CliCommand> = {
  'catalog recheck': {
    summary: 'Re-check listings after the market-access rules changed (only affected ones; --all for every listing)',
    usage: 'tradelane catalog recheck [--all] [--rules <dir>] [--json]',
    async run(s, args) {
      const dirAt = args.indexOf('--rules');
      const rules = dirAt >= 0 ? loadMarketRuleSets(args[dirAt + 1].replace(/\/?$/, '/')) : loadMarketRuleSets();
      const r = await recheckForRuleChange(s.db, rules, { all: args.includes('--all') });
      if (args.includes('--json')) console.log(JSON.stringify(r));
      else {
        console.log(`markets with rule changes: ${r.markets_changed.join(', ') || 'none'}`);
        if (r.rules_added.length) console.log(`  added:   ${r.rules_added.join(', ')}`);
        if (r.rules_removed.length) console.log(`  removed: ${r.rules_removed.join(', ')}`);
        if (r.rules_changed.length) console.log(`  changed: ${r.rules_changed.join(', ')}`);
        console.log(`listings: ${r.listings_active} active, ${r.listings_checked} re-checked, ${r.status_changed.length} changed status`);
        for (const c of r.status_changed) console.log(`  ${c.listing_id} ${c.market}: ${c.from} → ${c.to}`);
      }
      return 0;
    },
  },
  'catalog certificates': {
    summary: 'Raise the notice for certificates expiring within 30 days (the daily job, now)',
    async run(s) {
      const ids = await notifyExpiringCertificates(s.db);
      console.log(`${ids.length} certificate expiry notice${ids.length === 1 ? '' : 's'} raised${ids.length ? ': ' + ids.join(', ') : ''}`);
      return 0;
    },
  },
};
