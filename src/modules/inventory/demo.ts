import type { Services } from '../../http/services.ts';
import { systemContext } from '../../kernel/context.ts';
import type { DemoOrgs } from '../module.ts';
import * as svc from './service.ts';

/**
 * SKU codes of the demo seller's products. The catalogue module's demo is expected to create the
 * same codes; stock does not depend on the catalogue existing.
 */
export const DEMO_SKUS = [
  { sku: 'LUM-PB10K-BLK', title: 'Power bank 10,000 mAh, black' },
  { sku: 'LUM-EBUD-PRO-WHT', title: 'Wireless earbuds Pro, white' },
  { sku: 'LUM-LED-STRIP-5M', title: 'LED light strip 5 m, RGB' },
  { sku: 'LUM-DESK-LAMP-01', title: 'Foldable LED desk lamp' },
  { sku: 'LUM-USBC-CABLE-1M', title: 'USB-C cable 1 m, braided' },
];

/**
 * Demo warehouses and stock: the seller's own warehouse in Shenzhen, Rhein Fulfilment's warehouses
 * in Duisburg (DE) and Newark (US) serving the seller, stock in all three, safety stock (one SKU
 * low in the US), a received ASN with a short-shipped line, and an ASN still in transit to Duisburg.
 */
export async function inventoryDemo(s: Services, orgs: DemoOrgs) {
  const { seller, warehouse } = orgs;
  if (!seller || !warehouse) return;
  const sellerCtx = systemContext(seller.orgId, 'seller', 'demo');
  const whCtx = systemContext(warehouse.orgId, 'warehouse', 'demo');
  await s.db.transaction(async (tx) => {
    const sz = await svc.createWarehouse(tx, sellerCtx, {
      code: 'SZ-01', name: 'Lumen Shenzhen DC (Longhua)', country: 'CN', time_zone: 'Asia/Shanghai', capabilities: ['qc', 'relabelling'],
      address: { line1: '18 Minzhi Avenue, Longhua District', city: 'Shenzhen', region: 'Guangdong', postcode: '518131' },
    });
    const dus = await svc.createWarehouse(tx, whCtx, {
      code: 'DUS-1', name: 'Rhein Fulfilment Duisburg', country: 'DE', time_zone: 'Europe/Berlin', capabilities: ['returns', 'relabelling', 'qc'],
      address: { line1: 'Hafenstraße 21', city: 'Duisburg', region: 'NW', postcode: '47119' },
    });
    const ewr = await svc.createWarehouse(tx, whCtx, {
      code: 'EWR-1', name: 'Rhein Fulfilment Newark', country: 'US', time_zone: 'America/New_York', capabilities: ['returns', 'cold_chain'],
      address: { line1: '200 Port Street', city: 'Newark', region: 'NJ', postcode: '07114' },
    });
    await svc.grantSeller(tx, whCtx, dus.id, seller.orgId);
    await svc.grantSeller(tx, whCtx, ewr.id, seller.orgId);

    const receive = (ctx: typeof sellerCtx, warehouseId: string, sku: string, qty: number) =>
      svc.adjustStock(tx, ctx, { warehouse_id: warehouseId, seller_org_id: seller.orgId, sku, kind: 'receipt', qty, reason: 'opening stock', reference: 'OPENING-2026' });
    const cn = [['LUM-PB10K-BLK', 1200], ['LUM-EBUD-PRO-WHT', 800], ['LUM-LED-STRIP-5M', 1500], ['LUM-DESK-LAMP-01', 300], ['LUM-USBC-CABLE-1M', 5000]] as const;
    for (const [sku, qty] of cn) await receive(sellerCtx, sz.id, sku, qty);
    for (const [sku, qty] of [['LUM-PB10K-BLK', 240], ['LUM-EBUD-PRO-WHT', 160], ['LUM-LED-STRIP-5M', 90], ['LUM-USBC-CABLE-1M', 600]] as const) await receive(whCtx, dus.id, sku, qty);
    for (const [sku, qty] of [['LUM-PB10K-BLK', 130], ['LUM-EBUD-PRO-WHT', 12], ['LUM-DESK-LAMP-01', 45]] as const) await receive(whCtx, ewr.id, sku, qty);
    await svc.setSafetyStock(tx, sellerCtx, { warehouse_id: dus.id, sku: 'LUM-PB10K-BLK', safety: 40 });
    await svc.setSafetyStock(tx, sellerCtx, { warehouse_id: ewr.id, sku: 'LUM-EBUD-PRO-WHT', safety: 20 }); // below safety → low-stock alert
    await svc.setSafetyStock(tx, sellerCtx, { warehouse_id: sz.id, sku: 'LUM-DESK-LAMP-01', safety: 50 });

    // An ASN that arrived in Newark one carton short, and one on the water to Duisburg.
    const arrived = await svc.createInbound(tx, sellerCtx, { warehouse_id: ewr.id, reference: 'ASN-2026-0412', carrier: 'Pacific Bridge Logistics', tracking_number: 'PBL7781204US', lines: [{ sku: 'LUM-DESK-LAMP-01', qty: 120 }, { sku: 'LUM-LED-STRIP-5M', qty: 200 }] });
    await svc.receiveInbound(tx, whCtx, arrived.id, { lines: [{ sku: 'LUM-DESK-LAMP-01', received: 118, damaged: 2 }, { sku: 'LUM-LED-STRIP-5M', received: 180 }], note: 'one carton of LED strips missing', close: true });
    const expected = new Date(Date.now() + 9 * 86_400_000).toISOString().slice(0, 10);
    await svc.createInbound(tx, sellerCtx, { warehouse_id: dus.id, reference: 'ASN-2026-0519', carrier: 'Pacific Bridge Logistics', tracking_number: 'MSKU4471920', expected_at: expected, lines: [{ sku: 'LUM-PB10K-BLK', qty: 400 }, { sku: 'LUM-DESK-LAMP-01', qty: 150 }], note: 'sea freight Yantian → Rotterdam, rail to Duisburg' });
  });
}
