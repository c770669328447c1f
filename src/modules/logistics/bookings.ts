import { screeningGate } from '../screening/index.ts';
// Bookings (a seller books a shipment on a lane; the carrier sees it through a record grant and
// accepts or rejects it), shipping documents, consolidation into a master shipment, and
// one-click ship (address → compliance → routing → booking → documents, with a per-step report).
import { createHash } from 'node:crypto';
import { recordAudit } from '../../kernel/audit.ts';
import type { AuthContext } from '../../kernel/context.ts';
import type { Executor } from '../../kernel/db.ts';
import { AppError, badRequest, forbidden, illegalTransition, notFound, unprocessable } from '../../kernel/errors.ts';
import { emit } from '../../kernel/events.ts';
import { assertAccess, shareRecord, visibleToSql } from '../../kernel/grants.ts';
import { newId } from '../../kernel/ids.ts';
import { toPage } from '../../kernel/pagination.ts';
import { isExclusion, packParcel, quoteLane, type Candidate, type Parcel } from '../../engines/routing/index.ts';
import { validateAddress, type PostcodeTable } from '../../engines/channels/index.ts';
import { loadPostcodeTable } from '../../engines/channels/load.ts';
import { carrierAdapter, type UnifiedShipment } from './carriers.ts';
import { commercialInvoicePdf, labelPdf, packingListPdf, type DocumentInput } from './documents.ts';
import { productsOf, toEngineFx, type AddressInput, type FxInput, type OrderInput, type WarehouseInput } from './inputs.ts';
import { capacityUsage, publicLane, toEngineLane } from './lanes.ts';
import { routeAndStore, today, type RoutingOptions } from './routing.ts';

const day = (d: unknown) => String(d instanceof Date ? d.toISOString() : d).slice(0, 10);

export function publicBooking(r: any) {
  return {
    id: r.id, org_id: r.org_id, carrier_org_id: r.carrier_org_id, lane_id: r.lane_id, lane_version: r.lane_version, order_refs: r.order_refs, decision_id: r.decision_id,
    consolidation_id: r.consolidation_id, status: r.status, adapter: r.adapter, shipment: r.shipment, quote: r.quote, ship_date: day(r.ship_date),
    chargeable_grams: r.chargeable_grams, parcels: r.parcels, tracking_number: r.tracking_number, carrier_reference: r.carrier_reference,
    reject_reason: r.reject_reason, decided_at: r.decided_at, created_at: r.created_at, updated_at: r.updated_at,
  };
}

export interface BookingInput {
  lane_id: string;
  orders: OrderInput[];
  shipper: AddressInput;
  /** The warehouse the goods leave from (lanes may collect only from named warehouses). */
  from_warehouse_id?: string;
  /** Deliver to this address instead of the (single) order's consignee — a hub or warehouse. */
  deliver_to?: AddressInput;
  parcels?: UnifiedShipment['parcels'];
  decision_id?: string;
  consolidation_id?: string;
  date?: string;
  fx?: FxInput;
}

/** One parcel per order, packed by the routing engine's packer (largest footprint, height from volume). */
function parcelsFor(orders: OrderInput[]): UnifiedShipment['parcels'] {
  const products = productsOf(orders);
  return orders.map((o) => {
    const p = packParcel(o.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })), products);
    return { weightGrams: p.weightGrams, lengthCm: p.lengthCm, widthCm: p.widthCm, heightCm: p.heightCm, orderRefs: [o.ref] };
  });
}

/** Book a shipment on a published lane: priced on that lane now, shared with the lane's carrier. */
export async function createBooking(tx: Executor, ctx: AuthContext, input: BookingInput) {
  if (input.orders.length > 1 && !input.deliver_to) throw badRequest('Several orders in one booking need deliver_to (a consolidation hub)', 'deliver_to');
  const currencies = new Set(input.orders.map((o) => o.currency));
  if (currencies.size > 1) throw badRequest('All orders of a booking must declare values in one currency', 'orders');
  const laneRow = await tx.maybeOne(`SELECT * FROM logistics_lanes WHERE id = $1 AND status = 'published'`, [input.lane_id]);
  if (!laneRow) throw notFound('Lane', input.lane_id);
  const lane = toEngineLane(publicLane(laneRow));
  const date = input.date ?? today();
  const consignee = input.deliver_to ?? input.orders[0]!.consignee;
  // denied-party screening before booking: every order's consignee (a hit refuses the booking)
  for (const o of input.orders) {
    await screeningGate(tx, ctx, { what: 'Booking refused', name: o.consignee.company || o.consignee.name, countries: o.consignee.country ? [o.consignee.country] : [], role: 'consignee', reference: `booking:${o.ref}` });
  }
  const parcels = input.parcels ?? parcelsFor(input.orders);
  const declared = input.orders.reduce((t, o) => t + o.lines.reduce((s, l) => s + l.unit_value_minor * l.quantity, 0), 0);
  const items = input.orders.flatMap((o) => o.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, unitValueMinor: l.unit_value_minor, battery: l.battery, liquid: l.liquid, magnet: l.magnet })));
  const engineParcels: Parcel[] = parcels.map((p, i) => ({ weightGrams: p.weightGrams, lengthCm: p.lengthCm, widthCm: p.widthCm, heightCm: p.heightCm, items: i === 0 ? items : [] }));
  const shipmentForQuote = {
    origin: { country: input.shipper.country, warehouseId: input.from_warehouse_id },
    destination: { country: consignee.country, postcode: consignee.postcode, warehouseId: lane.destination.warehouseId },
    incoterm: input.orders[0]!.incoterm, parcels: engineParcels, declaredValue: { currency: input.orders[0]!.currency, amountMinor: declared },
  };
  const q = quoteLane(lane, shipmentForQuote, date, { capacityUsage: await capacityUsage(tx, date), fx: toEngineFx(input.fx) });
  if (isExclusion(q)) throw unprocessable('lane_not_available', `Lane ${laneRow.name} cannot take this shipment: ${q.reason}`, { code: q.code, lane_id: input.lane_id });
  const shipment: UnifiedShipment = {
    shipper: input.shipper, consignee, orders: input.orders, parcels, incoterm: input.orders[0]!.incoterm, declaredValue: shipmentForQuote.declaredValue,
    service: { laneId: lane.id, laneName: laneRow.name, mode: lane.mode, providerOrgId: lane.providerOrgId },
    fromWarehouseId: input.from_warehouse_id ?? null,
  };
  const id = newId('bkg');
  const adapter = carrierAdapter();
  const sent = await adapter.book(shipment, id);
  const row = await tx.one(
    `INSERT INTO logistics_bookings (id, org_id, carrier_org_id, lane_id, lane_version, order_refs, decision_id, consolidation_id, status, adapter, shipment, quote, ship_date, chargeable_grams, parcels, tracking_number, carrier_reference, reject_reason, decided_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18, CASE WHEN $9 = 'requested' THEN NULL ELSE now() END) RETURNING *`,
    [id, ctx.orgId, lane.providerOrgId, lane.id, lane.version, input.orders.map((o) => o.ref), input.decision_id ?? null, input.consolidation_id ?? null, sent.status, adapter.id,
      JSON.stringify(shipment), JSON.stringify(q), q.transit.shipDate, q.price.chargeableGrams, parcels.length, sent.trackingNumber ?? null, sent.carrierReference ?? null, sent.reason ?? null],
  );
  if (lane.providerOrgId !== ctx.orgId) {
    await shareRecord(tx, ctx.orgId, { granteeOrgId: lane.providerOrgId, entityType: 'booking', entityId: id, permissions: ['read', 'write'], reason: 'carrier of the booking', createdBy: ctx.userId });
  }
  if (input.decision_id) await tx.query(`UPDATE logistics_decisions SET status = 'booked' WHERE id = $1 AND org_id = $2 AND status = 'allocated'`, [input.decision_id, ctx.orgId]);
  await recordAudit(tx, ctx, { action: 'logistics.booking.create', entityType: 'booking', entityId: id, after: { lane_id: lane.id, status: sent.status, total_minor: q.price.totalMinor } });
  await emit(tx, ctx, { type: 'logistics.booking.requested', entityType: 'booking', entityId: id, orgId: ctx.orgId, audience: [lane.providerOrgId], payload: { lane_id: lane.id, order_refs: input.orders.map((o) => o.ref), status: sent.status } });
  return publicBooking(row);
}

async function loadBooking(tx: Executor, ctx: AuthContext, id: string, level: 'read' | 'write' = 'read', lock = false) {
  const r = await tx.maybeOne(`SELECT * FROM logistics_bookings WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`, [id]);
  await assertAccess(tx, ctx, r ? { entityType: 'booking', entityId: id, ownerOrgId: r.org_id } : undefined, 'Booking', id, level);
  return r!;
}

export async function getBooking(tx: Executor, ctx: AuthContext, id: string) {
  const r = await loadBooking(tx, ctx, id);
  const docs = await tx.query(`SELECT id, kind, filename, sha256, bytes, created_at FROM logistics_documents WHERE booking_id = $1 ORDER BY id`, [id]);
  return { ...publicBooking(r), documents: docs };
}

/** Bookings the caller made (seller) or was granted as their carrier; `role` narrows to one side. */
export async function listBookings(tx: Executor, ctx: AuthContext, q: { limit: number; cursor?: string; role?: 'seller' | 'carrier'; status?: string }) {
  const where = [q.role === 'seller' ? 'b.org_id = $1' : q.role === 'carrier' ? `b.org_id <> $1 AND ${visibleToSql('b', 'booking', '$1')}` : visibleToSql('b', 'booking', '$1')];
  const params: unknown[] = [ctx.orgId];
  if (q.status) { params.push(q.status); where.push(`b.status = $${params.length}`); }
  if (q.cursor) { params.push(q.cursor); where.push(`b.id < $${params.length}`); }
  const rows = await tx.query(`SELECT b.* FROM logistics_bookings b WHERE ${where.join(' AND ')} ORDER BY b.id DESC LIMIT ${q.limit + 1}`, params);
  return toPage(rows.map(publicBooking), q.limit, (r) => r.id);
}

const NEXT: Record<string, string[]> = { requested: ['accepted', 'rejected', 'cancelled'], accepted: ['cancelled'], rejected: [], cancelled: [] };

/** The carrier accepts: the adapter issues (or records the carrier's) tracking number. */
export async function acceptBooking(tx: Executor, ctx: AuthContext, id: string, given: { tracking_number?: string; carrier_reference?: string } = {}) {
  const r = await loadBooking(tx, ctx, id, 'write', true);
  if (r.carrier_org_id !== ctx.orgId) throw forbidden('Only the carrier of the booking accepts it');
  if (r.status !== 'requested') throw illegalTransition('Booking', r.status, 'accepted', NEXT[r.status]!);
  const t = await carrierAdapter(r.adapter).onAccepted(r.shipment, id, { trackingNumber: given.tracking_number, carrierReference: given.carrier_reference });
  const taken = await tx.maybeOne(`SELECT id FROM logistics_bookings WHERE tracking_number = $1`, [t.trackingNumber]);
  if (taken) throw unprocessable('tracking_number_taken', `Tracking number ${t.trackingNumber} is already used`);
  const row = await tx.one(`UPDATE logistics_bookings SET status = 'accepted', tracking_number = $2, carrier_reference = $3, decided_at = now(), updated_at = now() WHERE id = $1 RETURNING *`, [id, t.trackingNumber, t.carrierReference ?? null]);
  await recordAudit(tx, ctx, { action: 'logistics.booking.accept', entityType: 'booking', entityId: id, orgId: r.org_id, before: { status: r.status }, after: { status: 'accepted', tracking_number: t.trackingNumber } });
  await emit(tx, ctx, {
    type: 'logistics.booking.accepted', entityType: 'booking', entityId: id, orgId: r.org_id, audience: [r.carrier_org_id],
    payload: { tracking_number: t.trackingNumber, order_refs: r.order_refs, carrier: r.adapter, from_warehouse_id: r.shipment?.fromWarehouseId ?? null },
  });
  return publicBooking(row);
}

export async function rejectBooking(tx: Executor, ctx: AuthContext, id: string, reason: string) {
  const r = await loadBooking(tx, ctx, id, 'write', true);
  if (r.carrier_org_id !== ctx.orgId) throw forbidden('Only the carrier of the booking rejects it');
  if (r.status !== 'requested') throw illegalTransition('Booking', r.status, 'rejected', NEXT[r.status]!);
  const row = await tx.one(`UPDATE logistics_bookings SET status = 'rejected', reject_reason = $2, decided_at = now(), updated_at = now() WHERE id = $1 RETURNING *`, [id, reason]);
  // The order goes back to routing: its decision is allocated again.
  if (r.decision_id) await tx.query(`UPDATE logistics_decisions SET status = 'allocated' WHERE id = $1 AND status = 'booked'`, [r.decision_id]);
  await recordAudit(tx, ctx, { action: 'logistics.booking.reject', entityType: 'booking', entityId: id, orgId: r.org_id, before: { status: r.status }, after: { status: 'rejected', reason } });
  await emit(tx, ctx, { type: 'logistics.booking.rejected', entityType: 'booking', entityId: id, orgId: r.org_id, audience: [r.carrier_org_id], payload: { reason, order_refs: r.order_refs } });
  return publicBooking(row);
}

export async function cancelBooking(tx: Executor, ctx: AuthContext, id: string) {
  const r = await loadBooking(tx, ctx, id, 'read', true);
  if (r.org_id !== ctx.orgId) throw notFound('Booking', id);
  if (!NEXT[r.status]!.includes('cancelled')) throw illegalTransition('Booking', r.status, 'cancelled', NEXT[r.status]!);
  const row = await tx.one(`UPDATE logistics_bookings SET status = 'cancelled', updated_at = now() WHERE id = $1 RETURNING *`, [id]);
  if (r.decision_id) await tx.query(`UPDATE logistics_decisions SET status = 'allocated' WHERE id = $1 AND status = 'booked'`, [r.decision_id]);
  await recordAudit(tx, ctx, { action: 'logistics.booking.cancel', entityType: 'booking', entityId: id, before: { status: r.status }, after: { status: 'cancelled' } });
  await emit(tx, ctx, { type: 'logistics.booking.cancelled', entityType: 'booking', entityId: id, orgId: r.org_id, audience: [r.carrier_org_id], payload: {} });
  return publicBooking(row);
}

// --- documents ---------------------------------------------------------------------------------

const RENDERERS = { label: labelPdf, commercial_invoice: commercialInvoicePdf, packing_list: packingListPdf } as const;
export type DocumentKind = keyof typeof RENDERERS;

/** (Re)generate the booking's label, commercial invoice and packing list; the latest of each kind is current. */
export async function generateDocuments(tx: Executor, ctx: AuthContext, bookingId: string, kinds: DocumentKind[] = ['label', 'commercial_invoice', 'packing_list']) {
  const b = await loadBooking(tx, ctx, bookingId, 'write');
  if (b.status === 'rejected' || b.status === 'cancelled') throw unprocessable('booking_closed', `Booking ${bookingId} is ${b.status}`);
  const input: DocumentInput = { bookingId, trackingNumber: b.tracking_number, date: day(b.ship_date), shipment: b.shipment };
  const out = [];
  for (const kind of kinds) {
    const pdf = await RENDERERS[kind](input);
    const id = newId('doc');
    const sha256 = createHash('sha256').update(pdf).digest('hex');
    const filename = `${kind}-${b.tracking_number ?? bookingId}.pdf`;
    await tx.query(`INSERT INTO logistics_documents (id, org_id, booking_id, kind, filename, sha256, bytes, pdf) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`, [id, b.org_id, bookingId, kind, filename, sha256, pdf.length, pdf]);
    out.push({ id, kind, filename, sha256, bytes: pdf.length });
  }
  await recordAudit(tx, ctx, { action: 'logistics.documents.generate', entityType: 'booking', entityId: bookingId, orgId: b.org_id, after: { documents: out.map((d) => d.kind) } });
  return out;
}

/** A document's PDF, for the booking's owner or its carrier. */
export async function getDocument(tx: Executor, ctx: AuthContext, id: string): Promise<{ filename: string; pdf: Buffer }> {
  const d = await tx.maybeOne(`SELECT booking_id, org_id, filename, pdf FROM logistics_documents WHERE id = $1`, [id]);
  await assertAccess(tx, ctx, d ? { entityType: 'booking', entityId: d.booking_id, ownerOrgId: d.org_id } : undefined, 'Document', id);
  return { filename: d!.filename, pdf: Buffer.from(d!.pdf) };
}

// --- consolidation -----------------------------------------------------------------------------

export interface ConsolidationInput {
  orders: OrderInput[];
  shipper: AddressInput;
  /** The hub or warehouse at the destination that receives the master shipment. */
  deliver_to: AddressInput;
  lane_id: string;
  from_warehouse_id?: string;
  /** Largest master carton (grams); default: the lane's per-parcel limit or 30 kg. */
  max_carton_grams?: number;
  date?: string;
  fx?: FxInput;
}

/**
 * Several orders to one destination in one master shipment (first leg): each order is packed
 * into its own inner parcel, inner parcels go into master cartons first-fit-decreasing by weight,
 * and the cartons are booked on the chosen lane.
 */
export async function consolidate(tx: Executor, ctx: AuthContext, input: ConsolidationInput) {
  const countries = new Set(input.orders.map((o) => o.consignee.country));
  if (countries.size !== 1 || !countries.has(input.deliver_to.country)) throw badRequest('Every order must go to the destination country of deliver_to', 'orders');
  const laneRow = await tx.maybeOne(`SELECT lane FROM logistics_lanes WHERE id = $1 AND status = 'published'`, [input.lane_id]);
  if (!laneRow) throw notFound('Lane', input.lane_id);
  const limit = input.max_carton_grams ?? laneRow.lane.restrictions?.maxWeightGrams ?? 30_000;
  const inner = parcelsFor(input.orders).sort((a, b) => b.weightGrams - a.weightGrams);
  const cartons: { weightGrams: number; volume: number; orderRefs: string[]; lengthCm: number; widthCm: number }[] = [];
  for (const p of inner) {
    if (p.weightGrams > limit) throw unprocessable('parcel_too_heavy', `Order ${p.orderRefs[0]} (${p.weightGrams} g) exceeds the carton limit of ${limit} g`);
    const fit = cartons.find((c) => c.weightGrams + p.weightGrams <= limit);
    const vol = p.lengthCm * p.widthCm * p.heightCm;
    if (fit) { fit.weightGrams += p.weightGrams; fit.volume += vol; fit.orderRefs.push(...p.orderRefs); fit.lengthCm = Math.max(fit.lengthCm, p.lengthCm); fit.widthCm = Math.max(fit.widthCm, p.widthCm); }
    else cartons.push({ weightGrams: p.weightGrams, volume: vol, orderRefs: [...p.orderRefs], lengthCm: p.lengthCm, widthCm: p.widthCm });
  }
  const parcels = cartons.map((c) => ({ weightGrams: c.weightGrams, lengthCm: c.lengthCm, widthCm: c.widthCm, heightCm: Math.max(1, Math.ceil(c.volume / (c.lengthCm * c.widthCm))), orderRefs: c.orderRefs }));
  const id = newId('cns');
  const plan = { max_carton_grams: limit, inner_parcels: inner, cartons: parcels, total_grams: parcels.reduce((t, p) => t + p.weightGrams, 0) };
  await tx.query(`INSERT INTO logistics_consolidations (id, org_id, destination, order_refs, plan) VALUES ($1,$2,$3,$4,$5)`, [id, ctx.orgId, JSON.stringify(input.deliver_to), input.orders.map((o) => o.ref), JSON.stringify(plan)]);
  const booking = await createBooking(tx, ctx, { lane_id: input.lane_id, orders: input.orders, shipper: input.shipper, deliver_to: input.deliver_to, parcels, consolidation_id: id, date: input.date, fx: input.fx, from_warehouse_id: input.from_warehouse_id });
  await tx.query(`UPDATE logistics_consolidations SET master_booking_id = $2 WHERE id = $1`, [id, booking.id]);
  await recordAudit(tx, ctx, { action: 'logistics.consolidation.create', entityType: 'consolidation', entityId: id, after: { orders: input.orders.length, cartons: parcels.length, booking_id: booking.id } });
  return { id, order_refs: input.orders.map((o) => o.ref), plan, master_booking: booking };
}

export async function getConsolidation(tx: Executor, ctx: AuthContext, id: string) {
  const r = await tx.maybeOne(`SELECT * FROM logistics_consolidations WHERE id = $1 AND org_id = $2`, [id, ctx.orgId]);
  if (!r) throw notFound('Consolidation', id);
  return { id: r.id, destination: r.destination, order_refs: r.order_refs, plan: r.plan, master_booking_id: r.master_booking_id, created_at: r.created_at };
}

// --- one-click ship ----------------------------------------------------------------------------

export type StepName = 'address' | 'compliance' | 'routing' | 'booking' | 'documents';
export interface StepReport { step: StepName; status: 'ok' | 'failed' | 'skipped'; detail: string; data?: unknown }

/** Compliance check hook: return problems that stop shipping (empty = clear). */
export type ComplianceCheck = (order: OrderInput, crossBorder: boolean) => Promise<string[]> | string[];

/** Default compliance: customs data complete for a cross-border shipment (HS code and origin on every line). */
export const customsDataCheck: ComplianceCheck = (order, crossBorder) => {
  if (!crossBorder) return [];
  return order.lines.flatMap((l) => [
    ...(l.hs_code ? [] : [`line ${l.sku}: HS code missing (needed for the customs declaration)`]),
    ...(l.origin_country ? [] : [`line ${l.sku}: country of origin missing`]),
  ]);
};

let postcodes: PostcodeTable | undefined;

export interface ShipInput extends RoutingOptions {
  order: OrderInput;
  warehouses: WarehouseInput[];
  shipper?: AddressInput;
}

/**
 * One action: validate the address → check compliance → route → book each part's first leg →
 * generate documents. Stops at the first failing step and reports every step; a failure after
 * booking rolls the whole action back (thrown with the report).
 */
export async function shipOrder(tx: Executor, ctx: AuthContext, input: ShipInput, compliance: ComplianceCheck[] = [customsDataCheck]) {
  const steps: StepReport[] = [];
  const stop = (step: StepName, detail: string, data?: unknown) => {
    steps.push({ step, status: 'failed', detail, data });
    const done = new Set(steps.map((s) => s.step));
    for (const s of ['address', 'compliance', 'routing', 'booking', 'documents'] as StepName[]) if (!done.has(s)) steps.push({ step: s, status: 'skipped', detail: `not run: ${step} failed` });
    return { ok: false as const, stopped_at: step, steps };
  };
  const o = input.order;
  const issues = validateAddress({ name: o.consignee.name, line1: o.consignee.line1, city: o.consignee.city, postcode: o.consignee.postcode, country: o.consignee.country, phone: o.consignee.phone }, (postcodes ??= loadPostcodeTable()));
  if (issues.length) return stop('address', issues.map((i) => `${i.field}: ${i.message}`).join('; '), issues);
  steps.push({ step: 'address', status: 'ok', detail: `${o.consignee.postcode} ${o.consignee.city}, ${o.consignee.country}` });

  const crossBorder = input.warehouses.some((w) => (w.stock[o.lines[0]!.sku] ?? 0) > 0 && w.country !== o.consignee.country) || !input.warehouses.some((w) => w.country === o.consignee.country);
  const problems = (await Promise.all(compliance.map((c) => c(o, crossBorder)))).flat();
  if (problems.length) return stop('compliance', problems.join('; '), problems);
  steps.push({ step: 'compliance', status: 'ok', detail: crossBorder ? 'customs data complete' : 'domestic dispatch' });

  const decision = await routeAndStore(tx, ctx, o, input.warehouses, input);
  if (!decision.winner) return stop('routing', decision.unroutable_reason ?? 'no route', { decision_id: decision.id, excluded: decision.excluded });
  const winner = decision.winner as Candidate;
  steps.push({ step: 'routing', status: 'ok', detail: (decision.explanation as any)?.summary ?? winner.id, data: { decision_id: decision.id, winner_id: winner.id } });

  const bookings = [];
  for (const part of winner.parts) {
    const wh = input.warehouses.find((w) => w.id === part.warehouseId)!;
    const leg = part.legs[0]!;
    const partOrder: OrderInput = { ...o, lines: o.lines.filter((l) => part.lines.some((p) => p.sku === l.sku)).map((l) => ({ ...l, quantity: part.lines.find((p) => p.sku === l.sku)!.quantity })) };
    const shipper = input.shipper ?? wh.address ?? { name: wh.name ?? wh.id, line1: wh.name ?? wh.id, city: '', postcode: wh.postcode, country: wh.country };
    try {
      bookings.push(await createBooking(tx, ctx, { lane_id: leg.laneId, orders: [partOrder], shipper, from_warehouse_id: part.warehouseId, decision_id: winner.parts.length === 1 ? decision.id : undefined, date: input.date, fx: input.fx, deliver_to: leg.toWarehouseId ? { name: leg.toWarehouseId, line1: leg.toWarehouseId, city: '', postcode: input.warehouses.find((w) => w.id === leg.toWarehouseId)?.postcode ?? o.consignee.postcode, country: o.consignee.country } : undefined }));
    } catch (err: any) {
      if (!(err instanceof AppError)) throw err;
      const report = stop('booking', err.message, err.extra);
      throw new AppError('ship_failed', 422, `One-click ship stopped at booking: ${err.message}`, [], { report });
    }
  }
  steps.push({ step: 'booking', status: 'ok', detail: bookings.map((b) => `${b.id} on ${b.shipment.service.laneName} (${b.status})`).join('; '), data: { booking_ids: bookings.map((b) => b.id) } });

  const documents = [];
  try {
    for (const b of bookings) documents.push(...(await generateDocuments(tx, ctx, b.id)));
  } catch (err: any) {
    throw new AppError('ship_failed', 422, `One-click ship stopped at documents: ${err.message}`, [], { report: stop('documents', String(err.message)) });
  }
  steps.push({ step: 'documents', status: 'ok', detail: `${documents.length} documents`, data: { document_ids: documents.map((d) => d.id) } });
  await emit(tx, ctx, { type: 'logistics.order.shipped', entityType: 'decision', entityId: decision.id, orgId: ctx.orgId, payload: { order_ref: o.ref, booking_ids: bookings.map((b) => b.id) } });
  return { ok: true as const, steps, decision_id: decision.id, bookings, documents };
}
