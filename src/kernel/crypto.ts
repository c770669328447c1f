import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
// Random bytes drawn from the CSPRNG 4 KiB at a time and handed out once each (as Node's own
// randomUUID does): a call into OpenSSL per id, token and IV was a visible share of a creating request.
const POOL_BYTES = 4096;
let pool = randomBytes(POOL_BYTES);
let poolAt = 0;
/** `n` fresh random bytes (a copy; at most 256). */
export function randomFromPool(n: number): Buffer {
  if (n > 256) return randomBytes(n);
  if (poolAt + n > POOL_BYTES) {
    pool = randomBytes(POOL_BYTES);
    poolAt = 0;
  }
  const out = Buffer.from(pool.subarray(poolAt, poolAt + n)); // a copy: the pool is replaced, never reused
  poolAt += n;
  return out;
}

export const randomToken = (bytes = 32) => randomFromPool(bytes).toString('base64url');

export function hmacHex(secret: string, data: string): string {
  return createHmac('sha256', secret).update(data).digest('hex');
}

export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/**
 * Envelope for secrets that must be readable again (webhook signing secrets, TOTP seeds, PII):
 * AES-256-GCM with the server's data key. The key comes from TRADELANE_SECRET_KEY (base64, 32 bytes)
 * or is generated once into <dataDir>/secret.key (mode 600).
 */
export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('data key must be 32 bytes');
  }

  static fromEnvOrDir(dataDir: string, env = process.env): SecretBox {
    if (env.TRADELANE_SECRET_KEY) return new SecretBox(Buffer.from(env.TRADELANE_SECRET_KEY, 'base64'));
    mkdirSync(dataDir, { recursive: true });
    const file = join(dataDir, 'secret.key');
    if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
    return new SecretBox(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64'));
  }

  seal(plain: string): string {
    const iv = randomFromPool(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return `v1.${iv.toString('base64url')}.${body.toString('base64url')}.${c.getAuthTag().toString('base64url')}`;
  }

  open(sealed: string): string {
    const [v, iv, body, tag] = sealed.split('.');
    if (v !== 'v1' || !iv || !body || tag === undefined) throw new Error('not a sealed value');
    const d = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    d.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([d.update(Buffer.from(body, 'base64url')), d.final()]).toString('utf8');
  }
}
