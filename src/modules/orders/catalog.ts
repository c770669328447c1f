import { readFileSync } from 'node:fs';
import type { Executor, Statement } from '../../kernel/db.ts';
import { AppError } from '../../kernel/errors.ts';
import * as catalogApi from '../catalog/index.ts';

/**
 * The one place the order hub talks to the catalogue: market access of the order's SKUs for the
 * ship-to country, through the catalogue module's marketAccessReads. The catalogue's markets are
 * customs territories: an EU member state is checked as "EU" (members read from
 * data/tax/markets.json). A country without market-access rules is not blocked; the order passes
 * with the condition "no market-access rules for XX".
 */
export interface MarketCheck {
  status: 'allowed' | 'allowed_with_conditions' | 'blocked';
  perSku: unknown;
  reasons: string[];
}

type CheckFn = (tx: Executor, orgId: string, codes: string[], market: string) => Promise<MarketCheck>;
let override: CheckFn | undefined;

let euMembers: Set<string> | undefined;
function marketFor(country: string): string {
  euMembers ??= new Set(Object.keys(JSON.parse(readFileSync(new URL('../../../data/tax/markets.json', import.meta.url), 'utf8')).markets.EU.member_currencies));
  return euMembers.has(country) ? 'EU' : country;
}

/**
 * Market access of many orders' SKUs for their ship-to countries: the catalogue reads as statements
 * (one set for all orders, marketAccessReads), for a caller that sends them with its own reads in one
 * round trip; `answers` gives each order's market check from their results, as if checked alone.
 */
export function marketReads(orgId: string, orders: Array<{ skus: string[]; country: string }>): {
  statements: Statement[]; answers(tx: Executor, results: any[][]): Promise<Array<MarketCheck & { market: string }>>;
} {
  const reads = override ? null : catalogApi.marketAccessReads(orgId, orders.flatMap((o) => o.skus));
  return {
    statements: reads?.statements ?? [],
    async answers(tx, results) {
      const answers: Array<MarketCheck & { market: string }> = new Array(orders.length);
      const byMarket = new Map<string, number[]>();
      orders.forEach((o, i) => {
        const market = marketFor(o.country);
        byMarket.set(market, [...(byMarket.get(market) ?? []), i]);
      });
      for (const [market, which] of byMarket) {
        const sets = which.map((i) => [...new Set(orders[i].skus)]);
        try {
          const checks = reads ? reads.check(results, sets, market) : await Promise.all(sets.map((codes) => override!(tx, orgId, codes, market)));
          which.forEach((i, k) => { answers[i] = { status: checks[k].status, perSku: checks[k].perSku, reasons: checks[k].reasons, market }; });
        } catch (err) {
          // the catalogue answers 400 for a market it has no rules for: not checked, not blocked
          if (!(err instanceof AppError && err.status === 400 && /market/i.test(err.message))) throw err;
          for (const i of which) answers[i] = { status: 'allowed_with_conditions', perSku: {}, reasons: [`no market-access rules for ${market}; the goods were not checked`], market };
        }
      }
      return answers;
    },
  };
}

/** Tests replace the catalogue check (e.g. to block a SKU without catalogue data); undefined restores it. */
export function setMarketCheckForTests(fn: CheckFn | undefined) {
  override = fn;
}
