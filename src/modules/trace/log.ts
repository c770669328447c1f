import {
  EMPTY_ROOT,
  MemoryHashStore,
  appendIndexesNeeded,
  assembleConsistencyProof,
  assembleInclusionProof,
  assembleTreeHash,
  bytesEqual,
  computeAppend,
  consistencyProofIndexes,
  generateKey,
  inclusionProofIndexes,
  leafHash,
  openCheckpoint,
  parseSignerKey,
  parseVerifierKey,
  signCheckpoint,
  splitStoredHashIndex,
  storedHashCount,
  storedHashIndex,
  toHex,
  treeHashIndexes,
  type HashReader,
  type NoteSigner,
  type NoteVerifier,
} from '../../engines/merkle/index.ts';
import type { SecretBox } from '../../kernel/crypto.ts';
import type { Db, Executor } from '../../kernel/db.ts';
import { badRequest, notFound } from '../../kernel/errors.ts';
import { formatEntry } from './record.ts';

/** What the process keeps in memory about the log: its name and key pair (the seed is sealed in the DB). */
export interface LogKeys {
  origin: string;
  verifierKey: string;
  signer: NoteSigner;
  verifier: NoteVerifier;
}

export interface LogState {
  treeSize: number;
  root: Uint8Array;
  checkpoint: string;
}

const utf8 = new TextEncoder();
const asBytes = (b: Uint8Array | Buffer): Uint8Array => (b instanceof Uint8Array ? b : new Uint8Array(b));

/** Stored hashes by index, one round trip, in the order asked (the engine's HashReader). */
export function dbHashReader(ex: Executor): HashReader {
  return {
    async readHashes(indexes) {
      if (indexes.length === 0) return [];
      const rows = await ex.query<{ idx: number; hash: Uint8Array }>(`SELECT idx, hash FROM trace_hashes WHERE idx = ANY($1::bigint[])`, [indexes]);
      const byIndex = new Map(rows.map((r) => [Number(r.idx), asBytes(r.hash)]));
      return indexes.map((i) => {
        const h = byIndex.get(i);
        if (!h) throw new Error(`stored hash ${i} is missing from trace_hashes`);
        return h;
      });
    },
  };
}

/** Origin from the public URL: the log's URL without its scheme (C2SP recommendation). */
export function originFor(publicUrl: string): string {
  const u = new URL(publicUrl);
  return `${u.host}${u.pathname.replace(/\/$/, '')}/log`;
}

/**
 * Create the log on first start: a fresh Ed25519 key (seed sealed with the server's data key) and
 * the empty tree's checkpoint. Safe when several processes start at once (one INSERT wins).
 */
export async function openLog(db: Db, secrets: SecretBox, publicUrl: string): Promise<{ keys: LogKeys; created: boolean }> {
  let row: Record<string, any> | undefined = await db.maybeOne(`SELECT origin, verifier_key, signer_sealed FROM trace_log WHERE id = 1`);
  let created = false;
  if (!row) {
    const origin = originFor(publicUrl);
    const { signerKey, verifierKey } = generateKey(origin);
    const signer = parseSignerKey(signerKey);
    const note = signCheckpoint({ origin, treeSize: 0n, rootHash: EMPTY_ROOT, extensions: [] }, [signer]);
    const ins = await db.query(
      `INSERT INTO trace_log (id, origin, verifier_key, signer_sealed, tree_size, root, checkpoint) VALUES (1, $1, $2, $3, 0, $4, $5) ON CONFLICT (id) DO NOTHING RETURNING id`,
      [origin, verifierKey, secrets.seal(signerKey), Buffer.from(EMPTY_ROOT), note],
    );
    created = ins.length === 1;
    row = await db.one(`SELECT origin, verifier_key, signer_sealed FROM trace_log WHERE id = 1`);
  }
  const signer = parseSignerKey(secrets.open(row!.signer_sealed));
  row = row!;
  return { keys: { origin: row.origin, verifierKey: row.verifier_key, signer, verifier: parseVerifierKey(row.verifier_key) }, created };
}

export async function readState(ex: Executor, lock = false): Promise<LogState> {
  const r = await ex.one(`SELECT tree_size, root, checkpoint FROM trace_log WHERE id = 1 ${lock ? 'FOR UPDATE' : ''}`);
  return { treeSize: Number(r.tree_size), root: asBytes(r.root), checkpoint: r.checkpoint };
}

/**
 * Append leaf hashes at `oldSize`: read the ≤ log2(n) right-edge hashes the engine needs, compute
 * the new stored hashes, write them with one INSERT, and return the new root. The caller holds the
 * trace_log row lock (or, in the bench, is the only writer).
 */
export async function appendHashes(tx: Executor, oldSize: number, leafHashes: readonly Uint8Array[]): Promise<{ newSize: number; root: Uint8Array }> {
  const needed = appendIndexesNeeded(oldSize, leafHashes.length);
  const reader = dbHashReader(tx);
  const old = await reader.readHashes(needed);
  const result = computeAppend(oldSize, leafHashes, old);
  const count = result.hashes.length / 32;
  // One parameter of k×32 bytes, split in SQL: fast on both PGlite and PostgreSQL.
  await tx.query(
    `INSERT INTO trace_hashes (idx, hash) SELECT $1::bigint + g, substring($2::bytea FROM g * 32 + 1 FOR 32) FROM generate_series(0, $3::int - 1) g`,
    [result.firstIndex, Buffer.from(result.hashes.buffer, result.hashes.byteOffset, result.hashes.byteLength), count],
  );
  // The new root: hashes come from this append or from the old right edge; read only what is missing.
  const local = new Map<number, Uint8Array>();
  needed.forEach((idx, i) => local.set(idx, old[i]!));
  for (let i = 0; i < count; i++) local.set(result.firstIndex + i, result.hashes.subarray(i * 32, i * 32 + 32));
  const headIndexes = treeHashIndexes(result.newSize);
  const missing = headIndexes.filter((i) => !local.has(i));
  const fetched = await reader.readHashes(missing);
  missing.forEach((idx, i) => local.set(idx, fetched[i]!));
  const root = assembleTreeHash(result.newSize, headIndexes.map((i) => local.get(i)!));
  return { newSize: result.newSize, root };
}

/**
 * One sequencing round: lock the tree state, take the queued records in queue order, give them the
 * next leaf indexes, write the stored hashes, and sign the new checkpoint, all in one transaction.
 */
export async function sequenceOnce(db: Db, keys: LogKeys, maxRecords = 10_000): Promise<{ appended: number; treeSize: number }> {
  return db.transaction(async (tx) => {
    const state = await readState(tx, true);
    const pending = await tx.query<{ id: string; entry: string }>(
      `SELECT id, entry FROM trace_records WHERE leaf_index IS NULL ORDER BY queue_seq LIMIT ${maxRecords} FOR UPDATE`,
    );
    if (pending.length === 0) return { appended: 0, treeSize: state.treeSize };
    const leaves = pending.map((r) => leafHash(utf8.encode(r.entry)));
    const { newSize, root } = await appendHashes(tx, state.treeSize, leaves);
    await tx.query(
      `UPDATE trace_records r SET leaf_index = $2::bigint + v.ord - 1 FROM unnest($1::text[]) WITH ORDINALITY AS v(id, ord) WHERE r.id = v.id`,
      [pending.map((r) => r.id), state.treeSize],
    );
    const note = signCheckpoint({ origin: keys.origin, treeSize: BigInt(newSize), rootHash: root, extensions: [] }, [keys.signer]);
    await tx.query(`UPDATE trace_log SET tree_size = $1, root = $2, checkpoint = $3, updated_at = now() WHERE id = 1`, [newSize, Buffer.from(root), note]);
    return { appended: pending.length, treeSize: newSize };
  });
}

/** Sequence until the queue is empty. */
export async function sequenceAll(db: Db, keys: LogKeys): Promise<number> {
  let total = 0;
  for (;;) {
    const { appended } = await sequenceOnce(db, keys);
    total += appended;
    if (appended === 0) return total;
  }
}

/** Publish the latest checkpoint (kept for consistency proofs and audits); no-op when unchanged. */
export async function publishCheckpoint(ex: Executor): Promise<{ treeSize: number; published: boolean }> {
  const rows = await ex.query(
    `INSERT INTO trace_checkpoints (tree_size, root, note) SELECT tree_size, root, checkpoint FROM trace_log WHERE id = 1 AND tree_size > 0 ON CONFLICT (tree_size) DO NOTHING RETURNING tree_size`,
  );
  const state = await readState(ex);
  return { treeSize: state.treeSize, published: rows.length === 1 };
}

/** The signed checkpoint for exactly this size: the latest one, or a published one. */
export async function checkpointAt(ex: Executor, size: number): Promise<string | undefined> {
  const state = await readState(ex);
  if (state.treeSize === size) return state.checkpoint;
  return (await ex.maybeOne<{ note: string }>(`SELECT note FROM trace_checkpoints WHERE tree_size = $1`, [size]))?.note;
}

function checkSizes(treeSize: number, ...pairs: [string, number][]) {
  for (const [name, v] of pairs) if (!Number.isSafeInteger(v) || v < 0) throw badRequest(`${name} must be a non-negative integer`, name);
  for (const [name, v] of pairs) if (v > treeSize) throw badRequest(`${name} ${v} is larger than the log (${treeSize} leaves)`, name);
}

export async function inclusionProof(ex: Executor, index: number, size: number): Promise<Uint8Array[]> {
  const { treeSize } = await readState(ex);
  checkSizes(treeSize, ['tree_size', size]);
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) throw badRequest(`leaf index ${index} is not in a tree of ${size} leaves`, 'index');
  const indexes = inclusionProofIndexes(index, size);
  return assembleInclusionProof(index, size, await dbHashReader(ex).readHashes(indexes));
}

export async function consistencyProof(ex: Executor, size1: number, size2: number): Promise<Uint8Array[]> {
  const { treeSize } = await readState(ex);
  checkSizes(treeSize, ['from', size1], ['to', size2]);
  if (size1 < 1 || size1 > size2) throw badRequest('consistency needs 1 ≤ from ≤ to', 'from');
  if (size1 === size2) return [];
  const indexes = consistencyProofIndexes(size1, size2);
  return assembleConsistencyProof(size1, size2, await dbHashReader(ex).readHashes(indexes));
}

/** Several inclusion proofs at one size in one read (the passport page). */
export async function inclusionProofs(ex: Executor, leafIndexes: number[], size: number): Promise<Uint8Array[][]> {
  const per = leafIndexes.map((i) => inclusionProofIndexes(i, size));
  const all = [...new Set(per.flat())];
  const hashes = await dbHashReader(ex).readHashes(all);
  const byIndex = new Map(all.map((idx, i) => [idx, hashes[i]!]));
  return leafIndexes.map((leaf, k) => assembleInclusionProof(leaf, size, per[k]!.map((idx) => byIndex.get(idx)!)));
}

export interface AuditReport {
  ok: boolean;
  tree_size: number;
  records_checked: number;
  stored_hashes_checked: number;
  checkpoints_checked: number;
  problems: string[];
}

/**
 * Recompute the whole log from the records and compare with what is stored: each record's fields
 * against its logged entry, each leaf hash, every interior stored hash, the current root, and every
 * published checkpoint (signature and root). Reports where it differs. O(n) time, 64 B/leaf memory.
 */
export async function auditLog(db: Db, keys: LogKeys, maxProblems = 50): Promise<AuditReport> {
  const problems: string[] = [];
  const report = (p: string) => { if (problems.length < maxProblems) problems.push(p); };
  const state = await readState(db);
  const store = new MemoryHashStore(Math.max(1, state.treeSize));
  const CHUNK = 5000;
  let records = 0;
  for (let start = 0; start < state.treeSize; start += CHUNK) {
    const rows = await db.query(
      `SELECT id, org_id, type, subject_id, content_sha256, public_metadata, recorded_at, entry, leaf_index FROM trace_records
        WHERE leaf_index >= $1 AND leaf_index < $2 ORDER BY leaf_index`,
      [start, Math.min(state.treeSize, start + CHUNK)],
    );
    const leaves: Uint8Array[] = [];
    let expect = start;
    for (const r of rows) {
      const index = Number(r.leaf_index);
      while (expect < index) { report(`leaf ${expect}: no record holds this leaf index`); leaves.push(new Uint8Array(32)); expect++; }
      const rebuilt = formatEntry({
        id: r.id, type: r.type, subject: r.subject_id, content_sha256: r.content_sha256, meta: r.public_metadata, org: r.org_id,
        at: new Date(r.recorded_at).toISOString(),
      });
      if (rebuilt !== r.entry) report(`record ${r.id} (leaf ${index}): its stored fields no longer match the logged entry`);
      leaves.push(leafHash(utf8.encode(r.entry)));
      expect++;
      records++;
    }
    const end = Math.min(state.treeSize, start + CHUNK);
    while (expect < end) { report(`leaf ${expect}: no record holds this leaf index`); leaves.push(new Uint8Array(32)); expect++; }
    store.appendLeafHashes(leaves);
  }
  // Compare every stored hash with the recomputation.
  const total = storedHashCount(state.treeSize);
  let compared = 0;
  for (let start = 0; start < total; start += 50_000) {
    const rows = await db.query<{ idx: number; hash: Uint8Array }>(`SELECT idx, hash FROM trace_hashes WHERE idx >= $1 AND idx < $2 ORDER BY idx`, [start, Math.min(total, start + 50_000)]);
    let expect = start;
    for (const r of rows) {
      const idx = Number(r.idx);
      for (; expect < idx; expect++) report(`stored hash ${expect} is missing`);
      expect = idx + 1;
      compared++;
      if (!bytesEqual(asBytes(r.hash), store.hashAt(idx))) {
        const { level, n } = splitStoredHashIndex(idx);
        report(level === 0
          ? `leaf ${n}: stored leaf hash differs from the hash of its record (stored hash ${idx})`
          : `tree node level ${level} #${n} (stored hash ${idx}, leaves ${n * 2 ** level}..${(n + 1) * 2 ** level - 1}) differs from the recomputed hash`);
      }
    }
    for (; expect < Math.min(total, start + 50_000); expect++) report(`stored hash ${expect} is missing`);
  }
  const root = state.treeSize === 0 ? EMPTY_ROOT : store.treeHashSync(state.treeSize);
  if (!bytesEqual(root, state.root)) report(`tree state root ${toHex(state.root)} differs from the recomputed root ${toHex(root)} at size ${state.treeSize}`);
  const cps = await db.query<{ tree_size: number; note: string }>(`SELECT tree_size, note FROM trace_checkpoints ORDER BY tree_size`);
  const notes = [...cps.map((c) => ({ size: Number(c.tree_size), note: c.note, what: `published checkpoint ${c.tree_size}` })), { size: state.treeSize, note: state.checkpoint, what: 'latest checkpoint' }];
  for (const c of notes) {
    try {
      const { checkpoint } = openCheckpoint(c.note, keys.verifier, { expectedOrigin: keys.origin });
      if (Number(checkpoint.treeSize) !== c.size) report(`${c.what}: its note says size ${checkpoint.treeSize}`);
      else if (c.size > state.treeSize) report(`${c.what}: larger than the log (${state.treeSize})`);
      else {
        const expected = c.size === 0 ? EMPTY_ROOT : store.treeHashSync(c.size);
        if (!bytesEqual(expected, checkpoint.rootHash)) report(`${c.what}: signed root differs from the recomputed root at size ${c.size}`);
      }
    } catch (err: any) {
      report(`${c.what}: ${err.message}`);
    }
  }
  return { ok: problems.length === 0, tree_size: state.treeSize, records_checked: records, stored_hashes_checked: compared, checkpoints_checked: notes.length, problems };
}

export { storedHashIndex };
