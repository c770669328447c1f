// The independent verifier (written from the RFC text, no shared code) must accept the engine's
// roots, proofs and signed checkpoints, and reject tampered ones.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryHashStore, generateKey, leafHash, parseSignerKey, signCheckpoint } from '../../src/engines/merkle/index.ts';
import { checkConsistency, checkInclusion, checkSignedCheckpoint, leafHashOf, merkleTreeHash, readVerifierKey } from './verifier.ts';

const buf = (b: Uint8Array): Buffer => Buffer.from(b);
const entry = (i: number): Buffer => Buffer.from(`shipment-event ${i}`, 'utf8');

const SIZE = 600;
const store = new MemoryHashStore(SIZE);
store.appendLeafHashes(Array.from({ length: SIZE }, (_, i) => leafHash(entry(i))));
const independentLeaves = Array.from({ length: SIZE }, (_, i) => leafHashOf(entry(i)));

describe('independent verifier accepts the engine output', () => {
  it('roots for every size 0..600 equal the recursive MTH', () => {
    for (let n = 0; n <= SIZE; n++) expect(buf(store.treeHashSync(n)).equals(merkleTreeHash(independentLeaves.slice(0, n)))).toBe(true);
  });

  it('inclusion proofs verify; tampered ones do not', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: SIZE }), fc.nat(), fc.nat(), (size, seed, bit) => {
        const index = seed % size;
        const proof = store.proveInclusionSync(index, size).map(buf);
        const root = buf(store.treeHashSync(size));
        expect(checkInclusion(BigInt(index), BigInt(size), independentLeaves[index]!, proof, root)).toBe(true);
        if (proof.length > 0) {
          const bad = proof.map((p) => Buffer.from(p));
          bad[bit % bad.length]![bit % 32]! ^= 0x80;
          expect(checkInclusion(BigInt(index), BigInt(size), independentLeaves[index]!, bad, root)).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('consistency proofs verify; tampered ones do not', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: SIZE }), fc.integer({ min: 1, max: SIZE }), fc.nat(), (a, b, bit) => {
        const [m, n] = a <= b ? [a, b] : [b, a];
        const proof = store.proveConsistencySync(m, n).map(buf);
        const r1 = buf(store.treeHashSync(m));
        const r2 = buf(store.treeHashSync(n));
        expect(checkConsistency(BigInt(m), BigInt(n), proof, r1, r2)).toBe(true);
        if (proof.length > 0) {
          const bad = proof.map((p) => Buffer.from(p));
          bad[bit % bad.length]![bit % 32]! ^= 0x01;
          expect(checkConsistency(BigInt(m), BigInt(n), bad, r1, r2)).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('signed checkpoints from the engine verify; a different key or a changed byte does not', () => {
    const { signerKey, verifierKey } = generateKey('tradelane.example/log');
    const other = generateKey('tradelane.example/log');
    const key = readVerifierKey(verifierKey);
    for (const size of [0, 1, 7, 256, SIZE]) {
      const note = signCheckpoint({ origin: 'tradelane.example/log', treeSize: BigInt(size), rootHash: store.treeHashSync(size), extensions: [] }, [parseSignerKey(signerKey)]);
      const checked = checkSignedCheckpoint(note, key);
      expect(checked?.size).toBe(BigInt(size));
      expect(checked?.root.equals(buf(store.treeHashSync(size)))).toBe(true);
      expect(checkSignedCheckpoint(note, readVerifierKey(other.verifierKey))).toBeUndefined();
      expect(checkSignedCheckpoint(note.replace(`\n${size}\n`, `\n${size + 1}\n`), key)).toBeUndefined();
    }
  });
});

describe('independent verifier agrees with the published vectors (so it is itself trustworthy)', () => {
  const data = (name: string) => JSON.parse(readFileSync(new URL(`../../data/merkle/${name}`, import.meta.url), 'utf8'));
  const hex = (h: string): Buffer => Buffer.from(h, 'hex');

  it('exhaustive RFC 6962 proofs', () => {
    const file = data('rfc6962-proofs-exhaustive.json');
    for (const c of file.inclusion) expect(checkInclusion(BigInt(c.leaf_index), BigInt(c.tree_size), hex(c.leaf_hash), c.proof.map(hex), hex(c.root))).toBe(true);
    for (const c of file.consistency) expect(checkConsistency(BigInt(c.size1), BigInt(c.size2), c.proof.map(hex), hex(c.root1), hex(c.root2))).toBe(true);
  });

  it('transparency-dev probes (except the documented policy cases)', () => {
    const b64 = (s: string | null): Buffer => Buffer.from(s ?? '', 'base64');
    for (const p of data('transparency-dev-inclusion-probes.json').probes) {
      const index = BigInt(p.leafIdx_decimal ?? p.leafIdx);
      expect(checkInclusion(index, BigInt(p.treeSize), b64(p.leafHash), (p.proof ?? []).map(b64), b64(p.root)), p.source_file).toBe(!p.wantErr);
    }
    for (const p of data('transparency-dev-consistency-probes.json').probes) {
      if (p.policy_note) continue;
      expect(checkConsistency(BigInt(p.size1), BigInt(p.size2), (p.proof ?? []).map(b64), b64(p.root1), b64(p.root2)), p.source_file).toBe(!p.wantErr);
    }
  });

  it('derived and Tessera checkpoints', () => {
    const derived = data('derived-checkpoints.json');
    const key = readVerifierKey(derived.log_key.verifier_key);
    for (const c of derived.checkpoints_by_size) expect(checkSignedCheckpoint(c.note, key)?.root.toString('hex')).toBe(c.root_hash_hex);
    const tessera = data('tessera-testdata-log.json');
    const tkey = readVerifierKey(tessera.verifier_key);
    for (const c of tessera.checkpoints_by_size) expect(checkSignedCheckpoint(c.note, tkey)?.root.toString('hex')).toBe(c.root_hash_hex);
  });
});
