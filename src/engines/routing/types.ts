// Plain-data model of the routing engine. Everything here is JSON-serialisable.
// Units: money in integer minor units of the stated ISO 4217 currency; weight in grams;
// length in centimetres; dates as ISO calendar dates 'YYYY-MM-DD' (UTC calendar).

export type Mode =
  | 'express'
  | 'air'
  | 'sea'
  | 'rail' // includes China–Europe block trains
  | 'road' // cross-border trucking / warehouse transfers by truck
  | 'dedicated_line'
  | 'postal'
  | 'last_mile';

export const MODES: readonly Mode[] = ['express', 'air', 'sea', 'rail', 'road', 'dedicated_line', 'postal', 'last_mile'];

/** UN numbers for lithium batteries (UN Model Regulations, class 9). */
export type BatteryUnNumber = 'UN3090' | 'UN3091' | 'UN3480' | 'UN3481';

export interface LaneOrigin {
  country: string; // ISO 3166-1 alpha-2
  port?: string; // UN/LOCODE, e.g. CNSZX
  /** Warehouses this lane collects from. Absent = any warehouse in `country`. */
  warehouseIds?: string[];
}

export interface DestinationZone {
  zone: string;
  /** Postcode prefixes of this zone; empty = catch-all zone for the country. */
  postcodePrefixes: string[];
}

export interface LaneDestination {
  country: string;
  zones: DestinationZone[];
  /** Set when the lane delivers into a warehouse (a transfer / line-haul lane), not to a consumer. */
  warehouseId?: string;
}

export interface TransitTime {
  minDays: number;
  typicalDays: number;
  maxDays: number;
  p50?: number;
  p90?: number;
}

export interface WeightBreak {
  zone: string;
  /** The break applies from this chargeable weight (inclusive) up to the next break of the zone. */
  fromGrams: number;
  perKgMinor: number;
  perParcelMinor: number;
}

export interface PeakSurcharge {
  from: string; // inclusive
  to: string; // inclusive
  perKgMinor: number;
  perParcelMinor: number;
}

export interface RemoteAreaFee {
  country: string;
  postcodePrefix: string;
  feeMinor: number; // per shipment
}

export interface RateCard {
  currency: string; // ISO 4217
  /** cm³ per kg: volumetric kg = L×W×H / divisor (5000 express/air, 6000 dedicated lines, 1000 sea ≈ 1 t/m³). */
  volumetricDivisor: number;
  /** Chargeable weight of each parcel is rounded UP to a multiple of this (e.g. 500 g express, 100 g lines). */
  weightIncrementGrams: number;
  weightBreaks: WeightBreak[];
  minimumChargeMinor: number; // applies to the base (freight) charge per shipment
  /** Fuel surcharge in basis points of the base charge (1250 = 12.50 %). */
  fuelSurchargeBp: number;
  peakSurcharges: PeakSurcharge[];
  remoteAreaFees: RemoteAreaFee[];
}

export interface Capacity {
  perDayKg?: number;
  perDayParcels?: number;
  perWeekKg?: number;
  perWeekParcels?: number;
}

export interface Restrictions {
  /** Battery UN numbers the lane accepts; absent/empty = no batteries. */
  allowedBatteries?: BatteryUnNumber[];
  liquids: boolean;
  magnets: boolean;
  maxWeightGrams?: number; // per parcel, actual weight
  maxLengthCm?: number; // longest side
  /** Length + girth, girth = 2 × (width + height) with length the longest side. */
  maxLengthPlusGirthCm?: number;
  maxDeclaredValueMinor?: number; // per shipment, in rateCard.currency
}

export interface Clearance {
  ddp: boolean;
  dap: boolean;
  /** Destination countries where this provider clears import customs. */
  destinations: string[];
}

export interface Lane {
  id: string;
  providerOrgId: string;
  name?: string;
  origin: LaneOrigin;
  destination: LaneDestination;
  mode: Mode;
  /** Corridors / chokepoints the lane passes (e.g. 'red-sea', 'suez', 'cape-of-good-hope'); used by disruptions. */
  via?: string[];
  /** Route distance for the carbon estimate. */
  distanceKm?: number;
  transit: TransitTime;
  /** ISO weekdays (1 = Monday … 7 = Sunday) on which the lane departs; a shipment waits for the next one. */
  cutoffWeekdays: number[];
  rateCard: RateCard;
  capacity?: Capacity;
  restrictions: Restrictions;
  clearance: Clearance;
  validFrom: string;
  validTo: string;
  version: number;
  suspended?: boolean;
  suspendedReason?: string;
  /** Provider rating 0–5 (on-time, success, damage), supplied by the ratings module. */
  rating?: number;
}

export interface ParcelItem {
  sku: string;
  quantity: number;
  unitValueMinor: number; // in the shipment's declared currency
  battery?: BatteryUnNumber;
  liquid?: boolean;
  magnet?: boolean;
}

export interface Parcel {
  weightGrams: number;
  lengthCm: number;
  widthCm: number;
  heightCm: number;
  items?: ParcelItem[];
}

export type Incoterm = 'DDP' | 'DAP';

export interface Shipment {
  origin: { country: string; warehouseId?: string };
  /** `warehouseId` set = an inbound transfer into that warehouse (only lanes delivering there qualify). */
  destination: { country: string; postcode: string; warehouseId?: string };
  incoterm: Incoterm;
  parcels: Parcel[];
  /** Declared customs value of the whole shipment. */
  declaredValue: { currency: string; amountMinor: number };
}

/** A shipment given as one parcel — convenient for single-parcel quotes. */
export type SingleParcelShipment = Omit<Shipment, 'parcels'> & { parcel: Parcel };

export type ExclusionCode =
  | 'suspended'
  | 'validity'
  | 'origin'
  | 'destination'
  | 'zone'
  | 'restriction'
  | 'size'
  | 'weight'
  | 'declared_value'
  | 'clearance'
  | 'capacity'
  | 'market_access'
  | 'currency';

export interface Exclusion {
  laneId: string;
  code: ExclusionCode;
  reason: string;
}

export interface PriceBreakdown {
  currency: string;
  chargeableGrams: number;
  actualGrams: number;
  volumetricGrams: number;
  zone: string;
  /** Which weight break priced the freight and whether the next-break rule applied. */
  appliedBreakFromGrams: number;
  nextBreakRuleApplied: boolean;
  baseMinor: number; // freight after minimum charge
  minimumChargeApplied: boolean;
  fuelMinor: number;
  peakMinor: number;
  remoteAreaMinor: number;
  totalMinor: number;
}

export interface TransitEstimate {
  shipDate: string; // first departure on/after the quote date
  earliest: string;
  typical: string;
  latest: string;
  typicalDays: number; // from the quote date to typical delivery, incl. waiting for cutoff
}

export interface LaneQuote {
  laneId: string;
  providerOrgId: string;
  mode: Mode;
  price: PriceBreakdown;
  transit: TransitEstimate;
}

export interface QuoteResult {
  quotes: LaneQuote[]; // sorted by total price (lane currency), then typical transit
  excluded: Exclusion[];
}

/** Remaining capacity already consumed on a lane for the day / week of the quote. */
export interface CapacityUsage {
  dayKg?: number;
  dayParcels?: number;
  weekKg?: number;
  weekParcels?: number;
}
