// Tracking-event CSV for provider uploads (forwarders, 3PLs, consolidators without an API).
// All-or-nothing like the order import: any row error → no events, each error with its line number.
import { parse } from 'csv-parse/sync';
import type { TrackingEvent, TrackingIssue } from './model';
import { isCustomsState, isTrackingStage, isTrackingStatus, stageFor, statusFor, type TrackingTables } from './rules';
import { location } from './read';
import { parseUtcOffset, resolveTime, splitIso, wallClockMs } from './time';

export const CSV_TRACKING_COLUMNS = {
  required: ['tracking_number', 'carrier', 'event_time', 'description'],
  optional: ['utc_offset', 'status_code', 'status', 'stage', 'customs', 'location_code', 'location_code_type', 'city', 'region', 'postcode', 'country', 'lat', 'lon'],
} as const;

export type CsvTrackingResult = { ok: true; events: TrackingEvent[]; warnings: TrackingIssue[] } | { ok: false; errors: TrackingIssue[]; warnings: TrackingIssue[] };

/**
 * event_time must carry its zone: ISO with Z/±hh:mm, or a naive `YYYY-MM-DD HH:MM[:SS]` plus a
 * `utc_offset` column. Uploads are never read "as if UTC". status/stage/customs, when given, must be
 * vocabulary values; otherwise status comes from the carrier's code table (if we know the carrier)
 * or stays 'unknown', and stage from the keyword rules.
 */
export function parseTrackingCsv(text: string, tables: TrackingTables): CsvTrackingResult {
  const errors: TrackingIssue[] = [];
  const warnings: TrackingIssue[] = [];
  const clean = text.replace(/^\uFEFF/, '');
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(clean, { info: true, relax_column_count: true, skip_empty_lines: false }) as unknown as typeof records;
  } catch (e) {
    return { ok: false, errors: [{ path: 'file', code: 'csv_syntax', message: (e as Error).message }], warnings };
  }
  if (records.length === 0) return { ok: false, errors: [{ path: 'file', code: 'empty', message: 'no header row', line: 1 }], warnings };
  const header = records[0]!.record.map((h) => h.trim().toLowerCase().replace(/[\s-]+/g, '_'));
  const missing = CSV_TRACKING_COLUMNS.required.filter((c) => !header.includes(c));
  if (missing.length) return { ok: false, errors: [{ path: 'header', code: 'missing_columns', message: `missing required columns: ${missing.join(', ')}`, line: 1 }], warnings };

  const events: TrackingEvent[] = [];
  for (let i = 1; i < records.length; i++) {
    const line = records[i - 1]!.info.lines + 1;
    const cells = records[i]!.record;
    if (cells.every((c) => c.trim() === '')) continue;
    const fail = (column: string, code: string, message: string) => errors.push({ path: `row ${line}.${column}`, code, message, line });
    if (cells.length !== header.length) {
      fail('*', 'column_count', `expected ${header.length} columns, found ${cells.length}`);
      continue;
    }
    const v: Record<string, string> = {};
    header.forEach((h, j) => (v[h] = cells[j]!.trim()));
    for (const col of CSV_TRACKING_COLUMNS.required) if (!v[col]) fail(col, 'required', `${col} is empty`);

    const split = splitIso(v.event_time?.replace(' ', 'T'));
    const offsetColumn = v.utc_offset ? parseUtcOffset(v.utc_offset) : null;
    if (v.utc_offset && offsetColumn === null) fail('utc_offset', 'bad_offset', `"${v.utc_offset}" is not ±hh:mm`);
    if (v.event_time && (!split.local || wallClockMs(split.local) === null)) fail('event_time', 'bad_time', `"${v.event_time}" is not an ISO date-time`);
    else if (v.event_time && split.offsetMinutes === null && offsetColumn === null) fail('event_time', 'no_zone', 'event_time has no zone and there is no utc_offset');
    const time = resolveTime({ local: split.local, offsetMinutes: split.offsetMinutes ?? offsetColumn });

    if (v.status && !isTrackingStatus(v.status)) fail('status', 'bad_status', `"${v.status}" is not a tracking status`);
    if (v.stage && !isTrackingStage(v.stage)) fail('stage', 'bad_stage', `"${v.stage}" is not a tracking stage`);
    if (v.customs && !isCustomsState(v.customs)) fail('customs', 'bad_customs', `"${v.customs}" is not inspection|held|released`);
    const country = v.country ? v.country.toUpperCase() : null;
    if (country && !/^[A-Z]{2}$/.test(country)) fail('country', 'bad_country', `"${v.country}" is not an ISO alpha-2 code`);
    const lat = v.lat ? Number(v.lat) : null;
    const lon = v.lon ? Number(v.lon) : null;
    if (lat !== null && !(Number.isFinite(lat) && Math.abs(lat) <= 90)) fail('lat', 'bad_coordinate', `latitude "${v.lat}" out of range`);
    if (lon !== null && !(Number.isFinite(lon) && Math.abs(lon) <= 180)) fail('lon', 'bad_coordinate', `longitude "${v.lon}" out of range`);
    const codeType = v.location_code_type || null;
    if (codeType && !['iata', 'unlocode', 'carrier_facility'].includes(codeType)) fail('location_code_type', 'bad_code_type', `"${codeType}" is not iata|unlocode|carrier_facility`);
    if (errors.length) continue; // keep validating other rows, build nothing

    const carrier = v.carrier!.toLowerCase();
    const status = isTrackingStatus(v.status) ? v.status : statusFor(tables, carrier, [v.status_code], v.description);
    const inferred = stageFor(tables, carrier, [v.status_code], v.description!, status, { eventCountry: country });
    events.push({
      trackingNumber: v.tracking_number!,
      carrier,
      status,
      stage: isTrackingStage(v.stage) ? v.stage : inferred.stage,
      customs: isCustomsState(v.customs) ? v.customs : inferred.customs,
      reason: null,
      ...time,
      location: location({
        code: v.location_code || null,
        codeType: (codeType as 'iata' | 'unlocode' | 'carrier_facility' | null) ?? (v.location_code && /^[A-Z]{2}[A-Z2-9]{3}$/.test(v.location_code) ? 'unlocode' : null),
        city: v.city || null,
        region: v.region || null,
        postcode: v.postcode || null,
        country,
        lat,
        lon,
      }),
      description: v.description!,
      rawStatusCode: v.status_code ?? '',
      raw: { line, ...v },
    });
  }
  return errors.length ? { ok: false, errors, warnings } : { ok: true, events, warnings };
}
