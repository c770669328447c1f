import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A small content-addressed document store on the local disk: <dataDir>/documents/ab/abcdef….
 * The same bytes are stored once (sha256 is the name), writes are atomic (temp file + rename),
 * and nothing here knows about organisations — access is checked by the catalogue's rows that
 * point at a hash. An S3-compatible store would implement the same three methods.
 */
export interface DocumentStore {
  put(bytes: Buffer): Promise<{ sha256: string; size: number }>;
  get(sha256: string): Promise<Buffer>;
  has(sha256: string): Promise<boolean>;
}

export class LocalDocumentStore implements DocumentStore {
  constructor(readonly root: string) {}

  private pathOf(sha256: string) {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error('not a sha256 hex digest');
    return join(this.root, sha256.slice(0, 2), sha256);
  }

  async put(bytes: Buffer) {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const file = this.pathOf(sha256);
    if (!existsSync(file)) {
      mkdirSync(join(this.root, sha256.slice(0, 2)), { recursive: true });
      const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
      writeFileSync(tmp, bytes);
      renameSync(tmp, file);
    }
    return { sha256, size: bytes.length };
  }

  async get(sha256: string) {
    const file = this.pathOf(sha256);
    const bytes = readFileSync(file);
    // Content addressing doubles as an integrity check against bit rot or tampering.
    if (createHash('sha256').update(bytes).digest('hex') !== sha256) throw new Error(`document ${sha256} is corrupt on disk`);
    return bytes;
  }

  async has(sha256: string) {
    return existsSync(this.pathOf(sha256));
  }
}

/** File types we accept, recognised by their first bytes (the declared type must agree). */
export function sniffContentType(bytes: Buffer): string | null {
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 6 && /^GIF8[79]a$/.test(bytes.subarray(0, 6).toString('latin1'))) return 'image/gif';
  if (bytes.length >= 12 && bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  if (bytes.length >= 5 && bytes.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  return null;
}
