// Service bundles: several providers' services (e.g. China–US line + US warehouse drop-ship +
// returns) sold and priced as one, with the breakdown per component.
import { convertMinor, divRoundHalfUp, type FxTable } from './money.ts';
import { checkEligibility, estimateTransit, priceShipment } from './quote.ts';
import type { Lane, Shipment } from './types.ts';

/** A non-transport service priced by a simple tariff (all amounts in `currency` minor units). */
export interface ServiceTariff {
  id: string;
  providerOrgId: string;
  kind: 'warehouse_inbound' | 'storage' | 'pick_pack' | 'drop_ship' | 'returns' | 'relabel' | 'qc' | 'insurance' | 'other';
  name: string;
  currency: string;
  perOrderMinor?: number;
  perParcelMinor?: number;
  perKgMinor?: number; // × actual kg, half-up
  /** Basis points of the declared value (insurance, returns handling as a share of value). */
  declaredValueBp?: number;
  /** Share of orders the service applies to, in basis points (e.g. returns at 800 = 8 %): expected cost. */
  applicationRateBp?: number;
  handlingDays?: number;
}

export type BundleComponent = { kind: 'lane'; laneId: string } | { kind: 'service'; serviceId: string };

export interface ServiceBundle {
  id: string;
  name: string;
  sellerFacingProviderOrgId: string; // who sells the bundle
  currency: string; // the bundle's price currency
  components: BundleComponent[];
  /** Discount on the sum of components, in basis points, half-up. */
  discountBp?: number;
}

export interface BundleLine {
  componentId: string;
  providerOrgId: string;
  kind: string;
  currency: string;
  amountMinor: number; // in the component's currency
  amountInBundleCurrencyMinor: number;
  detail: string;
  days: number;
}

export interface BundleQuote {
  bundleId: string;
  currency: string;
  lines: BundleLine[];
  subtotalMinor: number;
  discountMinor: number;
  totalMinor: number;
  transitDays: number; // sum of lane transit and service handling days
}

export interface BundleError {
  bundleId: string;
  componentId: string;
  reason: string;
}

/**
 * Price a bundle for one shipment. Lane components are priced with the lane's own rate card for
 * the shipment re-addressed to that leg (origin = lane origin, destination = the lane's warehouse
 * or the consignee); service components by their tariff. Every amount converts into the bundle
 * currency with `fx` (half-up per line), then the discount (half-up) applies to the sum.
 */
export function priceBundle(
  bundle: ServiceBundle,
  shipment: Shipment,
  date: string,
  catalog: { lanes: readonly Lane[]; services: readonly ServiceTariff[]; warehousePostcodes?: Record<string, string> },
  fx: FxTable,
): BundleQuote | BundleError {
  const lines: BundleLine[] = [];
  const fxBundle: FxTable = fx.objectiveCurrency === bundle.currency ? fx : { objectiveCurrency: bundle.currency, rates: rebase(fx, bundle.currency) };
  const grams = shipment.parcels.reduce((s, p) => s + p.weightGrams, 0);
  let transitDays = 0;
  let date_ = date;
  for (const component of bundle.components) {
    if (component.kind === 'lane') {
      const lane = catalog.lanes.find((l) => l.id === component.laneId);
      if (!lane) return { bundleId: bundle.id, componentId: component.laneId, reason: 'unknown lane' };
      const leg: Shipment = {
        ...shipment,
        origin: { country: lane.origin.country, warehouseId: lane.origin.warehouseIds?.[0] ?? shipment.origin.warehouseId },
        destination: lane.destination.warehouseId
          ? { country: lane.destination.country, postcode: catalog.warehousePostcodes?.[lane.destination.warehouseId] ?? '', warehouseId: lane.destination.warehouseId }
          : shipment.destination,
      };
      const exclusion = checkEligibility(lane, leg, date_);
      if (exclusion) return { bundleId: bundle.id, componentId: lane.id, reason: `${exclusion.code}: ${exclusion.reason}` };
      const price = priceShipment(lane, leg, date_);
      if (!price) return { bundleId: bundle.id, componentId: lane.id, reason: 'no rate for the zone' };
      const inBundle = convertMinor(price.totalMinor, price.currency, fxBundle);
      if (inBundle === undefined) return { bundleId: bundle.id, componentId: lane.id, reason: `no FX rate ${price.currency}→${bundle.currency}` };
      const transit = estimateTransit(lane, date_);
      transitDays += transit.typicalDays;
      date_ = transit.typical;
      lines.push({
        componentId: lane.id,
        providerOrgId: lane.providerOrgId,
        kind: lane.mode,
        currency: price.currency,
        amountMinor: price.totalMinor,
        amountInBundleCurrencyMinor: inBundle,
        detail: `base ${price.baseMinor} + fuel ${price.fuelMinor} + peak ${price.peakMinor} + remote ${price.remoteAreaMinor} on ${price.chargeableGrams} g chargeable`,
        days: transit.typicalDays,
      });
    } else {
      const s = catalog.services.find((x) => x.id === component.serviceId);
      if (!s) return { bundleId: bundle.id, componentId: component.serviceId, reason: 'unknown service' };
      const declared = shipment.declaredValue.currency === s.currency ? shipment.declaredValue.amountMinor : convertMinor(shipment.declaredValue.amountMinor, shipment.declaredValue.currency, { objectiveCurrency: s.currency, rates: rebase(fx, s.currency) });
      if (declared === undefined) return { bundleId: bundle.id, componentId: s.id, reason: `no FX rate ${shipment.declaredValue.currency}→${s.currency}` };
      const full =
        (s.perOrderMinor ?? 0) +
        (s.perParcelMinor ?? 0) * shipment.parcels.length +
        divRoundHalfUp((s.perKgMinor ?? 0) * grams, 1000) +
        divRoundHalfUp((s.declaredValueBp ?? 0) * declared, 10_000);
      const amount = s.applicationRateBp === undefined ? full : divRoundHalfUp(full * s.applicationRateBp, 10_000);
      const inBundle = convertMinor(amount, s.currency, fxBundle);
      if (inBundle === undefined) return { bundleId: bundle.id, componentId: s.id, reason: `no FX rate ${s.currency}→${bundle.currency}` };
      transitDays += s.handlingDays ?? 0;
      lines.push({
        componentId: s.id,
        providerOrgId: s.providerOrgId,
        kind: s.kind,
        currency: s.currency,
        amountMinor: amount,
        amountInBundleCurrencyMinor: inBundle,
        detail: s.applicationRateBp === undefined ? s.name : `${s.name}: ${full} × ${s.applicationRateBp / 100} % expected rate`,
        days: s.handlingDays ?? 0,
      });
    }
  }
  const subtotal = lines.reduce((t, l) => t + l.amountInBundleCurrencyMinor, 0);
  const discount = divRoundHalfUp(subtotal * (bundle.discountBp ?? 0), 10_000);
  return { bundleId: bundle.id, currency: bundle.currency, lines, subtotalMinor: subtotal, discountMinor: discount, totalMinor: subtotal - discount, transitDays };
}

/** Rates of an FX table re-expressed against another currency of the table. */
function rebase(fx: FxTable, currency: string): Record<string, number> {
  const unit = currency === fx.objectiveCurrency ? 1 : fx.rates[currency];
  if (!unit) return {};
  const out: Record<string, number> = { [fx.objectiveCurrency]: 1 / unit };
  for (const [c, r] of Object.entries(fx.rates)) if (c !== currency) out[c] = r / unit;
  return out;
}

export function isBundleError(x: BundleQuote | BundleError): x is BundleError {
  return 'reason' in x;
}
