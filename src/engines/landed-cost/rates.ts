// Duty rate texts as printed in each tariff (see data/tariffs/*.json) -> computable formulas.
// Anything we cannot compute exactly is kept with `unsupported` set, and quoting such a line throws
// instead of silently using 0.
import { mulDivRound, PCT_DEN, percentToParts, parseDecimal } from './money.ts';

/** Quantity units a specific duty can be expressed in. */
export type QtyUnit = 'kg' | 'l' | 'item' | 'pair' | 'dozen';

/** Specific amounts are held in 1/10,000 of a minor unit so 4.4¢/kg stays exact (44,000). */
export const SUB_MINOR = 10_000;

export interface AdValoremTerm { kind: 'adv'; parts: number }
export interface SpecificTerm {
  kind: 'specific';
  /** amount in SUB_MINOR units of `currency` per `unitSize` units */
  amount: number;
  currency: string;
  unit: QtyUnit;
  unitSize: number;
}
export type DutyTerm = AdValoremTerm | SpecificTerm;

export interface DutyFormula {
  text: string;
  free: boolean;
  terms: DutyTerm[];
  min?: DutyTerm[];
  max?: DutyTerm[];
  alternatives?: { mode: 'higher' | 'lower'; formulas: DutyFormula[] };
  /** Printed in parentheses (JP): listed but not applied. */
  notApplied?: boolean;
  /** Seasonal rates (UK/EU fruit, vegetables, fish): the formula of the season containing the date. */
  seasons?: { ranges: [number, number][]; formula: DutyFormula }[];
  /** Marked conditional (JP ◎ ※ *): quota / end-use; flagged for review. */
  conditional?: boolean;
  unsupported?: string;
}

const unsupported = (text: string, why: string): DutyFormula => ({ text, free: false, terms: [], unsupported: why });

function pct(num: string): AdValoremTerm {
  return { kind: 'adv', parts: percentToParts(num, 'rate') };
}
function specific(amountMajor: string, minorExp: number, currency: string, unit: QtyUnit, unitSize: number, centsAlready = false): SpecificTerm {
  const d = parseDecimal(amountMajor, 'rate');
  const scale = centsAlready ? SUB_MINOR : SUB_MINOR * 10 ** minorExp;
  return { kind: 'specific', amount: mulDivRound(d.num, scale, d.den, 'half-up'), currency, unit, unitSize };
}

const NUM = String.raw`(\d[\d,]*(?:\.\d+)?)`;

// ---- US (HTSUS) ----------------------------------------------------------------------------
const US_UNITS: Record<string, QtyUnit> = { kg: 'kg', liter: 'l', 'pr.': 'pair', 'doz.': 'dozen', each: 'item', no: 'item' };
const US_TERM = new RegExp(String.raw`^(?:(\d+(?:\.\d+)?)%|(\d+(?:\.\d+)?)¢\s*(?:\/\s*(kg|liter|pr\.|doz\.)|(each))|\$(\d+(?:\.\d+)?)\s*(?:\/\s*(kg|liter|pr\.|doz\.)|(each)))$`);

export function parseUsRate(text: string): DutyFormula {
  const t = text.trim();
  if (t === '') return unsupported(text, 'no rate printed for this line');
  if (t === 'Free') return { text, free: true, terms: [] };
  const terms: DutyTerm[] = [];
  for (const part of t.split(/\s*\+\s*/)) {
    const m = US_TERM.exec(part);
    if (!m) return unsupported(text, `rate form not computable: "${part}"`);
    if (m[1] !== undefined) terms.push(pct(m[1]));
    else if (m[2] !== undefined) terms.push(specific(m[2], 2, 'USD', US_UNITS[m[3] ?? m[4]], 1, true));
    else terms.push(specific(m[5], 2, 'USD', US_UNITS[m[6] ?? m[7]], 1));
  }
  return { text, free: terms.every((x) => x.kind === 'adv' && x.parts === 0), terms };
}

/** "Free (AU,BH,...) 2.8¢/liter (JO)" -> program symbol -> rate text. */
export function parseUsSpecial(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /([^()]+?)\s*\(([^)]*)\)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const rate = m[1].trim();
    for (const p of m[2].split(',')) out.set(p.trim(), rate);
  }
  return out;
}

// ---- UK / EU (CN-based) ----------------------------------------------------------------------
function parseCnTerm(part: string, currency: string): DutyTerm | string {
  const p = part.trim().replace(/\u00a0/g, ' ');
  let m = new RegExp(`^${NUM}\\s*%$`).exec(p);
  if (m) return pct(m[1]);
  m = new RegExp(`^${NUM}\\s*${currency}\\s*\\/\\s*(\\d[\\d,]*)?\\s*(kg|hl|items?|tonne)$`).exec(p);
  if (m) {
    const size = m[2] ? Number(m[2].replace(/,/g, '')) : 1;
    const u = m[3];
    if (u === 'hl') return specific(m[1], 2, currency, 'l', 100 * size);
    if (u === 'tonne') return specific(m[1], 2, currency, 'kg', 1000 * size);
    if (u === 'kg') return specific(m[1], 2, currency, 'kg', size);
    return specific(m[1], 2, currency, 'item', size);
  }
  return `rate form not computable: "${p}"`;
}

function parseCnTerms(text: string, currency: string): DutyTerm[] | string {
  const terms: DutyTerm[] = [];
  for (const part of text.split(/\s+\+\s+/)) {
    const t = parseCnTerm(part, currency);
    if (typeof t === 'string') return t;
    terms.push(t);
  }
  return terms;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** "8.0% (01 JUL - 31 JAN), 12.0% (01 FEB - 30 JUN)" -> seasons keyed by month*100+day ranges. */
function parseSeasonal(text: string, currency: 'EUR' | 'GBP'): DutyFormula | null {
  const segs = [...text.matchAll(/\s*([^(),]+?)\s*\(([^)]*)\)\s*(?:,|$)/g)];
  if (segs.length < 2 || segs.map((m) => m[0]).join('').replace(/\s/g, '') !== text.replace(/\s/g, '')) return null;
  const seasons: NonNullable<DutyFormula['seasons']> = [];
  for (const [, rate, rangeText] of segs) {
    const f = parseCnRate(rate, currency);
    if (f.unsupported) return null;
    const ranges: [number, number][] = [];
    for (const r of rangeText.split(',')) {
      const m = /^\s*(\d{1,2})\s*([A-Z]{3})[A-Z]*\s*-\s*(\d{1,2})\s*([A-Z]{3})[A-Z]*\s*$/.exec(r);
      if (!m || !MONTHS.includes(m[2]) || !MONTHS.includes(m[4])) return null;
      ranges.push([(MONTHS.indexOf(m[2]) + 1) * 100 + Number(m[1]), (MONTHS.indexOf(m[4]) + 1) * 100 + Number(m[3])]);
    }
    seasons.push({ ranges, formula: f });
  }
  return { text, free: false, terms: [], seasons };
}

export function parseCnRate(text: string, currency: 'EUR' | 'GBP'): DutyFormula {
  const t = text.trim();
  if (t === '') return unsupported(text, 'no rate printed for this line');
  if (t.includes('(')) { const seasonal = parseSeasonal(t, currency); if (seasonal) return seasonal; }
  if (/\bEA\b|ADSZ|ADFM|Entry Price|% ?vol|lactic|sacchar|drained|net dry|std qual|\(.*\d{2}/i.test(t)) {
    return unsupported(text, 'agricultural component / entry price / seasonal or quality-dependent rate: needs TARIC/UK tariff detail');
  }
  const [mainAndMin, maxPart] = t.split(/\s+MAX\s+/);
  const [mainPart, minPart] = mainAndMin.split(/\s+MIN\s+/);
  const terms = parseCnTerms(mainPart, currency);
  if (typeof terms === 'string') return unsupported(text, terms);
  const f: DutyFormula = { text, free: false, terms };
  if (minPart) { const x = parseCnTerms(minPart, currency); if (typeof x === 'string') return unsupported(text, x); f.min = x; }
  if (maxPart) { const x = parseCnTerms(maxPart, currency); if (typeof x === 'string') return unsupported(text, x); f.max = x; }
  f.free = terms.every((x) => x.kind === 'adv' && x.parts === 0) && !f.min;
  return f;
}

// ---- Japan ------------------------------------------------------------------------------------
const JP_UNITS: Record<string, [QtyUnit, number]> = { kg: ['kg', 1], l: ['l', 1], kl: ['l', 1000], '個': ['item', 1], '足': ['pair', 1], '頭': ['item', 1], '本': ['item', 1], '台': ['item', 1], '枚': ['item', 1], 'ダース': ['dozen', 1] };

function parseJpSimple(t: string): DutyTerm[] | string {
  if (t === '無税') return [];
  const terms: DutyTerm[] = [];
  for (const part of t.split(/\s*[+＋]\s*/)) {
    let m = new RegExp(`^${NUM}%$`).exec(part);
    if (m) { terms.push(pct(m[1])); continue; }
    m = new RegExp(`^${NUM}円\\/(kg|l|kl|個|足|頭|本|台|枚|ダース)$`).exec(part);
    if (m) { const [u, size] = JP_UNITS[m[2]]; terms.push(specific(m[1], 0, 'JPY', u, size)); continue; }
    return `rate form not computable: "${part}"`;
  }
  return terms;
}

export function parseJpRate(text: string): DutyFormula {
  let t = text.trim();
  if (t === '') return unsupported(text, 'no rate printed for this line');
  let conditional = false;
  if (/[◎※*]/.test(t)) { conditional = true; t = t.replace(/[◎※*]/g, '').trim(); }
  let notApplied = false;
  const paren = /^[(（](.*)[)）]$/.exec(t);
  if (paren) { notApplied = true; t = paren[1].trim(); }
  const alt = /^(.+?)又は(.+?)のうちいずれか(高い|低い)税率$/.exec(t);
  if (alt) {
    const a = parseJpSimple(alt[1].trim());
    const b = parseJpSimple(alt[2].trim());
    if (typeof a === 'string') return unsupported(text, a);
    if (typeof b === 'string') return unsupported(text, b);
    return {
      text, free: false, terms: [], notApplied, conditional,
      alternatives: { mode: alt[3] === '高い' ? 'higher' : 'lower', formulas: [{ text: alt[1], free: a.length === 0, terms: a }, { text: alt[2], free: b.length === 0, terms: b }] },
    };
  }
  const terms = parseJpSimple(t);
  if (typeof terms === 'string') return { ...unsupported(text, terms), notApplied, conditional };
  return { text, free: terms.length === 0 || terms.every((x) => x.kind === 'adv' && x.parts === 0), terms, notApplied, conditional };
}

// ---- Evaluation ------------------------------------------------------------------------------

/** Quantities of a line, as integers: grams, millilitres, item count. */
export interface LineQuantities { grams: number; millilitres: number; items: number }

export interface DutyContext {
  /** customs value of the line in destination minor units */
  base: number;
  qty: LineQuantities;
  /** SUB_MINOR amount in `currency` -> SUB_MINOR amount in destination currency */
  convertSpecific: (amount: number, currency: string) => number;
  /** month * 100 + day of the quote date, for seasonal rates */
  monthDay: number;
  /** set when no seasonal rate covers the date */
  missing?: QtyUnit | 'season';
}

function termAmount(term: DutyTerm, ctx: DutyContext): number {
  if (term.kind === 'adv') return mulDivRound(ctx.base, term.parts, PCT_DEN / SUB_MINOR, 'half-up');
  let qty: number;
  let qtyScale: number;
  switch (term.unit) {
    case 'kg': qty = ctx.qty.grams; qtyScale = 1000; break;
    case 'l': qty = ctx.qty.millilitres; qtyScale = 1000; break;
    case 'dozen': qty = ctx.qty.items; qtyScale = 12; break;
    default: qty = ctx.qty.items; qtyScale = 1;
  }
  if (qty < 0) { ctx.missing = term.unit; return 0; }
  const inCurrency = mulDivRound(term.amount, qty, qtyScale * term.unitSize, 'half-up');
  return ctx.convertSpecific(inCurrency, term.currency);
}

function sumTerms(terms: DutyTerm[], ctx: DutyContext): number {
  let s = 0;
  for (let i = 0; i < terms.length; i++) s += termAmount(terms[i], ctx);
  return s;
}

/** Duty in SUB_MINOR units of the destination currency (caller rounds per the market rule). */
export function evaluateDuty(f: DutyFormula, ctx: DutyContext): number {
  if (f.seasons) {
    const md = ctx.monthDay;
    for (const s of f.seasons) for (const [a, b] of s.ranges) if (a <= b ? a <= md && md <= b : md >= a || md <= b) return evaluateDuty(s.formula, ctx);
    ctx.missing = 'season';
    return 0;
  }
  if (f.alternatives) {
    const vals = f.alternatives.formulas.map((x) => evaluateDuty(x, ctx));
    return f.alternatives.mode === 'higher' ? Math.max(...vals) : Math.min(...vals);
  }
  let amount = sumTerms(f.terms, ctx);
  if (f.min) amount = Math.max(amount, sumTerms(f.min, ctx));
  if (f.max) amount = Math.min(amount, sumTerms(f.max, ctx));
  return amount;
}

/** True if the formula is a single ad valorem percentage (so two can be compared without a line). */
export function pureAdValorem(f: DutyFormula): number | null {
  if (f.seasons || f.alternatives || f.min || f.max || f.unsupported) return null;
  if (f.terms.length === 0) return 0;
  if (f.terms.length === 1 && f.terms[0].kind === 'adv') return f.terms[0].parts;
  return null;
}

function termsNeed(ts: DutyTerm[] | undefined, unit: QtyUnit): boolean {
  if (!ts) return false;
  for (const t of ts) if (t.kind === 'specific' && t.unit === unit) return true;
  return false;
}

export function needsUnit(f: DutyFormula, unit: QtyUnit): boolean {
  return termsNeed(f.terms, unit) || termsNeed(f.min, unit) || termsNeed(f.max, unit) || !!f.alternatives?.formulas.some((x) => needsUnit(x, unit))
    || !!f.seasons?.some((x) => needsUnit(x.formula, unit));
}

/** Bit flags of the quantities a formula needs (1 = weight, 2 = volume), cached on the formula. */
export function quantityNeeds(f: DutyFormula & { needs?: number }): number {
  if (f.needs === undefined) f.needs = (needsUnit(f, 'kg') ? 1 : 0) | (needsUnit(f, 'l') ? 2 : 0);
  return f.needs;
}
