import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { idPrefixOf } from '../../src/http/route.ts';
import { seedDemo } from '../../src/demo.ts';
import { dbLabel, newParty, testRuntime, type Party, type TestRuntime } from '../helpers.ts';

/**
 * Walks EVERY registered route as an intruder organisation against the records of the demo
 * organisations (which every module seeds): no route may answer 2xx for another organisation's
 * record, and no response may contain another organisation's record ids.
 */

/** A minimal body that satisfies simple schemas, so handlers (and their access checks) are reached. */
function sample(schema: any, ids: Map<string, string>): unknown {
  if (!schema || typeof schema !== 'object') return null;
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  if (schema.anyOf || schema.oneOf) return sample((schema.anyOf ?? schema.oneOf)[0], ids);
  switch (schema.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const k of schema.required ?? []) out[k] = sample(schema.properties?.[k], ids);
      return out;
    }
    case 'array': return Array.from({ length: schema.minItems ?? 0 }, () => sample(schema.items, ids));
    case 'integer': case 'number': return Math.max(1, schema.minimum ?? 1);
    case 'boolean': return false;
    case 'string': {
      const m = /^\^([a-z]+)_\[/.exec(schema.pattern ?? '');
      if (m && ids.has(m[1])) return ids.get(m[1]);
      if (schema.format === 'email') return 'x@example.com';
      if (schema.format === 'uri') return 'https://example.com';
      if (schema.pattern === '^[A-Z]{2}$') return 'DE';
      if (schema.pattern === '^[A-Z]{3}$') return 'EUR';
      return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
    }
  }
  return null;
}

describe(`tenant isolation across every route (${dbLabel})`, () => {
  let rt: TestRuntime;
  let intruders: Party[];
  const victimIds = new Map<string, string[]>(); // prefix → ids owned by other organisations
  let victimIdPattern: RegExp;

  beforeAll(async () => {
    rt = await testRuntime();
    await seedDemo(rt, rt.modules);
    await rt.events.drain();
    // a victim with records of the platform's own kinds too (keys, webhooks, deliveries, invitations)
    const victim = await newParty(rt, 'seller', 'Victim Seller');
    await rt.app.inject({ method: 'POST', url: '/v1/webhooks', headers: victim.headers, payload: { url: 'http://127.0.0.1:9/none', event_types: ['*'] } });
    await rt.app.inject({ method: 'POST', url: '/v1/organisation/invitations', headers: victim.headers, payload: { email: 'invitee@example.com', role: 'member' } });
    await rt.app.inject({ method: 'POST', url: '/v1/api-keys', headers: victim.headers, payload: { name: 'victim key', scopes: ['orders:read'] } });
    await rt.events.drain();
    intruders = [await newParty(rt, 'seller', 'Intruder Seller'), await newParty(rt, 'carrier', 'Intruder Carrier')];
    const intruderOrgs = intruders.map((p) => p.orgId);
    // every tenant table: a text id and an org_id
    const tables = await rt.db.query<{ table_name: string }>(
      `SELECT c.table_name FROM information_schema.columns c
        WHERE c.table_schema = 'public' AND c.column_name = 'org_id'
          AND EXISTS (SELECT 1 FROM information_schema.columns i WHERE i.table_schema = 'public' AND i.table_name = c.table_name AND i.column_name = 'id' AND i.data_type = 'text')`,
    );
    const all: string[] = [];
    for (const { table_name } of tables) {
      const rows = await rt.db.query<{ id: string }>(`SELECT id FROM ${table_name} WHERE org_id IS NOT NULL AND NOT (org_id = ANY($1)) LIMIT 50`, [intruderOrgs]);
      for (const { id } of rows) {
        const prefix = id.split('_')[0];
        if (!victimIds.has(prefix)) victimIds.set(prefix, []);
        victimIds.get(prefix)!.push(id);
        all.push(id);
      }
    }
    victimIdPattern = new RegExp(all.filter((id) => !id.startsWith('org_') && !id.startsWith('usr_')).map((id) => id.replace(/[^A-Za-z0-9_]/g, '')).join('|') || 'x^');
  });
  afterAll(() => rt?.dispose());

  it('no route serves or changes another organisation\'s records', async () => {
    const report: string[] = [];
    let probed = 0;
    for (const route of rt.routes) {
      if (route.auth === 'public') continue;
      const paramShape = (route.params as any)?.shape as Record<string, z.ZodType> | undefined;
      const paramNames = paramShape ? Object.keys(paramShape) : [];
      const prefixes = paramNames.map((n) => idPrefixOf(paramShape![n]));
      // substitute victims' ids into the path (each param gets a victim id of its prefix)
      const candidates = prefixes.length && prefixes.every((p) => p && victimIds.has(p)) ? Math.min(3, ...prefixes.map((p) => victimIds.get(p!)!.length)) : prefixes.length ? 0 : 1;
      for (let i = 0; i < candidates; i++) {
        let url = route.url;
        const used = new Map<string, string>();
        paramNames.forEach((n, j) => {
          const id = victimIds.get(prefixes[j]!)![i];
          used.set(prefixes[j]!, id);
          url = url.replace(`:${n}`, id);
        });
        const bodySchema = route.body ? z.toJSONSchema(route.body as any, { unrepresentable: 'any', io: 'input' }) : undefined;
        for (const intruder of intruders) {
          const res = await rt.app.inject({
            method: route.method, url, headers: intruder.headers,
            ...(route.body && !route.rawBody ? { payload: sample(bodySchema, used) as any } : {}),
          });
          probed++;
          const touchesVictim = paramNames.length > 0;
          if (touchesVictim && res.statusCode < 300) report.push(`${route.method} ${url} → ${res.statusCode} for ${intruder.orgId}`);
          if (res.statusCode < 300 && victimIdPattern.test(res.body)) report.push(`${route.method} ${url} leaked ${victimIdPattern.exec(res.body)![0]}`);
          if (res.statusCode >= 500) report.push(`${route.method} ${url} → ${res.statusCode} ${res.body.slice(0, 200)}`);
        }
      }
    }
    expect(report, report.join('\n')).toEqual([]);
    expect(probed).toBeGreaterThan(rt.routes.filter((r) => r.auth !== 'public').length / 2);
  });

  it('found victim records to probe with', () => {
    expect([...victimIds.keys()].length).toBeGreaterThan(0);
  });
});
