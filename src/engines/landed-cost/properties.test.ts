// fast-check properties over random consignments on the real data.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { convert, fxFactor, loadLandedCostData, quoteLandedCost, type FxSnapshot, type LandedCostData, type LandedCostInput, type LandedCostLineInput } from './index.ts';

let data: LandedCostData;
beforeAll(() => { data = loadLandedCostData(); });

const fx: FxSnapshot = { id: 'prop-fx', source: 'test fixture (synthetic rates)', date: '2026-06-01', base: 'EUR', rates: { USD: '1.0850', GBP: '0.8650', JPY: '162.40', PLN: '4.3000', NOK: '11.600', CHF: '0.9400', AUD: '1.6500', NZD: '1.8100', SGD: '1.4500', CAD: '1.5000', INR: '90.25' } };

/** Market templates: destination, codes that have computable rates there, options. */
const templates: { dest: string; cur: string; codes: string[]; override?: boolean; extra?: Partial<LandedCostInput> }[] = [
  { dest: 'US', cur: 'USD', codes: ['6109100012', '8507600090', '4202219000', '8517130000', '6404199060', '3304995000'] },
  { dest: 'DE', cur: 'EUR', codes: ['61091000', '95030075', '42022100', '85076000', '64041100', '85171300'], extra: { registrations: { EU_IOSS: 'IM1' } } },
  { dest: 'PL', cur: 'PLN', codes: ['61091000', '42022100'] },
  { dest: 'GB', cur: 'GBP', codes: ['61091000', '95030075', '42022100', '64041100', '85076000'], extra: { registrations: { GB_VAT: 'GB1' } } },
  { dest: 'JP', cur: 'JPY', codes: ['610910020', '420221210', '640411000', '851713000'] },
  { dest: 'AU', cur: 'AUD', codes: ['950300', '610910'], override: true },
  { dest: 'NZ', cur: 'NZD', codes: ['950300'], override: true, extra: { registrations: { NZ_GST: '1' } } },
  { dest: 'CA', cur: 'CAD', codes: ['950300'], override: true, extra: { destinationSubdivision: 'CA-ON' } },
  { dest: 'CH', cur: 'CHF', codes: ['610910', '490199', '851713'] },
  { dest: 'NO', cur: 'NOK', codes: ['610910'], override: true, extra: { registrations: { NO_VOEC: 'V1' } } },
  { dest: 'SG', cur: 'SGD', codes: ['851762', '610910'], extra: { transportMode: 'air' } },
  { dest: 'IN', cur: 'INR', codes: ['851762'], override: true },
];
const saleCurrencies = ['EUR', 'USD', 'GBP', 'JPY'];
const origins = ['CN', 'VN', 'US', 'GB', 'KR', 'MX'];

const lineArb = (codes: string[], override: boolean) => fc.record({
  code: fc.constantFrom(...codes),
  quantity: fc.integer({ min: 1, max: 20 }),
  unitValue: fc.integer({ min: 0, max: 500_000 }),
  claim: fc.boolean(),
  ratePct: fc.integer({ min: 0, max: 300 }),
}).map((l): LandedCostLineInput => ({
  hsCode: l.code, quantity: l.quantity, unitValue: l.unitValue, unitWeightKg: 0.3, preferentialOriginClaim: l.claim,
  ...(override ? { dutyRateOverride: { adValoremPct: (l.ratePct / 10).toFixed(1), reason: 'property test' } } : {}),
}));

const consignmentArb = fc.constantFrom(...templates).chain((t) => fc.record({
  t: fc.constant(t),
  lines: fc.array(lineArb(t.codes, !!t.override), { minLength: 1, maxLength: 6 }),
  sale: fc.constantFrom(t.cur, ...saleCurrencies),
  origin: fc.constantFrom(...origins),
  shipping: fc.integer({ min: 0, max: 20_000 }),
  insurance: fc.integer({ min: 0, max: 2_000 }),
  incoterm: fc.constantFrom('DDP' as const, 'DAP' as const),
  // dates before the EU interim flat duty (see the non-monotonicity test below) and after it
  date: fc.constantFrom('2026-06-05', '2026-06-20', '2026-11-21'),
})).map(({ t, lines, sale, origin, shipping, insurance, incoterm, date }): LandedCostInput => ({
  destinationCountry: t.dest, originCountry: origin, date, saleCurrency: sale, incoterm, lines, shipping, insurance,
  fx: { ...fx, date: date === '2026-11-21' ? '2026-11-20' : date }, ...t.extra,
}));

describe('properties', () => {
  it('totals are the sum of the lines; nothing is negative', () => {
    fc.assert(fc.property(consignmentArb, (input) => {
      const q = quoteLandedCost(data, input);
      let duty = 0, tax = 0, fees = 0, goods = 0;
      for (const l of q.lines) {
        expect(l.duty.amount).toBeGreaterThanOrEqual(0);
        expect(l.tax.amount).toBeGreaterThanOrEqual(0);
        for (const c of l.duty.components) expect(c.amount).toBeGreaterThanOrEqual(0);
        const lineFees = l.fees.reduce((s, f) => s + f.amount, 0);
        expect(l.total).toBe(l.duty.amount + l.tax.amount + lineFees);
        expect(l.tax.amount).toBe(l.tax.onGoods + l.tax.onTransport);
        duty += l.duty.amount; tax += l.tax.amount; fees += lineFees; goods += l.goodsValue;
      }
      expect(q.totals).toMatchObject({ duty, tax, fees, goods });
      expect(q.lines.reduce((s, l) => s + l.transportShare, 0)).toBe(q.totals.transport);
      expect(q.totals.importCharges).toBe(duty + tax + fees);
      expect(q.totals.landedCost).toBe(goods + q.totals.transport + duty + tax + fees);
      expect(q.totals.payableAtImport).toBeLessThanOrEqual(q.totals.importCharges);
      for (const v of Object.values(q.totalsInSaleCurrency)) expect(Number.isSafeInteger(v) && v >= 0).toBe(true);
    }), { numRuns: 400 });
  });

  it('raising a value never lowers the tax (outside the EU flat-duty boundary)', () => {
    const arb = fc.tuple(consignmentArb, fc.nat({ max: 5 }), fc.integer({ min: 1, max: 200_000 }))
      .filter(([input]) => !(['DE', 'PL'].includes(input.destinationCountry) && input.date >= '2026-07-01'));
    fc.assert(fc.property(arb, ([input, which, delta]) => {
      const i = which % input.lines.length;
      const before = quoteLandedCost(data, input);
      const lines = input.lines.map((l, k) => (k === i ? { ...l, unitValue: l.unitValue + delta } : l));
      const after = quoteLandedCost(data, { ...input, lines });
      expect(after.totals.tax).toBeGreaterThanOrEqual(before.totals.tax);
      expect(after.totals.goods).toBeGreaterThanOrEqual(before.totals.goods);
    }), { numRuns: 300 });
  });

  it('documented exception: crossing EUR 150 under the interim flat duty can lower the VAT', () => {
    // EUR 3 flat duty at <= EUR 150 enters the VAT base; above it the tariff rate (0% for phones) applies.
    const q = (v: number) => quoteLandedCost(data, { destinationCountry: 'DE', originCountry: 'CN', date: '2026-11-21', saleCurrency: 'EUR', incoterm: 'DAP', lines: [{ hsCode: '85171300', quantity: 1, unitValue: v }] }).totals.tax;
    expect(q(15000)).toBe(2907); // 19% x 153.00
    expect(q(15001)).toBe(2850); // 19% x 150.01
  });

  it('currency conversion round-trips within one minor unit (towards a finer-or-equal minor unit)', () => {
    const pair = fc.constantFrom(['EUR', 'USD'], ['USD', 'JPY'], ['EUR', 'JPY'], ['GBP', 'EUR'], ['EUR', 'NOK'], ['USD', 'INR'], ['CHF', 'SEK']);
    fc.assert(fc.property(pair, fc.integer({ min: 0, max: 1e10 }), fc.integer({ min: 1, max: 99_999_999 }), ([a, b], amount, rateInt) => {
      const rateB = (rateInt / 10_000).toFixed(4); // 1 a = rateB b
      const snap: FxSnapshot = { id: 'p', source: 'test', date: '2026-01-01', base: a, rates: { [b]: rateB } };
      const ab = fxFactor(snap, a, b);
      const ba = fxFactor(snap, b, a);
      // only when one minor unit of b is worth no more than one minor unit of a
      fc.pre(ab.num >= ab.den);
      const there = convert(amount, ab);
      const back = convert(there, ba);
      expect(Math.abs(back - amount)).toBeLessThanOrEqual(1);
    }), { numRuns: 2000 });
  });
});
