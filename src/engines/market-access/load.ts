// File loader for the market-access rules (data/market-access/*.json). Separate from the
// engine so the engine stays pure.

import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { MarketRuleSet } from './types.ts';
import type { AttributeHints } from './hints.ts';

export const MARKET_ACCESS_DATA_DIR = fileURLToPath(new URL('../../../data/market-access/', import.meta.url));

/** All rule sets: one per market plus global.json (market "*"). */
export function loadMarketRuleSets(dir = MARKET_ACCESS_DATA_DIR): MarketRuleSet[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') && f !== 'attribute-hints.json')
    .sort()
    .map((f) => JSON.parse(readFileSync(dir + f, 'utf8')) as MarketRuleSet);
}

export function loadAttributeHints(dir = MARKET_ACCESS_DATA_DIR): AttributeHints {
  return JSON.parse(readFileSync(dir + 'attribute-hints.json', 'utf8')) as AttributeHints;
}
