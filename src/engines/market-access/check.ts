// checkMarketAccess: which rules of a destination market apply to a product, which of them
// the seller's certificates already discharge, and the resulting status:
//   blocked                 – a blocking rule applies and no valid licence/permit discharges it
//   allowed_with_conditions – no block, but conditions remain to be met
//   allowed                 – nothing applies, or everything is discharged
// Adding a certificate can only move findings from blocks/conditions to satisfied, never the
// other way (property-tested), so a result never gets worse with more paperwork.

import type { Certificate, Finding, MarketAccessResult, MarketRule, MarketRuleSet, Product, RuleMatch } from './types.ts';

export interface CheckOptions {
  date: string; // YYYY-MM-DD: rules in force and certificates valid on this day
  certificates?: Certificate[];
}

const digits = (code: string) => code.replace(/[^0-9]/g, '');

export function ruleMatchesProduct(match: RuleMatch, product: Product): boolean {
  const hs = digits(product.hsCode);
  if (match.hsPrefixes && !match.hsPrefixes.some((p) => hs.startsWith(p))) return false;
  if (match.excludeHsPrefixes && match.excludeHsPrefixes.some((p) => hs.startsWith(p))) return false;
  if (match.originCountries && !match.originCountries.includes(product.originCountry.toUpperCase())) return false;
  if (match.lithiumBattery && !(product.attributes.lithiumBattery && match.lithiumBattery.includes(product.attributes.lithiumBattery))) return false;
  if (match.attributes) {
    for (const [key, wanted] of Object.entries(match.attributes)) {
      const has = Boolean(product.attributes[key as keyof typeof product.attributes]);
      if (has !== wanted) return false;
    }
  }
  return true;
}

export function ruleInForce(rule: MarketRule, date: string): boolean {
  if (rule.effective_from && date < rule.effective_from) return false;
  if (rule.effective_to && date > rule.effective_to) return false;
  return true;
}

export function ruleApplies(rule: MarketRule, product: Product, date: string): boolean {
  return ruleInForce(rule, date) && rule.match.some((m) => ruleMatchesProduct(m, product));
}

type CertificateCheck = { ok: true } | { ok: false; note: { en: string; zh: string } };

/** Is this certificate usable for this product, market and day? */
export function certificateValid(cert: Certificate, product: Product, market: string, date: string): CertificateCheck {
  const hs = digits(product.hsCode);
  if (cert.expiry && cert.expiry < date) {
    return { ok: false, note: { en: `${cert.type} ${cert.number} expired on ${cert.expiry}`, zh: `${cert.type} ${cert.number} 已于 ${cert.expiry} 过期` } };
  }
  if (cert.issuedAt && cert.issuedAt > date) {
    return { ok: false, note: { en: `${cert.type} ${cert.number} is not valid before ${cert.issuedAt}`, zh: `${cert.type} ${cert.number} 在 ${cert.issuedAt} 之前无效` } };
  }
  if (cert.scope?.markets && !cert.scope.markets.map((m) => m.toUpperCase()).includes(market)) {
    return { ok: false, note: { en: `${cert.type} ${cert.number} does not cover market ${market}`, zh: `${cert.type} ${cert.number} 不适用于市场 ${market}` } };
  }
  if (cert.scope?.hsPrefixes && !cert.scope.hsPrefixes.some((p) => hs.startsWith(digits(p)))) {
    return { ok: false, note: { en: `${cert.type} ${cert.number} does not cover HS ${hs}`, zh: `${cert.type} ${cert.number} 不涵盖 HS ${hs}` } };
  }
  return { ok: true };
}

function finding(rule: MarketRule): Finding {
  return {
    ruleId: rule.id,
    kind: rule.kind,
    effect: rule.effect,
    reason: rule.reason,
    source: rule.source,
    as_of: rule.as_of,
    ...(rule.satisfiedBy ? { satisfiedBy: rule.satisfiedBy } : {}),
  };
}

/** Rule sets for one market: the market's own and the "*" sets (e.g. air-transport rules). */
export function ruleSetsFor(market: string, ruleSets: readonly MarketRuleSet[]): MarketRuleSet[] {
  const m = market.toUpperCase();
  return ruleSets.filter((s) => s.market === m || s.market === '*');
}

export function checkMarketAccess(product: Product, market: string, ruleSets: readonly MarketRuleSet[], options: CheckOptions): MarketAccessResult {
  const m = market.toUpperCase();
  const sets = ruleSetsFor(m, ruleSets);
  if (!sets.some((s) => s.market === m)) throw new Error(`No market-access rules for market ${m}`);
  const certificates = options.certificates ?? [];
  const blocks: Finding[] = [];
  const conditions: Finding[] = [];
  const satisfied: Finding[] = [];

  for (const set of sets) {
    for (const rule of set.rules) {
      if (!ruleApplies(rule, product, options.date)) continue;
      const f = finding(rule);
      const notes: { en: string; zh: string }[] = [];
      // Try each alternative group; a group is met when each of its types has a valid certificate.
      let used: Certificate[] | null = null;
      for (const group of rule.satisfiedBy ?? []) {
        const picked: Certificate[] = [];
        for (const type of group) {
          const candidates = certificates.filter((c) => c.type === type);
          const good = candidates.find((c) => certificateValid(c, product, m, options.date).ok);
          if (good) picked.push(good);
          else for (const c of candidates) {
            const check = certificateValid(c, product, m, options.date);
            if (!check.ok) notes.push(check.note);
          }
        }
        if (picked.length === group.length) {
          used = picked;
          break;
        }
      }
      if (used) {
        satisfied.push({ ...f, certificates: used.map((c) => ({ type: c.type, number: c.number, issuer: c.issuer, expiry: c.expiry ?? null })) });
      } else {
        if (notes.length) f.certificateNotes = notes;
        (rule.effect === 'block' ? blocks : conditions).push(f);
      }
    }
  }
  const own = sets.find((s) => s.market === m)!;
  return {
    market: m,
    date: options.date,
    status: blocks.length > 0 ? 'blocked' : conditions.length > 0 ? 'allowed_with_conditions' : 'allowed',
    blocks,
    conditions,
    satisfied,
    ...(own.labelling ? { labelling: own.labelling } : {}),
    rulesVersion: sets.map((s) => `${s.market}@${s.version}`),
  };
}
