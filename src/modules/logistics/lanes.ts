// The lane catalogue: providers publish versioned lanes (rate cards, capacity, restrictions,
// clearance) and service bundles; every organisation reads what is published; quotes run the
// routing engine over the published, valid lanes.
import { recordAudit } from '../../kernel/audit.ts';
import type { AuthContext } from '../../kernel/context.ts';
import type { Executor } from '../../kernel/db.ts';
import { badRequest, forbidden, notFound, unprocessable } from '../../kernel/errors.ts';
import { emit } from '../../kernel/events.ts';
import { newId } from '../../kernel/ids.ts';
import {
  addDays, isBundleError, isoWeekday, parseRateCardCsv, priceBundle, quoteShipment,
  type CapacityUsage, type Lane, type ServiceBundle, type ServiceTariff, type Shipment,
} from '../../engines/routing/index.ts';
import { toEngineFx, type FxInput, type LaneDefinition } from './inputs.ts';

/** Organisation kinds that may publish lanes and bundles. */
const PROVIDER_KINDS = new Set(['carrier', 'warehouse', 'operator']);

function assertProvider(ctx: AuthContext) {
  if (!PROVIDER_KINDS.has(ctx.orgKind)) throw forbidden('Only carrier, forwarder or warehouse organisations publish lanes');
}

export interface LaneRow {
  id: string;
  provider_org_id: string;
  code: string;
  name: string;
  status: 'draft' | 'published' | 'archived';
  version: number;
  valid_from: string;
  valid_to: string;
  lane: LaneDefinition;
  suspended: boolean;
  suspended_reason: string | null;
  created_at: string;
  updated_at: string;
}

const isoDay = (d: unknown) => (d instanceof Date ? d.toISOString().slice(0, 10) : String(d).slice(0, 10));

export function publicLane(r: any): LaneRow {
  return {
    id: r.id, provider_org_id: r.provider_org_id, code: r.code, name: r.name, status: r.status, version: r.version,
    valid_from: isoDay(r.valid_from), valid_to: isoDay(r.valid_to), lane: r.lane, suspended: r.suspended,
    suspended_reason: r.suspended_reason, created_at: r.created_at, updated_at: r.updated_at,
  };
}

/** The engine's Lane for a stored row: its id is the catalogue id, so decisions and bookings refer to it. */
export function toEngineLane(r: LaneRow, rating?: number): Lane {
  const { code: _code, ...def } = r.lane;
  return { ...def, id: r.id, providerOrgId: r.provider_org_id, version: r.version, suspended: r.suspended || undefined, suspendedReason: r.suspended_reason ?? undefined, rating } as Lane;
}

function checkDefinition(def: LaneDefinition) {
  if (def.validFrom > def.validTo) throw badRequest('validFrom must not be after validTo', 'validFrom');
  const zones = new Set(def.destination.zones.map((z) => z.zone));
  const bad = def.rateCard.weightBreaks.find((b) => !zones.has(b.zone));
  if (bad) throw badRequest(`weight break zone "${bad.zone}" is not a destination zone`, 'rateCard.weightBreaks');
}

export async function createLane(tx: Executor, ctx: AuthContext, def: LaneDefinition, publish = false): Promise<LaneRow> {
  assertProvider(ctx);
  checkDefinition(def);
  const dup = await tx.maybeOne(`SELECT id FROM logistics_lanes WHERE provider_org_id = $1 AND code = $2`, [ctx.orgId, def.code]);
  if (dup) throw unprocessable('duplicate_lane_code', `You already have a lane with code "${def.code}"`, { lane_id: dup.id });
  const id = newId('lan');
  const row = publicLane(await tx.one(
    `INSERT INTO logistics_lanes (id, provider_org_id, code, name, status, valid_from, valid_to, lane) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING *`,
    [id, ctx.orgId, def.code, def.name, publish ? 'published' : 'draft', def.validFrom, def.validTo, JSON.stringify(def)],
  ));
  await tx.query(`INSERT INTO logistics_lane_versions (lane_id, version, lane, changed_by) VALUES ($1, 1, $2, $3)`, [id, JSON.stringify(def), ctx.userId]);
  await recordAudit(tx, ctx, { action: 'logistics.lane.create', entityType: 'lane', entityId: id, after: { code: def.code, status: row.status } });
  if (publish) await emit(tx, ctx, { type: 'logistics.lane.published', entityType: 'lane', entityId: id, orgId: ctx.orgId, payload: { code: def.code, version: 1 } });
  return row;
}

/** Visible lanes: published ones of every provider, plus the caller's own drafts and archive. */
export async function listLanes(tx: Executor, ctx: AuthContext, q: { mine?: boolean; status?: string; destination?: string; origin?: string } = {}): Promise<LaneRow[]> {
  const where = [q.mine ? `provider_org_id = $1` : `(status = 'published' OR provider_org_id = $1)`];
  const params: unknown[] = [ctx.orgId];
  if (q.status) { params.push(q.status); where.push(`status = $${params.length}`); }
  if (q.destination) { params.push(q.destination); where.push(`lane->'destination'->>'country' = $${params.length}`); }
  if (q.origin) { params.push(q.origin); where.push(`lane->'origin'->>'country' = $${params.length}`); }
  const rows = await tx.query(`SELECT * FROM logistics_lanes WHERE ${where.join(' AND ')} ORDER BY provider_org_id, code`, params);
  return rows.map(publicLane);
}

export async function getLane(tx: Executor, ctx: AuthContext, id: string): Promise<LaneRow> {
  const r = await tx.maybeOne(`SELECT * FROM logistics_lanes WHERE id = $1 AND (status = 'published' OR provider_org_id = $2)`, [id, ctx.orgId]);
  if (!r) throw notFound('Lane', id);
  return publicLane(r);
}

async function getOwnLane(tx: Executor, ctx: AuthContext, id: string, lock = true): Promise<LaneRow> {
  const r = await tx.maybeOne(`SELECT * FROM logistics_lanes WHERE id = $1 AND (status = 'published' OR provider_org_id = $2) ${lock ? 'FOR UPDATE' : ''}`, [id, ctx.orgId]);
  if (!r) throw notFound('Lane', id);
  if (r.provider_org_id !== ctx.orgId) throw forbidden('Only the provider that publishes a lane may change it');
  return publicLane(r);
}

export async function laneVersions(tx: Executor, ctx: AuthContext, id: string) {
  await getLane(tx, ctx, id);
  return tx.query(`SELECT version, lane, changed_by, created_at FROM logistics_lane_versions WHERE lane_id = $1 ORDER BY version DESC`, [id]);
}

/** A new version of the lane (rate card, capacity, restrictions, validity…); earlier versions stay readable. */
export async function updateLane(tx: Executor, ctx: AuthContext, id: string, patch: Partial<Omit<LaneDefinition, 'code'>> & { status?: 'draft' | 'published' | 'archived' }): Promise<LaneRow> {
  const before = await getOwnLane(tx, ctx, id);
  const { status, ...defPatch } = patch;
  const def: LaneDefinition = { ...before.lane, ...defPatch };
  checkDefinition(def);
  const changedDefinition = Object.keys(defPatch).length > 0;
  const version = changedDefinition ? before.version + 1 : before.version;
  const row = publicLane(await tx.one(
    `UPDATE logistics_lanes SET lane = $2, name = $3, valid_from = $4, valid_to = $5, version = $6, status = $7, updated_at = now() WHERE id = $1 RETURNING *`,
    [id, JSON.stringify(def), def.name, def.validFrom, def.validTo, version, status ?? before.status],
  ));
  if (changedDefinition) await tx.query(`INSERT INTO logistics_lane_versions (lane_id, version, lane, changed_by) VALUES ($1,$2,$3,$4)`, [id, version, JSON.stringify(def), ctx.userId]);
  await recordAudit(tx, ctx, { action: 'logistics.lane.update', entityType: 'lane', entityId: id, before: { version: before.version, status: before.status }, after: { version, status: row.status, changed: Object.keys(patch) } });
  if (status === 'published' && before.status !== 'published') await emit(tx, ctx, { type: 'logistics.lane.published', entityType: 'lane', entityId: id, orgId: ctx.orgId, payload: { code: def.code, version } });
  return row;
}

export async function setLaneSuspended(tx: Executor, ctx: AuthContext, id: string, suspended: boolean, reason?: string): Promise<LaneRow> {
  const before = await getOwnLane(tx, ctx, id);
  const row = publicLane(await tx.one(`UPDATE logistics_lanes SET suspended = $2, suspended_reason = $3, updated_at = now() WHERE id = $1 RETURNING *`, [id, suspended, suspended ? reason ?? 'suspended by the provider' : null]));
  await recordAudit(tx, ctx, { action: suspended ? 'logistics.lane.suspend' : 'logistics.lane.resume', entityType: 'lane', entityId: id, before: { suspended: before.suspended }, after: { suspended, reason } });
  await emit(tx, ctx, { type: suspended ? 'logistics.lane.suspended' : 'logistics.lane.resumed', entityType: 'lane', entityId: id, orgId: ctx.orgId, payload: { code: row.code, reason: reason ?? null } });
  return row;
}

/** Rate-card CSV import; `dryRun` (or any error) changes nothing and reports every problem by line. */
export async function importRateCard(tx: Executor, ctx: AuthContext, id: string, csv: string, dryRun: boolean) {
  const lane = await getOwnLane(tx, ctx, id);
  const zones = lane.lane.destination.zones.map((z) => z.zone);
  const parsed = parseRateCardCsv(csv, { currency: lane.lane.rateCard.currency, zones });
  const result = { ok: parsed.ok, dry_run: dryRun, applied: false, errors: parsed.errors, warnings: parsed.warnings, weight_breaks: parsed.weightBreaks.length, version: lane.version };
  if (!parsed.ok || dryRun) return result;
  const updated = await updateLane(tx, ctx, id, { rateCard: { ...lane.lane.rateCard, weightBreaks: parsed.weightBreaks } });
  return { ...result, applied: true, version: updated.version };
}

// --- reading the network for quotes and routing ------------------------------------------------

/** Published lanes valid on `date` (suspended ones included: the engine reports them as excluded). */
export async function publishedEngineLanes(tx: Executor, date: string): Promise<Lane[]> {
  const rows = await tx.query(`SELECT * FROM logistics_lanes WHERE status = 'published' AND valid_from <= $1 AND valid_to >= $1 ORDER BY id`, [date]);
  return rows.map((r) => toEngineLane(publicLane(r)));
}

/** Capacity already booked per lane on the day and ISO week of `date` (requested + accepted bookings). */
export async function capacityUsage(tx: Executor, date: string): Promise<Record<string, CapacityUsage>> {
  const weekStart = addDays(date, 1 - isoWeekday(date));
  const rows = await tx.query(
    `SELECT lane_id,
            COALESCE(SUM(chargeable_grams) FILTER (WHERE ship_date = $1), 0)::bigint AS day_g,
            COALESCE(SUM(parcels) FILTER (WHERE ship_date = $1), 0)::bigint AS day_p,
            COALESCE(SUM(chargeable_grams), 0)::bigint AS week_g,
            COALESCE(SUM(parcels), 0)::bigint AS week_p
       FROM logistics_bookings WHERE status IN ('requested','accepted') AND ship_date >= $2 AND ship_date <= $3 GROUP BY lane_id`,
    [date, weekStart, addDays(weekStart, 6)],
  );
  const out: Record<string, CapacityUsage> = {};
  for (const r of rows) out[r.lane_id] = { dayKg: Number(r.day_g) / 1000, dayParcels: Number(r.day_p), weekKg: Number(r.week_g) / 1000, weekParcels: Number(r.week_p) };
  return out;
}

export async function quote(tx: Executor, shipment: Shipment, date: string, fx?: FxInput) {
  const lanes = await publishedEngineLanes(tx, date);
  const names = new Map(lanes.map((l) => [l.id, l.name ?? l.id]));
  const result = quoteShipment(lanes, shipment, date, { capacityUsage: await capacityUsage(tx, date), fx: toEngineFx(fx) });
  return {
    date,
    quotes: result.quotes.map((q) => ({ lane_name: names.get(q.laneId), ...q })),
    excluded: result.excluded.map((e) => ({ lane_name: names.get(e.laneId), ...e })),
  };
}

// --- service bundles ---------------------------------------------------------------------------

export async function createBundle(tx: Executor, ctx: AuthContext, input: { name: string; currency: string; discount_bp?: number; components: ServiceBundle['components']; services: Omit<ServiceTariff, 'providerOrgId'>[] }) {
  assertProvider(ctx);
  for (const c of input.components) {
    if (c.kind === 'lane') {
      const lane = await tx.maybeOne(`SELECT provider_org_id, status FROM logistics_lanes WHERE id = $1`, [c.laneId]);
      if (!lane || (lane.status !== 'published' && lane.provider_org_id !== ctx.orgId)) throw badRequest(`lane ${c.laneId} is not in the catalogue`, 'components');
    } else if (!input.services.some((s) => s.id === c.serviceId)) throw badRequest(`service ${c.serviceId} is not defined in services`, 'components');
  }
  const id = newId('bnd');
  const bundle: ServiceBundle = { id, name: input.name, sellerFacingProviderOrgId: ctx.orgId, currency: input.currency, components: input.components, discountBp: input.discount_bp };
  const services: ServiceTariff[] = input.services.map((s) => ({ ...s, providerOrgId: ctx.orgId }));
  await tx.query(`INSERT INTO logistics_bundles (id, provider_org_id, name, bundle, services) VALUES ($1,$2,$3,$4,$5)`, [id, ctx.orgId, input.name, JSON.stringify(bundle), JSON.stringify(services)]);
  await recordAudit(tx, ctx, { action: 'logistics.bundle.create', entityType: 'bundle', entityId: id, after: { name: input.name } });
  return { id, provider_org_id: ctx.orgId, name: input.name, status: 'published', bundle, services };
}

export async function listBundles(tx: Executor, ctx: AuthContext) {
  const rows = await tx.query(`SELECT * FROM logistics_bundles WHERE status = 'published' OR provider_org_id = $1 ORDER BY id`, [ctx.orgId]);
  return rows.map((r) => ({ id: r.id, provider_org_id: r.provider_org_id, name: r.name, status: r.status, bundle: r.bundle, services: r.services }));
}

export async function quoteBundle(tx: Executor, ctx: AuthContext, id: string, shipment: Shipment, date: string, fx?: FxInput) {
  const row = await tx.maybeOne(`SELECT * FROM logistics_bundles WHERE id = $1 AND (status = 'published' OR provider_org_id = $2)`, [id, ctx.orgId]);
  if (!row) throw notFound('Service bundle', id);
  const lanes = await publishedEngineLanes(tx, date);
  const q = priceBundle(row.bundle, shipment, date, { lanes, services: row.services }, toEngineFx(fx));
  if (isBundleError(q)) throw unprocessable('bundle_not_available', `Bundle cannot carry this shipment: ${q.reason}`, { component_id: q.componentId });
  return q;
}
