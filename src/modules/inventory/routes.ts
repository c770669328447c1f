import { z } from 'zod';
import { defineRoute, idParam, type RouteDef } from '../../http/route.ts';
import { isIsoCountry } from '../../engines/channels/index.ts';
import { forbidden } from '../../kernel/errors.ts';
import * as svc from './service.ts';
import { checkInventory, MOVEMENT_KINDS, reservationsOf } from './stock.ts';

const tags = ['inventory'];
const sku = z.string().min(1).max(120);
const qty = z.number().int().positive().max(10_000_000);
const country = z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code like "DE"').refine(isIsoCountry, 'not an assigned ISO 3166-1 country code');
const limit = z.coerce.number().int().min(1).max(500).default(100);
const cursor = z.string().max(200).optional();
const address = z.strictObject({ line1: z.string().min(1).max(200), line2: z.string().max(200).optional(), city: z.string().min(1).max(100), region: z.string().max(100).optional(), postcode: z.string().max(20).optional() });
const capabilities = z.array(z.enum(svc.CAPABILITIES)).max(10);
const lines = z.array(z.strictObject({ sku, qty })).min(1).max(500);

export const inventoryRoutes: RouteDef[] = [
  // ----- warehouses -----
  defineRoute({
    method: 'GET', url: '/v1/warehouses', summary: 'Warehouses you run or that serve you', tags, auth: 'inventory:read',
    async handler({ tx, ctx }) { return { data: await svc.listWarehouses(tx, ctx.orgId) }; },
  }),
  defineRoute({
    method: 'POST', url: '/v1/warehouses', summary: 'Add a warehouse your organisation runs', tags, auth: 'inventory:admin', creates: true,
    body: z.strictObject({ code: z.string().min(1).max(30).regex(/^[A-Za-z0-9_.-]+$/), name: z.string().min(1).max(200), country, time_zone: z.string().min(1).max(60), address, capabilities: capabilities.optional() }),
    handler: ({ tx, ctx, body }) => svc.createWarehouse(tx, ctx, body),
  }),
  defineRoute({
    method: 'GET', url: '/v1/warehouses/:id', summary: 'One warehouse (its operator also sees the sellers it serves)', tags, auth: 'inventory:read',
    params: z.strictObject({ id: idParam('wh') }),
    handler: ({ tx, ctx, params }) => svc.getWarehouse(tx, ctx, params.id),
  }),
  defineRoute({
    method: 'PATCH', url: '/v1/warehouses/:id', summary: 'Change a warehouse you run', tags, auth: 'inventory:admin',
    params: z.strictObject({ id: idParam('wh') }),
    body: z.strictObject({ name: z.string().min(1).max(200).optional(), time_zone: z.string().min(1).max(60).optional(), address: address.optional(), capabilities: capabilities.optional(), active: z.boolean().optional() }),
    handler: ({ tx, ctx, params, body }) => svc.updateWarehouse(tx, ctx, params.id, body),
  }),
  defineRoute({
    method: 'POST', url: '/v1/warehouses/:id/sellers', summary: 'Serve a seller from this warehouse (the seller then sees its stock here)', tags, auth: 'inventory:admin',
    params: z.strictObject({ id: idParam('wh') }),
    body: z.strictObject({ seller_org_id: idParam('org') }),
    handler: ({ tx, ctx, params, body }) => svc.grantSeller(tx, ctx, params.id, body.seller_org_id),
  }),
  defineRoute({
    method: 'DELETE', url: '/v1/warehouses/:id/sellers/:org', summary: 'Stop serving a seller (no stock may remain)', tags, auth: 'inventory:admin',
    params: z.strictObject({ id: idParam('wh'), org: idParam('org') }),
    handler: ({ tx, ctx, params }) => svc.revokeSeller(tx, ctx, params.id, params.org),
  }),

  // ----- stock -----
  defineRoute({
    method: 'GET', url: '/v1/inventory/stock', summary: 'Stock per SKU × warehouse: on hand, reserved, available, in transit, safety', tags, auth: 'inventory:read',
    query: z.strictObject({ sku: z.string().max(120).optional(), warehouse_id: idParam('wh').optional(), seller_org_id: idParam('org').optional(), low: z.enum(['true', 'false']).optional(), limit, cursor }),
    handler: ({ tx, ctx, query }) => svc.listStock(tx, ctx, { ...query, low: query.low === 'true' }),
  }),
  defineRoute({
    method: 'GET', url: '/v1/inventory/movements', summary: 'Immutable stock movements, newest first', tags, auth: 'inventory:read',
    query: z.strictObject({ sku: z.string().max(120).optional(), warehouse_id: idParam('wh').optional(), reference_id: z.string().max(100).optional(), kind: z.enum(MOVEMENT_KINDS).optional(), limit, cursor }),
    handler: ({ tx, ctx, query }) => svc.listMovements(tx, ctx, query),
  }),
  defineRoute({
    method: 'GET', url: '/v1/inventory/reservations', summary: 'Reservations of one order', tags, auth: 'inventory:read',
    query: z.strictObject({ order_id: idParam('ord') }),
    async handler({ tx, ctx, query }) { return { data: await reservationsOf(tx, ctx.orgId, query.order_id) }; },
  }),
  defineRoute({
    method: 'GET', url: '/v1/inventory/alerts', summary: 'Low-stock and stock-out alerts', tags, auth: 'inventory:read',
    query: z.strictObject({ open: z.enum(['true', 'false']).default('true') }),
    async handler({ tx, ctx, query }) { return { data: await svc.listAlerts(tx, ctx, query.open === 'true') }; },
  }),
  defineRoute({
    method: 'PUT', url: '/v1/inventory/safety-stock', summary: 'Set the safety stock of a SKU in a warehouse', tags, auth: 'inventory:write',
    body: z.strictObject({ warehouse_id: idParam('wh'), sku, safety: z.number().int().min(0).max(10_000_000) }),
    handler: ({ tx, ctx, body }) => svc.setSafetyStock(tx, ctx, body),
  }),
  defineRoute({
    method: 'POST', url: '/v1/inventory/adjustments', summary: 'Record a direct receipt, damage or correction (warehouse operator)', tags, auth: 'inventory:write', creates: true,
    body: z.strictObject({ warehouse_id: idParam('wh'), seller_org_id: idParam('org').optional(), sku, kind: z.enum(['receipt', 'damage', 'count_adjustment']), qty: z.number().int().min(-10_000_000).max(10_000_000).refine((n) => n !== 0, 'must not be 0'), reason: z.string().min(1).max(500), reference: z.string().max(100).optional() }),
    handler: ({ tx, ctx, body }) => svc.adjustStock(tx, ctx, body),
  }),
  defineRoute({
    method: 'POST', url: '/v1/inventory/counts', summary: 'Record a stock count (differences become count adjustments)', tags, auth: 'inventory:write', creates: true,
    body: z.strictObject({ warehouse_id: idParam('wh'), seller_org_id: idParam('org').optional(), lines: z.array(z.strictObject({ sku, counted: z.number().int().min(0).max(10_000_000) })).min(1).max(2000), note: z.string().max(500).optional() }),
    handler: ({ tx, ctx, body }) => svc.recordCount(tx, ctx, body),
  }),

  // ----- inbound shipments, receipts, transfers -----
  defineRoute({
    method: 'GET', url: '/v1/inventory/inbound', summary: 'Inbound shipments (ASNs and transfers) you send or receive', tags, auth: 'inventory:read',
    query: z.strictObject({ status: z.enum(['in_transit', 'partially_received', 'received', 'cancelled']).optional(), warehouse_id: idParam('wh').optional(), limit, cursor }),
    handler: ({ tx, ctx, query }) => svc.listInbound(tx, ctx, query),
  }),
  defineRoute({
    method: 'POST', url: '/v1/inventory/inbound', summary: 'Announce an inbound shipment (ASN) to a warehouse', tags, auth: 'inventory:write', creates: true,
    body: z.strictObject({ warehouse_id: idParam('wh'), reference: z.string().min(1).max(100), carrier: z.string().max(100).optional(), tracking_number: z.string().max(100).optional(), expected_at: z.iso.date().optional(), lines, note: z.string().max(1000).optional() }),
    handler: ({ tx, ctx, body }) => svc.createInbound(tx, ctx, body),
  }),
  defineRoute({
    method: 'GET', url: '/v1/inventory/inbound/:id', summary: 'One inbound shipment with its receipts', tags, auth: 'inventory:read',
    params: z.strictObject({ id: idParam('asn') }),
    handler: ({ tx, ctx, params }) => svc.getInbound(tx, ctx, params.id),
  }),
  defineRoute({
    method: 'POST', url: '/v1/inventory/inbound/:id/receipts', summary: 'Scan in an inbound shipment (receiving warehouse): quantities, damage, discrepancies', tags, auth: 'inventory:write', creates: true,
    params: z.strictObject({ id: idParam('asn') }),
    body: z.strictObject({ lines: z.array(z.strictObject({ sku, received: z.number().int().min(0).max(10_000_000), damaged: z.number().int().min(0).max(10_000_000).optional() })).min(1).max(500), note: z.string().max(1000).optional(), close: z.boolean().optional() }),
    handler: ({ tx, ctx, params, body }) => svc.receiveInbound(tx, ctx, params.id, body),
  }),
  defineRoute({
    method: 'POST', url: '/v1/inventory/inbound/:id/cancel', summary: 'Cancel an inbound shipment not yet received (seller)', tags, auth: 'inventory:write',
    params: z.strictObject({ id: idParam('asn') }),
    body: z.strictObject({ reason: z.string().min(1).max(500) }),
    handler: ({ tx, ctx, params, body }) => svc.cancelInbound(tx, ctx, params.id, body.reason),
  }),
  defineRoute({
    method: 'GET', url: '/v1/inventory/receipts', summary: 'Receipts: what the warehouse scanned in, with discrepancies', tags, auth: 'inventory:read',
    query: z.strictObject({ warehouse_id: idParam('wh').optional(), limit, cursor }),
    handler: ({ tx, ctx, query }) => svc.listReceipts(tx, ctx, query),
  }),
  defineRoute({
    method: 'POST', url: '/v1/inventory/transfers', summary: 'Move stock between two warehouses (received at the destination like an ASN)', tags, auth: 'inventory:write', creates: true,
    body: z.strictObject({ from_warehouse_id: idParam('wh'), to_warehouse_id: idParam('wh'), reference: z.string().max(100).optional(), carrier: z.string().max(100).optional(), tracking_number: z.string().max(100).optional(), lines, note: z.string().max(1000).optional() }),
    handler: ({ tx, ctx, body }) => svc.createTransfer(tx, ctx, body),
  }),
  defineRoute({
    method: 'GET', url: '/v1/inventory/check', summary: 'Prove levels equal the sum of movements (platform-wide; operator)', tags, auth: 'platform:admin',
    async handler({ tx, ctx }) {
      if (ctx.orgKind !== 'operator') throw forbidden('Only the platform operator runs the platform-wide inventory check');
      return checkInventory(tx);
    },
  }),
];
