// Runs the Go checker (golang.org/x/mod sumdb/note + sumdb/tlog, from Debian) over an export made by
// the engine: signed checkpoints, the full stored-hash array, inclusion and consistency proofs and
// tiles. Skipped, with a message, when `go` or the x/mod sources are not installed (see README.md).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  MemoryHashStore,
  encodeBase64,
  generateKey,
  leafHash,
  newTiles,
  parseSignerKey,
  readTileFromStoredHashes,
  signCheckpoint,
  tilePath,
} from '../../src/engines/merkle/index.ts';

const GOPATH = '/usr/share/gocode';
const goFound = spawnSync('go', ['version'], { encoding: 'utf8' }).status === 0;
const xmodFound = existsSync(join(GOPATH, 'src/golang.org/x/mod/sumdb/tlog/tlog.go'));
const canRun = goFound && xmodFound;
if (!canRun) {
  console.warn(
    `[go-verifier] SKIPPED: ${goFound ? '' : '`go` not found; '}${xmodFound ? '' : `golang.org/x/mod not in ${GOPATH}; `}` +
      'install with: apt-get install -y golang-go golang-golang-x-mod-dev',
  );
}

interface GoExport {
  vkey: string;
  origin: string;
  entries_b64: string[];
  stored_hashes_b64: string;
  checkpoints: string[];
  inclusion: { index: number; size: number; proof: string[] }[];
  consistency: { size1: number; size2: number; proof: string[] }[];
  tiles: unknown[];
}

async function buildExport(): Promise<GoExport> {
  const origin = 'tradelane.example/trace-log';
  const { signerKey, verifierKey } = generateKey(origin);
  const signer = parseSignerKey(signerKey);
  const SIZE = 70_000; // full and partial tiles on levels 0..2
  const entries = Array.from({ length: SIZE }, (_, i) => Buffer.from(`{"event":"shipment-scan","seq":${i}}`));
  const store = new MemoryHashStore(SIZE);
  const checkpointSizes = [1, 2, 3, 255, 256, 257, 1000, 65_536, 69_999, SIZE];
  const checkpoints: string[] = [];
  // Append in uneven batches, signing a checkpoint whenever a checkpoint size is reached.
  let next = 0;
  for (const size of checkpointSizes) {
    store.appendLeafHashes(entries.slice(next, size).map(leafHash));
    next = size;
    checkpoints.push(signCheckpoint({ origin, treeSize: BigInt(size), rootHash: store.treeHashSync(size), extensions: [] }, [signer]));
  }
  const inclusion = [];
  for (const size of checkpointSizes) {
    for (const index of [0, size - 1, Math.floor(size / 3), Math.floor((size * 7) / 11)]) {
      inclusion.push({ index, size, proof: store.proveInclusionSync(index, size).map(encodeBase64) });
    }
  }
  const consistency = [];
  for (const size1 of checkpointSizes) {
    for (const size2 of checkpointSizes) {
      if (size1 <= size2) consistency.push({ size1, size2, proof: store.proveConsistencySync(size1, size2).map(encodeBase64) });
    }
  }
  const tiles = [];
  for (const tile of newTiles(0, SIZE)) {
    if (tile.level === 0 && tile.index % 37 !== 0 && tile.width === 256) continue; // a sample of level-0 tiles
    tiles.push({ ...tile, path: tilePath(tile.level, tile.index, tile.width), data_b64: encodeBase64(await readTileFromStoredHashes(tile, store)) });
  }
  const stored = new Uint8Array(store.storedBytes);
  for (let i = 0; i < store.storedHashes; i++) stored.set(store.hashAt(i), i * 32);
  return {
    vkey: verifierKey,
    origin,
    entries_b64: entries.map(encodeBase64),
    stored_hashes_b64: encodeBase64(stored),
    checkpoints,
    inclusion,
    consistency,
    tiles,
  };
}

function runGoChecker(input: string) {
  const cache = join(tmpdir(), 'tradelane-go-cache');
  mkdirSync(cache, { recursive: true });
  const run = spawnSync('go', ['run', './main.go'], {
    cwd: new URL('./go/', import.meta.url).pathname,
    input,
    encoding: 'utf8',
    env: { ...process.env, GO111MODULE: 'off', GOPATH, GOCACHE: cache, GOFLAGS: '' },
    timeout: 240_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  return run;
}

describe.skipIf(!canRun)('Go x/mod verifier (golang-golang-x-mod-dev)', () => {
  it('accepts the engine checkpoints, stored hashes, proofs and tiles', async () => {
    const run = runGoChecker(JSON.stringify(await buildExport()));
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^ok \d+ checks\n$/);
    const checks = Number(/^ok (\d+)/.exec(run.stdout)![1]);
    // stored hashes alone are ~140 000 checks
    expect(checks).toBeGreaterThan(140_000);
    expect(run.status).toBe(0);
  }, 300_000);

  it('rejects a tampered consistency proof and a tampered stored hash', async () => {
    const data = await buildExport();
    const flip = (b64: string): string => {
      const bytes = Buffer.from(b64, 'base64');
      bytes[5]! ^= 0x10;
      return bytes.toString('base64');
    };
    const target = data.consistency.find((c) => c.proof.length > 0)!;
    target.proof[0] = flip(target.proof[0]!);
    data.stored_hashes_b64 = flip(data.stored_hashes_b64);
    const run = runGoChecker(JSON.stringify(data));
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('FAIL: stored hash 0 differs');
    expect(run.stdout).toContain(`FAIL: CheckTree(${target.size1} -> ${target.size2})`);
  }, 300_000);
});
