// Proof verification exactly as RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency).
// Index arithmetic is done in BigInt so uint64 inputs (e.g. 2^64 − 1 underflow probes) are exact.
import { HASH_SIZE, bytesEqual, nodeHash } from './hash.ts';

export type VerifyResult = { ok: true } | { ok: false; reason: string };

/** A size or index: a non-negative safe integer, or a bigint (uint64). */
export type Uint64Like = number | bigint;

const UINT64_MAX = 0xffff_ffff_ffff_ffffn;
const OK: VerifyResult = { ok: true };
const fail = (reason: string): VerifyResult => ({ ok: false, reason });

export function toUint64(value: Uint64Like, what: string): bigint {
  if (typeof value === 'bigint') {
    if (value < 0n || value > UINT64_MAX) throw new RangeError(`${what} is not a uint64: ${value}`);
    return value;
  }
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${what} is not a non-negative safe integer: ${value}`);
  return BigInt(value);
}

function tryUint64(value: Uint64Like): bigint | undefined {
  try {
    return toUint64(value, 'value');
  } catch {
    return undefined;
  }
}

const bitLength = (x: bigint): number => (x === 0n ? 0 : x.toString(2).length);
function popcount(x: bigint): number {
  let count = 0;
  for (; x > 0n; x >>= 1n) if (x & 1n) count++;
  return count;
}

/** Number of hashes in the inclusion proof of leaf `index` in a tree of `size` leaves (index < size). */
export function inclusionProofLength(index: Uint64Like, size: Uint64Like): number {
  const m = toUint64(index, 'index');
  const n = toUint64(size, 'size');
  if (m >= n) throw new RangeError('index must be < size');
  const inner = bitLength(m ^ (n - 1n));
  return inner + popcount(m >> BigInt(inner));
}

/**
 * Root implied by an inclusion proof (RFC 9162 §2.1.3.2 steps 1–3). Returns undefined when the
 * proof cannot be for (index, size): wrong length, index ≥ size, or a hash that is not 32 bytes.
 */
export function rootFromInclusionProof(
  index: Uint64Like,
  size: Uint64Like,
  leafHashValue: Uint8Array,
  proof: readonly Uint8Array[],
): Uint8Array | undefined {
  const m = tryUint64(index);
  const n = tryUint64(size);
  if (m === undefined || n === undefined || m >= n) return undefined;
  if (leafHashValue.length !== HASH_SIZE) return undefined;
  // Checking the length first rejects extra or missing elements before any hashing.
  if (proof.length !== inclusionProofLength(m, n)) return undefined;
  let fn = m;
  let sn = n - 1n;
  let r = leafHashValue;
  for (const p of proof) {
    if (p.length !== HASH_SIZE) return undefined;
    if (sn === 0n) return undefined;
    if ((fn & 1n) === 1n || fn === sn) {
      r = nodeHash(p, r);
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n ? r : undefined;
}

/** RFC 9162 §2.1.3.2: is `proof` an audit path for `leafHash` at `index` in the tree with `root` of `size` leaves? */
export function verifyInclusion(
  index: Uint64Like,
  size: Uint64Like,
  leafHashValue: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): VerifyResult {
  if (root.length !== HASH_SIZE) return fail('root is not a 32-byte hash');
  const m = tryUint64(index);
  const n = tryUint64(size);
  if (m === undefined || n === undefined) return fail('index or size is not a uint64');
  if (m >= n) return fail('index is not below tree size');
  const computed = rootFromInclusionProof(m, n, leafHashValue, proof);
  if (computed === undefined) return fail('proof has the wrong shape for this index and size');
  return bytesEqual(computed, root) ? OK : fail('computed root does not match');
}

const isPowerOfTwo = (x: bigint): boolean => x > 0n && (x & (x - 1n)) === 0n;

/**
 * RFC 9162 §2.1.4.2 consistency verification, with these documented edge-case policies
 * (the RFC defines proofs only for 0 < size1 < size2):
 *  - size1 = 0 is always rejected (as golang.org/x/mod CheckTree and transparency-dev/merkle HEAD):
 *    the empty tree is trivially a prefix, so such a "proof" proves nothing;
 *  - size1 = size2 is accepted only with an empty proof and root1 = root2;
 *  - every hash, including both roots, must be exactly 32 bytes.
 */
export function verifyConsistency(
  size1: Uint64Like,
  size2: Uint64Like,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): VerifyResult {
  const first = tryUint64(size1);
  const second = tryUint64(size2);
  if (first === undefined || second === undefined) return fail('sizes are not uint64');
  if (root1.length !== HASH_SIZE || root2.length !== HASH_SIZE) return fail('roots must be 32-byte hashes');
  if (first === 0n) return fail('size1 = 0: consistency with the empty tree is not proved (policy)');
  if (second < first) return fail('size2 < size1');
  if (first === second) {
    if (proof.length !== 0) return fail('sizes are equal but the proof is not empty');
    return bytesEqual(root1, root2) ? OK : fail('sizes are equal but roots differ');
  }
  // Step 1.
  if (proof.length === 0) return fail('empty proof');
  for (const p of proof) if (p.length !== HASH_SIZE) return fail('proof hash is not 32 bytes');
  // Step 2: a power-of-two old tree is a complete subtree; its root is the implicit first node.
  const path = isPowerOfTwo(first) ? [root1, ...proof] : proof;
  // Steps 3–4.
  let fn = first - 1n;
  let sn = second - 1n;
  while ((fn & 1n) === 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  // Step 5.
  let fr = path[0]!;
  let sr = path[0]!;
  // Step 6.
  for (let i = 1; i < path.length; i++) {
    const c = path[i]!;
    if (sn === 0n) return fail('proof is too long');
    if ((fn & 1n) === 1n || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  // Step 7.
  if (sn !== 0n) return fail('proof is too short');
  if (!bytesEqual(fr, root1)) return fail('first root does not match');
  if (!bytesEqual(sr, root2)) return fail('second root does not match');
  return OK;
}
