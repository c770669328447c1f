// Benchmark of the merkle engine (engine only, in memory for now).
//
//   npm run bench -- merkle                         # 1 M and 10 M leaves (~1 min, ~0.8 GB RAM)
//   npm run bench -- merkle --sizes 100000 --proofs 200 --batch 1000
//   npm run bench -- merkle --persisted             # the DB-backed log of src/modules/trace: PGlite
//                                                   # (file-backed, in a temp dir), or PostgreSQL with
//                                                   # BENCH_DATABASE_URL=postgres://… (a scratch database
//                                                   # is created and dropped); default sizes 100 k, 1 M
//   npm run bench -- merkle --full                  # never fall back to the uniform-leaf tree
//
// Time budget: SHA-256 dominates (≈ 2 hashes per leaf), so the 10 M run takes ~10× the 1 M run.
// When that projection would push the run past --budget seconds (default 110, to keep the default
// run under 2 minutes on a busy machine), the larger size is measured on a *uniform-leaf* tree
// instead: a real RFC 6962 tree whose leaves are all the same record, so every complete subtree at
// level L has the same hash and the stored-hash array is O(log n) (memory- and time-light).
// Proof generation and verification then do exactly the same reads and hashing as on a real log;
// only the ingest figures are not measured (reported as null). The output says which mode ran.
//
// For each size it measures: leaf hashing and batched append (stored hashes computed in memory,
// records/s), tree head computation, inclusion and consistency proof generation (through the
// async HashReader interface the persistence layer will implement) and verification, and storage
// per leaf (stored-hash model vs. tlog-tiles). The last line printed is one JSON object.
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  MemoryHashStore,
  type HashReader,
  consistencyProofIndexes,
  inclusionProofIndexes,
  leafHash,
  nodeHash,
  proveConsistency,
  splitStoredHashIndex,
  proveInclusion,
  storedHashCount,
  tileDecomposition,
  tilesForStoredHashes,
  treeHash,
  verifyConsistency,
  verifyInclusion,
} from '../src/engines/merkle/index.ts';

// ---------------------------------------------------------------------------------------------
// Options

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const persistedMode = process.argv.includes('--persisted');
const sizes = (option('sizes') ?? (persistedMode ? '100000,1000000' : '1000000,10000000')).split(',').map((s) => Number(s.replace(/_/g, '')));
const batchSize = Number(option('batch') ?? (persistedMode ? 10000 : 1000));
const proofCount = Number(option('proofs') ?? 1000);
const persisted = process.argv.includes('--persisted');
const forceFull = process.argv.includes('--full');
const budgetSeconds = Number(option('budget') ?? 110);
const benchStart = performance.now();
const progress = (message: string): void => {
  process.stderr.write(`[merkle bench ${((performance.now() - benchStart) / 1000).toFixed(1)} s] ${message}\n`);
};

// ---------------------------------------------------------------------------------------------
// Backends. The in-memory one is all there is today; a persisted backend (the DB module) will
// implement the same interface and be selected with --persisted.

interface LogBackend {
  readonly name: string;
  /** Append a batch of leaf hashes (the backend computes and stores the new stored hashes). */
  append(leafHashes: Uint8Array[]): Promise<void>;
  /** Where proofs read stored hashes from. */
  readonly reader: HashReader;
  /** Bytes used by stored hashes. */
  storedBytes(): number;
  /** Persisted backends: bytes the stored-hash table takes in the database (heap + index + TOAST). */
  diskBytes?(): Promise<number>;
  close(): Promise<void>;
}

function memoryBackend(expectedLeaves: number): LogBackend {
  const store = new MemoryHashStore(expectedLeaves);
  return {
    name: 'memory',
    async append(leafHashes) {
      store.appendLeafHashes(leafHashes);
    },
    reader: store,
    storedBytes: () => store.storedBytes,
    async close() {},
  };
}

/**
 * A log of `size` identical records without storing it: the stored hash at (level, n) of a
 * complete subtree is levelHashes[level], whatever n. Appending is not supported.
 */
function uniformLeafBackend(size: number, leaf: Uint8Array): LogBackend {
  const levelHashes = [leaf];
  while (2 ** levelHashes.length <= size) levelHashes.push(nodeHash(levelHashes.at(-1)!, levelHashes.at(-1)!));
  return {
    name: 'uniform-leaves',
    async append() {
      throw new Error('the uniform-leaf backend is read-only');
    },
    reader: {
      async readHashes(indexes) {
        return indexes.map((index) => new Uint8Array(levelHashes[splitStoredHashIndex(index).level]!));
      },
    },
    storedBytes: () => storedHashCount(size) * 32,
    async close() {},
  };
}

/**
 * The persisted log of src/modules/trace: trace_hashes (stored-hash index → 32 bytes) written by
 * appendHashes in one transaction per batch, exactly as the sequencer does (minus the record rows),
 * and proofs read through its one-query HashReader.
 */
async function persistedBackend(): Promise<LogBackend> {
  const { openPglite, openPostgres } = await import('../src/kernel/db.ts');
  const { migrate } = await import('../src/kernel/migrate.ts');
  const { traceMigrations } = await import('../src/modules/trace/schema.ts');
  const { appendHashes, dbHashReader } = await import('../src/modules/trace/log.ts');
  const url = process.env.BENCH_DATABASE_URL;
  let db: Awaited<ReturnType<typeof openPglite>>;
  let drop = async (): Promise<void> => {};
  if (url) {
    const pg = (await import('pg')).default;
    const name = `tl_bench_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const u = new URL(url);
    u.pathname = '/' + name;
    db = await openPostgres(u.toString(), 4);
    drop = async () => {
      const a = new pg.Client({ connectionString: url });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    };
  } else {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'tl-merkle-bench-'));
    db = await openPglite(dir);
    drop = async () => rmSync(dir, { recursive: true, force: true });
  }
  await migrate(db, traceMigrations);
  let size = 0;
  return {
    name: db.kind,
    async append(leafHashes) {
      await db.transaction(async (tx) => {
        size = (await appendHashes(tx, size, leafHashes)).newSize;
      });
    },
    reader: dbHashReader(db),
    storedBytes: () => storedHashCount(size) * 32,
    async diskBytes() {
      if (db.kind === 'postgres') await db.query('VACUUM ANALYZE trace_hashes');
      return Number((await db.one(`SELECT pg_total_relation_size('trace_hashes') AS n`)).n);
    },
    async close() {
      await db.close();
      await drop();
    },
  };
}

async function openBackend(expectedLeaves: number): Promise<LogBackend> {
  if (persisted) return persistedBackend();
  return memoryBackend(expectedLeaves);
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** Deterministic pseudo-random numbers (xorshift32), so runs are comparable. */
function random(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}

/** A record like the traceability log will hold: a canonical JSON event (~110 bytes). */
function record(seq: number): Uint8Array {
  return Buffer.from(
    `{"seq":${seq},"type":"custody.transfer","lot":"LOT-${(seq * 2654435761) % 1e9}","from":"org:${seq % 977}","to":"org:${(seq + 1) % 977}","at":${1_764_000_000 + seq}}`,
  );
}

function sampleRecordBytes(size: number): number {
  const samples = 10_000;
  let bytes = 0;
  for (let i = 0; i < samples; i++) bytes += record(Math.floor((i * size) / samples)).length;
  return (bytes / samples) * size;
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
const round = (x: number, digits = 1): number => Math.round(x * 10 ** digits) / 10 ** digits;

interface SizeResult {
  leaves: number;
  /** 'real' (every record distinct, all stored hashes computed) or 'uniform-leaves' (see header). */
  tree: 'real' | 'uniform-leaves';
  batch: number;
  hash_records_per_s: number | null;
  append_records_per_s: number | null;
  ingest_records_per_s: number | null;
  ingest_seconds: number | null;
  record_bytes_avg: number;
  tree_head_us: number;
  inclusion_gen_us_mean: number;
  inclusion_gen_us_p99: number;
  inclusion_verify_us_mean: number;
  inclusion_proof_hashes_mean: number;
  inclusion_stored_reads_mean: number;
  inclusion_tile_reads_mean: number;
  consistency_gen_us_mean: number;
  consistency_gen_us_p99: number;
  consistency_verify_us_mean: number;
  consistency_proof_hashes_mean: number;
  consistency_stored_reads_mean: number;
  consistency_tile_reads_mean: number;
  stored_hash_bytes_per_leaf: number;
  tile_bytes_per_leaf: number;
  entry_bundle_bytes_per_leaf: number;
  rss_mb_peak: number;
  /** Persisted mode: database bytes of the stored-hash table per leaf (heap + primary key index). */
  db_bytes_per_leaf: number | null;
  database: string | null;
}

async function runSize(size: number, uniform: boolean): Promise<SizeResult> {
  const backend = uniform ? uniformLeafBackend(size, leafHash(record(0))) : await openBackend(size);
  const leafOf = (index: number): Uint8Array => leafHash(record(uniform ? 0 : index));
  let hashMs = 0;
  let appendMs = 0;
  // Uniform trees do not build records; estimate their size from a sample of the real sequence.
  let recordBytes = uniform ? sampleRecordBytes(size) : 0;
  const leaves: Uint8Array[] = new Array(batchSize);
  progress(`${size} leaves: ${uniform ? 'uniform-leaf tree (no ingest)' : 'ingesting'}`);
  for (let start = 0; !uniform && start < size; start += batchSize) {
    const count = Math.min(batchSize, size - start);
    leaves.length = count;
    const t0 = performance.now();
    for (let i = 0; i < count; i++) {
      const r = record(start + i);
      recordBytes += r.length;
      leaves[i] = leafHash(r);
    }
    const t1 = performance.now();
    await backend.append(leaves);
    appendMs += performance.now() - t1;
    hashMs += t1 - t0;
  }
  let rssPeak = process.memoryUsage().rss;

  if (!uniform) progress(`${size} leaves: ingested in ${((hashMs + appendMs) / 1000).toFixed(1)} s; proofs`);
  const t2 = performance.now();
  const root = await treeHash(size, backend.reader);
  const treeHeadUs = (performance.now() - t2) * 1000;

  // Inclusion proofs for random leaves in the full tree.
  const rnd = random(size);
  const genTimes: number[] = [];
  let verifyMs = 0;
  let proofHashes = 0;
  let storedReads = 0;
  let tileReads = 0;
  for (let i = 0; i < proofCount; i++) {
    const index = Math.floor(rnd() * size);
    const t = performance.now();
    const proof = await proveInclusion(index, size, backend.reader);
    genTimes.push((performance.now() - t) * 1000);
    const leaf = leafOf(index);
    const tv = performance.now();
    const ok = verifyInclusion(index, size, leaf, proof, root).ok;
    verifyMs += performance.now() - tv;
    if (!ok) throw new Error(`inclusion proof for ${index} did not verify`);
    proofHashes += proof.length;
    const indexes = inclusionProofIndexes(index, size);
    storedReads += indexes.length;
    tileReads += tilesForStoredHashes(size, indexes).length;
  }
  genTimes.sort((a, b) => a - b);

  // Consistency proofs from random earlier sizes to the full tree (old roots computed outside the timing).
  const consTimes: number[] = [];
  let consVerifyMs = 0;
  let consHashes = 0;
  let consReads = 0;
  let consTiles = 0;
  for (let i = 0; i < proofCount; i++) {
    const old = 1 + Math.floor(rnd() * (size - 1));
    const oldRoot = await treeHash(old, backend.reader);
    const t = performance.now();
    const proof = await proveConsistency(old, size, backend.reader);
    consTimes.push((performance.now() - t) * 1000);
    const tv = performance.now();
    const ok = verifyConsistency(old, size, proof, oldRoot, root).ok;
    consVerifyMs += performance.now() - tv;
    if (!ok) throw new Error(`consistency proof ${old} → ${size} did not verify`);
    consHashes += proof.length;
    if (old < size) {
      const indexes = consistencyProofIndexes(old, size);
      consReads += indexes.length;
      consTiles += tilesForStoredHashes(size, indexes).length;
    }
  }
  consTimes.sort((a, b) => a - b);
  rssPeak = Math.max(rssPeak, process.memoryUsage().rss);

  // Storage: the stored-hash model keeps every complete subtree hash (~2 per leaf); tlog-tiles
  // keeps only tree levels 0, 8, 16, … (full + partial tiles), and entry bundles hold the records.
  const tileHashes = tileDecomposition(size).reduce((sum, l) => sum + l.fullTiles * 256 + l.partialWidth, 0);
  const storedBytes = backend.storedBytes();
  if (storedBytes !== storedHashCount(size) * 32) throw new Error('unexpected stored size');
  const diskBytes = backend.diskBytes ? await backend.diskBytes() : null;
  await backend.close();

  const ingestMs = hashMs + appendMs;
  return {
    leaves: size,
    tree: uniform ? 'uniform-leaves' : 'real',
    batch: batchSize,
    hash_records_per_s: uniform ? null : Math.round(size / (hashMs / 1000)),
    append_records_per_s: uniform ? null : Math.round(size / (appendMs / 1000)),
    ingest_records_per_s: uniform ? null : Math.round(size / (ingestMs / 1000)),
    ingest_seconds: uniform ? null : round(ingestMs / 1000, 2),
    record_bytes_avg: round(recordBytes / size),
    tree_head_us: round(treeHeadUs),
    inclusion_gen_us_mean: round(genTimes.reduce((a, b) => a + b, 0) / proofCount),
    inclusion_gen_us_p99: round(percentile(genTimes, 0.99)),
    inclusion_verify_us_mean: round((verifyMs * 1000) / proofCount),
    inclusion_proof_hashes_mean: round(proofHashes / proofCount),
    inclusion_stored_reads_mean: round(storedReads / proofCount),
    inclusion_tile_reads_mean: round(tileReads / proofCount, 2),
    consistency_gen_us_mean: round(consTimes.reduce((a, b) => a + b, 0) / proofCount),
    consistency_gen_us_p99: round(percentile(consTimes, 0.99)),
    consistency_verify_us_mean: round((consVerifyMs * 1000) / proofCount),
    consistency_proof_hashes_mean: round(consHashes / proofCount),
    consistency_stored_reads_mean: round(consReads / proofCount),
    consistency_tile_reads_mean: round(consTiles / proofCount, 2),
    stored_hash_bytes_per_leaf: round(storedBytes / size, 2),
    tile_bytes_per_leaf: round((tileHashes * 32) / size, 2),
    entry_bundle_bytes_per_leaf: round((recordBytes + 2 * size) / size, 2),
    rss_mb_peak: Math.round(rssPeak / 2 ** 20),
    db_bytes_per_leaf: diskBytes === null ? null : round(diskBytes / size, 1),
    database: uniform ? null : backend.name,
  };
}

// ---------------------------------------------------------------------------------------------

const results: SizeResult[] = [];
let secondsPerLeaf = 0; // measured ingest cost, to project the next size
for (const size of sizes) {
  const elapsed = (performance.now() - benchStart) / 1000;
  const projected = secondsPerLeaf * size * 1.15; // + proofs and slack
  const uniform = !persisted && !forceFull && secondsPerLeaf > 0 && elapsed + projected > budgetSeconds;
  if (uniform) progress(`${size} leaves: a real tree would take ~${projected.toFixed(0)} s more (budget ${budgetSeconds} s; --full to force)`);
  const result = await runSize(size, uniform);
  if (result.ingest_seconds !== null) secondsPerLeaf = Math.max(secondsPerLeaf, result.ingest_seconds / size);
  results.push(result);
  if (typeof globalThis.gc === 'function') globalThis.gc();
}

const rows: [string, keyof SizeResult, string][] = [
  ['tree', 'tree', ''],
  ['leaf hashing', 'hash_records_per_s', 'records/s'],
  ['append (stored hashes)', 'append_records_per_s', 'records/s'],
  ['ingest = hash + append', 'ingest_records_per_s', 'records/s'],
  ['ingest wall time', 'ingest_seconds', 's'],
  ['tree head (from stored)', 'tree_head_us', 'µs'],
  ['inclusion proof: generate', 'inclusion_gen_us_mean', 'µs mean'],
  ['inclusion proof: generate', 'inclusion_gen_us_p99', 'µs p99'],
  ['inclusion proof: verify', 'inclusion_verify_us_mean', 'µs mean'],
  ['inclusion proof: hashes', 'inclusion_proof_hashes_mean', 'hashes'],
  ['inclusion: stored-hash reads', 'inclusion_stored_reads_mean', 'reads'],
  ['inclusion: tiles touched', 'inclusion_tile_reads_mean', 'tiles'],
  ['consistency proof: generate', 'consistency_gen_us_mean', 'µs mean'],
  ['consistency proof: generate', 'consistency_gen_us_p99', 'µs p99'],
  ['consistency proof: verify', 'consistency_verify_us_mean', 'µs mean'],
  ['consistency proof: hashes', 'consistency_proof_hashes_mean', 'hashes'],
  ['consistency: stored-hash reads', 'consistency_stored_reads_mean', 'reads'],
  ['consistency: tiles touched', 'consistency_tile_reads_mean', 'tiles'],
  ['storage: stored hashes', 'stored_hash_bytes_per_leaf', 'B/leaf'],
  ['storage: tlog tiles', 'tile_bytes_per_leaf', 'B/leaf'],
  ['storage: entry bundles', 'entry_bundle_bytes_per_leaf', 'B/leaf'],
  ['peak RSS', 'rss_mb_peak', 'MB'],
  ['backend', 'database', ''],
  ['storage: database (persisted)', 'db_bytes_per_leaf', 'B/leaf'],
];
const label = (n: number): string => (n >= 1e6 ? `${n / 1e6} M` : n >= 1e3 ? `${n / 1e3} k` : String(n));
const load = loadavg().map((x) => round(x, 2));
console.log(
  `\nmerkle engine — backend: ${persisted ? 'persisted' : 'memory'}, batch ${batchSize}, ${proofCount} proofs per kind, ` +
    `Node ${process.version}, load average ${load.join(' ')} (SHA-256 bound: figures scale with free CPU)`,
);
console.log(['metric'.padEnd(32), ...results.map((r) => `${label(r.leaves)} leaves`.padStart(16)), '  unit'].join(''));
for (const [name, key, unit] of rows) {
  console.log([name.padEnd(32), ...results.map((r) => String(r[key] ?? '—').padStart(16)), `  ${unit}`].join(''));
}
console.log(
  JSON.stringify({
    bench: 'merkle',
    backend: persisted ? 'persisted' : 'memory',
    database: persisted ? (process.env.BENCH_DATABASE_URL ? 'postgres' : 'pglite') : null,
    node: process.version,
    load_average: load,
    batch: batchSize,
    proofs: proofCount,
    budget_s: budgetSeconds,
    total_s: round((performance.now() - benchStart) / 1000, 1),
    results,
  }),
);
