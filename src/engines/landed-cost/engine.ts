// The pure landed-cost calculation. No I/O: everything comes from `data` (compiled at load) and
// `input`. Money is integer minor units throughout; each rounding step names its mode.
import {
  allInForce, inForce, resolveTariffLine, type CompiledMarket, type Dated, type LandedCostData, type RuleRef, type Threshold,
} from './compile.ts';
import { LandedCostInputError } from './errors.ts';
import { convert, daysBetween, fxFactor, type FxFactor } from './fx.ts';
import { assertMinorUnits, formatPercent, majorToMinor, minorUnitExponent, mulDivRound, PCT_DEN, percentToParts, roundToStep, type RoundingMode } from './money.ts';
import { evaluateDuty, needsUnit, SUB_MINOR, type DutyContext, type DutyFormula } from './rates.ts';
import type {
  Collector, DutyComponent, Explanation, Figure, LandedCostInput, LandedCostQuote, LineQuote, ThresholdDecision, Totals,
} from './types.ts';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const COUNTRY = /^[A-Z]{2}$/;
const MAX_LINES = 10_000;
const MAX_QUANTITY = 10_000_000;

const explain = (ref: RuleRef, rate?: string, base?: number, note?: string): Explanation => ({
  ruleId: ref.id, ...(rate !== undefined ? { rate } : {}), ...(base !== undefined ? { base } : {}),
  source: ref.source, asOf: ref.asOf, confidence: ref.confidence, ...(note ?? ref.note ? { note: note ?? ref.note } : {}),
});

/** Split `total` over `weights` in proportion, exactly (largest remainder); zero weights get nothing. */
export function allocate(total: number, weights: readonly number[]): number[] {
  const out = new Array<number>(weights.length).fill(0);
  if (total === 0 || weights.length === 0) return out;
  let sum = 0;
  for (const w of weights) sum += w;
  if (sum === 0) { out[0] = total; return out; }
  let given = 0;
  const rem: [number, number][] = [];
  for (let i = 0; i < weights.length; i++) {
    const p = weights[i] * total;
    const share = Number.isSafeInteger(p) ? Math.floor(p / sum) : mulDivRound(weights[i], total, sum, 'down');
    out[i] = share;
    given += share;
    rem.push([i, Number.isSafeInteger(p) ? p - share * sum : 0]);
  }
  rem.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  for (let k = 0; given < total; k++, given++) out[rem[k % rem.length][0]] += 1;
  return out;
}

function roundSub(amountSub: number, r: { step: number; mode: RoundingMode }): number {
  return roundToStep(mulDivRound(amountSub, 1, SUB_MINOR, r.mode), r.step, r.mode);
}

function compare(value: number, limit: number, strict: boolean): boolean {
  return strict ? value < limit : value <= limit;
}

interface QuoteContext {
  data: LandedCostData;
  m: CompiledMarket;
  input: LandedCostInput;
  date: string;
  destCur: string;
  fxUsed: boolean;
  factors: Map<string, FxFactor>;
  review: string[];
}

function factor(ctx: QuoteContext, from: string, to: string, field: string): FxFactor {
  if (from === to) return IDENTITY;
  const key = from + to;
  let f = ctx.factors.get(key);
  if (!f) {
    const fx = ctx.input.fx;
    if (!fx) throw new LandedCostInputError(field, `amounts in ${from} and ${to} need an FX snapshot (input.fx)`);
    if (!ctx.fxUsed) {
      if (typeof fx.date !== 'string' || !ISO_DATE.test(fx.date)) throw new LandedCostInputError('fx.date', 'must be an ISO date');
      const age = daysBetween(fx.date, ctx.date);
      if (age < 0) throw new LandedCostInputError('fx.date', `FX snapshot ${fx.id} is dated ${fx.date}, after the quote date ${ctx.date}`);
      if (age > ctx.m.fx.maxAgeDays) throw new LandedCostInputError('fx.date', `no FX rate for ${ctx.date}: snapshot ${fx.id} is ${age} days old (market ${ctx.m.code} rule: ${ctx.m.fx.rule}; max ${ctx.m.fx.maxAgeDays} days)`);
      ctx.fxUsed = true;
    }
    f = fxFactor(fx, from, to, 'fx');
    ctx.factors.set(key, f);
  }
  return f;
}
const IDENTITY: FxFactor = { from: '', to: '', num: 1, den: 1, rateText: '1' };

function thresholdMinor(ctx: QuoteContext, t: { amount: string; currency: string }, field: string): number {
  const minor = majorToMinor(t.amount, t.currency, field);
  return t.currency === ctx.destCur ? minor : convert(minor, factor(ctx, t.currency, ctx.destCur, field), 'half-up');
}

/** Thresholds in force whose origin / ship-from / mode filters match; the most specific wins. */
function pickThreshold(ctx: QuoteContext, list: Dated<Threshold>[], origin: string): Dated<Threshold> | undefined {
  const shipFrom = ctx.input.shipFromCountry ?? origin;
  const mode = ctx.input.transportMode;
  let best: Dated<Threshold> | undefined;
  let bestScore = -1;
  for (const r of allInForce(list, ctx.date)) {
    const t = r.value;
    if (t.origins && !t.origins.includes(origin)) continue;
    if (t.shippedFrom && !t.shippedFrom.includes(shipFrom)) continue;
    if (t.modes && (!mode || !t.modes.includes(mode))) continue;
    const score = (t.origins ? 1 : 0) + (t.shippedFrom ? 1 : 0) + (t.modes ? 1 : 0);
    if (score > bestScore) { best = r; bestScore = score; }
  }
  return best;
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

/** Quote duty, import VAT/GST, fees and the low-value regime for one consignment. */
export function quoteLandedCost(data: LandedCostData, input: LandedCostInput): LandedCostQuote {
  if (!input || typeof input !== 'object') throw new LandedCostInputError('input', 'must be an object');
  const dest = validateCountry(input.destinationCountry, 'destinationCountry');
  const marketCode = data.countryToMarket.get(dest);
  if (!marketCode) throw new LandedCostInputError('destinationCountry', `unknown market "${dest}" (supported: ${[...data.countryToMarket.keys()].join(', ')})`);
  const m = data.markets.get(marketCode)!;
  const origin = validateCountry(input.originCountry, 'originCountry');
  if (input.shipFromCountry !== undefined) validateCountry(input.shipFromCountry, 'shipFromCountry');
  const date = input.date;
  if (typeof date !== 'string' || !ISO_DATE.test(date) || Number.isNaN(Date.parse(date))) throw new LandedCostInputError('date', 'must be an ISO date yyyy-mm-dd');
  const saleCur = input.saleCurrency;
  minorUnitExponent(saleCur, 'saleCurrency');
  if (input.incoterm !== 'DDP' && input.incoterm !== 'DAP') throw new LandedCostInputError('incoterm', 'must be DDP or DAP');
  if (!Array.isArray(input.lines) || input.lines.length === 0) throw new LandedCostInputError('lines', 'at least one line is required');
  if (input.lines.length > MAX_LINES) throw new LandedCostInputError('lines', `too many lines (> ${MAX_LINES})`);
  const shippingSale = input.shipping === undefined ? 0 : assertMinorUnits(input.shipping, 'shipping');
  const insuranceSale = input.insurance === undefined ? 0 : assertMinorUnits(input.insurance, 'insurance');
  const consumer = input.buyerType !== 'business';

  const destCur = m.memberCurrencies?.[dest] ?? m.currency;
  const ctx: QuoteContext = { data, m, input, date, destCur, fxUsed: false, factors: new Map(), review: [] };
  const review = ctx.review;
  const toDest = factor(ctx, saleCur, destCur, 'fx');

  const valuation = inForce(m.valuation, date);
  if (!valuation) throw new LandedCostInputError('date', `no customs valuation rule for ${m.code} in force on ${date}`);
  const cif = valuation.value === 'CIF';
  let vatRule: Dated<{ parts: number; text: string }> | undefined;
  if (m.taxName) {
    const key = input.destinationSubdivision && m.vatRates.has(input.destinationSubdivision) ? input.destinationSubdivision : dest;
    vatRule = inForce(m.vatRates.get(key), date);
    if (!vatRule) throw new LandedCostInputError('date', `no ${m.taxName} rate for ${key} in force on ${date} in the data`);
    if (m.code === 'CA' && key === 'CA') review.push('CA: only the federal 5% GST is computed; give destinationSubdivision (e.g. CA-ON) for HST/provincial components');
  }
  const rounding = m.rounding;

  // ---- goods values and transport allocation --------------------------------------------------
  const lines = input.lines;
  const n = lines.length;
  const goods = new Array<number>(n);
  const unitDest = new Array<number>(n);
  let intrinsic = 0;
  for (let i = 0; i < n; i++) {
    const l = lines[i];
    if (!l || typeof l !== 'object') throw new LandedCostInputError(`lines[${i}]`, 'must be an object');
    if (!Number.isSafeInteger(l.quantity) || l.quantity < 1 || l.quantity > MAX_QUANTITY) throw new LandedCostInputError(`lines[${i}].quantity`, `must be an integer between 1 and ${MAX_QUANTITY}`);
    assertMinorUnits(l.unitValue, `lines[${i}].unitValue`);
    const lineSale = l.unitValue * l.quantity;
    if (!Number.isSafeInteger(lineSale) || lineSale > 1e14) throw new LandedCostInputError(`lines[${i}].unitValue`, 'quantity x unit value is absurdly large');
    goods[i] = convert(lineSale, toDest, 'half-up');
    unitDest[i] = convert(l.unitValue, toDest, 'half-up');
    intrinsic += goods[i];
  }
  const transportDest = convert(shippingSale + insuranceSale, toDest, 'half-up');
  const transportShares = allocate(transportDest, goods);
  const personal = consumer ? inForce(m.personalUseFactor, date) : undefined;

  // ---- duty per line ------------------------------------------------------------------------------
  const lineQuotes = new Array<LineQuote>(n);
  const usPrograms = inForce(m.usPrograms, date);
  const col2 = inForce(m.column2, date);
  const prefs = allInForce(m.preferences, date);
  const additional = allInForce(m.additionalDuties, date);
  const surcharges = allInForce(m.surcharges, date);
  const industrialFree = inForce(m.industrialDutyFree, date);
  const dutyFreeExcept = inForce(m.dutyFreeExceptChapters, date);
  const tariff = m.tariff;
  const convertSpecific = (amount: number, currency: string) => currency === destCur ? amount : convert(amount, factor(ctx, currency, destCur, 'fx'), 'half-up');
  const dctx: DutyContext = { base: 0, qty: { grams: -1, millilitres: -1, items: 0 }, convertSpecific };

  for (let i = 0; i < n; i++) {
    const l = lines[i];
    const field = `lines[${i}]`;
    if (typeof l.hsCode !== 'string') throw new LandedCostInputError(`${field}.hsCode`, 'required');
    const digits = l.hsCode.length === 6 || l.hsCode.length === 8 || l.hsCode.length === 10 ? (/^\d+$/.test(l.hsCode) ? l.hsCode : l.hsCode.replace(/[\s.]/g, '')) : l.hsCode.replace(/[\s.]/g, '');
    if (!/^\d{6,10}$/.test(digits)) throw new LandedCostInputError(`${field}.hsCode`, `"${l.hsCode}" is not an HS code of 6-10 digits`);
    const lineOrigin = l.originCountry === undefined ? origin : validateCountry(l.originCountry, `${field}.originCountry`);
    const weightKg = optionalNumber(l.unitWeightKg, `${field}.unitWeightKg`, 100_000);
    const volumeL = optionalNumber(l.unitVolumeLitres, `${field}.unitVolumeLitres`, 100_000);

    const customsGoods = personal ? mulDivRound(goods[i], personal.value, 100, 'half-up') : goods[i];
    const customsValue = customsGoods + (cif ? transportShares[i] : 0);
    const dutyBase = rounding.duty.baseStep > 1 ? roundToStep(customsValue, rounding.duty.baseStep, rounding.duty.baseMode) : customsValue;
    dctx.base = dutyBase;
    dctx.qty.items = l.quantity;
    dctx.qty.grams = weightKg === undefined ? -1 : Math.round(weightKg * 1000 * l.quantity);
    dctx.qty.millilitres = volumeL === undefined ? -1 : Math.round(volumeL * 1000 * l.quantity);

    const components: DutyComponent[] = [];
    let tariffLine: LineQuote['tariffLine'] = null;
    const evaluate = (f: DutyFormula): number => {
      if (f.unsupported) throw new LandedCostInputError(`${field}.hsCode`, `duty for ${digits} cannot be computed: ${f.unsupported} (rate text "${f.text}")`);
      if (needsUnit(f, 'kg') && dctx.qty.grams < 0) throw new LandedCostInputError(`${field}.unitWeightKg`, `rate "${f.text}" is per kg: weight required`);
      if (needsUnit(f, 'l') && dctx.qty.millilitres < 0) throw new LandedCostInputError(`${field}.unitVolumeLitres`, `rate "${f.text}" is per litre: volume required`);
      if (f.conditional) review.push(`${field}: rate "${f.text}" is conditional (quota / end use): review`);
      return roundSub(evaluateDuty(f, dctx), rounding.duty);
    };

    if (l.dutyRateOverride) {
      const o = l.dutyRateOverride;
      const parts = percentToParts(o.adValoremPct, `${field}.dutyRateOverride.adValoremPct`);
      if (parts > 1000 * (PCT_DEN / 100)) throw new LandedCostInputError(`${field}.dutyRateOverride.adValoremPct`, 'absurd rate (> 1000%)');
      if (typeof o.reason !== 'string' || !o.reason) throw new LandedCostInputError(`${field}.dutyRateOverride.reason`, 'a reason/source is required');
      const amount = roundSub(mulDivRound(dutyBase, parts, PCT_DEN / SUB_MINOR, 'half-up'), rounding.duty);
      components.push({ kind: 'override', amount, currency: destCur, explanation: { ruleId: 'CALLER-DUTY-RATE', rate: formatPercent(parts), base: dutyBase, source: o.reason, asOf: date } });
    } else if (tariff) {
      const resolved = resolveTariffLine(tariff, data.hs, digits);
      if (typeof resolved === 'string') throw new LandedCostInputError(`${field}.hsCode`, `unknown HS code ${digits} for ${m.code}: ${resolved}`);
      const e = resolved.entry;
      const meta = tariff.meta;
      tariffLine = { code: e.code, dataset: meta.id, edition: meta.edition, asOf: meta.asOf, ...(resolved.mappedFrom ? { mappedFrom: resolved.mappedFrom } : {}), ...(resolved.note ? { note: resolved.note } : {}) };
      if (resolved.note && resolved.note.startsWith('ambiguous')) review.push(`${field}: ${resolved.note}`);
      const tref: RuleRef = { id: `${meta.id}:${e.code}`, source: meta.source, asOf: meta.asOf, confidence: meta.market === 'EU' || meta.market === 'GB' ? 'medium' : 'high' };
      if (meta.market === 'EU' || meta.market === 'GB') review.push(`${field}: ${meta.market} duty from ${meta.edition} (data dated ${meta.asOf}); later tariff changes are not reflected`);
      if (col2 && e.column2 && col2.value.includes(lineOrigin)) {
        components.push({ kind: 'column2', amount: evaluate(e.column2), currency: destCur, explanation: explain(tref, e.column2.text, dutyBase, `column 2 rate for origin ${lineOrigin} (${col2.ref.source})`) });
      } else {
        let best = -1; let bestText = '';
        for (const f of e.mfn) { const a = evaluate(f); if (best < 0 || a < best) { best = a; bestText = f.text; } }
        let kind: DutyComponent['kind'] = 'mfn';
        let expl = explain(tref, bestText, dutyBase, e.mfn.length > 1 ? `applied MFN = lowest of ${e.mfn.map((f) => f.text).join(' / ')}` : undefined);
        if (l.preferentialOriginClaim) {
          const pref = preferentialFormula(e, lineOrigin, usPrograms, prefs);
          if (pref) {
            const a = evaluate(pref.formula);
            if (a <= best) { best = a; kind = 'preferential'; expl = explain(pref.ref, pref.formula.text, dutyBase, `${pref.name} for origin ${lineOrigin} (claim made; proof of origin required)`); }
          } else review.push(`${field}: preferential origin claimed for ${lineOrigin} but no preference for it in the ${m.code} data`);
        }
        components.push({ kind, amount: best, currency: destCur, explanation: expl });
      }
      for (const ad of additional) {
        if (ad.value.origins !== '*' && !ad.value.origins.includes(lineOrigin)) continue;
        let pct: number | null = null; let heading = ad.value.heading ?? '';
        if (ad.value.method === 'flat') pct = Number(ad.value.rate);
        else for (const ref of e.ch99Refs ?? []) {
          if (!ad.value.prefixes?.some((p) => ref.startsWith(p)) || ad.value.exclude?.includes(ref)) continue;
          const h = data.ch99.get(ref);
          if (h && h.pct !== null && (pct === null || h.pct > pct)) { pct = h.pct; heading = ref; }
        }
        if (pct === null) continue;
        const parts = percentToParts(pct, 'ch99');
        const amount = roundSub(mulDivRound(dutyBase, parts, PCT_DEN / SUB_MINOR, 'half-up'), rounding.duty);
        components.push({ kind: 'additional', amount, currency: destCur, explanation: explain(ad.ref, `+${pct}% (${heading})`, dutyBase, `${ad.value.name}: review required`) });
        review.push(`${field}: ${ad.value.name} heading ${heading} applied (+${pct}%): review exclusions and product scope`);
      }
    } else {
      const chapter = Number(digits.slice(0, 2));
      if (industrialFree && chapter >= industrialFree.value.from && chapter <= industrialFree.value.to) {
        components.push({ kind: 'mfn', amount: 0, currency: destCur, explanation: explain(industrialFree.ref, '0%', dutyBase) });
      } else if (dutyFreeExcept && !dutyFreeExcept.value.includes(chapter)) {
        components.push({ kind: 'mfn', amount: 0, currency: destCur, explanation: explain(dutyFreeExcept.ref, '0%', dutyBase) });
      } else {
        throw new LandedCostInputError(`${field}.dutyRateOverride`, `no ${m.code} tariff schedule in the data for HS ${digits}: supply dutyRateOverride {adValoremPct, reason}`);
      }
    }
    let dutySum = 0;
    for (const c of components) dutySum += c.amount;
    for (const s of surcharges) {
      const ratePct = l.dutySurchargePct ?? s.value.rateOfDuty;
      const parts = percentToParts(ratePct, `${field}.dutySurchargePct`);
      const amount = roundSub(mulDivRound(dutySum, parts, PCT_DEN / SUB_MINOR, 'half-up'), rounding.duty);
      components.push({ kind: 'surcharge', amount, currency: destCur, explanation: explain(s.ref, `${formatPercent(parts)} of duty`, dutySum, l.dutySurchargePct !== undefined ? `${s.value.name}: rate given by the caller` : s.value.name) });
      dutySum += amount;
    }
    lineQuotes[i] = {
      index: i, hsCode: digits, ...(l.description !== undefined ? { description: l.description } : {}), tariffLine,
      goodsValue: goods[i], transportShare: transportShares[i],
      customsValue: { amount: customsValue, currency: destCur, explanation: explain(valuation.ref, undefined, undefined, cif ? 'CIF: goods + transport/insurance share' : 'FOB: goods only') },
      duty: { amount: dutySum, components },
      fees: [],
      tax: undefined as unknown as LineQuote['tax'],
      total: 0,
    };
  }
  if (personal) review.push(`${m.code}: personal-use taxable value = ${personal.value}% of the price (${personal.ref.id})`);

  // ---- consignment-level duty rules ---------------------------------------------------------------
  let dutyDecision: ThresholdDecision = { ruleId: null, applies: false };
  const customsTotal = lineQuotes.reduce((s, q) => s + q.customsValue.amount, 0);
  const flat = inForce(m.flatDuty, date);
  let flatApplied = false;
  if (flat) {
    const limit = thresholdMinor(ctx, { amount: flat.value.maxIntrinsic, currency: flat.value.currency }, 'fx');
    const eligible = intrinsic <= limit;
    dutyDecision = { ruleId: flat.ref.id, applies: false, threshold: { amount: limit, currency: destCur, explanation: explain(flat.ref) }, compared: intrinsic, explanation: explain(flat.ref, undefined, intrinsic, eligible ? 'low-value consignment: flat duty per tariff subheading replaces the tariff duty' : 'above the low-value limit: tariff duty applies') };
    if (eligible) {
      flatApplied = true;
      const per = thresholdMinor(ctx, { amount: flat.value.amountPerSubheading, currency: flat.value.currency }, 'fx');
      const seen = new Set<string>();
      for (const q of lineQuotes) {
        const sub = q.hsCode.slice(0, flat.value.digits);
        const amount = seen.has(sub) ? 0 : per;
        seen.add(sub);
        q.duty.components = [{ kind: 'flat', amount, currency: destCur, explanation: explain(flat.ref, `${flat.value.currency} ${flat.value.amountPerSubheading} per distinct subheading`, undefined, amount ? `first line of subheading ${sub}` : `subheading ${sub} already charged`) }];
        q.duty.amount = amount;
      }
      if (!input.registrations?.EU_IOSS && !input.marketplace) review.push(`${flat.ref.id}: consignment is not declared under IOSS; whether the flat duty applies to non-IOSS low-value consignments is unconfirmed`);
    }
  }
  if (!flatApplied) {
    const dm = pickThreshold(ctx, m.dutyDeMinimis, origin);
    if (dm) {
      const t = dm.value;
      const limit = thresholdMinor(ctx, t, 'fx');
      const dutyTotal = lineQuotes.reduce((s, q) => s + q.duty.amount, 0);
      const compared = t.basis === 'intrinsic' ? intrinsic : t.basis === 'duty_amount' ? dutyTotal : customsTotal;
      const applies = t.basis === 'total_revenue_below' ? false : limit > 0 && compare(compared, limit, t.strict);
      dutyDecision = { ruleId: dm.ref.id, applies, threshold: { amount: limit, currency: destCur, explanation: explain(dm.ref) }, compared, explanation: explain(dm.ref, undefined, compared, limit === 0 ? 'no de minimis: suspended / none for this case' : undefined) };
      if (applies) for (const q of lineQuotes) { q.duty.amount = 0; q.duty.relievedBy = dm.ref.id; }
    }
  }

  // ---- US postal specific duty (historical window) ---------------------------------------------------
  const postal = inForce(m.postalTiers, date);
  if (postal && input.transportMode === 'postal' && input.usPostalIeepaRatePct !== undefined) {
    const perItem = usPostalSpecificDutyPerItem(data, date, input.usPostalIeepaRatePct);
    if (perItem) {
      const amount = majorToMinor(perItem.amount, postal.value.currency, 'usPostalIeepaRatePct');
      const q = lineQuotes[0];
      q.duty.components.push({ kind: 'postal-specific', amount, currency: destCur, explanation: explain(postal.ref, `USD ${perItem.amount} per postal item`, undefined, `effective IEEPA rate ${input.usPostalIeepaRatePct}%`) });
      q.duty.amount += amount;
      review.push(`${postal.ref.id}: historical postal specific duty applied in lieu of the IEEPA ad valorem duty`);
    }
  }

  // ---- low-value regime ---------------------------------------------------------------------------------
  let regime: LandedCostQuote['lowValueRegime'] = null;
  let regimeDuty = false;
  const reg = inForce(m.lowValueRegimes, date);
  if (reg && consumer) {
    const t = reg.value.threshold;
    const limit = thresholdMinor(ctx, t, 'fx');
    let eligible: boolean;
    if (t.basis === 'per_item') eligible = unitDest.every((u) => compare(u, limit, t.strict));
    else if (t.basis === 'tax_amount') eligible = true; // CH mail-order rule: registration decides
    else eligible = compare(t.basis === 'intrinsic' ? intrinsic : customsTotal, limit, t.strict);
    const key = reg.value.registration;
    const registered = !!(input.registrations as Record<string, string> | undefined)?.[key] || (!!input.marketplace && reg.value.marketplaceDeemedSupplier);
    regime = { ruleId: reg.ref.id, name: reg.value.name, eligible, applies: eligible && registered, registrationKey: key, registered, explanation: explain(reg.ref, undefined, t.basis === 'intrinsic' ? intrinsic : undefined, `threshold ${t.currency} ${t.amount} (${t.basis}${t.strict ? ', strictly below' : ''})`) };
    if (regime.applies && reg.value.dutyExempt) {
      regimeDuty = true;
      for (const q of lineQuotes) { q.duty.amount = 0; q.duty.relievedBy = reg.ref.id; }
    }
  }

  // ---- fees -------------------------------------------------------------------------------------------
  const dutyRelieved = dutyDecision.applies || regimeDuty;
  for (const fee of allInForce(m.fees, date)) {
    const f = fee.value;
    if (f.kind === 'pending') { review.push(`${fee.ref.id}: ${f.name} not applied (${fee.ref.note ?? 'pending'})`); continue; }
    if (dutyRelieved) continue;
    if (f.modes && (!input.transportMode || !f.modes.includes(input.transportMode))) continue;
    let amount: number;
    let rateText: string;
    if (f.kind === 'mpf') {
      const formal = thresholdMinor(ctx, { amount: f.formalThreshold!, currency: f.currency }, 'fx');
      if (customsTotal >= formal) {
        const parts = percentToParts(f.rate!, fee.ref.id);
        const raw = mulDivRound(customsTotal, parts, PCT_DEN, 'half-up');
        const min = thresholdMinor(ctx, { amount: f.min!, currency: f.currency }, 'fx');
        const max = thresholdMinor(ctx, { amount: f.max!, currency: f.currency }, 'fx');
        amount = Math.min(max, Math.max(min, raw));
        rateText = `${f.rate}% (min ${f.min}, max ${f.max}) formal entry`;
      } else {
        amount = thresholdMinor(ctx, { amount: f.informalFlat!, currency: f.currency }, 'fx');
        rateText = `${f.currency} ${f.informalFlat} informal entry`;
      }
    } else {
      const parts = percentToParts(f.rate!, fee.ref.id);
      amount = mulDivRound(customsTotal, parts, PCT_DEN, 'half-up');
      rateText = `${f.rate}%`;
    }
    const shares = allocate(amount, lineQuotes.map((q) => q.customsValue.amount));
    for (let i = 0; i < n; i++) {
      lineQuotes[i].fees.push({ amount: shares[i], currency: destCur, explanation: explain(fee.ref, rateText, customsTotal, `${f.name}: line share of ${amount}`) });
    }
  }

  // ---- import VAT / GST per line ------------------------------------------------------------------------
  // Tax is computed on two parts so the transport share is visible (EU/AEAT examples show VAT on
  // transport as its own line): goods part = customs value without transport + duty + fees.
  const taxR = rounding.tax;
  let taxTotal = 0;
  for (let i = 0; i < n; i++) {
    const q = lineQuotes[i];
    const l = lines[i];
    let feeSum = 0;
    for (const f of q.fees) feeSum += f.amount;
    const transport = cif || m.vatBaseAddsTransport ? q.transportShare : 0;
    const goodsPart = q.customsValue.amount - (cif ? q.transportShare : 0);
    const goodsBase = goodsPart + q.duty.amount + feeSum;
    let onGoods = 0; let onTransport = 0; let rateText = '0%'; let expl: Explanation;
    if (vatRule) {
      const parts = l.taxRatePct === undefined ? vatRule.value.parts : percentToParts(l.taxRatePct, `lines[${i}].taxRatePct`);
      if (parts > 100 * (PCT_DEN / 100)) throw new LandedCostInputError(`lines[${i}].taxRatePct`, 'absurd rate (> 100%)');
      rateText = formatPercent(parts);
      if (taxR.baseStep > 1) {
        // JP: one base, truncated to the authority's step before the rate is applied.
        const b = roundToStep(goodsBase + transport, taxR.baseStep, taxR.baseMode);
        onGoods = roundSub(mulDivRound(b, parts, PCT_DEN / SUB_MINOR, 'half-up'), taxR);
      } else {
        onGoods = roundSub(mulDivRound(goodsBase, parts, PCT_DEN / SUB_MINOR, 'half-up'), taxR);
        onTransport = roundSub(mulDivRound(transport, parts, PCT_DEN / SUB_MINOR, 'half-up'), taxR);
      }
      expl = explain(vatRule.ref, rateText, goodsBase + transport, `${m.taxName}: base = goods${transport ? ' + transport/insurance' : ''}${q.duty.amount ? ' + duty' : ''}${feeSum ? ' + fees' : ''}${l.taxRatePct !== undefined ? '; rate given by the caller' : ''}`);
    } else {
      expl = { ruleId: `${m.code}-NO-IMPORT-VAT`, rate: '0%', source: m.code === 'US' ? 'No federal VAT/GST on imports (state sales tax out of scope)' : 'no import tax in data', asOf: date };
    }
    const amount = onGoods + onTransport;
    taxTotal += amount;
    q.tax = { amount, onGoods, onTransport, ratePct: rateText, base: { goods: goodsPart, transport, duty: q.duty.amount, fees: feeSum, total: goodsBase + transport }, explanation: expl };
  }

  // ---- who collects the tax ------------------------------------------------------------------------------
  let taxDecision: ThresholdDecision = { ruleId: null, applies: false };
  let taxCollection: LandedCostQuote['taxCollection'];
  const borderCollector: Collector = input.incoterm === 'DDP' ? 'seller_ddp_at_import' : 'carrier_or_buyer_at_import';
  let taxAtCheckout = false;
  if (!vatRule) taxCollection = { collector: 'none', when: 'none', note: `no import VAT/GST in ${m.code}` };
  else if (regime?.applies) {
    taxAtCheckout = true;
    taxCollection = { collector: input.marketplace ? 'marketplace_at_checkout' : 'seller_at_checkout', when: 'checkout', note: `${regime.name}: ${m.taxName} charged at the point of sale; not charged again at import` };
  } else if (regime && regime.eligible && consumer && reg!.value.mandatory) {
    taxAtCheckout = true;
    taxCollection = { collector: 'seller_at_checkout', when: 'checkout', note: `${regime.name}: the seller must register (${regime.registrationKey}) and charge ${m.taxName} at sale` };
    review.push(`${regime.ruleId}: seller has no ${regime.registrationKey} registration but the consignment falls under the mandatory regime`);
  } else {
    const tdm = pickThreshold(ctx, m.taxDeMinimis, origin);
    let relieved = false;
    if (tdm) {
      const t = tdm.value;
      const limit = thresholdMinor(ctx, t, 'fx');
      const compared = t.basis === 'tax_amount' ? taxTotal : t.basis === 'intrinsic' ? intrinsic : customsTotal;
      relieved = limit > 0 && compare(compared, limit, t.strict);
      taxDecision = { ruleId: tdm.ref.id, applies: relieved, threshold: { amount: limit, currency: destCur, explanation: explain(tdm.ref) }, compared, explanation: explain(tdm.ref, undefined, compared) };
      if (relieved) for (const q of lineQuotes) { q.tax.amount = 0; q.tax.onGoods = 0; q.tax.onTransport = 0; q.tax.relievedBy = tdm.ref.id; }
    }
    taxCollection = relieved
      ? { collector: 'none', when: 'none', note: `${m.taxName} not levied at import (${tdm!.ref.id})` }
      : { collector: borderCollector, when: 'import', note: `import ${m.taxName} collected at the border${input.incoterm === 'DDP' ? ', paid by the seller (DDP)' : ' from the buyer on delivery (DAP)'}` };
  }
  // NZ (before 2019-12-01): duty + GST below NZD 60 in total is not collected.
  const revenueRule = pickThreshold(ctx, m.dutyDeMinimis, origin);
  if (revenueRule && revenueRule.value.basis === 'total_revenue_below') {
    const limit = thresholdMinor(ctx, revenueRule.value, 'fx');
    const revenue = lineQuotes.reduce((s, q) => s + q.duty.amount + q.tax.amount, 0);
    const applies = revenue < limit;
    dutyDecision = { ruleId: revenueRule.ref.id, applies, threshold: { amount: limit, currency: destCur, explanation: explain(revenueRule.ref) }, compared: revenue, explanation: explain(revenueRule.ref, undefined, revenue) };
    if (applies) for (const q of lineQuotes) { q.duty.amount = 0; q.duty.relievedBy = revenueRule.ref.id; q.tax.amount = 0; q.tax.onGoods = 0; q.tax.onTransport = 0; q.tax.relievedBy = revenueRule.ref.id; }
  }

  // ---- totals ---------------------------------------------------------------------------------------------
  const totals: Totals = { goods: 0, transport: transportDest, duty: 0, tax: 0, fees: 0, importCharges: 0, payableAtCheckout: 0, payableAtImport: 0, landedCost: 0 };
  for (const q of lineQuotes) {
    let fees = 0;
    for (const f of q.fees) fees += f.amount;
    q.total = q.duty.amount + q.tax.amount + fees;
    totals.goods += q.goodsValue;
    totals.duty += q.duty.amount;
    totals.tax += q.tax.amount;
    totals.fees += fees;
  }
  totals.importCharges = totals.duty + totals.tax + totals.fees;
  totals.landedCost = totals.goods + totals.transport + totals.importCharges;
  const borderCharges = totals.duty + totals.fees + (taxAtCheckout ? 0 : totals.tax);
  totals.payableAtCheckout = totals.goods + totals.transport + (taxAtCheckout ? totals.tax : 0) + (input.incoterm === 'DDP' ? borderCharges : 0);
  totals.payableAtImport = input.incoterm === 'DAP' ? borderCharges : 0;
  const dutyFees = totals.duty + totals.fees;
  const dutyCollection: LandedCostQuote['dutyCollection'] = dutyFees === 0
    ? { collector: 'none', when: 'none', note: dutyRelieved ? 'no duty (relief / de minimis)' : 'no duty or fees due' }
    : { collector: borderCollector, when: 'import', note: input.incoterm === 'DDP' ? 'duty and fees paid by the seller at import (DDP), charged to the buyer at checkout' : 'duty and fees collected from the buyer by the carrier at delivery (DAP)' };

  const back = factor(ctx, destCur, saleCur, 'fx');
  const inSale = (v: number) => convert(v, back, 'half-up');
  const totalsInSaleCurrency: Totals = {
    goods: inSale(totals.goods), transport: inSale(totals.transport), duty: inSale(totals.duty), tax: inSale(totals.tax), fees: inSale(totals.fees),
    importCharges: inSale(totals.importCharges), payableAtCheckout: inSale(totals.payableAtCheckout), payableAtImport: inSale(totals.payableAtImport), landedCost: inSale(totals.landedCost),
  };

  const dataSources = [{ id: 'tax-markets', edition: `data/tax/markets.json (${m.code})`, asOf: '2026-11-21', source: 'data/tax/markets.json, data/tax/import-rules.json' }];
  if (tariff) dataSources.push({ id: tariff.meta.id, edition: tariff.meta.edition, asOf: tariff.meta.asOf, source: tariff.meta.source });
  if (tariff && tariff.meta.hsEdition !== 'HS2022') dataSources.push({ id: 'unsd-hs2022-hs2017', edition: 'UNSD HS2022-HS2017 conversion', asOf: data.hs.asOf, source: data.hs.source });
  if (additional.length) dataSources.push({ id: data.ch99Meta.id, edition: 'HTS Chapter 99', asOf: data.ch99Meta.asOf, source: data.ch99Meta.source });

  const fxInfo = ctx.fxUsed && input.fx ? { snapshotId: input.fx.id, source: input.fx.source, date: input.fx.date, rule: m.fx.rule, saleToDestination: toDest === IDENTITY ? `1 ${saleCur} = 1 ${destCur}` : toDest.rateText } : null;
  return {
    market: m.code, destinationCountry: dest, date, destinationCurrency: destCur, saleCurrency: saleCur, fx: fxInfo,
    valuation: { basis: valuation.value, explanation: explain(valuation.ref) },
    intrinsicValue: intrinsic, lines: lineQuotes,
    deMinimis: { duty: dutyDecision, tax: taxDecision },
    lowValueRegime: regime, taxCollection, dutyCollection, totals, totalsInSaleCurrency,
    rounding: { duty: `${rounding.duty.mode} to ${rounding.duty.step} minor unit(s)${rounding.duty.baseStep > 1 ? `, base ${rounding.duty.baseMode} to ${rounding.duty.baseStep}` : ''}`, tax: `${taxR.mode} to ${taxR.step} minor unit(s)${taxR.baseStep > 1 ? `, base ${taxR.baseMode} to ${taxR.baseStep}` : ''}`, source: `${rounding.ref.source} (confidence ${rounding.ref.confidence})` },
    review, dataSources,
  };
}

function preferentialFormula(
  e: import('./compile.ts').TariffEntry, origin: string,
  usPrograms: Dated<Record<string, string[]>> | undefined, prefs: Dated<{ name: string; origins: string[]; rate: string }>[],
): { formula: DutyFormula; ref: RuleRef; name: string } | null {
  if (e.special && usPrograms) {
    for (const [symbol, countries] of Object.entries(usPrograms.value)) {
      if (!countries.includes(origin)) continue;
      const f = e.special.get(symbol);
      if (f) return { formula: f, ref: usPrograms.ref, name: `US special program ${symbol}` };
    }
  }
  if (e.preferential) {
    const p = e.preferential.get(origin);
    if (p) return { formula: p.formula, ref: { id: `JP-${p.column}`, source: 'Japan Customs tariff schedule 2026-07-09, column ' + p.column, asOf: '2026-07-09', confidence: 'medium' }, name: `Japan ${p.column}` };
  }
  for (const p of prefs) {
    if (p.value.origins.includes(origin)) {
      const parts = percentToParts(p.value.rate, p.ref.id);
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
