import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbLabel, newParty, onPostgres, testRuntime, type Party, type TestRuntime } from '../../../test/helpers.ts';
import { systemContext } from '../../kernel/context.ts';
import { checkInventory, reserve } from '../inventory/index.ts';
import { setMarketCheckForTests } from './catalog.ts';

const fixture = (p: string) => readFileSync(new URL(`../../../data/fixtures/channels/${p}`, import.meta.url), 'utf8');
const sign = (secret: string, body: string) => createHmac('sha256', secret).update(body, 'utf8').digest('base64');

const berlin = { name: 'Maria Keller', line1: 'Torstraße 120', city: 'Berlin', postcode: '10119', country: 'DE', phone: '030 12345678' };

describe(`order hub (${dbLabel})`, () => {
  let rt: TestRuntime;
  let seller: Party, warehouseOrg: Party, otherSeller: Party;
  let own: string, dus: string;
  let server: Server;
  let base = '';
  const hits = new Map<string, number>();
  const api = (p: Party, method: string, url: string, payload?: unknown, headers: Record<string, string> = {}) => rt.app.inject({ method: method as any, url, headers: { ...p.headers, ...headers }, payload: payload as any });
  const ok = async (p: Party, method: string, url: string, payload?: unknown) => {
    const res = await api(p, method, url, payload);
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
    return res.json();
  };
  const stock = async (sku: string, qty: number, wh = dus) => ok(wh === dus ? warehouseOrg : seller, 'POST', '/v1/inventory/adjustments', { warehouse_id: wh, seller_org_id: seller.orgId, sku, kind: 'receipt', qty, reason: 'test stock' });
  const order = (extra: Record<string, unknown> = {}) => ({ buyer: { name: 'Maria Keller', email: 'maria@example.de' }, ship_to: berlin, currency: 'EUR', payment_status: 'paid', lines: [{ sku: 'ORD-A', qty: 2, unit_price: 1999, tax_lines: [{ title: 'VAT', rate: 0.19, amount: 760 }] }], shipping: 495, ...extra });

  beforeAll(async () => {
    rt = await testRuntime();
    setMarketCheckForTests(async (_tx, _org, codes) => ({ status: codes.includes('BLOCKED-1') ? 'blocked' : 'allowed', perSku: {}, reasons: codes.includes('BLOCKED-1') ? ['BLOCKED-1: [TEST-RULE] lithium batteries need UN38.3'] : [] }));
    [seller, warehouseOrg, otherSeller] = await Promise.all([newParty(rt, 'seller'), newParty(rt, 'warehouse'), newParty(rt, 'seller')]);
    const wh = (code: string, country: string) => ({ code, name: code, country, time_zone: 'Europe/Berlin', address: { line1: '1 Test Street', city: 'Test' } });
    own = (await ok(seller, 'POST', '/v1/warehouses', wh('OWN', 'CN'))).id;
    dus = (await ok(warehouseOrg, 'POST', '/v1/warehouses', wh('DUS', 'DE'))).id;
    await ok(warehouseOrg, 'POST', `/v1/warehouses/${dus}/sellers`, { seller_org_id: seller.orgId });
    await stock('ORD-A', 100);
    await stock('ORD-B', 5);
    await stock('ORD-B', 5, own);

    // a fake Amazon SP-API and eBay Fulfillment API serving the published fixtures
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const first = (k: string) => { const n = (hits.get(k) ?? 0) + 1; hits.set(k, n); return n === 1; };
      const json = (status: number, body: string, headers: Record<string, string> = {}) => { res.writeHead(status, { 'content-type': 'application/json', ...headers }); res.end(body); };
      if (url.pathname === '/orders/v0/orders') {
        if (url.searchParams.get('NextToken')) return json(200, JSON.stringify(JSON.parse(fixture('amazon-sp-api/getOrders.sandbox-static-1.json')).response));
        if (first('amazon-orders')) return json(429, '{"errors":[{"code":"QuotaExceeded"}]}', { 'retry-after': '1' });
        return json(200, JSON.stringify(JSON.parse(fixture('amazon-sp-api/getOrders.sandbox-static-2.json')).response));
      }
      if (/^\/orders\/v0\/orders\/[^/]+\/orderItems$/.test(url.pathname)) return json(200, JSON.stringify(JSON.parse(fixture('amazon-sp-api/getOrderItems.sandbox-static-1.json')).response));
      if (url.pathname === '/sell/fulfillment/v1/order') {
        const page = url.searchParams.get('offset') === '1' ? 'ebay/getOrders.page2.constructed.json' : 'ebay/getOrders.page1.constructed.json';
        return json(200, fixture(page).replaceAll('https://api.ebay.com', base));
      }
      json(404, '{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    setMarketCheckForTests(undefined);
    server?.closeAllConnections();
    await new Promise<void>((r) => server?.close(() => r()));
    await rt?.dispose();
  });

  it('POST /v1/orders: a paid order is validated, market-checked, reserved and accepted; the timeline and events follow', async () => {
    const o = await ok(seller, 'POST', '/v1/orders', order({ external_id: 'API-1' }));
    expect(o.status).toBe('accepted');
    expect(o.ship_to.phone).toBe('+493012345678'); // E.164
    expect(o.totals).toEqual({ subtotal: 3998, shipping: 495, tax: 760, discount: 0, total: 5253 });
    expect(o.reservations).toMatchObject([{ sku: 'ORD-A', warehouse_id: dus, qty: 2, status: 'active' }]);
    const tl = (await ok(seller, 'GET', `/v1/orders/${o.id}/timeline`)).data;
    expect(tl.map((t: any) => `${t.kind}:${t.to_state ?? ''}`)).toEqual(['created:draft', 'state:accepted']);
    const types = (await rt.db.query(`SELECT type FROM outbox WHERE entity_id = $1 ORDER BY id`, [o.id])).map((r: any) => r.type);
    expect(types).toEqual(['orders.order.created', 'orders.order.accepted']);
    const audit = await rt.db.query(`SELECT action FROM audit_log WHERE entity_id = $1 ORDER BY id`, [o.id]);
    expect(audit.map((a: any) => a.action)).toEqual(['order.create', 'order.accepted']);
    // the answer (built from what the INSERTs returned) is the order as GET shows it
    expect(o).toEqual(await ok(seller, 'GET', `/v1/orders/${o.id}`));
    // same external id again: the same order, not a second one
    const again = await ok(seller, 'POST', '/v1/orders', order({ external_id: 'API-1' }));
    expect(again.id).toBe(o.id);
    expect((await rt.db.one(`SELECT count(*)::int AS n FROM orders WHERE org_id = $1 AND external_id = 'API-1'`, [seller.orgId])).n).toBe(1);
  });

  it('bad ship-to is a clear field error: unknown country, impossible postcode, impossible phone', async () => {
    const unknown = await api(seller, 'POST', '/v1/orders', order({ ship_to: { ...berlin, country: 'XX' } }));
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors).toContainEqual(expect.objectContaining({ field: 'ship_to.country', message: expect.stringContaining('unknown country') }));
    const postcode = await api(seller, 'POST', '/v1/orders', order({ ship_to: { ...berlin, postcode: '1011' } }));
    expect(postcode.statusCode).toBe(400);
    expect(postcode.json().errors).toEqual([expect.objectContaining({ field: 'ship_to.postcode' })]);
    const phone = await api(seller, 'POST', '/v1/orders', order({ ship_to: { ...berlin, phone: '12' } }));
    expect(phone.json().errors).toEqual([expect.objectContaining({ field: 'ship_to.phone' })]);
    expect((await rt.db.one(`SELECT count(*)::int AS n FROM orders WHERE org_id = $1`, [seller.orgId])).n).toBe(1); // nothing written
  });

  it('state machine: illegal transitions name the allowed ones; hold/release; ship, deliver, complete; cancel releases stock', async () => {
    const o = await ok(seller, 'POST', '/v1/orders', order({ payment_status: 'pending' }));
    expect(o.status).toBe('pending_payment');
    const illegal = await api(seller, 'POST', `/v1/orders/${o.id}/transitions`, { to: 'delivered' });
    expect(illegal.statusCode).toBe(409);
    expect(illegal.json()).toMatchObject({ from: 'pending_payment', to: 'delivered', allowed: ['accepted', 'on_hold', 'cancelled', 'split', 'merged'] });
    expect(illegal.json().detail).toContain('allowed from "pending_payment": accepted, on_hold, cancelled');
    const held = await ok(seller, 'POST', `/v1/orders/${o.id}/hold`, { reason: 'fraud', note: 'new account, high value' });
    expect(held).toMatchObject({ status: 'on_hold', hold_reason: 'fraud', held_from: 'pending_payment' });
    expect((await ok(seller, 'POST', `/v1/orders/${o.id}/release`, {})).status).toBe('pending_payment');
    const paid = await ok(seller, 'POST', `/v1/orders/${o.id}/payment`, { status: 'paid' });
    expect(paid.status).toBe('accepted');
    const allocated = await ok(seller, 'POST', `/v1/orders/${o.id}/allocate`);
    expect(allocated.status).toBe('allocated');
    // the warehouse org now sees the order (record grant) and records the shipment
    expect((await ok(warehouseOrg, 'GET', '/v1/orders')).data.map((x: any) => x.id)).toContain(o.id);
    expect((await api(otherSeller, 'GET', `/v1/orders/${o.id}`)).statusCode).toBe(404);
    const part = await ok(warehouseOrg, 'POST', `/v1/orders/${o.id}/shipments`, { warehouse_id: dus, lines: [{ sku: 'ORD-A', qty: 1 }], carrier: 'DHL', tracking_number: 'JD0001' });
    expect(part.status).toBe('partially_shipped');
    const full = await ok(warehouseOrg, 'POST', `/v1/orders/${o.id}/shipments`, { warehouse_id: dus });
    expect(full).toMatchObject({ status: 'shipped', fulfilment_status: 'fulfilled' });
    expect((await api(seller, 'POST', `/v1/orders/${o.id}/cancel`, { reason: 'too late' })).statusCode).toBe(409);
    await ok(seller, 'POST', `/v1/orders/${o.id}/transitions`, { to: 'delivered' });
    expect((await ok(seller, 'POST', `/v1/orders/${o.id}/transitions`, { to: 'completed' })).status).toBe('completed');
    const tl = (await ok(seller, 'GET', `/v1/orders/${o.id}/timeline`)).data.filter((t: any) => t.kind === 'state').map((t: any) => t.to_state);
    expect(tl).toEqual(['pending_payment', 'on_hold', 'pending_payment', 'accepted', 'allocated', 'partially_shipped', 'shipped', 'delivered', 'completed']);

    const c = await ok(seller, 'POST', '/v1/orders', order({ lines: [{ sku: 'ORD-B', qty: 3, unit_price: 500 }] }));
    expect(c.status).toBe('accepted');
    const cancelled = await ok(seller, 'POST', `/v1/orders/${c.id}/cancel`, { reason: 'buyer changed mind' });
    expect(cancelled.reservations.every((r: any) => r.status === 'released')).toBe(true);
    expect((await checkInventory(rt.db)).ok).toBe(true);
  });

  it('market access blocked → on hold (compliance) with the reasons; a released hold is an audited override', async () => {
    await stock('BLOCKED-1', 10);
    const o = await ok(seller, 'POST', '/v1/orders', order({ lines: [{ sku: 'BLOCKED-1', qty: 1, unit_price: 2599 }] }));
    expect(o).toMatchObject({ status: 'on_hold', hold_reason: 'compliance' });
    expect(o.hold_detail.reasons).toEqual(['BLOCKED-1: [TEST-RULE] lithium batteries need UN38.3']);
    expect(o.reservations).toEqual([]);
    const released = await ok(seller, 'POST', `/v1/orders/${o.id}/release`, { note: 'UN38.3 report received' });
    expect(released.status).toBe('accepted');
    const tl = (await ok(seller, 'GET', `/v1/orders/${o.id}/timeline`)).data;
    expect(tl.at(-1).detail.compliance_override).toBe(true);
  });

  it('out of stock → on hold (stock); NO OVERSELL through the API: 10 units, 200 concurrent orders → exactly 10 accepted', async () => {
    await stock('HOT-API', 10);
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => api(seller, 'POST', '/v1/orders', order({ external_id: `HOT-${i}`, lines: [{ sku: 'HOT-API', qty: 1, unit_price: 999 }] }))));
    expect(results.every((r) => r.statusCode === 201)).toBe(true);
    const statuses = results.map((r) => r.json().status);
    expect(statuses.filter((s) => s === 'accepted')).toHaveLength(10);
    expect(statuses.filter((s) => s === 'on_hold')).toHaveLength(190);
    expect(results.find((r) => r.json().status === 'on_hold')!.json()).toMatchObject({ hold_reason: 'stock' });
    const level = (await ok(seller, 'GET', `/v1/inventory/stock?sku=HOT-API`)).data[0];
    expect(level).toMatchObject({ on_hand: 10, reserved: 10, available: 0 });
    // every order has the timeline and events of its own outcome (on PostgreSQL some were written
    // accepted from a plan, lost the stock at the reservation and were taken back to draft first)
    const ids = results.map((r) => r.json().id);
    const timelines = new Map((await rt.db.query(`SELECT order_id, string_agg(kind || ':' || COALESCE(to_state, ''), ',' ORDER BY seq) AS t FROM order_timeline WHERE order_id = ANY($1) GROUP BY order_id`, [ids])).map((r: any) => [r.order_id, r.t]));
    const events = new Map((await rt.db.query(`SELECT entity_id, string_agg(type, ',' ORDER BY id) AS t FROM outbox WHERE entity_id = ANY($1) GROUP BY entity_id`, [ids])).map((r: any) => [r.entity_id, r.t]));
    for (const r of results) {
      const { id, status } = r.json();
      expect(timelines.get(id)).toBe(`created:draft,state:${status}`);
      expect(events.get(id)).toBe(`orders.order.created,orders.order.${status}`);
    }
    expect((await checkInventory(rt.db)).ok).toBe(true);
  });

  it.skipIf(!onPostgres)('an order that loses its planned stock to a concurrent reservation goes on hold; nothing of the accepted state it was first written with remains', async () => {
    await stock('RACE-1', 1);
    let taken!: () => void, finish!: () => void;
    const takenP = new Promise<void>((r) => (taken = r));
    const gate = new Promise<void>((r) => (finish = r));
    // a rival takes the unit and keeps its transaction (and the row lock) open
    const rival = rt.db.transaction(async (tx) => {
      await reserve(tx, systemContext(seller.orgId, 'seller'), { orderId: 'ord_RIVAL', lines: [{ sku: 'RACE-1', qty: 1 }] });
      taken();
      await gate;
    });
    await takenP;
    // the order still sees the unit (uncommitted), plans it, is written accepted and waits for the row lock
    const pending = api(seller, 'POST', '/v1/orders', order({ external_id: 'RACE-ORDER', lines: [{ sku: 'RACE-1', qty: 1, unit_price: 999 }] }));
    const waitingForLock = async () => (await rt.db.one(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)).n > 0;
    for (let i = 0; i < 500 && !(await waitingForLock()); i++) await new Promise((r) => setTimeout(r, 10));
    expect(await waitingForLock()).toBe(true);
    finish();
    await rival;
    const res = await pending;
    expect(res.statusCode, res.body).toBe(201);
    const o = res.json();
    expect(o).toMatchObject({ status: 'on_hold', hold_reason: 'stock', held_from: 'pending_payment', reservations: [] });
    expect(o.hold_detail.shortages).toEqual([{ sku: 'RACE-1', warehouse_id: null, requested: 1, missing: 1 }]);
    expect(o.market_check).toMatchObject({ status: 'allowed' });
    const tl = (await ok(seller, 'GET', `/v1/orders/${o.id}/timeline`)).data;
    expect(tl.map((t: any) => `${t.kind}:${t.to_state ?? ''}`)).toEqual(['created:draft', 'state:on_hold']);
    expect((await rt.db.query(`SELECT type FROM outbox WHERE entity_id = $1 ORDER BY id`, [o.id])).map((r: any) => r.type)).toEqual(['orders.order.created', 'orders.order.on_hold']);
    expect((await rt.db.query(`SELECT action FROM audit_log WHERE entity_id = $1 ORDER BY id`, [o.id])).map((r: any) => r.action)).toEqual(['order.create', 'order.on_hold']);
    expect(o).toEqual(await ok(seller, 'GET', `/v1/orders/${o.id}`));
    expect((await checkInventory(rt.db)).ok).toBe(true);
  });

  it('POST /v1/orders/batch: each order taken as POST /v1/orders would take it; invalid ones answered with their own problem; repeats are updates', async () => {
    const before = (await rt.db.one(`SELECT count(*)::int AS n FROM orders WHERE org_id = $1`, [seller.orgId])).n;
    const batch = [
      order({ external_id: 'B-0' }),
      order({ external_id: 'B-1', ship_to: { ...berlin, postcode: '1011' } }),
      order({ external_id: 'B-2', payment_status: 'pending' }),
      order({ external_id: 'B-3', lines: [{ sku: 'BLOCKED-1', qty: 1, unit_price: 2599 }] }),
      order({ external_id: 'API-1' }), // exists since the first test
      order({ external_id: 'B-0', tags: ['again'] }), // twice in the batch
      order({ external_id: 'B-6', accept: false }),
    ];
    const res = await api(seller, 'POST', '/v1/orders/batch', { orders: batch });
    expect(res.statusCode, res.body).toBe(201);
    const r = res.json();
    expect(r).toMatchObject({ created: 4, updated: 2, failed: 1 });
    expect(r.data.map((d: any) => d.index)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(r.data.map((d: any) => d.outcome ?? 'error')).toEqual(['created', 'error', 'created', 'created', 'updated', 'updated', 'created']);
    expect(r.data.map((d: any) => d.order?.status)).toEqual(['accepted', undefined, 'pending_payment', 'on_hold', 'accepted', 'accepted', 'pending_payment']);
    expect(r.data[3].order.hold_reason).toBe('compliance');
    expect(r.data[1].error).toMatchObject({ status: 400, errors: [expect.objectContaining({ field: 'orders.1.ship_to.postcode' })] });
    expect(r.data[5].order.id).toBe(r.data[0].order.id);
    expect((await rt.db.one(`SELECT count(*)::int AS n FROM orders WHERE org_id = $1`, [seller.orgId])).n).toBe(before + 4);
    // a batch order is the order a single POST makes: state, reservation, timeline, events, audit
    const b0 = await ok(seller, 'GET', `/v1/orders/${r.data[0].order.id}`);
    expect(b0).toMatchObject({ external_id: 'B-0', status: 'accepted', tags: ['again'], totals: { total: 5253 }, ship_to: { phone: '+493012345678' } });
    expect(b0.reservations).toMatchObject([{ sku: 'ORD-A', warehouse_id: dus, qty: 2, status: 'active' }]);
    const tl = (await ok(seller, 'GET', `/v1/orders/${b0.id}/timeline`)).data.map((t: any) => `${t.kind}:${t.to_state ?? ''}`);
    expect(tl).toEqual(['created:draft', 'state:accepted', 'channel:']);
    expect((await rt.db.query(`SELECT type FROM outbox WHERE entity_id = $1 ORDER BY id`, [b0.id])).map((x: any) => x.type)).toEqual(['orders.order.created', 'orders.order.accepted', 'orders.order.updated']);
    expect((await rt.db.query(`SELECT action FROM audit_log WHERE entity_id = $1 ORDER BY id`, [b0.id])).map((x: any) => x.action)).toEqual(['order.create', 'order.accepted']);
    expect((await ok(seller, 'GET', `/v1/orders/${r.data[3].order.id}`)).hold_detail.reasons).toEqual(['BLOCKED-1: [TEST-RULE] lithium batteries need UN38.3']);
    // the same Idempotency-Key and body: the first answer again, nothing new
    const key = { 'idempotency-key': 'batch-key-1' };
    const first = await api(seller, 'POST', '/v1/orders/batch', { orders: [order({ external_id: 'B-IDEM' })] }, key);
    const replay = await api(seller, 'POST', '/v1/orders/batch', { orders: [order({ external_id: 'B-IDEM' })] }, key);
    expect(replay.statusCode).toBe(201);
    expect(replay.json()).toEqual(first.json());
    expect((await rt.db.one(`SELECT count(*)::int AS n FROM orders WHERE org_id = $1 AND external_id = 'B-IDEM'`, [seller.orgId])).n).toBe(1);
    // a malformed order fails the whole request, naming it; nothing is written
    const bad = await api(seller, 'POST', '/v1/orders/batch', { orders: [order({ external_id: 'B-X1' }), { ...order({ external_id: 'B-X2' }), colour: 'red' }] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual([expect.objectContaining({ field: 'orders.1.colour' })]);
    expect((await api(seller, 'POST', '/v1/orders/batch', { orders: [] })).statusCode).toBe(400);
    expect((await rt.db.one(`SELECT count(*)::int AS n FROM orders WHERE org_id = $1 AND external_id LIKE 'B-X%'`, [seller.orgId])).n).toBe(0);
    expect((await checkInventory(rt.db)).ok).toBe(true);
  });

  it('NO OVERSELL in batches: 10 units, 10 concurrent batches of 20 orders with the SKUs in either order → exactly 10 accepted, no deadlock', async () => {
    await stock('HOT-BATCH', 10);
    const line = (sku: string) => ({ sku, qty: 1, unit_price: 999 });
    const batches = Array.from({ length: 10 }, (_, b) => ({
      orders: Array.from({ length: 20 }, (_, i) => order({ external_id: `HB-${b}-${i}`, lines: (b + i) % 2 ? [line('HOT-BATCH'), line('ORD-A')] : [line('ORD-A'), line('HOT-BATCH')] })),
    }));
    const results = await Promise.all(batches.map((body) => api(seller, 'POST', '/v1/orders/batch', body)));
    for (const res of results) expect(res.statusCode, res.body).toBe(201);
    const orders = results.flatMap((res) => res.json().data.map((d: any) => d.order));
    expect(orders).toHaveLength(200);
    expect(orders.filter((o: any) => o.status === 'accepted')).toHaveLength(10);
    expect(orders.filter((o: any) => o.status === 'on_hold' && o.hold_reason === 'stock')).toHaveLength(190);
    expect((await ok(seller, 'GET', `/v1/inventory/stock?sku=HOT-BATCH`)).data[0]).toMatchObject({ on_hand: 10, reserved: 10, available: 0 });
    const ids = orders.map((o: any) => o.id);
    const timelines = new Map((await rt.db.query(`SELECT order_id, string_agg(kind || ':' || COALESCE(to_state, ''), ',' ORDER BY seq) AS t FROM order_timeline WHERE order_id = ANY($1) GROUP BY order_id`, [ids])).map((x: any) => [x.order_id, x.t]));
    const reserved = new Map((await rt.db.query(`SELECT order_id, sum(qty)::int AS q FROM inv_reservations WHERE order_id = ANY($1) AND status = 'active' GROUP BY order_id`, [ids])).map((x: any) => [x.order_id, x.q]));
    for (const o of orders) {
      expect(timelines.get(o.id)).toBe(`created:draft,state:${o.status}`);
      expect(reserved.get(o.id) ?? 0).toBe(o.status === 'accepted' ? 2 : 0);
    }
    expect((await checkInventory(rt.db)).ok).toBe(true);
  });

  it('split across warehouses and merge orders of the same buyer and address, with lineage and exact money', async () => {
    const o = await ok(seller, 'POST', '/v1/orders', order({ lines: [{ sku: 'ORD-B', qty: 6, unit_price: 333, tax_lines: [{ title: 'VAT', amount: 380 }] }], shipping: 1001 }));
    expect(o.status).toBe('accepted');
    const line = o.lines[0].id;
    const s = await ok(seller, 'POST', `/v1/orders/${o.id}/split`, { parts: [{ warehouse_id: dus, lines: [{ line_id: line, qty: 4 }] }, { warehouse_id: own, lines: [{ line_id: line, qty: 2 }] }] });
    expect(s.status).toBe('split');
    const [a, b] = s.children;
    expect([a.status, b.status]).toEqual(['accepted', 'accepted']);
    expect(a.reservations[0]).toMatchObject({ warehouse_id: dus, qty: 4 });
    expect(b.reservations[0]).toMatchObject({ warehouse_id: own, qty: 2 });
    expect(a.totals.subtotal + b.totals.subtotal).toBe(o.totals.subtotal);
    expect(a.totals.shipping + b.totals.shipping).toBe(1001);
    expect(a.totals.total + b.totals.total).toBe(o.totals.total);
    expect(a.lines[0].tax_lines[0].amount + b.lines[0].tax_lines[0].amount).toBe(380);
    expect(a.parent_order_id).toBe(o.id);
    expect((await ok(seller, 'GET', `/v1/orders/${o.id}`)).lineage.map((l: any) => l.result_order_id).sort()).toEqual([a.id, b.id].sort());

    const m1 = await ok(seller, 'POST', '/v1/orders', order({ payment_status: 'pending', lines: [{ sku: 'ORD-A', qty: 1, unit_price: 1000 }] }));
    const m2 = await ok(seller, 'POST', '/v1/orders', order({ payment_status: 'pending', lines: [{ sku: 'ORD-A', qty: 2, unit_price: 1000 }] }));
    const other = await ok(seller, 'POST', '/v1/orders', order({ payment_status: 'pending', ship_to: { ...berlin, line1: 'Anderestraße 1' } }));
    const candidates = (await ok(seller, 'GET', '/v1/orders/merge-candidates')).data;
    expect(candidates.some((c: any) => c.order_ids.includes(m1.id) && c.order_ids.includes(m2.id) && !c.order_ids.includes(other.id))).toBe(true);
    const refused = await api(seller, 'POST', '/v1/orders/merge', { order_ids: [m1.id, other.id] });
    expect(refused.statusCode).toBe(422);
    const merged = await ok(seller, 'POST', '/v1/orders/merge', { order_ids: [m1.id, m2.id] });
    expect(merged.lines.map((l: any) => l.qty)).toEqual([1, 2]);
    expect(merged.totals.total).toBe(m1.totals.total + m2.totals.total);
    expect(merged.lineage.map((l: any) => l.source_order_id).sort()).toEqual([m1.id, m2.id].sort());
    expect((await ok(seller, 'GET', `/v1/orders/${m1.id}`))).toMatchObject({ status: 'merged', merged_into: merged.id });
    expect((await checkInventory(rt.db)).ok).toBe(true);
  });

  it('Shopify webhooks: verified before anything is written; duplicates never create two orders; update and cancel apply to the order', async () => {
    const conn = await ok(seller, 'POST', '/v1/channels', { channel: 'shopify', name: 'Shop', webhook_secret: 'shpss_test_secret', config: { shop_domain: 'x.myshopify.com' } });
    expect(conn).not.toHaveProperty('webhook_secret');
    for (const sku of ['IPOD2008GREEN', 'IPOD2008RED', 'IPOD2008BLACK']) await stock(sku, 5);
    const body = fixture('shopify/sdk-fixture.order.json');
    const headers = (topic: string, b: string, id: string) => ({ 'content-type': 'application/json', 'x-shopify-hmac-sha256': sign('shpss_test_secret', b), 'x-shopify-topic': topic, 'x-shopify-shop-domain': 'x.myshopify.com', 'x-shopify-api-version': '2024-01', 'x-shopify-webhook-id': id });
    const url = `/v1/channels/${conn.id}/webhooks/shopify`;
    const before = await rt.db.one(`SELECT (SELECT count(*)::int FROM orders) AS o, (SELECT count(*)::int FROM outbox) AS e`);
    const forged = await rt.app.inject({ method: 'POST', url, headers: { ...headers('orders/create', body, 'w-0'), 'x-shopify-hmac-sha256': sign('wrong', body) }, payload: body });
    expect(forged.statusCode).toBe(401);
    const tampered = await rt.app.inject({ method: 'POST', url, headers: headers('orders/create', body, 'w-0'), payload: body.replace('"total_price"', '"total_price_x"') });
    expect(tampered.statusCode).toBe(401);
    expect(await rt.db.one(`SELECT (SELECT count(*)::int FROM orders) AS o, (SELECT count(*)::int FROM outbox) AS e`)).toEqual(before);

    const created = await rt.app.inject({ method: 'POST', url, headers: headers('orders/create', body, 'w-1'), payload: body });
    expect(created.statusCode, created.body).toBe(200);
    const orderId = created.json().order_id;
    // the same delivery again, and the same order under another delivery id (Shopify retries both ways)
    expect((await rt.app.inject({ method: 'POST', url, headers: headers('orders/create', body, 'w-1'), payload: body })).json()).toMatchObject({ duplicate: true });
    expect((await rt.app.inject({ method: 'POST', url, headers: headers('orders/create', body, 'w-2'), payload: body })).json()).toMatchObject({ order_id: orderId, outcome: 'updated' });
    const [row] = await rt.db.query(`SELECT count(*)::int AS n FROM orders WHERE channel = 'shopify' AND external_id = '450789469'`);
    expect(row.n).toBe(1);
    const o = await ok(seller, 'GET', `/v1/orders/${orderId}`);
    expect(o).toMatchObject({ channel: 'shopify', external_number: '#1001', status: 'accepted', currency: 'USD' });
    expect((o.channel_payload.order ?? o.channel_payload).id).toBe(450789469); // kept verbatim

    const upd = JSON.parse(body);
    (upd.order ?? upd).tags = 'vip, repeat';
    (upd.order ?? upd).updated_at = '2008-01-10T12:00:00-05:00';
    const updBody = JSON.stringify(upd);
    expect((await rt.app.inject({ method: 'POST', url, headers: headers('orders/updated', updBody, 'w-3'), payload: updBody })).json().outcome).toBe('updated');
    expect((await ok(seller, 'GET', `/v1/orders/${orderId}`)).tags).toEqual(['vip', 'repeat']);
    const cancel = JSON.parse(updBody);
    Object.assign(cancel.order ?? cancel, { cancelled_at: '2008-01-10T13:00:00-05:00', cancel_reason: 'customer', updated_at: '2008-01-10T13:00:00-05:00' });
    const cancelBody = JSON.stringify(cancel);
    expect((await rt.app.inject({ method: 'POST', url, headers: headers('orders/cancelled', cancelBody, 'w-4'), payload: cancelBody })).json().outcome).toBe('cancelled');
    const after = await ok(seller, 'GET', `/v1/orders/${orderId}`);
    expect(after.status).toBe('cancelled');
    expect(after.reservations.every((r: any) => r.status === 'released')).toBe(true);
    // a stale update (older updated_at) arriving late changes nothing
    expect((await rt.app.inject({ method: 'POST', url, headers: headers('orders/updated', body, 'w-5'), payload: body })).json().outcome).toBe('cancelled' === after.status ? 'stale' : 'updated');
  });

  it('WooCommerce webhook with X-WC-Webhook-Signature', async () => {
    const conn = await ok(seller, 'POST', '/v1/channels', { channel: 'woocommerce', name: 'Woo', webhook_secret: 'woo-secret-123' });
    const body = fixture('woocommerce/order.create.response.json');
    const h = (b: string, id: string, secret = 'woo-secret-123') => ({ 'content-type': 'application/json', 'x-wc-webhook-signature': sign(secret, b), 'x-wc-webhook-topic': 'order.created', 'x-wc-webhook-delivery-id': id });
    const url = `/v1/channels/${conn.id}/webhooks/woocommerce`;
    expect((await rt.app.inject({ method: 'POST', url, headers: h(body, 'd1', 'nope'), payload: body })).statusCode).toBe(401);
    const r = await rt.app.inject({ method: 'POST', url, headers: h(body, 'd1'), payload: body });
    expect(r.statusCode, r.body).toBe(200);
    const again = await rt.app.inject({ method: 'POST', url, headers: h(body, 'd2'), payload: body });
    expect(again.json().order_id).toBe(r.json().order_id);
    const o = await ok(seller, 'GET', `/v1/orders/${r.json().order_id}`);
    expect(o).toMatchObject({ channel: 'woocommerce', external_id: '727', status: 'on_hold', hold_reason: 'stock' });
  });

  it('Amazon and eBay polling jobs: NextToken and next-page pagination, 429 retried, re-polls do not duplicate', async () => {
    const amazon = await ok(seller, 'POST', '/v1/channels', { channel: 'amazon', name: 'Amazon', access_token: 'Atza|t', config: { endpoint: base, marketplace_ids: ['ATVPDKIKX0DER'] } });
    const ebay = await ok(seller, 'POST', '/v1/channels', { channel: 'ebay', name: 'eBay', access_token: 'v^1.1#t', config: { endpoint: base } });
    await stock('TL-MUG-BLUE', 10);
    for (const c of [amazon, ebay]) await ok(seller, 'POST', `/v1/channels/${c.id}/poll`);
    for (let i = 0; i < 5 && (await rt.jobs.runDue(10)) > 0; i++);
    const a = await ok(seller, 'GET', `/v1/channels/${amazon.id}`);
    expect(a.last_poll.retries).toBe(1); // the 429
    expect(a.last_poll.waits_ms).toEqual([1000]);
    const amazonOrders = (await ok(seller, 'GET', '/v1/orders?channel=amazon')).data;
    // the fake server answers every getOrderItems with the one published items page (of 902-1845936-5435065):
    // the other two orders are reported as unmappable in the poll summary, not half-imported
    expect(amazonOrders.map((o: any) => o.external_id)).toEqual(['902-1845936-5435065']);
    expect(a.last_poll.orders.filter((x: any) => x.outcome === 'unmappable').map((x: any) => x.key).sort()).toEqual(['902-3159896-1390916', '902-8745147-1934268']);
    // SP-API withholds the address without the PII role: on hold for the address, not lost
    expect(amazonOrders.every((o: any) => o.status === 'on_hold' && o.hold_reason === 'address')).toBe(true);
    const ebayOrders = (await ok(seller, 'GET', '/v1/orders?channel=ebay')).data;
    expect(ebayOrders.map((o: any) => o.external_id).sort()).toEqual(['05-10293-84756', '27-11223-34455']);
    // poll again: same orders, no duplicates
    await rt.db.query(`DELETE FROM jobs WHERE kind = 'orders.channel.poll'`);
    for (const c of [amazon, ebay]) await ok(seller, 'POST', `/v1/channels/${c.id}/poll`);
    for (let i = 0; i < 5 && (await rt.jobs.runDue(10)) > 0; i++);
    expect((await ok(seller, 'GET', '/v1/orders?channel=amazon,ebay')).data).toHaveLength(3);
  });

  it('CSV import: dry run writes nothing; any error rejects the whole file; then all orders at once', async () => {
    const csv = fixture('csv/orders.sample.csv');
    const count = async () => (await rt.db.one(`SELECT count(*)::int AS n FROM orders WHERE channel = 'csv'`)).n;
    const dry = await rt.app.inject({ method: 'POST', url: '/v1/orders/import?dry_run=true', headers: { ...seller.headers, 'content-type': 'text/csv' }, payload: csv });
    expect(dry.statusCode, dry.body).toBe(201);
    expect(dry.json().dry_run).toBe(true);
    expect(dry.json().would_create).toBeGreaterThan(1);
    expect(await count()).toBe(0);
    const broken = csv.replace(/\n([^\n]*)$/, (m) => m.replace(/,NL,|,DE,|,US,|,GB,|,FR,/, ',ZZ,'));
    const bad = await rt.app.inject({ method: 'POST', url: '/v1/orders/import', headers: { ...seller.headers, 'content-type': 'text/csv' }, payload: broken + '\nSO-X,2024-05-02,EUR,,,,A,B,,C,,DE,TL-X,x,notanumber,1.00,,,,,,paid,,\n' });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errors.length).toBeGreaterThan(0);
    expect(await count()).toBe(0);
    const good = await rt.app.inject({ method: 'POST', url: '/v1/orders/import', headers: { ...seller.headers, 'content-type': 'text/csv' }, payload: csv });
    expect(good.statusCode, good.body).toBe(201);
    expect(await count()).toBe(dry.json().would_create);
    const twice = await rt.app.inject({ method: 'POST', url: '/v1/orders/import', headers: { ...seller.headers, 'content-type': 'text/csv' }, payload: csv });
    expect(twice.json().created).toBe(0);
    expect(await count()).toBe(dry.json().would_create);
  });

  it('tenancy: another seller sees no orders, channels or views; list filters and search work', async () => {
    expect((await ok(otherSeller, 'GET', '/v1/orders')).data).toEqual([]);
    expect((await ok(otherSeller, 'GET', '/v1/channels')).data).toEqual([]);
    const view = await ok(seller, 'POST', '/v1/orders/views', { name: 'On hold', filters: { status: 'on_hold' } });
    expect((await ok(otherSeller, 'GET', '/v1/orders/views')).data).toEqual([]);
    expect((await api(otherSeller, 'DELETE', `/v1/orders/views/${view.id}`)).statusCode).toBe(404);
    const held = (await ok(seller, 'GET', '/v1/orders?status=on_hold&limit=500')).data;
    expect(held.length).toBeGreaterThan(0);
    expect(held.every((o: any) => o.status === 'on_hold')).toBe(true);
    expect((await ok(seller, 'GET', '/v1/orders?q=%231001')).data.map((o: any) => o.channel)).toEqual(['shopify']);
  });
});
