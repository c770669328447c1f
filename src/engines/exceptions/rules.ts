// The exception rules over one shipment's event stream. Pure: same input, same findings.
import type { IotExcursion, TrackingEvent } from '../carriers/index.ts';
import type { DemurrageTariff, ExceptionTables, Finding, RuleId, RuleInput, RuleSettings, TransitProfile } from './model.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ms = (iso: string) => Date.parse(iso);

export function defaultSettings(tables: ExceptionTables): RuleSettings {
  return { disabled: [], dwellHours: tables.defaults.dwellHours, noScanDays: null, failedAttempts: tables.defaults.failedAttempts };
}

/**
 * No-scan gap in days for a lane: `ceil(maxDays × gapFraction)` clamped to [minDays, maxDays] of the
 * table (a sea lane tolerates a week without scans, an express lane two days). A fixed per-org
 * setting wins; without a lane profile the table minimum applies.
 */
export function noScanDays(settings: RuleSettings, tables: ExceptionTables, transit: TransitProfile | null): number {
  if (settings.noScanDays !== null) return settings.noScanDays;
  const t = tables.defaults.noScan;
  if (!transit) return t.minDays;
  return Math.min(t.maxDays, Math.max(t.minDays, Math.ceil(transit.maxDays * t.gapFraction)));
}

/** Tariff for a destination country and lane mode: country+mode → country+'*' → '*'+'*'. */
export function tariffFor(tables: ExceptionTables, destinationCountry: string | null, mode: string | null): DemurrageTariff | null {
  const byCountry = tables.tariffs[destinationCountry ?? ''] ?? tables.tariffs['*'];
  return byCountry?.[mode ?? ''] ?? byCountry?.['*'] ?? tables.tariffs['*']?.['*'] ?? null;
}

/**
 * Demurrage for a dwell: days at port = ceil(hours / 24) (a started day counts, as tariffs bill per
 * calendar day or part); chargeable = max(0, days − free days); amount = chargeable × per-day rate
 * (integer minor units, no rounding needed).
 */
export function demurrageFor(tariff: DemurrageTariff, dwellHours: number) {
  const daysAtPort = Math.ceil(dwellHours / 24 - 1e-9);
  const chargeableDays = Math.max(0, daysAtPort - tariff.demurrage.freeDays);
  const amountMinor = chargeableDays * tariff.demurrage.perDayMinor;
  if (!Number.isSafeInteger(amountMinor)) throw new Error('demurrage amount exceeds the safe integer range');
  return {
    currency: tariff.currency,
    daysAtPort,
    freeDays: tariff.demurrage.freeDays,
    chargeableDays,
    perDayMinor: tariff.demurrage.perDayMinor,
    amountMinor,
    computation: `ceil(${dwellHours.toFixed(1)} h / 24) = ${daysAtPort} d at port − ${tariff.demurrage.freeDays} free = ${chargeableDays} d × ${tariff.demurrage.perDayMinor} = ${amountMinor} (${tariff.currency} minor units)`,
    detention: tariff.detention ? { freeDays: tariff.detention.freeDays, perDayMinor: tariff.detention.perDayMinor, note: 'detention accrues after the container leaves the terminal until it is returned empty' } : null,
  };
}

const AT_PORT_STAGES = new Set(['arrival', 'import_customs']);
const MOVED_ON_STAGES = new Set(['last_mile', 'warehouse_receipt']);
const FINAL = new Set(['delivered', 'return_to_sender', 'cancelled']);

/**
 * Dwell at the destination port: from the first arrival/import-customs event in the destination
 * country to the first later event that shows the goods moved on (last mile, warehouse receipt,
 * out for delivery, delivered) — or `now` while they are still there.
 */
export function destinationDwell(events: TrackingEvent[], destinationCountry: string | null, now: string): { from: string; to: string; hours: number; ongoing: boolean; location: TrackingEvent['location'] } | null {
  if (!destinationCountry) return null;
  let start: TrackingEvent | null = null;
  for (const e of events) {
    if (!e.occurredAt) continue;
    if (!start) {
      if (e.stage && AT_PORT_STAGES.has(e.stage) && e.location.country === destinationCountry) start = e;
      continue;
    }
    if ((e.stage && MOVED_ON_STAGES.has(e.stage)) || e.status === 'out_for_delivery' || FINAL.has(e.status)) {
      return { from: start.occurredAt!, to: e.occurredAt, hours: (ms(e.occurredAt) - ms(start.occurredAt!)) / HOUR, ongoing: false, location: start.location };
    }
  }
  if (!start) return null;
  return { from: start.occurredAt!, to: now, hours: Math.max(0, (ms(now) - ms(start.occurredAt!)) / HOUR), ongoing: true, location: start.location };
}

/** Predicted delivery: the carrier's estimate, else (pickup or ship date) + the lane's typical days. */
export function predictDelivery(input: Pick<RuleInput, 'facts' | 'state'>): { at: string; basis: string } | null {
  const { facts, state } = input;
  if (facts.estimatedDeliveryAt) return { at: facts.estimatedDeliveryAt, basis: 'carrier estimate' };
  if (!facts.laneTransit) return null;
  const start = state?.pickedUpAt ?? (facts.shipDate ? `${facts.shipDate}T00:00:00.000Z` : null);
  if (!start) return null;
  return { at: new Date(ms(start) + facts.laneTransit.typicalDays * DAY).toISOString(), basis: `${state?.pickedUpAt ? 'pickup' : 'ship date'} + ${facts.laneTransit.typicalDays} typical transit days` };
}

function documentsFor(tables: ExceptionTables, customs: string, destination: string | null): string[] {
  const d = tables.customsDocuments;
  return [...d.common, ...(d.byCustomsState[customs] ?? []), ...(d.byDestination[destination ?? ''] ?? d.byDestination['*'] ?? [])];
}

function excursionFinding(rule: RuleId, x: IotExcursion[], input: RuleInput, unit: string, limit: unknown): Finding | null {
  if (x.length === 0) return null;
  const first = x[0]!;
  return {
    rule,
    severity: input.tables.severity[rule],
    title: `${rule === 'shock' ? 'Shock' : rule === 'temperature_excursion' ? 'Temperature' : 'Humidity'} outside the product's limits (worst ${first.worst} ${unit})`,
    since: first.from,
    notify: input.tables.notify[rule],
    facts: {
      limit,
      excursions: x.map((e) => ({ device_id: e.deviceId, from: e.from, to: e.to, worst: e.worst, readings: e.readings })),
      contingency: { action: 'replacement_shipment', reason: `goods may be spoiled or damaged (${rule})`, steps: ['inspect on arrival and record the outcome', 'book a replacement shipment on the fastest lane', 'file a carrier claim with the IoT log attached'] },
    },
  };
}

/** Evaluate every enabled rule. Findings are conditions that hold now (or held at some point for one-off events). */
export function evaluateRules(input: RuleInput): Finding[] {
  const { facts, state, settings, tables, now } = input;
  const on = (r: RuleId) => !settings.disabled.includes(r);
  const out: Finding[] = [];
  const push = (rule: RuleId, title: string, since: string, f: Record<string, unknown>) =>
    out.push({ rule, severity: tables.severity[rule], title, since, notify: tables.notify[rule], facts: f });
  const events = state?.events ?? [];
  const final = state ? FINAL.has(state.status) : false;

  if (state && on('dwell_at_port')) {
    const dwell = destinationDwell(events, facts.destinationCountry, now);
    if (dwell && dwell.hours > settings.dwellHours) {
      const since = new Date(ms(dwell.from) + settings.dwellHours * HOUR).toISOString();
      push('dwell_at_port', `Dwell at destination port ${dwell.hours.toFixed(0)} h (threshold ${settings.dwellHours} h)`, since, {
        arrived_at: dwell.from, until: dwell.to, ongoing: dwell.ongoing, dwell_hours: Math.round(dwell.hours * 10) / 10, threshold_hours: settings.dwellHours,
        port: dwell.location.code ?? dwell.location.city, demurrage: input.tariff ? demurrageFor(input.tariff, dwell.hours) : null,
      });
    }
  }

  if (state && on('no_scan') && !final && state.lastEventAt) {
    const gap = noScanDays(settings, tables, facts.laneTransit);
    const silentDays = (ms(now) - ms(state.lastEventAt)) / DAY;
    if (silentDays > gap) {
      push('no_scan', `No scan for ${Math.floor(silentDays)} days (expected at least every ${gap} days on this lane)`, new Date(ms(state.lastEventAt) + gap * DAY).toISOString(), {
        last_event_at: state.lastEventAt, silent_days: Math.floor(silentDays * 10) / 10, gap_days: gap, probable: 'delay',
        transit_profile: facts.laneTransit,
      });
    }
  }

  if (on('late_delivery') && facts.promisedDeliveryAt && !(state?.delivered)) {
    const promised = ms(facts.promisedDeliveryAt);
    const prediction = predictDelivery(input);
    if (ms(now) > promised && !final) {
      push('late_delivery', 'Promised delivery date passed without delivery', facts.promisedDeliveryAt, { promised_at: facts.promisedDeliveryAt, predicted_at: prediction?.at ?? null, basis: prediction?.basis ?? null, missed: true });
    } else if (prediction && ms(prediction.at) > promised) {
      push('late_delivery', `Predicted delivery ${prediction.at.slice(0, 10)} is after the promised ${facts.promisedDeliveryAt.slice(0, 10)}`, now, {
        promised_at: facts.promisedDeliveryAt, predicted_at: prediction.at, basis: prediction.basis, days_late: Math.ceil((ms(prediction.at) - promised) / DAY), missed: false,
      });
    }
  }

  if (state && on('customs_hold') && (state.customs === 'held' || state.customs === 'inspection')) {
    const ev = [...events].reverse().find((e) => e.customs === state.customs)!;
    push('customs_hold', `Customs ${state.customs === 'held' ? 'hold' : 'inspection'}${ev.location.country ? ' in ' + ev.location.country : ''}`, ev.occurredAt ?? now, {
      customs: state.customs, at: ev.occurredAt, location: ev.location, description: ev.description, documents_needed: documentsFor(tables, state.customs, facts.destinationCountry),
    });
  }

  const limits = facts.handling ?? {};
  if (on('temperature_excursion')) {
    const f = excursionFinding('temperature_excursion', input.excursions.filter((x) => x.kind === 'temperature'), input, '°C', limits.temperatureC);
    if (f) out.push(f);
  }
  if (on('humidity_excursion')) {
    const f = excursionFinding('humidity_excursion', input.excursions.filter((x) => x.kind === 'humidity'), input, '%', limits.humidityPct);
    if (f) out.push(f);
  }
  if (on('shock')) {
    const f = excursionFinding('shock', input.excursions.filter((x) => x.kind === 'shock'), input, 'g', limits.shockG);
    if (f) out.push(f);
  }

  if (state && on('failed_delivery')) {
    const failed = events.filter((e) => e.status === 'delivery_failed');
    if (failed.length >= settings.failedAttempts) {
      const last = failed[failed.length - 1]!;
      push('failed_delivery', `${failed.length} failed delivery attempt${failed.length > 1 ? 's' : ''}`, failed[0]!.occurredAt ?? now, {
        attempts: failed.length, last_attempt_at: last.occurredAt, reason: last.reason, description: last.description,
      });
    }
  }

  if (state && on('return_to_sender')) {
    const rts = events.find((e) => e.status === 'return_to_sender');
    if (rts) push('return_to_sender', 'Shipment is being returned to the sender', rts.occurredAt ?? now, { at: rts.occurredAt, reason: rts.reason, description: rts.description });
  }

  if (state && on('damage_or_loss')) {
    const bad = events.find((e) => e.stage === 'lost' || e.stage === 'damaged');
    if (bad) push('damage_or_loss', bad.stage === 'lost' ? 'Shipment reported lost' : 'Shipment reported damaged', bad.occurredAt ?? now, { stage: bad.stage, at: bad.occurredAt, description: bad.description });
  }
  return out;
}
