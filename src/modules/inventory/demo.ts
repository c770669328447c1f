import type { Services } from '../../http/services.ts';
import { systemContext } from '../../kernel/context.ts';
import type { DemoOrgs } from '../module.ts';
import * as svc from './service.ts';

/**
 * SKU codes of the demo seller's products, as the catalogue module's demo creates them
 * (src/modules/catalog/demo.ts); stock itself does not depend on the catalogue.
 */
export const DEMO_SKUS = [
  { sku: 'LM-PB-10K-WHT', title: '10000 mAh USB-C power bank, white' },
  { sku: 'LM-EB-P2-WHT', title: 'Bluetooth 5.3 wireless earbuds, white' },
  { sku: 'LM-CASE-IP15-CLR', title: 'TPU phone case for iPhone 15, clear' },
  { sku: 'LM-LAMP-D1', title: 'Dimmable LED desk lamp' },
  { sku: 'LM-CABLE-C2C-2M', title: 'USB-C to USB-C braided cable, 2 m' },
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
    const cn = [['LM-PB-10K-WHT', 1200], ['LM-EB-P2-WHT', 800], ['LM-CASE-IP15-CLR', 1500], ['LM-LAMP-D1', 300], ['LM-CABLE-C2C-2M', 5000]] as const;
    for (const [sku, qty] of cn) await receive(sellerCtx, sz.id, sku, qty);
    for (const [sku, qty] of [['LM-PB-10K-WHT', 240], ['LM-EB-P2-WHT', 160], ['LM-CASE-IP15-CLR', 90], ['LM-CABLE-C2C-2M', 600]] as const) await receive(whCtx, dus.id, sku, qty);
    for (const [sku, qty] of [['LM-PB-10K-WHT', 130], ['LM-EB-P2-WHT', 12], ['LM-LAMP-D1', 45]] as const) await receive(whCtx, ewr.id, sku, qty);
    await svc.setSafetyStock(tx, sellerCtx, { warehouse_id: dus.id, sku: 'LM-PB-10K-WHT', safety: 40 });
    await svc.setSafetyStock(tx, sellerCtx, { warehouse_id: ewr.id, sku: 'LM-EB-P2-WHT', safety: 20 }); // below safety → low-stock alert
    await svc.setSafetyStock(tx, sellerCtx, { warehouse_id: sz.id, sku: 'LM-LAMP-D1', safety: 50 });

    // An ASN that arrived in Newark one carton short, and one on the water to Duisburg.
    const arrived = await svc.createInbound(tx, sellerCtx, { warehouse_id: ewr.id, reference: 'ASN-2026-0412', carrier: 'Pacific Bridge Logistics', tracking_number: 'PBL7781204US', lines: [{ sku: 'LM-LAMP-D1', qty: 120 }, { sku: 'LM-CASE-IP15-CLR', qty: 200 }] });
    await svc.receiveInbound(tx, whCtx, arrived.id, { lines: [{ sku: 'LM-LAMP-D1', received: 118, damaged: 2 }, { sku: 'LM-CASE-IP15-CLR', received: 180 }], note: 'one carton of LED strips missing', close: true });
    const expected = new Date(Date.now() + 9 * 86_400_000).toISOString().slice(0, 10);
    await svc.createInbound(tx, sellerCtx, { warehouse_id: dus.id, reference: 'ASN-2026-0519', carrier: 'Pacific Bridge Logistics', tracking_number: 'MSKU4471920', expected_at: expected, lines: [{ sku: 'LM-PB-10K-WHT', qty: 400 }, { sku: 'LM-LAMP-D1', qty: 150 }], note: 'sea freight Yantian → Rotterdam, rail to Duisburg' });
  });
}
