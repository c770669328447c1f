import {
  decodeBase64Strict,
  leafHash,
  openCheckpoint,
  parseTlogProof,
  parseVerifierKey,
  toHex,
  verifyConsistency,
  verifyInclusion,
  type Checkpoint,
  type NoteVerifier,
  type TlogProof,
} from '../../engines/merkle/index.ts';
import { canonicalJson, parseEntry, sha256HexOf, type TraceEntry } from './record.ts';

/**
 * Offline verification of a traceability record: no server, only the proof bundle, the log's
 * verifier key and (optionally) the record, the document and a newer checkpoint. Every check is
 * reported as a step, so a failure says exactly what did not hold.
 */
export interface VerifyInput {
  /** c2sp.org/tlog-proof@v1 text; its `extra` carries the record's leaf bytes. */
  bundle: string;
  /** The log's verifier key (name+keyid+base64), from /.well-known/tradelane-log-key. */
  verifierKey: string;
  /** The record (leaf bytes, canonical JSON), when kept apart from the bundle. */
  record?: string;
  /** The document whose SHA-256 the record logs (bytes, or text). */
  document?: Uint8Array | string;
  /** Another signed checkpoint (e.g. the latest) the bundle's checkpoint must be consistent with. */
  checkpoint?: string;
  /** Consistency proof (base64 hashes) from the bundle's tree size to `checkpoint`'s. */
  consistency?: string[];
}

export interface VerifyStep {
  check: string;
  ok: boolean;
  detail: string;
}

export interface VerifyResult {
  ok: boolean;
  steps: VerifyStep[];
  record?: TraceEntry;
  leafIndex?: number;
  treeSize?: number;
}

const utf8 = new TextEncoder();

export function verifyOffline(input: VerifyInput): VerifyResult {
  const steps: VerifyStep[] = [];
  const done = (extra: Partial<VerifyResult> = {}): VerifyResult => ({ ok: steps.every((s) => s.ok), steps, ...extra });
  const step = (check: string, ok: boolean, detail: string) => { steps.push({ check, ok, detail }); return ok; };

  let verifier: NoteVerifier;
  try {
    verifier = parseVerifierKey(input.verifierKey.trim());
    step('verifier key', true, `key ${verifier.name} (id ${verifier.keyId.toString(16).padStart(8, '0')})`);
  } catch (err: any) {
    step('verifier key', false, `the verifier key is not valid: ${err.message}`);
    return done();
  }

  let proof: TlogProof;
  try {
    proof = parseTlogProof(input.bundle.replace(/\r\n/g, '\n'));
    step('proof bundle', true, `tlog-proof for leaf ${proof.index} with ${proof.proof.length} hashes`);
  } catch (err: any) {
    step('proof bundle', false, err.message);
    return done();
  }

  let checkpoint: Checkpoint;
  try {
    checkpoint = openCheckpoint(proof.checkpointNote, verifier, { expectedOrigin: verifier.name }).checkpoint;
    step('checkpoint signature', true, `signed by ${verifier.name}: tree size ${checkpoint.treeSize}, root ${toHex(checkpoint.rootHash)}`);
  } catch (err: any) {
    step('checkpoint signature', false, `the bundle's checkpoint is not signed by this log key: ${err.message}`);
    return done();
  }

  const fromBundle = proof.extra ? new TextDecoder().decode(proof.extra) : undefined;
  const entryText = input.record?.trim() ?? fromBundle;
  if (entryText === undefined) {
    step('record', false, 'no record given and the bundle carries none');
    return done();
  }
  if (input.record !== undefined && fromBundle !== undefined && fromBundle !== input.record.trim()) {
    step('record', false, 'the record given differs from the record inside the bundle');
    return done();
  }
  let record: TraceEntry;
  try {
    record = parseEntry(entryText);
    step('record', true, `${record.id}: ${record.type} of ${record.subject} at ${record.at}`);
  } catch (err: any) {
    step('record', false, err.message);
    return done();
  }

  if (input.document !== undefined) {
    const bytes = typeof input.document === 'string' ? utf8.encode(input.document) : input.document;
    let hash = sha256HexOf(bytes);
    if (hash !== record.content_sha256) {
      // A structured document is logged as the hash of its canonical JSON.
      try {
        hash = sha256HexOf(canonicalJson(JSON.parse(new TextDecoder().decode(bytes))));
      } catch { /* not JSON: keep the byte hash */ }
    }
    step('document hash', hash === record.content_sha256,
      hash === record.content_sha256 ? `SHA-256 ${hash} matches the record` : `the document's SHA-256 ${sha256HexOf(bytes)} is not the logged ${record.content_sha256}: the document was changed or is another one`);
  }

  const leaf = leafHash(utf8.encode(entryText));
  const inclusion = verifyInclusion(proof.index, checkpoint.treeSize, leaf, proof.proof, checkpoint.rootHash);
  step('inclusion proof', inclusion.ok,
    inclusion.ok ? `leaf ${proof.index} (hash ${toHex(leaf)}) is in the tree of ${checkpoint.treeSize} leaves` : `leaf ${proof.index} is not proven in the tree of ${checkpoint.treeSize}: ${inclusion.reason} (the record, the proof or the checkpoint was altered)`);

  if (input.checkpoint !== undefined) {
    try {
      const other = openCheckpoint(input.checkpoint.replace(/\r\n/g, '\n'), verifier, { expectedOrigin: verifier.name }).checkpoint;
      step('given checkpoint signature', true, `tree size ${other.treeSize}`);
      if (other.treeSize === checkpoint.treeSize) {
        const same = toHex(other.rootHash) === toHex(checkpoint.rootHash);
        step('checkpoint consistency', same, same ? 'same tree size and root' : 'two signed checkpoints of the same size with different roots: the log forked');
      } else if (other.treeSize < checkpoint.treeSize) {
        step('checkpoint consistency', false, `the given checkpoint (size ${other.treeSize}) is older than the bundle's (size ${checkpoint.treeSize}); give the newer one`);
      } else if (!input.consistency) {
        step('checkpoint consistency', false, `the given checkpoint has size ${other.treeSize}, the bundle's ${checkpoint.treeSize}: a consistency proof between them is needed`);
      } else {
        const hashes = input.consistency.map((h) => decodeBase64Strict(h.trim()));
        if (hashes.some((h) => !h || h.length !== 32)) step('checkpoint consistency', false, 'the consistency proof has a hash that is not base64 of 32 bytes');
        else {
          const r = verifyConsistency(checkpoint.treeSize, other.treeSize, hashes as Uint8Array[], checkpoint.rootHash, other.rootHash);
          step('checkpoint consistency', r.ok, r.ok ? `tree ${checkpoint.treeSize} is a prefix of tree ${other.treeSize}` : `not consistent: ${r.reason}`);
        }
      }
    } catch (err: any) {
      step('given checkpoint signature', false, err.message);
    }
  }
  return done({ record, leafIndex: Number(proof.index), treeSize: Number(checkpoint.treeSize) });
}
