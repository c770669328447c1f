// DHL Shipment Tracking – Unified (GET https://api-eu.dhl.com/track/shipments).
import type { TrackingMapResult } from './model';
import { buildEvent, type MapOptions } from './event';
import { arr, countryCode, location, obj, optStr, str } from './read';
import type { TrackingTables } from './rules';
import { splitIso } from './time';

function dhlLocation(value: unknown) {
  const address = obj(obj(value).address);
  return location({
    city: optStr(address.addressLocality),
    postcode: optStr(address.postalCode),
    country: countryCode(address.countryCode),
  });
}

/** Map a DHL Unified response; an RFC 7807 problem body (e.g. 404 "No result found") becomes a failure. */
export function mapDhlTracking(payload: unknown, tables: TrackingTables, options: MapOptions = {}, requestedTrackingNumber: string | null = null): TrackingMapResult {
  const result: TrackingMapResult = { events: [], shipments: [], failures: [], warnings: [] };
  const body = obj(payload);
  if (!Array.isArray(body.shipments)) {
    result.failures.push({
      trackingNumber: requestedTrackingNumber ?? (str(body.instance).split('/').pop() || null),
      code: body.status ? `http_${str(body.status)}` : 'no_shipments',
      message: [str(body.title), str(body.detail)].filter(Boolean).join(': ') || 'no shipments in response',
    });
    return result;
  }
  if (optStr(body.nextUrl)) result.warnings.push({ path: 'nextUrl', code: 'more_pages', message: `more events/shipments at ${str(body.nextUrl)}` });
  body.shipments.forEach((rawShipment, s) => {
    const shipment = obj(rawShipment);
    const trackingNumber = str(shipment.id);
    const context = {
      originCountry: countryCode(obj(obj(shipment.origin).address).countryCode),
      destinationCountry: countryCode(obj(obj(shipment.destination).address).countryCode),
    };
    result.shipments.push({ trackingNumber, carrier: 'dhl_universal', ...context, estimatedDelivery: optStr(shipment.estimatedTimeOfDelivery) });
    // No events: fall back to the shipment's current status so the shipment is not empty.
    const events = arr(shipment.events).length ? arr(shipment.events) : shipment.status ? [shipment.status] : [];
    events.forEach((rawEvent, e) => {
      const event = obj(rawEvent);
      const { local, offsetMinutes } = splitIso(str(event.timestamp));
      result.events.push(
        buildEvent(
          tables,
          {
            carrier: 'dhl_universal',
            trackingNumber,
            codes: [str(event.statusCode).toLowerCase()],
            rawStatusCode: str(event.statusCode),
            description: str(event.description),
            extraText: [str(event.status), str(event.remark)].filter(Boolean).join(' '),
            time: { local, offsetMinutes },
            location: dhlLocation(event.location),
            context,
            raw: rawEvent,
          },
          options,
          result.warnings,
          `shipments[${s}].events[${e}]`,
        ),
      );
    });
  });
  return result;
}
