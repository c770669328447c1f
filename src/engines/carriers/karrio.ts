// Karrio's unified tracking response (POST /v1/proxy/tracking → TrackingResponse{tracking, messages}).
// Events already carry Karrio's normalised status; we keep it and add stage/time/location.
import type { TrackingMapResult } from './model';
import { buildEvent, type MapOptions } from './event';
import { arr, isObject, location, num, obj, optStr, str } from './read';
import { isTrackingStatus, type TrackingTables } from './rules';
import { splitIso } from './time';

/** Karrio `date` (YYYY-MM-DD) + `time` ("HH:MM AM/PM" or "HH:MM") → wall clock. */
function karrioWallClock(date: string, time: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return null;
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(AM|PM)?$/i.exec(time.trim());
  if (!m) return `${date}T00:00:00`;
  let hour = Number(m[1]);
  if (m[4]) hour = (hour % 12) + (m[4].toUpperCase() === 'PM' ? 12 : 0);
  return `${date}T${String(hour).padStart(2, '0')}:${m[2]}:${m[3] ?? '00'}`;
}

export function mapKarrioTracking(payload: unknown, tables: TrackingTables, options: MapOptions = {}): TrackingMapResult {
  const result: TrackingMapResult = { events: [], shipments: [], failures: [], warnings: [] };
  const body = obj(payload);
  for (const message of arr(body.messages)) {
    const m = obj(message);
    result.failures.push({ trackingNumber: optStr(obj(m.details).tracking_number), code: str(m.code) || 'karrio_message', message: str(m.message) });
  }
  // Accept TrackingResponse {tracking} or a bare TrackingStatus / TrackerDetails.
  const tracking = isObject(body.tracking) ? body.tracking : body.tracking_number !== undefined ? body : null;
  if (!tracking) return result;
  const carrier = str(tracking.carrier_name) || 'karrio';
  const trackingNumber = str(tracking.tracking_number);
  const info = obj(tracking.info);
  const context = { originCountry: optStr(info.shipment_origin_country), destinationCountry: optStr(info.shipment_destination_country) };
  result.shipments.push({ trackingNumber, carrier, ...context, estimatedDelivery: optStr(tracking.estimated_delivery) ?? optStr(info.expected_delivery) });
  arr(tracking.events).forEach((rawEvent, i) => {
    const event = obj(rawEvent);
    const timestamp = optStr(event.timestamp);
    const split = splitIso(timestamp);
    const local = karrioWallClock(str(event.date), str(event.time));
    const status = isTrackingStatus(event.status) ? event.status : undefined;
    result.events.push(
      buildEvent(
        tables,
        {
          carrier,
          trackingNumber,
          codes: [str(event.code)],
          rawStatusCode: str(event.code),
          description: str(event.description),
          presetStatus: status,
          presetReason: optStr(event.reason),
          // No valid normalised status: fall back to the carrier's own code table (when we have one).
          // Karrio's timestamp is ISO with zone when present; date/time are carrier-local.
          time: split.offsetMinutes !== null ? { local: split.local, offsetMinutes: split.offsetMinutes } : { local },
          location: location({ city: optStr(event.location), lat: num(event.latitude), lon: num(event.longitude) }),
          context,
          raw: rawEvent,
        },
        options,
        result.warnings,
        `tracking.events[${i}]`,
      ),
    );
  });
  return result;
}
