import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../demo.ts';
import { systemContext } from '../../kernel/context.ts';
import { dbLabel, newParty, testRuntime, type Party, type TestRuntime } from '../../../test/helpers.ts';
import { screeningCli } from './cli.ts';
import { assertPartyCleared, screenParty } from './index.ts';

describe(`screening module (${dbLabel})`, () => {
  let rt: TestRuntime;
  let a: Party;
  let b: Party;
  const api = (p: Party, method: string, url: string, payload?: unknown) => rt.app.inject({ method: method as any, url, headers: p.headers, payload: payload as any });
  const ok = async (p: Party, method: string, url: string, payload?: unknown) => {
    const res = await api(p, method, url, payload);
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
    return res.json();
  };
  const runJobs = async () => { for (let i = 0; i < 100 && (await rt.jobs.runDue()) > 0; i++); };

  beforeAll(async () => {
    rt = await testRuntime();
    a = await newParty(rt, 'seller', 'Screening Seller A');
    b = await newParty(rt, 'seller', 'Screening Seller B');
  });
  afterAll(() => rt?.dispose());

  it('lists the bundled list versions with their dates before any screening', async () => {
    const lists = (await ok(a, 'GET', '/v1/screening/lists')).data;
    const sdn = lists.find((l: any) => l.list_id === 'us_ofac_sdn');
    expect(sdn.publication_date).toBe('2024-05-03');
    expect(sdn.out_of_date).toBe(true); // more than 90 days old: visible as stale
    const uk = lists.find((l: any) => l.list_id === 'gb_hmt_2018');
    expect(uk.in_use).toBe(false);
  });

  it('screens a party on creation: clear and a sanctioned consignee held in the queue', async () => {
    const clear = await ok(a, 'POST', '/v1/screening/parties', { name: 'Hanseatic Freight GmbH', type: 'organisation', role: 'carrier', countries: ['DE'] });
    expect(clear.status).toBe('clear');
    expect(clear.screening.list_versions.map((v: any) => v.list_id).sort()).toEqual(['eu_fsf', 'un_sc', 'us_bis_dpl', 'us_ofac_cons', 'us_ofac_sdn']);
    const hit = await ok(a, 'POST', '/v1/screening/parties', { name: 'Rosoboronexport', type: 'organisation', role: 'consignee', reference: 'ord-1' });
    expect(hit.status).toBe('hold');
    expect(hit.screening.matches[0].primary_name.toLowerCase()).toContain('rosoboron');
    const queue = (await ok(a, 'GET', `/v1/screening/reviews?party_id=${hit.id}`)).data;
    expect(queue.length).toBeGreaterThan(0);
    const detail = await ok(a, 'GET', `/v1/screening/reviews/${queue[0].id}`);
    expect(detail.comparison.map((c: any) => c.field)).toEqual(['name', 'type', 'date_of_birth', 'countries', 'identifiers', 'programmes', 'list']);
    expect(detail.comparison[0].query).toBe('Rosoboronexport');
    expect(detail.list_version.publication_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await expect(rt.db.transaction((tx) => assertPartyCleared(tx, systemContext(a.orgId, 'seller'), hit.id))).rejects.toMatchObject({ code: 'screening_not_cleared' });
    await rt.db.transaction((tx) => assertPartyCleared(tx, systemContext(a.orgId, 'seller'), clear.id));
    const history = (await ok(a, 'GET', `/v1/screening/parties/${hit.id}/screenings`)).data;
    expect(history).toHaveLength(1);
  });

  it('a false-positive decision clears the party and suppresses the same match until the party changes', async () => {
    const input = { name: 'Golden Star Trading Co', type: 'organisation', role: 'supplier', countries: ['CN'] };
    const p = await ok(a, 'POST', '/v1/screening/parties', input);
    expect(p.status).toBe('hold');
    const open = (await ok(a, 'GET', `/v1/screening/reviews?party_id=${p.id}`)).data;
    expect(open.length).toBeGreaterThan(0);
    const bad = await api(a, 'POST', `/v1/screening/reviews/${open[0].id}/decision`, { decision: 'false_positive', reason: '' });
    expect(bad.statusCode).toBe(400);
    let last: any;
    for (const item of open) last = await ok(a, 'POST', `/v1/screening/reviews/${item.id}/decision`, { decision: 'false_positive', reason: 'different company, other registration' });
    expect(last.party.status).toBe('clear');
    expect(last.decided_by).toBeTruthy();
    const again = await api(a, 'POST', `/v1/screening/reviews/${open[0].id}/decision`, { decision: 'confirmed_match', reason: 'changed my mind' });
    expect(again.statusCode, again.body).toBe(422);
    // the same data again (another party): suppressed, no new queue items
    const twin = await ok(a, 'POST', '/v1/screening/parties', input);
    expect(twin.status).toBe('clear');
    expect(twin.screening.matches.some((m: any) => m.prior_decision === 'false_positive')).toBe(true);
    expect((await ok(a, 'GET', `/v1/screening/reviews?party_id=${twin.id}`)).data).toHaveLength(0);
    // a change of the screened data lifts the suppression
    const changed = await ok(a, 'PATCH', `/v1/screening/parties/${twin.id}`, { countries: ['AE'] });
    expect(changed.status).toBe('hold');
    expect((await ok(a, 'GET', `/v1/screening/reviews?party_id=${twin.id}`)).data.length).toBeGreaterThan(0);
    // the decision is audited
    const audit = await rt.db.query(`SELECT action FROM audit_log WHERE org_id = $1 AND action = 'screening.review.false_positive'`, [a.orgId]);
    expect(audit.length).toBe(open.length);
  });

  it('a confirmed match blocks the party', async () => {
    const p = await ok(a, 'POST', '/v1/screening/parties', { name: 'Aerospace Industries Organization', type: 'organisation', role: 'consignee' });
    const open = (await ok(a, 'GET', `/v1/screening/reviews?party_id=${p.id}`)).data;
    const r = await ok(a, 'POST', `/v1/screening/reviews/${open[0].id}/decision`, { decision: 'confirmed_match', reason: 'same entity, Tehran address' });
    expect(r.party.status).toBe('block');
  });

  it('bad input: empty names are problems, one letter and very long names are insufficient', async () => {
    expect((await api(a, 'POST', '/v1/screening/checks', { name: '   ' })).statusCode).toBe(400);
    expect((await api(a, 'POST', '/v1/screening/checks', { name: 'x'.repeat(1001) })).statusCode).toBe(400);
    expect((await api(a, 'POST', '/v1/screening/checks', { name: 'Bob', unknown: 1 })).statusCode).toBe(400);
    expect((await ok(a, 'POST', '/v1/screening/checks', { name: 'A' })).decision).toBe('insufficient');
    expect((await ok(a, 'POST', '/v1/screening/checks', { name: 'Trading '.repeat(50) })).decision).toBe('insufficient');
    const single = await ok(a, 'POST', '/v1/screening/checks', { name: 'Mohammed', type: 'person' });
    expect(single.decision).toBe('insufficient');
    expect(single.reasons.length).toBeGreaterThan(0);
    const hit = await ok(a, 'POST', '/v1/screening/checks', { name: 'Bank Melli Iran', type: 'organisation' });
    expect(['hold', 'block']).toContain(hit.decision);
    expect(hit.list_versions.length).toBe(5);
  });

  it('batch screening from JSON rows and CSV, results per row', async () => {
    const json = await ok(a, 'POST', '/v1/screening/checks/batch', { rows: [{ name: 'Hanseatic Freight GmbH' }, { name: '' }, { name: 'Rosoboronexport', type: 'organisation' }] });
    expect(json.results.map((r: any) => r.decision ?? 'invalid')).toEqual(['clear', 'invalid', 'hold']);
    expect(json.results[1].error).toMatch(/name/);
    const csv = 'name,type,dob,countries,identifiers\nMaria Keller,person,1988-03-14,DE,\nB,,,,\nViktor Bout,person,1967-01-13,RU,\n';
    const r = await ok(a, 'POST', '/v1/screening/checks/batch', { csv });
    expect(r.results.map((x: any) => x.decision)).toEqual(['clear', 'insufficient', 'hold']);
    expect((await api(a, 'POST', '/v1/screening/checks/batch', { rows: [], csv })).statusCode).toBe(400);
  });

  it('screenParty for other modules: one party per role and reference; errors are recorded, not thrown', async () => {
    const ctx = systemContext(a.orgId, 'seller', 'orders');
    const r1 = await rt.db.transaction((tx) => screenParty(tx, rt, ctx, { name: 'Maria Keller', type: 'person', countries: ['DE'], role: 'buyer', reference: 'ord_X1' }));
    expect(r1.decision).toBe('clear');
    const r2 = await rt.db.transaction((tx) => screenParty(tx, rt, ctx, { name: 'Maria Keller', type: 'person', countries: ['DE'], role: 'buyer', reference: 'ord_X1' }));
    expect(r2.partyId).toBe(r1.partyId);
    await rt.db.transaction((tx) => assertPartyCleared(tx, ctx, r2.screeningId));
    const err = await rt.db.transaction((tx) => screenParty(tx, rt, ctx, { name: 'Bad Owner', role: 'beneficial_owner', reference: 'x', identifiers: [null as any] }));
    expect(err.decision).toBe('error');
    const row = await rt.db.one(`SELECT error FROM screening_results WHERE id = $1`, [err.screeningId]);
    expect(row.error).toBeTruthy();
  });

  it('tenancy: another organisation sees none of the parties, screenings or review items', async () => {
    const mine = (await ok(a, 'GET', '/v1/screening/parties')).data;
    expect(mine.length).toBeGreaterThan(3);
    expect((await ok(b, 'GET', '/v1/screening/parties')).data).toHaveLength(0);
    expect((await ok(b, 'GET', '/v1/screening/reviews?status=false_positive')).data).toHaveLength(0);
    const item = (await ok(a, 'GET', '/v1/screening/reviews')).data[0];
    expect((await api(b, 'GET', `/v1/screening/reviews/${item.id}`)).statusCode).toBe(404);
    expect((await api(b, 'POST', `/v1/screening/reviews/${item.id}/decision`, { decision: 'false_positive', reason: 'not mine' })).statusCode).toBe(404);
    expect((await api(b, 'GET', `/v1/screening/parties/${mine[0].id}`)).statusCode).toBe(404);
    expect((await api(b, 'PATCH', `/v1/screening/parties/${mine[0].id}`, { name: 'x' })).statusCode).toBe(404);
    expect((await api(b, 'GET', `/v1/screening/checks/${mine[0].last_screening_id}`)).statusCode).toBe(404);
    // the thresholds are per organisation
    await ok(b, 'PUT', '/v1/screening/settings', { hold_threshold: 0.99, block_threshold: 1.1 });
    expect((await ok(a, 'GET', '/v1/screening/settings')).hold_threshold).toBe(0.8);
    expect((await ok(b, 'POST', '/v1/screening/parties', { name: 'Rosoboronexport', type: 'organisation', role: 'consignee' })).status).toBe('review');
  });

  it('importing a newer list version re-screens every party in the background; new matches enter the queue', async () => {
    const p = await ok(a, 'POST', '/v1/screening/parties', { name: 'Quillon Vantablack Exports', type: 'organisation', role: 'broker' });
    expect(p.status).toBe('clear');
    // a newer BIS DPL file in its official tab-separated format, with one added denial
    const current = gunzipSync(readFileSync(new URL('../../../data/sanctions/raw/us_bis_dpl/dpl.txt.gz', import.meta.url))).toString('utf8');
    const added = '"QUILLON VANTABLACK EXPORTS"\t"1 HARBOUR ROAD"\t"MIAMI"\t"FL"\t"US"\t"33101"\t"11/20/2026"\t"11/20/2036"\t"Y"\t"2026-11-20"\t"F.R. NOTICE ADDED"\t"91 F.R. 1 11/20/2026"\n';
    const dir = mkdtempSync(join(tmpdir(), 'dpl-'));
    writeFileSync(join(dir, 'dpl.txt'), current.replace(/\n?$/, '\n') + added);
    const log = console.log;
    console.log = () => {};
    try { expect(await screeningCli['screening import'].run(rt, ['us_bis_dpl', join(dir, 'dpl.txt'), '--date', '2026-11-20'])).toBe(0); } finally { console.log = log; }
    const bis = (await ok(a, 'GET', '/v1/screening/lists')).data.find((l: any) => l.list_id === 'us_bis_dpl');
    expect(bis.publication_date).toBe('2026-11-20');
    expect(bis.versions).toHaveLength(2);
    await runJobs();
    // the job re-schedules itself until the index is built; wait for it then run again
    for (let i = 0; i < 600; i++) {
      const left = await rt.db.query(`SELECT 1 FROM jobs WHERE kind = 'screening.rescreen' AND status IN ('queued','running')`);
      if (left.length === 0) break;
      await new Promise((r) => setTimeout(r, 100));
      await rt.jobs.runDue(20, new Date(Date.now() + 60_000));
    }
    const after = await ok(a, 'GET', `/v1/screening/parties/${p.id}`);
    expect(after.status).toBe('hold');
    expect(after.last_screening.list_versions.find((v: any) => v.list_id === 'us_bis_dpl').version_id).toBe(bis.current.id);
    const queue = (await ok(a, 'GET', `/v1/screening/reviews?party_id=${p.id}`)).data;
    expect(queue).toEqual([expect.objectContaining({ list_id: 'us_bis_dpl', version_id: bis.current.id })]);
    // parties screened under the old versions were re-screened; the earlier false positive stays suppressed
    const golden = (await ok(a, 'GET', '/v1/screening/parties?q=Golden%20Star')).data.find((x: any) => x.countries[0] === 'CN');
    expect(golden.status).toBe('clear');
  });

  it('demo data: a held sanctioned consignee and a cleared false positive', async () => {
    await seedDemo(rt, rt.modules);
    await rt.events.drain();
    for (let i = 0; i < 600; i++) {
      await rt.jobs.runDue(20, new Date(Date.now() + 60_000));
      const left = await rt.db.query(`SELECT 1 FROM jobs WHERE kind LIKE 'screening.%' AND status IN ('queued','running')`);
      if (left.length === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const parties = await rt.db.query(`SELECT name, status FROM screening_parties WHERE reference LIKE 'demo-%' ORDER BY name`);
    const byName = Object.fromEntries(parties.map((p) => [p.name, p.status]));
    expect(byName['Rosoboronexport']).toBe('hold');
    expect(byName['Golden Star Trading Co']).toBe('clear');
    expect(byName['Hanseatic Freight GmbH']).toBe('clear');
    const fp = await rt.db.query(`SELECT r.status FROM screening_reviews r JOIN screening_parties p ON p.id = r.party_id WHERE p.name = 'Golden Star Trading Co' AND p.reference = 'demo-supplier-1'`);
    expect(fp.length).toBeGreaterThan(0);
    expect(fp.every((r) => r.status === 'false_positive')).toBe(true);
  });
});
