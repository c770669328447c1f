// Public input/output types of the landed-cost engine.
import type { FxSnapshot } from './fx.ts';

export type Incoterm = 'DDP' | 'DAP';
export type TransportMode = 'postal' | 'courier' | 'air' | 'ocean' | 'road';
export type RegistrationKey = 'EU_IOSS' | 'GB_VAT' | 'AU_GST' | 'NZ_GST' | 'NO_VOEC' | 'CH_VAT' | 'SG_GST';

export interface LandedCostLineInput {
  /** HS code with national extension where known (HS2022-based; dots/spaces ignored), >= 6 digits */
  hsCode: string;
  description?: string;
  /** number of units (integer >= 1) */
  quantity: number;
  /** customs value (price) per unit, integer minor units of `saleCurrency` */
  unitValue: number;
  /** net weight per unit in kg (needed for per-kg duties) */
  unitWeightKg?: number;
  /** volume per unit in litres (needed for per-litre duties) */
  unitVolumeLitres?: number;
  /** ISO 3166 alpha-2 origin of the goods; defaults to the consignment origin */
  originCountry?: string;
  /** the seller claims preferential origin (FTA/EPA proof available) */
  preferentialOriginClaim?: boolean;
  /** duty rate from a ruling/broker for markets without a tariff schedule in data (AU, NZ, CA, IN, ...) */
  dutyRateOverride?: { adValoremPct: string | number; reason: string };
  /** VAT/GST rate for goods under a reduced rate (percent); default: the standard rate */
  taxRatePct?: string | number;
  /** surcharge on duty (IN Social Welfare Surcharge) in percent of duty; default from data */
  dutySurchargePct?: string | number;
}

export interface LandedCostInput {
  /** ISO alpha-2: an EU member state (e.g. DE), GB, US, CA, AU, NZ, JP, CH, NO, SG, IN */
  destinationCountry: string;
  /** ISO 3166-2 subdivision where the tax depends on it, e.g. CA-ON */
  destinationSubdivision?: string;
  originCountry: string;
  /** country the parcel is shipped from (CA courier thresholds); defaults to originCountry */
  shipFromCountry?: string;
  /** quote date, ISO yyyy-mm-dd: rules in force that day are used */
  date: string;
  saleCurrency: string;
  lines: LandedCostLineInput[];
  /** international shipping charged, minor units of saleCurrency */
  shipping?: number;
  insurance?: number;
  incoterm: Incoterm;
  transportMode?: TransportMode;
  /** seller's registrations: key -> registration number */
  registrations?: Partial<Record<RegistrationKey, string>>;
  /** sold through a marketplace that is the deemed supplier */
  marketplace?: boolean;
  buyerType?: 'consumer' | 'business';
  fx?: FxSnapshot;
  /** US postal shipments 2025-08-29..2026-02-28: effective IEEPA rate of the origin (percent) to use the per-item specific duty */
  usPostalIeepaRatePct?: string | number;
}

/** Where a figure comes from. */
export interface Explanation {
  ruleId: string;
  /** rate as applied, e.g. "20%", "4.4¢/kg", "EUR 3 per subheading" */
  rate?: string;
  /** base the rate was applied to, minor units of `currency` */
  base?: number;
  source: string;
  asOf: string;
  confidence?: string;
  note?: string;
}

export interface Figure {
  amount: number;
  currency: string;
  explanation: Explanation;
}

export interface DutyComponent extends Figure {
  kind: 'mfn' | 'preferential' | 'column2' | 'override' | 'additional' | 'flat' | 'surcharge' | 'postal-specific';
}

export interface LineQuote {
  index: number;
  hsCode: string;
  description?: string;
  /** national tariff line the rate was read from, and how it was found */
  tariffLine: { code: string; dataset: string; edition: string; asOf: string; mappedFrom?: string; note?: string } | null;
  goodsValue: number;
  transportShare: number;
  customsValue: Figure;
  duty: { amount: number; components: DutyComponent[]; relievedBy?: string };
  fees: Figure[];
  tax: {
    /** onGoods + onTransport */
    amount: number;
    /** tax on goods (customs value without transport) + duty + fees */
    onGoods: number;
    /** tax on the line's share of transport/insurance (0 where the market's base excludes transport) */
    onTransport: number;
    /** where this line's tax is collected: at the point of sale (low-value regime), at import, or not at all */
    collectedAt: 'checkout' | 'import' | 'none';
    ratePct: string;
    base: { goods: number; transport: number; duty: number; fees: number; total: number };
    explanation: Explanation;
    relievedBy?: string;
  };
  total: number;
}

export type Collector = 'seller_at_checkout' | 'marketplace_at_checkout' | 'carrier_or_buyer_at_import' | 'seller_ddp_at_import' | 'none';

export interface Totals {
  goods: number;
  transport: number;
  duty: number;
  tax: number;
  fees: number;
  /** duty + tax + fees */
  importCharges: number;
  /** amount the buyer pays the seller at checkout: goods + transport + charges collected at checkout (DDP or a point-of-sale regime) */
  payableAtCheckout: number;
  /** amount the carrier collects from the buyer at delivery (DAP) */
  payableAtImport: number;
  /** goods + transport + duty + tax + fees */
  landedCost: number;
}

export interface ThresholdDecision {
  ruleId: string | null;
  applies: boolean;
  threshold?: Figure;
  compared?: number;
  explanation?: Explanation;
}

export interface LandedCostQuote {
  market: string;
  destinationCountry: string;
  date: string;
  destinationCurrency: string;
  saleCurrency: string;
  fx: { snapshotId: string; source: string; date: string; rule: string; saleToDestination: string } | null;
  valuation: { basis: string; explanation: Explanation };
  intrinsicValue: number;
  lines: LineQuote[];
  deMinimis: { duty: ThresholdDecision; tax: ThresholdDecision };
  lowValueRegime: {
    ruleId: string;
    name: string;
    eligible: boolean;
    applies: boolean;
    registrationKey: string;
    registered: boolean;
    explanation: Explanation;
  } | null;
  /** who collects import VAT/GST and when ('mixed': per-item regime, some lines at checkout, others at import) */
  taxCollection: { collector: Collector; when: 'checkout' | 'import' | 'none' | 'mixed'; note: string };
  /** who pays duty and fees at the border */
  dutyCollection: { collector: Collector; when: 'checkout' | 'import' | 'none'; note: string };
  totals: Totals;
  totalsInSaleCurrency: Totals;
  rounding: { duty: string; tax: string; source: string };
  review: string[];
  dataSources: { id: string; edition: string; asOf: string; source: string }[];
}
