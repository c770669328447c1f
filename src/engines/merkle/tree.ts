// Merkle Tree Hash of a list of leaf hashes held in memory (RFC 9162 §2.1.1), level by level.
// Level-by-level with an unpaired last node promoted unchanged equals the recursive definition
// with k = largest power of two < n; the unpaired node is never duplicated.
import { EMPTY_ROOT, HASH_SIZE, nodeHash } from './hash.ts';

export function rootFromLeafHashes(leafHashes: readonly Uint8Array[]): Uint8Array {
  if (leafHashes.length === 0) return EMPTY_ROOT;
  let level: Uint8Array[] = leafHashes.map((h) => {
    if (h.length !== HASH_SIZE) throw new RangeError('leaf hashes must be 32 bytes');
    return h;
  });
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(nodeHash(level[i]!, level[i + 1]!));
    if (level.length % 2 === 1) next.push(level[level.length - 1]!);
    level = next;
  }
  return level[0]!;
}
