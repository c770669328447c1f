/**
 * bench/http — drives the running server over loopback for a fixed time (autocannon) and reports
 * requests/s and p50/p99 latency for:
 *   bare    GET /healthz                           (no auth, no database)
 *   read    GET /v1/organisation                   (API key auth, tenant-scoped read of one record; the
 *                                                   organisation is a hot record served by the kernel's
 *                                                   coherent read cache, see src/kernel/read-cache.ts)
 *   read_db GET /v1/webhooks/:id                   (the same, for a record read from the database each time)
 *   create  POST /v1/webhooks with Idempotency-Key (auth, validation, transaction, audit, outbox, idempotency row)
 * each as a ratio to the bare route, on PGlite and on PostgreSQL. The server runs as a child
 * process so the load generator does not share its event loop.
 *
 * The routes are measured in rounds (bare, read, read_db, create; again; …) and each figure is the
 * median over the rounds — a ratio is taken within a round, so a machine whose speed drifts (this
 * shared VM's does, by ±20 % over minutes) compares each route with the bare route measured next
 * to it.
 *
 * Each route first runs for `--warmup` seconds unmeasured.
 *
 *   npm run bench -- http [--seconds 4] [--rounds 3] [--warmup 1] [--connections 16] [--only pglite|postgres]
 */
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { NODE_FLAGS } from '../scripts/node-flags.mjs';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : dflt; };
const seconds = Number(opt('seconds', '4'));
const rounds = Math.max(1, Number(opt('rounds', '3')));
const warmup = Number(opt('warmup', '1'));
const connections = Number(opt('connections', '16'));
const only = opt('only', '');
const root = new URL('..', import.meta.url).pathname;
const pgAdmin = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as any).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function startServer(env: Record<string, string>): Promise<{ child: ChildProcess; base: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [...NODE_FLAGS, '--import', 'tsx', join(root, 'src/cli/main.ts'), 'start'], {
    cwd: root, stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', TRADELANE_DEMO: '0', LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '100000000', RATE_LIMIT_PER_MINUTE_IP: '100000000', NATS_URL: '', ...env },
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 1200; i++) {
    try { if ((await fetch(base + '/readyz')).ok) return { child, base }; } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not start');
}

async function json(base: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const r = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
  return { body: await r.json(), cookie: r.headers.get('set-cookie')?.split(';')[0] };
}

interface Figures { rps: number; p50: number; p99: number; errors: number; non2xx: number }
const ROUTES = ['bare', 'read', 'read_db', 'create'] as const;
type Route = (typeof ROUTES)[number];
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

function run(opts: autocannon.Options, duration = seconds): Promise<Figures> {
  return new Promise((resolve, reject) => {
    autocannon({ ...opts, duration, connections }, (err: Error | null, r: autocannon.Result) => {
      if (err) return reject(err);
      resolve({ rps: Math.round(r.requests.average), p50: r.latency.p50, p99: r.latency.p99, errors: r.errors, non2xx: r.non2xx });
    });
  });
}

async function measure(label: string, env: Record<string, string>) {
  const { child, base } = await startServer(env);
  try {
    const signup = await json(base, '/v1/auth/signup', { email: `bench-${Date.now()}@bench.dev`, password: 'benchmark password', name: 'Bench', organisation: { name: 'Bench Co', kind: 'seller' } });
    const key = (await json(base, '/v1/api-keys', { name: 'bench', scopes: ['identity:admin', 'webhooks:admin'] }, { cookie: signup.cookie! })).body.key;
    const auth = { authorization: `Bearer ${key}` };
    const hook = (await json(base, '/v1/webhooks', { url: 'https://example.com/read', event_types: ['bench.none'] }, auth)).body.id;
    let n = 0;
    const body = JSON.stringify({ url: 'https://example.com/hook', event_types: ['bench.none'] });
    const routes: Record<Route, autocannon.Options> = {
      bare: { url: base + '/healthz' },
      read: { url: base + '/v1/organisation', headers: auth },
      read_db: { url: base + '/v1/webhooks/' + hook, headers: auth },
      create: {
        url: base + '/v1/webhooks', method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body,
        requests: [{ setupRequest: (req: any) => ({ ...req, headers: { ...req.headers, 'idempotency-key': `bench-${process.pid}-${n++}` } }) }],
      },
    };
    // Warm-up, not measured: each route's code compiled by V8 and its statements prepared, as on a
    // server that has been running.
    for (const route of ROUTES) await run(routes[route], warmup);
    const measured: Array<Record<Route, Figures>> = [];
    for (let r = 0; r < rounds; r++) {
      const round = {} as Record<Route, Figures>;
      for (const route of ROUTES) round[route] = await run(routes[route]);
      measured.push(round);
    }
    return { label, rounds: measured };
  } finally {
    // wait for the server to close its pool before the scratch database is dropped
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
}

const results: Awaited<ReturnType<typeof measure>>[] = [];
if (only !== 'postgres') results.push(await measure('pglite', { TRADELANE_DATA: mkdtempSync(join(tmpdir(), 'tl-bench-http-')), DATABASE_URL: '' }));
if (only !== 'pglite') {
  const name = `tl_bench_http_${Date.now()}`;
  const admin = new pg.Client({ connectionString: pgAdmin });
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(pgAdmin);
    url.pathname = '/' + name;
    results.push(await measure('postgres', { DATABASE_URL: url.toString(), TRADELANE_DATA: mkdtempSync(join(tmpdir(), 'tl-bench-http-')) }));
  } catch (err: any) {
    console.error(`PostgreSQL part skipped: ${err.message}`);
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
    await admin.end().catch(() => {});
  }
}

console.log(`\nbench/http — ${warmup} s warm-up, then ${rounds} rounds of ${seconds} s per route, ${connections} connections, loopback; medians over the rounds\n`);
console.log('database  route    req/s     p50 ms  p99 ms  ratio-to-bare  ratio per round       failed');
const out: Record<string, unknown> = { bench: 'http', seconds, rounds, warmup, connections };
for (const r of results) {
  for (const name of ROUTES) {
    const per = r.rounds.map((round) => round[name]);
    const ratios = r.rounds.map((round) => round[name].rps / round.bare.rps);
    const f = { rps: Math.round(median(per.map((x) => x.rps))), p50: median(per.map((x) => x.p50)), p99: median(per.map((x) => x.p99)), failed: per.reduce((a, x) => a + x.non2xx + x.errors, 0) };
    const ratio = median(ratios);
    console.log(`${r.label.padEnd(9)} ${name.padEnd(7)} ${String(f.rps).padStart(7)} ${String(f.p50).padStart(8)} ${String(f.p99).padStart(7)} ${ratio.toFixed(3).padStart(14)}  ${ratios.map((x) => x.toFixed(3)).join(' ').padEnd(20)} ${String(f.failed).padStart(6)}`);
    out[`${r.label}_${name}_rps`] = f.rps;
    out[`${r.label}_${name}_p50_ms`] = f.p50;
    out[`${r.label}_${name}_p99_ms`] = f.p99;
    out[`${r.label}_${name}_ratio`] = Number(ratio.toFixed(3));
    out[`${r.label}_${name}_ratios`] = ratios.map((x) => Number(x.toFixed(3)));
    out[`${r.label}_${name}_failed`] = f.failed;
  }
}
console.log('\ngoals: read ≥ 0.30 of bare, create ≥ 0.10 of bare (read_db is reported, not a goal)');
console.log(JSON.stringify(out));
