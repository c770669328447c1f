// c2sp.org/tlog-proof@v1 (unversioned draft): a self-contained offline inclusion proof, e.g. for a
// QR code on a product or document.
//   c2sp.org/tlog-proof@v1
//   [extra <base64 opaque data>]
//   index <0-based leaf index>
//   <base64 proof hash>*        leaf sibling first
//   <empty line>
//   <signed checkpoint, verbatim>
import { HASH_SIZE } from './hash.ts';
import { decodeBase64Strict, encodeBase64, parseUint64Decimal } from './encoding.ts';
import { openCheckpoint, type OpenedCheckpoint } from './checkpoint.ts';
import type { NoteVerifier } from './note.ts';
import { verifyInclusion } from './verify.ts';

export const TLOG_PROOF_HEADER = 'c2sp.org/tlog-proof@v1';

export interface TlogProof {
  extra?: Uint8Array;
  index: bigint;
  proof: Uint8Array[];
  /** The signed checkpoint note, verbatim. */
  checkpointNote: string;
}

export function formatTlogProof(p: TlogProof): string {
  const lines = [TLOG_PROOF_HEADER];
  if (p.extra !== undefined) lines.push(`extra ${encodeBase64(p.extra)}`);
  lines.push(`index ${BigInt(p.index)}`);
  for (const h of p.proof) {
    if (h.length !== HASH_SIZE) throw new RangeError('proof hashes must be 32 bytes');
    lines.push(encodeBase64(h));
  }
  return `${lines.join('\n')}\n\n${p.checkpointNote}`;
}

export function parseTlogProof(text: string): TlogProof {
  const bad = (why: string): never => {
    throw new SyntaxError(`malformed tlog-proof: ${why}`);
  };
  const split = text.indexOf('\n\n');
  if (split < 0) bad('no blank line before the checkpoint');
  const lines = text.slice(0, split).split('\n');
  const checkpointNote = text.slice(split + 2);
  if (lines[0] !== TLOG_PROOF_HEADER) bad('missing header line');
  let i = 1;
  let extra: Uint8Array | undefined;
  if (lines[i]?.startsWith('extra ')) {
    extra = decodeBase64Strict(lines[i]!.slice('extra '.length)) ?? bad('extra is not base64');
    i++;
  }
  const indexLine = lines[i] ?? bad('missing index line');
  if (!indexLine.startsWith('index ')) bad('missing index line');
  const index = parseUint64Decimal(indexLine.slice('index '.length)) ?? bad('bad index');
  const proof = lines.slice(i + 1).map((line) => {
    const h = decodeBase64Strict(line);
    return h && h.length === HASH_SIZE ? h : bad('proof line is not a base64 32-byte hash');
  });
  return { ...(extra ? { extra } : {}), index, proof, checkpointNote };
}

/**
 * Verify a tlog-proof offline: checkpoint signed by the log (and any witnesses given), origin as
 * expected, and the leaf hash included at `index` under the checkpoint's root.
 * Witness policy (k of n) is the caller's: see `witnesses` in the result.
 */
export function verifyTlogProof(
  text: string,
  leafHash: Uint8Array,
  logVerifier: NoteVerifier,
  options: { witnesses?: readonly NoteVerifier[]; expectedOrigin?: string } = {},
): OpenedCheckpoint & { proof: TlogProof } {
  const proof = parseTlogProof(text);
  const opened = openCheckpoint(proof.checkpointNote, logVerifier, options);
  const result = verifyInclusion(proof.index, opened.checkpoint.treeSize, leafHash, proof.proof, opened.checkpoint.rootHash);
  if (!result.ok) throw new Error(`tlog-proof inclusion check failed: ${result.reason}`);
  return { ...opened, proof };
}
