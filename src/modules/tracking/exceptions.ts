// Exceptions raised by the rules: one per shipment and rule (the dedupe key), with owner, status,
// a timeline of notes and comments. Parties are notified once, when the exception opens.
import type { Services } from '../../http/services.ts';
import { recordAudit } from '../../kernel/audit.ts';
import type { AuthContext } from '../../kernel/context.ts';
import { withTx, type Db, type Executor } from '../../kernel/db.ts';
import { badRequest, illegalTransition, notFound } from '../../kernel/errors.ts';
import { emit } from '../../kernel/events.ts';
import { assertAccess, visibleToSql } from '../../kernel/grants.ts';
import { newId } from '../../kernel/ids.ts';
import { enqueue, type Job } from '../../kernel/jobs.ts';
import { queueEmail } from '../../kernel/mail.ts';
import { toPage } from '../../kernel/pagination.ts';
import { publishedEngineLanes } from './deps.ts';
import { RULE_IDS, tariffFor, type DemurrageTariff, type Finding, type Party, type RuleId, type RuleSettings } from '../../engines/exceptions/index.ts';
import { quoteShipment, type Parcel } from '../../engines/routing/index.ts';
import { evaluateShipment } from './ingest.ts';
import { audienceOf } from './shipments.ts';
import { attempt, data, iso, ruleSettings } from './state.ts';

/** Who has to act on an exception of each rule (falls back to the seller when that party is unknown). */
const OWNER: Record<RuleId, Party> = {
  dwell_at_port: 'carrier', no_scan: 'carrier', late_delivery: 'carrier', customs_hold: 'broker', temperature_excursion: 'carrier',
  humidity_excursion: 'carrier', shock: 'carrier', failed_delivery: 'carrier', return_to_sender: 'seller', damage_or_loss: 'carrier',
};

const partyOrg = (shp: any, p: Party): string | null =>
  ({ seller: shp.org_id, carrier: shp.carrier_org_id, broker: shp.broker_org_id, warehouse: shp.warehouse_org_id, buyer: shp.buyer_org_id })[p] ?? null;

export function publicException(r: any) {
  return {
    id: r.id, shipment_id: r.shipment_id, rule: r.rule, severity: r.severity, title: r.title, facts: r.facts, notify: r.notify, status: r.status,
    owner_org_id: r.owner_org_id, assignee: r.assignee, cause: r.cause, since: iso(r.since), opened_at: r.opened_at, last_seen_at: r.last_seen_at,
    resolved_at: r.resolved_at, resolution: r.resolution, ...(r.tracking_number ? { tracking_number: r.tracking_number, carrier: r.carrier } : {}),
  };
}

async function note(tx: Executor, exc: any, kind: string, body: string, author: { orgId?: string | null; userId?: string | null } = {}) {
  await tx.query(`INSERT INTO tracking_exception_notes (id, org_id, exception_id, kind, author_org_id, author_user_id, body) VALUES ($1,$2,$3,$4,$5,$6,$7)`,
    [newId('exn'), exc.org_id, exc.id, kind, author.orgId ?? null, author.userId ?? null, body]);
}

/**
 * Store findings: a new (shipment, rule) opens an exception and notifies its parties once; an open
 * one only gets its facts refreshed (no second notification, no alert storm).
 */
export async function raiseFindings(tx: Executor, s: Services, shp: any, findings: Finding[]) {
  const opened: { id: string; shipment_id: string; rule: string }[] = [];
  for (const f of findings) {
    const owner = partyOrg(shp, OWNER[f.rule]) ?? shp.org_id;
    const rows = await tx.query(
      `INSERT INTO tracking_exceptions (id, org_id, shipment_id, rule, severity, title, facts, notify, owner_org_id, since)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)
       ON CONFLICT (shipment_id, rule) DO UPDATE SET facts = tracking_exceptions.facts || EXCLUDED.facts, title = EXCLUDED.title, last_seen_at = now()
         WHERE tracking_exceptions.status IN ('open','acknowledged')
       RETURNING id, org_id, (xmax = 0) AS inserted`,
      [newId('exc'), shp.org_id, shp.id, f.rule, f.severity, f.title, JSON.stringify(f.facts), f.notify, owner, f.since],
    );
    const row = rows[0];
    if (!row?.inserted) continue;
    if (f.rule === 'dwell_at_port') {
      const proposals = await attempt(tx, 'tl_alternatives', () => alternativesFor(tx, shp));
      await tx.query(`UPDATE tracking_exceptions SET facts = facts || $2::jsonb WHERE id = $1`, [row.id, JSON.stringify({ alternatives: proposals.ok ? proposals.value : [] })]);
    }
    opened.push({ id: row.id, shipment_id: shp.id, rule: f.rule });
    const orgs = [...new Set(f.notify.map((p) => partyOrg(shp, p)).filter(Boolean) as string[])];
    await note(tx, row, 'opened', f.title);
    await emit(tx, null, {
      type: 'tracking.exception.opened', entityType: 'exception', entityId: row.id, orgId: shp.org_id, audience: orgs.filter((o) => o !== shp.org_id),
      payload: { shipment_id: shp.id, tracking_number: shp.tracking_number, rule: f.rule, severity: f.severity, title: f.title, notify: f.notify, since: f.since },
    });
    const mails: string[] = [];
    if (f.notify.includes('buyer') && shp.buyer_email) mails.push(shp.buyer_email);
    if (f.notify.includes('seller') && shp.seller_email) mails.push(shp.seller_email);
    for (const to of mails) await queueEmail(tx, { to, subject: `Shipment ${shp.tracking_number}: ${f.title}`, text: `${f.title}\n\nShipment ${shp.tracking_number} (${shp.carrier}).\n${f.rule === 'customs_hold' ? 'Documents needed: ' + ((f.facts.documents_needed as string[]) ?? []).join(', ') + '\n' : ''}${s.config.publicUrl}/track/${encodeURIComponent(shp.tracking_number)}` }, shp.org_id);
    await note(tx, row, 'notified', `notified ${f.notify.join(', ')}${mails.length ? ` (e-mail to ${mails.length})` : ''}`);
  }
  return opened;
}

/**
 * Demurrage tariff for a shipment: the lane's SLA contract tariff when it has one (wins), else the
 * table's (destination country + mode). `cache` spares repeated look-ups within one batch.
 */
export async function tariffForShipment(tx: Executor, s: Services, shp: any, cache = new Map<string, DemurrageTariff | null>()): Promise<DemurrageTariff | null> {
  const table = tariffFor(data(s).exceptions, shp.destination_country, shp.mode);
  if (!shp.lane_id) return table;
  const key = `${shp.lane_id}|${shp.org_id}`;
  if (!cache.has(key)) {
    const c = await tx.maybeOne(`SELECT demurrage FROM tracking_contracts WHERE lane_id = $1 AND seller_org_id = $2 AND status = 'active' AND demurrage IS NOT NULL ORDER BY created_at DESC LIMIT 1`, [shp.lane_id, shp.org_id]);
    cache.set(key, (c?.demurrage as DemurrageTariff | undefined) ?? null);
  }
  return cache.get(key) ?? table;
}

/**
 * Proposed alternatives for goods stuck at the destination port: onward lanes from the port's
 * country to the consignee priced by the routing engine (fastest typical transit first).
 */
async function alternativesFor(tx: Executor, shp: any) {
  if (!shp.destination_country) return [];
  const today = new Date().toISOString().slice(0, 10);
  const lanes = (await publishedEngineLanes(tx, today)).filter((l) => l.id !== shp.lane_id && l.origin.country === shp.destination_country);
  if (lanes.length === 0) return [];
  const parcels: Parcel[] = (shp.parcels?.length ? shp.parcels : [{ weightGrams: 1000, lengthCm: 30, widthCm: 20, heightCm: 15 }]);
  const declared = shp.declared_value ?? { currency: 'USD', amountMinor: 10_000 };
  // Lanes that collect only from named warehouses are offered as a transshipment via that warehouse.
  const quotes = lanes.flatMap((lane) => {
    const via = lane.origin.warehouseIds?.[0];
    const q = quoteShipment([lane], { origin: { country: shp.destination_country, ...(via ? { warehouseId: via } : {}) }, destination: { country: shp.destination_country, postcode: shp.destination_postcode ?? '' }, incoterm: 'DAP', parcels, declaredValue: declared }, today);
    return q.quotes.map((x) => ({ x, via }));
  });
  return quotes
    .sort((a, b) => a.x.transit.typicalDays - b.x.transit.typicalDays || a.x.price.totalMinor - b.x.price.totalMinor)
    .slice(0, 3)
    .map(({ x, via }) => ({ lane_id: x.laneId, provider_org_id: x.providerOrgId, mode: x.mode, price: { amount: x.price.totalMinor, currency: x.price.currency }, typical_delivery: x.transit.typical, kind: via ? 'transship_via_warehouse' : 'onward_from_port', via_warehouse: via ?? null }));
}

// ---------------------------------------------------------------- queue operations

const EXC_SELECT = `SELECT e.*, s.tracking_number, s.carrier, s.carrier_org_id AS s_carrier, s.broker_org_id AS s_broker FROM tracking_exceptions e JOIN tracking_shipments s ON s.id = e.shipment_id`;

export async function listExceptions(tx: Executor, ctx: AuthContext, q: { limit: number; cursor?: string; status?: string; rule?: string; shipment_id?: string; mine?: boolean }) {
  const where = [visibleToSql('s', 'shipment', '$1')];
  const params: unknown[] = [ctx.orgId];
  const add = (sql: string, v: unknown) => { params.push(v); where.push(sql.replace('?', `$${params.length}`)); };
  if (q.status) add('e.status = ?', q.status);
  if (q.rule) add('e.rule = ?', q.rule);
  if (q.shipment_id) add('e.shipment_id = ?', q.shipment_id);
  if (q.mine) where.push('e.owner_org_id = $1');
  if (q.cursor) add('e.id < ?', q.cursor);
  const rows = await tx.query(`${EXC_SELECT} WHERE ${where.join(' AND ')} ORDER BY e.id DESC LIMIT ${q.limit + 1}`, params);
  return toPage(rows.map(publicException), q.limit, (r) => r.id);
}

async function loadException(tx: Executor, ctx: AuthContext, id: string, level: 'read' | 'write' = 'read', lock = false) {
  const r = await tx.maybeOne(`${EXC_SELECT} WHERE e.id = $1 ${lock ? 'FOR UPDATE OF e' : ''}`, [id]);
  await assertAccess(tx, ctx, r ? { entityType: 'shipment', entityId: r.shipment_id, ownerOrgId: r.org_id } : undefined, 'Exception', id, level);
  return r!;
}

export async function getException(tx: Executor, ctx: AuthContext, id: string) {
  const r = await loadException(tx, ctx, id);
  const notes = await tx.query(`SELECT id, kind, author_org_id, author_user_id, body, created_at FROM tracking_exception_notes WHERE exception_id = $1 ORDER BY id`, [id]);
  return { ...publicException(r), timeline: notes };
}

export async function commentException(tx: Executor, ctx: AuthContext, id: string, body: string) {
  const r = await loadException(tx, ctx, id, 'write');
  await note(tx, r, 'comment', body, ctx);
  await emit(tx, ctx, { type: 'tracking.exception.commented', entityType: 'exception', entityId: id, orgId: r.org_id, audience: audienceOf({ ...r, carrier_org_id: r.s_carrier, broker_org_id: r.s_broker }), payload: { body } });
  return getException(tx, ctx, id);
}

const NEXT: Record<string, string[]> = { open: ['acknowledged', 'resolved', 'dismissed'], acknowledged: ['resolved', 'dismissed'], resolved: ['open'], dismissed: ['open'] };

/** Assign, change status (acknowledge / resolve / dismiss / reopen), or attribute the cause (customs holds: seller → SLA exclusion). */
export async function updateException(tx: Executor, ctx: AuthContext, id: string, patch: { status?: 'open' | 'acknowledged' | 'resolved' | 'dismissed'; assignee?: string | null; resolution?: string; cause?: 'seller' | 'carrier' | 'authority' | 'other' }) {
  const r = await loadException(tx, ctx, id, 'write', true);
  if (patch.status && patch.status !== r.status && !NEXT[r.status]!.includes(patch.status)) throw illegalTransition('Exception', r.status, patch.status, NEXT[r.status]!);
  if ((patch.status === 'resolved' || patch.status === 'dismissed') && !patch.resolution) throw badRequest('Say how it was resolved', 'resolution');
  if (patch.cause === 'seller' && r.rule === 'customs_hold' && ctx.orgId === r.org_id) throw badRequest('The seller cannot attribute its own hold; the broker or operator does', 'cause');
  const closing = patch.status === 'resolved' || patch.status === 'dismissed';
  const row = await tx.one(
    `UPDATE tracking_exceptions SET status = COALESCE($2, status), assignee = CASE WHEN $3::boolean THEN $4 ELSE assignee END, cause = COALESCE($5, cause),
            resolution = CASE WHEN $6::boolean THEN $7 WHEN $2 = 'open' THEN NULL ELSE resolution END,
            resolved_at = CASE WHEN $6::boolean THEN now() WHEN $2 = 'open' THEN NULL ELSE resolved_at END
      WHERE id = $1 RETURNING *`,
    [id, patch.status ?? null, patch.assignee !== undefined, patch.assignee ?? null, patch.cause ?? null, closing, patch.resolution ?? null],
  );
  const changes: string[] = [];
  if (patch.status && patch.status !== r.status) changes.push(`status ${r.status} → ${patch.status}${patch.resolution ? ': ' + patch.resolution : ''}`);
  if (patch.assignee !== undefined) changes.push(`assigned to ${patch.assignee ?? 'nobody'}`);
  if (patch.cause) changes.push(`cause: ${patch.cause}`);
  for (const c of changes) await note(tx, r, patch.status && c.startsWith('status') ? 'status' : c.startsWith('assigned') ? 'assigned' : 'cause', c, ctx);
  await recordAudit(tx, ctx, { action: 'tracking.exception.update', entityType: 'exception', entityId: id, orgId: r.org_id, before: { status: r.status, assignee: r.assignee, cause: r.cause }, after: { status: row.status, assignee: row.assignee, cause: row.cause } });
  if (patch.status && patch.status !== r.status) await emit(tx, ctx, { type: `tracking.exception.${patch.status === 'open' ? 'reopened' : patch.status}`, entityType: 'exception', entityId: id, orgId: r.org_id, audience: audienceOf({ ...r, carrier_org_id: r.s_carrier, broker_org_id: r.s_broker }), payload: { rule: r.rule, resolution: patch.resolution ?? null } });
  return getException(tx, ctx, id);
}

// ---------------------------------------------------------------- settings

export async function getSettings(tx: Executor, ctx: AuthContext, s: Services) {
  return { rules: RULE_IDS, settings: await ruleSettings(tx, s, ctx.orgId), defaults_source: 'data/tracking/exception-rules.json' };
}

export async function putSettings(tx: Executor, ctx: AuthContext, s: Services, input: Partial<RuleSettings>) {
  const before = await ruleSettings(tx, s, ctx.orgId);
  const next = { ...before, ...input };
  await tx.query(`INSERT INTO tracking_rule_settings (org_id, settings) VALUES ($1,$2) ON CONFLICT (org_id) DO UPDATE SET settings = EXCLUDED.settings, updated_at = now()`, [ctx.orgId, JSON.stringify(next)]);
  await recordAudit(tx, ctx, { action: 'tracking.rules.update', entityType: 'rule_settings', entityId: ctx.orgId, before: before as any, after: next as any });
  return getSettings(tx, ctx, s);
}

// ---------------------------------------------------------------- time-based rules (job)

export const SWEEP_MINUTES = 15;
const slot = (ms: number) => new Date(Math.ceil(ms / (SWEEP_MINUTES * 60_000)) * SWEEP_MINUTES * 60_000);

export const scheduleSweep = (ex: Executor, after = Date.now()) => {
  const at = slot(after + 1);
  return enqueue(ex, 'tracking.rules.sweep', {}, { runAt: at, dedupeKey: `tracking-sweep:${at.toISOString()}` });
};

/**
 * Evaluate time-based rules (dwell, no scan, late prediction) for shipments still under way, oldest
 * check first. `now` lets tests and the CLI move the clock.
 */
export async function sweepRules(db: Db | Executor, s: Services, now = new Date().toISOString(), limit = 500) {
  const open = await db.query(
    `SELECT id FROM tracking_shipments WHERE delivered_at IS NULL AND status NOT IN ('cancelled','return_to_sender')
      AND (rules_checked_at IS NULL OR rules_checked_at < $1::timestamptz - interval '5 minutes') ORDER BY rules_checked_at NULLS FIRST LIMIT ${limit}`, [now]);
  let opened = 0;
  for (const { id } of open) {
    opened += await withTx(db, async (tx) => {
      const shp = await tx.maybeOne(`SELECT * FROM tracking_shipments WHERE id = $1 FOR UPDATE`, [id]);
      return shp ? (await evaluateShipment(tx, s, shp, now)).length : 0;
    });
  }
  return { checked: open.length, opened };
}

export function sweepJob(s: Services) {
  return async (job: Job<{ now?: string }>, db: Db) => {
    await sweepRules(db, s, job.payload.now);
    if (!job.payload.now) await scheduleSweep(db);
  };
}
