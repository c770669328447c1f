// Webhook signature checks. Both Shopify and WooCommerce send
// base64(HMAC-SHA256(secret, exact raw body bytes)) in a header. Verify BEFORE JSON.parse.
import { createHmac, timingSafeEqual } from 'node:crypto';

export function hmacSha256Base64(secret: string | Uint8Array, rawBody: string | Uint8Array): string {
  return createHmac('sha256', secret).update(rawBody).digest('base64');
}

/**
 * Constant-time comparison of the received header with the expected digest.
 * Compares the decoded 32-byte digests, so a header of the wrong length is rejected
 * without leaking timing about the secret.
 */
export function verifyHmacSha256Base64(secret: string | Uint8Array, rawBody: string | Uint8Array, header: string | null | undefined): boolean {
  if (!header) return false;
  const received = Buffer.from(header.trim(), 'base64');
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  if (received.length !== expected.length) return false;
  return timingSafeEqual(received, expected);
}

/** WooCommerce decodes HTML entities in the stored secret before signing (`wp_specialchars_decode(..., ENT_QUOTES)`). */
export function wooCommerceSigningSecret(secret: string): string {
  return secret
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#0?39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Case-insensitive header lookup over a plain object or a Headers instance. */
export function headerValue(headers: Record<string, string | string[] | undefined> | Headers, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers as Record<string, string | string[] | undefined>)) {
    if (key.toLowerCase() === wanted) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}
