import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbLabel, newParty, testRuntime, type Party, type TestRuntime } from '../../../test/helpers.ts';
import { setMarketCheckForTests } from '../orders/catalog.ts';
import { listsReady } from './lists.ts';

describe(`screening gates: order intake, payout (${dbLabel})`, () => {
  let rt: TestRuntime;
  let seller: Party;
  const ok = async (method: string, url: string, payload?: unknown) => {
    const res = await rt.app.inject({ method: method as any, url, headers: seller.headers, payload: payload as any });
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
    return res.json();
  };
  const order = (buyer: Record<string, string>, ref: string) => ({
    external_id: ref, buyer: { name: buyer.name }, ship_to: { name: buyer.name, company: buyer.company, line1: 'Torstraße 120', city: 'Berlin', postcode: '10119', country: 'DE', phone: '030 12345678' },
    currency: 'EUR', payment_status: 'paid', lines: [{ sku: 'SCR-A', qty: 1, unit_price: 1999 }], shipping: 0,
  });

  beforeAll(async () => {
    rt = await testRuntime();
    setMarketCheckForTests(async () => ({ status: 'allowed', perSku: {}, reasons: [] }));
    seller = await newParty(rt, 'seller');
    const wh = await ok('POST', '/v1/warehouses', { code: 'OWN', name: 'Own', country: 'CN', time_zone: 'Asia/Shanghai', address: { line1: '1 Test Road', city: 'Shenzhen' } });
    await ok('POST', '/v1/inventory/adjustments', { warehouse_id: wh.id, seller_org_id: seller.orgId, sku: 'SCR-A', kind: 'receipt', qty: 10, reason: 'test stock' });
  });
  afterAll(() => rt?.dispose());

  it('holds an accepted order whose consignee is a listed entity; a clear buyer stays accepted', async () => {
    const listed = await ok('POST', '/v1/orders', order({ name: 'Purchasing Dept', company: 'ROSOBORONEXPORT' }, 'scr-1'));
    const clear = await ok('POST', '/v1/orders', order({ name: 'Maria Keller' }, 'scr-2'));
    expect(listed.status).toBe('accepted');
    await rt.events.drain();
    const deadline = Date.now() + 120_000;
    while (!(await listsReady(rt)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    await rt.jobs.runDue(50, new Date(Date.now() + 60_000));
    const held = await ok('GET', `/v1/orders/${listed.id}`);
    expect(held.status).toBe('on_hold');
    expect(held.hold_reason).toBe('screening');
    expect(JSON.stringify(held.hold_detail)).toMatch(/ROSOBORONEXPORT/i);
    expect((await ok('GET', `/v1/orders/${clear.id}`)).status).toBe('accepted');
    const queue = await ok('GET', '/v1/screening/reviews');
    expect(JSON.stringify(queue)).toMatch(/ROSOBORONEXPORT/i);
  }, 180_000);

  it('refuses a payout to a bank account held by a listed entity', async () => {
    await ok('PUT', '/v1/ledger/bank-accounts/EUR', { holder: 'ROSOBORONEXPORT', bank_name: 'Test Bank', account: 'DE89370400440532013000' });
    const r = await rt.app.inject({ method: 'POST', url: '/v1/ledger/payouts', headers: seller.headers, payload: { currency: 'EUR' } });
    expect(r.statusCode).toBe(422);
    expect(r.json().type).toMatch(/screening_hold$/);
    expect(r.json().screening_id).toMatch(/^scr_/);
    await ok('PUT', '/v1/ledger/bank-accounts/EUR', { holder: 'Shenzhen Lumen Electronics Co., Ltd.', bank_name: 'Test Bank', account: 'DE89370400440532013000' });
    const clear = await rt.app.inject({ method: 'POST', url: '/v1/ledger/payouts', headers: seller.headers, payload: { currency: 'EUR' } });
    expect(clear.json().type ?? '').not.toMatch(/screening_hold$/); // passes the gate (then: nothing to pay out)
  }, 180_000);
});
