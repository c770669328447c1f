// Behaviour of the engine on the real data: errors, validity dates, thresholds at -1/=/+1 minor
// unit, duty forms (ad valorem, specific, compound, min/max, alternatives), preferences and FX.
import { beforeAll, describe, expect, it } from 'vitest';
import { LandedCostInputError, loadLandedCostData, quoteLandedCost, supportedMarkets, type FxSnapshot, type LandedCostData, type LandedCostInput } from './index.ts';
import { parseCnRate, parseJpRate, evaluateDuty, SUB_MINOR } from './rates.ts';

let data: LandedCostData;
beforeAll(() => { data = loadLandedCostData(); });

const us = (over: Partial<LandedCostInput> = {}): LandedCostInput => ({
  destinationCountry: 'US', originCountry: 'VN', date: '2026-11-21', saleCurrency: 'USD', incoterm: 'DAP',
  lines: [{ hsCode: '6109100012', quantity: 1, unitValue: 10000 }], ...over,
});
const fx: FxSnapshot = { id: 'test-fx', source: 'test fixture (synthetic rates)', date: '2026-11-20', base: 'EUR', rates: { USD: '1.0850', GBP: '0.8650', JPY: '162.40', PLN: '4.3000', NOK: '11.600', CHF: '0.9400' } };

function inputError(fn: () => unknown): LandedCostInputError {
  try { fn(); } catch (e) { expect(e).toBeInstanceOf(LandedCostInputError); return e as LandedCostInputError; }
  throw new Error('expected LandedCostInputError');
}

describe('input errors name the field', () => {
  it('unknown HS code', () => {
    expect(inputError(() => quoteLandedCost(data, us({ lines: [{ hsCode: '999999', quantity: 1, unitValue: 100 }] }))).field).toBe('lines[0].hsCode');
    expect(inputError(() => quoteLandedCost(data, us({ lines: [{ hsCode: 'abc', quantity: 1, unitValue: 100 }] }))).field).toBe('lines[0].hsCode');
    // 851712 was split in HS 2022: not a current code
    expect(inputError(() => quoteLandedCost(data, us({ lines: [{ hsCode: '85171200', quantity: 1, unitValue: 100 }] }))).message).toMatch(/does not exist in HS 2022/);
  });
  it('unknown market', () => {
    expect(inputError(() => quoteLandedCost(data, us({ destinationCountry: 'BR' }))).field).toBe('destinationCountry');
    expect(inputError(() => quoteLandedCost(data, us({ destinationCountry: 'usa' }))).field).toBe('destinationCountry');
  });
  it('FX: missing snapshot, missing rate, stale or future snapshot', () => {
    expect(inputError(() => quoteLandedCost(data, us({ saleCurrency: 'EUR' }))).field).toBe('fx');
    expect(inputError(() => quoteLandedCost(data, us({ saleCurrency: 'SEK', fx }))).field).toBe('fx.rates.SEK');
    expect(inputError(() => quoteLandedCost(data, us({ saleCurrency: 'EUR', fx: { ...fx, date: '2026-10-01' } }))).field).toBe('fx.date');
    expect(inputError(() => quoteLandedCost(data, us({ saleCurrency: 'EUR', fx: { ...fx, date: '2026-11-22' } }))).field).toBe('fx.date');
  });
  it('mixed currencies without rates: EUR thresholds for a PLN destination', () => {
    const e = inputError(() => quoteLandedCost(data, { destinationCountry: 'PL', originCountry: 'CN', date: '2026-11-21', saleCurrency: 'PLN', incoterm: 'DAP', lines: [{ hsCode: '61091000', quantity: 1, unitValue: 5000 }] }));
    expect(e.field).toBe('fx');
  });
  it('negative, absurd and malformed values', () => {
    expect(inputError(() => quoteLandedCost(data, us({ lines: [{ hsCode: '6109100012', quantity: 1, unitValue: -1 }] }))).field).toBe('lines[0].unitValue');
    expect(inputError(() => quoteLandedCost(data, us({ lines: [{ hsCode: '6109100012', quantity: 1, unitValue: 1.5 }] }))).field).toBe('lines[0].unitValue');
    expect(inputError(() => quoteLandedCost(data, us({ lines: [{ hsCode: '6109100012', quantity: 0, unitValue: 1 }] }))).field).toBe('lines[0].quantity');
    expect(inputError(() => quoteLandedCost(data, us({ lines: [{ hsCode: '6109100012', quantity: 1, unitValue: 1e15 }] }))).field).toBe('lines[0].unitValue');
    expect(inputError(() => quoteLandedCost(data, us({ shipping: -5 }))).field).toBe('shipping');
    expect(inputError(() => quoteLandedCost(data, us({ lines: [] }))).field).toBe('lines');
    expect(inputError(() => quoteLandedCost(data, us({ date: '2026-13-45' }))).field).toBe('date');
    expect(inputError(() => quoteLandedCost(data, us({ date: '2026-02-30' }))).field).toBe('date');
    expect(inputError(() => quoteLandedCost(data, us({ incoterm: 'EXW' as 'DAP' }))).field).toBe('incoterm');
    expect(inputError(() => quoteLandedCost(data, us({ saleCurrency: 'XYZ' }))).field).toBe('saleCurrency');
    expect(inputError(() => quoteLandedCost(data, us({ lines: [{ hsCode: '6109100012', quantity: 1, unitValue: 1, unitWeightKg: -2 }] }))).field).toBe('lines[0].unitWeightKg');
  });
  it('a rate we cannot compute is an error, never a silent zero', () => {
    // per-kg duty without a weight
    expect(inputError(() => quoteLandedCost(data, us({ lines: [{ hsCode: '0201100510', quantity: 1, unitValue: 5000 }] }))).field).toBe('lines[0].unitWeightKg');
    // EU agricultural component (EA)
    const e = inputError(() => quoteLandedCost(data, { destinationCountry: 'DE', originCountry: 'US', date: '2026-11-21', saleCurrency: 'EUR', incoterm: 'DAP', lines: [{ hsCode: '19053199', quantity: 1, unitValue: 50000 }] }));
    expect(e.field).toBe('lines[0].hsCode');
    // market without a tariff schedule in data and no override
    expect(inputError(() => quoteLandedCost(data, { destinationCountry: 'AU', originCountry: 'US', date: '2026-11-21', saleCurrency: 'AUD', incoterm: 'DAP', lines: [{ hsCode: '610910', quantity: 1, unitValue: 500000 }] })).field).toBe('lines[0].dutyRateOverride');
  });
  it('no rule in force on the date', () => {
    expect(inputError(() => quoteLandedCost(data, { destinationCountry: 'LV', originCountry: 'CN', date: '2020-01-01', saleCurrency: 'EUR', incoterm: 'DAP', lines: [{ hsCode: '61091000', quantity: 1, unitValue: 5000 }] })).field).toBe('date');
  });
});

describe('validity dates', () => {
  it('US de minimis USD 800 until 2025-08-28, suspended from 2025-08-29', () => {
    const before = quoteLandedCost(data, us({ date: '2025-08-28', lines: [{ hsCode: '6109100012', quantity: 1, unitValue: 80000 }] }));
    expect(before.deMinimis.duty).toMatchObject({ ruleId: 'US-DUTY-DM-800', applies: true });
    expect(before.totals.duty).toBe(0);
    const after = quoteLandedCost(data, us({ date: '2025-08-29', lines: [{ hsCode: '6109100012', quantity: 1, unitValue: 80000 }] }));
    expect(after.deMinimis.duty).toMatchObject({ ruleId: 'US-DUTY-DM-SUSPENDED', applies: false });
    expect(after.totals.duty).toBe(13200); // 16.5% of 800.00
  });
  it('US de minimis ended earlier for China-origin goods (2025-05-02)', () => {
    const q = quoteLandedCost(data, us({ originCountry: 'CN', date: '2025-06-01', lines: [{ hsCode: '6109100012', quantity: 1, unitValue: 5000 }] }));
    expect(q.deMinimis.duty.ruleId).toBe('US-DUTY-DM-CN-HK-ENDED');
    expect(q.totals.duty).toBeGreaterThan(0);
  });
  it('US Section 122 surcharge only inside its 150-day window', () => {
    const inWindow = quoteLandedCost(data, us({ date: '2026-03-15' }));
    expect(inWindow.lines[0].duty.components.map((c) => c.explanation.ruleId)).toContain('US-S122');
    const after = quoteLandedCost(data, us({ date: '2026-08-01' }));
    expect(after.lines[0].duty.components.map((c) => c.explanation.ruleId)).not.toContain('US-S122');
  });
  it('EE VAT rate follows the 2025 changes', () => {
    const q = (date: string) => quoteLandedCost(data, { destinationCountry: 'EE', originCountry: 'US', date, saleCurrency: 'EUR', incoterm: 'DAP', lines: [{ hsCode: '85171300', quantity: 1, unitValue: 100000 }] }).lines[0].tax.ratePct;
    expect([q('2024-12-31'), q('2025-01-01'), q('2025-07-01')]).toEqual(['20%', '22%', '24%']);
  });
});

describe('thresholds at -1 / = / +1 minor unit', () => {
  const gb = (value: number) => quoteLandedCost(data, { destinationCountry: 'GB', originCountry: 'CN', date: '2026-11-21', saleCurrency: 'GBP', incoterm: 'DDP', registrations: { GB_VAT: 'GB123' }, lines: [{ hsCode: '61091000', quantity: 1, unitValue: value }] });
  it('GB GBP 135 point-of-sale VAT and duty relief', () => {
    expect([13499, 13500, 13501].map((v) => gb(v).lowValueRegime!.applies)).toEqual([true, true, false]);
    expect([13499, 13500, 13501].map((v) => gb(v).totals.duty > 0)).toEqual([false, false, true]);
    expect(gb(13501).taxCollection.when).toBe('import');
  });
  it('EU IOSS EUR 150 (intrinsic value)', () => {
    const q = (v: number) => quoteLandedCost(data, { destinationCountry: 'FR', originCountry: 'CN', date: '2025-01-01', saleCurrency: 'EUR', incoterm: 'DDP', registrations: { EU_IOSS: 'IM1' }, shipping: 2000, lines: [{ hsCode: '61091000', quantity: 1, unitValue: v }] });
    expect([14999, 15000, 15001].map((v) => q(v).lowValueRegime!.eligible)).toEqual([true, true, false]);
  });
  it('EU interim flat duty: EUR 150 limit', () => {
    const q = (v: number) => quoteLandedCost(data, { destinationCountry: 'FR', originCountry: 'CN', date: '2026-11-21', saleCurrency: 'EUR', incoterm: 'DDP', registrations: { EU_IOSS: 'IM1' }, lines: [{ hsCode: '85171300', quantity: 1, unitValue: v }] });
    expect([14999, 15000, 15001].map((v) => q(v).totals.duty)).toEqual([300, 300, 0]); // phones: CET 0% above the limit
  });
  it('AU AUD 1,000: border GST only above', () => {
    const q = (v: number) => quoteLandedCost(data, { destinationCountry: 'AU', originCountry: 'CN', date: '2026-11-21', saleCurrency: 'AUD', incoterm: 'DAP', lines: [{ hsCode: '950300', quantity: 1, unitValue: v, dutyRateOverride: { adValoremPct: 5, reason: 'test' } }] });
    expect([99999, 100000, 100001].map((v) => q(v).taxCollection.when)).toEqual(['checkout', 'checkout', 'import']);
    expect([99999, 100000, 100001].map((v) => q(v).totals.duty > 0)).toEqual([false, false, true]);
  });
  it('NZ NZD 1,000', () => {
    const q = (v: number) => quoteLandedCost(data, { destinationCountry: 'NZ', originCountry: 'CN', date: '2026-11-21', saleCurrency: 'NZD', incoterm: 'DAP', registrations: { NZ_GST: '123' }, lines: [{ hsCode: '950300', quantity: 1, unitValue: v, dutyRateOverride: { adValoremPct: 5, reason: 'test' } }] });
    expect([99999, 100000, 100001].map((v) => q(v).lowValueRegime!.applies)).toEqual([true, true, false]);
  });
  it('NO VOEC: strictly below NOK 3,000 per item', () => {
    const q = (v: number) => quoteLandedCost(data, { destinationCountry: 'NO', originCountry: 'CN', date: '2026-11-21', saleCurrency: 'NOK', incoterm: 'DDP', registrations: { NO_VOEC: 'VOEC1' }, lines: [{ hsCode: '610910', quantity: 2, unitValue: v, dutyRateOverride: { adValoremPct: '10.7', reason: 'test' } }] });
    expect([299999, 300000, 300001].map((v) => q(v).lowValueRegime!.eligible)).toEqual([true, false, false]);
    expect(q(299999).totals.duty).toBe(0);
    expect(q(300000).totals.duty).toBeGreaterThan(0);
  });
  it('NO VOEC applies per item: a mixed parcel is split between checkout and border', () => {
    const q = quoteLandedCost(data, { destinationCountry: 'NO', originCountry: 'CN', date: '2026-11-21', saleCurrency: 'NOK', incoterm: 'DAP', registrations: { NO_VOEC: 'VOEC1' }, lines: [
      { hsCode: '610910', quantity: 1, unitValue: 299900, dutyRateOverride: { adValoremPct: '10.7', reason: 'test' } },
      { hsCode: '610910', quantity: 1, unitValue: 350000, dutyRateOverride: { adValoremPct: '10.7', reason: 'test' } },
    ] });
    expect(q.taxCollection.when).toBe('mixed');
    expect(q.lines.map((l) => [l.tax.collectedAt, l.duty.amount])).toEqual([['checkout', 0], ['import', 37450]]);
    expect(q.totals.payableAtImport).toBe(37450 + q.lines[1].tax.amount);
    expect(q.totals.payableAtCheckout).toBe(299900 + 350000 + q.lines[0].tax.amount);
  });
  it('US MPF: informal below USD 2,500, formal from USD 2,500', () => {
    const q = (v: number) => quoteLandedCost(data, us({ lines: [{ hsCode: '8517130000', quantity: 1, unitValue: v }] })).totals.fees;
    expect([249999, 250000, 250001].map(q)).toEqual([277, 3458, 3458]); // FY2027: $2.77 informal; formal min $34.58
  });
  it('US USD 800 de minimis (2025-08-01)', () => {
    const q = (v: number) => quoteLandedCost(data, us({ date: '2025-08-01', lines: [{ hsCode: '6109100012', quantity: 1, unitValue: v }] })).deMinimis.duty.applies;
    expect([79999, 80000, 80001].map(q)).toEqual([true, true, false]);
  });
  it('CH CHF 5 import VAT', () => {
    const q = (v: number) => quoteLandedCost(data, { destinationCountry: 'CH', originCountry: 'US', date: '2026-11-21', saleCurrency: 'CHF', incoterm: 'DAP', lines: [{ hsCode: '610910', quantity: 1, unitValue: v }] });
    // 8.1%: 61.79 -> 5.00 (not levied), 61.80 -> 5.01
    expect([6178, 6179, 6180].map((v) => q(v).totals.tax)).toEqual([0, 0, 501]);
  });
});

describe('duty forms', () => {
  it('US specific per kg and per litre', () => {
    const beef = quoteLandedCost(data, us({ lines: [{ hsCode: '0201100510', quantity: 2, unitValue: 5000, unitWeightKg: 5 }] }));
    expect(beef.totals.duty).toBe(44); // 4.4¢/kg x 10 kg
    const wine = quoteLandedCost(data, us({ originCountry: 'FR', lines: [{ hsCode: '2204215005', quantity: 12, unitValue: 90, unitVolumeLitres: 0.75 }] }));
    expect(wine.totals.duty).toBe(57); // 6.3¢/l x 9 l = 56.7¢ -> 57¢ (half-up)
  });
  it('GB compound: 12% + GBP 253/100 kg', () => {
    const q = quoteLandedCost(data, { destinationCountry: 'GB', originCountry: 'US', date: '2026-11-21', saleCurrency: 'GBP', incoterm: 'DAP', lines: [{ hsCode: '02013000', quantity: 1, unitValue: 100000, unitWeightKg: 20 }] });
    expect(q.totals.duty).toBe(12000 + 5060);
    expect(q.lines[0].duty.components[0].explanation.rate).toBe('12.00% + 253.00 GBP/100kg');
  });
  it('EU MIN/MAX and specific rates in EUR converted for a non-euro member state', () => {
    const f = parseCnRate('5.5% MIN 0.40 EUR / 100 kg MAX 10.0%', 'EUR');
    const ctx = (base: number, grams: number) => ({ base, monthDay: 101, qty: { grams, millilitres: -1, items: 1 }, convertSpecific: (a: number) => a });
    expect(evaluateDuty(f, ctx(1000, 1_000_000)) / SUB_MINOR).toBe(100); // min 4.00 EUR capped by max 10% of 10.00 = 1.00
    expect(evaluateDuty(f, ctx(100000, 1000)) / SUB_MINOR).toBe(5500);
    const wine = quoteLandedCost(data, { destinationCountry: 'PL', originCountry: 'US', date: '2026-11-21', saleCurrency: 'PLN', incoterm: 'DAP', fx, lines: [{ hsCode: '22042109', quantity: 10, unitValue: 5000, unitVolumeLitres: 1 }] });
    // 32.00 EUR/hl x 0.1 hl = 3.20 EUR = 13.76 PLN at 4.30
    expect(wine.totals.duty).toBe(1376);
  });
  it('seasonal rates follow the quote date (UK 07020000 tomatoes; EU 07019050 has a gap)', () => {
    const gb = (date: string) => quoteLandedCost(data, { destinationCountry: 'GB', originCountry: 'MA', date, saleCurrency: 'GBP', incoterm: 'DAP', lines: [{ hsCode: '07020000', quantity: 1, unitValue: 100000 }] }).totals.duty;
    expect([gb('2026-05-14'), gb('2026-05-15'), gb('2026-10-31'), gb('2026-11-01')]).toEqual([8000, 14000, 14000, 8000]);
    const eu = (date: string) => () => quoteLandedCost(data, { destinationCountry: 'DE', originCountry: 'EG', date, saleCurrency: 'EUR', incoterm: 'DAP', lines: [{ hsCode: '07019050', quantity: 1, unitValue: 100000 }] });
    expect(eu('2026-05-20')().totals.duty).toBe(13400);
    expect(inputError(eu('2026-08-01')).message).toMatch(/no season/);
  });
  it('JP alternatives: whichever is higher / lower', () => {
    const f = parseJpRate('30%又は4,300円/足のうちいずれか高い税率');
    const ctx = (base: number, pairs: number) => ({ base, monthDay: 101, qty: { grams: -1, millilitres: -1, items: pairs }, convertSpecific: (a: number) => a });
    expect(evaluateDuty(f, ctx(10000, 1)) / SUB_MINOR).toBe(4300);
    expect(evaluateDuty(f, ctx(20000, 1)) / SUB_MINOR).toBe(6000);
    expect(parseJpRate('(10.9%)').notApplied).toBe(true);
  });
  it('JP: applied MFN = lowest of WTO and general; base truncated to JPY 1,000, duty to JPY 100', () => {
    const q = quoteLandedCost(data, { destinationCountry: 'JP', originCountry: 'US', date: '2026-11-21', saleCurrency: 'JPY', incoterm: 'DAP', buyerType: 'business', lines: [{ hsCode: '610910020', quantity: 1, unitValue: 123456 }] });
    expect(q.lines[0].duty.components[0].explanation.rate).toBe('7.4%');
    expect(q.totals.duty).toBe(9100); // 123,000 x 7.4% = 9,102 -> 9,100
    // base 123,456 + 9,100 -> 132,000; national 7.8% = 10,296 -> 10,200; local 22/78 = 2,876.9 -> 2,800
    expect(q.totals.tax).toBe(13000);
  });
  it('JP JPY 10,000 relief and the 60% personal-use value', () => {
    const q = (v: number) => quoteLandedCost(data, { destinationCountry: 'JP', originCountry: 'US', date: '2026-11-21', saleCurrency: 'JPY', incoterm: 'DAP', lines: [{ hsCode: '610910020', quantity: 1, unitValue: v }] });
    expect(q(16666).lines[0].customsValue.amount).toBe(10000);
    expect(q(16666).totals.importCharges).toBe(0);
    expect(q(16668).totals.importCharges).toBeGreaterThan(0);
  });
});

describe('origin: preferences, column 2, Section 301', () => {
  it('US FTA program with a claim (KR), without a claim, and column 2 (RU)', () => {
    const q = (origin: string, claim: boolean) => quoteLandedCost(data, us({ originCountry: origin, lines: [{ hsCode: '6109100012', quantity: 1, unitValue: 10000, preferentialOriginClaim: claim }] }));
    expect(q('KR', true).totals.duty).toBe(0);
    expect(q('KR', true).lines[0].duty.components[0].kind).toBe('preferential');
    expect(q('KR', false).totals.duty).toBe(1650);
    expect(q('RU', false).totals.duty).toBe(9000);
    expect(q('RU', false).lines[0].duty.components[0].kind).toBe('column2');
  });
  it('Section 301 headings apply only in their own validity window (9903.91.06 from 2026-01-01)', () => {
    const q = (date: string) => quoteLandedCost(data, us({ originCountry: 'CN', date, lines: [{ hsCode: '8507600090', quantity: 1, unitValue: 10000 }] })).lines[0].duty.components.find((c) => c.kind === 'additional')!.explanation.rate;
    expect(q('2025-12-31')).toBe('+7.5% (9903.88.15)');
    expect(q('2026-01-01')).toBe('+25% (9903.91.06)');
  });
  it('Section 301 on China-origin goods, flagged for review', () => {
    const q = quoteLandedCost(data, us({ originCountry: 'CN' }));
    expect(q.lines[0].duty.components.map((c) => [c.kind, c.amount])).toEqual([['mfn', 1650], ['additional', 750]]);
    expect(q.review.join(' ')).toMatch(/9903\.88\.15/);
  });
  it('EU-UK TCA zero duty with a claim', () => {
    const q = quoteLandedCost(data, { destinationCountry: 'DE', originCountry: 'GB', date: '2026-11-21', saleCurrency: 'EUR', incoterm: 'DAP', lines: [{ hsCode: '61091000', quantity: 2, unitValue: 10000, preferentialOriginClaim: true }] });
    expect(q.totals.duty).toBe(0);
    expect(q.lines[0].duty.components[0].explanation.ruleId).toBe('EU-PREF-TCA');
  });
  it('Japan EPA column (EU origin)', () => {
    const q = quoteLandedCost(data, { destinationCountry: 'JP', originCountry: 'IT', date: '2026-11-21', saleCurrency: 'JPY', incoterm: 'DAP', buyerType: 'business', lines: [{ hsCode: '420221210', quantity: 1, unitValue: 200000, preferentialOriginClaim: true }] });
    expect(q.lines[0].duty.components[0].explanation.rate).toBe('1.5%');
  });
});

describe('codes, editions, currencies', () => {
  it('HS2022 codes are mapped to the HS2017-based CN 2020 data and the mapping is shown', () => {
    const q = quoteLandedCost(data, { destinationCountry: 'GB', originCountry: 'CN', date: '2026-11-21', saleCurrency: 'GBP', incoterm: 'DAP', lines: [{ hsCode: '8517.13.00', quantity: 1, unitValue: 50000 }] });
    expect(q.lines[0].tariffLine).toMatchObject({ code: '85171200', dataset: 'gb-ukgt-2021', asOf: '2021-01-01' });
    expect(q.lines[0].tariffLine!.mappedFrom).toMatch(/851713 -> HS2017 851712/);
    expect(q.review.join(' ')).toMatch(/data dated 2021-01-01/);
  });
  it('an HS6-only code with differing national rates is flagged ambiguous', () => {
    const q = quoteLandedCost(data, us({ lines: [{ hsCode: '640419', quantity: 1, unitValue: 10000 }] }));
    expect(q.lines[0].tariffLine!.note).toMatch(/ambiguous/);
    expect(q.review.join(' ')).toMatch(/ambiguous/);
  });
  it('sale-currency totals use the same snapshot; JPY has no minor digits', () => {
    const q = quoteLandedCost(data, { destinationCountry: 'JP', originCountry: 'US', date: '2026-11-21', saleCurrency: 'EUR', incoterm: 'DDP', fx, buyerType: 'business', lines: [{ hsCode: '610910020', quantity: 1, unitValue: 10000 }] });
    expect(q.destinationCurrency).toBe('JPY');
    expect(q.lines[0].goodsValue).toBe(16240); // EUR 100.00 x 162.40
    expect(q.fx).toMatchObject({ snapshotId: 'test-fx', saleToDestination: '1 EUR = 162.4 JPY' });
    expect(Math.abs(q.totalsInSaleCurrency.goods - 10000)).toBeLessThanOrEqual(1);
  });
  it('lists supported markets', () => {
    const markets = supportedMarkets(data);
    expect(markets.map((m) => m.market).sort()).toEqual(['AU', 'CA', 'CH', 'EU', 'GB', 'IN', 'JP', 'NO', 'NZ', 'SG', 'US']);
    expect(markets.find((m) => m.market === 'EU')!.countries).toHaveLength(27);
  });
  it('every figure carries rule id, source and as_of', () => {
    const q = quoteLandedCost(data, { destinationCountry: 'FR', originCountry: 'US', date: '2026-11-21', saleCurrency: 'EUR', incoterm: 'DAP', shipping: 1500, lines: [{ hsCode: '64041100', quantity: 1, unitValue: 20000 }] });
    for (const c of q.lines[0].duty.components) expect(c.explanation).toMatchObject({ ruleId: expect.any(String), source: expect.any(String), asOf: expect.any(String), rate: expect.any(String), base: expect.any(Number) });
    expect(q.lines[0].tax.explanation).toMatchObject({ ruleId: 'FR-VAT-20-2014', rate: '20%', base: q.lines[0].tax.base.total });
    expect(q.valuation.basis).toBe('CIF');
  });
});

describe('collection: who collects and when', () => {
  it('EU IOSS via a marketplace (deemed supplier) collects at checkout', () => {
    const q = quoteLandedCost(data, { destinationCountry: 'IT', originCountry: 'CN', date: '2026-11-21', saleCurrency: 'EUR', incoterm: 'DDP', marketplace: true, lines: [{ hsCode: '61091000', quantity: 1, unitValue: 5000 }] });
    expect(q.taxCollection).toMatchObject({ collector: 'marketplace_at_checkout', when: 'checkout' });
    expect(q.totals.tax).toBe(1166); // 22% x (50.00 + EUR 3 flat duty)
    expect(q.totals.payableAtCheckout).toBe(5000 + 300 + 1166);
  });
  it('DAP without IOSS: carrier collects duty and VAT from the buyer at import', () => {
    const q = quoteLandedCost(data, { destinationCountry: 'IT', originCountry: 'CN', date: '2025-11-21', saleCurrency: 'EUR', incoterm: 'DAP', lines: [{ hsCode: '61091000', quantity: 1, unitValue: 5000 }] });
    expect(q.taxCollection).toMatchObject({ collector: 'carrier_or_buyer_at_import', when: 'import' });
    expect(q.totals.payableAtImport).toBe(1100);
    expect(q.totals.payableAtCheckout).toBe(5000);
  });
  it('CA: CAD 150 duty / CAD 40 tax relief for courier shipments from the US', () => {
    const q = (v: number, mode: 'courier' | 'postal') => quoteLandedCost(data, { destinationCountry: 'CA', destinationSubdivision: 'CA-ON', originCountry: 'US', date: '2026-11-21', saleCurrency: 'CAD', incoterm: 'DAP', transportMode: mode, lines: [{ hsCode: '950300', quantity: 1, unitValue: v, dutyRateOverride: { adValoremPct: 8, reason: 'test' } }] });
    expect([3999, 4000, 4001].map((v) => q(v, 'courier').totals.tax)).toEqual([0, 0, 520]); // HST 13% x 40.01 (duty relieved up to CAD 150)
    expect([14999, 15000, 15001].map((v) => q(v, 'courier').totals.duty)).toEqual([0, 0, 1200]);
    expect(q(3000, 'postal').totals.duty).toBe(240); // postal: CAD 20 threshold
  });
  it('CH mail-order rule: a registered seller charges Swiss VAT even below CHF 5 of tax', () => {
    const q = quoteLandedCost(data, { destinationCountry: 'CH', originCountry: 'DE', date: '2026-11-21', saleCurrency: 'CHF', incoterm: 'DDP', registrations: { CH_VAT: 'CHE-123' }, lines: [{ hsCode: '610910', quantity: 1, unitValue: 3000 }] });
    expect(q.taxCollection.when).toBe('checkout');
    expect(q.totals.tax).toBe(243);
  });
});
