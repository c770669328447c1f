import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbLabel, onPostgres, testDatabase } from '../helpers.ts';

/**
 * SIGKILL the server in the middle of a stream of writes, restart it: every write that got a 2xx is
 * there, retries with the same Idempotency-Key do not duplicate, and the events of acknowledged
 * writes are delivered (a delivery the server recorded as acknowledged is not sent again).
 */
const root = new URL('../..', import.meta.url).pathname;

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as any).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe(`crash safety (${dbLabel})`, () => {
  let dataDir: string;
  let databaseUrl: string | undefined;
  let drop: () => Promise<void> = async () => {};
  let receiver: Server;
  let receiverUrl: string;
  const received: { eventId: string; type: string; name?: string }[] = [];
  let child: ChildProcess | null = null;
  let port: number;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tradelane-crash-'));
    if (onPostgres) {
      const t = await testDatabase();
      databaseUrl = t.url;
      await t.db.close();
      drop = t.drop;
    }
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const j = JSON.parse(body);
        received.push({ eventId: j.id, type: j.type, name: j.data?.name });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as any).port}/`;
    port = await freePort();
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await new Promise<void>((r) => receiver.close(() => r()));
    await drop();
  });

  async function startServer() {
    child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'start'], {
      cwd: root,
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', TRADELANE_DATA: dataDir, TRADELANE_DEMO: '0', DATABASE_URL: databaseUrl ?? '', JOB_LEASE_SECONDS: '2', LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '1000000', RATE_LIMIT_PER_MINUTE_IP: '1000000', NATS_URL: '' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    for (let i = 0; i < 1200; i++) {
      try {
        const r = await fetch(`http://127.0.0.1:${port}/readyz`);
        if (r.ok) return;
      } catch {}
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('server did not start');
  }

  const base = () => `http://127.0.0.1:${port}`;
  async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
    const r = await fetch(base() + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    return { status: r.status, body: await r.json().catch(() => null), headers: r.headers };
  }

  it('keeps every acknowledged write and delivers its events after SIGKILL', async () => {
    await startServer();
    const signup = await post('/v1/auth/signup', { email: 'crash@test.tradelane.dev', password: 'crash test password', name: 'Crash', organisation: { name: 'Crash Co', kind: 'seller' } });
    expect(signup.status).toBe(201);
    const cookie = signup.headers.get('set-cookie')!.split(';')[0];
    const key = (await post('/v1/api-keys', { name: 'admin', scopes: ['identity:admin', 'webhooks:admin'] }, { cookie })).body.key;
    const auth = { authorization: `Bearer ${key}` };
    expect((await post('/v1/webhooks', { url: receiverUrl, event_types: ['identity.api_key.created'] }, auth)).status).toBe(201);

    const acked = new Set<string>();
    const attempted: string[] = [];
    let n = 0;
    let killed = false;
    const writer = async () => {
      while (!killed) {
        const name = `k${n++}`;
        attempted.push(name);
        try {
          const r = await post('/v1/api-keys', { name, scopes: ['identity:read'] }, { ...auth, 'idempotency-key': name });
          if (r.status === 201) acked.add(name);
        } catch {
          /* connection died with the server */
        }
      }
    };
    const writers = Promise.all([writer(), writer(), writer(), writer()]);
    // kill mid-stream once a good number of writes were acknowledged (machine speed varies)
    const until = Date.now() + 90_000;
    while (acked.size < 40 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    child!.kill('SIGKILL');
    killed = true;
    await writers;
    if (child!.exitCode === null && child!.signalCode === null) await new Promise((r) => child!.once('exit', r));
    expect(acked.size).toBeGreaterThan(5);

    await startServer();
    const list = await (await fetch(base() + '/v1/api-keys', { headers: auth })).json();
    const names = new Set(list.data.map((k: any) => k.name));
    for (const name of acked) expect(names.has(name), `acknowledged ${name} lost`).toBe(true);

    // retry every attempted write with its key: nothing is created twice
    for (const name of attempted) {
      const r = await post('/v1/api-keys', { name, scopes: ['identity:read'] }, { ...auth, 'idempotency-key': name });
      expect(r.status).toBe(201);
    }
    const after = await (await fetch(base() + '/v1/api-keys', { headers: auth })).json();
    const counts = new Map<string, number>();
    for (const k of after.data) counts.set(k.name, (counts.get(k.name) ?? 0) + 1);
    for (const name of attempted) expect(counts.get(name), name).toBe(1);

    // every created key's event reaches the webhook receiver
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const got = new Set(received.map((r) => r.name));
      if (attempted.every((name) => got.has(name))) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const got = new Set(received.map((r) => r.name));
    for (const name of attempted) expect(got.has(name), `event for ${name} not delivered`).toBe(true);
    // at-least-once: only a delivery in flight at the kill may arrive twice
    const perEvent = new Map<string, number>();
    for (const r of received) perEvent.set(r.eventId, (perEvent.get(r.eventId) ?? 0) + 1);
    const duplicates = [...perEvent.values()].filter((c) => c > 1).length;
    expect(duplicates).toBeLessThanOrEqual(1);
    child!.kill('SIGKILL');
  }, 300_000);
});
