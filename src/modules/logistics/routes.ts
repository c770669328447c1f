import { z } from 'zod';
import { badRequest } from '../../kernel/errors.ts';
import { defineRoute, idParam, type RouteDef } from '../../http/route.ts';
import { MODES } from '../../engines/routing/index.ts';
import * as bookings from './bookings.ts';
import { addressSchema, fxSchema, laneDefinitionSchema, orderSchema, rateCardSchema, warehouseSchema } from './inputs.ts';
import * as lanes from './lanes.ts';
import * as routing from './routing.ts';
import { catalogMarketAccessCheck, resolveInputs, warehousesFromInventory, orderFromHub } from './wiring.ts';

const tags = ['logistics'];
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');
const country = z.string().regex(/^[A-Z]{2}$/);
const page = { limit: z.coerce.number().int().min(1).max(200).default(50), cursor: z.string().max(60).optional() };
const weights = z.strictObject({
  landedCost: z.number().min(0), transitDay: z.number().min(0), lateDay: z.number().min(0), dapOnly: z.number().min(0),
  lowStockUnit: z.number().min(0), ratingPoint: z.number().min(0), carbonKg: z.number().min(0), extraShipment: z.number().min(0),
}).partial();
const routingOptions = { date: isoDate.optional(), fx: fxSchema.optional(), weights: weights.optional() };
const parcel = z.strictObject({ weightGrams: z.number().int().min(1), lengthCm: z.number().positive(), widthCm: z.number().positive(), heightCm: z.number().positive(),
  items: z.array(z.strictObject({ sku: z.string().max(100), quantity: z.number().int().min(1), unitValueMinor: z.number().int().min(0), battery: z.enum(['UN3090', 'UN3091', 'UN3480', 'UN3481']).optional(), liquid: z.boolean().optional(), magnet: z.boolean().optional() })).max(200).optional() });
const shipmentSchema = z.strictObject({
  origin: z.strictObject({ country, warehouseId: z.string().max(100).optional() }),
  destination: z.strictObject({ country, postcode: z.string().max(20), warehouseId: z.string().max(100).optional() }),
  incoterm: z.enum(['DDP', 'DAP']).default('DDP'),
  parcels: z.array(parcel).min(1).max(500),
  declaredValue: z.strictObject({ currency: z.string().regex(/^[A-Z]{3}$/), amountMinor: z.number().int().min(0) }),
});
const lanePatch = laneDefinitionSchema.omit({ code: true }).partial().extend({ status: z.enum(['draft', 'published', 'archived']).optional() }).strict();
const disruptionBody = z.strictObject({
  description: z.string().min(1).max(300),
  lane_ids: z.array(idParam('lan')).max(100).optional(),
  provider_org_ids: z.array(z.string().max(40)).max(50).optional(),
  via: z.array(z.string().max(60)).max(20).optional(),
  origin_countries: z.array(country).max(50).optional(),
  destination_countries: z.array(country).max(50).optional(),
  modes: z.array(z.enum(MODES as any)).max(8).optional(),
  policy: z.enum(['confirm', 'auto']).default('confirm'),
  warehouses: z.array(warehouseSchema).max(200).optional(),
  date: isoDate.optional(),
  fx: fxSchema.optional(),
});
const bookingBody = z.strictObject({
  lane_id: idParam('lan'), orders: z.array(orderSchema).min(1).max(200), shipper: addressSchema, from_warehouse_id: z.string().max(100).optional(), deliver_to: addressSchema.optional(),
  decision_id: idParam('rtd').optional(), date: isoDate.optional(), fx: fxSchema.optional(),
});

export const logisticsRoutes: RouteDef[] = [
  // --- provider side: lanes, rate cards, capacity, bundles
  defineRoute({
    method: 'GET', url: '/v1/logistics/lanes', summary: 'Published lanes of every provider, plus your own drafts', tags, auth: 'logistics:read',
    query: z.strictObject({ mine: z.enum(['true', 'false']).optional(), status: z.enum(['draft', 'published', 'archived']).optional(), origin: country.optional(), destination: country.optional() }),
    async handler({ tx, ctx, query }) { return { data: await lanes.listLanes(tx, ctx, { ...query, mine: query.mine === 'true' }) }; },
  }),
  defineRoute({
    method: 'POST', url: '/v1/logistics/lanes', summary: 'Create a lane (draft, or published at once)', tags, auth: 'logistics:write', creates: true,
    body: laneDefinitionSchema.extend({ publish: z.boolean().default(false) }).strict(),
    handler: ({ tx, ctx, body }) => { const { publish, ...def } = body; return lanes.createLane(tx, ctx, def, publish); },
  }),
  defineRoute({
    method: 'GET', url: '/v1/logistics/lanes/:id', summary: 'A lane', tags, auth: 'logistics:read',
    params: z.strictObject({ id: idParam('lan') }),
    handler: ({ tx, ctx, params }) => lanes.getLane(tx, ctx, params.id),
  }),
  defineRoute({
    method: 'GET', url: '/v1/logistics/lanes/:id/versions', summary: 'Every version of a lane', tags, auth: 'logistics:read',
    params: z.strictObject({ id: idParam('lan') }),
    async handler({ tx, ctx, params }) { return { data: await lanes.laneVersions(tx, ctx, params.id) }; },
  }),
  defineRoute({
    method: 'PATCH', url: '/v1/logistics/lanes/:id', summary: 'Change your lane (new version) or its status', tags, auth: 'logistics:write',
    params: z.strictObject({ id: idParam('lan') }), body: lanePatch,
    handler: ({ tx, ctx, params, body }) => lanes.updateLane(tx, ctx, params.id, body as any),
  }),
  defineRoute({
    method: 'PUT', url: '/v1/logistics/lanes/:id/capacity', summary: 'Set your lane\'s capacity (new version)', tags, auth: 'logistics:write',
    params: z.strictObject({ id: idParam('lan') }), body: laneDefinitionSchema.shape.capacity.unwrap(),
    handler: ({ tx, ctx, params, body }) => lanes.updateLane(tx, ctx, params.id, { capacity: body }),
  }),
  defineRoute({
    method: 'PUT', url: '/v1/logistics/lanes/:id/rate-card', summary: 'Replace your lane\'s rate card (new version)', tags, auth: 'logistics:write',
    params: z.strictObject({ id: idParam('lan') }), body: rateCardSchema,
    handler: ({ tx, ctx, params, body }) => lanes.updateLane(tx, ctx, params.id, { rateCard: body }),
  }),
  defineRoute({
    method: 'POST', url: '/v1/logistics/lanes/:id/rate-card/import', summary: 'Import weight breaks from CSV (zone,from_kg,per_kg,per_parcel); dry_run reports errors by line', tags, auth: 'logistics:write',
    params: z.strictObject({ id: idParam('lan') }), body: z.strictObject({ csv: z.string().min(1).max(2_000_000), dry_run: z.boolean().default(true) }),
    handler: ({ tx, ctx, params, body }) => lanes.importRateCard(tx, ctx, params.id, body.csv, body.dry_run),
  }),
  defineRoute({
    method: 'POST', url: '/v1/logistics/lanes/:id/suspend', summary: 'Suspend your lane (it is excluded from quotes and routing)', tags, auth: 'logistics:write',
    params: z.strictObject({ id: idParam('lan') }), body: z.strictObject({ reason: z.string().min(1).max(300), date: isoDate.optional() }),
    async handler({ tx, ctx, params, body }) {
      const lane = await lanes.setLaneSuspended(tx, ctx, params.id, true, body.reason);
      // Sellers with unshipped allocations on the lane get a re-routing proposal to confirm.
      const proposals = await routing.proposeForSuspendedLane(tx, params.id, body.reason, body.date);
      return { ...lane, disruption_proposals: proposals.length };
    },
  }),
  defineRoute({
    method: 'POST', url: '/v1/logistics/lanes/:id/resume', summary: 'Resume your suspended lane', tags, auth: 'logistics:write',
    params: z.strictObject({ id: idParam('lan') }),
    handler: ({ tx, ctx, params }) => lanes.setLaneSuspended(tx, ctx, params.id, false),
  }),
  defineRoute({
    method: 'GET', url: '/v1/logistics/bundles', summary: 'Service bundles (lane + warehouse + returns…)', tags, auth: 'logistics:read',
    async handler({ tx, ctx }) { return { data: await lanes.listBundles(tx, ctx) }; },
  }),
  defineRoute({
    method: 'POST', url: '/v1/logistics/bundles', summary: 'Publish a service bundle', tags, auth: 'logistics:write', creates: true,
    body: z.strictObject({
      name: z.string().min(1).max(200), currency: z.string().regex(/^[A-Z]{3}$/), discount_bp: z.number().int().min(0).max(10_000).optional(),
      components: z.array(z.union([z.strictObject({ kind: z.literal('lane'), laneId: idParam('lan') }), z.strictObject({ kind: z.literal('service'), serviceId: z.string().min(1).max(60) })])).min(1).max(20),
      services: z.array(z.strictObject({
        id: z.string().min(1).max(60), kind: z.enum(['warehouse_inbound', 'storage', 'pick_pack', 'drop_ship', 'returns', 'relabel', 'qc', 'insurance', 'other']), name: z.string().max(200),
        currency: z.string().regex(/^[A-Z]{3}$/), perOrderMinor: z.number().int().min(0).optional(), perParcelMinor: z.number().int().min(0).optional(), perKgMinor: z.number().int().min(0).optional(),
        declaredValueBp: z.number().int().min(0).optional(), applicationRateBp: z.number().int().min(0).max(10_000).optional(), handlingDays: z.number().int().min(0).optional(),
      })).max(20).default([]),
    }),
    handler: ({ tx, ctx, body }) => lanes.createBundle(tx, ctx, body as any),
  }),
  defineRoute({
    method: 'POST', url: '/v1/logistics/bundles/:id/quote', summary: 'Price a shipment with a service bundle', tags, auth: 'logistics:read',
    params: z.strictObject({ id: idParam('bnd') }), body: z.strictObject({ shipment: shipmentSchema, date: isoDate.optional(), fx: fxSchema.optional() }),
    handler: ({ tx, ctx, params, body }) => lanes.quoteBundle(tx, ctx, params.id, body.shipment as any, body.date ?? routing.today(), body.fx),
  }),
  // --- seller side: quotes, routing, batch, disruptions
  defineRoute({
    method: 'POST', url: '/v1/logistics/quotes', summary: 'Quote a shipment on every published lane: prices with breakdown, and excluded lanes with reasons', tags, auth: 'logistics:read',
    body: z.strictObject({ shipment: shipmentSchema, date: isoDate.optional(), fx: fxSchema.optional() }),
    handler: ({ tx, body }) => lanes.quote(tx, body.shipment as any, body.date ?? routing.today(), body.fx),
  }),
  defineRoute({
    method: 'POST', url: '/v1/logistics/routing/decisions', summary: 'Route an order: source warehouse and lanes, every candidate scored and explained (stored)', tags, auth: 'logistics:write', creates: true,
    body: z.strictObject({ order: orderSchema.optional(), order_id: idParam('ord').optional(), promised_date: isoDate.optional(), warehouses: z.array(warehouseSchema).min(1).max(200).optional(), ...routingOptions }),
    async handler({ tx, ctx, body }) {
      const { order, warehouses } = await resolveInputs(tx, ctx, body);
      return routing.routeAndStore(tx, ctx, order, warehouses, body);
    },
  }),
  defineRoute({
    method: 'GET', url: '/v1/logistics/routing/decisions', summary: 'Routing decisions', tags, auth: 'logistics:read',
    query: z.strictObject({ ...page, order_ref: z.string().max(100).optional(), status: z.enum(['allocated', 'unroutable', 'booked', 'shipped', 'superseded']).optional(), batch_run_id: idParam('bat').optional() }),
    handler: ({ tx, ctx, query }) => routing.listDecisions(tx, ctx, query),
  }),
  defineRoute({
    method: 'GET', url: '/v1/logistics/routing/decisions/:id', summary: 'A routing decision with candidates and explanation', tags, auth: 'logistics:read',
    params: z.strictObject({ id: idParam('rtd') }),
    handler: ({ tx, ctx, params }) => routing.getDecision(tx, ctx, params.id),
  }),
  defineRoute({
    method: 'POST', url: '/v1/logistics/routing/batches', summary: 'Batch allocation run over shared stock and lane capacity (heuristic or exact HiGHS)', tags, auth: 'logistics:write', creates: true,
    body: z.strictObject({ orders: z.array(orderSchema).max(5000).default([]), order_ids: z.array(idParam('ord')).max(5000).default([]), warehouses: z.array(warehouseSchema).min(1).max(200).optional(), method: z.enum(['heuristic', 'exact']).default('heuristic'), max_candidates: z.number().int().min(1).max(20).optional(), ...routingOptions }),
    async handler({ tx, ctx, body }) {
      const orders = [...body.orders];
      for (const id of body.order_ids) orders.push(await orderFromHub(tx, ctx, id));
      if (!orders.length) throw badRequest('Give orders or order_ids', 'orders');
      const warehouses = body.warehouses ?? (await warehousesFromInventory(tx, ctx.orgId, [...new Set(orders.flatMap((o) => o.lines.map((l) => l.sku)))]));
      return routing.runBatch(tx, ctx, orders, warehouses, body);
    },
  }),
  defineRoute({
    method: 'GET', url: '/v1/logistics/routing/batches', summary: 'Batch runs', tags, auth: 'logistics:read',
    async handler({ tx, ctx }) { return { data: await routing.listBatchRuns(tx, ctx) }; },
  }),
  defineRoute({
    method: 'GET', url: '/v1/logistics/routing/batches/:id', summary: 'A batch run with its decisions', tags, auth: 'logistics:read',
    params: z.strictObject({ id: idParam('bat') }),
    handler: ({ tx, ctx, params }) => routing.getBatchRun(tx, ctx, params.id),
  }),
  defineRoute({
    method: 'POST', url: '/v1/logistics/disruptions', summary: 'Simulate a suspension (lane, provider, corridor, region): re-route unshipped allocations, cost/time impact; policy auto applies it', tags, auth: 'logistics:write', creates: true,
    body: disruptionBody,
    handler: ({ tx, ctx, body }) => routing.simulateDisruption(tx, ctx, body as any),
  }),
  defineRoute({
    method: 'GET', url: '/v1/logistics/disruptions', summary: 'Disruptions', tags, auth: 'logistics:read',
    async handler({ tx, ctx }) { return { data: await routing.listDisruptions(tx, ctx) }; },
  }),
  defineRoute({
    method: 'GET', url: '/v1/logistics/disruptions/:id', summary: 'A disruption with its per-order impact', tags, auth: 'logistics:read',
    params: z.strictObject({ id: idParam('dsr') }),
    handler: ({ tx, ctx, params }) => routing.getDisruption(tx, ctx, params.id),
  }),
  defineRoute({
    method: 'POST', url: '/v1/logistics/disruptions/:id/apply', summary: 'Confirm: apply the re-routing', tags, auth: 'logistics:write',
    params: z.strictObject({ id: idParam('dsr') }),
    handler: ({ tx, ctx, params }) => routing.applyDisruptionPlan(tx, ctx, params.id),
  }),
  defineRoute({
    method: 'POST', url: '/v1/logistics/disruptions/:id/discard', summary: 'Discard a simulated disruption', tags, auth: 'logistics:write',
    params: z.strictObject({ id: idParam('dsr') }),
    handler: ({ tx, ctx, params }) => routing.discardDisruption(tx, ctx, params.id),
  }),
  // --- bookings, documents, consolidation, one-click ship
  defineRoute({
    method: 'POST', url: '/v1/logistics/bookings', summary: 'Book a shipment on a lane; the carrier is granted the booking', tags, auth: 'logistics:write', creates: true,
    body: bookingBody,
    handler: ({ tx, ctx, body }) => bookings.createBooking(tx, ctx, body),
  }),
  defineRoute({
    method: 'GET', url: '/v1/logistics/bookings', summary: 'Your bookings, and bookings on your lanes (role=carrier)', tags, auth: 'logistics:read',
    query: z.strictObject({ ...page, role: z.enum(['seller', 'carrier']).optional(), status: z.enum(['requested', 'accepted', 'rejected', 'cancelled']).optional() }),
    handler: ({ tx, ctx, query }) => bookings.listBookings(tx, ctx, query),
  }),
  defineRoute({
    method: 'GET', url: '/v1/logistics/bookings/:id', summary: 'A booking with its documents', tags, auth: 'logistics:read',
    params: z.strictObject({ id: idParam('bkg') }),
    handler: ({ tx, ctx, params }) => bookings.getBooking(tx, ctx, params.id),
  }),
  defineRoute({
    method: 'POST', url: '/v1/logistics/bookings/:id/accept', summary: 'Carrier: accept the booking (tracking number issued)', tags, auth: 'logistics:write',
    params: z.strictObject({ id: idParam('bkg') }), body: z.strictObject({ tracking_number: z.string().regex(/^[A-Z0-9]{6,40}$/).optional(), carrier_reference: z.string().max(100).optional() }),
    handler: ({ tx, ctx, params, body }) => bookings.acceptBooking(tx, ctx, params.id, body),
  }),
  defineRoute({
    method: 'POST', url: '/v1/logistics/bookings/:id/reject', summary: 'Carrier: reject the booking with a reason', tags, auth: 'logistics:write',
    params: z.strictObject({ id: idParam('bkg') }), body: z.strictObject({ reason: z.string().min(1).max(500) }),
    handler: ({ tx, ctx, params, body }) => bookings.rejectBooking(tx, ctx, params.id, body.reason),
  }),
  defineRoute({
    method: 'POST', url: '/v1/logistics/bookings/:id/cancel', summary: 'Seller: cancel the booking', tags, auth: 'logistics:write',
    params: z.strictObject({ id: idParam('bkg') }),
    handler: ({ tx, ctx, params }) => bookings.cancelBooking(tx, ctx, params.id),
  }),
  defineRoute({
    method: 'POST', url: '/v1/logistics/bookings/:id/documents', summary: 'Generate label (4×6 in, Code 128), commercial invoice and packing list', tags, auth: 'logistics:write',
    params: z.strictObject({ id: idParam('bkg') }), body: z.strictObject({ kinds: z.array(z.enum(['label', 'commercial_invoice', 'packing_list'])).min(1).max(3).optional() }),
    async handler({ tx, ctx, params, body }) { return { data: await bookings.generateDocuments(tx, ctx, params.id, body.kinds) }; },
  }),
  defineRoute({
    method: 'GET', url: '/v1/logistics/documents/:id', summary: 'A shipping document (PDF)', tags, auth: 'logistics:read', produces: 'application/pdf',
    params: z.strictObject({ id: idParam('doc') }),
    async handler({ tx, ctx, params, reply }) {
      const d = await bookings.getDocument(tx, ctx, params.id);
      reply.header('content-type', 'application/pdf').header('content-disposition', `inline; filename="${d.filename}"`);
      return d.pdf;
    },
  }),
  defineRoute({
    method: 'POST', url: '/v1/logistics/consolidations', summary: 'Consolidate several orders to one destination into one master shipment with a packing plan', tags, auth: 'logistics:write', creates: true,
    body: z.strictObject({ orders: z.array(orderSchema).min(2).max(500), shipper: addressSchema, deliver_to: addressSchema, lane_id: idParam('lan'), from_warehouse_id: z.string().max(100).optional(), max_carton_grams: z.number().int().min(100).optional(), date: isoDate.optional(), fx: fxSchema.optional() }),
    handler: ({ tx, ctx, body }) => bookings.consolidate(tx, ctx, body),
  }),
  defineRoute({
    method: 'GET', url: '/v1/logistics/consolidations/:id', summary: 'A consolidation and its packing plan', tags, auth: 'logistics:read',
    params: z.strictObject({ id: idParam('cns') }),
    handler: ({ tx, ctx, params }) => bookings.getConsolidation(tx, ctx, params.id),
  }),
  defineRoute({
    method: 'POST', url: '/v1/logistics/ship', summary: 'One-click ship: address → compliance → routing → booking → documents, with a per-step report', tags, auth: 'logistics:write', creates: true,
    body: z.strictObject({ order: orderSchema.optional(), order_id: idParam('ord').optional(), promised_date: isoDate.optional(), warehouses: z.array(warehouseSchema).min(1).max(200).optional(), shipper: addressSchema.optional(), ...routingOptions }),
    async handler({ tx, ctx, body }) {
      const { order, warehouses } = await resolveInputs(tx, ctx, body);
      // Orders from the hub are also checked against the catalogue's market-access rules.
      const checks = body.order_id ? [bookings.customsDataCheck, catalogMarketAccessCheck(tx, ctx)] : [bookings.customsDataCheck];
      return bookings.shipOrder(tx, ctx, { ...body, order, warehouses }, checks);
    },
  }),
];
