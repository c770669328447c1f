// The pure landed-cost calculation. No I/O: everything comes from `data` (compiled at load) and
// `input`. Money is integer minor units throughout; each rounding step names its mode.
// Hot-path notes: rules in force are resolved once per (market, date, currencies, FX snapshot) in
// plan.ts; per line we do Map lookups, integer arithmetic and a handful of small result objects.
import { inForce, resolveTariffLine, type LandedCostData, type RuleRef, type TariffEntry } from './compile.ts';
import { LandedCostInputError } from './errors.ts';
import { convert, type FxFactor } from './fx.ts';
import { assertMinorUnits, formatPercent, majorToMinor, minorUnitExponent, mulDivRound, PCT_DEN, percentToParts, roundToStep, type RoundingMode } from './money.ts';
import { explain, factorFor, fxInfo, getPlan, IDENTITY, pickThreshold, type Plan } from './plan.ts';
import { evaluateDuty, quantityNeeds, SUB_MINOR, type DutyContext, type DutyFormula } from './rates.ts';
import type { Collector, DutyComponent, Explanation, LandedCostInput, LandedCostQuote, LineQuote, ThresholdDecision, Totals } from './types.ts';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const COUNTRY = /^[A-Z]{2}$/;
const PLAIN_CODE = /^\d{6,10}$/;
const MAX_LINES = 10_000;
const MAX_QUANTITY = 10_000_000;
const NO_FEES: never[] = Object.freeze([]) as unknown as never[];

/** Split `total` over `weights` in proportion, exactly (largest remainder); zero weights get nothing. */
export function allocate(total: number, weights: readonly number[]): number[] {
  const out = new Float64Array(weights.length);
  allocateInto(total, Float64Array.from(weights), weights.length, out, new Float64Array(weights.length));
  return Array.from(out);
}

/** allocate() into caller-owned buffers (the hot path reuses module-level scratch arrays). */
function allocateInto(total: number, weights: Float64Array, n: number, out: Float64Array, rem: Float64Array): void {
  out.fill(0, 0, n);
  if (total === 0 || n === 0) return;
  if (n === 1) { out[0] = total; return; }
  let sum = 0;
  for (let i = 0; i < n; i++) sum += weights[i];
  if (sum === 0) { out[0] = total; return; }
  let given = 0;
  for (let i = 0; i < n; i++) {
    const share = mulDivRound(weights[i], total, sum, 'down');
    out[i] = share;
    given += share;
    const p = weights[i] * total;
    rem[i] = Number.isSafeInteger(p) ? p - share * sum : 0;
  }
  while (given < total) {
    let best = 0;
    for (let i = 1; i < n; i++) if (rem[i] > rem[best]) best = i;
    out[best] += 1; rem[best] = -1; given += 1;
  }
}

// Scratch buffers reused by every quote (the engine is synchronous); grown on demand.
let cap = 0;
let S_goods = new Float64Array(0), S_unit = new Float64Array(0), S_transport = new Float64Array(0);
let S_weights = new Float64Array(0), S_shares = new Float64Array(0), S_rem = new Float64Array(0);
let S_checkout = new Uint8Array(0), S_ok = new Uint8Array(0);
function ensureScratch(n: number): void {
  if (n <= cap) return;
  cap = Math.max(n, cap * 2, 64);
  S_goods = new Float64Array(cap); S_unit = new Float64Array(cap); S_transport = new Float64Array(cap);
  S_weights = new Float64Array(cap); S_shares = new Float64Array(cap); S_rem = new Float64Array(cap);
  S_checkout = new Uint8Array(cap); S_ok = new Uint8Array(cap);
}

function roundSub(amountSub: number, r: { step: number; mode: RoundingMode }): number {
  return roundToStep(mulDivRound(amountSub, 1, SUB_MINOR, r.mode), r.step, r.mode);
}

function compare(value: number, limit: number, strict: boolean): boolean {
  return strict ? value < limit : value <= limit;
}

function validateCountry(v: unknown, field: string): string {
  if (typeof v !== 'string' || !COUNTRY.test(v)) throw new LandedCostInputError(field, 'must be an ISO 3166-1 alpha-2 code (upper case)');
  return v;
}

function optionalNumber(v: unknown, field: string, max: number): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new LandedCostInputError(field, 'must be a finite non-negative number');
  if (v > max) throw new LandedCostInputError(field, `absurd value (> ${max})`);
  return v;
}

/** Reused evaluation context (the engine is synchronous, so one instance is enough). */
class DutyEval implements DutyContext {
  base = 0;
  monthDay = 0;
  qty = { grams: -1, millilitres: -1, items: 0 };
  plan!: Plan;
  missing?: DutyContext['missing'];
  convertSpecific(amount: number, currency: string): number {
    const p = this.plan;
    return currency === p.destCur ? amount : convert(amount, factorFor(p, currency, p.destCur, 'fx'), 'half-up');
  }
}
const DCTX = new DutyEval();

function evaluateFormula(f: DutyFormula, index: number, digits: string, review: string[], r: { step: number; mode: RoundingMode }): number {
  const field = `lines[${index}]`;
  if (f.unsupported) throw new LandedCostInputError(`${field}.hsCode`, `duty for ${digits} cannot be computed: ${f.unsupported} (rate text "${f.text}")`);
  const needs = quantityNeeds(f);
  if (needs & 1 && DCTX.qty.grams < 0) throw new LandedCostInputError(`lines[${index}].unitWeightKg`, `rate "${f.text}" is per kg: weight required`);
  if (needs & 2 && DCTX.qty.millilitres < 0) throw new LandedCostInputError(`${field}.unitVolumeLitres`, `rate "${f.text}" is per litre: volume required`);
  if (f.conditional) review.push(`${field}: rate "${f.text}" is conditional (quota / end use): review`);
  DCTX.missing = undefined;
  const amount = evaluateDuty(f, DCTX);
  if (DCTX.missing === 'season') throw new LandedCostInputError(`${field}.hsCode`, `seasonal rate "${f.text}" has no season covering the quote date`);
  if (f.seasons) review.push(`${field}: seasonal rate "${f.text}" applied for the quote date`);
  return roundSub(amount, r);
}

const overrideParts = new Map<string | number, number>();
function cachedPercent(v: string | number, index: number, suffix: string): number {
  let p = overrideParts.get(v);
  if (p === undefined) { p = percentToParts(v, index < 0 ? suffix : `lines[${index}]${suffix}`); if (overrideParts.size < 10_000) overrideParts.set(v, p); }
  return p;
}
const percentTexts = new Map<number, string>();
function percentText(parts: number): string {
  let t = percentTexts.get(parts);
  if (t === undefined) { t = formatPercent(parts); if (percentTexts.size < 10_000) percentTexts.set(parts, t); }
  return t;
}
function convertTotals(t: Totals, back: FxFactor): Totals {
  return {
    goods: convert(t.goods, back, 'half-up'), transport: convert(t.transport, back, 'half-up'), duty: convert(t.duty, back, 'half-up'),
    tax: convert(t.tax, back, 'half-up'), fees: convert(t.fees, back, 'half-up'), importCharges: convert(t.importCharges, back, 'half-up'),
    payableAtCheckout: convert(t.payableAtCheckout, back, 'half-up'), payableAtImport: convert(t.payableAtImport, back, 'half-up'), landedCost: convert(t.landedCost, back, 'half-up'),
  };
}

/** Quote duty, import VAT/GST, fees and the low-value regime for one consignment. */
export function quoteLandedCost(data: LandedCostData, input: LandedCostInput): LandedCostQuote {
  if (!input || typeof input !== 'object') throw new LandedCostInputError('input', 'must be an object');
  const dest = validateCountry(input.destinationCountry, 'destinationCountry');
  const marketCode = data.countryToMarket.get(dest);
  if (!marketCode) throw new LandedCostInputError('destinationCountry', `unknown market "${dest}" (supported: ${[...data.countryToMarket.keys()].join(', ')})`);
  const m = data.markets.get(marketCode)!;
  const origin = validateCountry(input.originCountry, 'originCountry');
  const shipFrom = input.shipFromCountry === undefined ? origin : validateCountry(input.shipFromCountry, 'shipFromCountry');
  const date = input.date;
  if (typeof date !== 'string' || !ISO_DATE.test(date)) throw new LandedCostInputError('date', 'must be an ISO date yyyy-mm-dd');
  const saleCur = input.saleCurrency;
  minorUnitExponent(saleCur, 'saleCurrency');
  if (input.incoterm !== 'DDP' && input.incoterm !== 'DAP') throw new LandedCostInputError('incoterm', 'must be DDP or DAP');
  const lines = input.lines;
  if (!Array.isArray(lines) || lines.length === 0) throw new LandedCostInputError('lines', 'at least one line is required');
  if (lines.length > MAX_LINES) throw new LandedCostInputError('lines', `too many lines (> ${MAX_LINES})`);
  const shippingSale = input.shipping === undefined ? 0 : assertMinorUnits(input.shipping, 'shipping');
  const insuranceSale = input.insurance === undefined ? 0 : assertMinorUnits(input.insurance, 'insurance');
  const consumer = input.buyerType !== 'business';
  const mode = input.transportMode;

  const plan = getPlan(data, m, dest, input.destinationSubdivision, date, saleCur, input.fx);
  const destCur = plan.destCur;
  const toDest = plan.toDest;
  const cif = plan.cif;
  const rounding = m.rounding;
  const review: string[] = plan.baseReview.length ? plan.baseReview.slice() : [];

  // ---- goods values and transport allocation --------------------------------------------------
  const n = lines.length;
  ensureScratch(n);
  const goods = S_goods;
  const unitDest = S_unit;
  let intrinsic = 0;
  for (let i = 0; i < n; i++) {
    const l = lines[i];
    if (!l || typeof l !== 'object') throw new LandedCostInputError(`lines[${i}]`, 'must be an object');
    if (!Number.isSafeInteger(l.quantity) || l.quantity < 1 || l.quantity > MAX_QUANTITY) throw new LandedCostInputError(`lines[${i}].quantity`, `must be an integer between 1 and ${MAX_QUANTITY}`);
    assertMinorUnits(l.unitValue, `lines[${i}].unitValue`);
    const lineSale = l.unitValue * l.quantity;
    if (!Number.isSafeInteger(lineSale) || lineSale > 1e14) throw new LandedCostInputError(`lines[${i}].unitValue`, 'quantity x unit value is absurdly large');
    goods[i] = toDest === IDENTITY ? lineSale : convert(lineSale, toDest, 'half-up');
    unitDest[i] = toDest === IDENTITY ? l.unitValue : convert(l.unitValue, toDest, 'half-up');
    intrinsic += goods[i];
  }
  const transportSale = shippingSale + insuranceSale;
  const transportDest = toDest === IDENTITY ? transportSale : convert(transportSale, toDest, 'half-up');
  const transportShares = S_transport;
  allocateInto(transportDest, goods, n, transportShares, S_rem);
  const personal = consumer ? plan.personal : undefined;

  // ---- duty per line ------------------------------------------------------------------------------
  const lineQuotes = new Array<LineQuote>(n);
  const tariff = m.tariff;
  DCTX.plan = plan;
  DCTX.monthDay = Number(date.slice(5, 7)) * 100 + Number(date.slice(8, 10));
  let customsTotal = 0;
  for (let i = 0; i < n; i++) {
    const l = lines[i];
    const raw = l.hsCode;
    if (typeof raw !== 'string') throw new LandedCostInputError(`lines[${i}].hsCode`, 'required');
    const known = tariff ? tariff.rawCodes.get(raw) : undefined;
    const digits = known ?? (PLAIN_CODE.test(raw) ? raw : raw.replace(/[\s.]/g, ''));
    if (known === undefined && !PLAIN_CODE.test(digits)) throw new LandedCostInputError(`lines[${i}].hsCode`, `"${raw}" is not an HS code of 6-10 digits`);
    const lineOrigin = l.originCountry === undefined ? origin : validateCountry(l.originCountry, `lines[${i}].originCountry`);
    const weightKg = l.unitWeightKg === undefined ? undefined : optionalNumber(l.unitWeightKg, `lines[${i}].unitWeightKg`, 100_000);
    const volumeL = l.unitVolumeLitres === undefined ? undefined : optionalNumber(l.unitVolumeLitres, `lines[${i}].unitVolumeLitres`, 100_000);
    const field = i as number;

    const customsGoods = personal ? mulDivRound(goods[i], personal.value, 100, 'half-up') : goods[i];
    const customsValue = customsGoods + (cif ? transportShares[i] : 0);
    customsTotal += customsValue;
    const dutyBase = rounding.duty.baseStep > 1 ? roundToStep(customsValue, rounding.duty.baseStep, rounding.duty.baseMode) : customsValue;
    DCTX.base = dutyBase;
    DCTX.qty.items = l.quantity;
    DCTX.qty.grams = weightKg === undefined ? -1 : Math.round(weightKg * 1000 * l.quantity);
    DCTX.qty.millilitres = volumeL === undefined ? -1 : Math.round(volumeL * 1000 * l.quantity);

    const components: DutyComponent[] = [];
    let tariffLine: LineQuote['tariffLine'] = null;

    if (l.dutyRateOverride) {
      const o = l.dutyRateOverride;
      const parts = cachedPercent(o.adValoremPct, field, '.dutyRateOverride.adValoremPct');
      if (parts > 1000 * (PCT_DEN / 100)) throw new LandedCostInputError(`lines[${field}].dutyRateOverride.adValoremPct`, 'absurd rate (> 1000%)');
      if (typeof o.reason !== 'string' || !o.reason) throw new LandedCostInputError(`lines[${field}].dutyRateOverride.reason`, 'a reason/source is required');
      const amount = roundSub(mulDivRound(dutyBase, parts, PCT_DEN / SUB_MINOR, 'half-up'), rounding.duty);
      components.push({ kind: 'override', amount, currency: destCur, explanation: { ruleId: 'CALLER-DUTY-RATE', rate: percentText(parts), base: dutyBase, source: o.reason, asOf: date, confidence: undefined, note: undefined } });
    } else if (tariff) {
      const resolved = resolveTariffLine(tariff, data.hs, digits);
      if (typeof resolved === 'string') throw new LandedCostInputError(`lines[${field}].hsCode`, `unknown HS code ${digits} for ${m.code}: ${resolved}`);
      if (known === undefined && tariff.rawCodes.size < 100_000) tariff.rawCodes.set(raw, digits);
      const e = resolved.entry;
      tariffLine = resolved.view ?? (resolved.view = Object.freeze({ code: e.code, dataset: tariff.meta.id, edition: tariff.meta.edition, asOf: tariff.meta.asOf, mappedFrom: resolved.mappedFrom, note: resolved.note }));
      if (resolved.note !== undefined && resolved.note.startsWith('ambiguous')) review.push(`lines[${field}]: ${resolved.note}`);
      const tref = e.ref ?? (e.ref = { id: `${tariff.meta.id}:${e.code}`, source: tariff.meta.source, asOf: tariff.meta.asOf, confidence: tariff.meta.market === 'EU' || tariff.meta.market === 'GB' ? 'medium' : 'high' });
      if (plan.col2 !== undefined && e.column2 !== undefined && plan.col2.has(lineOrigin)) {
        components.push({ kind: 'column2', amount: evaluateFormula(e.column2, field, digits, review, rounding.duty), currency: destCur, explanation: explain(tref, e.column2.text, dutyBase, `column 2 rate for origin ${lineOrigin} (${plan.col2Ref!.source})`) });
      } else {
        let best = -1; let bestF = e.mfn[0];
        for (let k = 0; k < e.mfn.length; k++) { const a = evaluateFormula(e.mfn[k], field, digits, review, rounding.duty); if (best < 0 || a < best) { best = a; bestF = e.mfn[k]; } }
        let kind: DutyComponent['kind'] = 'mfn';
        let expl = explain(tref, bestF.text, dutyBase, e.mfn.length > 1 ? (e.mfnNote ??= `applied MFN = lowest of ${e.mfn.map((f) => f.text).join(' / ')}`) : undefined);
        if (l.preferentialOriginClaim) {
          const pref = preferentialFormula(plan, e, lineOrigin);
          if (pref) {
            const a = evaluateFormula(pref.formula, field, digits, review, rounding.duty);
            if (a <= best) { best = a; kind = 'preferential'; expl = explain(pref.ref, pref.formula.text, dutyBase, `${pref.name} for origin ${lineOrigin} (claim made; proof of origin required)`); }
          } else review.push(`lines[${field}]: preferential origin claimed for ${lineOrigin} but no preference for it in the ${m.code} data`);
        }
        components.push({ kind, amount: best, currency: destCur, explanation: expl });
      }
      for (let k = 0; k < plan.additional.length; k++) {
        const ad = plan.additional[k];
        if (ad.value.origins !== '*' && !ad.value.origins.includes(lineOrigin)) continue;
        let pct: number | null = null; let heading = ad.value.heading ?? '';
        if (ad.value.method === 'flat') pct = Number(ad.value.rate);
        else if (e.ch99Refs) for (const ref of e.ch99Refs) {
          if (!ad.value.prefixes?.some((p) => ref.startsWith(p)) || ad.value.exclude?.includes(ref)) continue;
          const h = data.ch99.get(ref);
          if (h && h.pct !== null && h.from <= date && date <= h.to && (pct === null || h.pct > pct)) { pct = h.pct; heading = ref; }
        }
        if (pct === null) continue;
        const parts = cachedPercent(pct, -1, 'ch99');
        const amount = roundSub(mulDivRound(dutyBase, parts, PCT_DEN / SUB_MINOR, 'half-up'), rounding.duty);
        components.push({ kind: 'additional', amount, currency: destCur, explanation: explain(ad.ref, `+${pct}% (${heading})`, dutyBase, `${ad.value.name}: review required`) });
        review.push(`lines[${field}]: ${ad.value.name} heading ${heading} applied (+${pct}%): review exclusions and product scope`);
      }
    } else {
      const chapter = Number(digits.slice(0, 2));
      const ind = plan.industrialFree;
      const except = plan.dutyFreeExcept;
      if (ind && chapter >= ind.value.from && chapter <= ind.value.to) {
        components.push({ kind: 'mfn', amount: 0, currency: destCur, explanation: explain(ind.ref, '0%', dutyBase) });
      } else if (except && !except.value.includes(chapter)) {
        components.push({ kind: 'mfn', amount: 0, currency: destCur, explanation: explain(except.ref, '0%', dutyBase) });
      } else {
        throw new LandedCostInputError(`lines[${field}].dutyRateOverride`, `no ${m.code} tariff schedule in the data for HS ${digits}: supply dutyRateOverride {adValoremPct, reason}`);
      }
    }
    let dutySum = 0;
    for (let k = 0; k < components.length; k++) dutySum += components[k].amount;
    for (let k = 0; k < plan.surcharges.length; k++) {
      const s = plan.surcharges[k];
      const parts = l.dutySurchargePct === undefined ? s.parts : cachedPercent(l.dutySurchargePct, field, '.dutySurchargePct');
      const amount = roundSub(mulDivRound(dutySum, parts, PCT_DEN / SUB_MINOR, 'half-up'), rounding.duty);
      components.push({ kind: 'surcharge', amount, currency: destCur, explanation: explain(s.rule.ref, `${percentText(parts)} of duty`, dutySum, l.dutySurchargePct !== undefined ? `${s.rule.value.name}: rate given by the caller` : s.rule.value.name) });
      dutySum += amount;
    }
    lineQuotes[i] = {
      index: i, hsCode: digits, description: l.description, tariffLine,
      goodsValue: goods[i], transportShare: transportShares[i],
      customsValue: { amount: customsValue, currency: destCur, explanation: plan.customsNote },
      duty: { amount: dutySum, components, relievedBy: undefined },
      fees: NO_FEES,
      tax: undefined as unknown as LineQuote['tax'],
      total: 0,
    };
  }
  if (personal) review.push(`${m.code}: personal-use taxable value = ${personal.value}% of the price (${personal.ref.id})`);

  // Excise goods (alcohol, tobacco) are outside every low-value relief and point-of-sale regime.
  let excise = false;
  const exciseRule = m.exciseChapters;
  if (exciseRule) for (let i = 0; i < n && !excise; i++) excise = exciseRule.chapters.has(Number(lineQuotes[i].hsCode.slice(0, 2)));
  if (excise) review.push(`${exciseRule!.ref.id}: consignment contains excise goods (HS chapters ${[...exciseRule!.chapters].join(', ')}): no low-value relief or point-of-sale regime`);

  // ---- consignment-level duty rules ---------------------------------------------------------------
  let dutyDecision: ThresholdDecision = { ruleId: null, applies: false };
  let flatApplied = false;
  const flat = plan.flat;
  if (flat) {
    const eligible = !excise && intrinsic <= flat.limit;
    const ref = flat.rule.ref;
    dutyDecision = { ruleId: ref.id, applies: false, threshold: { amount: flat.limit, currency: destCur, explanation: explain(ref) }, compared: intrinsic, explanation: explain(ref, undefined, intrinsic, eligible ? 'low-value consignment: flat duty per tariff subheading replaces the tariff duty' : 'above the low-value limit: tariff duty applies') };
    if (eligible) {
      flatApplied = true;
      const seen = new Set<string>();
      const fv = flat.rule.value;
      for (const q of lineQuotes) {
        const sub = q.hsCode.slice(0, fv.digits);
        const amount = seen.has(sub) ? 0 : flat.per;
        seen.add(sub);
        q.duty.components = [{ kind: 'flat', amount, currency: destCur, explanation: explain(ref, `${fv.currency} ${fv.amountPerSubheading} per distinct subheading`, undefined, amount ? `first line of subheading ${sub}` : `subheading ${sub} already charged`) }];
        q.duty.amount = amount;
      }
      if (!input.registrations?.EU_IOSS && !input.marketplace) review.push(`${ref.id}: consignment is not declared under IOSS; whether the flat duty applies to non-IOSS low-value consignments is unconfirmed`);
    }
  }
  const dm = pickThreshold(plan, 'duty', origin, shipFrom, mode);
  if (!flatApplied && dm && dm.rule.value.basis !== 'total_revenue_below') {
    const t = dm.rule.value;
    let dutyTotal = 0;
    for (const q of lineQuotes) dutyTotal += q.duty.amount;
    const compared = t.basis === 'intrinsic' ? intrinsic : t.basis === 'duty_amount' ? dutyTotal : customsTotal;
    const applies = !excise && dm.limit > 0 && compare(compared, dm.limit, t.strict);
    dutyDecision = { ruleId: dm.rule.ref.id, applies, threshold: { amount: dm.limit, currency: destCur, explanation: dm.explanation }, compared, explanation: explain(dm.rule.ref, undefined, compared, dm.limit === 0 ? 'no de minimis: suspended / none for this case' : undefined) };
    if (applies) for (const q of lineQuotes) { q.duty.amount = 0; q.duty.relievedBy = dm.rule.ref.id; }
  }

  // ---- US postal specific duty (historical window) ---------------------------------------------------
  if (plan.postal && mode === 'postal' && input.usPostalIeepaRatePct !== undefined) {
    const perItem = usPostalSpecificDutyPerItem(data, date, input.usPostalIeepaRatePct);
    if (perItem) {
      const amount = majorToMinor(perItem.amount, plan.postal.value.currency, 'usPostalIeepaRatePct');
      const q = lineQuotes[0];
      q.duty.components.push({ kind: 'postal-specific', amount, currency: destCur, explanation: explain(plan.postal.ref, `USD ${perItem.amount} per postal item`, undefined, `effective IEEPA rate ${input.usPostalIeepaRatePct}%`) });
      q.duty.amount += amount;
      review.push(`${plan.postal.ref.id}: historical postal specific duty applied in lieu of the IEEPA ad valorem duty`);
    }
  }

  // ---- low-value regime ---------------------------------------------------------------------------------
  // atCheckout[i]: the line's VAT/GST is charged at the point of sale. Per-item regimes (NO VOEC,
  // SG) can split a consignment: items under the limit at checkout, the others at the border.
  let regime: LandedCostQuote['lowValueRegime'] = null;
  let regimeDuty = false;
  let regimeObligation = false;
  let checkoutLines = 0;
  const atCheckout = S_checkout;
  atCheckout.fill(0, 0, n);
  const reg = plan.regime;
  if (reg && consumer) {
    const rv = reg.rule.value;
    const t = rv.threshold;
    const lineOk = S_ok;
    let eligible: boolean;
    if (t.basis === 'per_item') {
      eligible = false;
      for (let i = 0; i < n; i++) { const ok = !excise && compare(unitDest[i], reg.limit, t.strict); lineOk[i] = ok ? 1 : 0; eligible ||= ok; }
    } else {
      eligible = !excise && (t.basis === 'tax_amount' /* CH mail-order rule: registration decides */ || compare(t.basis === 'intrinsic' ? intrinsic : customsTotal, reg.limit, t.strict));
      lineOk.fill(eligible ? 1 : 0, 0, n);
    }
    const key = rv.registration;
    const registered = !!(input.registrations as Record<string, string> | undefined)?.[key] || (!!input.marketplace && rv.marketplaceDeemedSupplier);
    const applies = eligible && registered;
    regime = { ruleId: reg.rule.ref.id, name: rv.name, eligible, applies, registrationKey: key, registered, explanation: explain(reg.rule.ref, undefined, t.basis === 'intrinsic' ? intrinsic : undefined, `threshold ${t.currency} ${t.amount} (${t.basis}${t.strict ? ', strictly below' : ''})`) };
    if (applies || (eligible && rv.mandatory && t.basis !== 'tax_amount')) {
      regimeObligation = !applies;
      for (let i = 0; i < n; i++) {
        if (!lineOk[i]) continue;
        atCheckout[i] = 1;
        checkoutLines++;
        if (applies && rv.dutyExempt) { lineQuotes[i].duty.amount = 0; lineQuotes[i].duty.relievedBy = reg.rule.ref.id; }
      }
      regimeDuty = applies && rv.dutyExempt && checkoutLines === n;
    }
  }

  // ---- fees -------------------------------------------------------------------------------------------
  const dutyRelieved = dutyDecision.applies || regimeDuty;
  for (const p of plan.pendingFees) review.push(p);
  if (!dutyRelieved) for (const fee of plan.fees) {
    const f = fee.rule.value;
    if (f.modes && (!mode || !f.modes.includes(mode))) continue;
    let amount: number;
    let rateText: string;
    if (f.kind === 'mpf') {
      if (customsTotal >= fee.formal) {
        amount = Math.min(fee.max, Math.max(fee.min, mulDivRound(customsTotal, fee.parts, PCT_DEN, 'half-up')));
        rateText = `${f.rate}% (min ${f.min}, max ${f.max}) formal entry`;
      } else {
        amount = fee.informal;
        rateText = `${f.currency} ${f.informalFlat} informal entry`;
      }
    } else {
      amount = mulDivRound(customsTotal, fee.parts, PCT_DEN, 'half-up');
      rateText = `${f.rate}%`;
    }
    const weights = S_weights;
    for (let i = 0; i < n; i++) weights[i] = lineQuotes[i].customsValue.amount;
    const shares = S_shares;
    allocateInto(amount, weights, n, shares, S_rem);
    for (let i = 0; i < n; i++) {
      const q = lineQuotes[i];
      if (q.fees === NO_FEES) q.fees = [];
      q.fees.push({ amount: shares[i], currency: destCur, explanation: explain(fee.rule.ref, rateText, customsTotal, `${f.name}: line share of ${amount}`) });
    }
  }

  // ---- import VAT / GST per line ------------------------------------------------------------------------
  // Tax is computed on two parts so the transport share is visible (EU/AEAT examples show VAT on
  // transport as its own line): goods part = customs value without transport + duty + fees.
  const taxR = rounding.tax;
  const vatRule = plan.vatRule;
  const taxInBaseTransport = cif || m.vatBaseAddsTransport;
  let taxTotal = 0;
  for (let i = 0; i < n; i++) {
    const q = lineQuotes[i];
    const l = lines[i];
    let feeSum = 0;
    for (let k = 0; k < q.fees.length; k++) feeSum += q.fees[k].amount;
    const transport = taxInBaseTransport ? q.transportShare : 0;
    const goodsPart = q.customsValue.amount - (cif ? q.transportShare : 0);
    const goodsBase = goodsPart + q.duty.amount + feeSum;
    let onGoods = 0; let onTransport = 0; let rateText = '0%'; let expl: Explanation;
    if (vatRule) {
      let parts = vatRule.value.parts;
      rateText = vatRule.value.text;
      if (l.taxRatePct !== undefined) {
        parts = cachedPercent(l.taxRatePct, i, '.taxRatePct');
        if (parts > 100 * (PCT_DEN / 100)) throw new LandedCostInputError(`lines[${i}].taxRatePct`, 'absurd rate (> 100%)');
        rateText = percentText(parts);
      }
      if (taxR.baseStep > 1) {
        // JP: one base, truncated to the authority's step before the rate is applied; with the
        // standard rate, national tax and local tax (22/78 of it) are each truncated.
        const b = roundToStep(goodsBase + transport, taxR.baseStep, taxR.baseMode);
        const split = plan.taxSplit;
        if (split && l.taxRatePct === undefined) {
          const national = roundSub(mulDivRound(b, split.value.nationalParts, PCT_DEN / SUB_MINOR, 'half-up'), taxR);
          const local = roundToStep(mulDivRound(national, split.value.localNum, split.value.localDen, taxR.mode), taxR.step, taxR.mode);
          onGoods = national + local;
        } else onGoods = roundSub(mulDivRound(b, parts, PCT_DEN / SUB_MINOR, 'half-up'), taxR);
      } else {
        onGoods = roundSub(mulDivRound(goodsBase, parts, PCT_DEN / SUB_MINOR, 'half-up'), taxR);
        onTransport = transport === 0 ? 0 : roundSub(mulDivRound(transport, parts, PCT_DEN / SUB_MINOR, 'half-up'), taxR);
      }
      expl = explain(vatRule.ref, rateText, goodsBase + transport, l.taxRatePct !== undefined ? 'base = goods + transport share + duty + fees; rate given by the caller' : 'base = goods + transport share (where taxed) + duty + fees');
    } else {
      expl = { ruleId: `${m.code}-NO-IMPORT-VAT`, rate: '0%', base: undefined, source: m.code === 'US' ? 'No federal VAT/GST on imports (state sales tax out of scope)' : 'no import tax in data', asOf: date, confidence: undefined, note: undefined };
    }
    const amount = onGoods + onTransport;
    taxTotal += amount;
    q.tax = { amount, onGoods, onTransport, collectedAt: 'import', ratePct: rateText, base: { goods: goodsPart, transport, duty: q.duty.amount, fees: feeSum, total: goodsBase + transport }, explanation: expl, relievedBy: undefined };
  }

  // ---- who collects the tax ------------------------------------------------------------------------------
  let taxDecision: ThresholdDecision = { ruleId: null, applies: false };
  let taxCollection: LandedCostQuote['taxCollection'];
  const borderCollector: Collector = input.incoterm === 'DDP' ? 'seller_ddp_at_import' : 'carrier_or_buyer_at_import';
  const checkoutCollector: Collector = !regimeObligation && input.marketplace ? 'marketplace_at_checkout' : 'seller_at_checkout';
  const borderNote = `import ${m.taxName} collected at the border${input.incoterm === 'DDP' ? ', paid by the seller (DDP)' : ' from the buyer on delivery (DAP)'}`;
  let relieved = false;
  if (vatRule && checkoutLines < n) {
    // tax relief at the border is judged on the lines that are not taxed at checkout
    const tdm = pickThreshold(plan, 'tax', origin, shipFrom, mode);
    if (tdm) {
      const t = tdm.rule.value;
      let compared = 0;
      for (let i = 0; i < n; i++) {
        if (atCheckout[i]) continue;
        const q = lineQuotes[i];
        compared += t.basis === 'tax_amount' ? q.tax.amount : t.basis === 'intrinsic' ? q.goodsValue : q.customsValue.amount;
      }
      relieved = !excise && tdm.limit > 0 && compare(compared, tdm.limit, t.strict);
      taxDecision = { ruleId: tdm.rule.ref.id, applies: relieved, threshold: { amount: tdm.limit, currency: destCur, explanation: tdm.explanation }, compared, explanation: explain(tdm.rule.ref, undefined, compared) };
      if (relieved) for (let i = 0; i < n; i++) {
        if (atCheckout[i]) continue;
        const q = lineQuotes[i];
        q.tax.amount = 0; q.tax.onGoods = 0; q.tax.onTransport = 0; q.tax.relievedBy = tdm.rule.ref.id;
      }
    }
  }
  for (let i = 0; i < n; i++) lineQuotes[i].tax.collectedAt = atCheckout[i] ? 'checkout' : lineQuotes[i].tax.amount > 0 ? 'import' : 'none';
  if (regimeObligation) review.push(`${regime!.ruleId}: seller has no ${regime!.registrationKey} registration but the goods fall under the mandatory regime`);
  if (!vatRule) taxCollection = { collector: 'none', when: 'none', note: `no import VAT/GST in ${m.code}` };
  else if (checkoutLines === n) {
    taxCollection = { collector: checkoutCollector, when: 'checkout', note: regimeObligation ? `${regime!.name}: the seller must register (${regime!.registrationKey}) and charge ${m.taxName} at sale` : `${regime!.name}: ${m.taxName} charged at the point of sale; not charged again at import` };
  } else if (checkoutLines === 0) {
    taxCollection = relieved ? { collector: 'none', when: 'none', note: `${m.taxName} not levied at import (${taxDecision.ruleId})` } : { collector: borderCollector, when: 'import', note: borderNote };
  } else {
    taxCollection = { collector: checkoutCollector, when: 'mixed', note: `${checkoutLines} of ${n} lines under ${regime!.name} (${m.taxName} at the point of sale); the others: ${relieved ? `not levied at import (${taxDecision.ruleId})` : borderNote}` };
  }
  // NZ (before 2019-12-01): duty + GST below NZD 60 in total is not collected.
  if (dm && dm.rule.value.basis === 'total_revenue_below') {
    let revenue = 0;
    for (const q of lineQuotes) revenue += q.duty.amount + q.tax.amount;
    const applies = revenue < dm.limit;
    dutyDecision = { ruleId: dm.rule.ref.id, applies, threshold: { amount: dm.limit, currency: destCur, explanation: dm.explanation }, compared: revenue, explanation: explain(dm.rule.ref, undefined, revenue) };
    if (applies) for (const q of lineQuotes) { q.duty.amount = 0; q.duty.relievedBy = dm.rule.ref.id; q.tax.amount = 0; q.tax.onGoods = 0; q.tax.onTransport = 0; q.tax.relievedBy = dm.rule.ref.id; q.tax.collectedAt = 'none'; }
  }

  // ---- totals ---------------------------------------------------------------------------------------------
  const totals: Totals = { goods: 0, transport: transportDest, duty: 0, tax: 0, fees: 0, importCharges: 0, payableAtCheckout: 0, payableAtImport: 0, landedCost: 0 };
  let checkoutTax = 0;
  for (let i = 0; i < n; i++) {
    const q = lineQuotes[i];
    if (atCheckout[i]) checkoutTax += q.tax.amount;
    let fees = 0;
    for (let k = 0; k < q.fees.length; k++) fees += q.fees[k].amount;
    q.total = q.duty.amount + q.tax.amount + fees;
    totals.goods += q.goodsValue;
    totals.duty += q.duty.amount;
    totals.tax += q.tax.amount;
    totals.fees += fees;
  }
  totals.importCharges = totals.duty + totals.tax + totals.fees;
  totals.landedCost = totals.goods + totals.transport + totals.importCharges;
  const borderCharges = totals.duty + totals.fees + totals.tax - checkoutTax;
  totals.payableAtCheckout = totals.goods + totals.transport + checkoutTax + (input.incoterm === 'DDP' ? borderCharges : 0);
  totals.payableAtImport = input.incoterm === 'DAP' ? borderCharges : 0;
  const dutyFees = totals.duty + totals.fees;
  const dutyCollection: LandedCostQuote['dutyCollection'] = dutyFees === 0
    ? { collector: 'none', when: 'none', note: dutyRelieved ? 'no duty (relief / de minimis)' : 'no duty or fees due' }
    : { collector: borderCollector, when: 'import', note: input.incoterm === 'DDP' ? 'duty and fees paid by the seller at import (DDP), charged to the buyer at checkout' : 'duty and fees collected from the buyer by the carrier at delivery (DAP)' };

  let totalsInSaleCurrency: Totals;
  const back = factorFor(plan, destCur, saleCur, 'fx');
  if (back === IDENTITY) totalsInSaleCurrency = { ...totals };
  else totalsInSaleCurrency = convertTotals(totals, back);

  return {
    market: m.code, destinationCountry: dest, date, destinationCurrency: destCur, saleCurrency: saleCur, fx: fxInfo(plan),
    valuation: { basis: plan.valuation.value, explanation: plan.valuationExplanation },
    intrinsicValue: intrinsic, lines: lineQuotes,
    deMinimis: { duty: dutyDecision, tax: taxDecision },
    lowValueRegime: regime, taxCollection, dutyCollection, totals, totalsInSaleCurrency,
    rounding: m.roundingText,
    review, dataSources: plan.dataSources,
  };
}

function preferentialFormula(plan: Plan, e: TariffEntry, origin: string): { formula: DutyFormula; ref: RuleRef; name: string } | null {
  if (e.special) {
    const symbols = plan.programsByOrigin.get(origin);
    if (symbols) for (const symbol of symbols) {
      const f = e.special.get(symbol);
      if (f) return { formula: f, ref: plan.m.usPrograms!.ref, name: `US special program ${symbol}` };
    }
  }
  if (e.preferential) {
    const p = e.preferential.get(origin);
    if (p) return { formula: p.formula, ref: { id: `JP-${p.column}`, source: 'Japan Customs tariff schedule 2026-07-09, column ' + p.column, asOf: '2026-07-09', confidence: 'medium' }, name: `Japan ${p.column}` };
  }
  for (let k = 0; k < plan.prefs.length; k++) {
    const p = plan.prefs[k];
    if (p.value.origins.includes(origin)) {
      const parts = plan.prefParts[k];
      return { formula: { text: `${p.value.rate}%`, free: parts === 0, terms: [{ kind: 'adv', parts }] }, ref: p.ref, name: p.value.name };
    }
  }
  return null;
}

/** US postal shipments 2025-08-29..2026-02-28 (EO 14324 sec. 3): specific duty per postal item by the origin's effective IEEPA rate. */
export function usPostalSpecificDutyPerItem(data: LandedCostData, date: string, ieepaRatePct: string | number): { amount: string; ruleId: string } | null {
  const m = data.markets.get('US');
  const rule = m && inForce(m.postalTiers, date);
  if (!rule) return null;
  const rate = percentToParts(ieepaRatePct, 'usPostalIeepaRatePct');
  for (const t of rule.value.tiers) {
    if (t.below_pct !== undefined && rate < percentToParts(t.below_pct, 'tier')) return { amount: t.amount, ruleId: rule.ref.id };
    if (t.up_to_pct !== undefined && rate <= percentToParts(t.up_to_pct, 'tier')) return { amount: t.amount, ruleId: rule.ref.id };
    if (t.above_pct !== undefined && rate > percentToParts(t.above_pct, 'tier')) return { amount: t.amount, ruleId: rule.ref.id };
  }
  return null;
}

export function supportedMarkets(data: LandedCostData): { market: string; countries: string[]; currency: string; tariff: string | null; taxName: string | null }[] {
  const out: { market: string; countries: string[]; currency: string; tariff: string | null; taxName: string | null }[] = [];
  for (const m of data.markets.values()) {
    const countries = [...data.countryToMarket].filter(([, v]) => v === m.code).map(([k]) => k);
    out.push({ market: m.code, countries, currency: m.currency, tariff: m.tariff ? `${m.tariff.meta.edition} (as of ${m.tariff.meta.asOf})` : null, taxName: m.taxName });
  }
  return out;
}
