// The public tracking page: tracking number + destination postcode, no account. Shows status,
// timeline and a route picture; never ids, parties, money or raw carrier payloads.
import type { Executor } from '../../kernel/db.ts';
import { notFound } from '../../kernel/errors.ts';
import { predictDelivery } from '../../engines/exceptions/index.ts';
import { factsOf } from './shipments.ts';
import { iso, normalisePostcode } from './state.ts';

export async function publicTracking(tx: Executor, trackingNumber: string, postcode: string) {
  const want = normalisePostcode(postcode);
  const rows = await tx.query(`SELECT * FROM tracking_shipments WHERE tracking_number = $1 ORDER BY id LIMIT 5`, [trackingNumber]);
  const shp = rows.find((r) => want.length > 0 && normalisePostcode(r.destination_postcode) === want);
  if (!shp) throw notFound('Shipment'); // same answer for unknown number and wrong postcode
  const events = await tx.query(`SELECT status, stage, customs, occurred_at, location, description FROM tracking_events WHERE shipment_id = $1 ORDER BY occurred_at NULLS FIRST, received_at`, [shp.id]);
  const gps = await tx.query(`SELECT recorded_at, value FROM tracking_iot_readings WHERE shipment_id = $1 AND kind = 'gps' ORDER BY recorded_at`, [shp.id]);
  const timeline = events.map((e) => ({ at: iso(e.occurred_at), status: e.status, stage: e.stage, customs: e.customs, description: e.description, city: e.location?.city ?? null, country: e.location?.country ?? null }));
  // Route picture: event coordinates and GPS fixes in time order; countries in the order visited.
  const points = [
    ...events.filter((e) => e.location?.lat != null && e.location?.lon != null).map((e) => ({ at: iso(e.occurred_at), lat: e.location.lat, lon: e.location.lon, source: 'scan' })),
    ...gps.map((g) => ({ at: iso(g.recorded_at), lat: g.value.lat, lon: g.value.lon, source: 'gps' })),
  ].sort((a, b) => String(a.at).localeCompare(String(b.at)));
  const countries: string[] = [];
  for (const c of [shp.origin_country, ...events.map((e) => e.location?.country), shp.delivered_at ? shp.destination_country : null]) {
    if (c && countries[countries.length - 1] !== c) countries.push(c);
  }
  return {
    tracking_number: shp.tracking_number, carrier: shp.carrier, status: shp.status, stage: shp.stage, customs: shp.customs,
    origin_country: shp.origin_country, destination_country: shp.destination_country,
    promised_delivery_at: iso(shp.promised_delivery_at), predicted_delivery_at: shp.delivered_at ? null : predictDelivery({ facts: factsOf(shp), state: shp.picked_up_at ? ({ pickedUpAt: iso(shp.picked_up_at) } as any) : null })?.at ?? null,
    delivered_at: iso(shp.delivered_at), last_event_at: iso(shp.last_event_at),
    timeline: timeline.reverse(), route: { points, countries },
  };
}
