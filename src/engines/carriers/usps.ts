// USPS Tracking API v3 (GET https://apis.usps.com/tracking/v3/tracking/{n}?expand=DETAIL|SUMMARY).
import type { TrackingMapResult } from './model';
import { buildEvent, type MapOptions } from './event';
import { arr, countryCode, isObject, location, obj, optStr, str } from './read';
import type { TrackingTables } from './rules';
import { parseUtcOffset, splitIso } from './time';

/**
 * USPS `eventTimestamp` is carrier-local wall-clock time. The official v3 example even suffixes it
 * with "Z" ("2023-08-02T07:31:00Z") while its statusSummary says "7:31 am … in RICHMOND, VA", so the
 * suffix is ignored. `GMTTimestamp` + `GMTOffset`, when present, are the real UTC instant.
 */
function mapDetail(payload: unknown, tables: TrackingTables, options: MapOptions, result: TrackingMapResult, path: string): void {
  const body = obj(payload);
  const trackingNumber = str(body.trackingNumber);
  const domestic = !optStr(body.destinationCountryCode) || str(body.destinationCountryCode) === 'US';
  const context = { originCountry: countryCode(body.originCountry) ?? 'US', destinationCountry: domestic ? 'US' : countryCode(body.destinationCountryCode) };
  result.shipments.push({ trackingNumber, carrier: 'usps', ...context, estimatedDelivery: optStr(body.expectedDeliveryTimeStamp) ?? optStr(body.predictedDeliveryTimeStamp) });
  arr(body.trackingEvents).forEach((rawEvent, i) => {
    const event = obj(rawEvent);
    const { local } = splitIso(str(event.eventTimestamp));
    const offsetMinutes = parseUtcOffset(optStr(event.GMTOffset));
    if (optStr(event.GMTOffset) && offsetMinutes === null) result.warnings.push({ path: `${path}.trackingEvents[${i}].GMTOffset`, code: 'bad_offset', message: `cannot read offset "${str(event.GMTOffset)}"` });
    result.events.push(
      buildEvent(
        tables,
        {
          carrier: 'usps',
          trackingNumber,
          codes: [str(event.eventCode)],
          rawStatusCode: str(event.eventCode),
          description: str(event.eventType),
          time: { local, offsetMinutes, utcIso: optStr(event.GMTTimestamp) },
          location: location({
            city: optStr(event.eventCity),
            region: optStr(event.eventState),
            postcode: optStr(event.eventZIP),
            country: countryCode(event.eventCountry) ?? (optStr(event.eventState) ? 'US' : null),
          }),
          context,
          raw: rawEvent,
        },
        options,
        result.warnings,
        `${path}.trackingEvents[${i}]`,
      ),
    );
  });
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/**
 * The summary form only has a sentence: "USPS is now in possession of your item as of 7:31 am on
 * February 15, 2023 in RICHMOND, VA 23227." One event is read from it (time local, no zone).
 */
function mapSummary(trackInfo: Record<string, unknown>, tables: TrackingTables, options: MapOptions, result: TrackingMapResult): void {
  const trackingNumber = str(trackInfo['@ID']);
  const summary = str(trackInfo.TrackSummary);
  const m = /(\d{1,2}):(\d{2})\s*(am|pm)\s+on\s+([A-Za-z]+)\s+(\d{1,2}),\s*(\d{4})(?:\s+in\s+(.+?),\s*([A-Z]{2})\s*(\d{5}(?:-\d{4})?)?)?\.?\s*$/i.exec(summary);
  let local: string | null = null;
  let city: string | null = null;
  let region: string | null = null;
  let postcode: string | null = null;
  if (m) {
    const month = MONTHS.indexOf(m[4]!.toLowerCase()) + 1;
    let hour = Number(m[1]) % 12;
    if (m[3]!.toLowerCase() === 'pm') hour += 12;
    if (month > 0) local = `${m[6]}-${String(month).padStart(2, '0')}-${m[5]!.padStart(2, '0')}T${String(hour).padStart(2, '0')}:${m[2]}:00`;
    city = m[7]?.trim() ?? null;
    region = m[8] ?? null;
    postcode = m[9] ?? null;
  } else {
    result.warnings.push({ path: 'TrackResults.TrackInfo.TrackSummary', code: 'summary_unparsed', message: `cannot read time/place from "${summary}"` });
  }
  result.shipments.push({ trackingNumber, carrier: 'usps', originCountry: 'US', destinationCountry: null, estimatedDelivery: null });
  result.events.push(
    buildEvent(
      tables,
      {
        carrier: 'usps',
        trackingNumber,
        codes: [],
        rawStatusCode: '',
        description: summary,
        time: { local },
        location: location({ city, region, postcode, country: region ? 'US' : null }),
        raw: trackInfo,
      },
      options,
      result.warnings,
      'TrackResults.TrackInfo',
    ),
  );
}

/** Accepts a detail response, an array of them, or the summary (`TrackResults.TrackInfo`) form. */
export function mapUspsTracking(payload: unknown, tables: TrackingTables, options: MapOptions = {}): TrackingMapResult {
  const result: TrackingMapResult = { events: [], shipments: [], failures: [], warnings: [] };
  const items = Array.isArray(payload) ? payload : [payload];
  items.forEach((item, i) => {
    const body = obj(item);
    const path = Array.isArray(payload) ? `[${i}]` : '';
    if (isObject(body.TrackResults)) {
      for (const info of arr(obj(body.TrackResults).TrackInfo).length ? arr(obj(body.TrackResults).TrackInfo) : [obj(body.TrackResults).TrackInfo]) {
        mapSummary(obj(info), tables, options, result);
      }
    } else if (body.trackingNumber !== undefined) {
      mapDetail(body, tables, options, result, path);
    } else {
      result.failures.push({ trackingNumber: null, code: 'unrecognised', message: `item ${i} is neither a v3 detail nor a summary response` });
    }
  });
  return result;
}
