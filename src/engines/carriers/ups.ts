// UPS Track API (GET /track/v1/details/{inquiryNumber}) and UPS Track Alert webhook events.
import type { TrackingMapResult } from './model';
import { buildEvent, type MapOptions } from './event';
import { arr, countryCode, location, obj, optStr, str } from './read';
import type { TrackingTables } from './rules';
import { compactDateTime, parseUtcOffset } from './time';

function gmtIso(date: unknown, time: unknown): string | null {
  const wall = compactDateTime(str(date), str(time));
  return wall ? `${wall}Z` : null;
}

export function mapUpsTracking(payload: unknown, tables: TrackingTables, options: MapOptions = {}): TrackingMapResult {
  const result: TrackingMapResult = { events: [], shipments: [], failures: [], warnings: [] };
  const shipments = arr(obj(obj(payload).trackResponse).shipment);
  if (shipments.length === 0) result.failures.push({ trackingNumber: null, code: 'no_shipments', message: 'trackResponse.shipment is empty or missing' });
  shipments.forEach((rawShipment, s) => {
    const shipment = obj(rawShipment);
    for (const w of arr(shipment.warnings)) {
      result.warnings.push({ path: `shipment[${s}].warnings`, code: `ups_${str(obj(w).code)}`, message: str(obj(w).message) });
    }
    arr(shipment.package).forEach((rawPackage, p) => {
      const pkg = obj(rawPackage);
      const trackingNumber = str(pkg.trackingNumber) || str(shipment.inquiryNumber);
      // Official schema: packageAddress.type is ORIGIN / DESTINATION. Other values (the Karrio sample's "01",
      // whose address is the delivery town) are undocumented and not guessed at.
      const destination = arr(pkg.packageAddress).map(obj).find((a) => str(a.type).toUpperCase() === 'DESTINATION') ?? null;
      const origin = arr(pkg.packageAddress).map(obj).find((a) => str(a.type).toUpperCase() === 'ORIGIN') ?? null;
      const context = {
        originCountry: countryCode(obj(origin?.address).countryCode),
        destinationCountry: countryCode(obj(destination?.address).countryCode),
      };
      const estimated = arr(pkg.deliveryDate).map(obj).find((d) => str(d.type) === 'SDD' || str(d.type) === 'RDD');
      result.shipments.push({
        trackingNumber,
        carrier: 'ups',
        ...context,
        estimatedDelivery: estimated ? (compactDateTime(str(estimated.date), '000000')?.slice(0, 10) ?? null) : null,
      });
      arr(pkg.activity).forEach((rawActivity, a) => {
        const activity = obj(rawActivity);
        const status = obj(activity.status);
        const address = obj(obj(activity.location).address);
        const offset = parseUtcOffset(optStr(activity.gmtOffset));
        result.events.push(
          buildEvent(
            tables,
            {
              carrier: 'ups',
              trackingNumber,
              codes: [str(status.code), str(status.type)],
              rawStatusCode: [str(status.type), str(status.code)].filter(Boolean).join('/'),
              description: str(status.description).trim(),
              extraText: str(status.simplifiedTextDescription).trim(),
              time: { local: compactDateTime(str(activity.date), str(activity.time)), offsetMinutes: offset, utcIso: gmtIso(activity.gmtDate, activity.gmtTime) },
              location: location({
                // SLIC is UPS's own facility number.
                code: optStr(obj(activity.location).slic),
                codeType: 'carrier_facility',
                city: optStr(address.city),
                region: optStr(address.stateProvince),
                postcode: optStr(address.postalCode),
                country: countryCode(address.countryCode ?? address.country),
              }),
              context,
              raw: rawActivity,
            },
            options,
            result.warnings,
            `shipment[${s}].package[${p}].activity[${a}]`,
          ),
        );
      });
    });
  });
  return result;
}

/** One UPS Track Alert push (TrackingEventRequest): local + GMT activity date/time, gmtOffset as "-04.00". */
export function mapUpsTrackAlertEvent(payload: unknown, tables: TrackingTables, options: MapOptions = {}): TrackingMapResult {
  const result: TrackingMapResult = { events: [], shipments: [], failures: [], warnings: [] };
  const body = obj(payload);
  const trackingNumber = str(body.trackingNumber);
  const status = obj(body.activityStatus);
  if (!trackingNumber || !status.type) {
    result.failures.push({ trackingNumber: trackingNumber || null, code: 'invalid_event', message: 'trackingNumber and activityStatus are required' });
    return result;
  }
  const place = obj(body.activityLocation);
  result.events.push(
    buildEvent(
      tables,
      {
        carrier: 'ups',
        trackingNumber,
        codes: [str(status.code), str(status.type)],
        rawStatusCode: [str(status.type), str(status.code)].filter(Boolean).join('/'),
        description: str(status.description).trim(),
        time: {
          local: compactDateTime(str(body.localActivityDate), str(body.localActivityTime)),
          offsetMinutes: parseUtcOffset(optStr(body.gmtOffset)),
          utcIso: gmtIso(body.gmtActivityDate, body.gmtActivityTime),
        },
        location: location({ city: optStr(place.city), region: optStr(place.stateProvince), postcode: optStr(place.postalCode), country: countryCode(place.country) }),
        raw: payload,
      },
      options,
      result.warnings,
      'trackAlert',
    ),
  );
  return result;
}
