// Shared fixtures for the routing tests: the real demo network and emission factors from data/routing.
import { loadDemoLanes, loadEmissionFactors } from './load.ts';
import { DEMO_PRODUCTS } from './demo-data.ts';
import type { RoutingContext, Warehouse } from './route.ts';
import type { Lane, Parcel, Shipment } from './types.ts';

export const demo = loadDemoLanes();
export const emissionFactors = loadEmissionFactors();
export const FX = { objectiveCurrency: 'USD', rates: { EUR: 1.08, CAD: 0.72 } };

export function laneById(id: string, lanes: readonly Lane[] = demo.lanes): Lane {
  const lane = lanes.find((l) => l.id === id);
  if (!lane) throw new Error(`no lane ${id}`);
  return lane;
}

export function warehousesWith(stock: Record<string, Record<string, number>>, safety: Record<string, Record<string, number>> = {}): Warehouse[] {
  return demo.warehouses.map((w) => ({ ...w, stock: { ...(stock[w.id] ?? {}) }, safetyStock: safety[w.id] ?? {} }));
}

export function context(warehouses: Warehouse[], overrides: Partial<RoutingContext> = {}): RoutingContext {
  return { date: '2026-11-02', warehouses, lanes: demo.lanes, products: DEMO_PRODUCTS, emissionFactors, fx: FX, ...overrides };
}

export function cnToUs(parcel: Parcel, overrides: Partial<Shipment> = {}): Shipment {
  return {
    origin: { country: 'CN', warehouseId: 'wh-cn-szx' },
    destination: { country: 'US', postcode: '60601' },
    incoterm: 'DDP',
    parcels: [parcel],
    declaredValue: { currency: 'USD', amountMinor: 5000 },
    ...overrides,
  };
}
