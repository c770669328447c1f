// Zod schemas for what the logistics API takes in, and their conversion into the routing engine's
// plain-data model. Orders and stock arrive as plain objects (from the orders / inventory modules
// when wired, or straight from the caller); nothing here reads another module's tables.
import { z } from 'zod';
import { MODES, type Lane, type Order, type Product, type Warehouse } from '../../engines/routing/index.ts';

const country = z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code');
const currency = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');
const minor = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const battery = z.enum(['UN3090', 'UN3091', 'UN3480', 'UN3481']);

export const addressSchema = z.strictObject({
  name: z.string().max(200),
  company: z.string().max(200).optional(),
  line1: z.string().max(300),
  line2: z.string().max(300).optional(),
  city: z.string().max(120),
  state: z.string().max(120).optional(),
  postcode: z.string().max(20),
  country,
  phone: z.string().max(40).optional(),
  email: z.string().max(200).optional(),
});
export type AddressInput = z.infer<typeof addressSchema>;

export const orderLineSchema = z.strictObject({
  sku: z.string().min(1).max(100),
  quantity: z.number().int().min(1).max(1_000_000),
  description: z.string().max(300),
  /** Chinese description for the documents (optional). */
  description_zh: z.string().max(300).optional(),
  hs_code: z.string().regex(/^\d{6,10}$/, '6–10 digits').optional(),
  origin_country: country.optional(),
  unit_value_minor: minor,
  unit_weight_grams: z.number().int().min(1).max(1_000_000),
  length_cm: z.number().positive().max(1000),
  width_cm: z.number().positive().max(1000),
  height_cm: z.number().positive().max(1000),
  battery: battery.optional(),
  liquid: z.boolean().optional(),
  magnet: z.boolean().optional(),
});

/** An order as logistics needs it (shape of the orders module's read model, snake_case). */
export const orderSchema = z.strictObject({
  ref: z.string().min(1).max(100),
  currency,
  incoterm: z.enum(['DDP', 'DAP']).default('DDP'),
  promised_date: isoDate.optional(),
  consignee: addressSchema,
  lines: z.array(orderLineSchema).min(1).max(200),
});
export type OrderInput = z.infer<typeof orderSchema>;

/** Stock per warehouse (shape of the inventory module's stockFor / listWarehouses). */
export const warehouseSchema = z.strictObject({
  id: z.string().min(1).max(100),
  name: z.string().max(200).optional(),
  country,
  postcode: z.string().max(20),
  stock: z.record(z.string(), z.number().int().min(0)),
  safety_stock: z.record(z.string(), z.number().int().min(0)).optional(),
  /** Ship-from address printed on labels and invoices. */
  address: addressSchema.optional(),
});
export type WarehouseInput = z.infer<typeof warehouseSchema>;

export const fxSchema = z.strictObject({ objective_currency: currency, rates: z.record(z.string(), z.number().positive()) });
export type FxInput = z.infer<typeof fxSchema>;

/**
 * Fallback FX snapshot (objective currency USD) used when the caller passes none. Demo figures of
 * 2026-11 magnitude, not a rate source; pass `fx` from the ledger's FX snapshot for real decisions.
 */
export const DEFAULT_FX: FxInput = { objective_currency: 'USD', rates: { EUR: 1.08, CAD: 0.72, GBP: 1.27, CNY: 0.14, HKD: 0.128, JPY: 0.0066, AUD: 0.65 } };

export function toEngineFx(fx: FxInput | undefined) {
  const f = fx ?? DEFAULT_FX;
  return { objectiveCurrency: f.objective_currency, rates: f.rates };
}

export function toEngineOrder(o: OrderInput): Order {
  const bySku = new Map<string, number>();
  for (const l of o.lines) bySku.set(l.sku, (bySku.get(l.sku) ?? 0) + l.quantity);
  return {
    id: o.ref,
    destination: { country: o.consignee.country, postcode: o.consignee.postcode },
    lines: [...bySku].map(([sku, quantity]) => ({ sku, quantity })),
    incoterm: o.incoterm,
    currency: o.currency,
    promisedDate: o.promised_date,
  };
}

/** Products (weights, sizes, customs values, dangerous-goods flags) taken from the order lines. */
export function productsOf(orders: readonly OrderInput[]): Record<string, Product> {
  const out: Record<string, Product> = {};
  for (const o of orders) {
    for (const l of o.lines) {
      out[l.sku] ??= {
        sku: l.sku, unitWeightGrams: l.unit_weight_grams, lengthCm: l.length_cm, widthCm: l.width_cm, heightCm: l.height_cm,
        unitValueMinor: l.unit_value_minor, battery: l.battery, liquid: l.liquid, magnet: l.magnet,
      };
    }
  }
  return out;
}

export function toEngineWarehouses(ws: readonly WarehouseInput[]): Warehouse[] {
  return ws.map((w) => ({ id: w.id, country: w.country, postcode: w.postcode, stock: { ...w.stock }, safetyStock: w.safety_stock ?? {} }));
}

// --- lane definitions (the engine's Lane model, camelCase, as published by providers) ---------

const weightBreak = z.strictObject({ zone: z.string().min(1).max(40), fromGrams: z.number().int().min(0), perKgMinor: minor, perParcelMinor: minor });
export const rateCardSchema = z.strictObject({
  currency,
  volumetricDivisor: z.number().int().min(1).max(100_000),
  weightIncrementGrams: z.number().int().min(1).max(100_000),
  weightBreaks: z.array(weightBreak).max(2000),
  minimumChargeMinor: minor,
  fuelSurchargeBp: z.number().int().min(0).max(100_000),
  peakSurcharges: z.array(z.strictObject({ from: isoDate, to: isoDate, perKgMinor: minor, perParcelMinor: minor })).max(50).default([]),
  remoteAreaFees: z.array(z.strictObject({ country, postcodePrefix: z.string().max(20), feeMinor: minor })).max(2000).default([]),
});

export const laneDefinitionSchema = z.strictObject({
  code: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'lower-case letters, digits and dashes'),
  name: z.string().min(1).max(200),
  origin: z.strictObject({ country, port: z.string().max(10).optional(), warehouseIds: z.array(z.string().max(100)).max(50).optional() }),
  destination: z.strictObject({
    country,
    zones: z.array(z.strictObject({ zone: z.string().min(1).max(40), postcodePrefixes: z.array(z.string().max(20)).max(500) })).min(1).max(100),
    warehouseId: z.string().max(100).optional(),
  }),
  mode: z.enum(MODES as [Lane['mode'], ...Lane['mode'][]]),
  via: z.array(z.string().max(60)).max(20).optional(),
  distanceKm: z.number().int().min(0).max(50_000).optional(),
  transit: z.strictObject({ minDays: z.number().int().min(0), typicalDays: z.number().int().min(0), maxDays: z.number().int().min(0), p50: z.number().optional(), p90: z.number().optional() })
    .refine((t) => t.minDays <= t.typicalDays && t.typicalDays <= t.maxDays, 'minDays ≤ typicalDays ≤ maxDays'),
  cutoffWeekdays: z.array(z.number().int().min(1).max(7)).min(1).max(7),
  rateCard: rateCardSchema,
  capacity: z.strictObject({ perDayKg: z.number().min(0).optional(), perDayParcels: z.number().int().min(0).optional(), perWeekKg: z.number().min(0).optional(), perWeekParcels: z.number().int().min(0).optional() }).optional(),
  restrictions: z.strictObject({
    allowedBatteries: z.array(battery).optional(), liquids: z.boolean(), magnets: z.boolean(),
    maxWeightGrams: z.number().int().positive().optional(), maxLengthCm: z.number().positive().optional(),
    maxLengthPlusGirthCm: z.number().positive().optional(), maxDeclaredValueMinor: minor.optional(),
  }),
  clearance: z.strictObject({ ddp: z.boolean(), dap: z.boolean(), destinations: z.array(country).max(250) }),
  validFrom: isoDate,
  validTo: isoDate,
});
export type LaneDefinition = z.infer<typeof laneDefinitionSchema>;
