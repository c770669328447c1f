// RFC 6962 / RFC 9162 §2.1 hashing with SHA-256.
// Leaf: SHA-256(0x00 || entry); interior node: SHA-256(0x01 || left || right);
// empty tree: SHA-256("") (not the leaf hash of an empty entry).
import * as crypto from 'node:crypto';

export const HASH_SIZE = 32;

/** One-shot SHA-256; `crypto.hash` (Node >= 20.12) avoids a Hash object per call. */
const sha256: (data: Uint8Array) => Buffer =
  typeof (crypto as { hash?: unknown }).hash === 'function'
    ? (data) => crypto.hash('sha256', data, 'buffer') as unknown as Buffer
    : (data) => crypto.createHash('sha256').update(data).digest();

export function sha256Bytes(data: Uint8Array): Uint8Array {
  return sha256(data);
}

/** MTH({}) = SHA-256 of the empty string. */
export const EMPTY_ROOT: Uint8Array = sha256(new Uint8Array(0));

/** Leaf hash: SHA-256(0x00 || entry). The entry is hashed as raw bytes, no length prefix. */
export function leafHash(entry: Uint8Array): Uint8Array {
  const input = new Uint8Array(entry.length + 1); // input[0] = 0x00
  input.set(entry, 1);
  return sha256(input);
}

// Interior node hashing is the hot path; one scratch buffer is reused so each call allocates
// only the 32-byte digest.
const nodeInput = new Uint8Array(1 + 2 * HASH_SIZE);
nodeInput[0] = 0x01;

/** Interior node hash: SHA-256(0x01 || left || right). Both children must be 32 bytes. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE) {
    throw new RangeError('nodeHash: child hashes must be 32 bytes');
  }
  nodeInput.set(left, 1);
  nodeInput.set(right, 1 + HASH_SIZE);
  return sha256(nodeInput);
}

/** Node hash of two children that sit in one buffer, written into `out` at `outOffset` (no allocation but the digest). */
export function nodeHashInto(
  source: Uint8Array,
  leftOffset: number,
  rightOffset: number,
  out: Uint8Array,
  outOffset: number,
): void {
  nodeInput.set(source.subarray(leftOffset, leftOffset + HASH_SIZE), 1);
  nodeInput.set(source.subarray(rightOffset, rightOffset + HASH_SIZE), 1 + HASH_SIZE);
  out.set(sha256(nodeInput), outOffset);
}

/** Constant-length byte comparison (timing is irrelevant for public hashes; this is just exact equality). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
