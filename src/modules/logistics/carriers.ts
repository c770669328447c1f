// Carrier adapters: one unified booking model inside, per-carrier mapping at the edge (as Karrio
// does with its connectors). An adapter turns a booking into the carrier's request and the
// carrier's answer back into {status, tracking number, reference}. The built-in "manual" carrier
// is for providers who work in the Tradelane console only: the booking waits for them to accept,
// and Tradelane issues the tracking number.
import { randomInt } from 'node:crypto';
import type { AddressInput, OrderInput } from './inputs.ts';

/** The unified shipment a booking carries (what every adapter maps from). */
export interface UnifiedShipment {
  shipper: AddressInput;
  consignee: AddressInput;
  orders: OrderInput[];
  parcels: { weightGrams: number; lengthCm: number; widthCm: number; heightCm: number; orderRefs: string[] }[];
  incoterm: 'DDP' | 'DAP';
  declaredValue: { currency: string; amountMinor: number };
  service: { laneId: string; laneName: string; mode: string; providerOrgId: string };
  /** The seller's warehouse the goods leave from, when given (the order hub ships its reservations there on acceptance). */
  fromWarehouseId?: string | null;
}

export interface CarrierBookingResult {
  /** 'requested': the carrier decides later (console or callback); 'accepted' / 'rejected': decided now. */
  status: 'requested' | 'accepted' | 'rejected';
  trackingNumber?: string;
  carrierReference?: string;
  reason?: string;
}

export interface CarrierAdapter {
  id: string;
  name: string;
  /** Send the booking to the carrier. */
  book(shipment: UnifiedShipment, bookingId: string): Promise<CarrierBookingResult>;
  /** The carrier accepted (console or callback): tracking number to record. */
  onAccepted(shipment: UnifiedShipment, bookingId: string, given?: { trackingNumber?: string; carrierReference?: string }): Promise<{ trackingNumber: string; carrierReference?: string }>;
}

/**
 * UPU S10-style tracking number: 2 letters, 8-digit serial, the S10 check digit (weights
 * 8 6 4 2 3 5 9 7; 11 − sum mod 11, 10 → 0, 11 → 5) and the origin country.
 */
export function s10TrackingNumber(serial: number, country: string, service = 'TL'): string {
  const digits = String(serial).padStart(8, '0').slice(-8);
  const weights = [8, 6, 4, 2, 3, 5, 9, 7];
  const sum = [...digits].reduce((s, d, i) => s + Number(d) * weights[i]!, 0);
  let check = 11 - (sum % 11);
  if (check === 10) check = 0;
  if (check === 11) check = 5;
  return `${service}${digits}${check}${country}`;
}

export function isValidS10(n: string): boolean {
  const m = /^([A-Z]{2})(\d{8})(\d)([A-Z]{2})$/.exec(n);
  return !!m && s10TrackingNumber(Number(m[2]), m[4]!, m[1]) === n;
}

export const manualCarrier: CarrierAdapter = {
  id: 'manual',
  name: 'Manual carrier (console)',
  async book() {
    return { status: 'requested' };
  },
  async onAccepted(shipment, _bookingId, given) {
    return { trackingNumber: given?.trackingNumber ?? s10TrackingNumber(randomInt(0, 100_000_000), shipment.shipper.country), carrierReference: given?.carrierReference };
  },
};

/**
 * Mapping of a booking onto Karrio's unified `ShippingRequest` (POST /v1/proxy/shipping; field
 * names from karrio/openapi.yml: AddressData, ParcelData, Commodity, CustomsData). A Karrio-backed
 * adapter sends this and reads `tracking_number` / `shipment_identifier` from the answer.
 */
export function toKarrioShippingRequest(s: UnifiedShipment, bookingId: string, selectedRateId = 'rat_tradelane') {
  const address = (a: AddressInput) => ({
    person_name: a.name, company_name: a.company, address_line1: a.line1, address_line2: a.line2, city: a.city, state_code: a.state,
    postal_code: a.postcode, country_code: a.country, phone_number: a.phone, email: a.email,
  });
  const lines = s.orders.flatMap((o) => o.lines);
  return {
    selected_rate_id: selectedRateId,
    shipper: address(s.shipper),
    recipient: address(s.consignee),
    parcels: s.parcels.map((p) => ({ weight: p.weightGrams / 1000, weight_unit: 'KG', length: p.lengthCm, width: p.widthCm, height: p.heightCm, dimension_unit: 'CM', reference_number: p.orderRefs.join(',') })),
    customs: {
      incoterm: s.incoterm,
      content_type: 'merchandise',
      invoice: bookingId,
      commodities: lines.map((l) => ({
        title: l.description, sku: l.sku, hs_code: l.hs_code, origin_country: l.origin_country, quantity: l.quantity,
        value_amount: l.unit_value_minor, value_currency: s.declaredValue.currency, weight: (l.unit_weight_grams * l.quantity) / 1000, weight_unit: 'KG',
      })),
      duty: { paid_by: s.incoterm === 'DDP' ? 'sender' : 'recipient', currency: s.declaredValue.currency },
    },
    reference: bookingId,
  };
}

/** Read Karrio's `ShipmentResponse` (or `Shipment`) into the unified result. */
export function fromKarrioShipment(resp: { tracking_number?: string; shipment_identifier?: string; status?: string; messages?: { message: string }[] }): CarrierBookingResult {
  if (resp.tracking_number) return { status: 'accepted', trackingNumber: resp.tracking_number, carrierReference: resp.shipment_identifier };
  return { status: 'rejected', reason: resp.messages?.map((m) => m.message).join('; ') || 'carrier returned no tracking number' };
}

/** Adapter registry; carriers with an API integration register theirs here (by id). */
const adapters = new Map<string, CarrierAdapter>([[manualCarrier.id, manualCarrier]]);
export function registerCarrierAdapter(a: CarrierAdapter) { adapters.set(a.id, a); }
export function carrierAdapter(id = 'manual'): CarrierAdapter {
  return adapters.get(id) ?? manualCarrier;
}
