import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chargeableGrams, checkEligibility, priceShipment, quoteShipment, volumetricGrams } from './quote.ts';
import { cnToUs, demo, laneById } from './test-helpers.ts';
import type { ExclusionCode, Lane, Parcel } from './types.ts';

const box = (weightGrams: number, l = 30, w = 20, h = 15, items: Parcel['items'] = []): Parcel => ({ weightGrams, lengthCm: l, widthCm: w, heightCm: h, items });

describe('rate-card arithmetic (exact, integer minor units)', () => {
  const express = laneById('ln-exp-cn-us');

  it('chargeable weight = max(actual, volumetric) rounded up to the 500 g increment', () => {
    // 30×20×15 = 9,000 cm³ / 5,000 cm³/kg = 1.8 kg volumetric > 1.2 kg actual → 2.0 kg.
    expect(volumetricGrams(box(1200), 5000)).toBe(1800);
    expect(chargeableGrams(box(1200), express.rateCard)).toBe(2000);
    // Heavy small box: actual wins, 2,001 g → 2,500 g.
    expect(chargeableGrams(box(2001, 10, 10, 10), express.rateCard)).toBe(2500);
  });

  it('prices base + fuel + peak + remote exactly (worked example)', () => {
    // Zone US-C (postcode 6xxxx): 31.00/kg + 25.00 per parcel. 2.0 kg → 2,500 + 3,100×2 = 8,700.
    // Fuel 26.50 % of 8,700 = 2,305.5 → half-up 2,306. Peak (2026-11-15..12-24): 0.50/kg × 2 + 1.00 = 200.
    const p = priceShipment(express, cnToUs(box(1200)), '2026-11-20')!;
    expect(p).toMatchObject({
      currency: 'USD',
      zone: 'US-C',
      chargeableGrams: 2000,
      appliedBreakFromGrams: 0,
      nextBreakRuleApplied: false,
      baseMinor: 8700,
      minimumChargeApplied: false,
      fuelMinor: 2306,
      peakMinor: 200,
      remoteAreaMinor: 0,
      totalMinor: 11206,
    });
    // Outside the peak window there is no peak surcharge.
    expect(priceShipment(express, cnToUs(box(1200)), '2026-11-02')!.totalMinor).toBe(8700 + 2306);
  });

  it('applies the next-break rule when the heavier break is cheaper', () => {
    // 4.5 kg in break 0: 2,500 + 31.00×4.5 = 16,450; break 5 kg at 5 kg: 2,500 + 23.00×5 = 14,000 → 14,000.
    const p = priceShipment(express, cnToUs(box(4100, 10, 10, 10)), '2026-11-02')!;
    expect(p.chargeableGrams).toBe(4500);
    expect(p.nextBreakRuleApplied).toBe(true);
    expect(p.appliedBreakFromGrams).toBe(5000);
    expect(p.baseMinor).toBe(14000);
  });

  it('adds the remote-area fee by postcode prefix and applies the minimum charge', () => {
    const alaska = priceShipment(express, cnToUs(box(1200), { destination: { country: 'US', postcode: '99501' } }), '2026-11-02')!;
    expect(alaska.zone).toBe('US-W');
    expect(alaska.remoteAreaMinor).toBe(1200);
    const line = laneById('ln-line-cn-us');
    // 100 g letter-size: 350 + 9.50 × 0.1 = 445 < minimum 500 → base 500, fuel 8 % = 40.
    const small = priceShipment(line, cnToUs(box(100, 10, 10, 2)), '2026-11-02')!;
    expect(small).toMatchObject({ chargeableGrams: 100, baseMinor: 500, minimumChargeApplied: true, fuelMinor: 40, totalMinor: 540 });
  });

  it('waits for the next cutoff weekday before transit starts', () => {
    const line = laneById('ln-line-cn-us'); // departs Mon/Wed/Fri, 9 days typical
    const q = quoteShipment([line], cnToUs(box(500, 10, 10, 5)), '2026-11-03').quotes[0]!; // Tuesday
    expect(q.transit).toEqual({ shipDate: '2026-11-04', earliest: '2026-11-11', typical: '2026-11-13', latest: '2026-11-18', typicalDays: 10 });
  });
});

describe('quoteShipment exclusions', () => {
  const date = '2026-11-02';
  const cases: [string, Lane, ReturnType<typeof cnToUs>, ExclusionCode, RegExp][] = [
    ['suspended', { ...laneById('ln-exp-cn-us'), suspended: true, suspendedReason: 'strike' }, cnToUs(box(500)), 'suspended', /strike/],
    ['validity', { ...laneById('ln-exp-cn-us'), validTo: '2026-10-31' }, cnToUs(box(500)), 'validity', /not on 2026-11-02/],
    ['UN3480 battery on express', laneById('ln-exp-cn-us'), cnToUs(box(500, 10, 10, 5, [{ sku: 'PB', quantity: 1, unitValueMinor: 2400, battery: 'UN3480' }])), 'restriction', /UN3480/],
    ['liquid on line', laneById('ln-line-cn-us'), cnToUs(box(300, 10, 10, 5, [{ sku: 'PERFUME', quantity: 1, unitValueMinor: 4200, liquid: true }])), 'restriction', /liquids/],
    ['magnet on line', laneById('ln-line-cn-us'), cnToUs(box(1600, 30, 22, 10, [{ sku: 'TILES', quantity: 1, unitValueMinor: 3500, magnet: true }])), 'restriction', /magnets/],
    ['too long for express', laneById('ln-exp-cn-us'), cnToUs(box(2000, 130, 10, 10)), 'size', /longest side 130/],
    ['length + girth', laneById('ln-line-cn-us'), cnToUs(box(2000, 90, 45, 40)), 'size', /length \+ girth 260 cm exceeds 250 cm/],
    ['too heavy for postal', laneById('ln-post-cn-us'), cnToUs(box(2500, 20, 20, 10), { incoterm: 'DAP' }), 'weight', /2500 g exceeds/],
    ['declared value over line max', laneById('ln-line-cn-us'), cnToUs(box(500), { declaredValue: { currency: 'USD', amountMinor: 90_000 } }), 'declared_value', /exceeds/],
    ['DDP on a DAP-only postal lane', laneById('ln-post-cn-us'), cnToUs(box(500)), 'clearance', /DDP requested/],
    ['wrong destination', laneById('ln-exp-cn-de'), cnToUs(box(500)), 'destination', /serves DE/],
    ['wrong origin warehouse', laneById('ln-lm-us-ground'), cnToUs(box(500)), 'origin', /wh-us-ont/],
    ['declared value in another currency without FX', laneById('ln-line-cn-us'), cnToUs(box(500), { declaredValue: { currency: 'EUR', amountMinor: 100 } }), 'currency', /no FX rate/],
  ];
  it.each(cases)('%s', (_name, lane, shipment, code, reason) => {
    const result = quoteShipment([lane], shipment, date);
    expect(result.quotes).toHaveLength(0);
    expect(result.excluded).toHaveLength(1);
    expect(result.excluded[0]!.code).toBe(code);
    expect(result.excluded[0]!.reason).toMatch(reason);
  });

  it('size limits are inclusive: length + girth exactly at the limit is accepted', () => {
    // 90 + 2 × (40 + 40) = 250 = the line's limit.
    expect(checkEligibility(laneById('ln-line-cn-us'), cnToUs(box(2000, 90, 40, 40)), date)).toBeNull();
  });

  it('excludes on daily capacity already used', () => {
    const lane = laneById('ln-exp-cn-us');
    const r = quoteShipment([lane], cnToUs(box(2000)), date, { capacityUsage: { [lane.id]: { dayKg: 4999 } } });
    expect(r.excluded[0]).toMatchObject({ code: 'capacity', reason: 'daily capacity 5000 kg reached' });
  });

  it('quotes every eligible demo lane and explains every other one', () => {
    const r = quoteShipment(demo.lanes, cnToUs(box(800, 20, 15, 10, [{ sku: 'EARBUDS', quantity: 2, unitValueMinor: 2900, battery: 'UN3481' }])), date);
    expect(r.quotes.map((q) => q.laneId).sort()).toEqual(['ln-exp-cn-us', 'ln-line-cn-us']);
    expect(r.quotes[0]!.laneId).toBe('ln-line-cn-us'); // cheapest first
    expect(r.quotes.length + r.excluded.length).toBe(demo.lanes.length);
    expect(new Set(r.excluded.map((e) => e.code))).toEqual(new Set(['clearance', 'destination', 'origin']));
  });
});

describe('properties', () => {
  it('quote price is monotone (non-decreasing) in weight on every demo lane', () => {
    const quotable = demo.lanes.filter((l) => !l.destination.warehouseId);
    fc.assert(
      fc.property(
        fc.constantFrom(...quotable),
        fc.integer({ min: 1, max: 29_000 }),
        fc.integer({ min: 1, max: 5_000 }),
        fc.constantFrom('2026-03-02', '2026-11-20'),
        (lane, grams, extra, date) => {
          const shipmentFor = (g: number) => ({
            origin: { country: lane.origin.country, warehouseId: lane.origin.warehouseIds?.[0] },
            destination: { country: lane.destination.country, postcode: lane.destination.country === 'US' ? '99501' : '10115' },
            incoterm: 'DDP' as const,
            parcels: [box(g, 10, 10, 10)],
            declaredValue: { currency: 'USD', amountMinor: 1000 },
          });
          const light = priceShipment(lane, shipmentFor(grams), date)!;
          const heavy = priceShipment(lane, shipmentFor(grams + extra), date)!;
          return heavy.totalMinor >= light.totalMinor && Number.isSafeInteger(heavy.totalMinor);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('FX conversion (exact, half away from zero)', () => {
  it('converts between currencies with different minor units without floats', async () => {
    const { convertMinor } = await import('./money.ts');
    const fx = { objectiveCurrency: 'USD', rates: { EUR: 1.08, JPY: 0.0067, KWD: 3.25 } };
    expect(convertMinor(624, 'EUR', fx)).toBe(674); // 6.24 × 1.08 = 6.7392 → 6.74
    expect(convertMinor(1000, 'JPY', fx)).toBe(670); // ¥1,000 × 0.0067 = 6.70
    expect(convertMinor(1005, 'KWD', fx)).toBe(327); // 1.005 KWD × 3.25 = 3.26625 → 3.27
    expect(convertMinor(-624, 'EUR', fx)).toBe(-674);
    expect(convertMinor(100, 'GBP', fx)).toBeUndefined();
  });
});
