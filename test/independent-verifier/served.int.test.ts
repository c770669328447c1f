// The independent verifiers (verifier.ts, written from the RFC text; and Go's x/mod when installed)
// check what the trace module SERVES over HTTP: the well-known key, published checkpoints,
// inclusion proofs, consistency proofs, tlog-proof bundles, tiles and entry bundles.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityModule } from '../../src/modules/identity/index.ts';
import { traceModule } from '../../src/modules/trace/index.ts';
import { publishCheckpoint, sequenceAll } from '../../src/modules/trace/log.ts';
import { logKeys } from '../../src/modules/trace/routes.ts';
import { appendRecord } from '../../src/modules/trace/service.ts';
import { dbLabel, newParty, testRuntime, type TestRuntime } from '../helpers.ts';
import { checkConsistency, checkInclusion, checkSignedCheckpoint, leafHashOf, readVerifierKey } from './verifier.ts';

const GOPATH = '/usr/share/gocode';
const goReady = spawnSync('go', ['version'], { encoding: 'utf8' }).status === 0 && existsSync(join(GOPATH, 'src/golang.org/x/mod/sumdb/tlog/tlog.go'));
const CHECKPOINT_SIZES = [1, 2, 7, 255, 256, 257, 300];
const b64 = (s: string) => Buffer.from(s, 'base64');

describe(`independent verifiers accept the served log (${dbLabel})`, () => {
  let rt: TestRuntime;
  const get = (url: string) => rt.app.inject({ method: 'GET', url });

  beforeAll(async () => {
    rt = await testRuntime({ modules: [identityModule, traceModule] });
    const party = await newParty(rt, 'seller');
    let n = 0;
    for (const size of CHECKPOINT_SIZES) {
      await rt.db.transaction(async (tx) => {
        for (; n < size; n++) await appendRecord(tx, { orgId: party.orgId }, { type: 'shipment.scanned', subjectId: `lot-${n % 7}`, content: { seq: n }, publicMetadata: { seq: n } });
      });
      await sequenceAll(rt.db, logKeys(rt));
      await publishCheckpoint(rt.db);
    }
  });
  afterAll(() => rt?.dispose());

  async function served() {
    const vkey = (await get('/.well-known/tradelane-log-key')).body.trim();
    const checkpoints = ((await get('/v1/trace/checkpoints?limit=100')).json().data as { tree_size: number; checkpoint: string }[]).reverse();
    const latest = (await get('/log/checkpoint')).body;
    const size = CHECKPOINT_SIZES.at(-1)!;
    const entries: Buffer[] = [];
    const { parseEntryBundle } = await import('../../src/engines/merkle/index.ts');
    for (const path of ['000', `001.p/${size - 256}`]) for (const e of parseEntryBundle(new Uint8Array((await get(`/log/tile/entries/${path}`)).rawPayload))) entries.push(Buffer.from(e));
    const inclusion = [];
    for (const s of CHECKPOINT_SIZES) for (const index of new Set([0, s - 1, Math.floor(s / 3)])) {
      const p = (await get(`/v1/trace/leaves/${index}/proof?tree_size=${s}`)).json();
      inclusion.push({ index, size: s, proof: p.proof as string[], bundle: p.bundle as string });
    }
    const consistency = [];
    for (const a of CHECKPOINT_SIZES) for (const b of CHECKPOINT_SIZES) if (a <= b) {
      consistency.push({ size1: a, size2: b, proof: (await get(`/v1/trace/consistency?from=${a}&to=${b}`)).json().proof as string[] });
    }
    const tiles = [];
    for (const path of ['0/000', `0/001.p/${size - 256}`, '1/000.p/1']) {
      const r = await get(`/log/tile/${path}`);
      expect(r.statusCode, path).toBe(200);
      const [level, ...rest] = path.split('/');
      const last = rest.join('/');
      const width = last.includes('.p/') ? Number(last.split('.p/')[1]) : 256;
      tiles.push({ level: Number(level), index: Number(last.slice(0, 3)), width, path: `tile/${path}`, data_b64: Buffer.from(r.rawPayload).toString('base64') });
    }
    return { vkey, checkpoints, latest, entries, inclusion, consistency, tiles };
  }

  it('the RFC-text verifier accepts served checkpoints, proofs and bundles', async () => {
    const s = await served();
    const key = readVerifierKey(s.vkey);
    const roots = new Map<number, Buffer>();
    for (const c of [...s.checkpoints.map((c) => c.checkpoint), s.latest]) {
      const ok = checkSignedCheckpoint(c, key);
      expect(ok, c).toBeTruthy();
      roots.set(Number(ok!.size), ok!.root as Buffer);
    }
    expect([...roots.keys()].sort((a, b) => a - b)).toEqual(CHECKPOINT_SIZES);
    for (const p of s.inclusion) {
      const leaf = leafHashOf(s.entries[p.index]!);
      expect(checkInclusion(BigInt(p.index), BigInt(p.size), leaf, p.proof.map(b64), roots.get(p.size)!), `${p.index}@${p.size}`).toBe(true);
      // The bundle carries the same record (extra) and a checkpoint the verifier accepts.
      const [head, note] = [p.bundle.slice(0, p.bundle.indexOf('\n\n')), p.bundle.slice(p.bundle.indexOf('\n\n') + 2)];
      expect(checkSignedCheckpoint(note, key)!.size).toBe(BigInt(p.size));
      expect(b64(/^extra (.*)$/m.exec(head)![1]!)).toEqual(s.entries[p.index]);
    }
    for (const c of s.consistency) {
      if (c.size1 === c.size2) continue;
      expect(checkConsistency(BigInt(c.size1), BigInt(c.size2), c.proof.map(b64), roots.get(c.size1)!, roots.get(c.size2)!), `${c.size1}->${c.size2}`).toBe(true);
    }
    // A changed entry is rejected.
    const forged = Buffer.from(s.entries[5]!.toString().replace('"seq":5', '"seq":6'));
    const p5 = s.inclusion.find((p) => p.index === 0 && p.size === 300)!;
    expect(checkInclusion(0n, 300n, leafHashOf(forged), p5.proof.map(b64), roots.get(300)!)).toBe(false);
  });

  it.skipIf(!goReady)('Go x/mod (note.Open, StoredHashes, CheckRecord, CheckTree, ReadTileData) accepts the served log', async () => {
    const s = await served();
    const stored = await rt.db.query<{ hash: Uint8Array }>(`SELECT hash FROM trace_hashes ORDER BY idx`);
    const input = {
      vkey: s.vkey,
      origin: logKeys(rt).origin,
      entries_b64: s.entries.map((e) => e.toString('base64')),
      stored_hashes_b64: Buffer.concat(stored.map((r) => Buffer.from(r.hash))).toString('base64'),
      checkpoints: s.checkpoints.map((c) => c.checkpoint),
      inclusion: s.inclusion.map(({ index, size, proof }) => ({ index, size, proof })),
      consistency: s.consistency,
      tiles: s.tiles,
    };
    const cache = join(tmpdir(), 'tradelane-go-cache');
    mkdirSync(cache, { recursive: true });
    const run = spawnSync('go', ['run', './main.go'], {
      cwd: new URL('./go/', import.meta.url).pathname, input: JSON.stringify(input), encoding: 'utf8',
      env: { ...process.env, GO111MODULE: 'off', GOPATH, GOCACHE: cache, GOFLAGS: '' }, timeout: 240_000,
    });
    expect(run.stdout + run.stderr).toMatch(/^ok \d+ checks\n$/);
    expect(run.status).toBe(0);
  }, 300_000);
});
