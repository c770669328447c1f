// Shipments: keyed by carrier + tracking number, linked to booking/order/lane, shared with the
// parties (carrier, warehouse, broker, buyer organisation) through record grants.
import type { Services } from '../../http/services.ts';
import { recordAudit } from '../../kernel/audit.ts';
import type { AuthContext } from '../../kernel/context.ts';
import type { Executor } from '../../kernel/db.ts';
import { badRequest, conflict, forbidden, notFound } from '../../kernel/errors.ts';
import { emit } from '../../kernel/events.ts';
import { assertAccess, shareRecord, visibleToSql } from '../../kernel/grants.ts';
import { newId } from '../../kernel/ids.ts';
import { toPage } from '../../kernel/pagination.ts';
import { getBooking, listLanes } from './deps.ts';
import { predictDelivery, type HandlingLimits, type ShipmentFacts, type TransitProfile } from '../../engines/exceptions/index.ts';
import { iso, isoDay } from './state.ts';

export interface ShipmentInput {
  carrier?: string;
  tracking_number?: string;
  booking_id?: string;
  order_id?: string;
  lane_id?: string;
  carrier_org_id?: string;
  warehouse_org_id?: string;
  broker_org_id?: string;
  buyer_org_id?: string;
  buyer_email?: string;
  seller_email?: string;
  origin_country?: string;
  destination_country?: string;
  destination_postcode?: string;
  ship_date?: string;
  promised_delivery_date?: string;
  freight_minor?: number;
  freight_currency?: string;
  handling?: HandlingLimits;
  mode?: string;
  transit?: TransitProfile;
}

export function publicShipment(r: any) {
  return {
    id: r.id, org_id: r.org_id, carrier: r.carrier, tracking_number: r.tracking_number,
    parties: { seller_org_id: r.org_id, carrier_org_id: r.carrier_org_id, warehouse_org_id: r.warehouse_org_id, broker_org_id: r.broker_org_id, buyer_org_id: r.buyer_org_id },
    booking_id: r.booking_id, order_id: r.order_id, lane_id: r.lane_id, mode: r.mode, lane_transit: r.lane_transit,
    origin_country: r.origin_country, destination_country: r.destination_country, destination_postcode: r.destination_postcode,
    ship_date: isoDay(r.ship_date), promised_delivery_at: iso(r.promised_delivery_at), estimated_delivery_at: iso(r.estimated_delivery_at),
    freight: r.freight_minor === null ? null : { amount: Number(r.freight_minor), currency: r.freight_currency },
    handling: r.handling, force_majeure: r.force_majeure, force_majeure_note: r.force_majeure_note,
    status: r.status, stage: r.stage, customs: r.customs, picked_up_at: iso(r.picked_up_at), delivered_at: iso(r.delivered_at),
    first_event_at: iso(r.first_event_at), last_event_at: iso(r.last_event_at), event_count: r.event_count,
    port_dwell_hours: r.port_dwell_hours === null ? null : Number(r.port_dwell_hours),
    predicted_delivery_at: predictDelivery({ facts: factsOf(r), state: r.picked_up_at ? ({ pickedUpAt: iso(r.picked_up_at) } as any) : null })?.at ?? null,
    created_at: r.created_at, updated_at: r.updated_at,
  };
}

/** The exception engine's view of a shipment row. */
export function factsOf(r: any): ShipmentFacts {
  return {
    originCountry: r.origin_country, destinationCountry: r.destination_country, promisedDeliveryAt: iso(r.promised_delivery_at),
    estimatedDeliveryAt: iso(r.estimated_delivery_at), shipDate: isoDay(r.ship_date), mode: r.mode, laneTransit: r.lane_transit ?? null, handling: r.handling ?? null,
  };
}

/** End of the promised day in UTC: a promise of "the 5th" is kept by any delivery on the 5th. */
const endOfDay = (day: string) => `${day}T23:59:59.999Z`;

/**
 * Create a shipment owned by the caller (the seller). With `booking_id` the booking fills lane,
 * carrier organisation, tracking number, ship date, freight and destination.
 */
export async function createShipment(tx: Executor, ctx: AuthContext, input: ShipmentInput) {
  const v: Record<string, any> = { ...input };
  let parcels: unknown[] = [];
  let declared: unknown = null;
  if (input.booking_id) {
    const b = await getBooking(tx, ctx, input.booking_id);
    if (b.org_id !== ctx.orgId) throw forbidden('Only the seller of the booking tracks it as a shipment');
    if (!b.tracking_number && !input.tracking_number) throw badRequest('The booking has no tracking number yet (the carrier has not accepted it)', 'booking_id');
    const shipment = b.shipment as any;
    const quote = b.quote as any;
    v.tracking_number ??= b.tracking_number;
    v.carrier ??= b.adapter;
    v.lane_id ??= b.lane_id;
    v.carrier_org_id ??= b.carrier_org_id;
    v.order_id ??= b.order_refs?.length === 1 ? b.order_refs[0] : undefined;
    v.origin_country ??= shipment?.shipper?.country;
    v.destination_country ??= shipment?.consignee?.country;
    v.destination_postcode ??= shipment?.consignee?.postcode;
    v.ship_date ??= b.ship_date;
    v.promised_delivery_date ??= quote?.transit?.typical;
    v.freight_minor ??= quote?.price?.totalMinor;
    v.freight_currency ??= quote?.price?.currency;
    v.mode ??= shipment?.service?.mode ?? quote?.mode;
    parcels = (shipment?.parcels ?? []).map((p: any) => ({ weightGrams: p.weightGrams, lengthCm: p.lengthCm, widthCm: p.widthCm, heightCm: p.heightCm }));
    declared = shipment?.declaredValue ?? null;
  }
  if (!v.carrier || !v.tracking_number) throw badRequest('carrier and tracking_number are required (or a booking_id with a tracking number)', 'tracking_number');
  if (v.lane_id && (!v.transit || !v.mode)) {
    const lane = (await listLanes(tx, ctx)).find((l) => l.id === v.lane_id);
    if (lane) {
      v.transit ??= { minDays: lane.lane.transit.minDays, typicalDays: lane.lane.transit.typicalDays, maxDays: lane.lane.transit.maxDays };
      v.mode ??= lane.lane.mode;
      v.carrier_org_id ??= lane.provider_org_id;
    }
  }
  if ((v.freight_minor === undefined) !== (v.freight_currency === undefined)) throw badRequest('freight_minor and freight_currency go together', 'freight_currency');
  const dup = await tx.maybeOne(`SELECT id, org_id FROM tracking_shipments WHERE carrier = $1 AND tracking_number = $2`, [v.carrier, v.tracking_number]);
  if (dup) throw conflict(dup.org_id === ctx.orgId ? `Shipment ${v.carrier} ${v.tracking_number} is already tracked (${dup.id})` : `Tracking number ${v.tracking_number} of ${v.carrier} is already tracked`, dup.org_id === ctx.orgId ? { shipment_id: dup.id } : {});
  const id = newId('shp');
  const row = await tx.one(
    `INSERT INTO tracking_shipments (id, org_id, carrier, tracking_number, carrier_org_id, warehouse_org_id, broker_org_id, buyer_org_id, buyer_email, seller_email,
       booking_id, order_id, lane_id, mode, lane_transit, origin_country, destination_country, destination_postcode, ship_date, promised_delivery_at,
       freight_minor, freight_currency, parcels, declared_value, handling)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25) RETURNING *`,
    [id, ctx.orgId, v.carrier, v.tracking_number, v.carrier_org_id ?? null, v.warehouse_org_id ?? null, v.broker_org_id ?? null, v.buyer_org_id ?? null,
      v.buyer_email ?? null, v.seller_email ?? null, v.booking_id ?? null, v.order_id ?? null, v.lane_id ?? null, v.mode ?? null,
      v.transit ? JSON.stringify(v.transit) : null, v.origin_country ?? null, v.destination_country ?? null, v.destination_postcode ?? null, v.ship_date ?? null,
      v.promised_delivery_date ? endOfDay(v.promised_delivery_date) : null, v.freight_minor ?? null, v.freight_currency ?? null, JSON.stringify(parcels),
      declared ? JSON.stringify(declared) : null, v.handling ? JSON.stringify(v.handling) : null],
  );
  // Parties: the carrier (and warehouse, broker) post scans, so they get write; the buyer reads.
  const parties: [string | undefined, 'read' | 'write', string][] = [
    [v.carrier_org_id, 'write', 'carrier of the shipment'], [v.warehouse_org_id, 'write', 'receiving warehouse'],
    [v.broker_org_id, 'write', 'customs broker'], [v.buyer_org_id, 'read', 'buyer'],
  ];
  for (const [org, level, reason] of parties) {
    if (org && org !== ctx.orgId) await shareRecord(tx, ctx.orgId, { granteeOrgId: org, entityType: 'shipment', entityId: id, permissions: level === 'write' ? ['read', 'write'] : ['read'], reason, createdBy: ctx.userId });
  }
  await recordAudit(tx, ctx, { action: 'tracking.shipment.create', entityType: 'shipment', entityId: id, after: { carrier: v.carrier, tracking_number: v.tracking_number, booking_id: v.booking_id ?? null, lane_id: v.lane_id ?? null } });
  await emit(tx, ctx, { type: 'tracking.shipment.created', entityType: 'shipment', entityId: id, orgId: ctx.orgId, audience: audienceOf(row), payload: { carrier: v.carrier, tracking_number: v.tracking_number, booking_id: v.booking_id ?? null, order_id: v.order_id ?? null } });
  return publicShipment(row);
}

export const audienceOf = (r: any) => [r.carrier_org_id, r.warehouse_org_id, r.broker_org_id, r.buyer_org_id].filter((o) => o && o !== r.org_id) as string[];

export async function loadShipment(tx: Executor, ctx: AuthContext, id: string, level: 'read' | 'write' = 'read') {
  const r = await tx.maybeOne(`SELECT * FROM tracking_shipments WHERE id = $1`, [id]);
  await assertAccess(tx, ctx, r ? { entityType: 'shipment', entityId: id, ownerOrgId: r.org_id } : undefined, 'Shipment', id, level);
  return r!;
}

export async function getShipment(tx: Executor, ctx: AuthContext, id: string) {
  const r = await loadShipment(tx, ctx, id);
  const events = await tx.query(
    `SELECT id, status, stage, customs, reason, occurred_at, local_time, utc_offset, time_basis, location, description, raw_status_code, raw, source, received_at
       FROM tracking_events WHERE shipment_id = $1 ORDER BY occurred_at NULLS FIRST, received_at`, [id]);
  const exceptions = await tx.query(`SELECT id, rule, severity, title, status, since, opened_at FROM tracking_exceptions WHERE shipment_id = $1 ORDER BY opened_at`, [id]);
  return { ...publicShipment(r), events: events.map((e) => ({ ...e, occurred_at: iso(e.occurred_at) })), exceptions };
}

export async function listShipments(tx: Executor, ctx: AuthContext, q: { limit: number; cursor?: string; status?: string; carrier?: string; tracking_number?: string; role?: 'owner' | 'party'; has_exception?: boolean }) {
  const where = [q.role === 'owner' ? 's.org_id = $1' : q.role === 'party' ? `s.org_id <> $1 AND ${visibleToSql('s', 'shipment', '$1')}` : visibleToSql('s', 'shipment', '$1')];
  const params: unknown[] = [ctx.orgId];
  const add = (sql: string, v: unknown) => { params.push(v); where.push(sql.replace('?', `$${params.length}`)); };
  if (q.status) add('s.status = ?', q.status);
  if (q.carrier) add('s.carrier = ?', q.carrier);
  if (q.tracking_number) add('s.tracking_number = ?', q.tracking_number);
  if (q.cursor) add('s.id < ?', q.cursor);
  if (q.has_exception) where.push(`EXISTS (SELECT 1 FROM tracking_exceptions e WHERE e.shipment_id = s.id AND e.status IN ('open','acknowledged'))`);
  const rows = await tx.query(`SELECT s.* FROM tracking_shipments s WHERE ${where.join(' AND ')} ORDER BY s.id DESC LIMIT ${q.limit + 1}`, params);
  return toPage(rows.map(publicShipment), q.limit, (r) => r.id);
}

/** Operator: flag (or clear) force majeure; the SLA evaluation then applies the contract's exclusion. */
export async function setForceMajeure(tx: Executor, ctx: AuthContext, id: string, flag: boolean, note?: string) {
  if (ctx.orgKind !== 'operator') throw notFound('Shipment', id);
  const r = await tx.maybeOne(`SELECT * FROM tracking_shipments WHERE id = $1 FOR UPDATE`, [id]);
  if (!r) throw notFound('Shipment', id);
  const row = await tx.one(`UPDATE tracking_shipments SET force_majeure = $2, force_majeure_note = $3, updated_at = now() WHERE id = $1 RETURNING *`, [id, flag, flag ? note ?? null : null]);
  await recordAudit(tx, ctx, { action: 'tracking.shipment.force_majeure', entityType: 'shipment', entityId: id, orgId: r.org_id, before: { force_majeure: r.force_majeure }, after: { force_majeure: flag, note: note ?? null } });
  await emit(tx, ctx, { type: 'tracking.shipment.force_majeure', entityType: 'shipment', entityId: id, orgId: r.org_id, audience: audienceOf(r), payload: { force_majeure: flag, note: note ?? null } });
  return publicShipment(row);
}

/** The booking was accepted with a tracking number: start tracking it for the seller (subscriber). */
export async function shipmentFromBooking(tx: Executor, s: Services, sellerCtx: AuthContext, bookingId: string) {
  const existing = await tx.maybeOne(`SELECT id FROM tracking_shipments WHERE booking_id = $1`, [bookingId]);
  if (existing) return null;
  return createShipment(tx, sellerCtx, { booking_id: bookingId });
}
