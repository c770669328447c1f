import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../demo.ts';
import { dbLabel, testRuntime, type TestRuntime } from '../../../test/helpers.ts';

// Logistics reading real orders (order hub), product data (catalogue) and stock (inventory) from the demo.
describe(`logistics wired to orders, catalogue and inventory (${dbLabel})`, () => {
  let rt: TestRuntime;
  let seller: Record<string, string>;
  beforeAll(async () => {
    rt = await testRuntime();
    const orgs = await seedDemo(rt, rt.modules);
    const res = await rt.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: orgs.seller!.email, password: orgs.seller!.password } });
    seller = { cookie: String(res.headers['set-cookie']).split(';')[0]! };
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
});
