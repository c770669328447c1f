// Property tests (fast-check): proofs for random trees verify and tampered ones fail; the
// stored-hash model, batched appends and the tile reader agree with each other.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MemoryHashStore,
  appendIndexesNeeded,
  computeAppend,
  consistencyProofIndexes,
  formatCheckpointBody,
  generateKey,
  inclusionProofIndexes,
  inclusionProofLength,
  leafHash,
  newTiles,
  openNote,
  parseCheckpointBody,
  parseSignerKey,
  parseVerifierKey,
  proveConsistency,
  proveInclusion,
  readTileFromStoredHashes,
  rootFromLeafHashes,
  signNote,
  splitStoredHashIndex,
  storedHashCount,
  storedHashIndex,
  tileContentIndexes,
  tileHashReader,
  tilePath,
  tileWidthAt,
  tilesForStoredHashes,
  tilesForInclusionProof,
  tilesForConsistencyProof,
  toHex,
  treeHash,
  verifyConsistency,
  verifyInclusion,
  type Tile,
} from './index.ts';

const hex = (b: Uint8Array): string => toHex(b);
const leafFor = (i: number): Uint8Array => leafHash(new TextEncoder().encode(`record ${i}`));

// One shared log of 70 000 leaves: spans full and partial tiles on levels 0, 1 and 2.
const BIG = 70_000;
const bigLeaves = Array.from({ length: BIG }, (_, i) => leafFor(i));
const bigStore = new MemoryHashStore(BIG);
bigStore.appendLeafHashes(bigLeaves);

function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const copy = new Uint8Array(bytes); // a copy (Buffer#slice would be a view)
  copy[(bit >> 3) % copy.length]! ^= 1 << (bit & 7);
  return copy;
}

describe('inclusion proofs', () => {
  it('verify for random trees and indexes, with the RFC length', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: BIG }), fc.nat(), (size, seed) => {
        const index = seed % size;
        const proof = bigStore.proveInclusionSync(index, size);
        expect(proof.length).toBe(inclusionProofLength(index, size));
        const root = bigStore.treeHashSync(size);
        expect(verifyInclusion(index, size, bigLeaves[index]!, proof, root)).toEqual({ ok: true });
      }),
      { numRuns: 300 },
    );
  });

  it('roots from stored hashes equal the level-by-level root of the leaves', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2000 }), (size) => {
        expect(hex(bigStore.treeHashSync(size))).toBe(hex(rootFromLeafHashes(bigLeaves.slice(0, size))));
      }),
      { numRuns: 100 },
    );
  });

  it('tampered proofs fail: flipped bit, wrong index, extra or missing hash, wrong leaf', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: BIG }), fc.nat(), fc.nat(), fc.nat(), (size, seed, which, bit) => {
        const index = seed % size;
        const proof = bigStore.proveInclusionSync(index, size);
        const root = bigStore.treeHashSync(size);
        const leaf = bigLeaves[index]!;
        const flipped = proof.map((h, i) => (i === which % proof.length ? flipBit(h, bit) : h));
        expect(verifyInclusion(index, size, leaf, flipped, root).ok).toBe(false);
        expect(verifyInclusion((index + 1 + (which % (size - 1))) % size, size, leaf, proof, root).ok).toBe(false);
        expect(verifyInclusion(index, size, leaf, [...proof, proof[0]!], root).ok).toBe(false);
        expect(verifyInclusion(index, size, leaf, proof.slice(1), root).ok).toBe(false);
        expect(verifyInclusion(index, size, flipBit(leaf, bit), proof, root).ok).toBe(false);
        expect(verifyInclusion(index, size, leaf, proof, flipBit(root, bit)).ok).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});

describe('consistency proofs', () => {
  it('verify between random sizes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: BIG }), fc.integer({ min: 1, max: BIG }), (a, b) => {
        const [m, n] = a <= b ? [a, b] : [b, a];
        const proof = bigStore.proveConsistencySync(m, n);
        expect(verifyConsistency(m, n, proof, bigStore.treeHashSync(m), bigStore.treeHashSync(n))).toEqual({ ok: true });
      }),
      { numRuns: 300 },
    );
  });

  it('tampered ones fail: flipped bit, swapped or changed roots, truncated or extended', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: BIG - 1 }), fc.integer({ min: 1, max: BIG }), fc.nat(), fc.nat(), (m, extra, which, bit) => {
        const n = Math.min(BIG, m + extra);
        const proof = bigStore.proveConsistencySync(m, n);
        const r1 = bigStore.treeHashSync(m);
        const r2 = bigStore.treeHashSync(n);
        const flipped = proof.map((h, i) => (i === which % proof.length ? flipBit(h, bit) : h));
        expect(verifyConsistency(m, n, flipped, r1, r2).ok).toBe(false);
        expect(verifyConsistency(m, n, proof, r2, r1).ok).toBe(false);
        expect(verifyConsistency(m, n, proof, flipBit(r1, bit), r2).ok).toBe(false);
        expect(verifyConsistency(m, n, proof, r1, flipBit(r2, bit)).ok).toBe(false);
        expect(verifyConsistency(m, n, proof.slice(0, -1), r1, r2).ok).toBe(false);
        expect(verifyConsistency(m, n, [...proof, proof[0]!], r1, r2).ok).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});

describe('stored-hash model', () => {
  it('storedHashIndex and splitStoredHashIndex are inverse, including near 2^52', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 2 ** 30 }), (level, n) => {
        const index = storedHashIndex(level, n);
        expect(splitStoredHashIndex(index)).toEqual({ level, n });
      }),
    );
    const huge = storedHashIndex(3, 2 ** 48 + 12345);
    expect(splitStoredHashIndex(huge)).toEqual({ level: 3, n: 2 ** 48 + 12345 });
  });

  it('storedHashCount(n) = 2n − popcount(n), and equals what the store wrote', () => {
    expect(bigStore.storedHashes).toBe(storedHashCount(BIG));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), (n) => {
        const popcount = n.toString(2).split('').filter((c) => c === '1').length;
        expect(storedHashCount(n)).toBe(2 * n - popcount);
      }),
    );
  });

  it('proofs at 10^12 leaves need O(log n) stored hashes', () => {
    const n = 10 ** 12 + 12345;
    expect(inclusionProofIndexes(n - 7, n).length).toBeLessThanOrEqual(2 * 40);
    expect(inclusionProofIndexes(123456789, n).length).toBeLessThanOrEqual(2 * 40);
    expect(consistencyProofIndexes(10 ** 11 + 3, n).length).toBeLessThanOrEqual(2 * 40);
  });

  it('appending in random batches writes exactly the hashes of one-by-one appends, reading O(log n) old hashes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 600 }), { minLength: 1, maxLength: 8 }), async (batches) => {
        const store = new MemoryHashStore(4);
        let size = 0;
        for (const count of batches) {
          const leaves = bigLeaves.slice(size, size + count);
          const needed = appendIndexesNeeded(size, count);
          expect(needed.length).toBeLessThanOrEqual(Math.ceil(Math.log2(size + count + 1)));
          const result = computeAppend(size, leaves, await store.readHashes(needed));
          expect(result.firstIndex).toBe(storedHashCount(size));
          store.applyAppend(result);
          size += count;
        }
        for (let i = 0; i < store.storedHashes; i += 97) expect(hex(store.hashAt(i))).toBe(hex(bigStore.hashAt(i)));
        expect(hex(await treeHash(size, store))).toBe(hex(bigStore.treeHashSync(size)));
      }),
      { numRuns: 40 },
    );
  });
});

describe('tiles', () => {
  // Tiles as a tlog-tiles log serves them, built from the stored hashes at each tree size.
  function tileReaderAt(size: number, reads: Tile[][]): ReturnType<typeof tileHashReader> {
    return tileHashReader(size, {
      async readTiles(tiles) {
        reads.push([...tiles]);
        return Promise.all(
          tiles.map((t) => {
            expect(t.width).toBe(tileWidthAt(t.level, t.index, size));
            return readTileFromStoredHashes(t, bigStore);
          }),
        );
      },
    });
  }

  it('proofs and roots from tiles equal those from stored hashes, with one tile read of few tiles', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: BIG }), fc.nat(), fc.integer({ min: 1, max: BIG }), async (size, seed, other) => {
        const index = seed % size;
        const reads: Tile[][] = [];
        const reader = tileReaderAt(size, reads);
        expect(hex(await treeHash(size, reader))).toBe(hex(bigStore.treeHashSync(size)));
        const proof = await proveInclusion(index, size, reader);
        expect(proof.map(hex)).toEqual(bigStore.proveInclusionSync(index, size).map(hex));
        const m = Math.min(size, other);
        expect((await proveConsistency(m, size, reader)).map(hex)).toEqual(bigStore.proveConsistencySync(m, size).map(hex));
        // Each call is one readTiles; a proof touches at most 2 tiles per tile level (3 levels here).
        expect(reads.length).toBe(m === size ? 2 : 3);
        for (const batch of reads) expect(batch.length).toBeLessThanOrEqual(6);
      }),
      { numRuns: 60 },
    );
  });

  it('newTiles lists exactly the tiles whose content changes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: BIG }), fc.integer({ min: 0, max: 3000 }), (oldSize, grow) => {
        const newSize = Math.min(BIG, oldSize + grow);
        const listed = new Set(newTiles(oldSize, newSize).map((t) => tilePath(t.level, t.index, t.width)));
        const expected = new Set<string>();
        for (let level = 0; level < 3; level++) {
          const maxIndex = Math.floor(newSize / 256 ** (level + 1));
          for (let index = 0; index <= maxIndex; index++) {
            const before = tileWidthAt(level, index, oldSize);
            const after = tileWidthAt(level, index, newSize);
            if (after > before) expected.add(tilePath(level, index, after));
          }
        }
        expect(listed).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('tiles needed for proofs at 10 M leaves: O(log n), with the widths they have at that size', () => {
    const size = 10_000_000;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: size - 1 }), fc.integer({ min: 1, max: size - 1 }), (index, old) => {
        for (const tiles of [tilesForInclusionProof(index, size), tilesForConsistencyProof(old, size)]) {
          // 10 M leaves = 3 tile levels; at most 2 tiles per level (the path's own tile and the right edge).
          // (old = size needs no proof at all, hence max size - 1)
          expect(tiles.length).toBeGreaterThan(0);
          expect(tiles.length).toBeLessThanOrEqual(6);
          for (const t of tiles) expect(t.width).toBe(tileWidthAt(t.level, t.index, size));
        }
      }),
    );
  });

  it('tile content indexes are the bottom row of the tile', () => {
    const tile = { level: 1, index: 0, width: 17 };
    const idx = tileContentIndexes(tile);
    expect(idx).toHaveLength(17);
    expect(idx[5]).toBe(storedHashIndex(8, 5));
    expect(tilesForStoredHashes(BIG, idx)).toEqual([{ level: 1, index: 0, width: 256 }]);
  });
});

describe('signed notes and checkpoints', () => {
  it('sign → open round trip for random texts; a changed text or signature fails', () => {
    const { signerKey, verifierKey } = generateKey('example.com/tradelane-test');
    const signer = parseSignerKey(signerKey);
    const verifier = parseVerifierKey(verifierKey);
    const line = fc.string({ minLength: 0, maxLength: 40, unit: 'grapheme' }).map((s) => s.replace(/[\u0000-\u001f]/g, ''));
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 5 }), (lines) => {
        const text = lines.join('\n') + '\n';
        const note = signNote(text, [signer]);
        expect(openNote(note, [verifier]).text).toBe(text);
        expect(() => openNote('x' + note, [verifier])).toThrow(/invalid signature|malformed/);
      }),
      { numRuns: 100 },
    );
  });

  it('checkpoint body format → parse round trip', () => {
    const origin = fc.stringMatching(/^[a-z0-9.\-/]{1,40}$/);
    const extension = fc.stringMatching(/^[ -~]{1,30}$/);
    fc.assert(
      fc.property(origin, fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.array(extension, { maxLength: 3 }), (o, size, root, ext) => {
        const body = formatCheckpointBody({ origin: o, treeSize: size, rootHash: root, extensions: ext });
        const parsed = parseCheckpointBody(body);
        expect(parsed.origin).toBe(o);
        expect(parsed.treeSize).toBe(size);
        expect(hex(parsed.rootHash)).toBe(hex(root));
        expect(parsed.extensions).toEqual(ext);
      }),
    );
  });
});
