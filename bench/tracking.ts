// npm run bench -- tracking [--quick]
// Tracking ingest through the API (auth, zod validation, one transaction per request, idempotent
// event store, fold from event times, milestone notifications, exception rules evaluated inline):
// events/s with the batch endpoint POST /v1/tracking/events, on the embedded PGlite and on
// PostgreSQL (a scratch database created and dropped here; skipped when unreachable); and the time
// from posting an event to the exception being visible in GET /v1/exceptions.
// Last line: one JSON object {"bench":"tracking",...}.
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import pg from 'pg';
import pino from 'pino';
import { SecretBox } from '../src/kernel/crypto.ts';
import { openPglite, openPostgres, type Db } from '../src/kernel/db.ts';
import { createRuntime, type Runtime } from '../src/runtime.ts';

const quick = process.argv.includes('--quick');
const PG_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const BATCH = 500;
const EVENTS_PER_SHIPMENT = 25;

interface Result { db: string; workers: number; batch: number; shipments: number; events: number; seconds: number; events_per_s: number; p50_batch_ms: number; p99_batch_ms: number; exceptions_opened: number; exception_p50_ms: number; exception_max_ms: number }

const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0; };

async function party(rt: Runtime, kind: string) {
  const email = `${kind}-${Date.now()}-${randomBytes(3).toString('hex')}@bench.tradelane.dev`;
  const res = await rt.app.inject({ method: 'POST', url: '/v1/auth/signup', payload: { email, password: 'correct horse battery', name: 'bench', organisation: { name: `bench ${kind}`, kind, country: 'CN' } } });
  const cookie = String(res.headers['set-cookie']).split(';')[0];
  const key = await rt.app.inject({ method: 'POST', url: '/v1/api-keys', headers: { cookie }, payload: { name: 'bench', scopes: ['tracking:admin'] } });
  return { orgId: res.json().organisation.id as string, headers: { authorization: `Bearer ${key.json().key}` } };
}

async function bench(db: Db, label: string, workers: number, shipments: number): Promise<Result> {
  const rt = await createRuntime({ db, log: pino({ level: 'silent' }), secrets: new SecretBox(randomBytes(32)), config: { rateLimitPerMinute: 1e9, rateLimitPerMinuteIp: 1e9, publicUrl: 'http://localhost' } });
  const seller = await party(rt, 'seller');
  const post = async (url: string, payload: unknown) => {
    const r = await rt.app.inject({ method: 'POST', url, headers: seller.headers, payload: payload as any });
    if (r.statusCode >= 300) throw new Error(`${url} → ${r.statusCode} ${r.body.slice(0, 300)}`);
    return r.json();
  };
  const run = randomBytes(3).toString('hex').toUpperCase();
  const tn = (i: number) => `BN${run}${String(i).padStart(6, '0')}`;
  for (let i = 0; i < shipments; i += 1) {
    await post('/v1/tracking/shipments', { carrier: 'acme', tracking_number: tn(i), origin_country: 'CN', destination_country: 'DE', destination_postcode: '10115', transit: { minDays: 3, typicalDays: 5, maxDays: 8 } });
  }
  // Events: per shipment a scan every 2 h from 3 days ago; every 50th shipment gets a customs inspection (rules fire).
  const t0 = Date.now() - 3 * 86_400_000;
  const held = (shp: number, k: number) => shp % 50 === 0 && k === EVENTS_PER_SHIPMENT - 1;
  const eventsFor = (shp: number, k: number) => ({
    tracking_number: tn(shp), carrier: 'acme', occurred_at: new Date(t0 + k * 7_200_000 + shp * 1000).toISOString(), status_code: held(shp, k) ? 'CI' : `S${k}`,
    description: held(shp, k) ? 'Held for customs inspection' : 'In transit scan',
    ...(k === 0 ? { status: 'picked_up' } : held(shp, k) ? { status: 'on_hold', stage: 'import_customs', customs: 'inspection' } : { status: 'in_transit' }),
    location: { city: 'Leipzig', country: 'DE', lat: 51.4, lon: 12.2 },
  });
  // Each worker owns a slice of the shipments; a batch = BATCH events across its shipments (round by round).
  const slices = Array.from({ length: workers }, (_, w) => Array.from({ length: shipments }, (_, i) => i).filter((i) => i % workers === w));
  const latencies: number[] = [];
  let events = 0;
  let opened = 0;
  const start = performance.now();
  await Promise.all(slices.map(async (mine) => {
    const queue: ReturnType<typeof eventsFor>[] = [];
    for (let k = 0; k < EVENTS_PER_SHIPMENT; k++) for (const shp of mine) queue.push(eventsFor(shp, k));
    for (let i = 0; i < queue.length; i += BATCH) {
      const batch = queue.slice(i, i + BATCH);
      const s = performance.now();
      const r = await post('/v1/tracking/events', { events: batch });
      latencies.push(performance.now() - s);
      if (r.stored !== batch.length) throw new Error(`stored ${r.stored} of ${batch.length}`);
      events += r.stored;
      opened += r.exceptions_opened.length;
    }
  }));
  const seconds = (performance.now() - start) / 1000;
  // Event → exception: a customs inspection posted for a fresh shipment, then the queue read.
  const exceptionMs: number[] = [];
  for (let i = 0; i < (quick ? 5 : 20); i++) {
    const shp = await post('/v1/tracking/shipments', { carrier: 'acme', tracking_number: `EX${run}${i}`, destination_country: 'DE' });
    const s = performance.now();
    await post('/v1/tracking/events', { events: [{ tracking_number: `EX${run}${i}`, carrier: 'acme', occurred_at: new Date().toISOString(), status_code: 'CI', status: 'on_hold', stage: 'import_customs', customs: 'inspection', description: 'Held for customs inspection', location: { country: 'DE' } }] });
    let seen = false;
    while (!seen && performance.now() - s < 10_000) {
      const list = await rt.app.inject({ method: 'GET', url: `/v1/exceptions?shipment_id=${shp.id}`, headers: seller.headers });
      seen = list.json().data.some((e: any) => e.rule === 'customs_hold');
    }
    exceptionMs.push(performance.now() - s);
  }
  await rt.close();
  return {
    db: label, workers, batch: BATCH, shipments, events, seconds: +seconds.toFixed(2), events_per_s: Math.round(events / seconds),
    p50_batch_ms: +pct(latencies, 50).toFixed(1), p99_batch_ms: +pct(latencies, 99).toFixed(1), exceptions_opened: opened,
    exception_p50_ms: +pct(exceptionMs, 50).toFixed(1), exception_max_ms: +Math.max(...exceptionMs).toFixed(1),
  };
}

const results: Result[] = [];
results.push(await bench(await openPglite(), 'pglite', 1, quick ? 100 : 400));

let pgSkipped: string | null = null;
const admin = new pg.Client({ connectionString: PG_URL });
try {
  await admin.connect();
  const name = `tl_bench_tracking_${Date.now().toString(36)}`;
  await admin.query(`CREATE DATABASE ${name}`);
  try {
    const url = new URL(PG_URL);
    url.pathname = '/' + name;
    results.push(await bench(await openPostgres(url.toString(), 16), 'postgres', 8, quick ? 400 : 2400));
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
} catch (err: any) {
  pgSkipped = String(err?.message ?? err);
} finally {
  await admin.end().catch(() => {});
}

console.log('\nTracking ingest through POST /v1/tracking/events (rules evaluated inline)');
console.log(['db', 'workers', 'batch', 'shipments', 'events', 'seconds', 'events/s', 'p50 batch ms', 'p99 batch ms', 'exceptions', 'event→exception p50 ms', 'max ms'].join(' | '));
for (const r of results) console.log([r.db, r.workers, r.batch, r.shipments, r.events, r.seconds, r.events_per_s, r.p50_batch_ms, r.p99_batch_ms, r.exceptions_opened, r.exception_p50_ms, r.exception_max_ms].join(' | '));
if (pgSkipped) console.log(`PostgreSQL skipped: ${pgSkipped}`);
const pgRes = results.find((r) => r.db === 'postgres');
console.log(`load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} on ${cpus().length} CPUs`);
console.log(JSON.stringify({
  bench: 'tracking', quick, results, postgres_skipped: pgSkipped,
  goal_events_per_s: 5000, goal_met: pgRes ? pgRes.events_per_s >= 5000 : null,
  exception_goal_ms: 1000, exception_goal_met: results.every((r) => r.exception_max_ms <= 1000),
  load_average: loadavg().map((x) => +x.toFixed(2)),
}));
