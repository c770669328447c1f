// Structural check of rule data, used by tests and by anyone loading a new rules version:
// every rule needs an id, en + zh reasons, a source and an as_of date.

import type { MarketRuleSet } from './types.ts';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function validateRuleSets(sets: readonly MarketRuleSet[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const s of sets) {
    if (!s.market || !s.version || !DATE.test(s.as_of)) problems.push(`${s.market}: market, version and as_of are required`);
    for (const r of s.rules) {
      const where = `${s.market}/${r.id}`;
      if (seen.has(r.id)) problems.push(`${where}: duplicate rule id`);
      seen.add(r.id);
      if (!r.reason?.en?.trim() || !r.reason?.zh?.trim()) problems.push(`${where}: reason needs en and zh`);
      if (!r.source?.trim()) problems.push(`${where}: source missing`);
      if (!DATE.test(r.as_of ?? '')) problems.push(`${where}: as_of must be YYYY-MM-DD`);
      if (!Array.isArray(r.match) || r.match.length === 0) problems.push(`${where}: match must list at least one alternative`);
      if (r.effect !== 'block' && r.effect !== 'condition') problems.push(`${where}: effect must be block or condition`);
      if (r.kind === 'prohibited' && r.satisfiedBy) problems.push(`${where}: a prohibition cannot be discharged by a certificate`);
      for (const f of ['effective_from', 'effective_to'] as const) if (r[f] && !DATE.test(r[f]!)) problems.push(`${where}: ${f} must be YYYY-MM-DD`);
    }
  }
  return problems;
}
