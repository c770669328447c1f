// Timestamp helpers: every channel timestamp becomes UTC ISO 8601 ("...Z").

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;
const ISO_NAIVE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?$/;

/**
 * Convert a channel timestamp to UTC ISO. Strings with a zone (Z or ±hh:mm) are converted;
 * naive strings are only accepted when the caller says they are UTC (`naiveIsUtc`, e.g.
 * WooCommerce `*_gmt` fields). Returns null for anything else.
 */
export function toUtcIso(value: unknown, naiveIsUtc = false): string | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  const text = value.trim();
  if (ISO_WITH_ZONE.test(text)) {
    const ms = Date.parse(text.replace(' ', 'T'));
    return Number.isNaN(ms) ? null : new Date(ms).toISOString();
  }
  const m = ISO_NAIVE.exec(text);
  if (m && naiveIsUtc) {
    const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '0'] = m;
    const ms = Date.UTC(+y!, +mo! - 1, +d!, +h, +mi, +s, Number(`0.${frac}`) * 1000);
    const date = new Date(ms);
    // Reject rolled-over dates such as 2024-02-31.
    if (date.getUTCMonth() !== +mo! - 1 || date.getUTCDate() !== +d!) return null;
    return date.toISOString();
  }
  return null;
}

/** Excel serial day number (1900 date system, Lotus leap-year bug included) → UTC ISO. */
export function excelSerialToUtcIso(serial: number): string | null {
  if (!Number.isFinite(serial) || serial < 1 || serial > 2958465) return null;
  // Day 0 is 1899-12-30 for every serial ≥ 61, which covers all realistic order dates.
  const ms = Math.round((serial - 25569) * 86_400_000);
  return new Date(ms).toISOString();
}
