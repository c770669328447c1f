// An independent verifier, written only from the text of RFC 6962 §2.1 / RFC 9162 §2.1 and the
// C2SP signed-note and tlog-checkpoint specifications. It deliberately shares no code with
// src/engines/merkle (no imports from src/) and uses different algorithms: proofs are checked by
// recursing over the RFC's own recursive definitions of MTH, PATH and SUBPROOF instead of the
// iterative bit-twiddling verifiers of RFC 9162 §2.1.3.2 / §2.1.4.2. It is slow and simple on purpose.
import { createHash, createPublicKey, verify as cryptoVerify } from 'node:crypto';

type Bytes = Buffer;

const sha256 = (...parts: Bytes[]): Bytes => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

/** RFC 6962 §2.1: MTH({d(0)}) = SHA-256(0x00 || d(0)). */
export const leafHashOf = (entry: Bytes): Bytes => sha256(Buffer.from([0x00]), entry);
/** RFC 6962 §2.1: SHA-256(0x01 || MTH(left) || MTH(right)). */
const interior = (left: Bytes, right: Bytes): Bytes => sha256(Buffer.from([0x01]), left, right);

/** "k is the largest power of two smaller than n" (n > 1). */
function splitPoint(n: bigint): bigint {
  let k = 1n;
  while (k * 2n < n) k *= 2n;
  return k;
}

/** MTH(D[n]) straight from the recursive definition; the input is the list of leaf hashes. */
export function merkleTreeHash(leafHashes: Bytes[]): Bytes {
  if (leafHashes.length === 0) return sha256();
  if (leafHashes.length === 1) return leafHashes[0]!;
  const k = Number(splitPoint(BigInt(leafHashes.length)));
  return interior(merkleTreeHash(leafHashes.slice(0, k)), merkleTreeHash(leafHashes.slice(k)));
}

class Reject extends Error {}

/**
 * PATH(m, D[n]) is "PATH(m, D[0:k]) : MTH(D[k:n])" or "PATH(m−k, D[k:n]) : MTH(D[0:k])", so the last
 * element of a path is the sibling at the top. Peel it off and recurse: returns MTH(D[n]) implied
 * by the proof, consuming the path from the end.
 */
function rootFromPath(m: bigint, n: bigint, leaf: Bytes, path: Bytes[]): Bytes {
  if (n === 1n) {
    if (path.length !== 0) throw new Reject('path too long');
    return leaf;
  }
  if (path.length === 0) throw new Reject('path too short');
  const k = splitPoint(n);
  const top = path[path.length - 1]!;
  const rest = path.slice(0, -1);
  return m < k ? interior(rootFromPath(m, k, leaf, rest), top) : interior(top, rootFromPath(m - k, n - k, leaf, rest));
}

export function checkInclusion(index: bigint, size: bigint, leaf: Bytes, path: Bytes[], root: Bytes): boolean {
  if (index < 0n || index >= size) return false;
  if (leaf.length !== 32 || root.length !== 32 || path.some((p) => p.length !== 32)) return false;
  try {
    return rootFromPath(index, size, leaf, path).equals(root);
  } catch (e) {
    if (e instanceof Reject) return false;
    throw e;
  }
}

/**
 * SUBPROOF(m, D[n], b), read backwards: returns the pair (MTH(D[0:m]) within this subtree, MTH(D[n])).
 * With b = true and m = n the proof is empty and the old root itself stands in (it is known).
 */
function rootsFromSubproof(m: bigint, n: bigint, b: boolean, proof: Bytes[], oldRoot: Bytes): [Bytes, Bytes] {
  if (m === n) {
    if (b) {
      if (proof.length !== 0) throw new Reject('proof too long');
      return [oldRoot, oldRoot];
    }
    if (proof.length !== 1) throw new Reject('proof has the wrong length');
    return [proof[0]!, proof[0]!];
  }
  if (proof.length === 0) throw new Reject('proof too short');
  const k = splitPoint(n);
  const top = proof[proof.length - 1]!;
  const rest = proof.slice(0, -1);
  if (m <= k) {
    // top = MTH(D[k:n]): the new part only.
    const [oldPart, newPart] = rootsFromSubproof(m, k, b, rest, oldRoot);
    return [oldPart, interior(newPart, top)];
  }
  // top = MTH(D[0:k]): shared by the old and the new tree.
  const [oldPart, newPart] = rootsFromSubproof(m - k, n - k, false, rest, oldRoot);
  return [interior(top, oldPart), interior(top, newPart)];
}

export function checkConsistency(size1: bigint, size2: bigint, proof: Bytes[], root1: Bytes, root2: Bytes): boolean {
  if (size1 <= 0n || size1 > size2) return false; // proofs are defined for 0 < m ≤ n
  if (root1.length !== 32 || root2.length !== 32 || proof.some((p) => p.length !== 32)) return false;
  try {
    const [oldRoot, newRoot] = rootsFromSubproof(size1, size2, true, proof, root1);
    return oldRoot.equals(root1) && newRoot.equals(root2);
  } catch (e) {
    if (e instanceof Reject) return false;
    throw e;
  }
}

// --- C2SP signed-note (Ed25519 only) and tlog-checkpoint -------------------------------------

function strictBase64(text: string): Bytes | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
  const out = Buffer.from(text, 'base64');
  return out.toString('base64') === text ? out : undefined;
}

export interface Ed25519VerifierKey {
  name: string;
  keyIdHex: string;
  publicKey: Bytes;
}

/** "<name>+<hex key ID>+<base64(0x01 || key)>"; key ID = SHA-256(name || "\n" || 0x01 || key)[:4]. */
export function readVerifierKey(vkey: string): Ed25519VerifierKey {
  const [name, keyIdHex] = vkey.split('+', 2) as [string, string];
  const encoded = vkey.slice(name.length + 1 + keyIdHex.length + 1);
  const key = strictBase64(encoded);
  if (!name || !/^[0-9a-f]{8}$/.test(keyIdHex) || !key || key.length !== 33 || key[0] !== 0x01) throw new Error('bad vkey');
  const expectedId = sha256(Buffer.from(name, 'utf8'), Buffer.from([0x0a]), key).subarray(0, 4).toString('hex');
  if (expectedId !== keyIdHex) throw new Error('vkey id mismatch');
  return { name, keyIdHex, publicKey: key.subarray(1) };
}

export interface CheckedCheckpoint {
  origin: string;
  size: bigint;
  root: Bytes;
}

/**
 * Accepts a signed checkpoint only if a signature line by `key` (matched by name and key ID)
 * verifies over the text, and the text is origin / size / base64 32-byte root (+ extensions).
 */
export function checkSignedCheckpoint(note: string, key: Ed25519VerifierKey): CheckedCheckpoint | undefined {
  const separator = note.lastIndexOf('\n\n');
  if (separator < 0 || !note.endsWith('\n')) return undefined;
  const text = note.slice(0, separator + 1);
  const signatureLines = note.slice(separator + 2, -1).split('\n');
  const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), key.publicKey]);
  const publicKey = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  let signed = false;
  for (const line of signatureLines) {
    const match = /^\u2014 (\S+) (\S+)$/u.exec(line);
    if (!match) return undefined;
    if (match[1] !== key.name) continue;
    const blob = strictBase64(match[2]!);
    if (!blob || blob.length !== 68 || blob.subarray(0, 4).toString('hex') !== key.keyIdHex) continue;
    if (!cryptoVerify(null, Buffer.from(text, 'utf8'), publicKey, blob.subarray(4))) return undefined;
    signed = true;
  }
  if (!signed) return undefined;
  const lines = text.split('\n');
  lines.pop(); // text ends with "\n"
  if (lines.length < 3 || lines.slice(3).some((l) => l === '')) return undefined;
  const [origin, sizeText, rootText] = lines as [string, string, string];
  const root = strictBase64(rootText);
  if (!origin || !/^(0|[1-9][0-9]*)$/.test(sizeText) || !root || root.length !== 32) return undefined;
  return { origin, size: BigInt(sizeText), root };
}
