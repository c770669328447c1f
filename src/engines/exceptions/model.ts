// Plain data the exception rules and SLA evaluation work on. No I/O: the module passes everything in.
import type { IotExcursion, ShipmentState } from '../carriers/index.ts';

export const RULE_IDS = [
  'dwell_at_port',
  'no_scan',
  'late_delivery',
  'customs_hold',
  'temperature_excursion',
  'humidity_excursion',
  'shock',
  'failed_delivery',
  'return_to_sender',
  'damage_or_loss',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

export type Party = 'seller' | 'buyer' | 'carrier' | 'broker' | 'warehouse';
export type Severity = 'info' | 'warning' | 'critical';

export interface TransitProfile {
  minDays: number;
  typicalDays: number;
  maxDays: number;
}

export interface HandlingLimits {
  temperatureC?: { min: number; max: number };
  humidityPct?: { min: number; max: number };
  shockG?: number;
}

/** What the rules know about a shipment beyond its events. */
export interface ShipmentFacts {
  originCountry: string | null;
  destinationCountry: string | null;
  /** Promised delivery instant (UTC ISO), e.g. the end of the promised day. */
  promisedDeliveryAt: string | null;
  /** The carrier's own estimate (UTC ISO), when it gives one. */
  estimatedDeliveryAt: string | null;
  /** Ship date `YYYY-MM-DD` (booking), used when no pickup scan has arrived yet. */
  shipDate: string | null;
  mode: string | null;
  laneTransit: TransitProfile | null;
  handling: HandlingLimits | null;
}

export interface DemurrageTariff {
  currency: string;
  demurrage: { freeDays: number; perDayMinor: number };
  detention: { freeDays: number; perDayMinor: number } | null;
}

/** Per-organisation configuration (defaults from data/tracking/exception-rules.json). */
export interface RuleSettings {
  disabled: RuleId[];
  dwellHours: number;
  /** Fixed no-scan gap in days; null = derive from the lane's transit profile. */
  noScanDays: number | null;
  failedAttempts: number;
}

export interface ExceptionTables {
  source: string;
  as_of: string;
  defaults: {
    dwellHours: number;
    noScan: { gapFraction: number; minDays: number; maxDays: number };
    failedAttempts: number;
    latePredictionLeadHours: number;
  };
  severity: Record<RuleId, Severity>;
  notify: Record<RuleId, Party[]>;
  customsDocuments: {
    common: string[];
    byCustomsState: Record<string, string[]>;
    byDestination: Record<string, string[]>;
  };
  tariffs: Record<string, Record<string, DemurrageTariff>>;
}

export interface RuleInput {
  /** Evaluation time (UTC ISO). Time-based rules compare against it, so jobs and tests control the clock. */
  now: string;
  facts: ShipmentFacts;
  /** Folded events (foldShipmentState); null when no event arrived yet. */
  state: ShipmentState | null;
  excursions: IotExcursion[];
  settings: RuleSettings;
  tables: ExceptionTables;
  /** Demurrage tariff of the lane (contract) or from the table; null = no charge computed. */
  tariff: DemurrageTariff | null;
}

/** One raised condition. `rule` is the dedupe key within a shipment: a shipment has at most one exception per rule. */
export interface Finding {
  rule: RuleId;
  severity: Severity;
  title: string;
  /** When the condition started (event time or threshold crossing), UTC ISO. */
  since: string;
  notify: Party[];
  facts: Record<string, unknown>;
}
