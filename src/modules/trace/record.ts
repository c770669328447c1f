import { createHash } from 'node:crypto';

/**
 * The leaf format of the traceability log. A leaf is the UTF-8 bytes of a canonical JSON object
 * (keys sorted at every depth, no whitespace):
 *   {"at":"2026-11-21T10:00:00.000Z","content_sha256":"<hex>","id":"trl_…","meta":{…},"org":"org_…","subject":"…","type":"…","v":1}
 * The leaf hash is SHA-256(0x00 || leaf) (RFC 9162). Large documents never enter the log: only
 * their SHA-256 does (content_sha256). The browser page rebuilds nothing: it hashes the served
 * leaf bytes and shows the fields parsed from those same bytes.
 */
export const ENTRY_VERSION = 1;

export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };

/** Canonical JSON: sorted keys, no whitespace; numbers must be finite. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('canonical JSON has no NaN or Infinity');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
  }
  throw new TypeError(`canonical JSON cannot encode ${typeof value}`);
}

export interface TraceEntry {
  v: number;
  id: string;
  type: string;
  subject: string;
  content_sha256: string;
  meta: Record<string, JsonValue>;
  org: string;
  at: string;
}

export function formatEntry(e: Omit<TraceEntry, 'v'>): string {
  return canonicalJson({ ...e, v: ENTRY_VERSION });
}

/** Parse and check a leaf: it must be exactly the canonical form of its own fields. */
export function parseEntry(text: string): TraceEntry {
  let e: TraceEntry;
  try {
    e = JSON.parse(text);
  } catch {
    throw new Error('the record is not JSON');
  }
  if (typeof e !== 'object' || e === null || e.v !== ENTRY_VERSION) throw new Error(`the record is not a version ${ENTRY_VERSION} trace entry`);
  for (const k of ['id', 'type', 'subject', 'content_sha256', 'org', 'at'] as const) {
    if (typeof e[k] !== 'string') throw new Error(`the record has no "${k}"`);
  }
  if (canonicalJson(e) !== text) throw new Error('the record is not in canonical form (sorted keys, no whitespace)');
  return e;
}

export const sha256HexOf = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** The content hash of a structured document: SHA-256 of its canonical JSON; of text or bytes: of their bytes. */
export function contentHashOf(content: unknown): string {
  if (typeof content === 'string' || content instanceof Uint8Array) return sha256HexOf(content);
  return sha256HexOf(canonicalJson(content));
}
