// diffRuleSets: what changed between two versions of the rules, so the catalogue can re-check
// only the listings a change can touch (needsRecheck).

import { ruleMatchesProduct } from './check.ts';
import type { MarketRule, MarketRuleSet, Product } from './types.ts';

export interface RuleChange {
  market: string;
  id: string;
  before: MarketRule;
  after: MarketRule;
  fields: (keyof MarketRule)[];
}

export interface RuleSetDiff {
  added: { market: string; rule: MarketRule }[];
  removed: { market: string; rule: MarketRule }[];
  changed: RuleChange[];
  /** markets whose labelling requirements changed */
  labellingChanged: string[];
  /** markets with any change */
  markets: string[];
}

const FIELDS: (keyof MarketRule)[] = ['kind', 'effect', 'match', 'satisfiedBy', 'reason', 'source', 'as_of', 'effective_from', 'effective_to'];

/** Key order-insensitive JSON, so a re-formatted file is not reported as a change. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value as object).sort().filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function index(sets: readonly MarketRuleSet[]): Map<string, { market: string; rule: MarketRule }> {
  const out = new Map<string, { market: string; rule: MarketRule }>();
  for (const s of sets) for (const rule of s.rules) out.set(`${s.market}\u0000${rule.id}`, { market: s.market, rule });
  return out;
}

export function diffRuleSets(oldSets: readonly MarketRuleSet[], newSets: readonly MarketRuleSet[]): RuleSetDiff {
  const before = index(oldSets);
  const after = index(newSets);
  const diff: RuleSetDiff = { added: [], removed: [], changed: [], labellingChanged: [], markets: [] };
  for (const [key, a] of after) {
    const b = before.get(key);
    if (!b) {
      diff.added.push(a);
      continue;
    }
    const fields = FIELDS.filter((f) => canonical(a.rule[f]) !== canonical(b.rule[f]));
    if (fields.length) diff.changed.push({ market: a.market, id: a.rule.id, before: b.rule, after: a.rule, fields });
  }
  for (const [key, b] of before) if (!after.has(key)) diff.removed.push(b);
  const oldLabel = new Map(oldSets.map((s) => [s.market, canonical(s.labelling)]));
  for (const s of newSets) if (oldLabel.has(s.market) && oldLabel.get(s.market) !== canonical(s.labelling)) diff.labellingChanged.push(s.market);
  diff.markets = [...new Set([...diff.added, ...diff.removed, ...diff.changed].map((x) => x.market).concat(diff.labellingChanged))].sort();
  return diff;
}

/**
 * Does a listing sold into `market` need a new check after this diff? True when an added,
 * removed or changed rule (old or new version) could apply to the product. Dates are ignored
 * on purpose: a change of effective date is itself a reason to re-check.
 */
export function needsRecheck(product: Product, market: string, diff: RuleSetDiff): boolean {
  const m = market.toUpperCase();
  const relevant = (x: { market: string }) => x.market === m || x.market === '*';
  const touches = (rule: MarketRule) => rule.match.some((mt) => ruleMatchesProduct(mt, product));
  if (diff.labellingChanged.includes(m)) return true;
  return (
    diff.added.some((a) => relevant(a) && touches(a.rule)) ||
    diff.removed.some((r) => relevant(r) && touches(r.rule)) ||
    diff.changed.some((c) => relevant(c) && (touches(c.before) || touches(c.after)))
  );
}
