// Load-time preparation (pure): raw JSON objects from data/ -> lookup maps and parsed formulas,
// so the quote hot path only does Map lookups and integer arithmetic.
import { LandedCostInputError } from './errors.ts';
import { percentToParts } from './money.ts';
import { parseCnRate, parseJpRate, parseUsRate, parseUsSpecial, pureAdValorem, type DutyFormula } from './rates.ts';

export interface RawRule {
  id: string; from: string; to?: string; source: string | string[]; as_of: string; confidence: string; note?: string;
  [k: string]: unknown;
}
export interface RawMarket { [k: string]: unknown }
export interface RawLandedCostData {
  markets: { markets: Record<string, RawMarket>; [k: string]: unknown };
  tariffs: Record<string, any>;
  hs: { changed: Record<string, string>; relationship: Record<string, string>; hs2022_subheadings: string; as_of: string; source: string };
}

export interface RuleRef { id: string; source: string; asOf: string; confidence: string; note?: string }
export interface Dated<T> { from: string; to: string; ref: RuleRef; value: T }

export const refOf = (r: RawRule): RuleRef => ({
  id: r.id,
  source: Array.isArray(r.source) ? r.source.join('; ') : r.source,
  asOf: r.as_of,
  confidence: r.confidence,
  ...(r.note ? { note: r.note } : {}),
});
export function dated<T>(r: RawRule, value: T): Dated<T> {
  return { from: r.from, to: r.to ?? '9999-12-31', ref: refOf(r), value };
}
/** The rule in force on `date` (ISO strings compare lexically). */
export function inForce<T>(list: readonly Dated<T>[] | Dated<T> | undefined, date: string): Dated<T> | undefined {
  if (!list) return undefined;
  if (!Array.isArray(list)) { const one = list as Dated<T>; return one.from <= date && date <= one.to ? one : undefined; }
  for (let i = 0; i < list.length; i++) if (list[i].from <= date && date <= list[i].to) return list[i];
  return undefined;
}
export function allInForce<T>(list: readonly Dated<T>[] | undefined, date: string): Dated<T>[] {
  return list ? list.filter((r) => r.from <= date && date <= r.to) : [];
}

// ---- tariffs -----------------------------------------------------------------------------------

export interface TariffMeta { id: string; market: string; edition: string; asOf: string; source: string; sourceUrl: string; hsEdition: string }

export interface TariffEntry {
  code: string;
  /** applied MFN candidates; the lowest computed amount applies (JP: WTO vs general/temporary) */
  mfn: DutyFormula[];
  column2?: DutyFormula;
  /** US special column: program symbol -> formula */
  special?: Map<string, DutyFormula>;
  /** JP EPA columns: country -> formula */
  preferential?: Map<string, { column: string; formula: DutyFormula }>;
  ch99Refs?: string[];
  /** explanation reference, created on first use */
  ref?: RuleRef;
  mfnNote?: string;
}

export interface ResolvedTariffLine {
  entry: TariffEntry; mappedFrom?: string; note?: string;
  /** frozen output view, created on first use */
  view?: { code: string; dataset: string; edition: string; asOf: string; mappedFrom?: string; note?: string };
}

export interface CompiledTariff {
  meta: TariffMeta;
  entries: Map<string, TariffEntry>;
  /** HS6 (in the tariff's own HS edition) -> national codes at the level where rates are set */
  byHs6: Map<string, string[]>;
  /** memo of resolved input codes */
  resolved: Map<string, ResolvedTariffLine | string>;
  /** memo: valid input code as given (e.g. "6109.10.00.12") -> digits */
  rawCodes: Map<string, string>;
  nationalDigits: number[];
}

function formulaCache<T extends unknown[]>(parse: (t: string, ...a: T) => DutyFormula) {
  const cache = new Map<string, DutyFormula>();
  return (t: string, ...a: T): DutyFormula => {
    let f = cache.get(t);
    if (!f) { f = parse(t, ...a); cache.set(t, f); }
    return f;
  };
}

function metaOf(j: any): TariffMeta {
  return { id: j.id, market: j.market, edition: j.edition, asOf: j.as_of, source: j.source, sourceUrl: j.source_url, hsEdition: j.hs_edition };
}

function addHs6(byHs6: Map<string, string[]>, code: string) {
  const k = code.slice(0, 6);
  const list = byHs6.get(k);
  if (list) list.push(code); else byHs6.set(k, [code]);
}

function compileUs(j: any): CompiledTariff {
  const s: string[] = j.strings;
  const us = formulaCache(parseUsRate);
  const specialCache = new Map<number, Map<string, DutyFormula>>();
  const entries = new Map<string, TariffEntry>();
  const byHs6 = new Map<string, string[]>();
  const childRefs = new Map<string, Set<string>>();
  for (const [code, r] of Object.entries<number[]>(j.lines)) {
    let special = specialCache.get(r[1]);
    if (!special) {
      special = new Map();
      for (const [prog, text] of parseUsSpecial(s[r[1]])) special.set(prog, us(text));
      specialCache.set(r[1], special);
    }
    const refs = s[r[4]] ? s[r[4]].split(/\s+/) : [];
    entries.set(code, { code, mfn: [us(s[r[0]])], column2: us(s[r[2]]), special, ch99Refs: refs });
    if (code.length === 8) addHs6(byHs6, code);
    else if (refs.length) {
      const k = code.slice(0, 8);
      const set = childRefs.get(k) ?? new Set();
      refs.forEach((x) => set.add(x));
      childRefs.set(k, set);
    }
  }
  // An HTS8 line carries the union of its 10-digit children's Chapter 99 refs (shared README, lookup step 2).
  for (const [k, set] of childRefs) {
    const e = entries.get(k);
    if (e) e.ch99Refs = [...new Set([...(e.ch99Refs ?? []), ...set])];
  }
  return { meta: metaOf(j), entries, byHs6, resolved: new Map(), rawCodes: new Map(), nationalDigits: [10, 8] };
}

function compileCn(j: any, currency: 'EUR' | 'GBP'): CompiledTariff {
  const cn = formulaCache(parseCnRate);
  const entries = new Map<string, TariffEntry>();
  const byHs6 = new Map<string, string[]>();
  for (const [code, text] of Object.entries<string>(j.rates)) {
    entries.set(code, { code, mfn: [cn(text, currency)] });
    if (code.length === 8) addHs6(byHs6, code);
  }
  return { meta: metaOf(j), entries, byHs6, resolved: new Map(), rawCodes: new Map(), nationalDigits: [10, 8] };
}

function compileJp(j: any, prefColumns: Record<string, string[]> | undefined): CompiledTariff {
  const s: string[] = j.strings;
  const cols: string[] = j.columns;
  const jp = formulaCache(parseJpRate);
  const gi = cols.indexOf('general'), ti = cols.indexOf('temporary'), wi = cols.indexOf('wto');
  const prefIdx = Object.entries(prefColumns ?? {}).map(([c, countries]) => [cols.indexOf(c), c, countries] as const).filter((x) => x[0] >= 0);
  const entries = new Map<string, TariffEntry>();
  const byHs6 = new Map<string, string[]>();
  for (const [code, r] of Object.entries<number[]>(j.lines)) {
    // Applied MFN = lowest of the WTO rate and (temporary if present, else general); a WTO rate in
    // parentheses is not applied (shared README, Japan).
    const base = s[r[ti]] ? jp(s[r[ti]]) : jp(s[r[gi]]);
    const mfn = [base];
    if (s[r[wi]]) { const w = jp(s[r[wi]]); if (!w.notApplied) mfn.push(w); }
    const preferential = new Map<string, { column: string; formula: DutyFormula }>();
    for (const [i, col, countries] of prefIdx) {
      if (!s[r[i]]) continue;
      const f = jp(s[r[i]]);
      for (const c of countries) preferential.set(c, { column: col, formula: f });
    }
    entries.set(code, { code, mfn, preferential });
    addHs6(byHs6, code);
  }
  return { meta: metaOf(j), entries, byHs6, resolved: new Map(), rawCodes: new Map(), nationalDigits: [9] };
}

// ---- markets -------------------------------------------------------------------------------------

export interface Threshold { amount: string; currency: string; basis: string; strict: boolean; origins?: string[]; shippedFrom?: string[]; modes?: string[] }
export interface LowValueRegime { name: string; threshold: Threshold; registration: string; marketplaceDeemedSupplier: boolean; mandatory: boolean; dutyExempt: boolean }
export interface Rounding { step: number; mode: 'half-up' | 'down'; baseStep: number; baseMode: 'half-up' | 'down' }

export interface CompiledMarket {
  code: string;
  name: string;
  currency: string;
  memberCurrencies?: Record<string, string>;
  tariff: CompiledTariff | null;
  taxName: string | null;
  valuation: Dated<'CIF' | 'FOB'>[];
  vatRates: Map<string, Dated<{ parts: number; text: string }>[]>;
  vatBaseAddsTransport: boolean;
  dutyDeMinimis: Dated<Threshold>[];
  taxDeMinimis: Dated<Threshold>[];
  lowValueRegimes: Dated<LowValueRegime>[];
  flatDuty: Dated<{ amountPerSubheading: string; currency: string; maxIntrinsic: string; digits: number }>[];
  fees: Dated<{ name: string; kind: string; rate?: string; min?: string; max?: string; informalFlat?: string; formalThreshold?: string; currency: string; modes?: string[] }>[];
  surcharges: Dated<{ name: string; rateOfDuty: string }>[];
  additionalDuties: Dated<{ name: string; origins: string[] | '*'; method: 'chapter99_refs' | 'flat'; prefixes?: string[]; exclude?: string[]; heading?: string; rate?: string }>[];
  preferences: Dated<{ name: string; origins: string[]; rate: string }>[];
  usPrograms?: Dated<Record<string, string[]>>;
  column2?: Dated<string[]>;
  industrialDutyFree?: Dated<{ from: number; to: number }>;
  dutyFreeExceptChapters?: Dated<number[]>;
  personalUseFactor?: Dated<number>;
  postalTiers?: Dated<{ tiers: { below_pct?: string; up_to_pct?: string; above_pct?: string; amount: string }[]; currency: string }>;
  /** JP: import consumption tax = national rate + local share of the national tax, each rounded */
  taxSplit?: Dated<{ nationalParts: number; localNum: number; localDen: number }>;
  /** HS chapters of excise goods that never get low-value relief, flat duty or point-of-sale regimes */
  exciseChapters?: { chapters: Set<number>; ref: RuleRef };
  rounding: { duty: Rounding; tax: Rounding; ref: RuleRef };
  roundingText: { duty: string; tax: string; source: string };
  fx: { rule: string; maxAgeDays: number; ref: RuleRef };
}

export interface LandedCostData {
  markets: Map<string, CompiledMarket>;
  /** destination country -> market code (EU member states -> EU) */
  countryToMarket: Map<string, string>;
  ch99: Map<string, { kind: string; pct: number | null; description: string; from: string; to: string }>;
  ch99Meta: { id: string; asOf: string; source: string };
  hs: { changed: Map<string, string>; relationship: Map<string, string>; hs2022: Set<string>; asOf: string; source: string };
  tariffs: Map<string, CompiledTariff>;
}

const rounding = (r: any): Rounding => ({ step: r.step, mode: r.mode, baseStep: r.base_step ?? 1, baseMode: r.base_mode ?? 'down' });
const threshold = (r: any): Threshold => ({
  amount: r.amount ?? r.threshold?.amount, currency: r.currency ?? r.threshold?.currency, basis: r.basis ?? r.threshold?.basis,
  strict: !!(r.strict ?? r.threshold?.strict), origins: r.origins, shippedFrom: r.shipped_from, modes: r.modes,
});

const roundingText = (r: Rounding) => `${r.mode} to ${r.step} minor unit(s)${r.baseStep > 1 ? `, base ${r.baseMode} to ${r.baseStep}` : ''}`;

function compileMarket(code: string, m: any, tariffs: Map<string, CompiledTariff>): CompiledMarket {
  const list = (x: any[] | undefined) => (x ?? []) as RawRule[];
  const vatRates = new Map<string, Dated<{ parts: number; text: string }>[]>();
  for (const [k, periods] of Object.entries<RawRule[]>(m.vat_rates ?? {})) {
    vatRates.set(k, periods.map((p) => dated(p, { parts: percentToParts(p.rate as string, `${p.id}.rate`), text: `${p.rate}%` })));
  }
  const tariff = m.tariff ? tariffs.get(m.tariff) ?? null : null;
  if (m.tariff && !tariff) throw new LandedCostInputError('data', `market ${code} refers to missing tariff ${m.tariff}`);
  return {
    code, name: m.name, currency: m.currency, memberCurrencies: m.member_currencies, tariff, taxName: m.tax_name,
    valuation: list(m.valuation).map((r) => dated(r, r.basis as 'CIF' | 'FOB')),
    vatRates,
    vatBaseAddsTransport: !!m.vat_base_adds_transport,
    dutyDeMinimis: list(m.duty_de_minimis).map((r) => dated(r, threshold(r))),
    taxDeMinimis: list(m.tax_de_minimis).map((r) => dated(r, threshold(r))),
    lowValueRegimes: list(m.low_value_regimes).map((r: any) => dated(r, {
      name: r.name, threshold: threshold(r), registration: r.registration, marketplaceDeemedSupplier: !!r.marketplace_deemed_supplier,
      mandatory: !!r.mandatory, dutyExempt: !!r.duty_exempt,
    })),
    flatDuty: list(m.flat_duty).map((r: any) => dated(r, { amountPerSubheading: r.amount_per_subheading, currency: r.currency, maxIntrinsic: r.max_intrinsic, digits: r.subheading_digits })),
    fees: list(m.fees).map((r: any) => dated(r, { name: r.name, kind: r.kind, rate: r.rate, min: r.min, max: r.max, informalFlat: r.informal_flat, formalThreshold: r.formal_entry_threshold, currency: r.currency, modes: r.modes })),
    surcharges: list(m.duty_surcharges).map((r: any) => dated(r, { name: r.name, rateOfDuty: r.rate_of_duty })),
    additionalDuties: list(m.additional_duties).map((r: any) => dated(r, { name: r.name, origins: r.origins, method: r.method, prefixes: r.heading_prefixes, exclude: r.exclude_headings, heading: r.heading, rate: r.rate })),
    preferences: list(m.preferences).map((r: any) => dated(r, { name: r.name, origins: r.origins, rate: r.rate })),
    usPrograms: m.special_programs ? dated(m.special_programs, m.special_programs.programs) : undefined,
    column2: m.column2_origins ? dated(m.column2_origins, m.column2_origins.origins) : undefined,
    industrialDutyFree: m.industrial_duty_free ? dated(m.industrial_duty_free, { from: m.industrial_duty_free.chapters_from, to: m.industrial_duty_free.chapters_to }) : undefined,
    dutyFreeExceptChapters: m.no_duty_except_chapters ? dated(m.no_duty_except_chapters, m.no_duty_except_chapters.chapters) : undefined,
    personalUseFactor: m.personal_use_value_factor ? dated(m.personal_use_value_factor, Number(m.personal_use_value_factor.factor_pct)) : undefined,
    postalTiers: m.postal_specific_duty ? dated(m.postal_specific_duty, { tiers: m.postal_specific_duty.tiers, currency: m.postal_specific_duty.currency }) : undefined,
    rounding: {
      duty: rounding(m.rounding.duty), tax: rounding(m.rounding.tax),
      ref: { id: `${code}-ROUNDING`, source: m.rounding.source, asOf: m.rounding.as_of, confidence: m.rounding.confidence, ...(m.rounding.note ? { note: m.rounding.note } : {}) },
    },
    taxSplit: m.tax_split ? dated(m.tax_split, { nationalParts: percentToParts(m.tax_split.national_rate, 'tax_split'), localNum: m.tax_split.local_numerator, localDen: m.tax_split.local_denominator }) : undefined,
    exciseChapters: m.excise_chapters ? { chapters: new Set<number>(m.excise_chapters.chapters), ref: refOf(m.excise_chapters) } : undefined,
    roundingText: Object.freeze({
      duty: roundingText(rounding(m.rounding.duty)), tax: roundingText(rounding(m.rounding.tax)),
      source: `${m.rounding.source} (confidence ${m.rounding.confidence})`,
    }),
    fx: { rule: m.fx.rule, maxAgeDays: m.fx.max_age_days, ref: { id: `${code}-FX`, source: m.fx.source, asOf: m.fx.as_of, confidence: m.fx.confidence } },
  };
}

/** "January 1, 2026" -> "2026-01-01", shifted by `days`. */
function usDate(text: string, days: number): string {
  const ms = Date.parse(`${text} 00:00:00 UTC`);
  if (Number.isNaN(ms)) return days < 0 ? '9999-12-31' : '0000-01-01';
  return new Date(ms + days * 86_400_000).toISOString().slice(0, 10);
}

export function compileLandedCostData(raw: RawLandedCostData): LandedCostData {
  const tariffs = new Map<string, CompiledTariff>();
  const marketsRaw = raw.markets.markets;
  for (const [id, j] of Object.entries(raw.tariffs)) {
    if (j.headings) continue; // Chapter 99 heading table, read below
    if (j.market === 'US') tariffs.set(id, compileUs(j));
    else if (j.market === 'GB') tariffs.set(id, compileCn(j, 'GBP'));
    else if (j.market === 'EU') tariffs.set(id, compileCn(j, 'EUR'));
    else if (j.market === 'JP') tariffs.set(id, compileJp(j, (marketsRaw.JP as any)?.preference_columns?.columns));
  }
  const markets = new Map<string, CompiledMarket>();
  const countryToMarket = new Map<string, string>();
  for (const [code, m] of Object.entries(marketsRaw)) {
    const cm = compileMarket(code, m, tariffs);
    markets.set(code, cm);
    if (code === 'EU') for (const ms of Object.keys(cm.memberCurrencies ?? {})) countryToMarket.set(ms, 'EU');
    else countryToMarket.set(code, code);
  }
  const ch99 = new Map<string, { kind: string; pct: number | null; description: string; from: string; to: string }>();
  const c99 = raw.tariffs['us-ch99-2026-rev10'];
  // Heading texts carry their own validity ("effective with respect to entries on or after
  // January 1, 2026, and before ..."): read it so a quote only applies headings in force that day.
  if (c99) for (const [h, [kind, pct, description]] of Object.entries<[string, number | null, string]>(c99.headings)) {
    const after = /on or after (\w+ \d{1,2}, \d{4})/.exec(description);
    const before = /\bbefore (\w+ \d{1,2}, \d{4})/.exec(description);
    ch99.set(h, { kind, pct, description, from: after ? usDate(after[1], 0) : '0000-01-01', to: before ? usDate(before[1], -1) : '9999-12-31' });
  }
  return {
    markets, countryToMarket, ch99, tariffs,
    ch99Meta: { id: c99?.id ?? 'none', asOf: c99?.as_of ?? '', source: c99?.source ?? '' },
    hs: {
      changed: new Map(Object.entries(raw.hs.changed)), relationship: new Map(Object.entries(raw.hs.relationship)),
      hs2022: new Set(raw.hs.hs2022_subheadings.split(' ')), asOf: raw.hs.as_of, source: raw.hs.source,
    },
  };
}

/**
 * Find the tariff line for an input code (HS2022-based, any length >= 6). For tariffs on the HS2017
 * edition (UK/EU CN 2020), a subheading that changed in HS2022 is mapped through the UNSD table.
 * Returns an error message string when the code is unknown.
 */
export function resolveTariffLine(t: CompiledTariff, hs: LandedCostData['hs'], digits: string): ResolvedTariffLine | string {
  const hit = t.resolved.get(digits);
  if (hit !== undefined) return hit;
  let out: ResolvedTariffLine | string;
  const hs6 = digits.slice(0, 6);
  if (!hs.hs2022.has(hs6)) out = `HS subheading ${hs6} does not exist in HS 2022`;
  else {
    let lookup6 = hs6;
    let mappedFrom: string | undefined;
    const direct = t.meta.hsEdition === 'HS2022' || !hs.changed.has(hs6);
    if (!direct) { lookup6 = hs.changed.get(hs6)!; mappedFrom = `HS2022 ${hs6} -> HS2017 ${lookup6} (UNSD conversion table, ${hs.relationship.get(hs6) ?? '1:1'})`; }
    let entry: TariffEntry | undefined;
    if (direct) for (const n of t.nationalDigits) if (digits.length >= n && (entry = t.entries.get(digits.slice(0, n)))) break;
    if (entry) out = { entry };
    else {
      const candidates = t.byHs6.get(lookup6) ?? [];
      if (candidates.length === 0) out = `no ${t.meta.edition} line under subheading ${lookup6}`;
      else {
        // Several national lines under one subheading: use the highest comparable MFN rate and say so.
        let best = t.entries.get(candidates[0])!;
        let bestParts = pureAdValorem(best.mfn[0]) ?? -1;
        let comparable = bestParts >= 0;
        let differs = false;
        for (const c of candidates.slice(1)) {
          const e = t.entries.get(c)!;
          const p = pureAdValorem(e.mfn[0]);
          if (p === null) { comparable = false; continue; }
          if (p !== bestParts) differs = true;
          if (p > bestParts) { best = e; bestParts = p; }
        }
        const note = candidates.length === 1 ? undefined
          : !differs && comparable ? `all ${candidates.length} national lines under ${lookup6} have the same rate`
          : `ambiguous: ${candidates.length} national lines under ${lookup6}${comparable ? '' : ' (some not comparable)'}; highest rate used (${best.code}) — give the full national code`;
        out = { entry: best, mappedFrom, note };
      }
    }
  }
  t.resolved.set(digits, out);
  return out;
}
