// One normalised tracking-event model for every carrier, modelled on Karrio's unified
// TrackingStatus (12 values) plus a finer Tradelane `stage` for cross-border legs.

export const TRACKING_STATUSES = [
  'pending',
  'picked_up',
  'in_transit',
  'on_hold',
  'out_for_delivery',
  'ready_for_pickup',
  'delivered',
  'delivery_failed',
  'delivery_delayed',
  'return_to_sender',
  'cancelled',
  'unknown',
] as const;
export type TrackingStatus = (typeof TRACKING_STATUSES)[number];

export const TRACKING_STAGES = [
  'factory_pickup',
  'export_customs',
  'departure',
  'arrival',
  'import_customs',
  'warehouse_receipt',
  'last_mile',
  'lost',
  'damaged',
] as const;
export type TrackingStage = (typeof TRACKING_STAGES)[number];

export const CUSTOMS_STATES = ['inspection', 'held', 'released'] as const;
export type CustomsState = (typeof CUSTOMS_STATES)[number];

/**
 * How occurredAt was obtained:
 * - utc: the carrier gave a UTC/GMT timestamp;
 * - offset: local wall-clock time plus an explicit UTC offset;
 * - zone: local time resolved through an IANA zone supplied by the caller's zoneForLocation;
 * - assumed_utc: local time with no offset or zone — read as if UTC (can be hours off; ordering may be wrong).
 */
export type TimeBasis = 'utc' | 'offset' | 'zone' | 'assumed_utc';

export interface TrackingLocation {
  /** IATA / UN/LOCODE / carrier facility code, only when the carrier gives one. */
  code: string | null;
  codeType: 'iata' | 'unlocode' | 'carrier_facility' | null;
  city: string | null;
  region: string | null;
  postcode: string | null;
  /** ISO 3166-1 alpha-2, or null. */
  country: string | null;
  lat: number | null;
  lon: number | null;
}

export interface TrackingEvent {
  trackingNumber: string;
  /** Karrio carrier id: ups, fedex, dhl_universal, usps, … (or the uploader's name for CSV). */
  carrier: string;
  status: TrackingStatus;
  stage: TrackingStage | null;
  /** Only for customs stages. */
  customs: CustomsState | null;
  /** Karrio TrackingIncidentReason when the carrier code maps to one. */
  reason: string | null;
  /** UTC ISO 8601, or null when the carrier gave no usable time. */
  occurredAt: string | null;
  /** Carrier-local wall-clock time as given, `YYYY-MM-DDTHH:mm:ss`. */
  localTime: string | null;
  /** `±hh:mm` when known. */
  utcOffset: string | null;
  timeBasis: TimeBasis | null;
  location: TrackingLocation;
  description: string;
  /** The carrier's own status/event code, verbatim. */
  rawStatusCode: string;
  /** The carrier's event object, verbatim. */
  raw: unknown;
}

export interface TrackingIssue {
  path: string;
  code: string;
  message: string;
  line?: number;
}

export interface TrackedShipmentInfo {
  trackingNumber: string;
  carrier: string;
  originCountry: string | null;
  destinationCountry: string | null;
  estimatedDelivery: string | null;
}

export interface TrackingMapResult {
  events: TrackingEvent[];
  shipments: TrackedShipmentInfo[];
  /** Tracking numbers the carrier reported as not found / in error (data, not exceptions, as in Karrio's messages[]). */
  failures: Array<{ trackingNumber: string | null; code: string; message: string }>;
  warnings: TrackingIssue[];
}
