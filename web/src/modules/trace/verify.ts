/**
 * In-browser verification of traceability records, with WebCrypto only (no server trust, no
 * shared code with the server): SHA-256 leaf hashes (RFC 9162 §2.1.1), inclusion proofs
 * (§2.1.3.2), the C2SP checkpoint body and its Ed25519 signed-note signature.
 */
const utf8 = new TextEncoder();

export function fromBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export const toHex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join('');

async function sha256(...parts: Uint8Array[]): Promise<Uint8Array> {
  const len = parts.reduce((n, p) => n + p.length, 0);
  const buf = new Uint8Array(len);
  let o = 0;
  for (const p of parts) { buf.set(p, o); o += p.length; }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', buf));
}

export const leafHash = (entry: string) => sha256(new Uint8Array([0]), utf8.encode(entry));
const nodeHash = (l: Uint8Array, r: Uint8Array) => sha256(new Uint8Array([1]), l, r);
const equal = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/** RFC 9162 §2.1.3.2. */
export async function verifyInclusion(index: number, size: number, leaf: Uint8Array, proof: Uint8Array[], root: Uint8Array): Promise<boolean> {
  let fn = BigInt(index);
  let sn = BigInt(size) - 1n;
  if (fn > sn) return false;
  let r = leaf;
  for (const p of proof) {
    if (p.length !== 32 || sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      r = await nodeHash(p, r);
      while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
    } else {
      r = await nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && equal(r, root);
}

export interface ParsedCheckpoint { origin: string; size: number; root: Uint8Array; text: string; signatures: { name: string; bytes: Uint8Array }[] }

export function parseCheckpoint(note: string): ParsedCheckpoint {
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new Error('not a signed note');
  const text = note.slice(0, split + 1);
  const [origin, size, root] = text.slice(0, -1).split('\n');
  if (!origin || !/^(0|[1-9]\d*)$/.test(size ?? '') || !root) throw new Error('not a checkpoint');
  const signatures = note.slice(split + 2).split('\n').filter(Boolean).map((line) => {
    const m = /^\u2014 (\S+) (\S+)$/.exec(line);
    if (!m) throw new Error('bad signature line');
    return { name: m[1]!, bytes: fromBase64(m[2]!) };
  });
  return { origin, size: Number(size), root: fromBase64(root), text, signatures };
}

export type SignatureCheck = 'valid' | 'invalid' | 'unsupported';

/** Verify the note signature with the Ed25519 verifier key "name+keyid+base64(0x01||key)". */
export async function verifyCheckpointSignature(cp: ParsedCheckpoint, verifierKey: string): Promise<SignatureCheck> {
  // name+keyid+base64: the base64 part may itself contain "+".
  const m = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(verifierKey.trim());
  if (!m) return 'invalid';
  const [, name, keyIdHex, keyB64] = m as unknown as [string, string, string, string];
  const key = fromBase64(keyB64);
  if (key.length !== 33 || key[0] !== 1) return 'invalid';
  // Key id = SHA-256(name || "\n" || 0x01 || public key)[:4] (C2SP signed-note).
  const id = (await sha256(utf8.encode(name), new Uint8Array([0x0a]), key)).slice(0, 4);
  if (toHex(id) !== keyIdHex) return 'invalid';
  const sig = cp.signatures.find((s) => s.name === name && s.bytes.length === 68 && toHex(s.bytes.slice(0, 4)) === keyIdHex);
  if (!sig) return 'invalid';
  try {
    const k = await crypto.subtle.importKey('raw', key.slice(1), { name: 'Ed25519' }, false, ['verify']);
    return (await crypto.subtle.verify({ name: 'Ed25519' }, k, sig.bytes.slice(4), utf8.encode(cp.text))) ? 'valid' : 'invalid';
  } catch {
    return 'unsupported'; // this browser's WebCrypto has no Ed25519 yet
  }
}
