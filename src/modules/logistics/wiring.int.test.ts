import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../demo.ts';
import { DEMO_WAREHOUSE_ADDRESSES, demoOrder } from './fixtures.ts';
import { dbLabel, testRuntime, type TestRuntime } from '../../../test/helpers.ts';

// Logistics reading real orders (order hub), product data (catalogue) and stock (inventory) from the demo.
describe(`logistics wired to orders, catalogue and inventory (${dbLabel})`, () => {
  let rt: TestRuntime;
  let seller: Record<string, string>;
  let carrier: Record<string, string>;
  beforeAll(async () => {
    rt = await testRuntime();
    const orgs = await seedDemo(rt, rt.modules);
    const login = async (who: { email: string; password: string }) => {
      const res = await rt.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: who.email, password: who.password } });
      return { cookie: String(res.headers['set-cookie']).split(';')[0]! };
    };
    seller = await login(orgs.seller!);
    carrier = await login(orgs.carrier!);
  });
  afterAll(() => rt?.dispose());

  it('routes a demo order by its id with catalogue weights and inventory stock', async () => {
    const orders = (await rt.app.inject({ method: 'GET', url: '/v1/orders?limit=50', headers: seller })).json().data as any[];
    expect(orders.length).toBeGreaterThan(0);
    let routed = 0;
    const outcomes: string[] = [];
    for (const o of orders) {
      const res = await rt.app.inject({ method: 'POST', url: '/v1/logistics/routing/decisions', headers: seller, payload: { order_id: o.id, date: '2026-11-02' } });
      outcomes.push(`${o.id} ${res.statusCode} ${res.statusCode >= 300 ? res.json().detail : res.json().winner_id ?? res.json().unroutable_reason}`);
      if (res.statusCode === 201) {
        const d = res.json();
        expect(d.order_ref).toBe(o.id);
        expect(d.order.lines.every((l: any) => l.unit_weight_grams > 0)).toBe(true);
        if (d.winner_id) routed++;
      } else expect(res.statusCode, res.body).toBe(422); // product data missing is reported, never a crash
    }
    expect(routed).toBeGreaterThan(0);
  });

  it('a carrier accepting a booking ships the hub order in it from the booking\'s warehouse (stock consumed, tracking number on the order)', async () => {
    const orders = (await rt.app.inject({ method: 'GET', url: '/v1/orders?limit=100', headers: seller })).json().data as any[];
    let order: any;
    for (const o of orders.filter((x) => x.status === 'accepted' || x.status === 'allocated')) {
      const detail = (await rt.app.inject({ method: 'GET', url: `/v1/orders/${o.id}`, headers: seller })).json();
      if (detail.reservations?.some((r: any) => r.status === 'active')) { order = detail; break; }
    }
    expect(order, 'the demo has an accepted order with stock reserved').toBeTruthy();
    const warehouseId = order.reservations.find((r: any) => r.status === 'active').warehouse_id;
    const lanes = (await rt.app.inject({ method: 'GET', url: '/v1/logistics/lanes', headers: seller })).json().data as any[];
    const lane = lanes.find((l) => l.code === 'ln-line-cn-us');
    const booked = await rt.app.inject({
      method: 'POST', url: '/v1/logistics/bookings', headers: seller,
      payload: { lane_id: lane.id, orders: [demoOrder(order.id, [['LED-STRIP-5M', 1]])], shipper: DEMO_WAREHOUSE_ADDRESSES['wh-cn-szx'], from_warehouse_id: warehouseId, date: '2026-11-02' },
    });
    expect(booked.statusCode, booked.body).toBe(201);
    const accepted = await rt.app.inject({ method: 'POST', url: `/v1/logistics/bookings/${booked.json().id}/accept`, headers: carrier, payload: {} });
    expect(accepted.statusCode, accepted.body).toBe(200);
    await rt.events.drain();
    const after = (await rt.app.inject({ method: 'GET', url: `/v1/orders/${order.id}`, headers: seller })).json();
    expect(['shipped', 'partially_shipped']).toContain(after.status);
    expect(after.shipments.at(-1).tracking_number).toBe(accepted.json().tracking_number);
    expect(after.reservations.filter((r: any) => r.warehouse_id === warehouseId && r.status === 'active')).toEqual([]);
    const check = await rt.db.query(`SELECT 1 FROM orders WHERE id = $1 AND fulfilment_status IN ('fulfilled','partially_fulfilled')`, [order.id]);
    expect(check.length).toBe(1);
  });
});
