import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeBase64Strict,
  leafHash,
  openCheckpoint,
  parseEntryBundle,
  parseVerifierKey,
  storedHashIndex,
  verifyConsistency,
  verifyInclusion,
} from '../../engines/merkle/index.ts';
import { emit } from '../../kernel/events.ts';
import { dbLabel, newParty, testRuntime, type Party, type TestRuntime } from '../../../test/helpers.ts';
import { identityModule } from '../identity/index.ts';
import { traceCli } from './cli.ts';
import { auditLog, publishCheckpoint, sequenceAll } from './log.ts';
import { logKeys } from './routes.ts';
import { traceModule, verifyOffline } from './index.ts';
import { DEMO_GTIN, withCheckDigit } from './demo.ts';

const b64 = (s: string) => decodeBase64Strict(s)!;
const utf8 = new TextEncoder();

describe(`traceability log (${dbLabel})`, () => {
  let rt: TestRuntime;
  let seller: Party;
  let other: Party;
  let vkey: string;
  const sequence = async () => { await sequenceAll(rt.db, logKeys(rt)); await publishCheckpoint(rt.db); };
  const get = (url: string, headers: Record<string, string> = {}) => rt.app.inject({ method: 'GET', url, headers });
  const post = (url: string, payload: unknown, p: Party = seller) => rt.app.inject({ method: 'POST', url, headers: p.headers, payload: payload as any });

  beforeAll(async () => {
    rt = await testRuntime({ modules: [identityModule, traceModule] });
    seller = await newParty(rt, 'seller');
    other = await newParty(rt, 'buyer');
  });
  afterAll(() => rt?.dispose());

  it('serves its verifier key and a signed empty checkpoint on first start', async () => {
    const key = await get('/.well-known/tradelane-log-key');
    expect(key.statusCode).toBe(200);
    expect(key.headers['content-type']).toContain('text/plain');
    vkey = key.body.trim();
    expect(vkey).toBe(logKeys(rt).verifierKey);
    const cp = await get('/log/checkpoint');
    const opened = openCheckpoint(cp.body, parseVerifierKey(vkey));
    expect(opened.checkpoint.treeSize).toBe(0n);
    expect(opened.checkpoint.origin).toBe('localhost/log');
  });

  it('queues records in the caller transaction, sequences them in batches and proves each one offline', async () => {
    const docs = Array.from({ length: 25 }, (_, i) => ({ report: `QC-${i}`, defects: i % 3 }));
    const created = await Promise.all(docs.map((content, i) =>
      post('/v1/trace/events', { type: 'product.qc.passed', subject_id: `batch-${i % 4}`, content, public_metadata: { sample: 80, stage: 'qc' } })));
    for (const r of created) expect(r.statusCode, r.body).toBe(201);
    const first = created[0]!.json();
    expect(first.id).toMatch(/^trl_/);
    expect(first.status).toBe('queued');
    // Not yet in the log: no proof.
    expect((await get(`/v1/trace/records/${first.id}/proof`)).statusCode).toBe(409);
    // A rolled-back transaction leaves nothing queued.
    await rt.db.transaction(async (tx) => {
      const { appendRecord } = await import('./service.ts');
      await appendRecord(tx, { orgId: seller.orgId }, { type: 'product.batch.produced', subjectId: 'ghost', contentHash: 'a'.repeat(64) });
      throw new Error('rollback');
    }).catch(() => {});
    await sequence();
    const log = (await get('/v1/trace/log')).json();
    expect(log.tree_size).toBe(25);
    const indexes = new Set<number>();
    for (const [i, r] of created.entries()) {
      const p = (await get(`/v1/trace/records/${r.json().id}/proof`)).json();
      expect(p.tree_size).toBe(25);
      indexes.add(p.leaf_index);
      const bundle = (await get(`/v1/trace/records/${r.json().id}/bundle`)).body;
      const result = verifyOffline({ bundle, verifierKey: vkey, document: JSON.stringify(docs[i]) });
      expect(result.steps.filter((s) => !s.ok)).toEqual([]);
      expect(result.ok).toBe(true);
      expect(result.record!.subject).toBe(`batch-${i % 4}`);
      // Another document does not match the record.
      const wrong = verifyOffline({ bundle, verifierKey: vkey, document: JSON.stringify({ report: 'forged' }) });
      expect(wrong.ok).toBe(false);
      expect(wrong.steps.find((s) => !s.ok)!.check).toBe('document hash');
    }
    expect(indexes.size).toBe(25); // every record its own leaf
    const ghost = await rt.db.query(`SELECT 1 FROM trace_records WHERE subject_id = 'ghost'`);
    expect(ghost).toEqual([]);
  });

  it('the sequencer job batches what the callers queued (durable: the job is enqueued in their transaction)', async () => {
    const r = await post('/v1/trace/events', { type: 'product.batch.produced', subject_id: 'job-lot', content_sha256: 'cd'.repeat(32) });
    const jobs = await rt.db.query(`SELECT kind, dedupe_key FROM jobs WHERE kind = 'trace.sequence' AND status = 'queued'`);
    expect(jobs.length).toBeGreaterThan(0);
    await rt.jobs.runDue(50, new Date(Date.now() + 5_000));
    const rec = (await get(`/v1/trace/records/${r.json().id}`)).json();
    expect(rec.status).toBe('logged');
    expect(rec.leaf_index).toBe(25);
    await publishCheckpoint(rt.db);
  });

  it('proves consistency between any two published checkpoints', async () => {
    for (let i = 0; i < 2; i++) {
      await post('/v1/trace/events', { type: 'product.batch.produced', subject_id: 'lot-x', content_sha256: 'ab'.repeat(32) });
      await sequence();
    }
    const cps = (await get('/v1/trace/checkpoints')).json().data as { tree_size: number; checkpoint: string }[];
    expect(cps.map((c) => c.tree_size)).toEqual([28, 27, 26, 25]);
    const v = parseVerifierKey(vkey);
    for (const a of cps) for (const b of cps) {
      if (a.tree_size > b.tree_size) continue;
      const c = (await get(`/v1/trace/consistency?from=${a.tree_size}&to=${b.tree_size}`)).json();
      const ca = openCheckpoint(c.from_checkpoint, v).checkpoint;
      const cb = openCheckpoint(c.to_checkpoint, v).checkpoint;
      expect(verifyConsistency(ca.treeSize, cb.treeSize, c.proof.map(b64), ca.rootHash, cb.rootHash).ok).toBe(true);
    }
    // The bundle of an old record checks against the latest checkpoint through a consistency proof.
    const rec = (await get('/v1/trace/leaves/3/proof?tree_size=25')).json();
    const cons = (await get('/v1/trace/consistency?from=25&to=28')).json();
    const ok = verifyOffline({ bundle: rec.bundle, verifierKey: vkey, checkpoint: cons.to_checkpoint, consistency: cons.proof });
    expect(ok.ok).toBe(true);
    const missing = verifyOffline({ bundle: rec.bundle, verifierKey: vkey, checkpoint: cons.to_checkpoint });
    expect(missing.steps.at(-1)!.detail).toContain('consistency proof');
    expect((await get('/v1/trace/consistency?from=5&to=99')).statusCode).toBe(400);
  });

  it('turns domain events into records through the one mapping table, once each', async () => {
    await rt.db.transaction((tx) => emit(tx, null, { type: 'orders.order.accepted', entityType: 'order', entityId: 'ord_TEST', orgId: seller.orgId, payload: { from: 'new', to: 'accepted', total: 1234 } }));
    await rt.db.transaction((tx) => emit(tx, null, { type: 'ledger.escrow.released', entityType: 'order', entityId: 'ord_TEST', orgId: seller.orgId, payload: { status: 'released', amount: 1234 } }));
    await rt.db.transaction((tx) => emit(tx, null, { type: 'identity.user.signed_up', entityType: 'user', entityId: 'usr_X', orgId: seller.orgId, payload: {} }));
    await rt.events.drain();
    const rows = (await get('/v1/trace/records?subject_id=ord_TEST', seller.headers)).json().data;
    expect(rows.map((r: any) => r.type).sort()).toEqual(['order.accepted', 'payment.escrow_released']);
    const accepted = rows.find((r: any) => r.type === 'order.accepted');
    expect(accepted.public_metadata).toEqual({ status: 'accepted' }); // the amount stays private
    expect(accepted.entry).not.toContain('1234');
    // Another organisation does not list them.
    expect((await get('/v1/trace/records?subject_id=ord_TEST', other.headers)).json().data).toEqual([]);
  });

  it('issues a passport with a GS1 Digital Link QR and a public history verified against the latest checkpoint', async () => {
    const tm = await post('/v1/trace/trademarks', { mark: 'LUMEN', office: 'CNIPA', registration_number: '58213764', classes: [9, 11], gtin_prefixes: ['69412345'] });
    expect(tm.statusCode, tm.body).toBe(201);
    const bad = await post('/v1/trace/passports', { gtin: '6941234500170', batch: 'B1', product: { name: 'Lamp', origin_country: 'CN' } });
    expect(bad.statusCode).toBe(400); // wrong check digit
    const res = await post('/v1/trace/passports', { gtin: DEMO_GTIN, batch: 'LD-1', product: { name: 'Lamp', origin_country: 'CN' }, certifications: [{ type: 'CE', number: 'CE-1', issuer: 'TÜV' }], subjects: ['ord_TEST'] });
    expect(res.statusCode, res.body).toBe(201);
    const dpp = res.json();
    expect(dpp.url).toBe(`http://localhost/01/0${DEMO_GTIN}/10/LD-1?dpp=${dpp.id}`);
    await post('/v1/trace/events', { type: 'shipment.delivered', subject_id: dpp.id, content: { pod: 'POD-1' }, public_metadata: { place: 'Hamburg' } });
    // A record about the passport from another organisation is not part of its history.
    await post('/v1/trace/events', { type: 'shipment.delivered', subject_id: dpp.id, content: { pod: 'fake' } }, other);
    await sequence();
    const qr = await get(`/v1/trace/public/passports/${dpp.id}/qr.svg`);
    expect(qr.headers['content-type']).toContain('image/svg+xml');
    expect(qr.body).toContain('<svg');
    const view = (await get(`/v1/trace/public/passports/${dpp.id}`)).json();
    expect(view.passport.product.name).toBe('Lamp');
    expect(view.history.map((h: any) => h.type)).toEqual(['order.accepted', 'payment.escrow_released', 'passport.issued', 'shipment.delivered']);
    expect(view.trademarks.map((t: any) => t.mark)).toEqual(['LUMEN']);
    const { checkpoint } = openCheckpoint(view.log.checkpoint, parseVerifierKey(vkey));
    for (const h of [...view.history, ...view.trademarks.map((t: any) => t.record)]) {
      expect(verifyInclusion(h.leaf_index, checkpoint.treeSize, leafHash(utf8.encode(h.entry)), h.proof.map(b64), checkpoint.rootHash).ok).toBe(true);
    }
    const byGtin = await get(`/v1/trace/public/gtin/${DEMO_GTIN}/batch/LD-1`);
    expect(byGtin.json().passport.id).toBe(dpp.id);
    expect(withCheckDigit('629104150021')).toBe('6291041500213'); // GS1's own example
  });

  it('the browser verifier (web/src/modules/trace/verify.ts, WebCrypto only) accepts the served passport and rejects a changed entry', async () => {
    const web = await import('../../../web/src/modules/trace/verify.ts');
    const view = (await get(`/v1/trace/public/gtin/${DEMO_GTIN}/batch/LD-1`)).json();
    const cp = web.parseCheckpoint(view.log.checkpoint);
    expect(await web.verifyCheckpointSignature(cp, vkey)).toBe('valid');
    const otherKey = (await import('../../engines/merkle/index.ts')).generateKey(cp.origin).verifierKey;
    expect(await web.verifyCheckpointSignature(cp, otherKey)).toBe('invalid');
    for (const h of view.history) {
      expect(await web.verifyInclusion(h.leaf_index, cp.size, await web.leafHash(h.entry), h.proof.map(web.fromBase64), cp.root)).toBe(true);
      const changed = h.entry.replace('"v":1', '"v":2');
      expect(await web.verifyInclusion(h.leaf_index, cp.size, await web.leafHash(changed), h.proof.map(web.fromBase64), cp.root)).toBe(false);
    }
  });

  it('serves tlog-tiles and entry bundles that match the stored hashes and records', async () => {
    const size = (await get('/v1/trace/log')).json().tree_size as number;
    const tile = await get(`/log/tile/0/000.p/${size}`);
    expect(tile.statusCode).toBe(200);
    expect(tile.rawPayload.length).toBe(size * 32);
    const entries = await get(`/log/tile/entries/000.p/${size}`);
    const bundle = parseEntryBundle(new Uint8Array(entries.rawPayload));
    expect(bundle.length).toBe(size);
    for (let i = 0; i < size; i++) expect(Buffer.from(tile.rawPayload.subarray(i * 32, i * 32 + 32))).toEqual(Buffer.from(leafHash(bundle[i]!)));
    expect((await get(`/log/tile/0/000.p/${size + 1}`)).statusCode).toBe(404);
    expect((await get('/log/tile/0/000.p/0')).statusCode).toBe(400);
  });

  it('the verify command checks a bundle offline and says what failed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trace-verify-'));
    const rec = (await get('/v1/trace/leaves/0/proof')).json();
    writeFileSync(join(dir, 'bundle.txt'), rec.bundle);
    writeFileSync(join(dir, 'key.txt'), vkey);
    const logs: string[] = [];
    const orig = console.log;
    console.log = (m: string) => logs.push(m);
    try {
      expect(await traceCli.verify!.run(rt, ['--bundle', join(dir, 'bundle.txt'), '--key', join(dir, 'key.txt')])).toBe(0);
      writeFileSync(join(dir, 'bundle.txt'), rec.bundle.replace(/"subject":"[^"]*"/, '"subject":"forged"').replace(/^extra .*$/m, `extra ${Buffer.from(rec.record.entry.replace(/"subject":"[^"]*"/, '"subject":"forged"')).toString('base64')}`));
      expect(await traceCli.verify!.run(rt, ['--bundle', join(dir, 'bundle.txt'), '--key', join(dir, 'key.txt')])).toBe(1);
    } finally {
      console.log = orig;
    }
    expect(logs.join('\n')).toContain('VERIFIED');
    expect(logs.join('\n')).toMatch(/FAIL inclusion proof\s+leaf 0 is not proven/);
  });

  it('demo data: the demo seller\'s batch with its whole life logged, a passport with QR and several checkpoints', async () => {
    const { seedDemo } = await import('../../demo.ts');
    const before = (await get('/v1/trace/checkpoints')).json().data.length;
    await seedDemo(rt, [identityModule, traceModule]);
    const view = (await get(`/v1/trace/public/gtin/${DEMO_GTIN}/batch/LD2611-A`)).json();
    expect(view.history.map((h: any) => h.type)).toEqual([
      'passport.issued', 'product.batch.produced', 'product.qc.passed', 'product.certification.verified', 'shipment.dispatched', 'shipment.delivered',
    ]);
    expect(view.history.every((h: any) => h.status === 'logged' && h.proof)).toBe(true);
    expect(view.trademarks[0].mark).toBe('LUMEN');
    expect((await get('/v1/trace/checkpoints')).json().data.length - before).toBeGreaterThanOrEqual(3);
    expect((await get(view.passport.qr_svg)).body).toContain('<svg');
  });

  describe('tampering with the database is detected and located', () => {
    it('an intact log passes the audit', async () => {
      const r = await auditLog(rt.db, logKeys(rt));
      expect(r.problems).toEqual([]);
      expect(r.ok).toBe(true);
      expect(r.records_checked).toBe(r.tree_size);
    });

    it('a changed record', async () => {
      const rec = (await get('/v1/trace/leaves/4/proof')).json();
      await rt.db.query(`UPDATE trace_records SET public_metadata = '{"sample":1,"stage":"qc"}' WHERE id = $1`, [rec.record.id]);
      let audit = await auditLog(rt.db, logKeys(rt));
      expect(audit.problems).toEqual([`record ${rec.record.id} (leaf 4): its stored fields no longer match the logged entry`]);
      // Changing the logged entry too makes the served proof fail.
      await rt.db.query(`UPDATE trace_records SET entry = replace(entry, '"sample":80', '"sample":1') WHERE id = $1`, [rec.record.id]);
      const bundle = (await get(`/v1/trace/records/${rec.record.id}/bundle`)).body;
      const result = verifyOffline({ bundle, verifierKey: vkey });
      expect(result.ok).toBe(false);
      expect(result.steps.find((s) => !s.ok)!.check).toBe('inclusion proof');
      audit = await auditLog(rt.db, logKeys(rt));
      expect(audit.problems.join('\n')).toContain('leaf 4: stored leaf hash differs from the hash of its record');
      expect(audit.problems.join('\n')).toContain('latest checkpoint: signed root differs');
    });

    it('a changed tree node', async () => {
      const node = storedHashIndex(1, 5); // covers leaves 10..11
      await rt.db.query(`UPDATE trace_hashes SET hash = decode(repeat('00', 32), 'hex') WHERE idx = $1`, [node]);
      const audit = await auditLog(rt.db, logKeys(rt));
      expect(audit.problems.join('\n')).toContain(`tree node level 1 #5 (stored hash ${node}, leaves 10..11) differs from the recomputed hash`);
      // The proof for leaf 8 uses that node, so its bundle no longer verifies against the signed root.
      const p = (await get('/v1/trace/leaves/8/proof')).json();
      const result = verifyOffline({ bundle: p.bundle, verifierKey: vkey });
      expect(result.steps.find((s) => !s.ok)?.check).toBe('inclusion proof');
    });
  });
});
