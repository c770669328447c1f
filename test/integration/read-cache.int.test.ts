import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../../src/kernel/db.ts';
import { dbLabel, newParty, onPostgres, testRuntime, type Party, type TestRuntime } from '../helpers.ts';

// Hot records (credentials, the organisation) are read through the kernel's read cache; a change must
// be visible to the very next request, and — on PostgreSQL — in every other server process.
describe(`read cache coherence (${dbLabel})`, () => {
  let rt: TestRuntime;
  let a: Party;
  beforeAll(async () => {
    rt = await testRuntime();
    a = await newParty(rt, 'seller', 'Cache Co');
  });
  afterAll(async () => { await rt.dispose(); });

  it('the next read after a change sees it (organisation record)', async () => {
    const get = async () => (await rt.app.inject({ url: '/v1/organisation', headers: a.headers })).json().name;
    expect(await get()).toBe('Cache Co');
    expect(await get()).toBe('Cache Co'); // now cached
    const patched = await rt.app.inject({ method: 'PATCH', url: '/v1/organisation', headers: a.headers, payload: { name: 'Cache Co Renamed' } });
    expect(patched.statusCode).toBe(200);
    expect(await get()).toBe('Cache Co Renamed');
  });

  it('a revoked API key is refused on the very next request', async () => {
    const created = (await rt.app.inject({ method: 'POST', url: '/v1/api-keys', headers: a.headers, payload: { name: 'short-lived', scopes: ['identity:read'] } })).json();
    const bearer = { authorization: `Bearer ${created.key}` };
    expect((await rt.app.inject({ url: '/v1/organisation', headers: bearer })).statusCode).toBe(200);
    expect((await rt.app.inject({ url: '/v1/organisation', headers: bearer })).statusCode).toBe(200); // cached
    expect((await rt.app.inject({ method: 'DELETE', url: `/v1/api-keys/${created.id}`, headers: a.headers })).statusCode).toBeLessThan(300);
    expect((await rt.app.inject({ url: '/v1/organisation', headers: bearer })).statusCode).toBe(401);
  });

  it.runIf(onPostgres)('another server process evicts its copy when the change commits (LISTEN/NOTIFY)', async () => {
    const url = rt.databaseUrl;
    expect(url).toBeTruthy();
    const other = await openPostgres(url!, 2);
    try {
      const read = () => other.cached('org:' + a.orgId, async () => (await other.one(`SELECT name FROM organisations WHERE id = $1`, [a.orgId])).name);
      for (let i = 0; i < 50 && (await read()) === undefined; i++) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 200)); // the other process's listener is up
      const before = await read();
      await rt.app.inject({ method: 'PATCH', url: '/v1/organisation', headers: a.headers, payload: { name: 'Renamed Elsewhere' } });
      let seen = before;
      for (let i = 0; i < 100 && seen !== 'Renamed Elsewhere'; i++) {
        await new Promise((r) => setTimeout(r, 20));
        seen = await read();
      }
      expect(seen).toBe('Renamed Elsewhere');
      expect(before).not.toBe('Renamed Elsewhere');
    } finally {
      await other.close();
    }
  });
});
