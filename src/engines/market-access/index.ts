// Public face of the market-access engine: rules per destination market as plain data in,
// a status with bilingual (en / zh-CN) reasons out. Load the shipped rules with ./load.ts.

export {
  checkMarketAccess,
  certificateValid,
  ruleApplies,
  ruleInForce,
  ruleMatchesProduct,
  ruleSetsFor,
  type CheckOptions,
} from './check.ts';
export { diffRuleSets, needsRecheck, type RuleSetDiff, type RuleChange } from './diff.ts';
export { validateRuleSets } from './validate.ts';
export { suggestAttributes, type AttributeHint, type AttributeHints } from './hints.ts';
export type {
  Product,
  ProductAttributes,
  LithiumBatteryUn,
  Certificate,
  MarketRule,
  MarketRuleSet,
  RuleMatch,
  RuleKind,
  Bilingual,
  Finding,
  MarketAccessResult,
} from './types.ts';
