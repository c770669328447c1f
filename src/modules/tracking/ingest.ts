// Event ingest: every source (carrier payloads through the engine mappers, normalised API pushes,
// signed provider webhooks, CSV uploads, polling, IoT devices) ends in ingestEvents(), which stores
// events idempotently (unique event key per shipment), folds state from event times (never arrival
// order), notifies milestones once, and evaluates the exception rules in the same transaction.
import type { Services } from '../../http/services.ts';
import type { AuthContext } from '../../kernel/context.ts';
import type { Executor } from '../../kernel/db.ts';
import { badRequest } from '../../kernel/errors.ts';
import { emit } from '../../kernel/events.ts';
import { newId } from '../../kernel/ids.ts';
import { queueEmail } from '../../kernel/mail.ts';
import {
  eventKey, findIotExcursions, foldShipmentState, isTrackingStage, isTrackingStatus, mapDhlTracking, mapFedexTracking, mapKarrioTracking,
  mapUpsTrackAlertEvent, mapUpsTracking, mapUspsTracking, parseIotReadings, parseTrackingCsv, resolveTime, stageFor, statusFor,
  isCustomsState, type IotReading, type TrackedShipmentInfo, type TrackingEvent, type TrackingIssue, type TrackingMapResult,
} from '../../engines/carriers/index.ts';
import { destinationDwell, evaluateRules, type DemurrageTariff } from '../../engines/exceptions/index.ts';
import { raiseFindings, tariffForShipment } from './exceptions.ts';
import { audienceOf, factsOf } from './shipments.ts';
import { data, iso, ruleSettings } from './state.ts';

export const CARRIER_FORMATS = ['dhl', 'ups', 'ups_track_alert', 'fedex', 'usps', 'karrio'] as const;
export type CarrierFormat = (typeof CARRIER_FORMATS)[number];
export type IngestSource = 'api' | 'webhook' | 'csv' | 'poll' | 'carrier_payload' | 'demo';

/** Map a carrier's own tracking payload through the carriers engine. */
export function mapCarrierPayload(s: Pick<Services, 'state'>, format: CarrierFormat, payload: unknown): TrackingMapResult {
  const t = data(s).tracking;
  switch (format) {
    case 'dhl': return mapDhlTracking(payload, t);
    case 'ups': return mapUpsTracking(payload, t);
    case 'ups_track_alert': return mapUpsTrackAlertEvent(payload, t);
    case 'fedex': return mapFedexTracking(payload, t);
    case 'usps': return mapUspsTracking(payload, t);
    case 'karrio': return mapKarrioTracking(payload, t);
  }
}

/** Tradelane's own event shape for API pushes (the normalised model in snake_case). */
export interface EventInput {
  tracking_number: string;
  carrier: string;
  occurred_at: string;
  status_code: string;
  description: string;
  status?: string;
  stage?: string;
  customs?: string;
  reason?: string;
  location?: { code?: string; city?: string; region?: string; postcode?: string; country?: string; lat?: number; lon?: number };
}

/** Normalise pushed events: status/stage given, or inferred from the carrier tables like any mapper. */
export function normaliseInputs(s: Pick<Services, 'state'>, inputs: EventInput[]): { events: TrackingEvent[]; warnings: TrackingIssue[] } {
  const t = data(s).tracking;
  const warnings: TrackingIssue[] = [];
  const events = inputs.map((e, i) => {
    const time = resolveTime(parseInstant(e.occurred_at));
    const status = e.status && isTrackingStatus(e.status) ? e.status : statusFor(t, e.carrier, [e.status_code], e.description);
    if (status === 'unknown') warnings.push({ path: `events[${i}]`, code: 'unmapped_status', message: `no status for code "${e.status_code}"` });
    const inferred = stageFor(t, e.carrier, [e.status_code], e.description, status, { eventCountry: e.location?.country ?? null });
    const stage = e.stage && isTrackingStage(e.stage) ? e.stage : inferred.stage;
    const customs = e.customs && isCustomsState(e.customs) ? e.customs : inferred.customs;
    return {
      trackingNumber: e.tracking_number, carrier: e.carrier, status, stage, customs, reason: e.reason ?? null,
      occurredAt: time.occurredAt, localTime: time.localTime, utcOffset: time.utcOffset, timeBasis: time.timeBasis,
      location: { code: e.location?.code ?? null, codeType: e.location?.code ? (/^[A-Z]{2}[A-Z2-9]{3}$/.test(e.location.code) ? 'unlocode' : 'carrier_facility') : null, city: e.location?.city ?? null, region: e.location?.region ?? null, postcode: e.location?.postcode ?? null, country: e.location?.country ?? null, lat: e.location?.lat ?? null, lon: e.location?.lon ?? null },
      description: e.description, rawStatusCode: e.status_code, raw: e,
    } satisfies TrackingEvent;
  });
  return { events, warnings };
}

function parseInstant(v: string): { utcIso?: string | null; local?: string | null; offsetMinutes?: number | null } {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|([+-])(\d{2}):?(\d{2}))$/i.exec(v.trim());
  if (!m) throw badRequest(`occurred_at "${v}" must be ISO 8601 with Z or an offset`, 'occurred_at');
  if (m[2]!.toUpperCase() === 'Z') return { utcIso: new Date(v).toISOString() };
  const offset = (m[3] === '-' ? -1 : 1) * (Number(m[4]) * 60 + Number(m[5]));
  return { local: m[1]!.length === 16 ? m[1] + ':00' : m[1]!.slice(0, 19), offsetMinutes: offset };
}

export function parseCsv(s: Pick<Services, 'state'>, text: string) {
  return parseTrackingCsv(text, data(s).tracking);
}

export interface IngestResult {
  received: number;
  stored: number;
  duplicates: number;
  unmatched: { carrier: string; tracking_number: string; events: number }[];
  shipments: string[];
  exceptions_opened: { id: string; shipment_id: string; rule: string }[];
  warnings: TrackingIssue[];
}

const TIME_QUALITY: Record<string, number> = { utc: 4, offset: 3, zone: 2, assumed_utc: 1 };
const MILESTONE_STATUSES = new Set(['picked_up', 'out_for_delivery', 'delivered', 'ready_for_pickup']);
const BUYER_MAIL_TOPICS = new Set(['picked_up', 'out_for_delivery', 'delivered']);

const EVENT_COLUMNS = `shipment_id, status, stage, customs, reason, occurred_at, local_time, utc_offset, time_basis, location, description, raw_status_code`;

export function rowToEvent(r: any, carrier: string, trackingNumber: string): TrackingEvent {
  return {
    trackingNumber, carrier, status: r.status, stage: r.stage, customs: r.customs, reason: r.reason, occurredAt: iso(r.occurred_at), localTime: r.local_time,
    utcOffset: r.utc_offset, timeBasis: r.time_basis, location: r.location, description: r.description, rawStatusCode: r.raw_status_code, raw: null,
  };
}

/**
 * Store and process events for shipments the caller may write to (owner, or a party holding a
 * write grant: carrier, warehouse, broker). Events for other tracking numbers are reported as
 * unmatched, never revealing whether such a shipment exists.
 */
export async function ingestEvents(tx: Executor, ctx: AuthContext, s: Services, events: TrackingEvent[], source: IngestSource, opts: { now?: string; infos?: TrackedShipmentInfo[]; warnings?: TrackingIssue[] } = {}): Promise<IngestResult> {
  const result: IngestResult = { received: events.length, stored: 0, duplicates: 0, unmatched: [], shipments: [], exceptions_opened: [], warnings: opts.warnings ?? [] };
  if (events.length === 0) return result;
  const now = opts.now ?? new Date().toISOString();
  const groups = new Map<string, TrackingEvent[]>();
  for (const e of events) {
    const k = `${e.carrier}\u0000${e.trackingNumber}`;
    (groups.get(k) ?? groups.set(k, []).get(k)!).push(e);
  }
  const pairs = [...groups.keys()].map((k) => k.split('\u0000') as [string, string]);
  // Lock the shipments in id order: concurrent ingests for one shipment serialise, and never deadlock.
  const found = await tx.query(
    `SELECT * FROM tracking_shipments WHERE (carrier, tracking_number) IN (SELECT * FROM unnest($1::text[], $2::text[])) ORDER BY id FOR UPDATE`,
    [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
  );
  const foreign = found.filter((r) => r.org_id !== ctx.orgId).map((r) => r.id);
  const writable = new Set(found.filter((r) => r.org_id === ctx.orgId).map((r) => r.id));
  if (foreign.length) {
    const granted = await tx.query(`SELECT entity_id FROM record_grants WHERE grantee_org_id = $1 AND entity_type = 'shipment' AND entity_id = ANY($2) AND revoked_at IS NULL AND 'write' = ANY(permissions)`, [ctx.orgId, foreign]);
    for (const g of granted) writable.add(g.entity_id);
  }
  const byPair = new Map(found.filter((r) => writable.has(r.id)).map((r) => [`${r.carrier}\u0000${r.tracking_number}`, r]));

  // De-duplicate within the batch by the engine's stable key, keeping the better-timed copy.
  const rows: { id: string; org: string; shp: string; key: string; e: TrackingEvent }[] = [];
  for (const [k, list] of groups) {
    const shp = byPair.get(k);
    if (!shp) {
      const [carrier, tracking_number] = k.split('\u0000') as [string, string];
      result.unmatched.push({ carrier, tracking_number, events: list.length });
      continue;
    }
    const best = new Map<string, TrackingEvent>();
    for (const e of list) {
      const key = eventKey(e);
      const seen = best.get(key);
      if (!seen || (TIME_QUALITY[e.timeBasis ?? ''] ?? 0) > (TIME_QUALITY[seen.timeBasis ?? ''] ?? 0)) best.set(key, e);
    }
    result.duplicates += list.length - best.size;
    for (const [key, e] of best) rows.push({ id: newId('tev'), org: shp.org_id, shp: shp.id, key, e });
  }
  if (rows.length === 0) return result;

  const col = <T>(f: (r: (typeof rows)[number]) => T) => rows.map(f);
  const inserted = await tx.query<{ shipment_id: string; id: string }>(
    `INSERT INTO tracking_events (id, org_id, shipment_id, event_key, status, stage, customs, reason, occurred_at, local_time, utc_offset, time_basis, location, description, raw_status_code, raw, source)
     SELECT u.id, u.org, u.shp, u.key, u.status, u.stage, u.customs, u.reason, u.at::timestamptz, u.lt, u.off, u.basis, u.loc::jsonb, u.descr, u.code, u.raw::jsonb, $17
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[])
         AS u(id, org, shp, key, status, stage, customs, reason, at, lt, off, basis, loc, descr, code, raw)
     ON CONFLICT (shipment_id, event_key) DO NOTHING RETURNING shipment_id, id`,
    [col((r) => r.id), col((r) => r.org), col((r) => r.shp), col((r) => r.key), col((r) => r.e.status), col((r) => r.e.stage), col((r) => r.e.customs), col((r) => r.e.reason),
      col((r) => r.e.occurredAt), col((r) => r.e.localTime), col((r) => r.e.utcOffset), col((r) => r.e.timeBasis), col((r) => JSON.stringify(r.e.location)),
      col((r) => r.e.description), col((r) => r.e.rawStatusCode), col((r) => (r.e.raw === undefined || r.e.raw === null ? null : JSON.stringify(r.e.raw))), source],
  );
  result.stored = inserted.length;
  result.duplicates += rows.length - inserted.length;
  const insertedIds = new Set(inserted.map((r) => r.id));
  const changed = [...new Set(inserted.map((r) => r.shipment_id))];
  result.shipments = [...new Set(rows.map((r) => r.shp))];

  // Carrier estimates (mapper shipment infos) update the predicted delivery.
  for (const info of opts.infos ?? []) {
    const shp = byPair.get(`${info.carrier}\u0000${info.trackingNumber}`);
    if (shp && info.estimatedDelivery) {
      const at = /T/.test(info.estimatedDelivery) ? new Date(info.estimatedDelivery).toISOString() : `${info.estimatedDelivery.slice(0, 10)}T23:59:59.999Z`;
      await tx.query(`UPDATE tracking_shipments SET estimated_delivery_at = $2 WHERE id = $1`, [shp.id, at]);
      shp.estimated_delivery_at = at;
    }
  }
  if (changed.length === 0) return result;

  await processChanged(tx, ctx, s, changed.map((id) => found.find((r) => r.id === id)!), rows.filter((r) => insertedIds.has(r.id)).map((r) => ({ shp: r.shp, e: r.e })), now, result);
  return result;
}

/**
 * Folded events of recently changed shipments, keyed by a version written to the shipment row in
 * the same transaction. A rolled-back write leaves the row's old version, so its cache entry is
 * never matched; another process changing the shipment writes a new version. Bounded (LRU-ish).
 */
const foldCache = new Map<string, { version: string; events: TrackingEvent[] }>();
const FOLD_CACHE_MAX = 5000;
function rememberFold(id: string, version: string, events: TrackingEvent[]) {
  foldCache.delete(id);
  foldCache.set(id, { version, events });
  if (foldCache.size > FOLD_CACHE_MAX) foldCache.delete(foldCache.keys().next().value!);
}

/** Re-fold the changed shipments, store their state, notify new milestones, evaluate rules. */
async function processChanged(tx: Executor, ctx: AuthContext, s: Services, shipments: any[], fresh: { shp: string; e: TrackingEvent }[], now: string, result: IngestResult) {
  // Events of each shipment: from the in-process fold cache when its version matches the row we
  // hold locked (no other writer can have changed it), else from the database.
  const freshBy = new Map<string, TrackingEvent[]>();
  for (const f of fresh) (freshBy.get(f.shp) ?? freshBy.set(f.shp, []).get(f.shp)!).push({ ...f.e, raw: null });
  const eventsBy = new Map<string, TrackingEvent[]>();
  const misses: any[] = [];
  for (const shp of shipments) {
    const cached = shp.fold_version ? foldCache.get(shp.id) : undefined;
    if (cached && cached.version === shp.fold_version) eventsBy.set(shp.id, [...cached.events, ...(freshBy.get(shp.id) ?? [])]);
    else misses.push(shp);
  }
  if (misses.length) {
    const all = await tx.query(`SELECT ${EVENT_COLUMNS} FROM tracking_events WHERE shipment_id = ANY($1)`, [misses.map((r) => r.id)]);
    const rowsBy = new Map<string, any[]>();
    for (const r of all) (rowsBy.get(r.shipment_id) ?? rowsBy.set(r.shipment_id, []).get(r.shipment_id)!).push(r);
    for (const shp of misses) eventsBy.set(shp.id, (rowsBy.get(shp.id) ?? []).map((r) => rowToEvent(r, shp.carrier, shp.tracking_number)));
  }
  const updates: Record<string, unknown>[] = [];
  const states = new Map<string, ReturnType<typeof foldShipmentState>>();
  for (const shp of shipments) {
    const state = foldShipmentState(eventsBy.get(shp.id)!);
    states.set(shp.id, state);
    const version = newId('fv');
    rememberFold(shp.id, version, state.events);
    const dwell = destinationDwell(state.events, shp.destination_country, now);
    updates.push({
      id: shp.id, status: state.status, stage: state.stage, customs: state.customs, picked_up_at: state.pickedUpAt, delivered_at: state.deliveredAt,
      first_event_at: state.firstEventAt, last_event_at: state.lastEventAt, event_count: state.events.length,
      port_dwell_hours: dwell && !dwell.ongoing ? Math.round(dwell.hours * 10) / 10 : null, fold_version: version,
    });
    Object.assign(shp, { status: state.status, stage: state.stage, customs: state.customs, picked_up_at: state.pickedUpAt, delivered_at: state.deliveredAt, last_event_at: state.lastEventAt });
  }
  await tx.query(
    `UPDATE tracking_shipments t SET status = v.status, stage = v.stage, customs = v.customs, picked_up_at = v.picked_up_at, delivered_at = v.delivered_at,
            first_event_at = v.first_event_at, last_event_at = v.last_event_at, event_count = v.event_count, port_dwell_hours = v.port_dwell_hours, fold_version = v.fold_version,
            rules_checked_at = $2::timestamptz, updated_at = now()
       FROM jsonb_to_recordset($1::jsonb) AS v(id text, status text, stage text, customs text, picked_up_at timestamptz, delivered_at timestamptz,
            first_event_at timestamptz, last_event_at timestamptz, event_count int, port_dwell_hours numeric, fold_version text)
      WHERE t.id = v.id`,
    [JSON.stringify(updates), now],
  );

  // Milestones: each (shipment, topic) once — new statuses, stages and customs release.
  const topics: [string, string][] = [];
  for (const { shp, e } of fresh) {
    if (MILESTONE_STATUSES.has(e.status)) topics.push([shp, e.status]);
    if (e.stage) topics.push([shp, 'stage:' + e.stage]);
    if (e.customs === 'released') topics.push([shp, 'customs_released']);
  }
  if (topics.length) {
    const fresh2 = await tx.query<{ shipment_id: string; topic: string }>(
      `INSERT INTO tracking_notifications (shipment_id, topic) SELECT DISTINCT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING RETURNING shipment_id, topic`,
      [topics.map((t) => t[0]), topics.map((t) => t[1])],
    );
    for (const n of fresh2) await notifyMilestone(tx, ctx, s, shipments.find((r) => r.id === n.shipment_id)!, n.topic);
  }

  // Exception rules on the new state (time-based ones again in the sweep job).
  const settingsByOrg = new Map<string, Awaited<ReturnType<typeof ruleSettings>>>();
  const tables = data(s).exceptions;
  const tariffs = new Map<string, DemurrageTariff | null>();
  for (const shp of shipments) {
    let settings = settingsByOrg.get(shp.org_id);
    if (!settings) settingsByOrg.set(shp.org_id, (settings = await ruleSettings(tx, s, shp.org_id)));
    const findings = evaluateRules({ now, facts: factsOf(shp), state: states.get(shp.id)!, excursions: [], settings, tables, tariff: await tariffForShipment(tx, s, shp, tariffs) });
    if (findings.length) result.exceptions_opened.push(...(await raiseFindings(tx, s, shp, findings)));
  }
}

/** A milestone reached for the first time: outbox event (→ webhooks of every party) and e-mails. */
async function notifyMilestone(tx: Executor, ctx: AuthContext, s: Services, shp: any, topic: string) {
  if (topic.startsWith('stage:')) {
    await emit(tx, ctx, { type: 'tracking.shipment.stage_reached', entityType: 'shipment', entityId: shp.id, orgId: shp.org_id, audience: audienceOf(shp), payload: { stage: topic.slice(6), tracking_number: shp.tracking_number } });
    return;
  }
  await emit(tx, ctx, {
    type: `tracking.shipment.${topic}`, entityType: 'shipment', entityId: shp.id, orgId: shp.org_id, audience: audienceOf(shp),
    payload: { carrier: shp.carrier, tracking_number: shp.tracking_number, order_id: shp.order_id, booking_id: shp.booking_id, status: shp.status, delivered_at: iso(shp.delivered_at) },
  });
  const link = `${s.config.publicUrl}/track/${encodeURIComponent(shp.tracking_number)}`;
  const words: Record<string, string> = { picked_up: 'has been picked up', out_for_delivery: 'is out for delivery', delivered: 'has been delivered', ready_for_pickup: 'is ready for pickup', customs_released: 'has cleared customs' };
  const text = `Shipment ${shp.tracking_number} (${shp.carrier}) ${words[topic] ?? topic}.\nTrack it: ${link} (enter the destination postcode)\n\n运单 ${shp.tracking_number} 状态更新：${topic}`;
  if (shp.buyer_email && BUYER_MAIL_TOPICS.has(topic)) await queueEmail(tx, { to: shp.buyer_email, subject: `Your shipment ${words[topic] ?? topic}`, text }, shp.org_id);
  if (shp.seller_email && topic === 'delivered') await queueEmail(tx, { to: shp.seller_email, subject: `Delivered: ${shp.tracking_number}`, text }, shp.org_id);
}

// ---------------------------------------------------------------- full evaluation (IoT, sweep)

export function rowToReading(r: any): IotReading {
  const base = { deviceId: r.device_id, trackingNumber: null, recordedAt: iso(r.recorded_at)! };
  switch (r.kind) {
    case 'gps': return { kind: 'gps', ...base, lat: r.value.lat, lon: r.value.lon, accuracyM: r.value.accuracyM ?? null };
    case 'temperature': return { kind: 'temperature', ...base, celsius: r.value.celsius };
    case 'humidity': return { kind: 'humidity', ...base, percent: r.value.percent };
    default: return { kind: 'shock', ...base, peakG: r.value.peakG, durationMs: r.value.durationMs ?? null };
  }
}

/** Evaluate every rule for one shipment at `now` (events + IoT excursions). */
export async function evaluateShipment(tx: Executor, s: Services, shp: any, now: string) {
  const evs = await tx.query(`SELECT ${EVENT_COLUMNS} FROM tracking_events WHERE shipment_id = $1`, [shp.id]);
  const state = evs.length ? foldShipmentState(evs.map((r) => rowToEvent(r, shp.carrier, shp.tracking_number))) : null;
  const handling = shp.handling ?? {};
  let excursions: ReturnType<typeof findIotExcursions> = [];
  if (handling.temperatureC || handling.humidityPct || handling.shockG !== undefined) {
    const readings = await tx.query(`SELECT device_id, kind, recorded_at, value FROM tracking_iot_readings WHERE shipment_id = $1 AND kind <> 'gps'`, [shp.id]);
    excursions = findIotExcursions(readings.map(rowToReading), handling);
  }
  const tables = data(s).exceptions;
  const findings = evaluateRules({ now, facts: factsOf(shp), state, excursions, settings: await ruleSettings(tx, s, shp.org_id), tables, tariff: await tariffForShipment(tx, s, shp) });
  await tx.query(`UPDATE tracking_shipments SET rules_checked_at = $2 WHERE id = $1`, [shp.id, now]);
  return raiseFindings(tx, s, shp, findings);
}

/** IoT readings for a shipment: validated by the engine, stored once per device/kind/time, then evaluated. */
export async function ingestIot(tx: Executor, s: Services, shp: any, messages: unknown[], now = new Date().toISOString()) {
  const { readings, issues } = parseIotReadings(messages);
  let stored = 0;
  if (readings.length) {
    const value = (r: IotReading) => JSON.stringify(r.kind === 'gps' ? { lat: r.lat, lon: r.lon, accuracyM: r.accuracyM } : r.kind === 'temperature' ? { celsius: r.celsius } : r.kind === 'humidity' ? { percent: r.percent } : { peakG: r.peakG, durationMs: r.durationMs });
    const ins = await tx.query(
      `INSERT INTO tracking_iot_readings (id, org_id, shipment_id, device_id, kind, recorded_at, value)
       SELECT u.id, $1, $2, u.dev, u.kind, u.at::timestamptz, u.val::jsonb FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS u(id, dev, kind, at, val)
       ON CONFLICT (shipment_id, device_id, kind, recorded_at) DO NOTHING RETURNING id`,
      [shp.org_id, shp.id, readings.map(() => newId('iot')), readings.map((r) => r.deviceId), readings.map((r) => r.kind), readings.map((r) => r.recordedAt), readings.map(value)],
    );
    stored = ins.length;
  }
  const opened = stored ? await evaluateShipment(tx, s, shp, now) : [];
  return { received: messages.length, stored, duplicates: readings.length - stored, issues, exceptions_opened: opened };
}
