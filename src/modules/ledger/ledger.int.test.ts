import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbLabel, newParty, onPostgres, testRuntime, type Party, type TestRuntime } from '../../../test/helpers.ts';
import { ledgerCli } from './cli.ts';
import { createTransfers, ensureAccount, verifyLedger } from './core.ts';
import { providerRegistry, type SandboxProvider } from './providers.ts';
import { penaliseDeposit } from './service.ts';

const DAY = 86_400_000;

describe(`ledger, escrow and payments (${dbLabel})`, () => {
  let rt: TestRuntime;
  let seller: Party;
  let buyer: Party;
  let carrier: Party;
  let operator: Party;
  let other: Party;
  let sandbox: SandboxProvider;
  let orderSeq = 0;

  const api = (p: Party, method: string, url: string, payload?: unknown) =>
    rt.app.inject({ method: method as any, url, headers: p.headers, payload: payload as any });

  /** Run due jobs (sandbox webhook deliveries with their simulated failures, timeouts) with the clock moved forward. */
  async function runJobs(aheadMs = 60_000) {
    for (let i = 0; i < 50; i++) {
      const n = await rt.jobs.runDue(50, new Date(Date.now() + aheadMs));
      if (n === 0) break;
    }
  }

  async function paidOrder(amount = 10_000, tax = 1_900) {
    const orderId = `ORD-${Date.now()}-${++orderSeq}`;
    const res = await api(buyer, 'POST', '/v1/payments', { order_id: orderId, seller_org_id: seller.orgId, currency: 'EUR', amount, tax_amount: tax });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().status).toBe('authorised');
    await runJobs();
    return { orderId, paymentId: res.json().id as string };
  }

  const escrow = async (p: Party, orderId: string) => (await api(p, 'GET', `/v1/ledger/orders/${orderId}`)).json();
  const balanceOf = async (p: Party, kind: string, currency = 'EUR') =>
    ((await api(p, 'GET', `/v1/ledger/accounts?kind=${kind}&currency=${currency}`)).json().data.find((a: any) => a.org_id === p.orgId || p === operator) ?? { balance: 0 });

  beforeAll(async () => {
    rt = await testRuntime();
    await rt.app.listen({ port: 0, host: '127.0.0.1' });
    const addr = rt.app.server.address() as { port: number };
    rt.config.publicUrl = `http://127.0.0.1:${addr.port}`;
    sandbox = providerRegistry(rt).get('sandbox') as SandboxProvider;
    // Deterministic misbehaviour: every webhook is delivered twice, and every first delivery attempt fails.
    Object.assign(sandbox.options, { declineRate: 0, payoutFailureRate: 0, duplicateRate: 1, deliveryFailureRate: 1 });
    [seller, buyer, carrier, operator, other] = await Promise.all([newParty(rt, 'seller'), newParty(rt, 'buyer'), newParty(rt, 'carrier'), newParty(rt, 'operator'), newParty(rt, 'seller')]);
    // An established pro seller (commission applies), and a carrier deposit.
    expect((await api(operator, 'PUT', `/v1/ledger/sellers/${seller.orgId}/terms`, { tier: 'pro', seller_since: new Date(Date.now() - 400 * DAY).toISOString() })).statusCode).toBe(200);
  });
  afterAll(() => rt?.dispose());

  it('checkout: signed sandbox webhooks (retried, duplicated) capture once and hold the order amount in escrow', async () => {
    const { orderId, paymentId } = await paidOrder();
    const pay = (await api(buyer, 'GET', `/v1/payments/${paymentId}`)).json();
    expect(pay.status).toBe('captured');
    const e = await escrow(seller, orderId);
    expect(e).toMatchObject({ status: 'held', held: 10_000, tax_amount: 1_900 });
    // capture, taxes to tax_payable, pending hold — exactly once despite the duplicate webhook
    expect(e.timeline.map((t: any) => `${t.kind}:${t.debit_kind}->${t.credit_kind}:${t.amount}`)).toEqual([
      'posted:provider_cash->buyer_funds:11900', 'posted:buyer_funds->tax_payable:1900', 'pending:buyer_funds->escrow:10000',
    ]);
    const dup = await rt.db.one(`SELECT count(*)::int AS n FROM ledger_provider_events WHERE provider = 'sandbox'`);
    const deliveries = await rt.db.one(`SELECT count(*)::int AS n FROM jobs WHERE kind = 'ledger.sandbox.deliver' AND status = 'done' AND payload->>'body' LIKE $1`, [`%${paymentId}%`]);
    expect(deliveries.n).toBe(2); // two deliveries of the same event …
    expect(dup.n).toBeGreaterThanOrEqual(1);
    expect((await verifyLedger(rt.db)).ok).toBe(true);
  });

  it('rejects webhooks with a bad signature and acknowledges duplicates without effect', async () => {
    const body = JSON.stringify({ id: 'sbxevt_forged', type: 'payment.captured', data: { provider_ref: 'x', reference: 'pay_x', amount: 1, currency: 'EUR' } });
    const forged = await rt.app.inject({ method: 'POST', url: '/v1/payments/webhooks/sandbox', headers: { 'content-type': 'application/json', 'sandbox-signature': 't=1,v1=00' }, payload: body });
    expect(forged.statusCode).toBe(401);
    const signed = { 'content-type': 'application/json', 'sandbox-signature': sandbox.sign(body) };
    await rt.db.query(`INSERT INTO ledger_provider_events (provider, event_id, type) VALUES ('sandbox','sbxevt_forged','payment.captured')`);
    const again = await rt.app.inject({ method: 'POST', url: '/v1/payments/webhooks/sandbox', headers: signed, payload: body });
    expect(again.json()).toMatchObject({ received: true, duplicate: true });
  });

  it('releases to the seller with commission only when carrier AND buyer confirmed', async () => {
    const { orderId } = await paidOrder(10_000, 0);
    const before = (await balanceOf(seller, 'seller_payable')).balance;
    expect((await api(buyer, 'POST', `/v1/ledger/orders/${orderId}/confirm-receipt`)).json().released).toBe(0);
    expect((await escrow(buyer, orderId)).status).toBe('held');
    const r = await api(operator, 'POST', `/v1/ledger/orders/${orderId}/carrier-delivered`, {});
    expect(r.statusCode, r.body).toBe(200);
    const e = await escrow(seller, orderId);
    expect(e).toMatchObject({ status: 'released', released: 10_000, commission: 500, held: 0 }); // pro tier 5 %
    expect((await balanceOf(seller, 'seller_payable')).balance - before).toBe(9_500);
    expect(e.timeline.filter((t: any) => t.kind === 'posted' && t.debit_kind === 'escrow').map((t: any) => `${t.credit_kind}:${t.amount}`)).toEqual(['seller_payable:9500', 'platform_revenue:500']);
  });

  it('partial release for a partial shipment, then cancellation refunds the rest through the provider', async () => {
    const { orderId } = await paidOrder(20_000, 3_800);
    const part = await api(operator, 'POST', `/v1/ledger/orders/${orderId}/release`, { amount: 8_000 });
    expect(part.json()).toMatchObject({ released: 8_000, commission: 400, held_remaining: 12_000, status: 'partially_released' });
    expect((await api(operator, 'POST', `/v1/ledger/orders/${orderId}/release`, { amount: 12_001 })).json().type).toMatch(/exceeds_escrow/);
    const cancel = await api(seller, 'POST', `/v1/ledger/orders/${orderId}/cancel`, { reason: 'second parcel lost' });
    expect(cancel.json()).toMatchObject({ refunded: 12_000, status: 'refunded' }); // taxes stay: goods were partly delivered
    await runJobs();
    const refund = await rt.db.one(`SELECT status FROM ledger_refunds WHERE id = $1`, [cancel.json().refund_id]);
    expect(refund.status).toBe('succeeded');
    expect((await escrow(buyer, orderId))).toMatchObject({ held: 0, released: 8_000, refunded: 12_000 });
    expect((await verifyLedger(rt.db)).ok).toBe(true);
  });

  it('cancellation before shipment voids the hold and refunds goods and taxes', async () => {
    const { orderId } = await paidOrder(5_000, 950);
    const cashBefore = (await balanceOf(operator, 'provider_cash')).balance;
    const r = await api(seller, 'POST', `/v1/ledger/orders/${orderId}/cancel`, { reason: 'out of stock' });
    expect(r.json()).toMatchObject({ refunded: 5_950, status: 'cancelled' });
    const e = await escrow(buyer, orderId);
    expect(e.timeline.find((t: any) => t.kind === 'pending').pending_status).toBe('voided');
    expect((await balanceOf(operator, 'provider_cash')).balance - cashBefore).toBe(5_950); // cash went back out
  });

  it('a dispute holds the escrow (no automatic release); the operator resolves it', async () => {
    const { orderId } = await paidOrder();
    await api(operator, 'POST', `/v1/ledger/orders/${orderId}/carrier-delivered`, { delivered_at: new Date(Date.now() - 8 * DAY).toISOString() });
    expect((await api(buyer, 'POST', `/v1/ledger/orders/${orderId}/disputes`, { reason: 'item damaged 商品损坏' })).statusCode).toBe(200);
    await runJobs(9 * DAY); // the auto-release job runs but the dispute holds it
    expect((await escrow(seller, orderId)).status).toBe('held');
    expect((await api(operator, 'POST', `/v1/ledger/orders/${orderId}/release`, {})).json().type).toMatch(/escrow_disputed/);
    const res = await api(operator, 'POST', `/v1/ledger/orders/${orderId}/disputes/resolve`, { outcome: 'refund', note: 'photos confirm damage' });
    expect(res.json()).toMatchObject({ status: 'cancelled', refunded: 11_900 });
  });

  it('releases automatically N days after delivery without dispute (job)', async () => {
    const { orderId } = await paidOrder();
    await api(operator, 'POST', `/v1/ledger/orders/${orderId}/carrier-delivered`, {});
    await runJobs(60_000);
    expect((await escrow(seller, orderId)).status).toBe('held'); // not yet due
    await runJobs(8 * DAY);
    expect((await escrow(seller, orderId)).status).toBe('released');
  });

  it('transfers API: idempotent ids, linked chains, two-phase with timeout auto-void', async () => {
    const acc = async (org: string, kind: string) => (await api(operator, 'POST', '/v1/ledger/accounts', { org_id: org, kind, currency: 'USD' })).json();
    const cash = await acc('x', 'provider_cash');
    const a = await acc(seller.orgId, 'seller_payable');
    const b = await acc(carrier.orgId, 'carrier_payable');
    const t1 = { id: `adj-${orderSeq}-1`, kind: 'posted', debit_account_id: cash.id, credit_account_id: a.id, amount: 1_000, reason: 'opening adjustment' };
    const post = (transfers: unknown[]) => api(operator, 'POST', '/v1/ledger/transfers', { transfers });
    expect((await post([t1])).json().results[0].status).toBe('created');
    expect((await post([t1])).json().results[0].status).toBe('exists');
    expect((await post([{ ...t1, amount: 1_001 }])).json().results[0].code).toBe('exists_with_different_content');
    // chain: the second leg overdraws a → nothing applied
    const chain = await post([
      { id: `adj-${orderSeq}-2`, kind: 'posted', debit_account_id: a.id, credit_account_id: b.id, amount: 600, reason: 'leg 1', linked: true },
      { id: `adj-${orderSeq}-3`, kind: 'posted', debit_account_id: a.id, credit_account_id: b.id, amount: 600, reason: 'leg 2' },
    ]);
    expect(chain.json().results.map((r: any) => r.code)).toEqual(['linked_event_failed', 'exceeds_credits']);
    expect((await api(seller, 'GET', `/v1/ledger/accounts/${a.id}`)).json().balance).toBe(1_000);
    // pending with a timeout: the job voids it
    const p = await post([{ id: `adj-${orderSeq}-p`, kind: 'pending', debit_account_id: a.id, credit_account_id: b.id, amount: 300, timeout_seconds: 3600, reason: 'hold' }]);
    expect(p.json().results[0].status).toBe('created');
    expect((await api(seller, 'GET', `/v1/ledger/accounts/${a.id}`)).json().debits_pending).toBe(300);
    await runJobs(2 * 3600_000);
    const pend = (await api(seller, 'GET', `/v1/ledger/transfers/adj-${orderSeq}-p`)).json();
    expect(pend.pending_status).toBe('expired');
    expect((await api(seller, 'GET', `/v1/ledger/accounts/${a.id}`)).json().debits_pending).toBe(0);
    // tenants cannot post raw transfers
    expect((await api(seller, 'POST', '/v1/ledger/transfers', { transfers: [t1] })).statusCode).toBe(403);
  });

  it('deposits and SLA penalties: taken from the carrier deposit, never beyond it', async () => {
    const dep = await api(operator, 'POST', '/v1/ledger/postings', { type: 'deposit', provider_org_id: carrier.orgId, currency: 'EUR', amount: 10_000, reason: 'security deposit', reference_type: 'deposit', reference_id: 'D1' });
    expect(dep.statusCode, dep.body).toBe(201);
    const r = await rt.db.transaction((tx) => penaliseDeposit(tx, { providerOrgId: carrier.orgId, beneficiaryOrgId: seller.orgId, currency: 'EUR', amount: 2_500, reason: 'late delivery', referenceType: 'shipment', referenceId: 'SHP-1' }));
    expect(r.status).toBe('created');
    const again = await rt.db.transaction((tx) => penaliseDeposit(tx, { providerOrgId: carrier.orgId, beneficiaryOrgId: seller.orgId, currency: 'EUR', amount: 2_500, reason: 'late delivery', referenceType: 'shipment', referenceId: 'SHP-1' }));
    expect(again.status).toBe('exists'); // the SLA module calling twice does not penalise twice
    expect((await balanceOf(carrier, 'deposit')).balance).toBe(7_500);
    const tooMuch = await api(operator, 'POST', '/v1/ledger/postings', { type: 'penalty', provider_org_id: carrier.orgId, seller_org_id: seller.orgId, currency: 'EUR', amount: 7_501, reason: 'x', reference_type: 'shipment', reference_id: 'SHP-2' });
    expect(tooMuch.statusCode).toBe(422);
    expect(tooMuch.json().type).toMatch(/insufficient_funds/);
    const charge = await api(operator, 'POST', '/v1/ledger/postings', { type: 'carrier_charge', provider_org_id: carrier.orgId, seller_org_id: seller.orgId, currency: 'EUR', amount: 1_200, reason: 'shipping', reference_type: 'shipment', reference_id: 'SHP-1' });
    expect(charge.statusCode).toBe(201);
    expect((await balanceOf(carrier, 'carrier_payable')).balance).toBe(1_200);
  });

  it('FX conversion: two linked transfers through fx_position at a recorded rate snapshot', async () => {
    const rate = await api(operator, 'POST', '/v1/ledger/fx-rates', { source: 'ECB reference rate', date: '2026-11-20', base: 'EUR', quote: 'CNY', rate: '7.6512', spread: '0.004' });
    expect(rate.statusCode).toBe(201);
    expect((await api(operator, 'POST', '/v1/ledger/fx-rates', { source: 's', date: '2026-11-20', base: 'EUR', quote: 'CNY', rate: '7.6.1' })).statusCode).toBe(400);
    const conv = await api(seller, 'POST', '/v1/ledger/fx/conversions', { rate_id: rate.json().id, amount: 10_000 });
    expect(conv.statusCode, conv.body).toBe(201);
    expect(conv.json()).toMatchObject({ converted: 76_205, rate: '7.6512' });
    const legs = (await api(seller, 'GET', `/v1/ledger/transfers?reference_id=${conv.json().conversion_id}`)).json().data;
    expect(legs).toHaveLength(2);
    expect(legs.every((t: any) => t.fx_rate === '7.6512' && t.fx_rate_id === rate.json().id && t.linked_group)).toBe(true);
    expect((await balanceOf(seller, 'seller_payable', 'CNY')).balance).toBe(76_205);
  });

  it('payout to the bank account: pending until the provider webhook confirms', async () => {
    expect((await api(seller, 'POST', '/v1/ledger/payouts', { currency: 'EUR' })).json().type).toMatch(/no_bank_account/);
    const bank = await api(seller, 'PUT', '/v1/ledger/bank-accounts/EUR', { holder: '深圳流明电子有限公司', bank_name: 'Bank of China', account: 'DE89370400440532013000' });
    expect(bank.json().account_masked).toBe('•••• 3000');
    const avail = (await balanceOf(seller, 'seller_payable')).balance;
    const po = await api(seller, 'POST', '/v1/ledger/payouts', { currency: 'EUR', amount: 5_000 });
    expect(po.statusCode, po.body).toBe(201);
    expect((await balanceOf(seller, 'seller_payable')).balance_with_pending).toBe(avail - 5_000);
    await runJobs();
    const paid = (await api(seller, 'GET', '/v1/ledger/payouts')).json().data.find((p: any) => p.id === po.json().id);
    expect(paid.status).toBe('paid');
    expect((await balanceOf(seller, 'seller_payable')).balance).toBe(avail - 5_000);
    expect((await api(seller, 'POST', '/v1/ledger/payouts', { currency: 'EUR', amount: 10_000_000 })).statusCode).toBe(422);
  });

  it('settlement statement: opening + postings = closing, as JSON, CSV and a PDF with a CJK font', async () => {
    const q = `currency=EUR&from=${encodeURIComponent(new Date(Date.now() - DAY).toISOString())}&to=${encodeURIComponent(new Date(Date.now() + DAY).toISOString())}`;
    const st = (await api(seller, 'GET', `/v1/ledger/statements?${q}`)).json();
    const payable = st.accounts.find((a: any) => a.kind === 'seller_payable');
    expect(payable.opening).toBe(0);
    expect(payable.closing).toBe(payable.opening + payable.lines.reduce((s: number, l: any) => s + l.signedAmount, 0));
    expect(payable.closing).toBe((await balanceOf(seller, 'seller_payable')).balance);
    expect(st.payouts.length).toBeGreaterThanOrEqual(1);
    const csv = await api(seller, 'GET', `/v1/ledger/statements.csv?${q}`);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.body.split('\n')[0]).toBe('date,account_kind,account_id,transfer_id,direction,amount,balance,currency,reason,reference_type,reference_id,counterparty');
    expect(csv.body).toMatch(/order proceeds to seller/);
    const pdf = await api(seller, 'GET', `/v1/ledger/statements.pdf?${q}`);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.rawPayload.toString('latin1')).toMatch(/WenQuanYi/); // the CJK font is embedded
    // another organisation's statement is not visible
    expect((await api(other, 'GET', `/v1/ledger/statements?${q}&org_id=${seller.orgId}`)).statusCode).toBe(404);
  });

  it('reconciles the provider report against the ledger and lists differences', async () => {
    const report = (await api(operator, 'GET', '/v1/payments/providers/sandbox/report.csv')).body;
    const clean = await rt.app.inject({ method: 'POST', url: '/v1/ledger/reconciliations?provider=sandbox', headers: { ...operator.headers, 'content-type': 'text/csv' }, payload: report });
    expect(clean.statusCode, clean.body).toBe(200);
    expect(clean.json().differences).toEqual([]);
    expect(clean.json().matched).toBe(report.trim().split('\n').length - 1);
    const lines = report.trim().split('\n');
    const cols = lines[1].split(',');
    cols[2] = (Number(cols[2]) + 1).toFixed(2);
    const tampered = [lines[0], cols.join(','), ...lines.slice(2, -1), 'sbx_pi_unknown,capture,10.00,EUR,pay_x,2026-11-20T00:00:00Z'].join('\n');
    const diff = await rt.app.inject({ method: 'POST', url: '/v1/ledger/reconciliations?provider=sandbox', headers: { ...operator.headers, 'content-type': 'text/csv' }, payload: tampered });
    expect(diff.json().differences.map((d: any) => d.type).sort()).toEqual(['amount_mismatch', 'missing_in_ledger', 'missing_in_report']);
  });

  it('tenancy: an organisation sees only its own accounts and transfers; the operator sees platform accounts', async () => {
    const mine = (await api(other, 'GET', '/v1/ledger/accounts')).json().data;
    expect(mine.every((a: any) => a.org_id === other.orgId)).toBe(true);
    const sellerAcc = (await api(seller, 'GET', '/v1/ledger/accounts?kind=seller_payable&currency=EUR')).json().data[0];
    expect((await api(other, 'GET', `/v1/ledger/accounts/${sellerAcc.id}`)).statusCode).toBe(404);
    expect((await api(other, 'GET', `/v1/ledger/transfers?account_id=${sellerAcc.id}`)).json().data).toEqual([]);
    const anOrder = (await api(seller, 'GET', '/v1/ledger/escrows')).json().data[0].order_id;
    expect((await api(other, 'GET', `/v1/ledger/orders/${anOrder}`)).statusCode).toBe(404);
    expect((await api(buyer, 'GET', `/v1/ledger/orders/${anOrder}`)).statusCode).toBe(200);
    const platform = (await api(operator, 'GET', '/v1/ledger/accounts')).json().data;
    expect(platform.some((a: any) => a.org_id === 'platform' && a.kind === 'escrow')).toBe(true);
    expect((await api(seller, 'GET', '/v1/ledger/accounts')).json().data.some((a: any) => a.org_id === 'platform')).toBe(false);
    expect((await api(seller, 'GET', '/v1/ledger/verify')).statusCode).toBe(403);
  });

  it('concurrent transfers never overdraw a flagged account and never deadlock', async () => {
    const [src, x, y] = await rt.db.transaction(async (tx) => [
      await ensureAccount(tx, 'conc-cash', 'provider_cash', 'GBP'), await ensureAccount(tx, 'conc-x', 'seller_payable', 'GBP'), await ensureAccount(tx, 'conc-y', 'seller_payable', 'GBP'),
    ]);
    await rt.db.transaction((tx) => createTransfers(tx, [
      { id: 'conc-fund-x', kind: 'posted', debitAccountId: src.id, creditAccountId: x.id, amount: 1_000, reason: 'fund' },
      { id: 'conc-fund-y', kind: 'posted', debitAccountId: src.id, creditAccountId: y.id, amount: 1_000, reason: 'fund' },
    ]));
    // 40 transfers of 100 in both directions between x and y at once, plus 20 drains of 100 from x.
    const jobs = [
      ...Array.from({ length: 40 }, (_, i) => ({ id: `conc-${i}`, kind: 'posted' as const, debitAccountId: i % 2 ? x.id : y.id, creditAccountId: i % 2 ? y.id : x.id, amount: 100, reason: 'swap' })),
      ...Array.from({ length: 20 }, (_, i) => ({ id: `conc-drain-${i}`, kind: 'posted' as const, debitAccountId: x.id, creditAccountId: src.id, amount: 100, reason: 'drain' })),
    ];
    const results = await Promise.all(jobs.map((t) => rt.db.transaction((tx) => createTransfers(tx, [t]))));
    const after = await rt.db.query(`SELECT id, debits_posted, credits_posted FROM ledger_accounts WHERE id = ANY($1)`, [[x.id, y.id]]);
    for (const a of after) expect(a.credits_posted - a.debits_posted).toBeGreaterThanOrEqual(0);
    expect(results.flat().every((r) => r.status === 'created' || (r.status === 'failed' && r.code === 'exceeds_credits'))).toBe(true);
    expect((await verifyLedger(rt.db)).ok).toBe(true);
  });

  it('property: random batches through the database keep both invariants (fast-check)', async () => {
    const accts = await rt.db.transaction(async (tx) => Promise.all(
      (['provider_cash', 'buyer_funds', 'fx_position', 'escrow'] as const).map((k, i) => ensureAccount(tx, `prop-${i}`, k, 'CHF')),
    ));
    let n = 0;
    const pendings: string[] = [];
    await fc.assert(fc.asyncProperty(
      fc.array(fc.record({ k: fc.constantFrom('posted', 'pending', 'post_pending', 'void_pending'), d: fc.nat(3), c: fc.nat(3), amount: fc.integer({ min: 0, max: 300 }), pick: fc.nat(), linked: fc.boolean() }), { minLength: 1, maxLength: 8 }),
      async (ops) => {
        const batch = ops.map((o, i) => {
          const id = `prop-${dbLabel}-${n++}`;
          const linked = o.linked && i < ops.length - 1;
          if (o.k === 'post_pending' || o.k === 'void_pending') return { id, kind: o.k, pendingId: pendings[o.pick % Math.max(1, pendings.length)] ?? 'none', reason: 'p', linked };
          if (o.k === 'pending') pendings.push(id);
          return { id, kind: o.k, debitAccountId: accts[o.d].id, creditAccountId: accts[o.c].id, amount: o.amount, reason: 'p', linked };
        });
        await rt.db.transaction((tx) => createTransfers(tx, batch as any));
        const rep = await verifyLedger(rt.db);
        const bad = await rt.db.query(`SELECT id FROM ledger_accounts WHERE (debits_must_not_exceed_credits AND debits_pending + debits_posted > credits_posted) OR (credits_must_not_exceed_debits AND credits_pending + credits_posted > debits_posted)`);
        return rep.ok && bad.length === 0;
      },
    ), { numRuns: onPostgres ? 40 : 25 });
  });

  it('a pending transfer created and posted in the same batch ends with status posted', async () => {
    const [x, y] = await rt.db.transaction(async (tx) => [await ensureAccount(tx, 'same-batch', 'fx_position', 'JPY'), await ensureAccount(tx, 'same-batch-2', 'fx_position', 'JPY')]);
    const r = await rt.db.transaction((tx) => createTransfers(tx, [
      { id: 'sb-p', kind: 'pending', debitAccountId: x.id, creditAccountId: y.id, amount: 500, reason: 'hold' },
      { id: 'sb-q', kind: 'pending', debitAccountId: x.id, creditAccountId: y.id, amount: 70, reason: 'hold' },
      { id: 'sb-post', kind: 'post_pending', pendingId: 'sb-p', amount: 300, reason: 'post part' },
    ]));
    expect(r.map((x) => x.status)).toEqual(['created', 'created', 'created']);
    await rt.db.transaction((tx) => createTransfers(tx, [{ id: 'sb-void', kind: 'void_pending', pendingId: 'sb-q', reason: 'void' }]));
    const rows = await rt.db.query(`SELECT id, pending_status FROM ledger_transfers WHERE id IN ('sb-p','sb-q') ORDER BY id`);
    expect(rows).toEqual([{ id: 'sb-p', pending_status: 'posted' }, { id: 'sb-q', pending_status: 'voided' }]);
    expect((await rt.db.one(`SELECT debits_pending, debits_posted FROM ledger_accounts WHERE id = $1`, [x.id]))).toEqual({ debits_pending: 0, debits_posted: 300 });
    expect((await verifyLedger(rt.db)).ok).toBe(true);
  });

  it('`tradelane ledger verify` proves both invariants', async () => {
    const lines: string[] = [];
    const log = console.log;
    console.log = (m: string) => lines.push(String(m));
    try {
      expect(await ledgerCli['ledger verify'].run(rt, [])).toBe(0);
    } finally {
      console.log = log;
    }
    expect(lines.at(-1)).toMatch(/OK: both invariants hold/);
    // A corrupted balance is detected.
    const acc = await rt.db.one(`SELECT id FROM ledger_accounts WHERE kind = 'fx_position' LIMIT 1`);
    await rt.db.query(`UPDATE ledger_accounts SET credits_posted = credits_posted + 1 WHERE id = $1`, [acc.id]);
    const rep = await verifyLedger(rt.db);
    expect(rep.ok).toBe(false);
    expect(rep.accountMismatches.map((m) => m.accountId)).toEqual([acc.id]);
    await rt.db.query(`UPDATE ledger_accounts SET credits_posted = credits_posted - 1 WHERE id = $1`, [acc.id]);
  });
});
