// Reading orders, product data and stock from the modules that own them (through their index.ts,
// inside the caller's transaction), turned into the plain inputs logistics routes on.
import type { AuthContext } from '../../kernel/context.ts';
import type { Executor } from '../../kernel/db.ts';
import { badRequest, unprocessable } from '../../kernel/errors.ts';
import { checkSkusForMarket, getSkus } from '../catalog/index.ts';
import { listWarehouses, stockFor } from '../inventory/index.ts';
import { getOrder } from '../orders/index.ts';
import type { ComplianceCheck } from './bookings.ts';
import type { OrderInput, WarehouseInput } from './inputs.ts';

/**
 * An order from the order hub with its product data from the catalogue (weights, sizes, HS code,
 * origin, dangerous-goods flags). Lines whose SKU lacks weight or size cannot be routed: 422 naming them.
 */
export async function orderFromHub(tx: Executor, ctx: AuthContext, orderId: string, promisedDate?: string): Promise<OrderInput> {
  const o = await getOrder(tx, ctx, orderId);
  if (!o.ship_to) throw unprocessable('order_without_address', `Order ${orderId} has no ship-to address`);
  const lines = (o.lines as any[]).filter((l) => l.qty - (l.shipped_qty ?? 0) > 0);
  const skus = await getSkus(tx, ctx.orgId, [...new Set(lines.map((l) => l.sku as string))]);
  const missing = lines.filter((l) => { const s = skus.get(l.sku); return !s || !s.weightGrams || !s.dimsMm; }).map((l) => l.sku);
  if (missing.length) throw unprocessable('product_data_missing', `Catalogue weight and size are needed to route: ${[...new Set(missing)].join(', ')}`, { skus: missing });
  const t = o.ship_to as any;
  return {
    ref: o.id,
    currency: o.currency,
    incoterm: 'DDP',
    promised_date: promisedDate,
    consignee: { name: t.name, company: t.company, line1: t.line1, line2: t.line2, city: t.city, state: t.region, postcode: t.postcode ?? '', country: t.country, phone: t.phone },
    lines: lines.map((l) => {
      const s = skus.get(l.sku)!;
      return {
        sku: l.sku, quantity: l.qty - (l.shipped_qty ?? 0), description: s.title.en ?? l.title ?? l.sku, description_zh: s.title['zh-CN'] ?? s.title.zh,
        hs_code: s.hsCode?.replace(/\D/g, '').slice(0, 10) || undefined, origin_country: s.originCountry ?? undefined, unit_value_minor: Number(l.unit_price),
        unit_weight_grams: s.weightGrams!, length_cm: s.dimsMm!.l / 10, width_cm: s.dimsMm!.w / 10, height_cm: s.dimsMm!.h / 10,
        battery: s.attributes.lithiumBattery, liquid: s.attributes.liquid, magnet: s.attributes.magnet,
      };
    }),
  };
}

/** The seller's warehouses with available stock (on hand − reserved) and safety stock for the SKUs. */
export async function warehousesFromInventory(tx: Executor, sellerOrgId: string, skus: string[]): Promise<WarehouseInput[]> {
  const [warehouses, stock] = await Promise.all([listWarehouses(tx, sellerOrgId), stockFor(tx, sellerOrgId, skus)]);
  return warehouses.filter((w: any) => w.active !== false).map((w: any) => {
    const lines = stock.filter((s) => s.warehouseId === w.id);
    const a = w.address ?? {};
    return {
      id: w.id, name: w.name, country: w.country, postcode: a.postcode ?? '',
      stock: Object.fromEntries(lines.map((s) => [s.sku, Math.max(0, s.available)])),
      safety_stock: Object.fromEntries(lines.map((s) => [s.sku, s.safety])),
      address: a.line1 ? { name: w.name, line1: a.line1, line2: a.line2, city: a.city ?? '', state: a.region, postcode: a.postcode ?? '', country: w.country } : undefined,
    };
  });
}

/** Order (given inline or by order hub id) and warehouses (given, or from inventory). */
export async function resolveInputs(tx: Executor, ctx: AuthContext, body: { order?: OrderInput; order_id?: string; warehouses?: WarehouseInput[]; promised_date?: string }) {
  if (!body.order && !body.order_id) throw badRequest('Give either order or order_id', 'order');
  const order = body.order ?? (await orderFromHub(tx, ctx, body.order_id!, body.promised_date));
  const warehouses = body.warehouses ?? (await warehousesFromInventory(tx, ctx.orgId, order.lines.map((l) => l.sku)));
  return { order, warehouses };
}

/** Compliance from the catalogue: market-access rules for every SKU in the destination market (blocked stops shipping). */
export function catalogMarketAccessCheck(tx: Executor, ctx: AuthContext): ComplianceCheck {
  return async (order) => {
    let res;
    try {
      res = await checkSkusForMarket(tx, ctx.orgId, order.lines.map((l) => l.sku), order.consignee.country);
    } catch {
      return []; // no rules for this market, or SKUs not in the catalogue: the customs-data check still applies
    }
    return res.status === 'blocked' ? res.reasons : [];
  };
}
