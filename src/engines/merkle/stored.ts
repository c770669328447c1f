// Stored-hash model of an append-only RFC 6962 tree, as in golang.org/x/mod/sumdb/tlog.
//
// Every complete subtree hash is stored exactly once, in append order: when leaf n is appended,
// its leaf hash is written, followed by the hash of every subtree that leaf completes (one per
// trailing 1-bit of n). "Stored hash index" numbers these hashes 0, 1, 2, … so a log of n leaves
// holds storedHashCount(n) ≈ 2n hashes, never rewrites one, and any tree head or proof needs
// only O(log n) of them. Indexes are JS numbers (exact up to 2^53, i.e. ~4·10^15 leaves); the
// arithmetic avoids 32-bit bitwise operators on purpose.
import { EMPTY_ROOT, HASH_SIZE, nodeHash } from './hash.ts';
import { toUint64, type Uint64Like } from './verify.ts';

/** Reads stored hashes by stored-hash index; the persistence layer implements this (one query per call). */
export interface HashReader {
  /** Must return exactly one 32-byte hash per index, in the same order. */
  readHashes(indexes: readonly number[]): Promise<Uint8Array[]>;
}

const pow2 = (k: number): number => 2 ** k;
const shiftRight = (n: number, k: number): number => Math.floor(n / pow2(k));

function trailingZeros(n: number): number {
  if (n <= 0) throw new RangeError('trailingZeros of a non-positive number');
  let count = 0;
  while (n % 2 === 0) {
    n /= 2;
    count++;
  }
  return count;
}

/** Leaf count as a safe JS number (the stored-hash model is limited to 2^53 leaves). */
export function toSafeCount(value: Uint64Like, what: string): number {
  const big = toUint64(value, what);
  if (big > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`${what} exceeds 2^53 − 1`);
  return Number(big);
}

/** floor(log2(x)) for 1 ≤ x < 2^53, without 32-bit truncation. */
function log2Floor(x: number): number {
  return x < 2 ** 32 ? 31 - Math.clz32(x) : 63 - Math.clz32(Math.floor(x / 2 ** 32));
}

/** Number of 1-bits of a non-negative safe integer. */
function popcount(x: number): number {
  return popcount32(x >>> 0) + (x >= 2 ** 32 ? popcount32(Math.floor(x / 2 ** 32) >>> 0) : 0);
}

function popcount32(word: number): number {
  word -= (word >>> 1) & 0x55555555;
  word = (word & 0x33333333) + ((word >>> 2) & 0x33333333);
  return (Math.imul((word + (word >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

/** log2 of the largest power of two strictly smaller than n (n ≥ 2). */
function splitLevel(n: number): number {
  return n <= 2 ? 0 : log2Floor(n - 1);
}

/** RFC 9162's k: the largest power of two strictly smaller than n (n ≥ 2). */
function largestPowerOfTwoBelow(n: number): number {
  return pow2(splitLevel(n));
}

/** Stored-hash index of the n-th hash at `level` (level 0 = leaves; level L covers 2^L leaves). */
export function storedHashIndex(level: number, n: number): number {
  if (!Number.isSafeInteger(n) || n < 0 || (n + 1) * pow2(level) > Number.MAX_SAFE_INTEGER) {
    throw new RangeError(`stored hash (${level}, ${n}) is beyond 2^53 leaves`);
  }
  // Level L's n-th hash is written right after level L−1's (2n+1)-th hash; walking down L levels
  // gives leaf m = (n+1)·2^L − 1. Leaf m's hash is at m + m/2 + m/4 + … = 2m − popcount(m),
  // and the L hashes completed after it come next.
  const m = (n + 1) * pow2(level) - 1;
  return 2 * m - popcount(m) + level;
}

/** Inverse of storedHashIndex: which (level, n) a stored-hash index holds. */
export function splitStoredHashIndex(index: number): { level: number; n: number } {
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`bad stored hash index ${index}`);
  // storedHashIndex(0, n) < 2n, so the leaf that wrote `index` is in [index/2, index/2 + log2(index)].
  let n = Math.floor(index / 2);
  let indexN = storedHashIndex(0, n);
  if (indexN > index) throw new Error('splitStoredHashIndex: bad math');
  for (;;) {
    // Appending leaf n writes 1 + trailingZeros(n+1) hashes: its own and the subtrees it completes.
    const next = indexN + 1 + trailingZeros(n + 1);
    if (next > index) break;
    n++;
    indexN = next;
  }
  const level = index - indexN;
  return { level, n: shiftRight(n, level) };
}

/** Number of stored hashes for a tree of `size` leaves. */
export function storedHashCount(size: number): number {
  if (size === 0) return 0;
  let count = storedHashIndex(0, size - 1) + 1;
  for (let i = size - 1; i % 2 === 1; i = (i - 1) / 2) count++;
  return count;
}

// ---------------------------------------------------------------------------------------------
// Two-phase proof construction: first list the stored hashes needed (so storage can fetch them in
// one round trip), then assemble the result from the fetched hashes in that order.

function subtreeIndexes(lo: number, hi: number, need: number[]): void {
  // Split [lo, hi) into maximal complete subtrees, left to right; each is one stored hash.
  while (lo < hi) {
    const level = splitLevel(hi - lo + 1);
    const k = pow2(level);
    if (lo % k !== 0) throw new Error('subtreeIndexes: bad math');
    need.push(storedHashIndex(level, lo / k));
    lo += k;
  }
}

/** A cursor over fetched hashes, consumed in the order the indexes were listed. */
interface HashCursor {
  hashes: readonly Uint8Array[];
  position: number;
}

function subtreeHash(lo: number, hi: number, cursor: HashCursor): Uint8Array {
  let pieces = 0;
  while (lo < hi) {
    lo += largestPowerOfTwoBelow(hi - lo + 1);
    pieces++;
  }
  const start = cursor.position;
  cursor.position += pieces;
  if (cursor.position > cursor.hashes.length) throw new Error('not enough hashes');
  // The left pieces are larger complete subtrees; fold from the right edge.
  let hash = cursor.hashes[start + pieces - 1]!;
  for (let i = pieces - 2; i >= 0; i--) hash = nodeHash(cursor.hashes[start + i]!, hash);
  return hash;
}

function inclusionIndexes(lo: number, hi: number, n: number, need: number[]): void {
  if (lo + 1 === hi) return;
  const k = largestPowerOfTwoBelow(hi - lo);
  if (n < lo + k) {
    inclusionIndexes(lo, lo + k, n, need);
    subtreeIndexes(lo + k, hi, need);
  } else {
    subtreeIndexes(lo, lo + k, need);
    inclusionIndexes(lo + k, hi, n, need);
  }
}

function inclusionAssemble(lo: number, hi: number, n: number, cursor: HashCursor, proof: Uint8Array[]): void {
  // RFC 9162 §2.1.3.1 PATH: the deeper part of the path comes first, the root's child last.
  if (lo + 1 === hi) return;
  const k = largestPowerOfTwoBelow(hi - lo);
  if (n < lo + k) {
    inclusionAssemble(lo, lo + k, n, cursor, proof);
    proof.push(subtreeHash(lo + k, hi, cursor));
  } else {
    const sibling = subtreeHash(lo, lo + k, cursor);
    inclusionAssemble(lo + k, hi, n, cursor, proof);
    proof.push(sibling);
  }
}

function consistencyIndexes(lo: number, hi: number, m: number, need: number[]): void {
  if (m === hi) {
    if (lo !== 0) subtreeIndexes(lo, hi, need);
    return;
  }
  const k = largestPowerOfTwoBelow(hi - lo);
  if (m <= lo + k) {
    consistencyIndexes(lo, lo + k, m, need);
    subtreeIndexes(lo + k, hi, need);
  } else {
    subtreeIndexes(lo, lo + k, need);
    consistencyIndexes(lo + k, hi, m, need);
  }
}

function consistencyAssemble(lo: number, hi: number, m: number, cursor: HashCursor, proof: Uint8Array[]): void {
  // RFC 9162 §2.1.4.1 SUBPROOF, where b = true exactly when lo = 0 (the old tree's own root is omitted).
  if (m === hi) {
    if (lo !== 0) proof.push(subtreeHash(lo, hi, cursor));
    return;
  }
  const k = largestPowerOfTwoBelow(hi - lo);
  if (m <= lo + k) {
    consistencyAssemble(lo, lo + k, m, cursor, proof);
    proof.push(subtreeHash(lo + k, hi, cursor));
  } else {
    const left = subtreeHash(lo, lo + k, cursor);
    consistencyAssemble(lo + k, hi, m, cursor, proof);
    proof.push(left);
  }
}

/** Stored hashes needed for the tree head (root) of a tree of `size` leaves. */
export function treeHashIndexes(size: number): number[] {
  const need: number[] = [];
  subtreeIndexes(0, size, need);
  return need;
}

/** Root of a `size`-leaf tree from the hashes listed by treeHashIndexes(size), in order. */
export function assembleTreeHash(size: number, hashes: readonly Uint8Array[]): Uint8Array {
  if (size === 0) return EMPTY_ROOT;
  return subtreeHash(0, size, { hashes, position: 0 });
}

/** Stored hashes needed for the inclusion proof of leaf `index` in a tree of `size` leaves. */
export function inclusionProofIndexes(index: number, size: number): number[] {
  if (!(index >= 0 && index < size)) throw new RangeError(`leaf index ${index} is not in a tree of size ${size}`);
  const need: number[] = [];
  inclusionIndexes(0, size, index, need);
  return need;
}

export function assembleInclusionProof(index: number, size: number, hashes: readonly Uint8Array[]): Uint8Array[] {
  const proof: Uint8Array[] = [];
  inclusionAssemble(0, size, index, { hashes, position: 0 }, proof);
  return proof;
}

/** Stored hashes needed for the consistency proof from size1 to size2 (0 < size1 ≤ size2). */
export function consistencyProofIndexes(size1: number, size2: number): number[] {
  if (!(size1 > 0 && size1 <= size2)) throw new RangeError(`no consistency proof from ${size1} to ${size2}`);
  const need: number[] = [];
  consistencyIndexes(0, size2, size1, need);
  return need;
}

export function assembleConsistencyProof(size1: number, size2: number, hashes: readonly Uint8Array[]): Uint8Array[] {
  const proof: Uint8Array[] = [];
  consistencyAssemble(0, size2, size1, { hashes, position: 0 }, proof);
  return proof;
}

/** Tree head of the first `size` leaves, with one readHashes call. */
export async function treeHash(size: Uint64Like, reader: HashReader): Promise<Uint8Array> {
  const n = toSafeCount(size, 'size');
  if (n === 0) return EMPTY_ROOT;
  return assembleTreeHash(n, await reader.readHashes(treeHashIndexes(n)));
}

/** RFC 9162 §2.1.3.1 inclusion proof (audit path), with one readHashes call of O(log n) indexes. */
export async function proveInclusion(index: Uint64Like, size: Uint64Like, reader: HashReader): Promise<Uint8Array[]> {
  const m = toSafeCount(index, 'index');
  const n = toSafeCount(size, 'size');
  const indexes = inclusionProofIndexes(m, n);
  return assembleInclusionProof(m, n, await reader.readHashes(indexes));
}

/** RFC 9162 §2.1.4.1 consistency proof, with one readHashes call of O(log n) indexes. */
export async function proveConsistency(size1: Uint64Like, size2: Uint64Like, reader: HashReader): Promise<Uint8Array[]> {
  const m = toSafeCount(size1, 'size1');
  const n = toSafeCount(size2, 'size2');
  if (m === n && m > 0) return [];
  const indexes = consistencyProofIndexes(m, n);
  return assembleConsistencyProof(m, n, await reader.readHashes(indexes));
}

// ---------------------------------------------------------------------------------------------
// Appending.

/**
 * Stored hashes of the old tree that appending `count` leaves to a tree of `oldSize` leaves needs:
 * the left siblings of the subtrees the new leaves complete that lie in the old tree (at most
 * one per level, i.e. O(log n)). Sorted ascending.
 */
export function appendIndexesNeeded(oldSize: number, count: number): number[] {
  const oldCount = storedHashCount(oldSize);
  const needed = new Set<number>();
  for (let n = oldSize; n < oldSize + count; n++) {
    const completed = trailingZeros(n + 1);
    for (let level = 0; level < completed; level++) {
      const sibling = storedHashIndex(level, shiftRight(n, level) - 1);
      if (sibling < oldCount) needed.add(sibling);
    }
  }
  return [...needed].sort((a, b) => a - b);
}

/** The new stored hashes written by an append, concatenated (32 bytes each), starting at `firstIndex`. */
export interface AppendResult {
  oldSize: number;
  newSize: number;
  /** storedHashCount(oldSize): stored-hash index of the first new hash. */
  firstIndex: number;
  /** (storedHashCount(newSize) − firstIndex) × 32 bytes. */
  hashes: Uint8Array;
}

/**
 * Compute the stored hashes for appending `leafHashes` to a tree of `oldSize` leaves, given the
 * old hashes listed by appendIndexesNeeded(oldSize, leafHashes.length) in that order.
 * Pure and synchronous; the persistence layer writes `hashes` starting at `firstIndex`.
 */
export function computeAppend(
  oldSize: number,
  leafHashes: readonly Uint8Array[],
  neededOldHashes: readonly Uint8Array[],
): AppendResult {
  const neededIndexes = appendIndexesNeeded(oldSize, leafHashes.length);
  if (neededOldHashes.length !== neededIndexes.length) throw new Error('computeAppend: wrong number of old hashes');
  const oldByIndex = new Map<number, Uint8Array>();
  neededIndexes.forEach((index, i) => oldByIndex.set(index, neededOldHashes[i]!));
  const firstIndex = storedHashCount(oldSize);
  const newSize = oldSize + leafHashes.length;
  const out = new Uint8Array((storedHashCount(newSize) - firstIndex) * HASH_SIZE);
  const read = (index: number): Uint8Array => {
    if (index >= firstIndex) {
      const offset = (index - firstIndex) * HASH_SIZE;
      return out.subarray(offset, offset + HASH_SIZE);
    }
    const hash = oldByIndex.get(index);
    if (!hash) throw new Error(`computeAppend: missing old hash ${index}`);
    return hash;
  };
  appendInto(oldSize, leafHashes, read, out, 0);
  return { oldSize, newSize, firstIndex, hashes: out };
}

/**
 * Core of append: writes, for each new leaf, its leaf hash and the hashes of the subtrees it
 * completes into `out` starting at byte `outOffset`. `read` returns any earlier stored hash
 * (including ones written by this call). Returns the byte offset after the last hash written.
 */
export function appendInto(
  oldSize: number,
  leafHashes: readonly Uint8Array[],
  read: (storedIndex: number) => Uint8Array,
  out: Uint8Array,
  outOffset: number,
): number {
  let offset = outOffset;
  for (let i = 0; i < leafHashes.length; i++) {
    const n = oldSize + i;
    const leaf = leafHashes[i]!;
    if (leaf.length !== HASH_SIZE) throw new RangeError('leaf hashes must be 32 bytes');
    out.set(leaf, offset);
    let current = out.subarray(offset, offset + HASH_SIZE);
    offset += HASH_SIZE;
    // Each trailing 1-bit of n completes a subtree: combine with its left sibling.
    const completed = trailingZeros(n + 1);
    for (let level = 0; level < completed; level++) {
      const left = read(storedHashIndex(level, shiftRight(n, level) - 1));
      out.set(nodeHash(left, current), offset);
      current = out.subarray(offset, offset + HASH_SIZE);
      offset += HASH_SIZE;
    }
  }
  return offset;
}

/** Append with one readHashes call for the old hashes needed. */
export async function appendLeafHashes(
  oldSize: Uint64Like,
  leafHashes: readonly Uint8Array[],
  reader: HashReader,
): Promise<AppendResult> {
  const n = toSafeCount(oldSize, 'oldSize');
  const needed = appendIndexesNeeded(n, leafHashes.length);
  const old = needed.length > 0 ? await reader.readHashes(needed) : [];
  return computeAppend(n, leafHashes, old);
}

// ---------------------------------------------------------------------------------------------

/**
 * All stored hashes of a log in one growable buffer: a HashReader for tests, benchmarks and
 * small logs. 10 M leaves need ~20 M hashes = ~640 MB.
 */
export class MemoryHashStore implements HashReader {
  private buffer: Uint8Array;
  private hashCount = 0;
  private leafCount = 0;

  constructor(expectedLeaves = 1024) {
    this.buffer = new Uint8Array(Math.max(1, storedHashCount(expectedLeaves) + 64) * HASH_SIZE);
  }

  get size(): number {
    return this.leafCount;
  }

  get storedHashes(): number {
    return this.hashCount;
  }

  /** Bytes of hash storage in use. */
  get storedBytes(): number {
    return this.hashCount * HASH_SIZE;
  }

  /** A view into the store: do not modify it. */
  hashAt(index: number): Uint8Array {
    if (!(index >= 0 && index < this.hashCount)) throw new RangeError(`stored hash ${index} not present`);
    return this.buffer.subarray(index * HASH_SIZE, (index + 1) * HASH_SIZE);
  }

  /** Copies, so callers cannot corrupt the store. */
  async readHashes(indexes: readonly number[]): Promise<Uint8Array[]> {
    return indexes.map((index) => new Uint8Array(this.hashAt(index)));
  }

  /** Views into the store (no copying, for hot paths): do not modify them. */
  readHashesSync(indexes: readonly number[]): Uint8Array[] {
    return indexes.map((index) => this.hashAt(index));
  }

  /** Append leaf hashes; returns the new tree size. */
  appendLeafHashes(leafHashes: readonly Uint8Array[]): number {
    const newSize = this.leafCount + leafHashes.length;
    const needed = storedHashCount(newSize) * HASH_SIZE;
    if (needed > this.buffer.length) {
      const grown = new Uint8Array(Math.max(needed, Math.floor(this.buffer.length * 1.5)));
      grown.set(this.buffer.subarray(0, this.hashCount * HASH_SIZE));
      this.buffer = grown;
    }
    // Reads may hit hashes written earlier in this same call, so read the buffer directly.
    const buffer = this.buffer;
    const read = (i: number): Uint8Array => buffer.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE);
    const end = appendInto(this.leafCount, leafHashes, read, buffer, this.hashCount * HASH_SIZE);
    this.hashCount = end / HASH_SIZE;
    this.leafCount = newSize;
    return newSize;
  }

  /** Write hashes computed elsewhere (e.g. by computeAppend), checking they continue the store. */
  applyAppend(result: AppendResult): void {
    if (result.oldSize !== this.leafCount || result.firstIndex !== this.hashCount) throw new Error('append does not continue this store');
    const end = (this.hashCount * HASH_SIZE) + result.hashes.length;
    if (end > this.buffer.length) {
      const grown = new Uint8Array(Math.max(end, Math.floor(this.buffer.length * 1.5)));
      grown.set(this.buffer.subarray(0, this.hashCount * HASH_SIZE));
      this.buffer = grown;
    }
    this.buffer.set(result.hashes, this.hashCount * HASH_SIZE);
    this.hashCount = end / HASH_SIZE;
    this.leafCount = result.newSize;
  }

  treeHashSync(size = this.leafCount): Uint8Array {
    return size === 0 ? EMPTY_ROOT : assembleTreeHash(size, this.readHashesSync(treeHashIndexes(size)));
  }

  proveInclusionSync(index: number, size = this.leafCount): Uint8Array[] {
    return assembleInclusionProof(index, size, this.readHashesSync(inclusionProofIndexes(index, size)));
  }

  proveConsistencySync(size1: number, size2 = this.leafCount): Uint8Array[] {
    if (size1 === size2) return [];
    return assembleConsistencyProof(size1, size2, this.readHashesSync(consistencyProofIndexes(size1, size2)));
  }
}
