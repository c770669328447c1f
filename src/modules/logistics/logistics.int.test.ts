import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoLanes } from '../../engines/routing/load.ts';
import { dbLabel, newParty, testRuntime, type Party, type TestRuntime } from '../../../test/helpers.ts';
import { isValidS10 } from './carriers.ts';
import { DEMO_WAREHOUSE_ADDRESSES, demoOrder, demoWarehouses } from './fixtures.ts';
import { pdfText } from './pdf-text.ts';

const DATE = '2026-11-02';
const network = loadDemoLanes();

describe(`logistics: network, routing, bookings, documents (${dbLabel})`, () => {
  let rt: TestRuntime;
  let carrier: Party;
  let otherCarrier: Party;
  let seller: Party;
  let otherSeller: Party;
  const lane: Record<string, string> = {}; // demo lane code → catalogue id

  const api = (p: Party, method: string, url: string, payload?: unknown) => rt.app.inject({ method: method as any, url, headers: p.headers, payload: payload as any });
  const ok = async (p: Party, method: string, url: string, payload?: unknown, status = method === 'GET' ? 200 : undefined) => {
    const res = await api(p, method, url, payload);
    if (status ? res.statusCode !== status : res.statusCode >= 300) throw new Error(`${method} ${url} → ${res.statusCode} ${res.body.slice(0, 600)}`);
    return res.json();
  };
  const route = (order: ReturnType<typeof demoOrder>, stock: Record<string, Record<string, number>>, safety: Record<string, Record<string, number>> = {}) =>
    ok(seller, 'POST', '/v1/logistics/routing/decisions', { order, warehouses: demoWarehouses(stock, safety), date: DATE });
  const flat = (s: string) => s.replace(/\s+/g, ' ');

  beforeAll(async () => {
    rt = await testRuntime();
    [carrier, otherCarrier, seller, otherSeller] = await Promise.all([newParty(rt, 'carrier', 'Pacific Bridge Test'), newParty(rt, 'carrier'), newParty(rt, 'seller'), newParty(rt, 'seller')]);
    for (const l of network.lanes) {
      const { id, providerOrgId: _p, version: _v, suspended: _s, suspendedReason: _r, rating: _rt, ...def } = l;
      const created = await ok(carrier, 'POST', '/v1/logistics/lanes', { ...def, code: id, name: l.name ?? id, publish: true });
      lane[id] = created.id;
    }
  });
  afterAll(() => rt?.dispose());

  describe('lanes, rate cards, capacity', () => {
    it('sellers read every published lane; only the publisher edits, each edit a new version', async () => {
      const seen = await ok(seller, 'GET', '/v1/logistics/lanes');
      expect(seen.data.map((l: any) => l.code).sort()).toEqual(network.lanes.map((l) => l.id).sort());
      const id = lane['ln-line-cn-us']!;
      expect((await api(seller, 'PATCH', `/v1/logistics/lanes/${id}`, { name: 'mine now' })).statusCode).toBe(403);
      expect((await api(otherCarrier, 'PATCH', `/v1/logistics/lanes/${id}`, { name: 'mine now' })).statusCode).toBe(403);
      expect((await api(seller, 'POST', '/v1/logistics/lanes', { ...network.lanes[0], code: 'x-seller' })).statusCode).toBeGreaterThanOrEqual(400);
      const cap = await ok(carrier, 'PUT', `/v1/logistics/lanes/${id}/capacity`, { perDayKg: 5000, perDayParcels: 2000 });
      expect(cap.version).toBe(2);
      expect(cap.lane.capacity).toEqual({ perDayKg: 5000, perDayParcels: 2000 });
      const versions = await ok(seller, 'GET', `/v1/logistics/lanes/${id}/versions`);
      expect(versions.data.map((v: any) => v.version)).toEqual([2, 1]);
    });

    it('drafts stay private to their provider', async () => {
      const { id: _i, providerOrgId: _p, version: _v, suspended: _s, suspendedReason: _r, rating: _rt, ...def } = network.lanes[0]!;
      const draft = await ok(carrier, 'POST', '/v1/logistics/lanes', { ...def, code: 'draft-lane', name: 'Draft' });
      expect(draft.status).toBe('draft');
      expect((await api(seller, 'GET', `/v1/logistics/lanes/${draft.id}`)).statusCode).toBe(404);
      expect((await ok(carrier, 'GET', '/v1/logistics/lanes?mine=true')).data.map((l: any) => l.id)).toContain(draft.id);
    });

    it('rate-card CSV: dry run reports errors by line and changes nothing; a clean sheet applies as a new version', async () => {
      const id = lane['ln-line-cn-de']!;
      const bad = await ok(carrier, 'POST', `/v1/logistics/lanes/${id}/rate-card/import`, { csv: 'zone,from_kg,per_kg,per_parcel\nDE,0,8.50,2.00\nDE,abc,7.00,2.00\nXX,0,1.00,0\n', dry_run: false });
      expect(bad.ok).toBe(false);
      expect(bad.applied).toBe(false);
      expect(bad.errors.map((e: any) => e.line)).toEqual(expect.arrayContaining([3, 4]));
      const before = await ok(carrier, 'GET', `/v1/logistics/lanes/${id}`);
      const dry = await ok(carrier, 'POST', `/v1/logistics/lanes/${id}/rate-card/import`, { csv: 'zone,from_kg,per_kg,per_parcel\nDE,0,8.50,2.00\nDE,5,7.00,2.00\n' });
      expect(dry).toMatchObject({ ok: true, dry_run: true, applied: false, weight_breaks: 2 });
      expect((await ok(carrier, 'GET', `/v1/logistics/lanes/${id}`)).version).toBe(before.version);
      const applied = await ok(carrier, 'POST', `/v1/logistics/lanes/${id}/rate-card/import`, { csv: 'zone,from_kg,per_kg,per_parcel\nDE,0,8.50,2.00\nDE,5,7.00,2.00\n', dry_run: false });
      expect(applied).toMatchObject({ ok: true, applied: true, version: before.version + 1 });
      const after = await ok(seller, 'GET', `/v1/logistics/lanes/${id}`);
      expect(after.lane.rateCard.weightBreaks).toEqual([{ zone: 'DE', fromGrams: 0, perKgMinor: 850, perParcelMinor: 200 }, { zone: 'DE', fromGrams: 5000, perKgMinor: 700, perParcelMinor: 200 }]);
      // put the original card back for the routing scenarios
      await ok(carrier, 'PUT', `/v1/logistics/lanes/${id}/rate-card`, network.lanes.find((l) => l.id === 'ln-line-cn-de')!.rateCard);
    });
  });

  it('quote: every eligible lane with its exact breakdown, every other lane excluded with a reason', async () => {
    const q = await ok(seller, 'POST', '/v1/logistics/quotes', {
      date: '2026-11-20',
      shipment: { origin: { country: 'CN', warehouseId: 'wh-cn-szx' }, destination: { country: 'US', postcode: '60601' }, incoterm: 'DDP', parcels: [{ weightGrams: 1200, lengthCm: 30, widthCm: 20, heightCm: 15 }], declaredValue: { currency: 'USD', amountMinor: 5000 } },
    });
    const express = q.quotes.find((x: any) => x.laneId === lane['ln-exp-cn-us']);
    // docs/routing.md worked example: chargeable 2.0 kg, base 87.00, fuel 23.06, peak 2.00, total 112.06
    expect(express.price).toMatchObject({ chargeableGrams: 2000, baseMinor: 8700, fuelMinor: 2306, peakMinor: 200, totalMinor: 11206, currency: 'USD' });
    expect(q.excluded).toContainEqual(expect.objectContaining({ laneId: lane['ln-post-cn-us'], code: 'clearance' }));
    expect(q.quotes.length + q.excluded.length).toBe(network.lanes.length);
  });

  describe('scenario: US demand spike — US warehouse vs China direct vs Canadian warehouse', () => {
    const stock = { 'wh-us-ont': { 'EARBUDS-X1': 3 }, 'wh-ca-yyz': { 'EARBUDS-X1': 40 }, 'wh-cn-szx': { 'EARBUDS-X1': 1000 } };
    it('US stock first; stored decision explains itself', async () => {
      const d = await route(demoOrder('SPIKE-1', [['EARBUDS-X1', 1]], { promised_date: '2026-11-09' }), stock);
      expect(d.winner_id).toBe(`wh-us-ont:${lane['ln-lm-us-ground']}`);
      expect(d.candidates.map((c: any) => c.id)).toEqual([`wh-us-ont:${lane['ln-lm-us-ground']}`, `wh-ca-yyz:${lane['ln-road-yyz-us']}`, `wh-cn-szx:${lane['ln-line-cn-us']}`, `wh-cn-szx:${lane['ln-exp-cn-us']}`]);
      expect(d.explanation.decisive[0].name).toBe('landedCost');
      expect(d.excluded).toContainEqual(expect.objectContaining({ laneId: lane['ln-post-cn-us'], code: 'clearance' }));
      const stored = await ok(seller, 'GET', `/v1/logistics/routing/decisions/${d.id}`);
      expect(stored).toMatchObject({ id: d.id, order_ref: 'SPIKE-1', status: 'allocated', winner_id: d.winner_id });
      expect(stored.winner.components.reduce((s: number, c: any) => s + c.contribution, 0)).toBeCloseTo(stored.winner.score, 9);
      expect((await api(otherSeller, 'GET', `/v1/logistics/routing/decisions/${d.id}`)).statusCode).toBe(404);
    });
    it('US sold out, tight promise → Canadian warehouse wins on lateness', async () => {
      const d = await route(demoOrder('SPIKE-2', [['EARBUDS-X1', 1]], { promised_date: '2026-11-07' }), { ...stock, 'wh-us-ont': {} });
      expect(d.winner_id).toBe(`wh-ca-yyz:${lane['ln-road-yyz-us']}`);
      expect(d.explanation.runnerUpId).toBe(`wh-cn-szx:${lane['ln-line-cn-us']}`);
      expect(d.explanation.decisive[0].name).toBe('lateness');
      expect(d.explanation.summary).toMatch(/decided by lateness/);
    });
    it('US sold out, no promise → China dedicated line on landed cost', async () => {
      const d = await route(demoOrder('SPIKE-3', [['EARBUDS-X1', 1]]), { ...stock, 'wh-us-ont': {} });
      expect(d.winner_id).toBe(`wh-cn-szx:${lane['ln-line-cn-us']}`);
      expect(d.explanation.decisive.map((x: any) => x.name)).toEqual(['landedCost']);
    });
    it('batch: five spike orders share three US units; heuristic and exact HiGHS agree on the optimum', async () => {
      const orders = [1, 2, 3, 4, 5].map((i) => demoOrder(`BATCH-${i}`, [['EARBUDS-X1', 1]]));
      const h = await ok(seller, 'POST', '/v1/logistics/routing/batches', { orders, warehouses: demoWarehouses(stock), date: DATE });
      const e = await ok(seller, 'POST', '/v1/logistics/routing/batches', { orders, warehouses: demoWarehouses(stock), date: DATE, method: 'exact' });
      expect(h.totals).toMatchObject({ orders: 5, allocated: 5, unallocated: 0, currency: 'USD' });
      expect(e.totals.solver_status).toBe('Optimal');
      expect(h.totals.total_score).toBeCloseTo(e.totals.total_score, 6);
      const fromUs = h.decisions.filter((d: any) => d.winner_id.startsWith('wh-us-ont:'));
      expect(fromUs).toHaveLength(3); // never more than the stock
      const others = h.decisions.filter((d: any) => !d.winner_id.startsWith('wh-us-ont:'));
      expect(others.every((d: any) => /option #2/.test(d.explanation.summary))).toBe(true);
      const run = await ok(seller, 'GET', `/v1/logistics/routing/batches/${h.id}`);
      expect(run.decisions).toHaveLength(5);
      // the latest decision per order is the exact run's; the heuristic run's were superseded
      const list = await ok(seller, 'GET', `/v1/logistics/routing/decisions?order_ref=BATCH-1`);
      expect(list.data.map((d: any) => d.status)).toEqual(['allocated', 'superseded']);
    });
  });

  describe('scenario: EU warehouse running low — transfer from Asia vs direct from China', () => {
    it('local stock while it lasts, with a visible low-stock penalty', async () => {
      const d = await route(demoOrder('EU-1', [['YOGA-MAT', 1]], { country: 'DE' }), { 'wh-de-dus': { 'YOGA-MAT': 3 }, 'wh-cn-szx': { 'YOGA-MAT': 500 } }, { 'wh-de-dus': { 'YOGA-MAT': 5 } });
      expect(d.winner_id).toBe(`wh-de-dus:${lane['ln-lm-de-parcel']}`);
      expect(d.explanation.tradeOffs.map((t: any) => t.name)).toEqual(['stockAfter']);
    });
    it('out of stock, no promise → rail transfer into the EU warehouse, then last mile', async () => {
      const d = await route(demoOrder('EU-2', [['YOGA-MAT', 1]], { country: 'DE' }), { 'wh-cn-szx': { 'YOGA-MAT': 500 } });
      expect(d.winner_id).toBe(`wh-cn-szx:${lane['ln-xfer-rail-szx-dus']}>${lane['ln-lm-de-parcel']}`);
      expect(d.lane_ids).toEqual([lane['ln-xfer-rail-szx-dus'], lane['ln-lm-de-parcel']]);
    });
    it('out of stock, 14-day promise → direct China–Europe line', async () => {
      const d = await route(demoOrder('EU-3', [['YOGA-MAT', 1]], { country: 'DE', promised_date: '2026-11-16' }), { 'wh-cn-szx': { 'YOGA-MAT': 500 } });
      expect(d.winner_id).toBe(`wh-cn-szx:${lane['ln-line-cn-de']}`);
    });
  });

  describe('disruption: Red Sea closure', () => {
    it('simulates the re-routing of unshipped Suez allocations, then applies it on confirmation', async () => {
      const stock = { 'wh-cn-szx': { 'MAGNETIC-TILES-60': 1000 } };
      const b2b = (ref: string, qty: number, promise?: string) => demoOrder(ref, [['MAGNETIC-TILES-60', qty]], { country: 'DE', incoterm: 'DAP', promised_date: promise });
      const d1 = await route(b2b('B2B-1', 100), stock);
      const d2 = await route(b2b('B2B-2', 60, '2026-12-20'), stock);
      expect(d1.lane_ids).toEqual([lane['ln-sea-suez-cn-de']]);
      expect(d2.lane_ids).toEqual([lane['ln-sea-suez-cn-de']]);
      const sim = await ok(seller, 'POST', '/v1/logistics/disruptions', { description: 'Red Sea closed to container traffic', via: ['red-sea'], date: DATE });
      expect(sim.status).toBe('proposed');
      expect(sim.report.affected_lane_ids.sort()).toEqual([lane['ln-sea-suez-cn-de'], lane['ln-xfer-sea-szx-dus']].sort());
      const byOrder = Object.fromEntries(sim.report.impacts.map((i: any) => [i.orderId, i]));
      expect(byOrder['B2B-1'].after.laneIds).toEqual([lane['ln-sea-cape-cn-de']]);
      expect(byOrder['B2B-1'].deliveryDelayDays).toBe(12);
      expect(byOrder['B2B-1'].costDeltaMinor).toBeGreaterThan(0);
      expect(byOrder['B2B-2'].after.laneIds).toEqual([lane['ln-rail-cn-de']]);
      expect(sim.report.totals).toMatchObject({ rerouted: 2, unroutable: 0, currency: 'USD', costDeltaMinor: byOrder['B2B-1'].costDeltaMinor + byOrder['B2B-2'].costDeltaMinor, maxDelayDays: 12 });
      // nothing changed before confirmation
      expect((await ok(seller, 'GET', `/v1/logistics/routing/decisions/${d1.id}`)).status).toBe('allocated');
      const applied = await ok(seller, 'POST', `/v1/logistics/disruptions/${sim.id}/apply`);
      expect(applied.status).toBe('applied');
      expect(applied.applied_decision_ids).toHaveLength(2);
      expect((await ok(seller, 'GET', `/v1/logistics/routing/decisions/${d1.id}`)).status).toBe('superseded');
      const now = await ok(seller, 'GET', `/v1/logistics/routing/decisions?order_ref=B2B-1&status=allocated`);
      expect(now.data[0].lane_ids).toEqual([lane['ln-sea-cape-cn-de']]);
      expect(now.data[0].explanation.summary).toMatch(/re-routed by disruption/);
      expect((await api(seller, 'POST', `/v1/logistics/disruptions/${sim.id}/apply`)).statusCode).toBe(409);
      expect((await api(otherSeller, 'GET', `/v1/logistics/disruptions/${sim.id}`)).statusCode).toBe(404);
    });

    it('auto policy applies at once; a lane its provider suspended counts as affected', async () => {
      const suspended = await ok(carrier, 'POST', `/v1/logistics/lanes/${lane['ln-sea-cape-cn-de']}/suspend`, { reason: 'port congestion', date: DATE });
      expect(suspended.disruption_proposals).toBe(1); // the seller with B2B-1 on the Cape gets a proposal
      const proposals = (await ok(seller, 'GET', '/v1/logistics/disruptions')).data.filter((x: any) => x.status === 'proposed');
      expect(proposals[0]).toMatchObject({ description: 'Lane suspended by its provider: port congestion', policy: 'confirm' });
      expect(proposals[0].report.impacts.map((i: any) => i.orderId)).toEqual(['B2B-1']);
      expect((await ok(otherSeller, 'GET', '/v1/logistics/disruptions')).data).toEqual([]);
      await ok(seller, 'POST', `/v1/logistics/disruptions/${proposals[0].id}/discard`);
      const sim = await ok(seller, 'POST', '/v1/logistics/disruptions', { description: 'Cape lane suspended', lane_ids: [lane['ln-sea-cape-cn-de']], policy: 'auto', date: DATE });
      expect(sim.status).toBe('applied');
      const b1 = sim.report.impacts.find((i: any) => i.orderId === 'B2B-1');
      expect(b1.status).toBe('rerouted');
      expect(b1.after.laneIds).not.toContain(lane['ln-sea-cape-cn-de']);
      await ok(carrier, 'POST', `/v1/logistics/lanes/${lane['ln-sea-cape-cn-de']}/resume`);
    });
  });

  describe('bookings', () => {
    const shipper = DEMO_WAREHOUSE_ADDRESSES['wh-cn-szx'];
    let accepted: any;

    it('denied-party screening before booking: a listed consignee is refused with the screening named', async () => {
      const o = demoOrder('BK-SCR', [['YOGA-MAT', 1]]);
      const r = await api(seller, 'POST', '/v1/logistics/bookings', { lane_id: lane['ln-line-cn-us'], orders: [{ ...o, consignee: { ...o.consignee, company: 'ROSOBORONEXPORT' } }], shipper, date: DATE });
      expect(r.statusCode, r.body).toBe(422);
      expect(r.json().type).toMatch(/screening_hold$/);
      expect(r.json().screening_id).toMatch(/^scr_/);
    }, 180_000);

    it('a booking is shared with the lane\'s carrier only; the carrier accepts and a tracking number is issued', async () => {
      const b = await ok(seller, 'POST', '/v1/logistics/bookings', { lane_id: lane['ln-line-cn-us'], orders: [demoOrder('BK-1', [['LED-STRIP-5M', 2], ['YOGA-MAT', 1]])], shipper, date: DATE });
      expect(b).toMatchObject({ status: 'requested', carrier_org_id: carrier.orgId, adapter: 'manual', tracking_number: null, parcels: 1 });
      expect(b.quote.price.totalMinor).toBeGreaterThan(0);
      const incoming = await ok(carrier, 'GET', '/v1/logistics/bookings?role=carrier&status=requested');
      expect(incoming.data.map((x: any) => x.id)).toContain(b.id);
      expect((await api(otherCarrier, 'GET', `/v1/logistics/bookings/${b.id}`)).statusCode).toBe(404);
      expect((await ok(otherCarrier, 'GET', '/v1/logistics/bookings')).data).toEqual([]);
      expect((await api(otherCarrier, 'POST', `/v1/logistics/bookings/${b.id}/accept`, {})).statusCode).toBe(404);
      expect((await api(seller, 'POST', `/v1/logistics/bookings/${b.id}/accept`, {})).statusCode).toBe(403);
      accepted = await ok(carrier, 'POST', `/v1/logistics/bookings/${b.id}/accept`, {});
      expect(accepted.status).toBe('accepted');
      expect(isValidS10(accepted.tracking_number)).toBe(true);
      expect((await ok(seller, 'GET', `/v1/logistics/bookings/${b.id}`)).tracking_number).toBe(accepted.tracking_number);
      const again = await api(carrier, 'POST', `/v1/logistics/bookings/${b.id}/accept`, {});
      expect(again.statusCode).toBe(409);
      expect(again.json().type).toMatch(/illegal_transition/);
    });

    it('the carrier rejects with a reason; a lane that cannot carry the goods refuses the booking', async () => {
      const b = await ok(seller, 'POST', '/v1/logistics/bookings', { lane_id: lane['ln-line-cn-de'], orders: [demoOrder('BK-2', [['YOGA-MAT', 1]], { country: 'DE' })], shipper, date: DATE });
      const r = await ok(carrier, 'POST', `/v1/logistics/bookings/${b.id}/reject`, { reason: 'no space on the 4 Nov departure' });
      expect(r).toMatchObject({ status: 'rejected', reject_reason: 'no space on the 4 Nov departure', tracking_number: null });
      const batteries = await api(seller, 'POST', '/v1/logistics/bookings', { lane_id: lane['ln-exp-cn-us'], orders: [demoOrder('BK-3', [['POWERBANK-20K', 1]])], shipper, date: DATE });
      expect(batteries.statusCode).toBe(422);
      expect(batteries.json().code ?? batteries.json().type).toMatch(/lane_not_available|restriction/);
    });

    it('documents: label (4×6 in, Code 128), commercial invoice and packing list carry the order and product data, in English and Chinese', async () => {
      const docs = await ok(seller, 'POST', `/v1/logistics/bookings/${accepted.id}/documents`, {});
      expect(docs.data.map((d: any) => d.kind)).toEqual(['label', 'commercial_invoice', 'packing_list']);
      const get = async (p: Party, kind: string) => api(p, 'GET', `/v1/logistics/documents/${docs.data.find((d: any) => d.kind === kind).id}`);
      const labelRes = await get(carrier, 'label'); // the carrier reads documents through its booking grant
      expect(labelRes.statusCode).toBe(200);
      expect(labelRes.headers['content-type']).toBe('application/pdf');
      expect((await get(otherCarrier, 'label')).statusCode).toBe(404);
      const label = labelRes.rawPayload;
      expect(label.toString('latin1')).toMatch(/\/MediaBox \[0 0 288 432\]/);
      expect(label.toString('latin1')).toMatch(/\/Subtype \/Image/); // the barcode
      const labelText = flat(pdfText(label));
      expect(labelText).toContain(accepted.tracking_number);
      expect(labelText).toContain('Jordan Miller');
      expect(labelText).toContain('深圳流明电子');
      expect(labelText).toContain('TO 收件人');

      const invoice = flat(pdfText((await get(seller, 'commercial_invoice')).rawPayload));
      expect(invoice).toContain('COMMERCIAL INVOICE 商业发票');
      expect(invoice).toContain('Shenzhen Lumen Electronics Co., Ltd.');
      expect(invoice).toContain('350 Fifth Avenue');
      expect(invoice).toContain('HS 940542');
      expect(invoice).toContain('HS 950691');
      expect(invoice).toContain('Origin 原产地 CN');
      expect(invoice).toContain('LED灯带 5米');
      expect(invoice).toContain('Incoterm 贸易条款: DDP');
      expect(invoice).toContain('Total value 总金额: 48.00 USD'); // 2 × 15.00 + 18.00
      expect(invoice).toContain('Number of packages 件数: 1');
      expect(invoice).toContain('Net weight 净重: 1.700 kg'); // 2 × 0.300 + 1.100

      const packing = flat(pdfText((await get(seller, 'packing_list')).rawPayload));
      expect(packing).toContain('PACKING LIST 装箱单');
      expect(packing).toContain('BK-1 · LED-STRIP-5M · LED light strip 5 m LED灯带 5米 × 2');
      expect(packing).toContain('Total packages 总件数: 1');
    });

    it('consolidation: several orders to one destination become one master shipment with a packing plan', async () => {
      const orders = [1, 2, 3, 4].map((i) => demoOrder(`CNS-${i}`, [['YOGA-MAT', 4 * i]], { country: 'DE' }));
      const c = await ok(seller, 'POST', '/v1/logistics/consolidations', {
        orders, shipper, deliver_to: DEMO_WAREHOUSE_ADDRESSES['wh-de-dus'], lane_id: lane['ln-xfer-rail-szx-dus'], from_warehouse_id: 'wh-cn-szx', max_carton_grams: 30_000, date: DATE,
      });
      const grams = [1, 2, 3, 4].map((i) => 4 * i * 1100);
      expect(c.plan.total_grams).toBe(grams.reduce((a, b) => a + b, 0));
      expect(c.plan.cartons.every((k: any) => k.weightGrams <= 30_000)).toBe(true);
      expect(c.plan.cartons.flatMap((k: any) => k.orderRefs).sort()).toEqual(['CNS-1', 'CNS-2', 'CNS-3', 'CNS-4']);
      expect(c.plan.cartons).toHaveLength(2); // 17.6 + 8.8 kg | 13.2 + 4.4 kg (first fit decreasing)
      expect(c.master_booking).toMatchObject({ consolidation_id: c.id, parcels: 2, carrier_org_id: carrier.orgId, order_refs: ['CNS-1', 'CNS-2', 'CNS-3', 'CNS-4'] });
      const doc = await ok(seller, 'POST', `/v1/logistics/bookings/${c.master_booking.id}/documents`, { kinds: ['packing_list'] });
      const text = flat(pdfText((await api(seller, 'GET', `/v1/logistics/documents/${doc.data[0].id}`)).rawPayload));
      expect(text).toContain('Package 包裹 1/2');
      expect(text).toContain('Total packages 总件数: 2');
    });
  });

  describe('one-click ship', () => {
    const stock = { 'wh-cn-szx': { 'EARBUDS-X1': 100, 'LED-STRIP-5M': 100 } };
    it('address → compliance → routing → booking → documents in one action', async () => {
      const r = await ok(seller, 'POST', '/v1/logistics/ship', { order: demoOrder('SHIP-1', [['LED-STRIP-5M', 1]]), warehouses: demoWarehouses(stock), date: DATE });
      expect(r.ok).toBe(true);
      expect(r.steps.map((s: any) => [s.step, s.status])).toEqual([['address', 'ok'], ['compliance', 'ok'], ['routing', 'ok'], ['booking', 'ok'], ['documents', 'ok']]);
      expect(r.bookings[0].lane_id).toBe(lane['ln-line-cn-us']);
      expect(r.documents.map((d: any) => d.kind)).toEqual(['label', 'commercial_invoice', 'packing_list']);
      expect((await ok(seller, 'GET', `/v1/logistics/routing/decisions/${r.decision_id}`)).status).toBe('booked');
    });
    it('stops at the first failing step and says why', async () => {
      const badZip = demoOrder('SHIP-2', [['LED-STRIP-5M', 1]], { consignee: { name: 'A', line1: '1 Main St', city: 'X', postcode: 'ABCDE', country: 'US' } });
      const a = await ok(seller, 'POST', '/v1/logistics/ship', { order: badZip, warehouses: demoWarehouses(stock), date: DATE });
      expect(a).toMatchObject({ ok: false, stopped_at: 'address' });
      expect(a.steps.map((s: any) => s.status)).toEqual(['failed', 'skipped', 'skipped', 'skipped', 'skipped']);
      expect(a.steps[0].detail).toMatch(/postcode/);
      const noHs = demoOrder('SHIP-3', [['LED-STRIP-5M', 1]]);
      delete (noHs.lines[0] as any).hs_code;
      const c = await ok(seller, 'POST', '/v1/logistics/ship', { order: noHs, warehouses: demoWarehouses(stock), date: DATE });
      expect(c).toMatchObject({ ok: false, stopped_at: 'compliance' });
      expect(c.steps[1].detail).toMatch(/HS code missing/);
      const r = await ok(seller, 'POST', '/v1/logistics/ship', { order: demoOrder('SHIP-4', [['PERFUME-50ML', 1]]), warehouses: demoWarehouses(stock), date: DATE });
      expect(r).toMatchObject({ ok: false, stopped_at: 'routing' });
      expect(r.steps.map((s: any) => s.status)).toEqual(['ok', 'ok', 'failed', 'skipped', 'skipped']);
    });
  });
});
