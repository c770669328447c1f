import { describe, expect, it } from 'vitest';
import { isBundleError, priceBundle, type ServiceBundle, type ServiceTariff } from './bundles.ts';
import { priceShipment } from './quote.ts';
import { demo, FX, laneById } from './test-helpers.ts';
import type { Lane, Shipment } from './types.ts';

// A China–US bundle: line haul into the US warehouse (inbound), pick & pack + drop-ship from the
// warehouse, US ground last mile, and returns handling priced as an expected 8 % return rate.
const inboundLine: Lane = {
  ...laneById('ln-line-cn-us'),
  id: 'ln-line-cn-usont-inbound',
  name: 'Pacific Line into Ontario warehouse',
  destination: { country: 'US', zones: [{ zone: 'US-WH', postcodePrefixes: [] }], warehouseId: 'wh-us-ont' },
  rateCard: { ...laneById('ln-line-cn-us').rateCard, weightBreaks: [{ zone: 'US-WH', fromGrams: 0, perKgMinor: 700, perParcelMinor: 100 }], remoteAreaFees: [], peakSurcharges: [] },
};
const services: ServiceTariff[] = [
  { id: 'svc-ont-pickpack', providerOrgId: 'org-ontario-3pl', kind: 'pick_pack', name: 'Pick & pack', currency: 'USD', perOrderMinor: 180, perParcelMinor: 45, handlingDays: 1 },
  { id: 'svc-ont-returns', providerOrgId: 'org-ontario-3pl', kind: 'returns', name: 'Returns: receive, inspect, restock', currency: 'USD', perOrderMinor: 450, declaredValueBp: 200, applicationRateBp: 800 },
];
const bundle: ServiceBundle = {
  id: 'bdl-cn-us-dropship',
  name: 'China–US line + US warehouse drop-ship + returns',
  sellerFacingProviderOrgId: 'org-pacific-line',
  currency: 'USD',
  components: [
    { kind: 'lane', laneId: inboundLine.id },
    { kind: 'service', serviceId: 'svc-ont-pickpack' },
    { kind: 'lane', laneId: 'ln-lm-us-ground' },
    { kind: 'service', serviceId: 'svc-ont-returns' },
  ],
  discountBp: 500,
};
const shipment: Shipment = {
  origin: { country: 'CN', warehouseId: 'wh-cn-szx' },
  destination: { country: 'US', postcode: '10001' },
  incoterm: 'DDP',
  parcels: [{ weightGrams: 900, lengthCm: 25, widthCm: 20, heightCm: 10 }],
  declaredValue: { currency: 'USD', amountMinor: 6000 },
};
const catalog = { lanes: [...demo.lanes, inboundLine], services, warehousePostcodes: { 'wh-us-ont': '91761' } };

describe('service bundles', () => {
  it('prices the bundle as one with an exact component breakdown', () => {
    const q = priceBundle(bundle, shipment, '2026-11-02', catalog, FX);
    if (isBundleError(q)) throw new Error(q.reason);
    // Inbound line: 900 g (volumetric 5,000 cm³/6,000 = 834 g) → 900 g: 100 + 7.00 × 0.9 = 730; fuel 8 % = 58.4 → 58.
    expect(q.lines[0]).toMatchObject({ componentId: inboundLine.id, amountMinor: 788 });
    expect(q.lines[1]).toMatchObject({ componentId: 'svc-ont-pickpack', amountMinor: 225 });
    // US ground from the warehouse to 10001 (zone US-E): volumetric 5,000 cm³ / 5,000 = 1,000 g > 900 g,
    // rounded up to the 454 g (1 lb) increment → 1,362 g: 520 + 2.20 × 1.362 = 819.64 → 820; fuel 16.5 % = 135.3 → 135.
    const ground = priceShipment(laneById('ln-lm-us-ground'), { ...shipment, origin: { country: 'US', warehouseId: 'wh-us-ont' } }, '2026-11-02')!;
    expect(ground).toMatchObject({ chargeableGrams: 1362, baseMinor: 820, fuelMinor: 135, totalMinor: 955 });
    expect(q.lines[2]).toMatchObject({ componentId: 'ln-lm-us-ground', amountMinor: 955 });
    // Returns: (4.50 + 2 % × 60.00 = 5.70) × 8 % expected = 45.6 → 46.
    expect(q.lines[3]).toMatchObject({ componentId: 'svc-ont-returns', amountMinor: 46 });
    expect(q.subtotalMinor).toBe(788 + 225 + 955 + 46);
    expect(q.discountMinor).toBe(101); // 5 % of 2,014 = 100.7 → 101
    expect(q.totalMinor).toBe(2014 - 101);
    expect(new Set(q.lines.map((l) => l.providerOrgId))).toEqual(new Set(['org-pacific-line', 'org-ontario-3pl', 'org-us-ground']));
  });

  it('fails the whole bundle with the component and reason when one part cannot serve it', () => {
    const withBattery: Shipment = {
      ...shipment,
      parcels: [{ ...shipment.parcels[0]!, items: [{ sku: 'POWERBANK-20K', quantity: 1, unitValueMinor: 2400, battery: 'UN3480' }] }],
    };
    const q = priceBundle(bundle, withBattery, '2026-11-02', catalog, FX);
    expect(isBundleError(q) && q.componentId).toBe(inboundLine.id);
    expect(isBundleError(q) && q.reason).toMatch(/restriction: battery UN3480/);
  });
});
