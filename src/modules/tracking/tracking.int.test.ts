import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoLanes } from '../../engines/routing/load.ts';
import { signWebhook } from '../webhooks/index.ts';
import { createTransfersOrThrow, ensureAccount, platformAccount } from '../ledger/index.ts';
import { DEMO_WAREHOUSE_ADDRESSES, demoOrder } from '../logistics/fixtures.ts';
import { dbLabel, newParty, testRuntime, type Party, type TestRuntime } from '../../../test/helpers.ts';
import { sweepRules } from './exceptions.ts';
import { providerReliability } from './scorecards.ts';

const fixture = (p: string) => readFileSync(new URL(`../../../data/fixtures/carriers/${p}`, import.meta.url), 'utf8');
const network = loadDemoLanes();
const DAY = 86_400_000;
const HOUR = 3_600_000;

describe(`tracking, exceptions, SLA contracts, scorecards (${dbLabel})`, () => {
  let rt: TestRuntime;
  let seller: Party, carrier: Party, broker: Party, buyer: Party, operator: Party, outsider: Party;
  const lane: Record<string, string> = {};
  const api = (p: Party | null, method: string, url: string, payload?: unknown, headers: Record<string, string> = {}) =>
    rt.app.inject({ method: method as any, url, headers: { ...(p?.headers ?? {}), ...headers }, payload: payload as any });
  const ok = async (p: Party | null, method: string, url: string, payload?: unknown) => {
    const res = await api(p, method, url, payload);
    if (res.statusCode >= 300) throw new Error(`${method} ${url} → ${res.statusCode} ${res.body.slice(0, 800)}`);
    return res.json();
  };
  const ev = (tn: string, carrierCode: string, at: string, code: string, extra: Record<string, unknown> = {}) => ({ tracking_number: tn, carrier: carrierCode, occurred_at: at, status_code: code, description: `${code} scan`, ...extra });
  // Deliver outbox events until `ready` holds. On a shared PostgreSQL server a transaction in another
  // database holds back pg_snapshot_xmin (cluster-wide), so one drain may not see the newest events yet.
  const settle = async (ready: () => Promise<boolean>) => {
    for (let i = 0; i < 200; i++) {
      await rt.events.drain();
      if (await ready()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const outbox = async (type: string, entityId: string) => (await rt.db.query(`SELECT count(*)::int AS n FROM outbox WHERE type = $1 AND entity_id = $2`, [type, entityId]))[0].n;

  beforeAll(async () => {
    rt = await testRuntime();
    [seller, carrier, broker, buyer, operator, outsider] = await Promise.all([
      newParty(rt, 'seller'), newParty(rt, 'carrier'), newParty(rt, 'broker'), newParty(rt, 'buyer'), newParty(rt, 'operator'), newParty(rt, 'seller'),
    ]);
    for (const l of network.lanes.filter((x) => ['ln-exp-cn-de', 'ln-sea-suez-cn-de', 'ln-lm-de-parcel'].includes(x.id))) {
      const { id, providerOrgId: _p, version: _v, suspended: _s, suspendedReason: _r, rating: _rt, ...def } = l;
      lane[id] = (await ok(carrier, 'POST', '/v1/logistics/lanes', { ...def, code: id, name: l.name ?? id, publish: true })).id;
    }
  });
  afterAll(() => rt?.dispose());

  it('a shipment is shared with its parties through grants; others get 404', async () => {
    const shp = await ok(seller, 'POST', '/v1/tracking/shipments', {
      carrier: 'acme', tracking_number: 'GRANT-1', lane_id: lane['ln-exp-cn-de'], broker_org_id: broker.orgId, buyer_org_id: buyer.orgId, destination_country: 'DE', destination_postcode: '10115',
    });
    expect(shp.parties.carrier_org_id).toBe(carrier.orgId); // from the lane
    expect(shp.lane_transit).toEqual({ minDays: 3, typicalDays: 4, maxDays: 7 });
    for (const p of [carrier, broker, buyer]) expect((await api(p, 'GET', `/v1/tracking/shipments/${shp.id}`)).statusCode).toBe(200);
    expect((await api(outsider, 'GET', `/v1/tracking/shipments/${shp.id}`)).statusCode).toBe(404);
    expect((await ok(outsider, 'GET', '/v1/tracking/shipments')).data).toEqual([]);
    expect((await ok(carrier, 'GET', '/v1/tracking/shipments?role=party')).data.map((s: any) => s.id)).toContain(shp.id);
    // the buyer reads but cannot write; an outsider's push is "unmatched" (existence not revealed)
    for (const p of [buyer, outsider]) {
      const r = await ok(p, 'POST', '/v1/tracking/events', { events: [ev('GRANT-1', 'acme', '2026-11-01T08:00:00Z', 'PU', { status: 'picked_up' })] });
      expect([r.stored, r.unmatched.length]).toEqual([0, 1]);
    }
    const dup = await api(outsider, 'POST', '/v1/tracking/shipments', { carrier: 'acme', tracking_number: 'GRANT-1' });
    expect(dup.statusCode).toBe(409);
    expect(dup.body).not.toContain(shp.id);
  });

  it('carrier payloads map through the engine; raw status kept; duplicates and out-of-order arrival handled', async () => {
    const shp = await ok(seller, 'POST', '/v1/tracking/shipments', { carrier: 'dhl_universal', tracking_number: '7777777770', destination_country: 'NL', destination_postcode: '1043 AG' });
    const payload = JSON.parse(fixture('dhl/dhl-unified.track-shipments.response.example.json'));
    const first = await ok(seller, 'POST', '/v1/tracking/carriers/dhl', payload);
    expect(first.stored).toBeGreaterThan(0);
    expect(first.unmatched).toEqual([]);
    const again = await ok(seller, 'POST', '/v1/tracking/carriers/dhl', payload);
    expect([again.stored, again.duplicates]).toEqual([0, first.stored]);
    const detail = await ok(seller, 'GET', `/v1/tracking/shipments/${shp.id}`);
    expect(detail.event_count).toBe(first.stored);
    const rawCodes = payload.shipments[0].events.map((e: any) => e.statusCode);
    for (const e of detail.events) expect(rawCodes.map((c: string) => c)).toContain(e.raw_status_code);
    expect(detail.events.every((e: any) => e.raw !== null)).toBe(true);

    // out of order: the delivery arrives before the pickup; state follows event time
    await ok(seller, 'POST', '/v1/tracking/shipments', { carrier: 'acme', tracking_number: 'OOO-1' });
    await ok(seller, 'POST', '/v1/tracking/events', { events: [ev('OOO-1', 'acme', '2026-11-05T10:00:00+01:00', 'DL', { status: 'delivered' })] });
    const late = await ok(seller, 'POST', '/v1/tracking/events', { events: [ev('OOO-1', 'acme', '2026-11-01T10:00:00Z', 'PU', { status: 'picked_up' }), ev('OOO-1', 'acme', '2026-11-01T10:00:30Z', 'PU', { status: 'picked_up' })] });
    expect([late.stored, late.duplicates]).toEqual([1, 1]); // same minute → same event key
    const s = (await ok(seller, 'GET', '/v1/tracking/shipments?tracking_number=OOO-1')).data[0];
    expect([s.status, s.delivered_at, s.picked_up_at]).toEqual(['delivered', '2026-11-05T09:00:00.000Z', '2026-11-01T10:00:00.000Z']);
  });

  it('signed provider feed: HMAC verified over the raw body before anything is stored', async () => {
    await ok(seller, 'POST', '/v1/tracking/shipments', { carrier: 'acme', tracking_number: 'FEED-1', carrier_org_id: carrier.orgId });
    const feed = await ok(carrier, 'POST', '/v1/tracking/feeds', { name: 'acme push', carrier: 'acme', format: 'tradelane' });
    expect(feed.secret).toMatch(/^tlfs_/);
    const body = JSON.stringify({ events: [ev('FEED-1', 'acme', '2026-11-02T08:00:00Z', 'PU', { status: 'picked_up' })] });
    const url = `/v1/tracking/feeds/${feed.id}/events`;
    const post = (sig: string, b = body) => rt.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', 'tradelane-signature': sig }, payload: b });
    expect((await post('t=1,v1=00')).statusCode).toBe(401);
    expect((await post(signWebhook('wrong', body))).statusCode).toBe(401);
    expect((await post(signWebhook(feed.secret, body), body.replace('PU', 'XX'))).statusCode).toBe(401);
    const good = await post(signWebhook(feed.secret, body));
    expect(good.statusCode).toBe(200);
    expect(good.json().stored).toBe(1);
    expect((await api(seller, 'GET', `/v1/tracking/feeds`)).json().data).toEqual([]); // feeds belong to the carrier
  });

  it('CSV upload: a customs inspection opens one exception for broker and seller, with the documents needed', async () => {
    const shp = await ok(seller, 'POST', '/v1/tracking/shipments', { carrier: 'acme-forwarding', tracking_number: 'TLX000123', broker_org_id: broker.orgId, origin_country: 'CN', destination_country: 'DE', destination_postcode: '99099', seller_email: 'ops@seller.example' });
    const csv = fixture('csv/tracking-events.sample.csv').split('\n').slice(0, 6).join('\n'); // up to the customs hold
    const up = await rt.app.inject({ method: 'POST', url: '/v1/tracking/events/csv', headers: { ...seller.headers, 'content-type': 'text/csv' }, payload: csv });
    expect(up.statusCode).toBe(201);
    expect(up.json().exceptions_opened.map((e: any) => e.rule)).toContain('customs_hold');
    const bad = await rt.app.inject({ method: 'POST', url: '/v1/tracking/events/csv', headers: { ...seller.headers, 'content-type': 'text/csv' }, payload: 'tracking_number,carrier\nX,y' });
    expect(bad.statusCode).toBe(422);
    const list = await ok(broker, 'GET', `/v1/exceptions?shipment_id=${shp.id}`);
    const hold = list.data.find((e: any) => e.rule === 'customs_hold');
    expect(hold.owner_org_id).toBe(broker.orgId);
    expect(hold.notify).toEqual(['broker', 'seller']);
    expect(hold.facts.documents_needed).toContain('commercial_invoice');
    // the same hold again (re-upload) neither opens a second exception nor notifies again
    await rt.app.inject({ method: 'POST', url: '/v1/tracking/events/csv', headers: { ...seller.headers, 'content-type': 'text/csv' }, payload: csv });
    await ok(seller, 'POST', `/v1/tracking/shipments/${shp.id}/evaluate`);
    expect((await ok(seller, 'GET', `/v1/exceptions?shipment_id=${shp.id}&rule=customs_hold`)).data).toHaveLength(1);
    expect(await outbox('tracking.exception.opened', hold.id)).toBe(1);
    const mails = await rt.db.query(`SELECT count(*)::int AS n FROM jobs WHERE kind = 'email.send' AND payload->>'to' = 'ops@seller.example' AND payload->>'subject' LIKE '%ustoms%'`);
    expect(mails[0].n).toBe(1);
    // queue work: assign, comment, attribute, resolve — the timeline records each step
    await ok(broker, 'PATCH', `/v1/exceptions/${hold.id}`, { assignee: 'dana@broker.example', status: 'acknowledged' });
    await ok(seller, 'POST', `/v1/exceptions/${hold.id}/comments`, { body: 'Invoice uploaded' });
    expect((await api(seller, 'PATCH', `/v1/exceptions/${hold.id}`, { cause: 'seller' })).statusCode).toBe(400);
    expect((await api(broker, 'PATCH', `/v1/exceptions/${hold.id}`, { status: 'resolved' })).statusCode).toBe(400);
    expect((await api(buyer, 'PATCH', `/v1/exceptions/${hold.id}`, { status: 'resolved', resolution: 'x' })).statusCode).toBe(404);
    const done = await ok(broker, 'PATCH', `/v1/exceptions/${hold.id}`, { cause: 'seller', status: 'resolved', resolution: 'released after invoice check' });
    expect(done.timeline.map((n: any) => n.kind)).toEqual(['opened', 'notified', 'status', 'assigned', 'comment', 'status', 'cause']);
    expect((await api(outsider, 'GET', `/v1/exceptions/${hold.id}`)).statusCode).toBe(404);
  });

  it('polling adapter: a local HTTP server serving a Karrio response', async () => {
    const body = fixture('karrio/tracking-response.constructed.json');
    const asked: string[] = [];
    const server: Server = createServer((req, res) => { asked.push(req.url ?? ''); res.setHeader('content-type', 'application/json'); res.end(body); });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as any).port;
      await ok(seller, 'POST', '/v1/tracking/shipments', { carrier: 'dhl_express', tracking_number: '1234567890', destination_country: 'DE' });
      const src = await ok(seller, 'POST', '/v1/tracking/poll-sources', { carrier: 'dhl_express', format: 'karrio', url: `http://127.0.0.1:${port}/track`, interval_minutes: 30 });
      const r = await ok(seller, 'POST', `/v1/tracking/poll-sources/${src.id}/run`);
      expect(asked[0]).toContain('tracking_numbers=1234567890');
      expect(r.error).toBeNull();
      expect(r.stored).toBeGreaterThan(2);
      const shp = (await ok(seller, 'GET', '/v1/tracking/shipments?tracking_number=1234567890')).data[0];
      expect(shp.estimated_delivery_at).toBe('2024-06-07T23:59:59.999Z');
      expect((await ok(seller, 'POST', `/v1/tracking/poll-sources/${src.id}/run`)).stored).toBe(0);
    } finally {
      server.close();
    }
  });

  it('time-based rules run as a job: dwell at the destination port > 48 h → demurrage + onward proposal, notified once', async () => {
    const t0 = Date.parse('2030-03-01T00:00:00Z');
    const at = (ms: number) => new Date(t0 + ms).toISOString();
    const shp = await ok(seller, 'POST', '/v1/tracking/shipments', { carrier: 'msc', tracking_number: 'MSCU1', lane_id: lane['ln-sea-suez-cn-de'], origin_country: 'CN', destination_country: 'DE', destination_postcode: '40210' });
    await ok(carrier, 'POST', '/v1/tracking/events', { events: [
      ev('MSCU1', 'msc', at(-30 * DAY), 'LOAD', { status: 'picked_up', location: { country: 'CN' } }),
      ev('MSCU1', 'msc', at(0), 'DISC', { status: 'in_transit', stage: 'arrival', location: { code: 'DEHAM', city: 'Hamburg', country: 'DE' } }),
    ] });
    await sweepRules(rt.db, rt, at(47 * HOUR));
    expect((await ok(seller, 'GET', `/v1/exceptions?shipment_id=${shp.id}&rule=dwell_at_port`)).data).toHaveLength(0);
    await sweepRules(rt.db, rt, at(6 * DAY));
    await sweepRules(rt.db, rt, at(7 * DAY)); // still there: facts refresh, no new notification
    const [dwell] = (await ok(carrier, 'GET', `/v1/exceptions?shipment_id=${shp.id}&rule=dwell_at_port`)).data;
    expect(dwell.facts.dwell_hours).toBe(168);
    expect(dwell.facts.demurrage).toMatchObject({ currency: 'EUR', freeDays: 4, chargeableDays: 3, amountMinor: 28_500 });
    expect(dwell.facts.alternatives[0]).toMatchObject({ lane_id: lane['ln-lm-de-parcel'], kind: 'transship_via_warehouse', via_warehouse: 'wh-de-dus' });
    expect(await outbox('tracking.exception.opened', dwell.id)).toBe(1);
    // the job kind is registered and runs with a payload clock
    const { enqueue } = await import('../../kernel/jobs.ts');
    await enqueue(rt.db, 'tracking.rules.sweep', { now: at(8 * DAY) });
    expect(await rt.jobs.runDue(50, new Date(t0 + 8 * DAY))).toBeGreaterThan(0);
  });

  it('IoT readings: a temperature excursion raises an alert with a replacement proposal; GPS feeds the route picture', async () => {
    const shp = await ok(seller, 'POST', '/v1/tracking/shipments', { carrier: 'acme', tracking_number: 'COLD-1', carrier_org_id: carrier.orgId, destination_country: 'DE', destination_postcode: '69117', handling: { temperatureC: { min: 2, max: 8 }, shockG: 5 } });
    const r = await ok(carrier, 'POST', `/v1/tracking/shipments/${shp.id}/iot`, { readings: [
      { device_id: 'TT1', ts: '2026-11-01T00:00:00Z', type: 'temperature', value: 5 },
      { device_id: 'TT1', ts: '2026-11-01T01:00:00Z', type: 'temperature', value: 53.6, unit: 'F' },
      { device_id: 'TT1', ts: '2026-11-01T02:00:00Z', type: 'temperature', value: 6 },
      { device_id: 'TT1', ts: '2026-11-01T02:00:00Z', type: 'gps', lat: 25.25, lon: 55.36 },
      { device_id: 'TT1', ts: '2026-11-01T03:00:00Z', type: 'shock', g: 2 },
      { device_id: 'TT1', ts: 'yesterday', type: 'temperature', value: 5 },
    ] });
    expect([r.stored, r.issues.length]).toEqual([5, 1]);
    expect(r.exceptions_opened.map((e: any) => e.rule)).toEqual(['temperature_excursion']);
    const [x] = (await ok(seller, 'GET', `/v1/exceptions?shipment_id=${shp.id}`)).data;
    expect(x.facts.excursions[0].worst).toBe(12);
    expect(x.facts.contingency.action).toBe('replacement_shipment');
    await ok(seller, 'POST', '/v1/tracking/events', { events: [ev('COLD-1', 'acme', '2026-11-01T04:00:00Z', 'ARR', { status: 'in_transit', location: { country: 'AE', lat: 25.2, lon: 55.3 } })] });
    const pub = await ok(null, 'GET', '/v1/tracking/public/COLD-1?postcode=69%20117');
    expect(pub.route.points.map((p: any) => p.source)).toEqual(['gps', 'scan']);
    expect(JSON.stringify(pub)).not.toMatch(/org_|shp_|tev_/);
    expect((await api(null, 'GET', '/v1/tracking/public/COLD-1?postcode=10115')).statusCode).toBe(404);
    expect((await api(null, 'GET', '/v1/tracking/public/NOPE?postcode=69117')).statusCode).toBe(404);
  });

  it('SLA: promised 5 days, delivered after 7 → penalty from the carrier deposit to the seller; dispute reversed by the operator', async () => {
    const dep = await ok(carrier, 'POST', '/v1/contracts/deposits', { amount: 100_000, currency: 'EUR' });
    expect(dep.balance).toBe(100_000);
    expect((await api(seller, 'POST', '/v1/contracts/deposits', { amount: 1, currency: 'EUR' })).statusCode).toBe(403);
    const terms = { currency: 'EUR', promisedTransitDays: 5, breachThresholdDays: 0, penalty: { fixedMinor: 1000, perDayLateMinor: 500, percentOfFreightBp: 1000, capMinor: 5000 }, exclusions: { sellerCustomsHolds: true, forceMajeure: true }, milestones: [{ stage: 'warehouse_receipt', percentBp: 3000 }] };
    expect((await api(seller, 'POST', '/v1/contracts', { name: 'x', lane_id: lane['ln-exp-cn-de'], seller_org_id: seller.orgId, valid_from: '2026-01-01', valid_to: '2030-12-31', terms })).statusCode).toBe(403);
    const c = await ok(carrier, 'POST', '/v1/contracts', { name: 'Express 5-day', lane_id: lane['ln-exp-cn-de'], seller_org_id: seller.orgId, valid_from: '2026-01-01', valid_to: '2030-12-31', terms });
    expect((await ok(seller, 'GET', '/v1/contracts')).data.map((x: any) => x.id)).toEqual([c.id]);
    expect((await api(outsider, 'GET', `/v1/contracts/${c.id}`)).statusCode).toBe(404);

    await ok(seller, 'POST', '/v1/tracking/shipments', { carrier: 'acme', tracking_number: 'SLA-1', lane_id: lane['ln-exp-cn-de'], destination_country: 'DE', freight_minor: 12_345, freight_currency: 'EUR', warehouse_org_id: undefined });
    await ok(carrier, 'POST', '/v1/tracking/events', { events: [
      ev('SLA-1', 'acme', '2026-11-01T10:00:00Z', 'PU', { status: 'picked_up' }),
      ev('SLA-1', 'acme', '2026-11-08T09:00:00Z', 'DL', { status: 'delivered' }),
    ] });
    await settle(async () => (await ok(seller, 'GET', '/v1/contracts/breaches')).data.length > 0);
    const [b] = (await ok(seller, 'GET', '/v1/contracts/breaches')).data;
    expect(b).toMatchObject({ breached: true, days_late: 2, status: 'penalised', penalty: { amount: 1000 + 1000 + 1235, currency: 'EUR' } });
    expect(b.computation.steps.join(' ')).toContain('transit = ceil(167.0 h / 24) = 7 days');
    expect((await ok(carrier, 'GET', '/v1/contracts/deposits?currency=EUR')).data[0].balance).toBe(100_000 - 3235);
    expect((await ok(carrier, 'GET', '/v1/contracts/breaches')).data.map((x: any) => x.id)).toEqual([b.id]);
    expect((await ok(outsider, 'GET', '/v1/contracts/breaches')).data).toEqual([]);
    await rt.events.drain();
    expect((await rt.db.query(`SELECT count(*)::int AS n FROM tracking_sla_evaluations WHERE id = $1`, [b.id]))[0].n).toBe(1); // idempotent

    await ok(carrier, 'POST', `/v1/contracts/breaches/${b.id}/dispute`, { reason: 'flight cancelled by the airport' });
    expect((await api(carrier, 'POST', `/v1/contracts/breaches/${b.id}/resolve`, { outcome: 'reverse' })).statusCode).toBe(404);
    const r = await ok(operator, 'POST', `/v1/contracts/breaches/${b.id}/resolve`, { outcome: 'reverse', note: 'airport closure confirmed' });
    expect(r.status).toBe('reversed');
    expect((await ok(carrier, 'GET', '/v1/contracts/deposits?currency=EUR')).data[0].balance).toBe(100_000);

    // force majeure flagged by the operator: no penalty
    const fm = await ok(seller, 'POST', '/v1/tracking/shipments', { carrier: 'acme', tracking_number: 'SLA-2', lane_id: lane['ln-exp-cn-de'], freight_minor: 5000, freight_currency: 'EUR' });
    expect((await api(seller, 'POST', `/v1/tracking/shipments/${fm.id}/force-majeure`, { force_majeure: true })).statusCode).toBe(404);
    await ok(operator, 'POST', `/v1/tracking/shipments/${fm.id}/force-majeure`, { force_majeure: true, note: 'typhoon' });
    await ok(carrier, 'POST', '/v1/tracking/events', { events: [ev('SLA-2', 'acme', '2026-11-01T10:00:00Z', 'PU', { status: 'picked_up' }), ev('SLA-2', 'acme', '2026-11-10T10:00:00Z', 'DL', { status: 'delivered' })] });
    await settle(async () => (await ok(seller, 'GET', '/v1/contracts/breaches?status=excluded')).data.length > 0);
    const second = (await ok(seller, 'GET', '/v1/contracts/breaches?status=excluded')).data[0];
    expect(second).toMatchObject({ breached: true, penalty: { amount: 0 } });
  });

  it('milestone payment: warehouse receipt → acceptance → agreed part of the carrier fee released', async () => {
    // fund the seller's payable balance (as an escrow release would)
    await rt.db.transaction(async (tx) => {
      const cash = await platformAccount(tx, 'provider_cash', 'EUR');
      const to = await ensureAccount(tx, seller.orgId, 'seller_payable', 'EUR');
      await createTransfersOrThrow(tx, [{ id: 'test-fund-seller', kind: 'posted', debitAccountId: cash.id, creditAccountId: to.id, amount: 50_000, reason: 'test funding', referenceType: 'test', referenceId: 'fund' }]);
    });
    const shp = await ok(seller, 'POST', '/v1/tracking/shipments', { carrier: 'acme', tracking_number: 'MS-1', lane_id: lane['ln-exp-cn-de'], freight_minor: 10_000, freight_currency: 'EUR' });
    await ok(carrier, 'POST', '/v1/tracking/events', { events: [ev('MS-1', 'acme', '2026-11-03T10:00:00Z', 'WHR', { status: 'in_transit', stage: 'warehouse_receipt' })] });
    await settle(async () => (await ok(seller, 'GET', '/v1/contracts/milestones?status=reached')).data.length > 0);
    const [m] = (await ok(seller, 'GET', '/v1/contracts/milestones?status=reached')).data;
    expect(m).toMatchObject({ shipment_id: shp.id, stage: 'warehouse_receipt', amount: { amount: 3000, currency: 'EUR' } });
    expect((await api(carrier, 'POST', `/v1/contracts/milestones/${m.id}/accept`)).statusCode).toBe(403);
    const rel = await ok(seller, 'POST', `/v1/contracts/milestones/${m.id}/accept`);
    expect(rel.status).toBe('released');
    await rt.db.transaction(async (tx) => {
      const cp = await ensureAccount(tx, carrier.orgId, 'carrier_payable', 'EUR');
      expect(cp.credits_posted - cp.debits_posted).toBe(3000);
    });
    expect((await api(seller, 'POST', `/v1/contracts/milestones/${m.id}/accept`)).statusCode).toBe(409);
  });

  it('an accepted booking becomes a tracked shipment of the seller', async () => {
    const b = await ok(seller, 'POST', '/v1/logistics/bookings', { lane_id: lane['ln-exp-cn-de'], orders: [demoOrder('TRK-1', [['YOGA-MAT', 1]], { country: 'DE' })], shipper: DEMO_WAREHOUSE_ADDRESSES['wh-cn-szx'], date: '2026-11-02' });
    const acc = await ok(carrier, 'POST', `/v1/logistics/bookings/${b.id}/accept`, {});
    await settle(async () => (await ok(seller, 'GET', `/v1/tracking/shipments?tracking_number=${acc.tracking_number}`)).data.length > 0);
    const [shp] = (await ok(seller, 'GET', `/v1/tracking/shipments?tracking_number=${acc.tracking_number}`)).data;
    expect(shp).toMatchObject({ booking_id: b.id, lane_id: lane['ln-exp-cn-de'], order_id: 'TRK-1', destination_country: 'DE' });
    expect(shp.freight.amount).toBe(b.quote.price.totalMinor);
    expect((await api(carrier, 'GET', `/v1/tracking/shipments/${shp.id}`)).statusCode).toBe(200);
  });

  it('scorecards: the operator sees all, a provider its own, a seller none; reliability in 0..1', async () => {
    const mine = await ok(carrier, 'GET', '/v1/scorecards?period=all');
    expect(mine.data.length).toBeGreaterThan(0);
    expect(mine.data.every((r: any) => r.carrier_org_id === carrier.orgId)).toBe(true);
    const exp = mine.data.find((r: any) => r.lane_id === lane['ln-exp-cn-de']);
    expect(exp.delivered).toBeGreaterThanOrEqual(2);
    expect((await api(seller, 'GET', '/v1/scorecards')).statusCode).toBe(403);
    expect((await ok(operator, 'GET', `/v1/scorecards?carrier_org_id=${carrier.orgId}`)).data.length).toBeGreaterThan(0);
    const rel = await providerReliability(rt.db, carrier.orgId, lane['ln-exp-cn-de']);
    expect(rel).toBeGreaterThan(0);
    expect(rel).toBeLessThan(1);
    expect(await providerReliability(rt.db, outsider.orgId)).toBe(0.8);
  });
});
