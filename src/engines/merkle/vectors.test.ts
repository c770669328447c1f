// Every published vector in data/merkle (see data/merkle/README.md and SOURCES.md).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  EMPTY_ROOT,
  MemoryHashStore,
  NoteError,
  computeKeyId,
  cosignatureTimestamp,
  createCosigner,
  decodeBase64Strict,
  ed25519PublicKeyFromSeed,
  encodeBase64,
  encodeEntryBundle,
  entryBundlePath,
  entryBundlePathForEntry,
  formatCheckpointBody,
  formatSignerKey,
  formatTlogProof,
  formatVerifierKey,
  fromHex,
  leafHash,
  nodeHash,
  openCheckpoint,
  openNote,
  parseCheckpointBody,
  parseEntryBundle,
  parseNote,
  parseResourcePath,
  parseSignerKey,
  parseSignerKeyParts,
  parseTileLevelAndIndex,
  parseTlogProof,
  parseVerifierKey,
  proveConsistency,
  proveInclusion,
  rootFromLeafHashes,
  signCheckpoint,
  signNote,
  storedHashIndex,
  tileDecomposition,
  tileHashReader,
  tilePath,
  toHex,
  treeHash,
  verifierKeyForSignerKey,
  verifyConsistency,
  verifyInclusion,
  verifyTlogProof,
  type Tile,
} from './index.ts';

const dataDir = new URL('../../../data/merkle/', import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const load = (name: string): any => JSON.parse(readFileSync(new URL(name, dataDir), 'utf8'));

const referenceTree = load('rfc6962-reference-tree.json');
const publishedProofs = load('rfc6962-proofs.json');
const exhaustiveProofs = load('rfc6962-proofs-exhaustive.json');
const inclusionProbes = load('transparency-dev-inclusion-probes.json');
const consistencyProbes = load('transparency-dev-consistency-probes.json');
const signedNotes = load('signed-notes.json');
const checkpoints = load('checkpoints.json');
const derived = load('derived-checkpoints.json');
const tessera = load('tessera-testdata-log.json');
const tilePaths = load('tlog-tiles-paths.json');

const hex = (bytes: Uint8Array): string => toHex(bytes);
const b64 = (text: string | null): Uint8Array => (text === null ? new Uint8Array(0) : new Uint8Array(Buffer.from(text, 'base64')));

const referenceLeafHashes: Uint8Array[] = referenceTree.leaves_hex.map((h: string) => leafHash(fromHex(h)));
const referenceStore = new MemoryHashStore(8);
referenceStore.appendLeafHashes(referenceLeafHashes);

describe('RFC 6962 reference tree', () => {
  it('hasher cases', () => {
    for (const c of referenceTree.hasher_cases) {
      if (c.kind === 'empty_root') expect(hex(EMPTY_ROOT)).toBe(c.want);
      else if (c.kind === 'leaf') expect(hex(leafHash(fromHex(c.entry_hex)))).toBe(c.want);
      else {
        // The published node case hashes two 4-byte strings, so use the raw definition here.
        const input = Buffer.concat([Buffer.from([1]), fromHex(c.left_hex), fromHex(c.right_hex)]);
        expect(hex(createHash('sha256').update(input).digest())).toBe(c.want);
      }
    }
    expect(referenceTree.hasher_cases).toHaveLength(4);
  });

  it('every complete-subtree hash equals the stored hash at (level, index)', () => {
    const levels: string[][] = referenceTree.node_hashes_by_level.levels;
    let checked = 0;
    levels.forEach((hashes, level) =>
      hashes.forEach((want, i) => {
        expect(hex(referenceStore.hashAt(storedHashIndex(level, i)))).toBe(want);
        checked++;
      }),
    );
    expect(checked).toBe(15);
  });

  it('root for every size 0..8, three ways', async () => {
    const roots: string[] = referenceTree.root_by_tree_size.roots;
    expect(roots).toHaveLength(9);
    for (let n = 0; n <= 8; n++) {
      expect(hex(rootFromLeafHashes(referenceLeafHashes.slice(0, n)))).toBe(roots[n]);
      expect(hex(referenceStore.treeHashSync(n))).toBe(roots[n]);
      expect(hex(await treeHash(n, referenceStore))).toBe(roots[n]);
    }
  });
});

describe.each([
  ['published', publishedProofs, 5, 5],
  ['exhaustive', exhaustiveProofs, 36, 36],
])('RFC 6962 %s proofs', (_name, file, inclusionCount, consistencyCount) => {
  it('inclusion proofs: generated exactly, and verified', async () => {
    expect(file.inclusion).toHaveLength(inclusionCount);
    for (const c of file.inclusion) {
      expect(hex(referenceLeafHashes[c.leaf_index]!)).toBe(c.leaf_hash);
      const proof = await proveInclusion(c.leaf_index, c.tree_size, referenceStore);
      expect(proof.map(hex)).toEqual(c.proof);
      expect(verifyInclusion(c.leaf_index, c.tree_size, fromHex(c.leaf_hash), c.proof.map(fromHex), fromHex(c.root))).toEqual({ ok: true });
    }
  });

  it('consistency proofs: generated exactly, and verified', async () => {
    expect(file.consistency).toHaveLength(consistencyCount);
    for (const c of file.consistency) {
      const proof = await proveConsistency(c.size1, c.size2, referenceStore);
      expect(proof.map(hex)).toEqual(c.proof);
      expect(verifyConsistency(c.size1, c.size2, c.proof.map(fromHex), fromHex(c.root1), fromHex(c.root2))).toEqual({ ok: true });
    }
  });
});

describe('transparency-dev verification probes', () => {
  it('inclusion: error exactly when wantErr (98 probes)', () => {
    expect(inclusionProbes.probes).toHaveLength(98);
    for (const p of inclusionProbes.probes) {
      const index = p.leafIdx_decimal !== undefined ? BigInt(p.leafIdx_decimal) : p.leafIdx;
      const result = verifyInclusion(index, p.treeSize, b64(p.leafHash), (p.proof ?? []).map(b64), b64(p.root));
      expect({ file: p.source_file, error: !result.ok }).toEqual({ file: p.source_file, error: p.wantErr });
    }
  });

  // Our deliberate policy (docs/merkle.md): every hash, roots included, must be 32 bytes. The one
  // probe that expects 12-byte "roots" to pass for equal sizes is rejected, as golang.org/x/mod does.
  const SHORT_ROOT_PROBE = 'testdata/consistency/additional/sizes-are-equal-one-and-proof-is-empty.json';

  it('consistency: error exactly when wantErr (97 probes), policy probes decided as documented', () => {
    expect(consistencyProbes.probes).toHaveLength(98);
    let policyProbes = 0;
    for (const p of consistencyProbes.probes) {
      const result = verifyConsistency(p.size1, p.size2, (p.proof ?? []).map(b64), b64(p.root1), b64(p.root2));
      if (p.policy_note) policyProbes++;
      const expected = p.source_file === SHORT_ROOT_PROBE ? true : p.wantErr;
      expect({ file: p.source_file, error: !result.ok }).toEqual({ file: p.source_file, error: expected });
    }
    expect(policyProbes).toBe(4);
  });

  it('the 12-byte-root probe is the only deviation, and 32-byte equal roots with equal sizes pass', () => {
    const probe = consistencyProbes.probes.find((p: { source_file: string }) => p.source_file === SHORT_ROOT_PROBE);
    expect(probe.wantErr).toBe(false);
    expect(verifyConsistency(1, 1, [], b64(probe.root1), b64(probe.root2))).toEqual({ ok: false, reason: 'roots must be 32-byte hashes' });
    expect(verifyConsistency(1, 1, [], referenceLeafHashes[0]!, referenceLeafHashes[0]!)).toEqual({ ok: true });
  });
});

describe('C2SP signed notes', () => {
  it('verifier keys parse to the published name, key ID and public key', () => {
    for (const k of signedNotes.verifier_keys) {
      const v = parseVerifierKey(k.vkey);
      expect(v.name).toBe(k.name);
      expect(v.keyId.toString(16).padStart(8, '0')).toBe(k.key_id_hex);
      expect(v.type).toBe(k.signature_type);
      expect(formatVerifierKey(k.name, fromHex(k.public_key_hex))).toBe(k.vkey);
      expect(encodeBase64(fromHex(k.public_key_hex))).toBe(k.public_key_b64);
    }
  });

  it('signer keys: seed, key ID and matching verifier key', () => {
    for (const k of signedNotes.signer_keys) {
      const parts = parseSignerKeyParts(k.skey);
      expect(hex(parts.seed)).toBe(k.ed25519_seed_hex);
      expect(parts.keyId.toString(16).padStart(8, '0')).toBe(k.key_id_hex);
      expect(formatSignerKey(k.name, fromHex(k.ed25519_seed_hex))).toBe(k.skey);
      const vkey = signedNotes.verifier_keys.find((v: { name: string }) => v.name === k.name);
      expect(verifierKeyForSignerKey(k.skey)).toBe(vkey.vkey);
    }
  });

  it('valid notes: verified/unverified signers as published, and re-signing reproduces them byte for byte', () => {
    const signers = new Map<string, ReturnType<typeof parseSignerKey>>(
      signedNotes.signer_keys.map((k: { name: string; skey: string }) => [k.name, parseSignerKey(k.skey)]),
    );
    for (const n of signedNotes.valid_notes) {
      const verifiers = n.verifier_keys.map(parseVerifierKey);
      const parsed = parseNote(n.note);
      expect(parsed.text).toBe(n.text);
      const names = parsed.signatures.map((s) => s.name);
      if (names.every((name) => signers.has(name))) {
        expect(signNote(n.text, names.map((name) => signers.get(name)!))).toBe(n.note);
      }
      if (n.expected_error) {
        expect(() => openNote(n.note, verifiers)).toThrow(n.expected_error);
        continue;
      }
      const opened = openNote(n.note, verifiers);
      expect(opened.text).toBe(n.text);
      expect(opened.verified.map((s) => s.name)).toEqual(n.expected_verified);
      expect(opened.unverified.map((s) => s.name)).toEqual(n.expected_unverified);
    }
  });

  it('invalid notes are rejected with the x/mod error', () => {
    expect(signedNotes.invalid_notes).toHaveLength(9);
    for (const n of signedNotes.invalid_notes) {
      const note: string | Uint8Array = n.note ?? b64(n.note_b64);
      const verifiers = n.verifier_keys.map(parseVerifierKey);
      let error: unknown;
      try {
        openNote(note, verifiers);
      } catch (e) {
        error = e;
      }
      expect(error, n.desc).toBeInstanceOf(NoteError);
      expect((error as Error).message, n.desc).toBe(n.expected_error);
    }
  });

  it('we accept 100 signatures (the x/mod cap; C2SP requires at least 16)', () => {
    const base = signedNotes.valid_notes[1];
    const line = base.note.slice(base.text.length + 1);
    const hundred = `${base.text}\n${line.repeat(100)}`;
    const opened = openNote(hundred, [parseVerifierKey(base.verifier_keys[0])]);
    expect(opened.verified).toHaveLength(1); // repeated signatures by one key are counted once
  });

  it('invalid verifier keys are refused', () => {
    for (const k of signedNotes.invalid_verifier_keys) expect(() => parseVerifierKey(k.vkey), k.desc).toThrow(NoteError);
    expect(signedNotes.invalid_verifier_keys).toHaveLength(3);
  });

  it('unverifiable spec example parses (text separated at the LAST blank line)', () => {
    for (const e of signedNotes.unverifiable_examples) {
      const parsed = parseNote(e.note);
      expect(parsed.text).toBe(e.text);
      expect(parsed.signatures.map((s) => s.name)).toEqual(e.signature_key_names);
    }
  });
});

describe('C2SP checkpoints', () => {
  it('real signed checkpoints verify and parse to the published fields', () => {
    expect(checkpoints.valid_signed_checkpoints).toHaveLength(3);
    for (const c of checkpoints.valid_signed_checkpoints) {
      const verifiers = c.verifier_keys.map(parseVerifierKey);
      const opened = openCheckpoint(c.note, verifiers[0], { witnesses: verifiers.slice(1), expectedOrigin: c.origin });
      expect(opened.note.verified.map((s) => s.name)).toEqual(c.expected_verified);
      expect(opened.checkpoint.origin).toBe(c.origin);
      expect(opened.checkpoint.treeSize).toBe(BigInt(c.tree_size));
      expect(hex(opened.checkpoint.rootHash)).toBe(c.root_hash_hex);
      expect(encodeBase64(opened.checkpoint.rootHash)).toBe(c.root_hash_b64);
      expect(opened.checkpoint.extensions).toEqual(c.extension_lines);
      expect(formatCheckpointBody(opened.checkpoint)).toBe(opened.note.text);
      if (c.note_as_published) expect(() => openCheckpoint(c.note_as_published, verifiers[0])).toThrow('malformed note');
    }
  });

  it('ECDSA P-256 (type 0x02) checkpoints verify; a changed byte fails', () => {
    expect(checkpoints.other_signature_types).toHaveLength(2);
    for (const c of checkpoints.other_signature_types) {
      const verifier = parseVerifierKey(c.verifier_key);
      expect(verifier.type).toBe(2);
      const opened = openCheckpoint(c.note, verifier, { expectedOrigin: c.origin });
      expect(opened.checkpoint.treeSize).toBe(BigInt(c.tree_size));
      expect(hex(opened.checkpoint.rootHash)).toBe(c.root_hash_hex);
      const tampered = c.note.replace(`\n${c.tree_size}\n`, `\n${c.tree_size + 1}\n`);
      expect(() => openCheckpoint(tampered, verifier)).toThrow(/invalid signature for key/);
    }
  });

  it('spec examples parse: checkpoint, cosignature (key ID, timestamp, signed message), tlog-proof structure', () => {
    const [sofa, cosigned, proofExample] = checkpoints.unverifiable_examples;
    const parsed = parseNote(sofa.note);
    const cp = parseCheckpointBody(parsed.text);
    expect(cp.origin).toBe(sofa.origin);
    expect(cp.treeSize).toBe(BigInt(sofa.tree_size));
    expect(hex(cp.rootHash)).toBe(sofa.root_hash_hex);
    expect(parsed.signatures[0]!.signature).toHaveLength(64);

    const cosig = parseNote(cosigned.note).signatures[1]!;
    expect(cosig.keyId.toString(16).padStart(8, '0')).toBe(cosigned.cosignature_key_id_hex);
    expect(4 + cosig.signature.length).toBe(cosigned.cosignature_length_bytes);
    expect(cosignatureTimestamp(cosig.signature)).toBe(BigInt(cosigned.cosignature_timestamp));
    expect(new TextDecoder().decode(cosignedMessageFor(parsed.text, cosig.signature))).toBe(cosigned.cosigned_message_example);

    // Signatures in the spec's tlog-proof are elided with "[...]": only the proof part parses.
    const proof = parseTlogProof(proofExample.tlog_proof);
    expect(proof.index).toBe(73894n);
    expect(proof.proof).toHaveLength(5);
    expect(proof.extra).toBeDefined();
    expect(() => parseNote(proof.checkpointNote)).toThrow('malformed note');
  });

  it('body parse cases: our strict parser agrees with c2sp_strict_valid (17 cases)', () => {
    const cases = checkpoints.body_parse_cases.cases;
    expect(cases).toHaveLength(17);
    for (const c of cases) {
      let valid = true;
      try {
        parseCheckpointBody(c.body);
      } catch {
        valid = false;
      }
      expect({ desc: c.desc, valid }).toEqual({ desc: c.desc, valid: c.c2sp_strict_valid });
    }
  });
});

function cosignedMessageFor(text: string, signature: Uint8Array): Uint8Array {
  return new TextEncoder().encode(`cosignature/v1\ntime ${cosignatureTimestamp(signature)}\n${text}`);
}

describe('derived checkpoints over the reference tree', () => {
  const logSigner = parseSignerKey(derived.log_key.signer_key_xmod_format);
  const logVerifier = parseVerifierKey(derived.log_key.verifier_key);
  const witness = derived.witness_key;
  const witnessVerifier = parseVerifierKey(witness.verifier_key);

  it('keys derive from the published seeds', () => {
    expect(hex(ed25519PublicKeyFromSeed(fromHex(derived.log_key.ed25519_seed_hex)))).toBe(derived.log_key.public_key_hex);
    expect(formatSignerKey(derived.origin, fromHex(derived.log_key.ed25519_seed_hex))).toBe(derived.log_key.signer_key_xmod_format);
    expect(formatVerifierKey(witness.name, fromHex(witness.public_key_hex), 4)).toBe(witness.verifier_key);
    expect(computeKeyId(witness.name, 4, fromHex(witness.public_key_hex)).toString(16)).toBe(witness.key_id_hex);
  });

  it('checkpoints for sizes 0..8: our roots, re-signed byte for byte, verified', () => {
    expect(derived.checkpoints_by_size).toHaveLength(9);
    for (const c of derived.checkpoints_by_size) {
      const root = referenceStore.treeHashSync(c.tree_size);
      expect(hex(root)).toBe(c.root_hash_hex);
      const note = signCheckpoint({ origin: derived.origin, treeSize: BigInt(c.tree_size), rootHash: root, extensions: [] }, [logSigner]);
      expect(note).toBe(c.note);
      const opened = openCheckpoint(c.note, logVerifier, { expectedOrigin: derived.origin });
      expect(opened.checkpoint.treeSize).toBe(BigInt(c.tree_size));
    }
  });

  it('witness cosignature: reproduced byte for byte and verified', () => {
    const c = derived.cosigned_checkpoint;
    const cosigner = createCosigner(witness.name, fromHex(witness.ed25519_seed_hex), c.timestamp);
    const body = formatCheckpointBody({ origin: derived.origin, treeSize: 8n, rootHash: referenceStore.treeHashSync(8), extensions: [] });
    expect(signNote(body, [logSigner, cosigner])).toBe(c.note);
    const opened = openCheckpoint(c.note, logVerifier, { witnesses: [witnessVerifier] });
    expect(opened.witnesses).toEqual([witness.name]);
    expect(new TextDecoder().decode(cosignedMessageFor(body, opened.note.verified[1]!.signature))).toBe(c.cosigned_message);
    // A cosignature over a different timestamp does not verify.
    const forged = signNote(body, [logSigner, { ...cosigner, sign: (t) => { const s = cosigner.sign(t); s[7]! ^= 1; return s; } }]);
    expect(() => openCheckpoint(forged, logVerifier, { witnesses: [witnessVerifier] })).toThrow(/invalid signature for key witness/);
  });

  it('tlog-proof: reproduced exactly and verified offline', async () => {
    const t = derived.tlog_proof;
    expect(hex(leafHash(fromHex(t.leaf_hex)))).toBe(t.leaf_hash_hex);
    const proof = await proveInclusion(t.leaf_index, 8, referenceStore);
    const text = formatTlogProof({ index: BigInt(t.leaf_index), proof, checkpointNote: derived.cosigned_checkpoint.note });
    expect(text).toBe(t.text);
    const result = verifyTlogProof(t.text, fromHex(t.leaf_hash_hex), logVerifier, { witnesses: [witnessVerifier], expectedOrigin: derived.origin });
    expect(result.witnesses).toEqual([witness.name]);
    expect(() => verifyTlogProof(t.text, referenceLeafHashes[4]!, logVerifier)).toThrow(/inclusion check failed/);
  });
});

describe('Tessera testdata log (tlog-tiles)', () => {
  const entries: Uint8Array[] = tessera.entries.map((e: { hex: string }) => fromHex(e.hex));
  const leafHashes = entries.map(leafHash);
  const store = new MemoryHashStore(16);
  store.appendLeafHashes(leafHashes);
  const resources = new Map<string, Uint8Array>(
    tessera.resources.filter((r: { content_b64?: string }) => r.content_b64).map((r: { path: string; content_b64: string }) => [r.path, b64(r.content_b64)]),
  );
  const verifier = parseVerifierKey(tessera.verifier_key);
  const signer = parseSignerKey(tessera.signer_key);

  it('keys match', () => {
    expect(verifierKeyForSignerKey(tessera.signer_key)).toBe(tessera.verifier_key);
  });

  it('every checkpoint (sizes 0..15) verifies, has our root, and re-signs byte for byte', () => {
    expect(tessera.checkpoints_by_size).toHaveLength(16);
    for (const c of tessera.checkpoints_by_size) {
      const opened = openCheckpoint(c.note, verifier, { expectedOrigin: tessera.origin });
      expect(hex(store.treeHashSync(c.tree_size))).toBe(c.root_hash_hex);
      expect(hex(opened.checkpoint.rootHash)).toBe(c.root_hash_hex);
      expect(signCheckpoint(opened.checkpoint, [signer])).toBe(c.note);
    }
    expect(resources.size).toBe(30);
    const latest = tessera.resources.find((r: { path: string }) => r.path === 'checkpoint');
    expect(latest.text).toBe(tessera.checkpoints_by_size[15].note);
  });

  it('every tile and entry bundle file equals what we compute', () => {
    for (let size = 1; size <= 15; size++) {
      const tile = resources.get(tilePath(0, 0, size))!;
      expect(Buffer.from(tile).equals(Buffer.concat(leafHashes.slice(0, size)))).toBe(true);
      const bundle = resources.get(entryBundlePath(0, size))!;
      expect(Buffer.from(encodeEntryBundle(entries.slice(0, size))).equals(bundle)).toBe(true);
      expect(parseEntryBundle(bundle).map(hex)).toEqual(entries.slice(0, size).map(hex));
    }
  });

  it('proofs computed from the tiles equal proofs from stored hashes', async () => {
    for (let size = 1; size <= 15; size++) {
      const reader = tileHashReader(size, {
        readTiles: async (tiles: readonly Tile[]) => tiles.map((t) => resources.get(tilePath(t.level, t.index, t.width))!),
      });
      expect(hex(await treeHash(size, reader))).toBe(tessera.checkpoints_by_size[size].root_hash_hex);
      for (let i = 0; i < size; i++) {
        const proof = await proveInclusion(i, size, reader);
        expect(proof.map(hex)).toEqual(store.proveInclusionSync(i, size).map(hex));
        expect(verifyInclusion(i, size, leafHashes[i]!, proof, decodeBase64Strict(tessera.checkpoints_by_size[size].root_hash_b64)!).ok).toBe(true);
      }
      for (let m = 1; m < size; m++) {
        expect((await proveConsistency(m, size, reader)).map(hex)).toEqual(store.proveConsistencySync(m, size).map(hex));
      }
    }
  });
});

describe('tlog-tiles paths', () => {
  it('index encoding and tree-size decomposition (spec examples)', () => {
    for (const e of tilePaths.spec_examples.index_encoding) expect(tilePath(0, e.index).slice('tile/0/'.length)).toBe(e.encoded);
    const [big, small] = tilePaths.spec_examples.tree_size_decomposition;
    expect(tileDecomposition(big.tree_size)).toEqual([
      { level: 0, fullTiles: big.full_level0_tiles, partialWidth: big.partial_level0_width },
      { level: 1, fullTiles: big.full_level1_tiles, partialWidth: big.partial_level1_width },
      { level: 2, fullTiles: 0, partialWidth: big.partial_level2_width },
    ]);
    expect(tileDecomposition(small.tree_size)).toEqual([
      { level: 0, fullTiles: small.full_level0_tiles, partialWidth: 0 },
      { level: 1, fullTiles: 0, partialWidth: small.partial_level1_width },
    ]);
  });

  it('tile paths and entry bundle paths', () => {
    for (const c of tilePaths.tile_paths.cases) {
      expect(tilePath(c.level, c.index, c.p === 0 ? 256 : c.p)).toBe(c.path);
      expect(parseResourcePath(c.path)).toEqual({ kind: 'tile', level: c.level, index: BigInt(c.index), width: c.p === 0 ? 256 : c.p });
    }
    for (const c of tilePaths.entry_bundle_paths.cases) {
      expect(entryBundlePath(c.index, c.p === 0 ? 256 : c.p)).toBe(c.path);
      expect(parseResourcePath(c.path)).toEqual({ kind: 'entries', index: BigInt(c.index), width: c.p === 0 ? 256 : c.p });
    }
    for (const c of tilePaths.entry_bundle_path_for_log_index.cases) expect(entryBundlePathForEntry(c.seq, c.log_size)).toBe(c.path);
  });

  it('parse level and index, including errors (19 cases)', () => {
    const cases = tilePaths.parse_level_and_index.cases;
    expect(cases).toHaveLength(19);
    for (const c of cases) {
      if (c.want_error) {
        expect(() => parseTileLevelAndIndex(c.level_element, c.index_elements), `${c.level_element} ${c.index_elements}`).toThrow(SyntaxError);
      } else {
        const index = c.index_decimal !== undefined ? BigInt(c.index_decimal) : BigInt(c.index);
        expect(parseTileLevelAndIndex(c.level_element, c.index_elements)).toEqual({ level: c.level, index, width: c.p === 0 ? 256 : c.p });
      }
    }
  });

  it('the Go sumdb layout (tile/H/L/N) is not accepted as tlog-tiles', () => {
    for (const c of tilePaths.golang_sumdb_layout_for_contrast.cases) expect(() => parseResourcePath(c.path), c.path).toThrow(SyntaxError);
  });
});

it('node hash matches the definition', () => {
  expect(hex(nodeHash(referenceLeafHashes[0]!, referenceLeafHashes[1]!))).toBe(referenceTree.node_hashes_by_level.levels[1][0]);
});
