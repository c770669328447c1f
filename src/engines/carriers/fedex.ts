// FedEx Track API (POST /track/v1/trackingnumbers) response.
import type { TrackingMapResult } from './model';
import { buildEvent, type MapOptions } from './event';
import { arr, countryCode, location, obj, optStr, str } from './read';
import type { TrackingTables } from './rules';
import { splitIso } from './time';

function addressCountry(value: unknown): string | null {
  return countryCode(obj(value).countryCode);
}

export function mapFedexTracking(payload: unknown, tables: TrackingTables, options: MapOptions = {}): TrackingMapResult {
  const result: TrackingMapResult = { events: [], shipments: [], failures: [], warnings: [] };
  const output = obj(obj(payload).output);
  arr(output.completeTrackResults).forEach((rawComplete, c) => {
    const complete = obj(rawComplete);
    const requested = str(complete.trackingNumber);
    arr(complete.trackResults).forEach((rawResult, r) => {
      const track = obj(rawResult);
      const info = obj(track.trackingNumberInfo);
      const path = `output.completeTrackResults[${c}].trackResults[${r}]`;
      const trackingNumber = requested || str(info.trackingNumber);
      const scans = arr(track.scanEvents);
      // A result can carry an error *and* data (the sample does): only a result without scans is a failure.
      if (track.error && scans.length === 0) {
        const error = obj(track.error);
        result.failures.push({ trackingNumber, code: str(error.code), message: str(error.message) });
        return;
      }
      if (track.error) result.warnings.push({ path: `${path}.error`, code: str(obj(track.error).code), message: str(obj(track.error).message) });
      if (str(info.trackingNumber) && str(info.trackingNumber) !== requested) {
        result.warnings.push({ path: `${path}.trackingNumberInfo`, code: 'tracking_number_differs', message: `requested ${requested}, result is for ${str(info.trackingNumber)}` });
      }
      const context = {
        originCountry: addressCountry(obj(obj(track.originLocation).locationContactAndAddress).address) ?? addressCountry(obj(track.shipperInformation).address),
        destinationCountry: addressCountry(obj(track.recipientInformation).address) ?? addressCountry(obj(obj(track.destinationLocation).locationContactAndAddress).address),
      };
      const window = obj(obj(track.estimatedDeliveryTimeWindow).window);
      result.shipments.push({ trackingNumber, carrier: 'fedex', ...context, estimatedDelivery: optStr(window.ends) ?? optStr(window.begins) });
      scans.forEach((rawScan, i) => {
        const scan = obj(rawScan);
        const place = obj(scan.scanLocation);
        const { local, offsetMinutes } = splitIso(str(scan.date));
        const delay = obj(scan.delayDetail);
        result.events.push(
          buildEvent(
            tables,
            {
              carrier: 'fedex',
              trackingNumber,
              codes: [str(scan.eventType), str(scan.derivedStatusCode)],
              rawStatusCode: str(scan.eventType),
              description: str(scan.eventDescription),
              extraText: [str(scan.exceptionDescription), str(delay.status)].filter(Boolean).join(' '),
              reasonCodes: [str(scan.exceptionCode), str(delay.type) === 'WEATHER' ? 'WE' : ''],
              time: { local, offsetMinutes },
              location: location({
                code: optStr(scan.locationId),
                codeType: 'carrier_facility',
                city: optStr(place.city),
                region: optStr(place.stateOrProvinceCode),
                postcode: optStr(place.postalCode),
                country: countryCode(place.countryCode),
              }),
              context,
              raw: rawScan,
            },
            options,
            result.warnings,
            `${path}.scanEvents[${i}]`,
          ),
        );
      });
    });
  });
  if (optStr(output.alerts)) result.warnings.push({ path: 'output.alerts', code: 'fedex_alert', message: str(output.alerts) });
  return result;
}
