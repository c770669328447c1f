import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emit } from '../../src/kernel/events.ts';
import { enqueue } from '../../src/kernel/jobs.ts';
import { verifyWebhookSignature } from '../../src/modules/webhooks/index.ts';
import { dbLabel, newParty, testRuntime, type Party, type TestRuntime } from '../helpers.ts';

describe(`API conventions, events, jobs and webhooks (${dbLabel})`, () => {
  let rt: TestRuntime;
  let a: Party;
  beforeAll(async () => {
    rt = await testRuntime();
    a = await newParty(rt, 'seller');
  });
  afterAll(() => rt?.dispose());

  describe('bad input never 500s and never writes', () => {
    it('malformed JSON → 400 problem', async () => {
      const r = await rt.app.inject({ method: 'POST', url: '/v1/api-keys', headers: { ...a.headers, 'content-type': 'application/json' }, payload: '{"name": "x",' });
      expect(r.statusCode).toBe(400);
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(r.json().type).toMatch(/malformed_json$/);
    });
    it('wrong types and unknown fields name the field', async () => {
      const r = await rt.app.inject({ method: 'POST', url: '/v1/api-keys', headers: a.headers, payload: { name: 42, scopes: ['orders:read'], colour: 'red' } });
      expect(r.statusCode).toBe(400);
      const fields = r.json().errors.map((e: any) => e.field);
      expect(fields).toContain('name');
      expect(fields.join()).toContain('colour');
    });
    it('oversized body → 413', async () => {
      const r = await rt.app.inject({ method: 'POST', url: '/v1/api-keys', headers: a.headers, payload: { name: 'x'.repeat(2 * 1024 * 1024), scopes: ['orders:read'] } });
      expect(r.statusCode).toBe(413);
      expect(r.json().type).toMatch(/payload_too_large$/);
    });
    it('unsupported content type → 415', async () => {
      const r = await rt.app.inject({ method: 'POST', url: '/v1/api-keys', headers: { ...a.headers, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'name=x' });
      expect(r.statusCode).toBe(415);
    });
    it('a failed request leaves nothing half-written', async () => {
      const before = await rt.db.one(`SELECT count(*)::int AS n FROM api_keys WHERE org_id = $1`, [a.orgId]);
      const r = await rt.app.inject({ method: 'POST', url: '/v1/api-keys', headers: a.headers, payload: { name: 'x', scopes: ['orders:read', 'nonsense:level'] } });
      expect(r.statusCode).toBe(400);
      const after = await rt.db.one(`SELECT count(*)::int AS n FROM api_keys WHERE org_id = $1`, [a.orgId]);
      expect(after.n).toBe(before.n);
    });
  });

  describe('Idempotency-Key', () => {
    it('same key + same body replays the first response; different body is 422', async () => {
      const headers = { ...a.headers, 'idempotency-key': 'key-' + Date.now() };
      const first = await rt.app.inject({ method: 'POST', url: '/v1/api-keys', headers, payload: { name: 'idem', scopes: ['orders:read'] } });
      const second = await rt.app.inject({ method: 'POST', url: '/v1/api-keys', headers, payload: { name: 'idem', scopes: ['orders:read'] } });
      expect(first.statusCode).toBe(201);
      expect(second.statusCode).toBe(201);
      expect(second.headers['idempotent-replayed']).toBe('true');
      expect(second.json().id).toBe(first.json().id);
      const n = await rt.db.one(`SELECT count(*)::int AS n FROM api_keys WHERE org_id = $1 AND name = 'idem'`, [a.orgId]);
      expect(n.n).toBe(1);
      const third = await rt.app.inject({ method: 'POST', url: '/v1/api-keys', headers, payload: { name: 'other', scopes: ['orders:read'] } });
      expect(third.statusCode).toBe(422);
      expect(third.json().type).toMatch(/idempotency_key_reused$/);
    });
    it('concurrent retries with one key create one record', async () => {
      const headers = { ...a.headers, 'idempotency-key': 'race-' + Date.now() };
      const results = await Promise.all(Array.from({ length: 8 }, () => rt.app.inject({ method: 'POST', url: '/v1/api-keys', headers, payload: { name: 'race', scopes: ['orders:read'] } })));
      expect(results.every((r) => r.statusCode === 201)).toBe(true);
      expect(new Set(results.map((r) => r.json().id)).size).toBe(1);
    });
    it('write-only creates with different keys, concurrently (committed together on PostgreSQL): each is a first request, none a replay', async () => {
      const stamp = Date.now();
      const results = await Promise.all(Array.from({ length: 24 }, (_, i) => rt.app.inject({
        method: 'POST', url: '/v1/webhooks', headers: { ...a.headers, 'idempotency-key': `many-${stamp}-${i}` }, payload: { url: `https://example.com/many/${i}`, event_types: ['orders.*'] },
      })));
      expect(results.map((r) => r.statusCode)).toEqual(Array(24).fill(201));
      expect(results.filter((r) => r.headers['idempotent-replayed'])).toEqual([]);
      expect(results.map((r) => r.json().url)).toEqual(Array.from({ length: 24 }, (_, i) => `https://example.com/many/${i}`));
      const n = await rt.db.one(`SELECT count(*)::int AS n FROM webhook_endpoints WHERE org_id = $1 AND url LIKE 'https://example.com/many/%'`, [a.orgId]);
      expect(n.n).toBe(24);
      for (const r of results) await rt.app.inject({ method: 'DELETE', url: `/v1/webhooks/${r.json().id}`, headers: a.headers });
    });
    it('a write-only create (one round trip, checked at commit) replays too, alone and under concurrency', async () => {
      const headers = { ...a.headers, 'idempotency-key': 'hook-' + Date.now() };
      const payload = { url: 'https://example.com/idem-hook', event_types: ['orders.*'] };
      const results = await Promise.all(Array.from({ length: 6 }, () => rt.app.inject({ method: 'POST', url: '/v1/webhooks', headers, payload })));
      expect(results.map((r) => r.statusCode)).toEqual(Array(6).fill(201));
      expect(new Set(results.map((r) => r.json().secret)).size).toBe(1);
      const again = await rt.app.inject({ method: 'POST', url: '/v1/webhooks', headers, payload });
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.json().id).toBe(results[0].json().id);
      const otherBody = await rt.app.inject({ method: 'POST', url: '/v1/webhooks', headers, payload: { ...payload, url: 'https://example.com/other' } });
      expect(otherBody.statusCode).toBe(422);
      expect(otherBody.json().type).toMatch(/idempotency_key_reused$/);
      const n = await rt.db.one(`SELECT count(*)::int AS n FROM webhook_endpoints WHERE org_id = $1 AND url = $2`, [a.orgId, payload.url]);
      expect(n.n).toBe(1);
      const audit = await rt.db.query(`SELECT action FROM audit_log WHERE entity_id = $1`, [results[0].json().id]);
      expect(audit.map((r) => r.action)).toEqual(['webhook.create']);
      const events = await rt.db.query(`SELECT type FROM outbox WHERE entity_id = $1`, [results[0].json().id]);
      expect(events.map((r) => r.type)).toEqual(['webhooks.endpoint.created']);
    });
  });

  describe('operations endpoints', () => {
    it('healthz, readyz, metrics, openapi, docs', async () => {
      expect((await rt.app.inject({ url: '/healthz' })).json().status).toBe('ok');
      expect((await rt.app.inject({ url: '/readyz' })).json().database).toBe(rt.db.kind);
      const metrics = await rt.app.inject({ url: '/metrics' });
      expect(metrics.body).toContain('tradelane_http_request_duration_seconds');
      const spec = (await rt.app.inject({ url: '/openapi.json' })).json();
      expect(spec.openapi).toBe('3.1.0');
      expect(spec.paths['/v1/api-keys'].post['x-permission']).toBe('identity:admin');
      expect(spec.paths['/v1/api-keys'].post.requestBody.content['application/json'].schema.properties.scopes).toBeTruthy();
      expect((await rt.app.inject({ url: '/docs' })).body).toContain('swagger-ui');
    });
    it('every request gets a request id header', async () => {
      const r = await rt.app.inject({ url: '/v1/me' });
      expect(r.headers['x-request-id']).toMatch(/^req_/);
      expect(r.json().request_id).toBe(r.headers['x-request-id']);
    });
    it('every registered route declares its permission', () => {
      for (const r of rt.routes) expect(typeof r.auth, `${r.method} ${r.url}`).toBe('string');
    });
  });

  describe('rate limits', () => {
    it('per credential → 429 with Retry-After', async () => {
      const limited = await testRuntime({ config: { rateLimitPerMinute: 5, rateLimitPerMinuteIp: 3 } });
      try {
        const p = await newParty(limited, 'buyer');
        const codes = [];
        for (let i = 0; i < 8; i++) codes.push((await limited.app.inject({ url: '/v1/organisation', headers: p.headers })).statusCode);
        expect(codes.filter((c) => c === 429).length).toBeGreaterThan(0);
        const anon = [];
        for (let i = 0; i < 5; i++) anon.push(await limited.app.inject({ url: '/v1/me' }));
        const last = anon[anon.length - 1];
        expect(last.statusCode).toBe(429);
        expect(Number(last.headers['retry-after'])).toBeGreaterThan(0);
      } finally {
        await limited.dispose();
      }
    });
  });

  describe('outbox and dispatcher', () => {
    it('delivers committed events in order per entity, never rolled-back ones', async () => {
      const seen: string[] = [];
      rt.events.subscribe({ name: 'test.order', types: ['test.*'], async handle(_tx, e) { seen.push(`${e.entityId}:${(e.payload as any).n}`); } });
      for (let n = 1; n <= 5; n++) await rt.db.transaction((tx) => emit(tx, null, { type: 'test.thing.changed', entityType: 'thing', entityId: 'thing_1', orgId: a.orgId, payload: { n } }));
      await rt.db.transaction(async (tx) => {
        await emit(tx, null, { type: 'test.thing.changed', entityType: 'thing', entityId: 'thing_1', orgId: a.orgId, payload: { n: 99 } });
        throw new Error('rollback');
      }).catch(() => {});
      await rt.events.drain();
      expect(seen.filter((s) => s.startsWith('thing_1'))).toEqual(['thing_1:1', 'thing_1:2', 'thing_1:3', 'thing_1:4', 'thing_1:5']);
    });
    it('a failing subscriber is retried and its cursor does not advance past the failure', async () => {
      let fail = true;
      const got: number[] = [];
      rt.events.subscribe({ name: 'test.flaky', types: ['flaky.*'], async handle(_tx, e) { if (fail) throw new Error('down'); got.push((e.payload as any).n); } });
      await rt.db.transaction((tx) => emit(tx, null, { type: 'flaky.x', entityType: 'x', entityId: 'x1', orgId: a.orgId, payload: { n: 1 } }));
      await rt.events.drain();
      expect(got).toEqual([]);
      fail = false;
      await rt.events.drain();
      expect(got).toEqual([1]);
    });
    it('a subscriber whose types were not among the new events is moved past them without a handler call, and still gets the next match', async () => {
      const got: string[] = [];
      rt.events.subscribe({ name: 'test.picky', types: ['picky.wanted'], async handle(_tx, e) { got.push(e.entityId); } });
      await rt.events.drain();
      const cursorOf = async () => (await rt.db.one(`SELECT event_id FROM outbox_cursors WHERE subscriber = 'test.picky'`)).event_id as number;
      const before = await cursorOf();
      for (let n = 0; n < 5; n++) await rt.db.transaction((tx) => emit(tx, null, { type: 'picky.other', entityType: 'p', entityId: `other_${n}`, orgId: a.orgId, payload: {} }));
      await rt.events.drain();
      const { m } = await rt.db.one(`SELECT max(id)::bigint AS m FROM outbox`);
      expect(got).toEqual([]);
      expect(await cursorOf()).toBe(m); // advanced past the five it does not take
      expect(m).toBeGreaterThan(before);
      await rt.db.transaction((tx) => emit(tx, null, { type: 'picky.wanted', entityType: 'p', entityId: 'wanted_1', orgId: a.orgId, payload: {} }));
      await rt.events.drain();
      expect(got).toEqual(['wanted_1']);
    });
  });

  describe('jobs', () => {
    it('runs due jobs once, retries failures with backoff, respects run_at', async () => {
      const runs: string[] = [];
      let failures = 1;
      rt.jobs.register('test.job', async (job) => { runs.push(job.payload.name); if (job.payload.name === 'flaky' && failures-- > 0) throw new Error('transient'); });
      await rt.db.transaction(async (tx) => {
        await enqueue(tx, 'test.job', { name: 'now' });
        await enqueue(tx, 'test.job', { name: 'later' }, { runAt: new Date(Date.now() + 3600_000) });
        await enqueue(tx, 'test.job', { name: 'flaky' });
        await enqueue(tx, 'test.job', { name: 'dup' }, { dedupeKey: 'd1' });
        await enqueue(tx, 'test.job', { name: 'dup' }, { dedupeKey: 'd1' });
      });
      const before = new Date();
      await rt.jobs.runDue();
      expect(runs.sort()).toEqual(['dup', 'flaky', 'now']);
      // pushed back by the backoff (2 s for a first failure), measured from before the run: other work
      // on the event loop (e.g. the screening index being built) must not make this flaky
      const flaky = await rt.db.one(`SELECT status, attempts, run_at >= $1::timestamptz + interval '1 second' AS later FROM jobs WHERE payload->>'name' = 'flaky'`, [before]);
      expect(flaky).toMatchObject({ status: 'queued', attempts: 1, later: true });
      await rt.jobs.runDue(20, new Date(Date.now() + 7200_000));
      expect(runs.filter((r) => r === 'flaky').length).toBe(2);
      expect(runs).toContain('later');
    });
  });

  describe('webhooks', () => {
    let server: Server;
    let url: string;
    const received: { headers: any; body: string }[] = [];
    let respond = 500;
    beforeAll(async () => {
      server = createServer((req, res) => {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => { received.push({ headers: req.headers, body }); res.statusCode = respond; res.end(respond === 200 ? 'thanks' : 'try later'); });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      url = `http://127.0.0.1:${(server.address() as any).port}/hook`;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it('fans an event out to exactly the endpoints subscribed to its type (exact, prefix, "*"), following changes', async () => {
      const make = async (types: string[]) => (await rt.app.inject({ method: 'POST', url: '/v1/webhooks', headers: a.headers, payload: { url, event_types: types } })).json().id as string;
      const exact = await make(['fan.thing.made']);
      const prefix = await make(['fan.*']);
      const all = await make(['*']);
      const other = await make(['elsewhere.*']);
      const deliveredTo = async (type: string) => {
        const entityId = 'fan_' + Math.random().toString(36).slice(2);
        await rt.db.transaction((tx) => emit(tx, null, { type, entityType: 'fan', entityId, orgId: a.orgId, payload: {} }));
        await rt.events.drain();
        const rows = await rt.db.query(`SELECT endpoint_id FROM webhook_deliveries WHERE body LIKE $1`, [`%${entityId}%`]);
        return rows.map((r) => r.endpoint_id).filter((id) => [exact, prefix, all, other].includes(id)).sort();
      };
      expect(await deliveredTo('fan.thing.made')).toEqual([exact, prefix, all].sort());
      expect(await deliveredTo('fan.thing.lost')).toEqual([prefix, all].sort());
      expect((await rt.app.inject({ method: 'PATCH', url: `/v1/webhooks/${exact}`, headers: a.headers, payload: { event_types: ['fan.thing.lost'] } })).statusCode).toBe(200);
      expect((await rt.app.inject({ method: 'PATCH', url: `/v1/webhooks/${all}`, headers: a.headers, payload: { active: false } })).statusCode).toBe(200);
      expect(await deliveredTo('fan.thing.made')).toEqual([prefix]);
      expect(await deliveredTo('fan.thing.lost')).toEqual([exact, prefix].sort());
      for (const id of [exact, prefix, other]) await rt.app.inject({ method: 'PATCH', url: `/v1/webhooks/${id}`, headers: a.headers, payload: { active: false } });
    });

    it('fans out a batch of events in one pass: each event to its own organisation\'s and its audience\'s endpoints, once per endpoint', async () => {
      const b = await newParty(rt, 'carrier', 'Batch Carrier');
      const make = async (p: Party, types: string[]) => (await rt.app.inject({ method: 'POST', url: '/v1/webhooks', headers: p.headers, payload: { url, event_types: types } })).json().id as string;
      const aBoth = await make(a, ['batch.thing.made', 'batch.*']); // two matching subscriptions, one delivery
      const bAll = await make(b, ['*']);
      const tag = 'bt_' + Math.random().toString(36).slice(2);
      await rt.events.drain();
      await rt.db.transaction(async (tx) => {
        await emit(tx, null, { type: 'batch.thing.made', entityType: 'bt', entityId: `${tag}_1`, orgId: a.orgId, payload: {} });
        await emit(tx, null, { type: 'batch.thing.made', entityType: 'bt', entityId: `${tag}_2`, orgId: a.orgId, audience: [b.orgId], payload: {} });
        await emit(tx, null, { type: 'other.thing.made', entityType: 'bt', entityId: `${tag}_3`, orgId: a.orgId, payload: {} });
        await emit(tx, null, { type: 'other.thing.made', entityType: 'bt', entityId: `${tag}_4`, orgId: b.orgId, payload: {} });
      });
      await rt.events.drain();
      const rows = await rt.db.query(`SELECT endpoint_id, body FROM webhook_deliveries WHERE body LIKE $1`, [`%${tag}%`]);
      const got = rows.map((r) => `${JSON.parse(r.body).entity.id.slice(-1)}→${r.endpoint_id === aBoth ? 'a' : r.endpoint_id === bAll ? 'b' : '?'}`).sort();
      expect(got).toEqual(['1→a', '2→a', '2→b', '4→b']);
      for (const [p, id] of [[a, aBoth], [b, bAll]] as const) await rt.app.inject({ method: 'PATCH', url: `/v1/webhooks/${id}`, headers: p.headers, payload: { active: false } });
      await rt.jobs.runDue(); // their delivery jobs end at once: the endpoints are off
    });

    it('signs deliveries verifiably, retries failures, logs every attempt, redelivers by hand', async () => {
      const created = await rt.app.inject({ method: 'POST', url: '/v1/webhooks', headers: a.headers, payload: { url, event_types: ['identity.*'] } });
      expect(created.statusCode).toBe(201);
      const { id, secret } = created.json();
      expect(secret).toMatch(/^whsec_/);
      const list = await rt.app.inject({ url: '/v1/webhooks', headers: a.headers });
      expect(JSON.stringify(list.json())).not.toContain(secret);

      await rt.app.inject({ method: 'POST', url: '/v1/api-keys', headers: a.headers, payload: { name: 'triggers an event', scopes: ['orders:read'] } });
      await rt.events.drain();
      respond = 500;
      await rt.jobs.runDue();
      expect(received.length).toBe(1);
      respond = 200;
      await rt.jobs.runDue(20, new Date(Date.now() + 3600_000));
      expect(received.length).toBe(2);

      const { headers, body } = received[1];
      expect(headers['tradelane-event-type']).toBe('identity.api_key.created');
      expect(verifyWebhookSignature(secret, headers['tradelane-signature'], body)).toBe(true);
      expect(verifyWebhookSignature(secret, headers['tradelane-signature'], body.replace('triggers', 'tampers'))).toBe(false);
      expect(verifyWebhookSignature('whsec_wrong', headers['tradelane-signature'], body)).toBe(false);
      // the documented recipe, by hand: HMAC-SHA256(secret, "<t>.<body>") in hex
      const { createHmac } = await import('node:crypto');
      const t = /t=(\d+)/.exec(headers['tradelane-signature'])![1];
      expect(headers['tradelane-signature']).toContain(`v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`);

      const log = await rt.app.inject({ url: `/v1/webhooks/${id}/deliveries`, headers: a.headers });
      const delivery = log.json().data[0];
      expect(delivery.status).toBe('succeeded');
      expect(delivery.attempt_log.map((x: any) => x.status_code)).toEqual([500, 200]);

      const again = await rt.app.inject({ method: 'POST', url: `/v1/webhooks/deliveries/${delivery.id}/redeliver`, headers: a.headers });
      expect(again.statusCode).toBe(200);
      await rt.jobs.runDue();
      expect(received.length).toBe(3);
      expect(received[2].headers['tradelane-event-id']).toBe(received[1].headers['tradelane-event-id']);
    });
  });
});
