// Small helpers for reading carrier JSON defensively.
import type { TrackingLocation } from './model';

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
export function obj(value: unknown): Json {
  return isObject(value) ? value : {};
}
export function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
export function str(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return '';
}
export function optStr(value: unknown): string | null {
  const s = str(value).trim();
  return s === '' ? null : s;
}
export function num(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : null;
}

/** ISO 3166 alpha-2 when the value looks like one, else null (carriers send 'US', 'us', or names). */
export function countryCode(value: unknown): string | null {
  const s = str(value).trim().toUpperCase();
  return /^[A-Z]{2}$/.test(s) ? s : null;
}

export function location(fields: Partial<TrackingLocation>): TrackingLocation {
  return {
    code: fields.code ?? null,
    codeType: fields.code ? (fields.codeType ?? null) : null,
    city: fields.city ?? null,
    region: fields.region ?? null,
    postcode: fields.postcode ?? null,
    country: fields.country ?? null,
    lat: fields.lat ?? null,
    lon: fields.lon ?? null,
  };
}

/** Decode the few HTML entities carriers put in names (USPS "Priority Mail<SUP>&reg;</SUP>"). */
export function plainText(text: string): string {
  return text
    .replace(/<[^>]+>/g, '')
    .replace(/&#(\d+);/g, (_m, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&reg;/g, '\u00ae')
    .replace(/&amp;/g, '&')
    .trim();
}
