import type { Services } from '../../http/services.ts';
import { systemContext } from '../../kernel/context.ts';
import { loadDemoLanes } from '../../engines/routing/load.ts';
import type { DemoOrgs } from '../module.ts';
import { acceptBooking, createBooking, generateDocuments } from './bookings.ts';
import { DEMO_WAREHOUSE_ADDRESSES, demoOrder, demoWarehouses } from './fixtures.ts';
import { createLane, type LaneRow } from './lanes.ts';
import { routeAndStore } from './routing.ts';

/** The date the demo routes on: inside the demo lanes' validity (2026). */
export const DEMO_DATE = '2026-11-02';

/**
 * Demo logistics: Pacific Bridge Logistics (the demo carrier) publishes the routing engine's demo
 * network; the demo seller has two bookings (one accepted with a tracking number and documents,
 * one awaiting acceptance) and three B2B orders allocated to the Suez sea lane, so the Red Sea
 * suspension (via "red-sea") is ready to simulate.
 */
export async function logisticsDemo(s: Services, orgs: DemoOrgs) {
  const { seller, carrier } = orgs;
  if (!seller || !carrier) return;
  const carrierCtx = systemContext(carrier.orgId, 'carrier', 'demo');
  const sellerCtx = systemContext(seller.orgId, 'seller', 'demo');
  const network = loadDemoLanes();
  await s.db.transaction(async (tx) => {
    const byCode = new Map<string, LaneRow>();
    for (const l of network.lanes) {
      const { id, providerOrgId: _p, version: _v, suspended: _s, suspendedReason: _r, rating: _rt, ...def } = l;
      const row = await createLane(tx, carrierCtx, { ...def, code: id, name: l.name ?? id } as any, true);
      byCode.set(id, row);
    }
    const shipper = DEMO_WAREHOUSE_ADDRESSES['wh-cn-szx']!;
    const accepted = await createBooking(tx, sellerCtx, { lane_id: byCode.get('ln-line-cn-us')!.id, orders: [demoOrder('DEMO-1001', [['LED-STRIP-5M', 2]])], shipper, date: DEMO_DATE });
    await acceptBooking(tx, carrierCtx, accepted.id);
    await generateDocuments(tx, sellerCtx, accepted.id);
    await createBooking(tx, sellerCtx, { lane_id: byCode.get('ln-line-cn-de')!.id, orders: [demoOrder('DEMO-1002', [['YOGA-MAT', 1]], { country: 'DE' })], shipper, date: DEMO_DATE });
    // Red Sea scenario: B2B pallets to Hamburg allocated to the Suez sea lane.
    const stock = demoWarehouses({ 'wh-cn-szx': { 'MAGNETIC-TILES-60': 1000 } });
    for (const [ref, qty, promise] of [['DEMO-B2B-1', 100, undefined], ['DEMO-B2B-2', 60, '2026-12-20'], ['DEMO-B2B-3', 80, undefined]] as const) {
      await routeAndStore(tx, sellerCtx, demoOrder(ref, [['MAGNETIC-TILES-60', qty]], { country: 'DE', incoterm: 'DAP', promised_date: promise }), stock, { date: DEMO_DATE });
    }
  });
}
