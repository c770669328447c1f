// Status / stage / reason inference from the rule tables (passed in; loaded by load.ts).
import { CUSTOMS_STATES, TRACKING_STAGES, TRACKING_STATUSES, type CustomsState, type TrackingStage, type TrackingStatus } from './model';

export interface KarrioStatusMappings {
  connectors: Record<string, { TrackingStatus?: Record<string, string[]>; TrackingIncidentReason?: Record<string, string[]> }>;
}

export interface CarrierRules {
  karrioConnector: string | null;
  match: 'exact_ci' | 'substring_ci';
  codeStatuses?: Record<string, string>;
  codeStages?: Record<string, string>;
  codeCustoms?: Record<string, string>;
  textStatuses?: Record<string, string>;
}

export interface TradelaneTrackingRules {
  source: string;
  as_of: string;
  carriers: Record<string, CarrierRules>;
  keywordStages: Array<{ pattern: string; stage: string; customs: string | null }>;
  statusDefaultStages: Record<string, string>;
  seventeenTrack: {
    main: Record<string, string>;
    sub: Record<string, { status?: string; stage?: string; customs?: string }>;
  };
}

/** Everything the mappers need, as plain data. */
export interface TrackingTables {
  karrio: KarrioStatusMappings;
  rules: TradelaneTrackingRules;
}

export function isTrackingStatus(value: unknown): value is TrackingStatus {
  return typeof value === 'string' && (TRACKING_STATUSES as readonly string[]).includes(value);
}

export function isTrackingStage(value: unknown): value is TrackingStage {
  return typeof value === 'string' && (TRACKING_STAGES as readonly string[]).includes(value);
}

export function isCustomsState(value: unknown): value is CustomsState {
  return typeof value === 'string' && (CUSTOMS_STATES as readonly string[]).includes(value);
}

/**
 * Normalised status for a carrier event.
 * `codes` are tried in the order given (most specific first), then `text` (for substring carriers
 * such as USPS). Order: our codeStatuses → Karrio's table → our textStatuses → 'unknown'.
 * Unlike Karrio (which falls back to in_transit), an unmatched code stays 'unknown'.
 */
export function statusFor(tables: TrackingTables, carrier: string, codes: Array<string | null | undefined>, text = ''): TrackingStatus {
  const rules = tables.rules.carriers[carrier];
  const candidates = codes.filter((c): c is string => typeof c === 'string' && c.trim() !== '').map((c) => c.trim());
  const overrides = rules?.codeStatuses ?? {};
  for (const code of candidates) {
    const hit = overrides[code] ?? overrides[code.toLowerCase()] ?? overrides[code.toUpperCase()];
    if (isTrackingStatus(hit)) return hit;
  }
  // Carriers without Tradelane rules fall back to Karrio's connector of the same name (exact match),
  // so any of Karrio's 27 tables works for events arriving through Karrio or CSV uploads.
  const connector = rules ? rules.karrioConnector : carrier;
  const match = rules?.match ?? 'exact_ci';
  const karrio = connector ? tables.karrio.connectors[connector]?.TrackingStatus : undefined;
  if (karrio) {
    if (match === 'exact_ci') {
      for (const code of candidates) {
        for (const [status, list] of Object.entries(karrio)) {
          if (isTrackingStatus(status) && list.some((entry) => entry.toLowerCase() === code.toLowerCase())) return status;
        }
      }
    } else {
      const haystack = `${candidates.join(' ')} ${text}`.toLowerCase();
      for (const [status, entry] of substringEntries(karrio)) if (haystack.includes(entry)) return status;
    }
  }
  const lowered = text.toLowerCase();
  for (const [needle, status] of Object.entries(rules?.textStatuses ?? {})) {
    if (isTrackingStatus(status) && lowered.includes(needle.toLowerCase())) return status;
  }
  return 'unknown';
}

// Derived lookup structures are cached per table object (tables are plain data, loaded once).
const substringCache = new WeakMap<object, Array<readonly [TrackingStatus, string]>>();
const keywordCache = new WeakMap<object, Array<{ regex: RegExp; stage: string; customs: string | null }>>();

/** Substring entries, longest first so "out for delivery" wins over shorter overlapping entries. */
function substringEntries(table: Record<string, string[]>): Array<readonly [TrackingStatus, string]> {
  let entries = substringCache.get(table);
  if (!entries) {
    entries = Object.entries(table)
      .flatMap(([status, list]) => (isTrackingStatus(status) ? list.map((entry) => [status, entry.toLowerCase()] as const) : []))
      .filter(([, entry]) => entry.length > 2)
      .sort((a, b) => b[1].length - a[1].length);
    substringCache.set(table, entries);
  }
  return entries;
}

function keywordRules(rules: TradelaneTrackingRules['keywordStages']) {
  let compiled = keywordCache.get(rules);
  if (!compiled) {
    compiled = rules.map((rule) => ({ regex: new RegExp(rule.pattern, 'i'), stage: rule.stage, customs: rule.customs }));
    keywordCache.set(rules, compiled);
  }
  return compiled;
}

/** Karrio TrackingIncidentReason for exception codes (only consulted for exception-like events). */
export function reasonFor(tables: TrackingTables, carrier: string, codes: Array<string | null | undefined>): string | null {
  const rules = tables.rules.carriers[carrier];
  const connector = rules ? rules.karrioConnector : carrier;
  const reasons = connector ? tables.karrio.connectors[connector]?.TrackingIncidentReason : undefined;
  if (!reasons) return null;
  for (const code of codes) {
    if (!code) continue;
    for (const [reason, list] of Object.entries(reasons)) {
      if (reason !== 'unknown' && list.some((entry) => entry.toLowerCase() === code.toLowerCase())) return reason;
    }
  }
  return null;
}

const EXCEPTION_STATUSES: TrackingStatus[] = ['on_hold', 'delivery_failed', 'delivery_delayed', 'return_to_sender'];
export function isException(status: TrackingStatus): boolean {
  return EXCEPTION_STATUSES.includes(status);
}

export interface StageContext {
  originCountry?: string | null;
  destinationCountry?: string | null;
  eventCountry?: string | null;
}

/** Stage (and customs state) for an event: carrier code table → keyword rules → default by status. */
export function stageFor(
  tables: TrackingTables,
  carrier: string,
  codes: Array<string | null | undefined>,
  text: string,
  status: TrackingStatus,
  context: StageContext = {},
): { stage: TrackingStage | null; customs: CustomsState | null } {
  const rules = tables.rules.carriers[carrier];
  let stage: TrackingStage | null = null;
  let customs: CustomsState | null = null;
  for (const code of codes) {
    if (!code) continue;
    const hit = rules?.codeStages?.[code];
    if (isTrackingStage(hit)) {
      stage = hit;
      const c = rules?.codeCustoms?.[code];
      customs = isCustomsState(c) ? c : null;
      break;
    }
  }
  if (!stage && text.trim()) {
    for (const rule of keywordRules(tables.rules.keywordStages)) {
      if (rule.regex.test(text) && isTrackingStage(rule.stage)) {
        stage = rule.stage;
        customs = isCustomsState(rule.customs) ? rule.customs : null;
        break;
      }
    }
  }
  if (!stage) {
    const fallback = tables.rules.statusDefaultStages[status];
    stage = isTrackingStage(fallback) ? fallback : null;
  }
  if (stage === 'import_customs' && context.eventCountry && context.originCountry && context.eventCountry === context.originCountry && context.originCountry !== context.destinationCountry) {
    stage = 'export_customs';
  }
  return { stage, customs: stage === 'import_customs' || stage === 'export_customs' ? customs : null };
}
