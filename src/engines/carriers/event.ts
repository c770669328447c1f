// Shared construction of a TrackingEvent from the pieces each carrier mapper extracts.
import type { TrackingEvent, TrackingIssue, TrackingLocation, TrackingStatus } from './model';
import { isException, reasonFor, stageFor, statusFor, type StageContext, type TrackingTables } from './rules';
import { resolveTime, type ZoneResolver } from './time';

export interface MapOptions {
  /** Resolves an IANA zone for local-only carrier times (e.g. UPS date/time without gmt fields). */
  zoneForLocation?: ZoneResolver;
}

export interface EventParts {
  carrier: string;
  trackingNumber: string;
  /** Status codes, most specific first. */
  codes: Array<string | null | undefined>;
  rawStatusCode: string;
  description: string;
  /** Extra text for keyword rules (remarks, exception descriptions). */
  extraText?: string;
  /** Already-normalised status (Karrio responses); skips code lookup when valid. */
  presetStatus?: TrackingStatus;
  presetReason?: string | null;
  reasonCodes?: Array<string | null | undefined>;
  time: { local?: string | null; offsetMinutes?: number | null; utcIso?: string | null };
  location: TrackingLocation;
  context?: StageContext;
  raw: unknown;
}

export function buildEvent(tables: TrackingTables, parts: EventParts, options: MapOptions, warnings: TrackingIssue[], path: string): TrackingEvent {
  const text = [parts.description, parts.extraText].filter(Boolean).join(' | ');
  const status = parts.presetStatus ?? statusFor(tables, parts.carrier, parts.codes, text);
  if (status === 'unknown') warnings.push({ path, code: 'unmapped_status', message: `no status for code "${parts.rawStatusCode}" / "${parts.description}"` });
  const { stage, customs } = stageFor(tables, parts.carrier, parts.codes, text, status, { ...parts.context, eventCountry: parts.location.country });
  const zone = parts.time.utcIso || parts.time.offsetMinutes != null ? undefined : options.zoneForLocation?.(parts.location);
  const time = resolveTime({ ...parts.time, zone });
  if (time.timeBasis === 'assumed_utc') warnings.push({ path, code: 'time_zone_unknown', message: `local time ${time.localTime} has no offset and no zone; read as UTC` });
  if (!time.occurredAt) warnings.push({ path, code: 'no_time', message: 'event has no usable timestamp' });
  const reason =
    parts.presetReason !== undefined
      ? parts.presetReason
      : isException(status) || (parts.reasonCodes ?? []).some(Boolean)
        ? reasonFor(tables, parts.carrier, [...(parts.reasonCodes ?? []), ...(isException(status) ? parts.codes : [])])
        : null;
  return {
    trackingNumber: parts.trackingNumber,
    carrier: parts.carrier,
    status,
    stage,
    customs,
    reason,
    occurredAt: time.occurredAt,
    localTime: time.localTime,
    utcOffset: time.utcOffset,
    timeBasis: time.timeBasis,
    location: parts.location,
    description: parts.description,
    rawStatusCode: parts.rawStatusCode,
    raw: parts.raw,
  };
}
