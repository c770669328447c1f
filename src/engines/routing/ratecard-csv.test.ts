import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatRateCardCsv, parseDecimal, parseRateCardCsv } from './ratecard-csv.ts';
import { priceShipment } from './quote.ts';
import { cnToUs, laneById } from './test-helpers.ts';

const GOOD = `# Pacific Line CN→US, valid 2026
zone,from_kg,per_kg,per_parcel
US-W,0,9.50,3.50
US-W,2,8.80,3.50
US-C,0,10.00,3.50
US-E,0,10.50,3.50
`;

describe('parseRateCardCsv', () => {
  it('parses a carrier sheet into exact minor-unit weight breaks', () => {
    const r = parseRateCardCsv(GOOD, { currency: 'USD', zones: ['US-W', 'US-C', 'US-E'] });
    expect(r.ok).toBe(true);
    expect(r.errors).toEqual([]);
    expect(r.weightBreaks[1]).toEqual({ zone: 'US-W', fromGrams: 2000, perKgMinor: 880, perParcelMinor: 350 });
  });

  it('reports every error with its file line (dry run, nothing returned)', () => {
    const bad = `zone,from_kg,per_kg,per_parcel
US-W,0,9.50,3.50
US-W,abc,8.80,3.50
US-X,0,10.00,3.50
US-C,0,10.005,3.50

US-C,0.5,1O.00,3.50
US-W,0,9.00,3.50
US-E,1,10.50,3.50
`;
    const r = parseRateCardCsv(bad, { currency: 'USD', zones: ['US-W', 'US-C', 'US-E'] });
    expect(r.ok).toBe(false);
    expect(r.weightBreaks).toEqual([]);
    expect(r.errors.map((e) => [e.line, e.column])).toEqual([
      [3, 'from_kg'],
      [4, 'zone'],
      [5, 'per_kg'], // 3 decimals for USD (2 allowed) — never silently rounded
      [7, 'per_kg'], // letter O typed for zero
      [8, 'from_kg'], // duplicate of line 2
      [9, 'from_kg'], // zone US-E has no break at 0 kg
    ]);
    expect(r.errors.find((e) => e.line === 8)!.message).toMatch(/first on line 2/);
  });

  it('uses the currency exponent from ISO 4217 (JPY has no minor unit)', () => {
    const r = parseRateCardCsv('zone,from_kg,per_kg,per_parcel\nJP,0,1200,300\n', { currency: 'JPY' });
    expect(r.weightBreaks[0]).toEqual({ zone: 'JP', fromGrams: 0, perKgMinor: 1200, perParcelMinor: 300 });
    expect(parseRateCardCsv('zone,from_kg,per_kg,per_parcel\nJP,0,1200.5,300\n', { currency: 'JPY' }).ok).toBe(false);
  });

  it('rejects a missing column and an unknown currency', () => {
    expect(parseRateCardCsv('zone,from_kg,per_kg\nA,0,1.00\n', { currency: 'USD' }).errors[0]!.message).toMatch(/missing column "per_parcel"/);
    expect(parseRateCardCsv(GOOD, { currency: 'XXY' }).ok).toBe(false);
  });

  it('parsed breaks price exactly like the built-in card', () => {
    const csvLane = laneById('ln-line-cn-us');
    const fromCsv = parseRateCardCsv(formatRateCardCsv(csvLane.rateCard.weightBreaks, 'USD'), { currency: 'USD' });
    const lane = { ...csvLane, rateCard: { ...csvLane.rateCard, weightBreaks: fromCsv.weightBreaks } };
    const shipment = cnToUs({ weightGrams: 3300, lengthCm: 30, widthCm: 20, heightCm: 20 });
    expect(priceShipment(lane, shipment, '2026-11-02')).toEqual(priceShipment(csvLane, shipment, '2026-11-02'));
  });

  it('round-trips any valid card (property)', () => {
    const breakArb = fc.record({
      zone: fc.constantFrom('Z1', 'Z2'),
      fromGrams: fc.integer({ min: 0, max: 100_000 }),
      perKgMinor: fc.integer({ min: 0, max: 1_000_000 }),
      perParcelMinor: fc.integer({ min: 0, max: 100_000 }),
    });
    fc.assert(
      fc.property(fc.array(breakArb, { minLength: 1, maxLength: 12 }), (raw) => {
        const unique = [...new Map(raw.map((b) => [`${b.zone}|${b.fromGrams}`, b])).values()];
        const withZero = [...new Set(unique.map((b) => b.zone))].map((zone) => ({ zone, fromGrams: 0, perKgMinor: 100, perParcelMinor: 0 }));
        const breaks = [...withZero, ...unique.filter((b) => b.fromGrams !== 0)];
        const r = parseRateCardCsv(formatRateCardCsv(breaks, 'EUR'), { currency: 'EUR' });
        return r.ok && JSON.stringify(r.weightBreaks) === JSON.stringify(breaks);
      }),
    );
  });

  it('parseDecimal is exact', () => {
    expect(parseDecimal('0.1', 2)).toBe(10);
    expect(parseDecimal('1234.56', 2)).toBe(123456);
    expect(parseDecimal('1.234', 3)).toBe(1234);
    expect(parseDecimal('-1.00', 2)).toBeUndefined();
    expect(parseDecimal('1e3', 2)).toBeUndefined();
  });
});
