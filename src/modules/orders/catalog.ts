import { readFileSync } from 'node:fs';
import type { Executor } from '../../kernel/db.ts';
import { AppError } from '../../kernel/errors.ts';
import * as catalogApi from '../catalog/index.ts';

/**
 * The one place the order hub talks to the catalogue: market access of the order's SKUs for the
 * ship-to country, through the catalogue module's checkSkusForMarket. The catalogue's markets are
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

export async function checkMarket(tx: Executor, orgId: string, skus: string[], country: string): Promise<MarketCheck & { market: string }> {
  const market = marketFor(country);
  const codes = [...new Set(skus)];
  try {
    const r = await (override ?? (catalogApi.checkSkusForMarket as unknown as CheckFn))(tx, orgId, codes, market);
    return { status: r.status, perSku: r.perSku, reasons: r.reasons, market };
  } catch (err) {
    // the catalogue answers 400 for a market it has no rules for: not checked, not blocked
    if (err instanceof AppError && err.status === 400 && /market/i.test(err.message)) {
      return { status: 'allowed_with_conditions', perSku: {}, reasons: [`no market-access rules for ${market}; the goods were not checked`], market };
    }
    throw err;
  }
}

/** Tests replace the catalogue check (e.g. to block a SKU without catalogue data); undefined restores it. */
export function setMarketCheckForTests(fn: CheckFn | undefined) {
  override = fn;
}
