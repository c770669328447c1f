import { describe, expect, it } from 'vitest';
import { DEFAULT_WEIGHTS, routeOrder, type Order } from './route.ts';
import { context, demo, laneById, warehousesWith } from './test-helpers.ts';

const usOrder = (promisedDate?: string): Order => ({
  id: 'o-us-1',
  destination: { country: 'US', postcode: '10001' },
  lines: [{ sku: 'EARBUDS-X1', quantity: 1 }],
  incoterm: 'DDP',
  currency: 'USD',
  promisedDate,
});
const deOrder = (promisedDate?: string): Order => ({
  id: 'o-de-1',
  destination: { country: 'DE', postcode: '10115' },
  lines: [{ sku: 'YOGA-MAT', quantity: 1 }],
  incoterm: 'DDP',
  currency: 'USD',
  promisedDate,
});

describe('scenario: US demand spike — US warehouse vs China direct vs Canadian warehouse', () => {
  const stockEverywhere = { 'wh-us-ont': { 'EARBUDS-X1': 3 }, 'wh-ca-yyz': { 'EARBUDS-X1': 40 }, 'wh-cn-szx': { 'EARBUDS-X1': 1000 } };

  it('serves from the US warehouse while it has stock', () => {
    const r = routeOrder(usOrder('2026-11-09'), context(warehousesWith(stockEverywhere)));
    expect(r.winner!.id).toBe('wh-us-ont:ln-lm-us-ground');
    expect(r.candidates.map((c) => c.id)).toEqual([
      'wh-us-ont:ln-lm-us-ground',
      'wh-ca-yyz:ln-road-yyz-us',
      'wh-cn-szx:ln-line-cn-us',
      'wh-cn-szx:ln-exp-cn-us',
    ]);
    // Domestic dispatch: no duty at order time; the China line pays the default 10 % estimate.
    expect(r.winner!.parts[0]!.dutyMinor).toBe(0);
    expect(r.explanation!.decisive[0]!.name).toBe('landedCost');
    // The postal lane is shown as excluded with its reason (DDP requested, postal is DAP-only).
    expect(r.excluded).toContainEqual(expect.objectContaining({ laneId: 'ln-post-cn-us', code: 'clearance', warehouseId: 'wh-cn-szx' }));
  });

  it('US out of stock + tight promise → Canadian warehouse cross-border; lateness decides', () => {
    const r = routeOrder(usOrder('2026-11-07'), context(warehousesWith({ ...stockEverywhere, 'wh-us-ont': {} })));
    expect(r.winner!.id).toBe('wh-ca-yyz:ln-road-yyz-us');
    expect(r.explanation!.runnerUpId).toBe('wh-cn-szx:ln-line-cn-us');
    expect(r.explanation!.decisive[0]!.name).toBe('lateness');
    expect(r.explanation!.tradeOffs.map((t) => t.name)).toContain('landedCost'); // China line is cheaper…
    const china = r.candidates.find((c) => c.id === 'wh-cn-szx:ln-line-cn-us')!;
    expect(china.deliveryDate > '2026-11-07').toBe(true); // …but late
    expect(r.explanation!.summary).toMatch(/decided by lateness/);
  });

  it('US out of stock + no promise → China dedicated line wins on landed cost', () => {
    const r = routeOrder(usOrder(), context(warehousesWith({ ...stockEverywhere, 'wh-us-ont': {} })));
    expect(r.winner!.id).toBe('wh-cn-szx:ln-line-cn-us');
    expect(r.explanation!.decisive.map((d) => d.name)).toEqual(['landedCost']);
    expect(r.explanation!.margin).toBeGreaterThan(0);
    // Score components are explained and sum to the score.
    const w = r.winner!;
    expect(w.components.reduce((s, c) => s + c.contribution, 0)).toBeCloseTo(w.score, 9);
    expect(w.components.find((c) => c.name === 'carbon')!.value).toBeGreaterThan(0);
  });

  it('duty comes from the caller when given (landed-cost engine hook)', () => {
    const r = routeOrder(usOrder(), context(warehousesWith({ ...stockEverywhere, 'wh-us-ont': {} }), { dutyEstimate: (c) => (c.crossBorder ? 5000 : 0) }));
    // A 50.00 duty on every cross-border option: Canada and China both pay it, order unchanged, costs up.
    expect(r.candidates.every((c) => c.parts[0]!.dutyMinor === 5000)).toBe(true);
  });
});

describe('scenario: European warehouse running low — transfer from Asia vs direct from China', () => {
  it('uses the local warehouse while stock lasts, paying a visible low-stock penalty', () => {
    const r = routeOrder(deOrder(), context(warehousesWith({ 'wh-de-dus': { 'YOGA-MAT': 3 }, 'wh-cn-szx': { 'YOGA-MAT': 500 } }, { 'wh-de-dus': { 'YOGA-MAT': 5 } })));
    expect(r.winner!.id).toBe('wh-de-dus:ln-lm-de-parcel');
    expect(r.winner!.components.find((c) => c.name === 'stockAfter')).toMatchObject({ value: 1, contribution: DEFAULT_WEIGHTS.lowStockUnit });
    expect(r.explanation!.tradeOffs.map((t) => t.name)).toEqual(['stockAfter']);
    // The EUR last-mile price was converted into the USD objective (4.20 + 0.40/kg·… at 1.08).
    expect(r.winner!.parts[0]!.legs[0]!.quote.price.currency).toBe('EUR');
  });

  it('out of stock, no promise → rail transfer into the EU warehouse, then last mile', () => {
    const r = routeOrder(deOrder(), context(warehousesWith({ 'wh-cn-szx': { 'YOGA-MAT': 500 } })));
    const w = r.winner!;
    expect(w.id).toBe('wh-cn-szx:ln-xfer-rail-szx-dus>ln-lm-de-parcel');
    expect(w.parts[0]!.legs.map((l) => [l.laneId, l.toWarehouseId])).toEqual([
      ['ln-xfer-rail-szx-dus', 'wh-de-dus'],
      ['ln-lm-de-parcel', undefined],
    ]);
    // Last mile departs after transfer arrival + 1 handling day.
    expect(w.parts[0]!.legs[1]!.quote.transit.shipDate > w.parts[0]!.legs[0]!.quote.transit.typical).toBe(true);
    expect(r.candidates.map((c) => c.id)).toContain('wh-cn-szx:ln-line-cn-de');
  });

  it('out of stock, 14-day promise → direct China–Europe line beats every transfer', () => {
    const r = routeOrder(deOrder('2026-11-16'), context(warehousesWith({ 'wh-cn-szx': { 'YOGA-MAT': 500 } })));
    expect(r.winner!.id).toBe('wh-cn-szx:ln-line-cn-de');
    expect(r.explanation!.runnerUpId).toBe('wh-cn-szx:ln-xfer-air-szx-dus>ln-lm-de-parcel');
    const rail = r.candidates.find((c) => c.id.startsWith('wh-cn-szx:ln-xfer-rail'))!;
    expect(rail.components.find((c) => c.name === 'lateness')!.value).toBeGreaterThan(0);
  });
});

describe('split shipments and hard constraints', () => {
  it('splits across warehouses when no single warehouse holds every line', () => {
    const order: Order = {
      id: 'o-split',
      destination: { country: 'US', postcode: '30301' },
      lines: [
        { sku: 'EARBUDS-X1', quantity: 1 },
        { sku: 'LED-STRIP-5M', quantity: 2 },
      ],
      incoterm: 'DDP',
      currency: 'USD',
    };
    const r = routeOrder(order, context(warehousesWith({ 'wh-us-ont': { 'EARBUDS-X1': 5 }, 'wh-ca-yyz': { 'LED-STRIP-5M': 5 } })));
    expect(r.winner!.parts.map((p) => [p.warehouseId, p.lines])).toEqual([
      ['wh-us-ont', [{ sku: 'EARBUDS-X1', quantity: 1 }]],
      ['wh-ca-yyz', [{ sku: 'LED-STRIP-5M', quantity: 2 }]],
    ]);
    expect(r.winner!.components.find((c) => c.name === 'split')!.value).toBe(1);
  });

  it('a lithium-ion battery alone (UN3480) cannot fly: only warehouse stock can serve it', () => {
    const order: Order = { id: 'o-pb', destination: { country: 'US', postcode: '10001' }, lines: [{ sku: 'POWERBANK-20K', quantity: 1 }], incoterm: 'DDP', currency: 'USD' };
    const onlyChina = routeOrder(order, context(warehousesWith({ 'wh-cn-szx': { 'POWERBANK-20K': 100 } })));
    expect(onlyChina.winner).toBeUndefined();
    expect(onlyChina.unroutableReason).toBe('no eligible lane from any warehouse holding the stock');
    expect(onlyChina.excluded.filter((e) => e.code === 'restriction').map((e) => e.laneId).sort()).toEqual(['ln-exp-cn-us', 'ln-line-cn-us']);
    const withUs = routeOrder(order, context(warehousesWith({ 'wh-cn-szx': { 'POWERBANK-20K': 100 }, 'wh-us-ont': { 'POWERBANK-20K': 2 } })));
    expect(withUs.winner!.id).toBe('wh-us-ont:ln-lm-us-ground');
  });

  it('market access (passed in) removes candidates with a reason', () => {
    const ctx = context(warehousesWith({ 'wh-us-ont': { 'EARBUDS-X1': 3 }, 'wh-cn-szx': { 'EARBUDS-X1': 100 } }), {
      marketAccess: ({ warehouse }) => (warehouse.country === 'CN' ? 'seller not registered for US de minimis entry from CN' : null),
    });
    const r = routeOrder(usOrder(), ctx);
    expect(r.candidates.map((c) => c.id)).toEqual(['wh-us-ont:ln-lm-us-ground']);
    expect(r.excluded.filter((e) => e.code === 'market_access').map((e) => e.laneId).sort()).toEqual(['ln-exp-cn-us', 'ln-line-cn-us']);
  });

  it('insufficient stock everywhere is reported, not thrown', () => {
    const r = routeOrder({ ...usOrder(), lines: [{ sku: 'EARBUDS-X1', quantity: 500 }] }, context(warehousesWith({ 'wh-us-ont': { 'EARBUDS-X1': 3 } })));
    expect(r.unroutableReason).toBe('insufficient stock across all warehouses');
  });

  it('weights are configurable: a high carbon price prefers rail over air for a transfer', () => {
    const base = context(warehousesWith({ 'wh-cn-szx': { 'YOGA-MAT': 500 } }));
    const cheapCarbon = routeOrder(deOrder('2026-11-16'), base);
    const dearCarbon = routeOrder(deOrder(), { ...base, weights: { carbonKg: 50, transitDay: 0 } });
    expect(cheapCarbon.winner!.id).toBe('wh-cn-szx:ln-line-cn-de');
    expect(dearCarbon.winner!.parts[0]!.legs[0]!.mode).not.toBe('dedicated_line');
    expect(['rail', 'sea']).toContain(dearCarbon.winner!.parts[0]!.legs[0]!.mode);
  });

  it('the demo data file is what the generator produces', async () => {
    const { generateDemoLanes } = await import('./demo-data.ts');
    expect(demo.lanes).toEqual(JSON.parse(JSON.stringify(generateDemoLanes())));
    expect(laneById('ln-sea-cape-cn-de').via).toContain('cape-of-good-hope');
  });
});
