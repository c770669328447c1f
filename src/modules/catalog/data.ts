import { loadHsEngineData } from '../../engines/hs/load.ts';
import type { ClassifierIndex, HsNomenclature, NationalFormats } from '../../engines/hs/index.ts';
import { loadAttributeHints, loadMarketRuleSets } from '../../engines/market-access/load.ts';
import type { AttributeHints, MarketRuleSet } from '../../engines/market-access/index.ts';

/**
 * The rule data the catalogue works with: HS 2022 nomenclature + classifier index, national code
 * formats, market-access rule sets and attribute hints. Loaded once per process (the classifier
 * index takes a second or two) and shared by routes and by the functions other modules call.
 */
export interface CatalogData {
  nomenclature: HsNomenclature;
  index: ClassifierIndex;
  nationalFormats: NationalFormats;
  hints: AttributeHints;
}

let hs: CatalogData | null = null;
let rules: MarketRuleSet[] | null = null;

export function catalogData(): CatalogData {
  if (!hs) {
    const loaded = loadHsEngineData();
    hs = { ...loaded, hints: loadAttributeHints() };
  }
  return hs;
}

/** The market-access rules in force in this process. */
export function marketRules(): MarketRuleSet[] {
  rules ??= loadMarketRuleSets();
  return rules;
}

/** Replace the rules in force (after `recheckForRuleChange` has compared old and new). */
export function setMarketRules(next: MarketRuleSet[]) {
  rules = next;
}

export function marketCodes(sets = marketRules()): string[] {
  return sets.map((s) => s.market).filter((m) => m !== '*').sort();
}
