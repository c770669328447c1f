import { randomFromPool } from './crypto.ts';

// Prefixed, time-ordered ids: `ord_01JD…` — 48-bit millisecond time + 80 random bits, Crockford base32
// (ULID layout), monotonic within one process so ids created in the same millisecond still sort.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
let lastTime = 0;
let lastRandom: Uint8Array = new Uint8Array(10);

function encodeTime(time: number): string {
  let out = '';
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[time % 32] + out;
    time = Math.floor(time / 32);
  }
  return out;
}

function encodeRandom(bytes: Uint8Array): string {
  // 80 bits → 16 chars of 5 bits
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const b of bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  return out;
}

function randomTen(): Uint8Array {
  return randomFromPool(10);
}

export function ulid(now = Date.now()): string {
  if (now <= lastTime) {
    // same millisecond (or clock went back): increment the random part so order is kept
    for (let i = 9; i >= 0; i--) {
      if (lastRandom[i] < 255) { lastRandom[i]++; break; }
      lastRandom[i] = 0;
    }
    now = lastTime;
  } else {
    lastTime = now;
    lastRandom = randomTen();
  }
  return encodeTime(now) + encodeRandom(lastRandom);
}

/** newId('ord') → 'ord_01JD3…' */
export function newId(prefix: string): string {
  return `${prefix}_${ulid()}`;
}

export function isId(value: string, prefix: string): boolean {
  return value.length === prefix.length + 27 && value.startsWith(prefix + '_') && /^[0-9A-HJKMNP-TV-Z]{26}$/.test(value.slice(prefix.length + 1));
}
