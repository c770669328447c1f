// C2SP tlog-checkpoint v1.0.0: the signed-note text of a log's tree head.
//   <origin>\n          non-empty; SHOULD be the log's URL without scheme
//   <tree size>\n       decimal uint64, no leading zeros
//   <root hash>\n       standard padded base64 of the 32-byte RFC 6962 root
//   [<extension>\n]*    optional, each non-empty (NOT RECOMMENDED)
// Parsing is strict (the Go parsers are lenient about root length and empty origins).
import { HASH_SIZE } from './hash.ts';
import { decodeBase64Strict, encodeBase64, parseUint64Decimal } from './encoding.ts';
import { NoteError, openNote, signNote, type NoteSigner, type NoteVerifier, type OpenedNote } from './note.ts';

export interface Checkpoint {
  origin: string;
  /** uint64 tree size. */
  treeSize: bigint;
  /** 32-byte RFC 6962 root hash. */
  rootHash: Uint8Array;
  /** Extension lines without their newline (usually none). */
  extensions: string[];
}

export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}

/** Parse a checkpoint body (the note text). Throws CheckpointError saying what is wrong. */
export function parseCheckpointBody(body: string): Checkpoint {
  if (!body.endsWith('\n')) throw new CheckpointError('checkpoint body must end with a newline');
  const lines = body.slice(0, -1).split('\n');
  if (lines.length < 3) throw new CheckpointError('checkpoint has fewer than three lines');
  const [origin, sizeLine, rootLine, ...extensions] = lines as [string, string, string, ...string[]];
  if (origin.length === 0) throw new CheckpointError('origin line must be non-empty');
  if (/[\u0000-\u001f]/.test(origin)) throw new CheckpointError('origin contains a control character');
  const treeSize = parseUint64Decimal(sizeLine);
  if (treeSize === undefined) throw new CheckpointError('tree size must be a decimal uint64 without leading zeros');
  const rootHash = decodeBase64Strict(rootLine);
  if (!rootHash) throw new CheckpointError('root hash is not standard base64');
  if (rootHash.length !== HASH_SIZE) throw new CheckpointError(`root hash is ${rootHash.length} bytes, not 32`);
  for (const line of extensions) {
    if (line.length === 0) throw new CheckpointError('extension lines must be non-empty');
    if (/[\u0000-\u001f]/.test(line)) throw new CheckpointError('extension line contains a control character');
  }
  return { origin, treeSize, rootHash, extensions };
}

/** Format a checkpoint body; validates like parseCheckpointBody. */
export function formatCheckpointBody(checkpoint: Checkpoint): string {
  const size = BigInt(checkpoint.treeSize);
  const body =
    `${checkpoint.origin}\n${size}\n${encodeBase64(checkpoint.rootHash)}\n` +
    checkpoint.extensions.map((line) => `${line}\n`).join('');
  parseCheckpointBody(body); // same rules both ways
  return body;
}

/** A checkpoint note signed by the log (and optionally further signers). */
export function signCheckpoint(checkpoint: Checkpoint, signers: readonly NoteSigner[]): string {
  return signNote(formatCheckpointBody(checkpoint), signers);
}

export interface OpenedCheckpoint {
  checkpoint: Checkpoint;
  note: OpenedNote;
  /** Names of the witnesses whose cosignatures verified. */
  witnesses: string[];
}

/**
 * Verify a signed checkpoint: it must carry a valid signature from `logVerifier`; signatures from
 * `witnesses` are verified too (a bad one rejects the note); unknown signatures are ignored.
 * `expectedOrigin`, when given, must equal the origin line.
 */
export function openCheckpoint(
  note: string | Uint8Array,
  logVerifier: NoteVerifier,
  options: { witnesses?: readonly NoteVerifier[]; expectedOrigin?: string } = {},
): OpenedCheckpoint {
  const witnesses = options.witnesses ?? [];
  const opened = openNote(note, [logVerifier, ...witnesses]);
  const logSigned = opened.verified.some((s) => s.name === logVerifier.name && s.keyId === logVerifier.keyId);
  if (!logSigned) throw new NoteError('no-verifiable-signatures', `checkpoint is not signed by ${logVerifier.name}`);
  const checkpoint = parseCheckpointBody(opened.text);
  if (options.expectedOrigin !== undefined && checkpoint.origin !== options.expectedOrigin) {
    throw new CheckpointError(`unexpected origin "${checkpoint.origin}"`);
  }
  const witnessNames = opened.verified
    .filter((s) => witnesses.some((w) => w.name === s.name && w.keyId === s.keyId))
    .map((s) => s.name);
  return { checkpoint, note: opened, witnesses: witnessNames };
}
