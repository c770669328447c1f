// Carrier timestamps: most carriers give local wall-clock time; some add a UTC time or offset.
// Everything is converted to UTC with an explicit record of how (TimeBasis).
import type { TimeBasis, TrackingLocation } from './model';

/** Resolves an IANA zone for a location (e.g. US-NJ → America/New_York). Supplied by the caller; pure. */
export type ZoneResolver = (location: TrackingLocation) => string | undefined;

/** Build a resolver from a plain table keyed by `CC-REGION` or `CC`. */
export function zoneResolverFromTable(table: Record<string, string>): ZoneResolver {
  return (loc) => (loc.country ? (table[`${loc.country}-${loc.region ?? ''}`] ?? table[loc.country]) : undefined);
}

/** Parse "+05:00", "-5:00", "-04.00" (UPS Track Alert), "+0530", "Z" → minutes east of UTC. */
export function parseUtcOffset(text: string | null | undefined): number | null {
  if (text == null) return null;
  const t = String(text).trim();
  if (t === 'Z' || t === 'z') return 0;
  const m = /^([+-])(\d{1,2})(?:[:.]?(\d{2}))?$/.exec(t);
  if (!m) return null;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? '0');
  if (minutes > 14 * 60) return null;
  return m[1] === '-' ? -minutes : minutes;
}

export function formatUtcOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

const WALL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/;

/** Wall-clock string → milliseconds as if it were UTC (null when invalid). */
export function wallClockMs(local: string): number | null {
  const m = WALL.exec(local);
  if (!m) return null;
  const [, y, mo, d, h, mi, s = '0'] = m;
  const ms = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s);
  const check = new Date(ms);
  if (check.getUTCMonth() !== +mo! - 1 || check.getUTCDate() !== +d! || +h! > 23 || +mi! > 59 || +s > 59) return null;
  return ms;
}

/** `YYYYMMDD` + `HHMMSS` (UPS; time may lose its leading zero, e.g. "74700") → wall-clock string. */
export function compactDateTime(date: string | null | undefined, time: string | null | undefined): string | null {
  if (!date || !/^\d{8}$/.test(date)) return null;
  const t = (time ?? '').trim();
  const hms = /^\d{1,6}$/.test(t) ? t.padStart(6, '0') : '000000';
  return `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${hms.slice(0, 2)}:${hms.slice(2, 4)}:${hms.slice(4, 6)}`;
}

function zoneOffsetAt(zone: string, utcMs: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(utcMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(utcMs / 1000) * 1000) / 60_000);
}

export interface ResolvedTime {
  occurredAt: string | null;
  localTime: string | null;
  utcOffset: string | null;
  timeBasis: TimeBasis | null;
}

/**
 * Combine what a carrier gave into one UTC instant.
 * Precedence: explicit UTC instant → local + offset → local + zone (Intl, DST-aware) → local read as UTC.
 */
export function resolveTime(input: { local?: string | null; offsetMinutes?: number | null; utcIso?: string | null; zone?: string | undefined }): ResolvedTime {
  const localNorm = input.local && wallClockMs(input.local) !== null ? normaliseWall(input.local) : null;
  if (input.utcIso) {
    const ms = Date.parse(input.utcIso);
    if (!Number.isNaN(ms)) {
      const offset = input.offsetMinutes ?? null;
      const localFromUtc = offset !== null ? new Date(ms + offset * 60_000).toISOString().slice(0, 19) : null;
      return { occurredAt: new Date(ms).toISOString(), localTime: localNorm ?? localFromUtc, utcOffset: offset !== null ? formatUtcOffset(offset) : null, timeBasis: 'utc' };
    }
  }
  if (!localNorm) return { occurredAt: null, localTime: null, utcOffset: null, timeBasis: null };
  const wall = wallClockMs(localNorm)!;
  if (input.offsetMinutes != null) {
    return { occurredAt: new Date(wall - input.offsetMinutes * 60_000).toISOString(), localTime: localNorm, utcOffset: formatUtcOffset(input.offsetMinutes), timeBasis: 'offset' };
  }
  if (input.zone) {
    try {
      const first = wall - zoneOffsetAt(input.zone, wall) * 60_000;
      const offset = zoneOffsetAt(input.zone, first);
      return { occurredAt: new Date(wall - offset * 60_000).toISOString(), localTime: localNorm, utcOffset: formatUtcOffset(offset), timeBasis: 'zone' };
    } catch {
      // Unknown zone name: fall through to assumed UTC.
    }
  }
  return { occurredAt: new Date(wall).toISOString(), localTime: localNorm, utcOffset: null, timeBasis: 'assumed_utc' };
}

function normaliseWall(local: string): string {
  const m = WALL.exec(local)!;
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}`;
}

/** Split an ISO string into wall-clock part and offset: "2018-02-02T12:01:00-07:00" → local + -420. */
export function splitIso(text: string | null | undefined): { local: string | null; offsetMinutes: number | null } {
  if (!text) return { local: null, offsetMinutes: null };
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{1,2}(?::?\d{2})?)?$/i.exec(text.trim());
  if (!m) return { local: null, offsetMinutes: null };
  return { local: m[1]!, offsetMinutes: m[2] ? parseUtcOffset(m[2]) : null };
}
