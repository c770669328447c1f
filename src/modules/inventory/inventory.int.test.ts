import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbLabel, newParty, onPostgres, testRuntime, type Party, type TestRuntime } from '../../../test/helpers.ts';
import { systemContext } from '../../kernel/context.ts';
import { inventoryCli } from './cli.ts';
import { checkInventory, consume, planReservation, release, reserve, reserveAsPlanned, stockFor, StockShortage, type ReserveLine } from './stock.ts';

describe(`inventory (${dbLabel})`, () => {
  let rt: TestRuntime;
  let seller: Party, warehouseOrg: Party, otherSeller: Party;
  let ownWh: string, dus: string, ewr: string;
  const api = (p: Party, method: string, url: string, payload?: unknown) => rt.app.inject({ method: method as any, url, headers: p.headers, payload: payload as any });
  const ok = async (p: Party, method: string, url: string, payload?: unknown) => {
    const res = await api(p, method, url, payload);
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
    return res.json();
  };
  const level = async (p: Party, sku: string, wh: string) => (await ok(p, 'GET', `/v1/inventory/stock?sku=${sku}&warehouse_id=${wh}`)).data.find((r: any) => r.sku === sku && r.warehouse_id === wh);
  const warehouse = (code: string, country: string, tz: string) => ({ code, name: `Warehouse ${code}`, country, time_zone: tz, address: { line1: '1 Test Street', city: 'Test', postcode: '10115' }, capabilities: ['returns', 'qc'] });

  beforeAll(async () => {
    rt = await testRuntime();
    [seller, warehouseOrg, otherSeller] = await Promise.all([newParty(rt, 'seller'), newParty(rt, 'warehouse'), newParty(rt, 'seller')]);
    ownWh = (await ok(seller, 'POST', '/v1/warehouses', warehouse('SZ', 'CN', 'Asia/Shanghai'))).id;
    dus = (await ok(warehouseOrg, 'POST', '/v1/warehouses', warehouse('DUS', 'DE', 'Europe/Berlin'))).id;
    ewr = (await ok(warehouseOrg, 'POST', '/v1/warehouses', warehouse('EWR', 'US', 'America/New_York'))).id;
    await ok(warehouseOrg, 'POST', `/v1/warehouses/${dus}/sellers`, { seller_org_id: seller.orgId });
    await ok(warehouseOrg, 'POST', `/v1/warehouses/${ewr}/sellers`, { seller_org_id: seller.orgId });
  });
  afterAll(() => rt?.dispose());

  it('warehouses: the seller sees its own and the granted ones; others see none of them', async () => {
    const mine = (await ok(seller, 'GET', '/v1/warehouses')).data.map((w: any) => w.id).sort();
    expect(mine).toEqual([ownWh, dus, ewr].sort());
    expect((await ok(otherSeller, 'GET', '/v1/warehouses')).data).toEqual([]);
    expect((await api(otherSeller, 'GET', `/v1/warehouses/${dus}`)).statusCode).toBe(404);
    const detail = await ok(warehouseOrg, 'GET', `/v1/warehouses/${dus}`);
    expect(detail.sellers.map((s: any) => s.seller_org_id)).toEqual([seller.orgId]);
    const bad = await api(seller, 'POST', '/v1/warehouses', { ...warehouse('X', 'DE', 'Mars/Olympus'), code: 'BADTZ' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('time_zone');
  });

  it('ASN → receipt by the warehouse org with discrepancies; levels follow; the seller cannot receive', async () => {
    const asn = await ok(seller, 'POST', '/v1/inventory/inbound', { warehouse_id: dus, reference: 'ASN-1', lines: [{ sku: 'SKU-A', qty: 100 }, { sku: 'SKU-B', qty: 50 }] });
    expect(asn.status).toBe('in_transit');
    expect(await level(seller, 'SKU-A', dus)).toMatchObject({ on_hand: 0, in_transit: 100 });
    // the warehouse org sees the ASN it will receive; another seller does not
    expect((await ok(warehouseOrg, 'GET', '/v1/inventory/inbound')).data.map((i: any) => i.id)).toContain(asn.id);
    expect((await api(otherSeller, 'GET', `/v1/inventory/inbound/${asn.id}`)).statusCode).toBe(404);
    expect((await api(seller, 'POST', `/v1/inventory/inbound/${asn.id}/receipts`, { lines: [{ sku: 'SKU-A', received: 1 }] })).statusCode).toBe(403);
    const r1 = await ok(warehouseOrg, 'POST', `/v1/inventory/inbound/${asn.id}/receipts`, { lines: [{ sku: 'SKU-A', received: 60 }] });
    expect(r1.status).toBe('partially_received');
    const r2 = await ok(warehouseOrg, 'POST', `/v1/inventory/inbound/${asn.id}/receipts`, { lines: [{ sku: 'SKU-A', received: 38, damaged: 2 }, { sku: 'SKU-B', received: 45 }], close: true, note: 'one carton short' });
    expect(r2.status).toBe('received');
    expect(r2.lines.find((l: any) => l.sku === 'SKU-B').discrepancy).toBe(-5);
    expect(await level(seller, 'SKU-A', dus)).toMatchObject({ on_hand: 98, in_transit: 0, reserved: 0, available: 98 });
    expect(await level(seller, 'SKU-B', dus)).toMatchObject({ on_hand: 45, in_transit: 0 });
    // the warehouse org's receipts view and its view of the stock it holds for the seller
    const receipts = (await ok(warehouseOrg, 'GET', '/v1/inventory/receipts')).data;
    expect(receipts.map((r: any) => r.inbound_id)).toContain(asn.id);
    const held = (await ok(warehouseOrg, 'GET', `/v1/inventory/stock?warehouse_id=${dus}`)).data;
    expect(held.every((r: any) => r.seller_org_id === seller.orgId)).toBe(true);
    expect((await ok(otherSeller, 'GET', '/v1/inventory/stock')).data).toEqual([]);
    const kinds = (await ok(seller, 'GET', `/v1/inventory/movements?reference_id=${asn.id}`)).data.map((m: any) => m.kind).sort();
    expect(kinds).toEqual(['damage', 'inbound', 'inbound', 'inbound', 'receipt', 'receipt', 'receipt']);
    expect((await checkInventory(rt.db)).ok).toBe(true);
  });

  it('transfers move stock out now and in on receipt; counts adjust by the difference', async () => {
    const t = await ok(seller, 'POST', '/v1/inventory/transfers', { from_warehouse_id: dus, to_warehouse_id: ewr, lines: [{ sku: 'SKU-A', qty: 20 }] });
    expect(await level(seller, 'SKU-A', dus)).toMatchObject({ on_hand: 78 });
    expect(await level(seller, 'SKU-A', ewr)).toMatchObject({ on_hand: 0, in_transit: 20 });
    await ok(warehouseOrg, 'POST', `/v1/inventory/inbound/${t.id}/receipts`, { lines: [{ sku: 'SKU-A', received: 20 }] });
    expect(await level(seller, 'SKU-A', ewr)).toMatchObject({ on_hand: 20, in_transit: 0 });
    const tooMuch = await api(seller, 'POST', '/v1/inventory/transfers', { from_warehouse_id: dus, to_warehouse_id: ewr, lines: [{ sku: 'SKU-A', qty: 1000 }] });
    expect(tooMuch.statusCode).toBe(409);
    expect(tooMuch.json().type).toMatch(/insufficient_stock$/);
    const count = await ok(warehouseOrg, 'POST', '/v1/inventory/counts', { warehouse_id: dus, seller_org_id: seller.orgId, lines: [{ sku: 'SKU-A', counted: 75 }, { sku: 'SKU-B', counted: 45 }] });
    expect(count.lines).toEqual([{ sku: 'SKU-A', expected: 78, counted: 75, difference: -3 }, { sku: 'SKU-B', expected: 45, counted: 45, difference: 0 }]);
    expect(await level(seller, 'SKU-A', dus)).toMatchObject({ on_hand: 75 });
    expect((await checkInventory(rt.db)).ok).toBe(true);
  });

  it('reserve / release / consume keep reserved = open reservations; shortages are all or nothing', async () => {
    const ctx = systemContext(seller.orgId, 'seller');
    const before = await stockFor(rt.db, seller.orgId, ['SKU-A', 'SKU-B']);
    await expect(rt.db.transaction((tx) => reserve(tx, ctx, { orderId: 'ord_T1', lines: [{ sku: 'SKU-A', qty: 5 }, { sku: 'SKU-B', qty: 9999 }] }))).rejects.toBeInstanceOf(StockShortage);
    expect(await stockFor(rt.db, seller.orgId, ['SKU-A', 'SKU-B'])).toEqual(before); // nothing half-reserved
    // 90 of SKU-A: no warehouse has 90 (DUS 75, EWR 20) → split across both
    const res = await rt.db.transaction((tx) => reserve(tx, ctx, { orderId: 'ord_T2', lines: [{ sku: 'SKU-A', qty: 90 }] }));
    expect(res.map((r) => [r.warehouseId, r.qty]).sort()).toEqual([[dus, 75], [ewr, 15]].sort());
    await rt.db.transaction((tx) => consume(tx, ctx, { orderId: 'ord_T2', warehouseId: dus, lines: [{ sku: 'SKU-A', qty: 75 }] }));
    const released = await rt.db.transaction((tx) => release(tx, ctx, 'ord_T2'));
    expect(released).toEqual([{ sku: 'SKU-A', warehouseId: ewr, qty: 15 }]);
    expect(await level(seller, 'SKU-A', dus)).toMatchObject({ on_hand: 0, reserved: 0 });
    expect(await level(seller, 'SKU-A', ewr)).toMatchObject({ on_hand: 20, reserved: 0, available: 20 });
    // a stock-out alert opened once for DUS
    const alerts = (await ok(seller, 'GET', '/v1/inventory/alerts')).data.filter((a: any) => a.sku === 'SKU-A' && a.warehouse_id === dus);
    expect(alerts.map((a: any) => a.kind)).toEqual(['stock_out']);
    expect((await checkInventory(rt.db)).ok).toBe(true);
  });

  it('NO OVERSELL: 10 units, 200 concurrent reservations → exactly 10 succeed', async () => {
    const ctx = systemContext(seller.orgId, 'seller');
    await ok(warehouseOrg, 'POST', '/v1/inventory/adjustments', { warehouse_id: ewr, seller_org_id: seller.orgId, sku: 'HOT-1', kind: 'receipt', qty: 10, reason: 'test stock' });
    const results = await Promise.allSettled(Array.from({ length: 200 }, (_, i) => rt.db.transaction((tx) => reserve(tx, ctx, { orderId: `ord_HOT${i}`, lines: [{ sku: 'HOT-1', qty: 1 }] }))));
    const won = results.filter((r) => r.status === 'fulfilled').length;
    const short = results.filter((r) => r.status === 'rejected' && (r as PromiseRejectedResult).reason instanceof StockShortage).length;
    expect(won).toBe(10);
    expect(short).toBe(190);
    expect(await level(seller, 'HOT-1', ewr)).toMatchObject({ on_hand: 10, reserved: 10, available: 0 });
    const events = await rt.db.query(`SELECT count(*)::int AS n FROM outbox WHERE type = 'inventory.stock.out' AND entity_id = $1`, [`HOT-1@${ewr}`]);
    expect(events[0].n).toBe(1); // deduplicated alert
    expect((await checkInventory(rt.db)).ok).toBe(true);
  });

  it('one-statement reservation: refusals name the same shortages as line by line, change nothing; a plan whose stock went meanwhile reserves nothing', async () => {
    const ctx = systemContext(seller.orgId, 'seller');
    const receive = (sku: string, wh: string, qty: number) => ok(warehouseOrg, 'POST', '/v1/inventory/adjustments', { warehouse_id: wh, seller_org_id: seller.orgId, sku, kind: 'receipt', qty, reason: 'test stock' });
    await receive('ONE-A', dus, 4);
    await receive('ONE-A', ewr, 3);
    await receive('ONE-B', ewr, 2);
    const before = await stockFor(rt.db, seller.orgId, ['ONE-A', 'ONE-B']);
    const refused = async (lines: ReserveLine[]) => {
      const err = await rt.db.transaction((tx) => reserve(tx, ctx, { orderId: 'ord_ONE', lines })).then(() => null, (e) => e);
      expect(err).toBeInstanceOf(StockShortage);
      return err.shortages;
    };
    // a given warehouse without enough: short by the whole line (as the conditional UPDATE reports it)
    expect(await refused([{ sku: 'ONE-A', qty: 5, warehouseId: dus }])).toEqual([{ sku: 'ONE-A', warehouse_id: dus, requested: 5, missing: 5 }]);
    // anywhere: no warehouse and not all of them together (4 + 3) have 8; the line that fits is not reserved either
    expect(await refused([{ sku: 'ONE-B', qty: 1 }, { sku: 'ONE-A', qty: 8 }])).toEqual([{ sku: 'ONE-A', warehouse_id: null, requested: 8, missing: 8 }]);
    // several lines short at once, in SKU order; a warehouse that never had the SKU
    expect(await refused([{ sku: 'ONE-B', qty: 3, warehouseId: ewr }, { sku: 'ONE-A', qty: 1, warehouseId: ownWh }])).toEqual([
      { sku: 'ONE-A', warehouse_id: ownWh, requested: 1, missing: 1 }, { sku: 'ONE-B', warehouse_id: ewr, requested: 3, missing: 3 },
    ]);
    expect(await stockFor(rt.db, seller.orgId, ['ONE-A', 'ONE-B'])).toEqual(before);
    expect((await rt.db.one(`SELECT count(*)::int AS n FROM inv_reservations WHERE order_id = 'ord_ONE'`)).n).toBe(0);
    // the same SKU twice in one warehouse is one reservation of the sum
    const twice = await rt.db.transaction((tx) => reserve(tx, ctx, { orderId: 'ord_ONE_TWICE', lines: [{ sku: 'ONE-A', qty: 1, warehouseId: dus }, { sku: 'ONE-A', qty: 2, warehouseId: dus }] }));
    expect(twice.map((r) => [r.sku, r.warehouseId, r.qty])).toEqual([['ONE-A', dus, 3]]);
    // planned without locks, then a concurrent order (here: the same transaction) takes the stock first
    await rt.db.transaction(async (tx) => {
      const plan = await planReservation(tx, seller.orgId, [{ sku: 'ONE-B', qty: 2 }]);
      expect(plan).toEqual({ lines: [{ sku: 'ONE-B', qty: 2, warehouseId: ewr }] });
      await reserve(tx, ctx, { orderId: 'ord_ONE_RIVAL', lines: [{ sku: 'ONE-B', qty: 1 }] });
      expect(await reserveAsPlanned(tx, ctx, { orderId: 'ord_ONE_LATE', lines: plan!.lines! })).toBeNull();
      expect(await planReservation(tx, seller.orgId, [{ sku: 'ONE-B', qty: 2 }])).toEqual({ shortages: [{ sku: 'ONE-B', warehouse_id: null, requested: 2, missing: 2 }] });
    });
    expect(await level(seller, 'ONE-B', ewr)).toMatchObject({ on_hand: 2, reserved: 1 });
    expect((await rt.db.one(`SELECT count(*)::int AS n FROM inv_reservations WHERE order_id = 'ord_ONE_LATE'`)).n).toBe(0);
    expect((await checkInventory(rt.db)).ok).toBe(true);
  });

  it.skipIf(!onPostgres)('lock order: stock rows are locked in (SKU, warehouse) order whatever the order of the lines (no deadlocks between orders)', async () => {
    const ctx = systemContext(seller.orgId, 'seller');
    for (const sku of ['LOCK-A', 'LOCK-B']) await ok(warehouseOrg, 'POST', '/v1/inventory/adjustments', { warehouse_id: dus, seller_org_id: seller.orgId, sku, kind: 'receipt', qty: 10, reason: 'test stock' });
    const hold = () => { let open!: () => void; return { gate: new Promise<void>((r) => (open = r)), open: () => open() }; };
    const waiting = async (n: number) => {
      for (let i = 0; i < 500; i++) {
        if ((await rt.db.one(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)).n >= n) return true;
        await new Promise((r) => setTimeout(r, 10));
      }
      return false;
    };
    // a first order holds LOCK-B
    const first = hold();
    let firstIn!: () => void;
    const firstLocked = new Promise<void>((r) => (firstIn = r));
    const t1 = rt.db.transaction(async (tx) => { await reserve(tx, ctx, { orderId: 'ord_LOCK1', lines: [{ sku: 'LOCK-B', qty: 1, warehouseId: dus }] }); firstIn(); await first.gate; });
    await firstLocked;
    // a second order lists LOCK-B before LOCK-A: it takes LOCK-A first, then waits for LOCK-B
    const t2 = rt.db.transaction((tx) => reserve(tx, ctx, { orderId: 'ord_LOCK2', lines: [{ sku: 'LOCK-B', qty: 1, warehouseId: dus }, { sku: 'LOCK-A', qty: 1, warehouseId: dus }] }));
    expect(await waiting(1)).toBe(true);
    const aLocked = await rt.db.transaction((tx) => tx.query(`SELECT 1 FROM inv_stock WHERE org_id = $1 AND sku = 'LOCK-A' AND warehouse_id = $2 FOR UPDATE NOWAIT`, [seller.orgId, dus])).then(() => false, (e) => e.code === '55P03');
    expect(aLocked).toBe(true);
    first.open();
    await Promise.all([t1, t2]);
    expect(await level(seller, 'LOCK-A', dus)).toMatchObject({ reserved: 1 });
    expect(await level(seller, 'LOCK-B', dus)).toMatchObject({ reserved: 2 });
    expect((await checkInventory(rt.db)).ok).toBe(true);
  });

  it('property: random operation sequences never go negative and always match the movements', async () => {
    const ctx = systemContext(seller.orgId, 'seller');
    let n = 0;
    await fc.assert(fc.asyncProperty(
      fc.array(fc.record({ op: fc.constantFrom('receive', 'reserve', 'release', 'ship', 'damage'), qty: fc.integer({ min: 1, max: 30 }), order: fc.integer({ min: 0, max: 3 }) }), { minLength: 1, maxLength: 15 }),
      async (ops) => {
        const run = ++n;
        for (const o of ops) {
          const orderId = `ord_P${run}_${o.order}`;
          try {
            if (o.op === 'receive') await ok(warehouseOrg, 'POST', '/v1/inventory/adjustments', { warehouse_id: ewr, seller_org_id: seller.orgId, sku: 'PROP-1', kind: 'receipt', qty: o.qty, reason: 'property' });
            else if (o.op === 'damage') { const r = await api(warehouseOrg, 'POST', '/v1/inventory/adjustments', { warehouse_id: ewr, seller_org_id: seller.orgId, sku: 'PROP-1', kind: 'damage', qty: o.qty, reason: 'property' }); expect([201, 409]).toContain(r.statusCode); }
            else await rt.db.transaction(async (tx) => {
              if (o.op === 'reserve') await reserve(tx, ctx, { orderId, lines: [{ sku: 'PROP-1', qty: o.qty, warehouseId: ewr }] });
              else if (o.op === 'release') await release(tx, ctx, orderId);
              else await consume(tx, ctx, { orderId, warehouseId: ewr, lines: [{ sku: 'PROP-1', qty: o.qty }] });
            });
          } catch (err) {
            if (!(err instanceof StockShortage)) throw err;
          }
        }
        const l = (await stockFor(rt.db, seller.orgId, ['PROP-1']))[0];
        if (l) expect(l.onHand >= 0 && l.reserved >= 0 && l.reserved <= l.onHand).toBe(true);
        expect((await checkInventory(rt.db)).ok).toBe(true);
      },
    ), { numRuns: 8 });
  });

  it('movements are immutable and `tradelane inventory check` proves the invariant', async () => {
    await expect(rt.db.query(`UPDATE inv_movements SET d_on_hand = d_on_hand + 1`)).rejects.toThrow(/immutable/);
    await expect(rt.db.query(`DELETE FROM inv_movements`)).rejects.toThrow(/immutable/);
    const lines: string[] = [];
    const log = console.log;
    console.log = (s: string) => lines.push(s);
    try {
      expect(await inventoryCli['inventory check'].run(rt, [])).toBe(0);
      // tamper with a level behind the movements' back: the check fails and names the row
      await rt.db.query(`UPDATE inv_stock SET on_hand = on_hand + 1 WHERE sku = 'SKU-B' AND warehouse_id = $1`, [dus]);
      expect(await inventoryCli['inventory check'].run(rt, [])).toBe(1);
    } finally {
      console.log = log;
      await rt.db.query(`UPDATE inv_stock SET on_hand = on_hand - 1 WHERE sku = 'SKU-B' AND warehouse_id = $1`, [dus]);
    }
    expect(lines.join('\n')).toMatch(/SKU-B .* stored \[on hand, reserved, in transit\] \[46,0,0\] ≠ movements \[45,0,0\]/);
    expect(lines.join('\n')).toContain('FAILED');
  });
});
