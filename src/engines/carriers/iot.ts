// IoT readings attached to shipments: GPS, temperature, humidity, shock. Parse + validate + excursions.

export type IotReading =
  | { kind: 'gps'; deviceId: string; trackingNumber: string | null; recordedAt: string; lat: number; lon: number; accuracyM: number | null }
  | { kind: 'temperature'; deviceId: string; trackingNumber: string | null; recordedAt: string; celsius: number }
  | { kind: 'humidity'; deviceId: string; trackingNumber: string | null; recordedAt: string; percent: number }
  | { kind: 'shock'; deviceId: string; trackingNumber: string | null; recordedAt: string; peakG: number; durationMs: number | null };

export interface IotIssue {
  index: number;
  field: string;
  code: string;
  message: string;
}

/** Physical plausibility bounds (not business limits): outside these a sensor reading is rejected as garbage. */
export const IOT_PLAUSIBLE = { celsius: { min: -90, max: 90 }, percent: { min: 0, max: 100 }, peakG: { min: 0, max: 500 } } as const;

function isoTime(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) {
    // Epoch seconds vs milliseconds: anything below 1e11 is seconds (1e11 s is year 5138).
    const ms = value < 1e11 ? value * 1000 : value;
    return new Date(ms).toISOString();
  }
  if (typeof value === 'string' && /(Z|[+-]\d{2}:?\d{2})$/i.test(value.trim())) {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? null : new Date(ms).toISOString();
  }
  return null;
}

function finite(value: unknown): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}

/**
 * Parse device messages `{device_id, tracking_number?, ts, type, ...}` where type is
 * gps {lat, lon, accuracy_m?} | temperature {value, unit: C|F|K} | humidity {value} | shock {g, duration_ms?}.
 * Timestamps must carry a zone (or be epoch numbers). Good readings are kept; bad ones reported by index.
 */
export function parseIotReadings(messages: unknown[]): { readings: IotReading[]; issues: IotIssue[] } {
  const readings: IotReading[] = [];
  const issues: IotIssue[] = [];
  messages.forEach((message, index) => {
    const fail = (field: string, code: string, text: string) => issues.push({ index, field, code, message: text });
    if (typeof message !== 'object' || message === null) return fail('*', 'not_object', 'reading is not an object');
    const m = message as Record<string, unknown>;
    const deviceId = typeof m.device_id === 'string' ? m.device_id.trim() : '';
    if (!deviceId) return fail('device_id', 'required', 'device_id is missing');
    const recordedAt = isoTime(m.ts);
    if (!recordedAt) return fail('ts', 'bad_time', 'ts must be ISO 8601 with a zone or an epoch number');
    const trackingNumber = typeof m.tracking_number === 'string' && m.tracking_number.trim() ? m.tracking_number.trim() : null;
    const base = { deviceId, trackingNumber, recordedAt };
    switch (m.type) {
      case 'gps': {
        const lat = finite(m.lat);
        const lon = finite(m.lon);
        if (lat === null || Math.abs(lat) > 90) return fail('lat', 'out_of_range', `latitude ${String(m.lat)} not in [-90, 90]`);
        if (lon === null || Math.abs(lon) > 180) return fail('lon', 'out_of_range', `longitude ${String(m.lon)} not in [-180, 180]`);
        if (lat === 0 && lon === 0) return fail('lat', 'null_island', '0,0 is the no-fix default of many GPS modules');
        const accuracy = m.accuracy_m === undefined ? null : finite(m.accuracy_m);
        if (m.accuracy_m !== undefined && (accuracy === null || accuracy < 0)) return fail('accuracy_m', 'out_of_range', 'accuracy must be ≥ 0 m');
        readings.push({ kind: 'gps', ...base, lat, lon, accuracyM: accuracy });
        return;
      }
      case 'temperature': {
        const value = finite(m.value);
        if (value === null) return fail('value', 'required', 'temperature value missing');
        const unit = String(m.unit ?? 'C').toUpperCase();
        const celsius = unit === 'C' ? value : unit === 'F' ? ((value - 32) * 5) / 9 : unit === 'K' ? value - 273.15 : null;
        if (celsius === null) return fail('unit', 'bad_unit', `unit "${String(m.unit)}" is not C, F or K`);
        if (celsius < IOT_PLAUSIBLE.celsius.min || celsius > IOT_PLAUSIBLE.celsius.max) return fail('value', 'implausible', `${celsius.toFixed(1)} °C is outside sensor plausibility`);
        readings.push({ kind: 'temperature', ...base, celsius: Math.round(celsius * 100) / 100 });
        return;
      }
      case 'humidity': {
        const value = finite(m.value);
        if (value === null || value < 0 || value > 100) return fail('value', 'out_of_range', 'relative humidity must be 0–100 %');
        readings.push({ kind: 'humidity', ...base, percent: value });
        return;
      }
      case 'shock': {
        const g = finite(m.g);
        if (g === null || g < IOT_PLAUSIBLE.peakG.min || g > IOT_PLAUSIBLE.peakG.max) return fail('g', 'out_of_range', `peak ${String(m.g)} g is not plausible`);
        const duration = m.duration_ms === undefined ? null : finite(m.duration_ms);
        if (m.duration_ms !== undefined && (duration === null || duration < 0)) return fail('duration_ms', 'out_of_range', 'duration must be ≥ 0 ms');
        readings.push({ kind: 'shock', ...base, peakG: g, durationMs: duration });
        return;
      }
      default:
        return fail('type', 'bad_type', `type "${String(m.type)}" is not gps|temperature|humidity|shock`);
    }
  });
  return { readings, issues };
}

export interface IotLimits {
  temperatureC?: { min: number; max: number };
  humidityPct?: { min: number; max: number };
  shockG?: number;
}

export interface IotExcursion {
  deviceId: string;
  kind: 'temperature' | 'humidity' | 'shock';
  from: string;
  to: string;
  /** Worst value seen in the excursion (°C, %, g). */
  worst: number;
  readings: number;
}

/** Contiguous runs (per device, by time) of readings outside the limits; a shock above the limit is its own excursion. */
export function findIotExcursions(readings: IotReading[], limits: IotLimits): IotExcursion[] {
  const sorted = [...readings].sort((a, b) => a.recordedAt.localeCompare(b.recordedAt) || a.deviceId.localeCompare(b.deviceId));
  const out: IotExcursion[] = [];
  const open = new Map<string, IotExcursion>();
  for (const r of sorted) {
    if (r.kind === 'shock') {
      if (limits.shockG !== undefined && r.peakG > limits.shockG) out.push({ deviceId: r.deviceId, kind: 'shock', from: r.recordedAt, to: r.recordedAt, worst: r.peakG, readings: 1 });
      continue;
    }
    if (r.kind === 'gps') continue;
    const value = r.kind === 'temperature' ? r.celsius : r.percent;
    const range = r.kind === 'temperature' ? limits.temperatureC : limits.humidityPct;
    if (!range) continue;
    const key = `${r.deviceId}|${r.kind}`;
    const outside = value < range.min || value > range.max;
    const current = open.get(key);
    if (outside) {
      const distance = value > range.max ? value - range.max : range.min - value;
      if (current) {
        current.to = r.recordedAt;
        current.readings++;
        const worstDistance = current.worst > range.max ? current.worst - range.max : range.min - current.worst;
        if (distance > worstDistance) current.worst = value;
      } else {
        const excursion: IotExcursion = { deviceId: r.deviceId, kind: r.kind, from: r.recordedAt, to: r.recordedAt, worst: value, readings: 1 };
        open.set(key, excursion);
        out.push(excursion);
      }
    } else if (current) {
      open.delete(key);
    }
  }
  return out;
}
