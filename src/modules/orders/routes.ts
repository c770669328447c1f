import { z } from 'zod';
import { defineRoute, idParam, type RouteDef } from '../../http/route.ts';
import * as ch from './channels.ts';
import * as svc from './service.ts';
import { HOLD_REASONS, ORDER_STATES } from './state.ts';

const tags = ['orders'];
const money = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const currency = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code like "EUR"');
const country = z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code like "DE"');
const shipTo = z.strictObject({
  name: z.string().min(1).max(200), company: z.string().max(200).optional(), line1: z.string().min(1).max(200), line2: z.string().max(200).optional(),
  city: z.string().min(1).max(100), region: z.string().max(100).optional(), postcode: z.string().max(20).optional(), country, phone: z.string().max(40).optional(),
});
const limit = z.coerce.number().int().min(1).max(500).default(50);

const orderBody = z.strictObject({
  channel: z.enum(['api', 'storefront']).optional(),
  external_id: z.string().min(1).max(100).optional(),
  external_number: z.string().max(100).optional(),
  placed_at: z.iso.datetime({ offset: true }).optional(),
  buyer: z.strictObject({ name: z.string().min(1).max(200), email: z.email().max(200).optional(), phone: z.string().max(40).optional() }),
  ship_to: shipTo,
  currency,
  lines: z.array(z.strictObject({
    sku: z.string().min(1).max(120), title: z.string().max(300).optional(), qty: z.number().int().positive().max(100_000), unit_price: money,
    external_line_id: z.string().max(100).optional(),
    tax_lines: z.array(z.strictObject({ title: z.string().min(1).max(100), rate: z.number().min(0).max(1).optional(), amount: money })).max(10).optional(),
  })).min(1).max(500),
  shipping: money.optional(),
  discount: money.optional(),
  taxes_included: z.boolean().optional(),
  payment_status: z.enum(['pending', 'authorized', 'paid', 'partially_paid']).optional(),
  tags: z.array(z.string().min(1).max(50)).max(30).optional(),
  note: z.string().max(2000).optional(),
  accept: z.boolean().optional(),
  channel_payload: z.record(z.string(), z.unknown()).optional(),
});

const listQuery = z.strictObject({
  status: z.string().max(300).optional(), channel: z.string().max(200).optional(), q: z.string().max(200).optional(), tag: z.string().max(50).optional(),
  hold_reason: z.enum(HOLD_REASONS).optional(), country: country.optional(), sku: z.string().max(120).optional(), limit, cursor: z.string().max(60).optional(),
});

const orderId = z.strictObject({ id: idParam('ord') });

export const orderRoutes: RouteDef[] = [
  defineRoute({
    method: 'GET', url: '/v1/orders', summary: 'Orders from every channel (filters, search, cursor)', tags, auth: 'orders:read',
    query: listQuery, handler: ({ tx, ctx, query }) => svc.listOrders(tx, ctx, query),
  }),
  defineRoute({
    method: 'POST', url: '/v1/orders', summary: 'Create an order (API or storefront): address validated, market checked, stock reserved when paid', tags, auth: 'orders:write', creates: true,
    body: orderBody, handler: ({ tx, ctx, body }) => svc.createApiOrder(tx, ctx, body),
  }),
  defineRoute({
    method: 'POST', url: '/v1/orders/batch', summary: 'Create up to 500 orders in one request and one transaction, each as POST /v1/orders would; an order with invalid fields gets its own problem and the others go in', tags, auth: 'orders:write', creates: true,
    body: z.strictObject({ orders: z.array(orderBody).min(1).max(500) }), handler: ({ tx, ctx, body }) => svc.createApiOrders(tx, ctx, body),
  }),
  defineRoute({
    method: 'POST', url: '/v1/orders/import', summary: 'Import a Tradelane order CSV (Content-Type: text/csv), all or nothing; ?dry_run=true to check', tags, auth: 'orders:write', rawBody: true, creates: true,
    query: z.strictObject({ dry_run: z.enum(['true', 'false']).default('false'), encoding: z.string().max(20).optional(), utc_offset_minutes: z.coerce.number().int().min(-840).max(840).optional() }),
    handler: ({ tx, ctx, body, query }) => ch.importCsv(tx, ctx, body, { dryRun: query.dry_run === 'true', encoding: query.encoding, utcOffsetMinutes: query.utc_offset_minutes }),
  }),
  defineRoute({
    method: 'GET', url: '/v1/orders/views', summary: 'Saved order list views', tags, auth: 'orders:read',
    handler: ({ tx, ctx }) => svc.listViews(tx, ctx),
  }),
  defineRoute({
    method: 'POST', url: '/v1/orders/views', summary: 'Save an order list view (filters)', tags, auth: 'orders:write', creates: true,
    body: z.strictObject({ name: z.string().min(1).max(100), filters: z.record(z.string().max(30), z.string().max(300)), shared: z.boolean().optional() }),
    handler: ({ tx, ctx, body }) => svc.createView(tx, ctx, body),
  }),
  defineRoute({
    method: 'DELETE', url: '/v1/orders/views/:id', summary: 'Delete a saved view', tags, auth: 'orders:write',
    params: z.strictObject({ id: idParam('ovw') }), handler: ({ tx, ctx, params }) => svc.deleteView(tx, ctx, params.id),
  }),
  defineRoute({
    method: 'GET', url: '/v1/orders/merge-candidates', summary: 'Open orders of the same buyer to the same address', tags, auth: 'orders:read',
    handler: ({ tx, ctx }) => svc.mergeCandidates(tx, ctx),
  }),
  defineRoute({
    method: 'POST', url: '/v1/orders/merge', summary: 'Merge open orders of one buyer and address into one (lineage kept)', tags, auth: 'orders:write', creates: true,
    body: z.strictObject({ order_ids: z.array(idParam('ord')).min(2).max(50), note: z.string().max(500).optional() }),
    handler: ({ tx, ctx, body }) => svc.merge(tx, ctx, body.order_ids, body.note),
  }),
  defineRoute({
    method: 'GET', url: '/v1/orders/:id', summary: 'One order with lines, reservations, shipments and lineage', tags, auth: 'orders:read',
    params: orderId, handler: ({ tx, ctx, params }) => svc.getOrder(tx, ctx, params.id),
  }),
  defineRoute({
    method: 'PATCH', url: '/v1/orders/:id', summary: 'Change tags, note or (before allocation) the ship-to address', tags, auth: 'orders:write',
    params: orderId, body: z.strictObject({ tags: z.array(z.string().min(1).max(50)).max(30).optional(), note: z.string().max(2000).optional(), ship_to: shipTo.optional() }),
    handler: ({ tx, ctx, params, body }) => svc.updateOrder(tx, ctx, params.id, body),
  }),
  defineRoute({
    method: 'GET', url: '/v1/orders/:id/timeline', summary: 'Every state change, channel update and shipment of the order', tags, auth: 'orders:read',
    params: orderId, handler: ({ tx, ctx, params }) => svc.timeline(tx, ctx, params.id),
  }),
  defineRoute({
    method: 'POST', url: '/v1/orders/:id/accept', summary: 'Accept: market check, then reserve stock (optionally in one warehouse)', tags, auth: 'orders:write',
    params: orderId, body: z.strictObject({ warehouse_id: idParam('wh').optional() }),
    handler: ({ tx, ctx, params, body }) => svc.accept(tx, ctx, params.id, body.warehouse_id),
  }),
  defineRoute({
    method: 'POST', url: '/v1/orders/:id/payment', summary: 'Record the payment status (paid accepts a pending order)', tags, auth: 'orders:write',
    params: orderId, body: z.strictObject({ status: z.enum(['pending', 'authorized', 'paid', 'partially_paid', 'partially_refunded', 'refunded', 'voided', 'failed']) }),
    handler: ({ tx, ctx, params, body }) => svc.recordPayment(tx, ctx, params.id, body.status),
  }),
  defineRoute({
    method: 'POST', url: '/v1/orders/:id/hold', summary: 'Put an order on hold with a reason', tags, auth: 'orders:write',
    params: orderId, body: z.strictObject({ reason: z.enum(HOLD_REASONS), note: z.string().max(1000).optional() }),
    handler: ({ tx, ctx, params, body }) => svc.hold(tx, ctx, params.id, body.reason, body.note),
  }),
  defineRoute({
    method: 'POST', url: '/v1/orders/:id/release', summary: 'Release a hold (back to the state it was held from; then accepted if paid)', tags, auth: 'orders:write',
    params: orderId, body: z.strictObject({ note: z.string().max(1000).optional() }),
    handler: ({ tx, ctx, params, body }) => svc.releaseHold(tx, ctx, params.id, body.note),
  }),
  defineRoute({
    method: 'POST', url: '/v1/orders/:id/cancel', summary: 'Cancel an order (its reservations are released)', tags, auth: 'orders:write',
    params: orderId, body: z.strictObject({ reason: z.string().min(1).max(500) }),
    handler: ({ tx, ctx, params, body }) => svc.cancel(tx, ctx, params.id, body.reason),
  }),
  defineRoute({
    method: 'POST', url: '/v1/orders/:id/allocate', summary: 'Allocate: release to the warehouses holding the reservations (they may then see the order)', tags, auth: 'orders:write',
    params: orderId, handler: ({ tx, ctx, params }) => svc.allocate(tx, ctx, params.id),
  }),
  defineRoute({
    method: 'POST', url: '/v1/orders/:id/shipments', summary: 'Record a shipment from a warehouse (seller, or the warehouse the order was allocated to)', tags, auth: 'orders:write', creates: true,
    params: orderId,
    body: z.strictObject({ warehouse_id: idParam('wh'), lines: z.array(z.strictObject({ sku: z.string().min(1).max(120), qty: z.number().int().positive().max(100_000) })).min(1).max(500).optional(), carrier: z.string().max(100).optional(), tracking_number: z.string().max(100).optional() }),
    handler: ({ tx, ctx, params, body }) => svc.ship(tx, ctx, params.id, body),
  }),
  defineRoute({
    method: 'POST', url: '/v1/orders/:id/transitions', summary: 'Move an order along the state machine (delivered, completed, returned, refunded …); illegal moves name the allowed ones', tags, auth: 'orders:write',
    params: orderId, body: z.strictObject({ to: z.enum(ORDER_STATES), note: z.string().max(1000).optional() }),
    handler: ({ tx, ctx, params, body }) => svc.transition(tx, ctx, params.id, body.to, body.note),
  }),
  defineRoute({
    method: 'POST', url: '/v1/orders/:id/split', summary: 'Split an order into several (e.g. per warehouse); every line quantity assigned once', tags, auth: 'orders:write', creates: true,
    params: orderId,
    body: z.strictObject({ parts: z.array(z.strictObject({ warehouse_id: idParam('wh').optional(), lines: z.array(z.strictObject({ line_id: idParam('oln'), qty: z.number().int().positive() })).min(1).max(500) })).min(2).max(20) }),
    handler: ({ tx, ctx, params, body }) => svc.split(tx, ctx, params.id, body.parts),
  }),

  // ----- channel connections -----
  defineRoute({
    method: 'GET', url: '/v1/channels', summary: 'Sales-channel connections', tags: ['channels'], auth: 'orders:read',
    handler: ({ tx, ctx, services }) => ch.listConnections(tx, ctx, services),
  }),
  defineRoute({
    method: 'POST', url: '/v1/channels', summary: 'Connect a sales channel (secrets are sealed and never shown again)', tags: ['channels'], auth: 'orders:admin', creates: true,
    body: z.strictObject({
      channel: z.enum(ch.CHANNELS), name: z.string().min(1).max(100), webhook_secret: z.string().min(8).max(500).optional(), access_token: z.string().min(1).max(4000).optional(),
      config: z.strictObject({ shop_domain: z.string().max(200).optional(), endpoint: z.url().max(500).optional(), marketplace_ids: z.array(z.string().max(30)).max(20).optional(), created_after: z.iso.datetime({ offset: true }).optional(), filter: z.string().max(500).optional(), prices_include_tax: z.boolean().optional(), retry_base_ms: z.number().int().min(1).max(60_000).optional() }).optional(),
      poll_interval_seconds: z.number().int().min(60).max(86_400).optional(),
    }),
    handler: ({ tx, ctx, services, body }) => ch.createConnection(tx, ctx, services, body),
  }),
  defineRoute({
    method: 'GET', url: '/v1/channels/:id', summary: 'One connection with its recent webhook deliveries and last poll', tags: ['channels'], auth: 'orders:read',
    params: z.strictObject({ id: idParam('chc') }), handler: ({ tx, ctx, services, params }) => ch.getConnection(tx, ctx, services, params.id),
  }),
  defineRoute({
    method: 'PATCH', url: '/v1/channels/:id', summary: 'Change, pause or rotate the secrets of a connection', tags: ['channels'], auth: 'orders:admin',
    params: z.strictObject({ id: idParam('chc') }),
    body: z.strictObject({ name: z.string().min(1).max(100).optional(), active: z.boolean().optional(), webhook_secret: z.string().min(8).max(500).optional(), access_token: z.string().min(1).max(4000).optional(), poll_interval_seconds: z.number().int().min(60).max(86_400).optional(),
      config: z.strictObject({ shop_domain: z.string().max(200).optional(), endpoint: z.url().max(500).optional(), marketplace_ids: z.array(z.string().max(30)).max(20).optional(), created_after: z.iso.datetime({ offset: true }).optional(), filter: z.string().max(500).optional(), prices_include_tax: z.boolean().optional(), retry_base_ms: z.number().int().min(1).max(60_000).optional() }).optional() }),
    handler: ({ tx, ctx, services, params, body }) => ch.updateConnection(tx, ctx, services, params.id, body),
  }),
  defineRoute({
    method: 'POST', url: '/v1/channels/:id/poll', summary: 'Poll an Amazon or eBay connection now (runs as a job)', tags: ['channels'], auth: 'orders:write',
    params: z.strictObject({ id: idParam('chc') }), handler: ({ tx, ctx, params }) => ch.requestPoll(tx, ctx, params.id),
  }),
  defineRoute({
    method: 'POST', url: '/v1/channels/:id/webhooks/shopify', summary: 'Shopify orders/create|updated|cancelled webhook (X-Shopify-Hmac-Sha256 verified first)', tags: ['channels'], auth: 'public', rawBody: true,
    params: z.strictObject({ id: idParam('chc') }), handler: ({ tx, services, req, params }) => ch.receiveWebhook(tx, services, req, params.id, 'shopify'),
  }),
  defineRoute({
    method: 'POST', url: '/v1/channels/:id/webhooks/woocommerce', summary: 'WooCommerce order webhook (X-WC-Webhook-Signature verified first)', tags: ['channels'], auth: 'public', rawBody: true,
    params: z.strictObject({ id: idParam('chc') }), handler: ({ tx, services, req, params }) => ch.receiveWebhook(tx, services, req, params.id, 'woocommerce'),
  }),
];
