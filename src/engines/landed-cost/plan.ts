// Per (market, destination, date, currencies, FX snapshot) preparation, cached: everything that does
// not depend on the lines is resolved once (rules in force, thresholds in destination minor units,
// FX factors, shared explanation objects), so the per-line path stays allocation-light.
import { allInForce, inForce, type CompiledMarket, type Dated, type LandedCostData, type RuleRef, type Threshold } from './compile.ts';
import { LandedCostInputError } from './errors.ts';
import { convert, daysBetween, fxFactor, type FxFactor, type FxSnapshot } from './fx.ts';
import { majorToMinor, percentToParts } from './money.ts';
import type { Explanation } from './types.ts';

export const IDENTITY: FxFactor = Object.freeze({ from: '', to: '', num: 1, den: 1, rateText: '1' });

export function explain(ref: RuleRef, rate?: string, base?: number, note?: string): Explanation {
  return { ruleId: ref.id, rate, base, source: ref.source, asOf: ref.asOf, confidence: ref.confidence, note: note ?? ref.note };
}

export interface PlanThreshold { rule: Dated<Threshold>; limit: number; explanation: Explanation }

export interface Plan {
  m: CompiledMarket;
  dest: string;
  sub: string | undefined;
  date: string;
  destCur: string;
  saleCur: string;
  fx: FxSnapshot | undefined;
  fxChecked: boolean;
  factors: Map<string, FxFactor>;
  toDest: FxFactor;
  cif: boolean;
  valuation: Dated<'CIF' | 'FOB'>;
  valuationExplanation: Explanation;
  customsNote: Explanation;
  vatRule: Dated<{ parts: number; text: string }> | undefined;
  baseReview: string[];
  programsByOrigin: Map<string, string[]>;
  col2: Set<string> | undefined;
  col2Ref: RuleRef | undefined;
  prefs: Dated<{ name: string; origins: string[]; rate: string }>[];
  prefParts: number[];
  additional: CompiledMarket['additionalDuties'];
  surcharges: { rule: Dated<{ name: string; rateOfDuty: string }>; parts: number }[];
  industrialFree: CompiledMarket['industrialDutyFree'];
  dutyFreeExcept: CompiledMarket['dutyFreeExceptChapters'];
  personal: CompiledMarket['personalUseFactor'];
  flat: { rule: NonNullable<ReturnType<typeof inForce<{ amountPerSubheading: string; currency: string; maxIntrinsic: string; digits: number }>>>; limit: number; per: number } | undefined;
  dutyDm: Map<string, PlanThreshold | null>;
  taxDm: Map<string, PlanThreshold | null>;
  regime: { rule: CompiledMarket['lowValueRegimes'][number]; limit: number } | undefined;
  fees: { rule: CompiledMarket['fees'][number]; parts: number; min: number; max: number; informal: number; formal: number }[];
  pendingFees: string[];
  postal: CompiledMarket['postalTiers'];
  taxSplit: CompiledMarket['taxSplit'];
  dataSources: { id: string; edition: string; asOf: string; source: string }[];
  fxInfo: { snapshotId: string; source: string; date: string; rule: string; saleToDestination: string } | null;
}

// Plan cache: FX snapshot (by identity) or data -> date -> destination -> plans (scan on currency/subdivision).
type PlanIndex = Map<string, Map<string, Plan[]>>;
const noFxPlans = new WeakMap<LandedCostData, PlanIndex>();
const fxPlans = new WeakMap<FxSnapshot, PlanIndex>();
const MAX_DATES = 512;

export function factorFor(plan: Plan, from: string, to: string, field: string): FxFactor {
  if (from === to) return IDENTITY;
  const key = from + to;
  let f = plan.factors.get(key);
  if (f) return f;
  const fx = plan.fx;
  if (!fx) throw new LandedCostInputError(field, `amounts in ${from} and ${to} need an FX snapshot (input.fx)`);
  if (!plan.fxChecked) {
    if (typeof fx.date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(fx.date)) throw new LandedCostInputError('fx.date', 'must be an ISO date');
    const age = daysBetween(fx.date, plan.date);
    if (age < 0) throw new LandedCostInputError('fx.date', `FX snapshot ${fx.id} is dated ${fx.date}, after the quote date ${plan.date}`);
    if (age > plan.m.fx.maxAgeDays) throw new LandedCostInputError('fx.date', `no FX rate for ${plan.date}: snapshot ${fx.id} is ${age} days old (market ${plan.m.code}: ${plan.m.fx.rule}; max ${plan.m.fx.maxAgeDays} days)`);
    plan.fxChecked = true;
  }
  f = fxFactor(fx, from, to, 'fx');
  plan.factors.set(key, f);
  return f;
}

function toDestMinor(plan: Plan, amount: string, currency: string, field: string): number {
  const minor = majorToMinor(amount, currency, field);
  return currency === plan.destCur ? minor : convert(minor, factorFor(plan, currency, plan.destCur, field), 'half-up');
}

export function getPlan(data: LandedCostData, m: CompiledMarket, dest: string, sub: string | undefined, date: string, saleCur: string, fx: FxSnapshot | undefined): Plan {
  let index: PlanIndex | undefined;
  if (fx && typeof fx === 'object') {
    index = fxPlans.get(fx);
    if (!index) { index = new Map(); fxPlans.set(fx, index); }
  } else {
    index = noFxPlans.get(data);
    if (!index) { index = new Map(); noFxPlans.set(data, index); }
  }
  let byDest = index.get(date);
  if (!byDest) {
    if (index.size >= MAX_DATES) index.clear();
    byDest = new Map();
    index.set(date, byDest);
  }
  let plans = byDest.get(dest);
  if (!plans) { plans = []; byDest.set(dest, plans); }
  for (let i = 0; i < plans.length; i++) {
    const p = plans[i];
    if (p.saleCur === saleCur && p.sub === sub && p.m === m) return p;
  }
  const plan = buildPlan(data, m, dest, sub, date, saleCur, fx);
  if (plans.length < 64) plans.push(plan);
  return plan;
}

function buildPlan(data: LandedCostData, m: CompiledMarket, dest: string, sub: string | undefined, date: string, saleCur: string, fx: FxSnapshot | undefined): Plan {
  const ms = Date.parse(date + 'T00:00:00Z');
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date) throw new LandedCostInputError('date', 'must be a valid calendar date yyyy-mm-dd');
  const destCur = m.memberCurrencies?.[dest] ?? m.currency;
  const valuation = inForce(m.valuation, date);
  if (!valuation) throw new LandedCostInputError('date', `no customs valuation rule for ${m.code} in force on ${date}`);
  const baseReview: string[] = [];
  let vatRule: Plan['vatRule'];
  if (m.taxName) {
    const key = sub && m.vatRates.has(sub) ? sub : dest;
    vatRule = inForce(m.vatRates.get(key), date);
    if (!vatRule) throw new LandedCostInputError('date', `no ${m.taxName} rate for ${key} in force on ${date} in the data`);
    if (m.code === 'CA' && key === 'CA') baseReview.push('CA: only the federal 5% GST is computed; give destinationSubdivision (e.g. CA-ON) for HST/provincial components');
  }
  const tariff = m.tariff;
  if (tariff && (tariff.meta.market === 'EU' || tariff.meta.market === 'GB')) {
    baseReview.push(`${tariff.meta.market} duty from ${tariff.meta.edition} (data dated ${tariff.meta.asOf}, codes mapped from HS2022 where needed); later tariff changes are not reflected`);
  }
  const cif = valuation.value === 'CIF';
  const plan: Plan = {
    m, dest, sub, date, destCur, saleCur, fx, fxChecked: false, factors: new Map(), toDest: IDENTITY, cif, valuation,
    valuationExplanation: Object.freeze(explain(valuation.ref)),
    customsNote: Object.freeze(explain(valuation.ref, undefined, undefined, cif ? 'CIF: goods + transport/insurance share' : 'FOB: goods only')),
    vatRule, baseReview, programsByOrigin: new Map(), col2: undefined, col2Ref: undefined,
    prefs: allInForce(m.preferences, date), prefParts: [], additional: allInForce(m.additionalDuties, date),
    surcharges: allInForce(m.surcharges, date).map((r) => ({ rule: r, parts: percentToParts(r.value.rateOfDuty, r.ref.id) })),
    industrialFree: inForce(m.industrialDutyFree, date), dutyFreeExcept: inForce(m.dutyFreeExceptChapters, date),
    personal: inForce(m.personalUseFactor, date), flat: undefined, dutyDm: new Map(), taxDm: new Map(), regime: undefined,
    fees: [], pendingFees: [], postal: inForce(m.postalTiers, date), taxSplit: inForce(m.taxSplit, date), dataSources: [], fxInfo: null,
  };
  plan.toDest = factorFor(plan, saleCur, destCur, 'fx');
  plan.prefParts = plan.prefs.map((p) => percentToParts(p.value.rate, p.ref.id));
  const programs = inForce(m.usPrograms, date);
  if (programs) for (const [symbol, countries] of Object.entries(programs.value)) for (const c of countries) {
    const list = plan.programsByOrigin.get(c) ?? [];
    list.push(symbol);
    plan.programsByOrigin.set(c, list);
  }
  const col2 = inForce(m.column2, date);
  if (col2) { plan.col2 = new Set(col2.value); plan.col2Ref = col2.ref; }
  const flat = inForce(m.flatDuty, date);
  if (flat) plan.flat = { rule: flat, limit: toDestMinor(plan, flat.value.maxIntrinsic, flat.value.currency, 'fx'), per: toDestMinor(plan, flat.value.amountPerSubheading, flat.value.currency, 'fx') };
  const regime = inForce(m.lowValueRegimes, date);
  if (regime) plan.regime = { rule: regime, limit: toDestMinor(plan, regime.value.threshold.amount, regime.value.threshold.currency, 'fx') };
  for (const fee of allInForce(m.fees, date)) {
    const f = fee.value;
    if (f.kind === 'pending') { plan.pendingFees.push(`${fee.ref.id}: ${f.name} not applied (${fee.ref.note ?? 'pending'})`); continue; }
    plan.fees.push({
      rule: fee, parts: percentToParts(f.rate ?? '0', fee.ref.id),
      min: f.min ? toDestMinor(plan, f.min, f.currency, 'fx') : 0, max: f.max ? toDestMinor(plan, f.max, f.currency, 'fx') : 0,
      informal: f.informalFlat ? toDestMinor(plan, f.informalFlat, f.currency, 'fx') : 0,
      formal: f.formalThreshold ? toDestMinor(plan, f.formalThreshold, f.currency, 'fx') : 0,
    });
  }
  plan.dataSources.push({ id: 'tax-markets', edition: `data/tax/markets.json (${m.code})`, asOf: '2026-11-21', source: 'data/tax/markets.json, data/tax/import-rules.json' });
  if (tariff) plan.dataSources.push({ id: tariff.meta.id, edition: tariff.meta.edition, asOf: tariff.meta.asOf, source: tariff.meta.source });
  if (tariff && tariff.meta.hsEdition !== 'HS2022') plan.dataSources.push({ id: 'unsd-hs2022-hs2017', edition: 'UNSD HS2022-HS2017 conversion', asOf: data.hs.asOf, source: data.hs.source });
  if (plan.additional.length) plan.dataSources.push({ id: data.ch99Meta.id, edition: 'HTS Chapter 99', asOf: data.ch99Meta.asOf, source: data.ch99Meta.source });
  Object.freeze(plan.dataSources);
  return plan;
}

/** The plan's FX description, once FX was actually used. */
export function fxInfo(plan: Plan): Plan['fxInfo'] {
  if (!plan.fxChecked || !plan.fx) return null;
  if (!plan.fxInfo) {
    const t = plan.toDest;
    plan.fxInfo = Object.freeze({ snapshotId: plan.fx.id, source: plan.fx.source, date: plan.fx.date, rule: plan.m.fx.rule, saleToDestination: t === IDENTITY ? `1 ${plan.saleCur} = 1 ${plan.destCur}` : t.rateText });
  }
  return plan.fxInfo;
}

/** Thresholds in force whose origin / ship-from / mode filters match; the most specific wins. Cached per plan. */
export function pickThreshold(plan: Plan, which: 'duty' | 'tax', origin: string, shipFrom: string, mode: string | undefined): PlanThreshold | null {
  const cache = which === 'duty' ? plan.dutyDm : plan.taxDm;
  const key = shipFrom === origin && mode === undefined ? origin : origin + shipFrom + (mode ?? '');
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  let best: Dated<Threshold> | undefined;
  let bestScore = -1;
  for (const r of allInForce(which === 'duty' ? plan.m.dutyDeMinimis : plan.m.taxDeMinimis, plan.date)) {
    const t = r.value;
    if (t.origins && !t.origins.includes(origin)) continue;
    if (t.shippedFrom && !t.shippedFrom.includes(shipFrom)) continue;
    if (t.modes && (!mode || !t.modes.includes(mode))) continue;
    const score = (t.origins ? 1 : 0) + (t.shippedFrom ? 1 : 0) + (t.modes ? 1 : 0);
    if (score > bestScore) { best = r; bestScore = score; }
  }
  const out = best ? { rule: best, limit: toDestMinor(plan, best.value.amount, best.value.currency, 'fx'), explanation: Object.freeze(explain(best.ref)) } : null;
  cache.set(key, out);
  return out;
}
