import { describe, expect, it } from 'vitest';
import { applyDisruption, rerouteAfterDisruption, type Allocation, type Disruption } from './disruption.ts';
import { routeOrder, type Order } from './route.ts';
import { context, demo, warehousesWith } from './test-helpers.ts';

const RED_SEA: Disruption = { id: 'dis-red-sea-2026', description: 'Red Sea / Bab-el-Mandeb closed to container traffic', via: ['red-sea'] };

const b2bOrder = (id: string, quantity: number, promisedDate?: string): Order => ({
  id,
  destination: { country: 'DE', postcode: '20095' },
  lines: [{ sku: 'MAGNETIC-TILES-60', quantity }],
  incoterm: 'DAP',
  currency: 'USD',
  promisedDate,
});

describe('disruption: Red Sea closure', () => {
  it('suspends exactly the lanes routed through the Red Sea', () => {
    const { lanes, affectedLaneIds } = applyDisruption(demo.lanes, RED_SEA);
    expect(affectedLaneIds.sort()).toEqual(['ln-sea-suez-cn-de', 'ln-xfer-sea-szx-dus']);
    expect(lanes.find((l) => l.id === 'ln-sea-suez-cn-de')!.suspendedReason).toMatch(/dis-red-sea-2026/);
    expect(demo.lanes.find((l) => l.id === 'ln-sea-suez-cn-de')!.suspended).toBeUndefined(); // input untouched
    expect(applyDisruption(demo.lanes, { id: 'x', description: 'matches nothing' }).affectedLaneIds).toEqual([]);
  });

  it('re-routes unshipped Suez allocations via the Cape or China–Europe rail and reports the impact', () => {
    const start = { 'wh-cn-szx': { 'MAGNETIC-TILES-60': 1000 } };
    const ctx = context(warehousesWith(start));
    const orders = [b2bOrder('b2b-1', 100), b2bOrder('b2b-2', 60, '2026-12-20'), b2bOrder('b2b-3', 80)];
    const allocations: Allocation[] = orders.map((order, i) => {
      const winner = routeOrder(order, ctx).winner!;
      expect(winner.parts[0]!.legs[0]!.laneId).toBe('ln-sea-suez-cn-de');
      return { order, candidate: winner, shipped: i === 2 }; // b2b-3 already left port
    });
    // Stock still free = start − allocated units.
    const free = warehousesWith({ 'wh-cn-szx': { 'MAGNETIC-TILES-60': 1000 - 240 } });
    const report = rerouteAfterDisruption(allocations, context(free), RED_SEA);

    expect(report.untouched).toEqual(['b2b-3']);
    const byOrder = Object.fromEntries(report.impacts.map((i) => [i.orderId, i]));
    // No promise: the Cape is the cheapest alternative (longer, dearer).
    expect(byOrder['b2b-1']!.after!.laneIds).toEqual(['ln-sea-cape-cn-de']);
    expect(byOrder['b2b-1']!.costDeltaMinor).toBeGreaterThan(0);
    expect(byOrder['b2b-1']!.deliveryDelayDays).toBe(12); // 50 vs 38 typical days, same departure
    // Promised for 20 Dec: the Cape (arrives 25 Dec) would be late, so rail wins — dearer but earlier.
    expect(byOrder['b2b-2']!.after!.laneIds).toEqual(['ln-rail-cn-de']);
    expect(byOrder['b2b-2']!.deliveryDelayDays).toBeLessThan(0);
    expect(byOrder['b2b-2']!.costDeltaMinor).toBeGreaterThan(byOrder['b2b-1']!.costDeltaMinor!);

    expect(report.totals).toMatchObject({ rerouted: 2, unroutable: 0, currency: 'USD' });
    expect(report.totals.costDeltaMinor).toBe(byOrder['b2b-1']!.costDeltaMinor! + byOrder['b2b-2']!.costDeltaMinor!);
    expect(report.totals.maxDelayDays).toBe(12);
    // Stock: released and re-taken, never lost or doubled.
    expect(report.warehouses.find((w) => w.id === 'wh-cn-szx')!.stock['MAGNETIC-TILES-60']).toBe(760);
  });

  it('reports an order as unroutable (keeping its stock) when every alternative is closed too', () => {
    const ctx = context(warehousesWith({ 'wh-cn-szx': { 'MAGNETIC-TILES-60': 1000 } }));
    const order = b2bOrder('b2b-9', 100);
    const allocation: Allocation = { order, candidate: routeOrder(order, ctx).winner!, shipped: false };
    const everythingToEurope: Disruption = { id: 'dis-all', description: 'all CN→DE freight stopped', originCountries: ['CN'], destinationCountries: ['DE'] };
    const report = rerouteAfterDisruption([allocation], context(warehousesWith({ 'wh-cn-szx': { 'MAGNETIC-TILES-60': 900 } })), everythingToEurope);
    expect(report.impacts[0]).toMatchObject({ orderId: 'b2b-9', status: 'unroutable', reason: 'no eligible lane from any warehouse holding the stock' });
    expect(report.warehouses.find((w) => w.id === 'wh-cn-szx')!.stock['MAGNETIC-TILES-60']).toBe(900);
  });
});
