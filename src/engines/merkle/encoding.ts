// Strict text encodings used by notes, checkpoints and proofs.

const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Decode standard padded base64 strictly: only the standard alphabet, correct padding, and
 * canonical trailing bits (Buffer.from(…, 'base64') would silently skip invalid characters).
 * Returns undefined when the text is not valid.
 */
export function decodeBase64Strict(text: string): Uint8Array | undefined {
  if (!BASE64_PATTERN.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text) return undefined;
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64');
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex');
}

export function fromHex(hex: string): Uint8Array {
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex)) throw new SyntaxError(`not a hex string: ${hex.slice(0, 20)}`);
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

/** Unsigned 64-bit decimal without leading zeros ("0" allowed); undefined when invalid. */
export function parseUint64Decimal(text: string): bigint | undefined {
  if (!/^(?:0|[1-9][0-9]*)$/.test(text) || text.length > 20) return undefined;
  const value = BigInt(text);
  return value <= 0xffff_ffff_ffff_ffffn ? value : undefined;
}
