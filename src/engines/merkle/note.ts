// C2SP signed-note v1.0.0 (as implemented by golang.org/x/mod/sumdb/note), with Ed25519 keys
// (type 0x01), Ed25519 witness cosignatures (type 0x04, c2sp.org/tlog-cosignature) and
// verification of ECDSA P-256 keys (type 0x02, used by Sigstore and Android logs).
//
//   <text, one or more lines each ending in \n>
//   <empty line>
//   — <key name> <base64(4-byte key ID || signature)>\n     (one or more)
import * as crypto from 'node:crypto';
import { sha256Bytes } from './hash.ts';
import { decodeBase64Strict, encodeBase64 } from './encoding.ts';

export const SIGNATURE_TYPE_ED25519 = 0x01;
export const SIGNATURE_TYPE_ECDSA = 0x02;
export const SIGNATURE_TYPE_COSIGNATURE = 0x04;

/** x/mod refuses notes with more signatures than this; C2SP requires accepting at least 16. */
export const MAX_SIGNATURES = 100;

export type NoteErrorCode = 'malformed-note' | 'invalid-signature' | 'no-verifiable-signatures' | 'bad-key';

/** Errors carry the x/mod error text as message, and a stable code. */
export class NoteError extends Error {
  constructor(
    readonly code: NoteErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'NoteError';
  }
}

const malformed = (): NoteError => new NoteError('malformed-note', 'malformed note');
const badKey = (why: string): NoteError => new NoteError('bad-key', why);

export interface NoteVerifier {
  readonly name: string;
  /** Key ID as an unsigned 32-bit integer. */
  readonly keyId: number;
  readonly type: number;
  /** Verify `signature` (the signature bytes after the 4-byte key ID) over the note text bytes. */
  verify(text: Uint8Array, signature: Uint8Array): boolean;
}

export interface NoteSigner {
  readonly name: string;
  readonly keyId: number;
  readonly type: number;
  /** Signature bytes (without the key ID) over the note text bytes. */
  sign(text: Uint8Array): Uint8Array;
}

export interface NoteSignature {
  name: string;
  keyId: number;
  /** Signature bytes after the 4-byte key ID. */
  signature: Uint8Array;
}

export interface ParsedNote {
  text: string;
  signatures: NoteSignature[];
}

export interface OpenedNote {
  text: string;
  /** Signatures verified by a known key, in order of appearance (duplicates dropped). */
  verified: NoteSignature[];
  /** Signatures from unknown keys (ignored), in order of appearance (duplicates dropped). */
  unverified: NoteSignature[];
}

const textEncoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true });

/** A JS string that cannot be encoded as UTF-8 (contains an unpaired surrogate). */
const hasLoneSurrogate = (s: string): boolean => /\p{Cs}/u.test(s);

/** Key names: non-empty, valid UTF-8, no Unicode white space, no "+". */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+]/u.test(name) && !hasLoneSurrogate(name);
}

export function formatKeyId(keyId: number): string {
  return (keyId >>> 0).toString(16).padStart(8, '0');
}

/** Key ID of Ed25519-style keys: first 4 bytes (big-endian) of SHA-256(name || 0x0A || type || public key). */
export function computeKeyId(name: string, type: number, publicKey: Uint8Array): number {
  const nameBytes = textEncoder.encode(name);
  const input = new Uint8Array(nameBytes.length + 2 + publicKey.length);
  input.set(nameBytes, 0);
  input[nameBytes.length] = 0x0a;
  input[nameBytes.length + 1] = type;
  input.set(publicKey, nameBytes.length + 2);
  return readUint32(sha256Bytes(input), 0);
}

function readUint32(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>> 0;
}

// Ed25519 raw keys ↔ node:crypto KeyObjects via their fixed DER prefixes (RFC 8410).
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

function ed25519PublicKeyObject(publicKey: Uint8Array): crypto.KeyObject {
  return crypto.createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
}

function ed25519PrivateKeyObject(seed: Uint8Array): crypto.KeyObject {
  return crypto.createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

/** The 32-byte Ed25519 public key of a 32-byte seed (RFC 8032 private key). */
export function ed25519PublicKeyFromSeed(seed: Uint8Array): Uint8Array {
  if (seed.length !== 32) throw badKey('Ed25519 seed must be 32 bytes');
  const spki = crypto.createPublicKey(ed25519PrivateKeyObject(seed)).export({ format: 'der', type: 'spki' });
  return new Uint8Array(spki.subarray(ED25519_SPKI_PREFIX.length));
}

function ed25519Verify(key: crypto.KeyObject, message: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== 64) return false;
  return crypto.verify(null, message, key, signature);
}

// ---------------------------------------------------------------------------------------------
// Cosignatures (c2sp.org/tlog-cosignature v1): signature = uint64 BE timestamp || Ed25519 signature
// over "cosignature/v1\ntime <timestamp>\n" || checkpoint text.

export function cosignedMessage(checkpointText: Uint8Array | string, timestamp: bigint): Uint8Array {
  const body = typeof checkpointText === 'string' ? textEncoder.encode(checkpointText) : checkpointText;
  const header = textEncoder.encode(`cosignature/v1\ntime ${timestamp}\n`);
  const out = new Uint8Array(header.length + body.length);
  out.set(header, 0);
  out.set(body, header.length);
  return out;
}

/** Timestamp (seconds since the epoch) of a type-0x04 cosignature's signature bytes. */
export function cosignatureTimestamp(signature: Uint8Array): bigint {
  if (signature.length !== 72) throw new RangeError('a cosignature is 8 + 64 bytes');
  return Buffer.from(signature.buffer, signature.byteOffset, 8).readBigUInt64BE(0);
}

// ---------------------------------------------------------------------------------------------
// Verifier keys: <name>+<8 hex key ID>+<base64(type || key)>

/** Parse a verifier key; checks the name, the key ID and the key. Throws NoteError('bad-key'). */
export function parseVerifierKey(vkey: string): NoteVerifier {
  // base64 may contain "+": split on the first two only.
  const first = vkey.indexOf('+');
  const second = first < 0 ? -1 : vkey.indexOf('+', first + 1);
  if (first < 0 || second < 0) throw badKey('malformed verifier id');
  const name = vkey.slice(0, first);
  const idHex = vkey.slice(first + 1, second);
  const key = decodeBase64Strict(vkey.slice(second + 1));
  if (!isValidKeyName(name) || !/^[0-9a-f]{8}$/.test(idHex) || !key || key.length === 0) throw badKey('malformed verifier id');
  const keyId = Number.parseInt(idHex, 16);
  const type = key[0]!;
  const material = key.subarray(1);
  switch (type) {
    case SIGNATURE_TYPE_ED25519:
    case SIGNATURE_TYPE_COSIGNATURE: {
      if (computeKeyId(name, type, material) !== keyId) throw badKey('invalid verifier hash');
      if (material.length !== 32) throw badKey('invalid verifier algorithm');
      const publicKey = ed25519PublicKeyObject(material);
      if (type === SIGNATURE_TYPE_ED25519) {
        return { name, keyId, type, verify: (text, sig) => ed25519Verify(publicKey, text, sig) };
      }
      return {
        name,
        keyId,
        type,
        verify: (text, sig) => sig.length === 72 && ed25519Verify(publicKey, cosignedMessage(text, cosignatureTimestamp(sig)), sig.subarray(8)),
      };
    }
    case SIGNATURE_TYPE_ECDSA: {
      // Key = DER SubjectPublicKeyInfo; key ID = SHA-256(SPKI)[:4]; signature = DER ECDSA over SHA-256(text).
      if (readUint32(sha256Bytes(material), 0) !== keyId) throw badKey('invalid verifier hash');
      let publicKey: crypto.KeyObject;
      try {
        publicKey = crypto.createPublicKey({ key: Buffer.from(material), format: 'der', type: 'spki' });
      } catch {
        throw badKey('invalid verifier algorithm');
      }
      if (publicKey.asymmetricKeyType !== 'ec') throw badKey('invalid verifier algorithm');
      return {
        name,
        keyId,
        type,
        verify: (text, sig) => {
          try {
            return crypto.verify('sha256', text, { key: publicKey, dsaEncoding: 'der' }, sig);
          } catch {
            return false;
          }
        },
      };
    }
    default:
      throw badKey('invalid verifier algorithm');
  }
}

/** Verifier key string for an Ed25519 public key (type 0x01, or 0x04 for a witness cosigning key). */
export function formatVerifierKey(name: string, publicKey: Uint8Array, type = SIGNATURE_TYPE_ED25519): string {
  if (!isValidKeyName(name)) throw badKey('invalid key name');
  if (publicKey.length !== 32) throw badKey('Ed25519 public key must be 32 bytes');
  const key = new Uint8Array(33);
  key[0] = type;
  key.set(publicKey, 1);
  return `${name}+${formatKeyId(computeKeyId(name, type, publicKey))}+${encodeBase64(key)}`;
}

// ---------------------------------------------------------------------------------------------
// Signer keys (x/mod convention): PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 || 32-byte seed)>

export interface SignerKeyParts {
  name: string;
  keyId: number;
  seed: Uint8Array;
  publicKey: Uint8Array;
}

export function parseSignerKeyParts(skey: string): SignerKeyParts {
  const prefix = 'PRIVATE+KEY+';
  if (!skey.startsWith(prefix)) throw badKey('malformed signer key');
  const rest = skey.slice(prefix.length);
  const first = rest.indexOf('+');
  const second = first < 0 ? -1 : rest.indexOf('+', first + 1);
  if (first < 0 || second < 0) throw badKey('malformed signer key');
  const name = rest.slice(0, first);
  const idHex = rest.slice(first + 1, second);
  const key = decodeBase64Strict(rest.slice(second + 1));
  if (!isValidKeyName(name) || !/^[0-9a-f]{8}$/.test(idHex) || !key || key.length !== 33 || key[0] !== SIGNATURE_TYPE_ED25519) {
    throw badKey('malformed signer key');
  }
  const seed = key.slice(1);
  const publicKey = ed25519PublicKeyFromSeed(seed);
  const keyId = Number.parseInt(idHex, 16);
  if (computeKeyId(name, SIGNATURE_TYPE_ED25519, publicKey) !== keyId) throw badKey('invalid signer key hash');
  return { name, keyId, seed, publicKey };
}

export function formatSignerKey(name: string, seed: Uint8Array): string {
  if (!isValidKeyName(name)) throw badKey('invalid key name');
  const publicKey = ed25519PublicKeyFromSeed(seed);
  const key = new Uint8Array(33);
  key[0] = SIGNATURE_TYPE_ED25519;
  key.set(seed, 1);
  return `PRIVATE+KEY+${name}+${formatKeyId(computeKeyId(name, SIGNATURE_TYPE_ED25519, publicKey))}+${encodeBase64(key)}`;
}

/** An Ed25519 note signer from an x/mod-format signer key. */
export function parseSignerKey(skey: string): NoteSigner {
  const { name, keyId, seed } = parseSignerKeyParts(skey);
  const privateKey = ed25519PrivateKeyObject(seed);
  return { name, keyId, type: SIGNATURE_TYPE_ED25519, sign: (text) => new Uint8Array(crypto.sign(null, text, privateKey)) };
}

/** A fresh Ed25519 key pair: the signer key (keep secret) and the verifier key (publish). */
export function generateKey(name: string): { signerKey: string; verifierKey: string } {
  const seed = crypto.randomBytes(32);
  return { signerKey: formatSignerKey(name, seed), verifierKey: formatVerifierKey(name, ed25519PublicKeyFromSeed(seed)) };
}

/** The verifier key matching an x/mod signer key. */
export function verifierKeyForSignerKey(skey: string): string {
  const { name, publicKey } = parseSignerKeyParts(skey);
  return formatVerifierKey(name, publicKey);
}

/**
 * A witness cosigner (type 0x04) for one timestamp, from an Ed25519 seed. The cosigning key's ID
 * differs from the same key's type-0x01 ID because the type byte is part of the hash.
 */
export function createCosigner(name: string, seed: Uint8Array, timestamp: bigint | number): NoteSigner {
  const time = BigInt(timestamp);
  if (time < 0n || time > 0xffff_ffff_ffff_ffffn) throw new RangeError('timestamp must be a uint64');
  const privateKey = ed25519PrivateKeyObject(seed);
  const keyId = computeKeyId(name, SIGNATURE_TYPE_COSIGNATURE, ed25519PublicKeyFromSeed(seed));
  return {
    name,
    keyId,
    type: SIGNATURE_TYPE_COSIGNATURE,
    sign: (text) => {
      const out = new Uint8Array(72);
      Buffer.from(out.buffer).writeBigUInt64BE(time, 0);
      out.set(crypto.sign(null, cosignedMessage(text, time), privateKey), 8);
      return out;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Notes

const SIGNATURE_PREFIX = '\u2014 '; // em dash, space

/** Parse a note's structure (no verification). Throws NoteError('malformed-note'). */
export function parseNote(note: string | Uint8Array): ParsedNote {
  let message: string;
  if (typeof note === 'string') {
    message = note;
    if (hasLoneSurrogate(message)) throw malformed();
  } else {
    try {
      message = strictDecoder.decode(note);
    } catch {
      throw malformed();
    }
  }
  // Only \n among the ASCII control characters.
  if (/[\u0000-\u0009\u000b-\u001f]/.test(message)) throw malformed();
  // The text ends at the LAST blank line: text may itself contain blank lines.
  const split = message.lastIndexOf('\n\n');
  if (split < 0) throw malformed();
  const text = message.slice(0, split + 1);
  let signatureBlock = message.slice(split + 2);
  if (signatureBlock.length === 0 || !signatureBlock.endsWith('\n')) throw malformed();
  const signatures: NoteSignature[] = [];
  while (signatureBlock.length > 0) {
    const end = signatureBlock.indexOf('\n');
    const line = signatureBlock.slice(0, end);
    signatureBlock = signatureBlock.slice(end + 1);
    if (!line.startsWith(SIGNATURE_PREFIX)) throw malformed();
    const body = line.slice(SIGNATURE_PREFIX.length);
    const space = body.indexOf(' ');
    if (space < 0) throw malformed();
    const name = body.slice(0, space);
    const decoded = decodeBase64Strict(body.slice(space + 1));
    if (!isValidKeyName(name) || !decoded || decoded.length < 5) throw malformed();
    // Bound the work an attacker can cause before any verification.
    if (signatures.length + 1 > MAX_SIGNATURES) throw malformed();
    signatures.push({ name, keyId: readUint32(decoded, 0), signature: decoded.subarray(4) });
  }
  return { text, signatures };
}

const signatureKey = (s: NoteSignature): string => `${s.name}\u0000${s.keyId}`;

/**
 * Verify a note against known verifiers (x/mod note.Open semantics):
 * signatures from unknown (name, key ID) pairs are ignored; a bad signature from a known key
 * rejects the note ("invalid signature for key <name>+<id>"); with no verified signature the
 * note is rejected ("note has no verifiable signatures").
 */
export function openNote(note: string | Uint8Array, verifiers: readonly NoteVerifier[]): OpenedNote {
  const parsed = parseNote(note);
  const textBytes = textEncoder.encode(parsed.text);
  const known = new Map<string, NoteVerifier>();
  for (const v of verifiers) known.set(signatureKey({ name: v.name, keyId: v.keyId, signature: new Uint8Array() }), v);
  const verified: NoteSignature[] = [];
  const unverified: NoteSignature[] = [];
  const seenVerified = new Set<string>();
  const seenUnverified = new Set<string>();
  for (const sig of parsed.signatures) {
    const key = signatureKey(sig);
    const verifier = known.get(key);
    if (!verifier) {
      const lineKey = `${key}\u0000${encodeBase64(sig.signature)}`;
      if (!seenUnverified.has(lineKey)) {
        seenUnverified.add(lineKey);
        unverified.push(sig);
      }
      continue;
    }
    if (seenVerified.has(key)) continue;
    seenVerified.add(key);
    if (!verifier.verify(textBytes, sig.signature)) {
      throw new NoteError('invalid-signature', `invalid signature for key ${sig.name}+${formatKeyId(sig.keyId)}`);
    }
    verified.push(sig);
  }
  if (verified.length === 0) throw new NoteError('no-verifiable-signatures', 'note has no verifiable signatures');
  return { text: parsed.text, verified, unverified };
}

/** Check that a note text is well formed: non-empty, valid lines ending in \n, no control characters. */
export function assertValidNoteText(text: string): void {
  if (text.length === 0 || !text.endsWith('\n')) throw new NoteError('malformed-note', 'note text must end with a newline');
  if (/[\u0000-\u0009\u000b-\u001f]/.test(text)) throw new NoteError('malformed-note', 'note text contains a control character');
  if (hasLoneSurrogate(text)) throw new NoteError('malformed-note', 'note text is not valid UTF-8');
}

export function formatSignatureLine(signature: NoteSignature): string {
  const bytes = new Uint8Array(4 + signature.signature.length);
  Buffer.from(bytes.buffer).writeUInt32BE(signature.keyId >>> 0, 0);
  bytes.set(signature.signature, 4);
  return `${SIGNATURE_PREFIX}${signature.name} ${encodeBase64(bytes)}\n`;
}

/** Assemble a note from text and signatures. */
export function formatNote(text: string, signatures: readonly NoteSignature[]): string {
  assertValidNoteText(text);
  if (signatures.length === 0) throw new NoteError('malformed-note', 'a note needs at least one signature');
  return `${text}\n${signatures.map(formatSignatureLine).join('')}`;
}

/** Sign `text` with each signer, in order. */
export function signNote(text: string, signers: readonly NoteSigner[]): string {
  assertValidNoteText(text);
  const bytes = textEncoder.encode(text);
  return formatNote(
    text,
    signers.map((s) => ({ name: s.name, keyId: s.keyId, signature: s.sign(bytes) })),
  );
}

/** Add signatures (e.g. witness cosignatures) to an existing note, keeping its signatures. */
export function addSignatures(note: string, signers: readonly NoteSigner[]): string {
  const parsed = parseNote(note);
  const bytes = textEncoder.encode(parsed.text);
  const added = signers.map((s) => ({ name: s.name, keyId: s.keyId, signature: s.sign(bytes) }));
  return formatNote(parsed.text, [...parsed.signatures, ...added]);
}
