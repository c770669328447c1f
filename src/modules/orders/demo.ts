import { readFileSync } from 'node:fs';
import type { Services } from '../../http/services.ts';
import { systemContext } from '../../kernel/context.ts';
import { mapShopifyOrder, type ChannelAddress, type ChannelName, type ChannelOrder } from '../../engines/channels/index.ts';
import { listWarehouses } from '../inventory/index.ts';
import type { DemoOrgs } from '../module.ts';
import { createConnection } from './channels.ts';
import * as svc from './service.ts';

const PRICES: Record<string, [string, number]> = {
  'LM-PB-10K-WHT': ['10000 mAh USB-C power bank, white', 2_599],
  'LM-EB-P2-WHT': ['Bluetooth 5.3 wireless earbuds, white', 3_499],
  'LM-CASE-IP15-CLR': ['TPU phone case for iPhone 15, clear', 1_299],
  'LM-LAMP-D1': ['Dimmable LED desk lamp', 4_599],
  'LM-CABLE-C2C-2M': ['USB-C to USB-C braided cable, 2 m', 1_199],
};

function demoOrder(channel: ChannelName, externalId: string, currency: string, shipTo: ChannelAddress, buyer: { name: string; email?: string }, lines: Array<[string, number]>, opts: { paid?: boolean; shipping?: number; vat?: number; raw?: unknown; tags?: string[] } = {}): ChannelOrder {
  const mapped = lines.map(([sku, qty], i) => {
    const [title, price] = PRICES[sku];
    return { externalLineId: `${externalId}-${i + 1}`, sku, title, quantity: qty, unitPrice: price, lineTotal: price * qty, currency, taxLines: [] };
  });
  const subtotal = mapped.reduce((s, l) => s + l.lineTotal, 0);
  const shipping = opts.shipping ?? 0;
  // demo VAT: prices are VAT-inclusive where a VAT share is given (no tax added on top)
  const tax = opts.vat ? Math.floor((subtotal * opts.vat) / (100 + opts.vat)) : 0;
  return {
    channel, externalId, externalNumber: externalId, createdAt: new Date(Date.now() - Math.floor(Math.random() * 5) * 86_400_000).toISOString(), buyer, shipTo, lines: mapped,
    totals: { subtotal, shipping, tax, discount: 0, total: subtotal + shipping }, taxesIncluded: !!opts.vat, taxLines: tax ? [{ title: 'VAT', rate: opts.vat! / 100, amount: tax }] : [],
    currency, paymentStatus: opts.paid === false ? 'pending' : 'paid', fulfilmentStatus: 'unfulfilled', cancelled: null, tags: opts.tags ?? [], note: '', raw: opts.raw ?? { demo: true, channel, id: externalId },
  };
}

/**
 * Demo orders from every channel in several states: storefront (delivered), API (accepted, and one
 * on hold for fraud review), Amazon (allocated to Rhein Fulfilment, partly shipped), eBay (shipped),
 * CSV (waiting for payment), WooCommerce (cancelled), Shopify (the published SDK fixture, whose SKUs
 * are not in stock: on hold for stock). Plus a Shopify and an Amazon connection.
 */
export async function ordersDemo(s: Services, orgs: DemoOrgs) {
  const { seller } = orgs;
  if (!seller) return;
  const ctx = systemContext(seller.orgId, 'seller', 'demo');
  const berlin: ChannelAddress = { name: 'Maria Keller', line1: 'Torstraße 120', city: 'Berlin', postcode: '10119', country: 'DE', phone: '+49 30 12345678' };
  const austin: ChannelAddress = { name: 'James Carter', line1: '1100 Congress Ave', city: 'Austin', region: 'TX', postcode: '78701', country: 'US', phone: '+1 512 555 0142' };
  const leeds: ChannelAddress = { name: 'Olivia Brown', line1: '12 Park Row', city: 'Leeds', postcode: 'LS1 5HD', country: 'GB' };
  const lyon: ChannelAddress = { name: 'Camille Martin', line1: '8 Rue de la République', city: 'Lyon', postcode: '69002', country: 'FR' };
  const newark: ChannelAddress = { name: 'Ana Lopez', line1: '55 Ferry Street', city: 'Newark', region: 'NJ', postcode: '07105', country: 'US' };
  await s.db.transaction(async (tx) => {
    await createConnection(tx, ctx, s, { channel: 'shopify', name: 'Lumen Shopify store', webhook_secret: 'demo-shopify-secret-2026', config: { shop_domain: 'lumen-demo.myshopify.com' } });
    await createConnection(tx, ctx, s, { channel: 'amazon', name: 'Amazon US (SP-API)', access_token: 'Atza|demo-token', config: { endpoint: 'https://sellingpartnerapi-na.amazon.com', marketplace_ids: ['ATVPDKIKX0DER'] }, poll_interval_seconds: 900 });
    const warehouses = await listWarehouses(tx, seller.orgId);
    const wh = (code: string) => warehouses.find((w) => w.code === code)?.id;

    const take = async (o: ChannelOrder) => (await svc.intake(tx, ctx, o, { invalidAddress: 'hold' })).order;
    const storefront = await take(demoOrder('storefront', 'SF-10021', 'EUR', berlin, { name: 'Maria Keller', email: 'maria@keller-home.example' }, [['LM-PB-10K-WHT', 2], ['LM-CABLE-C2C-2M', 3]], { vat: 19, shipping: 0, tags: ['b2c'] }));
    if (storefront.status === 'accepted' && wh('DUS-1')) {
      await svc.ship(tx, ctx, storefront.id, { warehouse_id: wh('DUS-1')!, carrier: 'DHL Paket', tracking_number: '00340434161234567890' }).catch(async () => svc.ship(tx, ctx, storefront.id, { warehouse_id: (await svc.getOrder(tx, ctx, storefront.id)).reservations[0].warehouse_id, carrier: 'DHL Paket', tracking_number: '00340434161234567890' }));
      await svc.transition(tx, ctx, storefront.id, 'delivered', 'delivered to the buyer');
    }
    await take(demoOrder('api', 'B2B-7781', 'USD', austin, { name: 'Carter Office Supply', email: 'purchasing@carter-office.example' }, [['LM-LAMP-D1', 6], ['LM-PB-10K-WHT', 10]], { tags: ['b2b'] }));
    const fraud = await take(demoOrder('api', 'API-5530', 'USD', newark, { name: 'Ana Lopez', email: 'ana.lopez@mailinator.example' }, [['LM-EB-P2-WHT', 5]], { tags: ['review'] }));
    if (fraud.status === 'accepted') await svc.hold(tx, ctx, fraud.id, 'fraud', 'five earbuds to a new account; billing and shipping addresses differ');
    const amazon = await take(demoOrder('amazon', '113-4928371-2219457', 'USD', austin, { name: 'James Carter' }, [['LM-PB-10K-WHT', 1], ['LM-EB-P2-WHT', 1]], { raw: { order: { AmazonOrderId: '113-4928371-2219457', OrderStatus: 'Unshipped', FulfillmentChannel: 'MFN' }, demo: true } }));
    if (amazon.status === 'accepted') await svc.allocate(tx, ctx, amazon.id);
    const ebay = await take(demoOrder('ebay', '12-11408-77520', 'GBP', leeds, { name: 'Olivia Brown' }, [['LM-CASE-IP15-CLR', 2]], { vat: 20, shipping: 399 }));
    if (ebay.status === 'accepted') {
      const detail = await svc.getOrder(tx, ctx, ebay.id);
      await svc.ship(tx, ctx, ebay.id, { warehouse_id: detail.reservations[0].warehouse_id, carrier: 'Royal Mail', tracking_number: 'RM123456785GB' });
    }
    await take(demoOrder('csv', 'CSV-2026-118', 'EUR', lyon, { name: 'Camille Martin', email: 'camille@exemple.fr' }, [['LM-LAMP-D1', 1]], { paid: false, vat: 20 }));
    const woo = await take(demoOrder('woocommerce', '4471', 'EUR', berlin, { name: 'Maria Keller', email: 'maria@keller-home.example' }, [['LM-CABLE-C2C-2M', 2]], { vat: 19 }));
    await svc.cancelOrder(tx, ctx, woo, 'buyer cancelled before dispatch');
    const shopify = mapShopifyOrder(JSON.parse(readFileSync(new URL('../../../data/fixtures/channels/shopify/sdk-fixture.order.json', import.meta.url), 'utf8')));
    if (shopify.ok) await svc.intake(tx, ctx, shopify.value, { invalidAddress: 'hold', warnings: shopify.warnings });
  });
}
