import { recordAudit, type AuditEntry } from '../../kernel/audit.ts';
import { systemContext, type AuthContext } from '../../kernel/context.ts';
import { sha256Hex } from '../../kernel/crypto.ts';
import type { Executor, Statement } from '../../kernel/db.ts';
import type { StoredEvent } from '../../kernel/events.ts';
import { AppError, badRequest, conflict, notFound, problemTypeBase, validationError, type FieldError } from '../../kernel/errors.ts';
import { emit, type DomainEvent } from '../../kernel/events.ts';
import { canAccess, shareRecord } from '../../kernel/grants.ts';
import { newId } from '../../kernel/ids.ts';
import { isCurrency } from '../../kernel/money.ts';
import { normalisePhone, normalisePostcode, validateAddress, type ChannelAddress, type ChannelOrder, type Issue, type PostcodeTable } from '../../engines/channels/index.ts';
import { loadPostcodeTable } from '../../engines/channels/load.ts';
import { consume, listWarehouses, planReads, release, reservationBatch, reservationsOf, reserve, reserveAsPlanned, StockShortage, type PlannedLine } from '../inventory/index.ts';
import { marketReads, type MarketCheck } from './catalog.ts';
import { allowedFrom, assertTransition, RESERVED_STATES, type HoldReason, type OrderState } from './state.ts';

let postcodes: PostcodeTable | undefined;
const postcodeTable = () => (postcodes ??= loadPostcodeTable());

/** Payment states in which an order is accepted (stock reserved) without waiting. */
const PAID = new Set(['paid', 'authorized']);

// ---------- reading ----------

export const publicOrder = (o: any) => ({
  id: o.id, channel: o.channel, external_id: o.external_id, external_number: o.external_number, connection_id: o.connection_id,
  status: o.status, held_from: o.held_from, hold_reason: o.hold_reason, hold_detail: o.hold_detail,
  buyer: o.buyer, ship_to: o.ship_to, currency: o.currency,
  totals: { subtotal: o.subtotal, shipping: o.shipping, tax: o.tax, discount: o.discount, total: o.total }, taxes_included: o.taxes_included, tax_lines: o.tax_lines,
  payment_status: o.payment_status, fulfilment_status: o.fulfilment_status, tags: o.tags, note: o.note, warnings: o.warnings, market_check: o.market_check,
  parent_order_id: o.parent_order_id, merged_into: o.merged_into, placed_at: o.placed_at, created_at: o.created_at, updated_at: o.updated_at,
  allowed_transitions: allowedFrom(o.status, o.held_from),
});

const publicLine = (l: any) => ({ id: l.id, line_no: l.line_no, external_line_id: l.external_line_id, sku: l.sku, title: l.title, qty: l.qty, shipped_qty: l.shipped_qty, unit_price: l.unit_price, line_total: l.line_total, currency: l.currency, tax_lines: l.tax_lines });

/** Load an order the caller may see (owner, or a warehouse/party granted access); 404 otherwise. */
export async function loadOrder(tx: Executor, ctx: AuthContext, id: string, opts: { lock?: boolean; write?: boolean } = {}) {
  const o = await tx.maybeOne(`SELECT * FROM orders WHERE id = $1 ${opts.lock ? 'FOR UPDATE' : ''}`, [id]);
  if (!o || !(await canAccess(tx, ctx, { entityType: 'order', entityId: id, ownerOrgId: o.org_id }, opts.write ? 'write' : 'read'))) throw notFound('Order', id);
  return o;
}

async function ownOrder(tx: Executor, ctx: AuthContext, id: string) {
  const o = await loadOrder(tx, ctx, id, { lock: true });
  if (o.org_id !== ctx.orgId) throw notFound('Order', id);
  return o;
}

export async function linesOf(tx: Executor, orderId: string) {
  return tx.query(`SELECT * FROM order_lines WHERE order_id = $1 ORDER BY line_no`, [orderId]);
}

export async function getOrder(tx: Executor, ctx: AuthContext, id: string) {
  const o = await loadOrder(tx, ctx, id);
  // one after another: a transaction is one connection (pg would queue parallel queries anyway)
  const lines = await linesOf(tx, id);
  const shipments = await tx.query(`SELECT id, warehouse_id, lines, carrier, tracking_number, created_at FROM order_shipments WHERE order_id = $1 ORDER BY id`, [id]);
  const reservations = await reservationsOf(tx, o.org_id, id);
  const lineage = await tx.query(`SELECT kind, source_order_id, result_order_id, created_at FROM order_lineage WHERE source_order_id = $1 OR result_order_id = $1 ORDER BY created_at`, [id]);
  return orderDetail(o, lines, reservations, shipments, lineage, o.org_id === ctx.orgId);
}

export async function timeline(tx: Executor, ctx: AuthContext, id: string) {
  await loadOrder(tx, ctx, id);
  const rows = await tx.query(`SELECT seq, kind, from_state, to_state, detail, actor_org_id, actor_user_id, request_id, at FROM order_timeline WHERE order_id = $1 ORDER BY seq`, [id]);
  return { data: rows };
}

export interface ListQuery { status?: string; channel?: string; q?: string; tag?: string; hold_reason?: string; country?: string; sku?: string; limit: number; cursor?: string }

export async function listOrders(tx: Executor, ctx: AuthContext, q: ListQuery) {
  const params: unknown[] = [ctx.orgId];
  const where = [`(o.org_id = $1 OR o.id IN (SELECT entity_id FROM record_grants WHERE grantee_org_id = $1 AND entity_type = 'order' AND revoked_at IS NULL))`];
  const add = (sql: string, v: unknown) => { params.push(v); where.push(sql.replaceAll('?', `$${params.length}`)); };
  if (q.status) add('o.status = ANY(?)', q.status.split(','));
  if (q.channel) add('o.channel = ANY(?)', q.channel.split(','));
  if (q.tag) add('? = ANY(o.tags)', q.tag);
  if (q.hold_reason) add('o.hold_reason = ?', q.hold_reason);
  if (q.country) add('o.ship_country = ?', q.country);
  if (q.sku) add('EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id AND l.sku = ?)', q.sku);
  if (q.q) add(`(o.id = ? OR o.external_number ILIKE ? || '%' OR o.external_id = ? OR o.buyer->>'name' ILIKE '%' || ? || '%' OR o.buyer->>'email' ILIKE ? || '%')`, q.q.replace(/[%_\\]/g, '\\$&'));
  if (q.cursor) add('o.id < ?', q.cursor);
  const rows = await tx.query(`SELECT o.* FROM orders o WHERE ${where.join(' AND ')} ORDER BY o.id DESC LIMIT ${q.limit + 1}`, params);
  const more = rows.length > q.limit;
  const data = (more ? rows.slice(0, q.limit) : rows).map(publicOrder);
  return { data, next_cursor: more ? data[data.length - 1].id : null };
}

// ---------- validation ----------

/** Validate and normalise a ship-to address with the channel engine's rules. */
export function checkShipTo(shipTo: ChannelAddress, prefix = 'ship_to'): { errors: FieldError[]; warnings: Issue[]; address: ChannelAddress } {
  const issues = validateAddress(shipTo, postcodeTable());
  const errors: FieldError[] = [];
  const warnings: Issue[] = [];
  for (const i of issues) {
    if (i.field === 'phone' && i.code === 'not_valid') warnings.push({ path: `${prefix}.phone`, code: i.code, message: i.message });
    else errors.push({ field: `${prefix}.${i.field}`, message: i.field === 'country' ? `unknown country: ${i.message}` : i.message });
  }
  const address = { ...shipTo };
  if (address.postcode) address.postcode = normalisePostcode(address.postcode);
  if (address.phone) {
    const p = normalisePhone(address.phone, address.country);
    if (p.ok) address.phone = p.e164;
  }
  return { errors, warnings, address };
}

const norm = (s: string | undefined | null) => (s ?? '').trim().toLowerCase().replace(/\s+/g, ' ');
export function buyerKey(buyer: { name: string; email?: string }, shipTo: ChannelAddress | null): string {
  return sha256Hex([norm(buyer.email) || norm(buyer.name), norm(shipTo?.name), norm(shipTo?.line1), norm(shipTo?.line2), norm(shipTo?.city), norm(shipTo?.postcode), shipTo?.country ?? ''].join('|')).slice(0, 32);
}

/** The channel's own "last changed" time, to ignore updates that arrive out of order. */
function channelUpdatedAt(raw: any): string | null {
  const r = raw?.order ?? raw?.Order ?? raw;
  const v = r?.updated_at ?? r?.date_modified_gmt ?? r?.LastUpdateDate ?? r?.lastModifiedDate;
  if (typeof v !== 'string') return null;
  const t = Date.parse(/Z|[+-]\d\d:?\d\d$/.test(v) ? v : v + 'Z');
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

function checkLines(order: ChannelOrder): FieldError[] {
  const errors: FieldError[] = [];
  if (!isCurrency(order.currency)) errors.push({ field: 'currency', message: `"${order.currency}" is not an ISO 4217 currency` });
  if (order.lines.length === 0) errors.push({ field: 'lines', message: 'an order needs at least one line' });
  order.lines.forEach((l, i) => {
    if (!l.sku) errors.push({ field: `lines.${i}.sku`, message: 'SKU is empty' });
    if (!Number.isSafeInteger(l.quantity) || l.quantity <= 0) errors.push({ field: `lines.${i}.quantity`, message: 'must be a positive integer' });
    if (l.currency !== order.currency) errors.push({ field: `lines.${i}.currency`, message: `line currency ${l.currency} differs from the order's ${order.currency}` });
    if (!Number.isSafeInteger(l.unitPrice) || !Number.isSafeInteger(l.lineTotal)) errors.push({ field: `lines.${i}.unit_price`, message: 'must be integer minor units' });
  });
  return errors;
}

// ---------- state changes ----------

type Ctx = Pick<AuthContext, 'orgId' | 'userId' | 'requestId' | 'apiKeyId'> & AuthContext;

async function addTimeline(tx: Executor, ctx: AuthContext, orderId: string, orgId: string, kind: string, detail: unknown, from?: string | null, to?: string | null) {
  await tx.query(
    `INSERT INTO order_timeline (org_id, order_id, kind, from_state, to_state, detail, actor_org_id, actor_user_id, request_id) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
    [orgId, orderId, kind, from ?? null, to ?? null, JSON.stringify(detail ?? {}), ctx.orgId, ctx.userId, ctx.requestId],
  );
}

/** Columns that change together with the state. */
type StateSet = { hold_reason?: HoldReason; hold_detail?: unknown; held_from?: string; market_check?: unknown; merged_into?: string };

/**
 * One state change, worked out before anything is written: the order's new columns, its timeline
 * detail, the audit entry and the event. setState writes it; order intake folds it into the
 * INSERT of the order (writeTransition's work) and announces it once the reservation is in.
 */
interface Transition {
  orderId: string;
  orgId: string;
  from: OrderState;
  to: OrderState;
  heldFrom: string | null;
  holdReason: HoldReason | null;
  holdDetail: unknown; // null unless on hold
  marketCheck: unknown; // undefined: unchanged
  mergedInto: string | null; // null: unchanged
  detail: Record<string, unknown>; // timeline detail
  audit: AuditEntry;
  event: DomainEvent;
}

function describeTransition(order: any, to: OrderState, detail: Record<string, unknown> = {}, set: StateSet = {}): Transition {
  const from = order.status as OrderState;
  assertTransition(from, to, order.held_from);
  const holding = to === 'on_hold';
  const fullDetail = holding ? { ...detail, reason: set.hold_reason, ...(set.hold_detail ? { hold: set.hold_detail } : {}) } : detail;
  return {
    orderId: order.id, orgId: order.org_id, from, to,
    heldFrom: holding ? (set.held_from ?? from) : null,
    holdReason: holding ? (set.hold_reason ?? null) : null,
    holdDetail: holding ? (set.hold_detail ?? {}) : null,
    marketCheck: set.market_check,
    mergedInto: set.merged_into ?? null,
    detail: fullDetail,
    audit: { action: `order.${to}`, entityType: 'order', entityId: order.id, orgId: order.org_id, before: { status: from }, after: { status: to, ...(holding ? { hold_reason: set.hold_reason } : {}) } },
    event: { type: `orders.order.${to}`, entityType: 'order', entityId: order.id, orgId: order.org_id, payload: { order_id: order.id, from, to, channel: order.channel, external_id: order.external_id, ...fullDetail } },
  };
}

/** The order row and its timeline row, in one statement. Returns the timeline row's seq. */
async function writeTransition(tx: Executor, ctx: AuthContext, t: Transition): Promise<number> {
  const row = await tx.one<{ seq: number }>(
    `WITH changed AS (
       UPDATE orders SET status = $2, held_from = $3, hold_reason = $4, hold_detail = $5, market_check = COALESCE($6, market_check), merged_into = COALESCE($7, merged_into), updated_at = now()
        WHERE id = $1 RETURNING id
     )
     INSERT INTO order_timeline (org_id, order_id, kind, from_state, to_state, detail, actor_org_id, actor_user_id, request_id)
     SELECT $8, id, 'state', $9, $2, $10, $11, $12, $13 FROM changed RETURNING seq`,
    [t.orderId, t.to, t.heldFrom, t.holdReason, t.holdDetail === null ? null : JSON.stringify(t.holdDetail), t.marketCheck === undefined ? null : JSON.stringify(t.marketCheck), t.mergedInto,
      t.orgId, t.from, JSON.stringify(t.detail), ctx.orgId, ctx.userId, ctx.requestId],
  );
  return row.seq;
}

/** The audit entry and the event of a written transition. */
async function announceTransition(tx: Executor, ctx: AuthContext, t: Transition) {
  await recordAudit(tx, ctx, t.audit);
  await emit(tx, ctx, t.event);
}

function applyTransition(order: any, t: Transition) {
  order.status = t.to;
  order.held_from = t.heldFrom;
  order.hold_reason = t.holdReason;
}

/**
 * Take back a transition written ahead of its reservation when the reservation lost a race (same
 * transaction, so nobody saw it): the order row gets its previous state columns back and the
 * timeline row goes. Events and audit of the transition were not written yet.
 */
async function undoTransition(tx: Executor, order: any, seq: number) {
  await tx.query(
    `WITH gone AS (DELETE FROM order_timeline WHERE seq = $7 AND order_id = $1)
     UPDATE orders SET status = $2, held_from = $3, hold_reason = $4, hold_detail = $5, market_check = $6 WHERE id = $1`,
    [order.id, order.status, order.held_from ?? null, order.hold_reason ?? null, order.hold_detail == null ? null : JSON.stringify(order.hold_detail),
      order.market_check == null ? null : JSON.stringify(order.market_check), seq],
  );
}

/**
 * Move an order to `to`: checked against the state machine, written with its timeline row, audit
 * entry and the event orders.order.<to>. `set` carries columns changed together with the state.
 */
async function setState(tx: Executor, ctx: AuthContext, order: any, to: OrderState, detail: Record<string, unknown> = {}, set: StateSet = {}) {
  const t = describeTransition(order, to, detail, set);
  await writeTransition(tx, ctx, t);
  await announceTransition(tx, ctx, t);
  applyTransition(order, t);
}

/** The seller's context for inventory calls (a warehouse recording a shipment acts on the seller's stock). */
const sellerCtx = (ctx: AuthContext, order: any): AuthContext => (ctx.orgId === order.org_id ? ctx : { ...ctx, orgId: order.org_id });

function reserveLines(lines: any[], warehouseId?: string) {
  const bySku = new Map<string, number>();
  for (const l of lines) bySku.set(l.sku, (bySku.get(l.sku) ?? 0) + (l.qty - (l.shipped_qty ?? 0)));
  return [...bySku].filter(([, qty]) => qty > 0).map(([sku, qty]) => ({ sku, qty, ...(warehouseId ? { warehouseId } : {}) }));
}

type AcceptOptions = { lines?: any[]; override?: boolean; warehouseId?: string; market?: MarketCheck & { market: string } };

const acceptedDetail = (market: MarketCheck, reservations: Array<{ sku: string; warehouseId: string; qty: number }>, override?: boolean) => ({
  reservations: reservations.map((r) => ({ sku: r.sku, warehouse_id: r.warehouseId, qty: r.qty })), market: market.status,
  ...(market.reasons.length ? { market_reasons: market.reasons } : {}), ...(override ? { compliance_override: true } : {}),
});

/**
 * The acceptance decision short of taking stock: hold for address, compliance or stock, or
 * "accepted" with a reservation plan read without locks (planReservation). No transition means the
 * plan could not tell (a line to split over warehouses): acceptLineByLine decides then.
 */
async function prepareAcceptance(tx: Executor, order: any, lines: any[], opts: AcceptOptions): Promise<Acceptance> {
  return (await prepareAcceptances(tx, [{ order, lines, opts }]))[0];
}

type Acceptance = { transition: Transition | null; plan: PlannedLine[] | null; market: (MarketCheck & { market: string }) | null };

/** prepareAcceptance for orders of one seller, in ONE round trip for all of them: the market checks' and the reservation plans' reads. */
async function prepareAcceptances(tx: Executor, items: Array<{ order: any; lines: any[]; opts: AcceptOptions }>): Promise<Acceptance[]> {
  const out: Acceptance[] = new Array(items.length);
  const shipping = items.map((it, i) => ({ ...it, i })).filter(({ order, i }) => {
    if (order.ship_to) return true;
    out[i] = { transition: describeTransition(order, 'on_hold', {}, { hold_reason: 'address', hold_detail: { errors: [{ field: 'ship_to', message: 'the channel did not provide a ship-to address' }] }, held_from: 'pending_payment' }), plan: null, market: null };
    return false;
  });
  if (shipping.length === 0) return out;
  const orgId = shipping[0].order.org_id;
  // one round trip: the catalogue reads of the market checks and the reservation plans (a plan read
  // for an order the market check then blocks is not used)
  const unchecked = shipping.filter((it) => !it.opts.market);
  const marketQuery = marketReads(orgId, unchecked.map(({ order, lines }) => ({ skus: lines.map((l) => l.sku), country: order.ship_country })));
  const planQuery = planReads(orgId, shipping.map(({ lines, opts }) => reserveLines(lines, opts.warehouseId)));
  const results = await tx.queryMany([...marketQuery.statements, ...planQuery.statements]);
  const checks = await marketQuery.answers(tx, results.slice(0, marketQuery.statements.length));
  const allPlans = planQuery.plans(results.slice(marketQuery.statements.length));
  const markets = new Map(unchecked.map((it, k) => [it.i, checks[k]]));
  const planOf = new Map(shipping.map((it, k) => [it.i, allPlans[k]]));
  const planning = shipping.filter((it) => {
    const market = it.opts.market ?? markets.get(it.i)!;
    if (market.status !== 'blocked' || it.opts.override) return true;
    out[it.i] = { transition: describeTransition(it.order, 'on_hold', {}, { hold_reason: 'compliance', hold_detail: { reasons: market.reasons, per_sku: market.perSku }, held_from: 'pending_payment', market_check: market }), plan: null, market };
    return false;
  });
  const plans = planning.map((it) => planOf.get(it.i)!);
  planning.forEach(({ order, opts, i }, k) => {
    const market = opts.market ?? markets.get(i)!;
    const plan = plans[k];
    if (!plan) out[i] = { transition: null, plan: null, market };
    else if (plan.shortages) out[i] = { transition: describeTransition(order, 'on_hold', {}, { hold_reason: 'stock', hold_detail: { shortages: plan.shortages }, held_from: 'pending_payment', market_check: market }), plan: null, market };
    else out[i] = { transition: describeTransition(order, 'accepted', acceptedDetail(market, plan.lines, opts.override), { market_check: market }), plan: plan.lines, market };
  });
  return out;
}

/**
 * Accept: market access check (blocked → on hold, compliance), then reserve stock (short → on hold,
 * stock), then accepted. `override` skips the market block after a person released a compliance hold.
 *
 * Stock rows stay locked from the reservation until commit, so the reservation is the last
 * statement: the accepted state is written first from a plan (prepareAcceptance), then
 * reserveAsPlanned takes the stock in one statement; if a concurrent order took it meanwhile, the
 * written state is taken back and the line-by-line path decides.
 */
export async function acceptOrder(tx: Executor, ctx: AuthContext, order: any, opts: AcceptOptions = {}) {
  if (!['draft', 'pending_payment'].includes(order.status)) assertTransition(order.status, 'accepted', order.held_from);
  const lines = order.ship_to ? (opts.lines ?? (await linesOf(tx, order.id))) : [];
  const prepared = await prepareAcceptance(tx, order, lines, opts);
  if (prepared.transition && !prepared.plan) {
    await writeTransition(tx, ctx, prepared.transition);
    await announceTransition(tx, ctx, prepared.transition);
    applyTransition(order, prepared.transition);
    return;
  }
  if (prepared.transition && prepared.plan) {
    const seq = await writeTransition(tx, ctx, prepared.transition);
    if (await reserveAsPlanned(tx, sellerCtx(ctx, order), { orderId: order.id, lines: prepared.plan })) {
      await announceTransition(tx, ctx, prepared.transition);
      applyTransition(order, prepared.transition);
      return;
    }
    await undoTransition(tx, order, seq);
  }
  await acceptLineByLine(tx, ctx, order, lines, prepared.market!, opts);
}

/** Reserve with splitting over warehouses; accepted, or on hold for stock with the shortages. */
async function acceptLineByLine(tx: Executor, ctx: AuthContext, order: any, lines: any[], market: MarketCheck & { market: string }, opts: AcceptOptions) {
  try {
    const reservations = await reserve(tx, sellerCtx(ctx, order), { orderId: order.id, lines: reserveLines(lines, opts.warehouseId) });
    await setState(tx, ctx, order, 'accepted', acceptedDetail(market, reservations, opts.override), { market_check: market });
  } catch (err) {
    if (!(err instanceof StockShortage)) throw err;
    await setState(tx, ctx, order, 'on_hold', {}, { hold_reason: 'stock', hold_detail: { shortages: err.shortages }, held_from: 'pending_payment', market_check: market });
  }
}

export interface IntakeOptions {
  connectionId?: string | null;
  /** API and CSV reject a bad address with field errors; channel orders (already sold) go on hold. */
  invalidAddress: 'reject' | 'hold';
  /** Accept paid orders right away (default true). */
  autoAccept?: boolean;
  warnings?: Issue[];
}

/** An order as GET /v1/orders/:id shows it. */
function orderDetail(o: any, lines: any[], reservations: any[], shipments: any[], lineage: any[], owner: boolean) {
  return {
    ...publicOrder(o), lines: lines.map(publicLine), shipments, reservations, lineage,
    ...(owner ? { channel_payload: o.channel_payload } : {}),
  };
}

/** What intake answers for one order; `detail` is the order as GET /v1/orders/:id would show it, when known without a read. */
export interface IntakeResult { order: any; created: boolean; outcome: string; detail?: ReturnType<typeof orderDetail> }
/** One order of a batch: its result, or the problem that kept it out (the others go in regardless). */
export type IntakeItemResult = IntakeResult | { error: AppError };
export interface IntakeItem { order: ChannelOrder; warnings?: Issue[]; /** overrides IntakeOptions.autoAccept for this order */ autoAccept?: boolean }

/**
 * Take in one order from any channel. A second delivery of the same channel order (same org,
 * channel and external id) never creates a second order: it is applied as an update.
 */
export async function intake(tx: Executor, ctx: AuthContext, input: ChannelOrder, opts: IntakeOptions): Promise<IntakeResult> {
  const [result] = await intakeMany(tx, ctx, [{ order: input, warnings: opts.warnings }], opts);
  if ('error' in result) throw result.error;
  return result;
}

/** A new order worked out before anything is written. */
interface NewOrder {
  index: number;
  input: ChannelOrder;
  shipTo: ChannelOrder['shipTo'];
  warnings: Issue[];
  buyer: ChannelOrder['buyer'];
  id: string;
  externalId: string;
  lines: any[];
  draft: any;
  holdAddress: FieldError[];
  first: Transition | null;
  plan: PlannedLine[] | null;
  market: (MarketCheck & { market: string }) | null;
}

/**
 * Take in many orders of one organisation in one transaction, each exactly as intake() would take
 * it alone — except that an order with invalid fields gets its problem as its result instead of
 * failing the others. The work is done for all orders at once, so a batch costs the round trips of
 * one order — three: (1) the catalogue reads of the market checks and the reservation plans
 * (prepareAcceptances); (2) the orders, their lines and their timelines in ONE INSERT, and the lock
 * on the planned stock rows (reservationBatch); (3) the reservations decided on the locked levels,
 * written with the audit entries, events and COMMIT — so stock rows stay locked for one round trip.
 * Orders that already exist (a repeated delivery, or twice in the batch) are applied as updates after.
 */
export async function intakeMany(tx: Executor, ctx: AuthContext, items: IntakeItem[], opts: Omit<IntakeOptions, 'warnings'>): Promise<IntakeItemResult[]> {
  const results: IntakeItemResult[] = new Array(items.length);
  const fresh: NewOrder[] = [];
  items.forEach((item, index) => {
    try {
      fresh.push(newOrder(ctx, item, opts, index));
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      results[index] = { error: err };
    }
  });

  // The first state change of every order, decided before the insert (reads only).
  const accepting: NewOrder[] = [];
  for (const o of fresh) {
    if (o.input.cancelled) o.first = describeTransition(o.draft, 'cancelled', { reason: o.input.cancelled.reason ?? 'cancelled in the channel' });
    else if (o.holdAddress.length) o.first = describeTransition(o.draft, 'on_hold', {}, { hold_reason: 'address', hold_detail: { errors: o.holdAddress }, held_from: 'pending_payment' });
    else if (PAID.has(o.input.paymentStatus) && (items[o.index].autoAccept ?? opts.autoAccept) !== false) accepting.push(o);
    else o.first = describeTransition(o.draft, 'pending_payment');
  }
  const prepared = await prepareAcceptances(tx, accepting.map((o) => ({ order: o.draft, lines: o.lines, opts: {} })));
  accepting.forEach((o, i) => { ({ transition: o.first, plan: o.plan, market: o.market } = prepared[i]); });

  // ONE round trip: the INSERT of every order, then the lock on the stock rows the accepted ones
  // planned (held from here to commit; the reservation writes travel ahead of the next round trip)
  const reserving = fresh.filter((o) => o.first && o.plan);
  const reservation = reservationBatch(ctx, reserving.map((o) => ({ orderId: o.id, lines: o.plan! })));
  const insert = insertStatement(ctx, fresh, opts.connectionId ?? null);
  const statements = [insert?.statement ?? null, reservation.lock].filter((st): st is Statement => st !== null);
  const answers = await tx.queryMany(statements);
  const inserted = new Map((insert ? answers[0] : []).map((r) => [r.id, r]));
  const locked = reservation.lock ? answers[statements.length - 1] : [];
  const created: Array<NewOrder & { row: any; storedLines: any[]; stateSeq: number | null }> = [];
  const existing: NewOrder[] = [];
  for (const o of fresh) {
    const got = inserted.get(o.id);
    if (!got) { existing.push(o); continue; }
    // the order as stored: what was sent, and the times the database set
    const { n: _n, ...sent } = insert!.records.get(o.id)!;
    const row = { ...sent, org_id: ctx.orgId, parent_order_id: null, merged_into: null, placed_at: got.placed_at, created_at: got.created_at, updated_at: got.updated_at, channel_updated_at: got.channel_updated_at };
    created.push(Object.assign(o, { row, stateSeq: got.state_seq, storedLines: o.lines }));
    await recordAudit(tx, ctx, { action: 'order.create', entityType: 'order', entityId: o.id, after: { channel: o.input.channel, external_id: o.externalId, total: o.input.totals.total, currency: o.input.currency } });
    await emit(tx, ctx, { type: 'orders.order.created', entityType: 'order', entityId: o.id, orgId: row.org_id, payload: { order_id: o.id, channel: o.input.channel, external_id: o.externalId, total: o.input.totals.total, currency: o.input.currency, lines: o.lines.map((l) => ({ sku: l.sku, qty: l.qty })) } });
  }

  // decide the reservations of the orders actually inserted on the locked levels
  const taken = await reservation.finish(tx, locked, new Set(created.filter((o) => o.first && o.plan).map((o) => o.id)));
  const reservations = new Map(reserving.map((o, i) => [o.id, taken[i]]));
  for (const o of created) {
    const order = o.row;
    if (o.first && o.plan && !reservations.get(o.id)) {
      // a concurrent order took the planned stock: back to draft, and the general path decides
      Object.assign(order, { status: 'draft', held_from: null, hold_reason: null, hold_detail: null, market_check: null });
      await undoTransition(tx, order, o.stateSeq!);
      o.first = null;
    }
    if (o.first) {
      await announceTransition(tx, ctx, o.first);
      results[o.index] = { order, created: true, outcome: 'created', detail: orderDetail(order, o.storedLines, reservations.get(o.id) ?? [], [], [], true) };
    } else {
      await acceptOrder(tx, ctx, order, { lines: o.lines, market: o.market ?? undefined });
      results[o.index] = { order, created: true, outcome: 'created' };
    }
  }
  for (const o of existing) {
    const row = await tx.one(`SELECT * FROM orders WHERE org_id = $1 AND channel = $2 AND external_id = $3 FOR UPDATE`, [ctx.orgId, o.input.channel, o.externalId]);
    results[o.index] = await applyChannelUpdate(tx, ctx, row, { ...o.input, shipTo: o.shipTo });
  }
  return results;
}

/** Validate and normalise one order (no statement): its fields, or a validation error naming them. */
function newOrder(ctx: AuthContext, item: IntakeItem, opts: Omit<IntakeOptions, 'warnings'>, index: number): NewOrder {
  const input = item.order;
  const lineErrors = checkLines(input);
  let shipTo = input.shipTo;
  let holdAddress: FieldError[] = [];
  const warnings: Issue[] = [...(item.warnings ?? [])];
  if (shipTo) {
    const checked = checkShipTo(shipTo);
    shipTo = checked.address;
    warnings.push(...checked.warnings);
    if (checked.errors.length) {
      if (opts.invalidAddress === 'reject') lineErrors.push(...checked.errors);
      else holdAddress = checked.errors;
    }
  } else if (opts.invalidAddress === 'reject') lineErrors.push({ field: 'ship_to', message: 'required' });
  if (lineErrors.length) throw validationError(lineErrors, `The order has invalid fields: ${lineErrors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);

  const id = newId('ord');
  const externalId = input.externalId || id;
  const buyer = { ...input.buyer };
  if (buyer.phone) {
    const p = normalisePhone(buyer.phone, shipTo?.country);
    if (p.ok) buyer.phone = p.e164;
  }
  const lines = input.lines.map((l, i) => ({ id: newId('oln'), line_no: i + 1, external_line_id: l.externalLineId || null, sku: l.sku, title: l.title ?? '', qty: l.quantity, unit_price: l.unitPrice, line_total: l.lineTotal, currency: l.currency, tax_lines: l.taxLines ?? [], shipped_qty: 0 }));
  const draft = { id, org_id: ctx.orgId, status: 'draft', held_from: null, channel: input.channel, external_id: externalId, ship_to: shipTo ?? null, ship_country: shipTo?.country ?? null };
  return { index, input, shipTo, warnings, buyer, id, externalId, lines, draft, holdAddress, first: null, plan: null, market: null };
}

/**
 * The orders (in their first state), their lines and their timelines ("created" and the first state
 * change) in ONE statement. An order whose channel order exists already is not inserted (nor its
 * lines and timeline). It answers the ids of the inserted orders, the times the database set and the
 * seq of the state timeline row; `records` are the orders' other columns as sent (the order as
 * stored is built from them, not read back).
 */
function insertStatement(ctx: AuthContext, orders: NewOrder[], connectionId: string | null): { statement: Statement; records: Map<string, Record<string, any>> } | null {
  if (orders.length === 0) return null;
  const orderRecords: Array<Record<string, any>> = [], lineRecords = [], timelineRecords = [];
  for (const o of orders) {
    const { input, first, shipTo } = o;
    orderRecords.push({
      n: orderRecords.length, id: o.id, channel: input.channel, external_id: o.externalId, external_number: input.externalNumber || o.externalId, connection_id: connectionId,
      status: first?.to ?? 'draft', held_from: first?.heldFrom ?? null, hold_reason: first?.holdReason ?? null, hold_detail: first?.holdDetail ?? null,
      market_check: first?.marketCheck ?? null, buyer: o.buyer, buyer_key: buyerKey(o.buyer, shipTo ?? null), ship_to: shipTo ?? null, ship_country: shipTo?.country ?? null,
      currency: input.currency, subtotal: input.totals.subtotal, shipping: input.totals.shipping, tax: input.totals.tax, discount: input.totals.discount, total: input.totals.total,
      taxes_included: input.taxesIncluded, tax_lines: input.taxLines ?? [], payment_status: input.paymentStatus, fulfilment_status: input.fulfilmentStatus, tags: input.tags ?? [],
      note: input.note ?? '', warnings: o.warnings, channel_payload: input.raw ?? null, channel_updated_at: channelUpdatedAt(input.raw), placed_at: input.createdAt || null,
    });
    for (const l of o.lines) {
      lineRecords.push({ order_id: o.id, id: l.id, line_no: l.line_no, ext: l.external_line_id, sku: l.sku, title: l.title, qty: l.qty, unit_price: l.unit_price, line_total: l.line_total, currency: l.currency, tax_lines: l.tax_lines });
    }
    timelineRecords.push({ n: timelineRecords.length, order_id: o.id, kind: 'created', from_state: null, to_state: 'draft', detail: { channel: input.channel, external_id: o.externalId, warnings: o.warnings.length ? o.warnings : undefined } });
    if (first) timelineRecords.push({ n: timelineRecords.length, order_id: o.id, kind: 'state', from_state: first.from, to_state: first.to, detail: first.detail });
  }
  const statement: Statement = [
    `WITH o AS (
       INSERT INTO orders (id, org_id, channel, external_id, external_number, connection_id, status, held_from, hold_reason, hold_detail, market_check, buyer, buyer_key, ship_to, ship_country, currency,
                           subtotal, shipping, tax, discount, total, taxes_included, tax_lines, payment_status, fulfilment_status, tags, note, warnings, channel_payload, channel_updated_at, placed_at)
       SELECT r.id, $1, r.channel, r.external_id, r.external_number, r.connection_id, r.status, r.held_from, r.hold_reason, r.hold_detail, r.market_check, r.buyer, r.buyer_key, r.ship_to, r.ship_country, r.currency,
              r.subtotal, r.shipping, r.tax, r.discount, r.total, r.taxes_included, r.tax_lines, r.payment_status, r.fulfilment_status, ARRAY(SELECT jsonb_array_elements_text(r.tags)), r.note, r.warnings,
              r.channel_payload, r.channel_updated_at, COALESCE(r.placed_at, now())
         FROM jsonb_to_recordset($2::jsonb) AS r(n int, id text, channel text, external_id text, external_number text, connection_id text, status text, held_from text, hold_reason text, hold_detail jsonb,
              market_check jsonb, buyer jsonb, buyer_key text, ship_to jsonb, ship_country text, currency text, subtotal bigint, shipping bigint, tax bigint, discount bigint, total bigint,
              taxes_included boolean, tax_lines jsonb, payment_status text, fulfilment_status text, tags jsonb, note text, warnings jsonb, channel_payload jsonb, channel_updated_at timestamptz, placed_at timestamptz)
        ORDER BY r.n
       ON CONFLICT (org_id, channel, external_id) DO NOTHING RETURNING id, org_id, placed_at, created_at, updated_at, channel_updated_at
     ), l AS (
       INSERT INTO order_lines (id, org_id, order_id, line_no, external_line_id, sku, title, qty, unit_price, line_total, currency, tax_lines, shipped_qty)
       SELECT l.id, o.org_id, o.id, l.line_no, l.ext, l.sku, l.title, l.qty, l.unit_price, l.line_total, l.currency, l.tax_lines, 0
         FROM jsonb_to_recordset($3::jsonb) AS l(order_id text, id text, line_no int, ext text, sku text, title text, qty int, unit_price bigint, line_total bigint, currency text, tax_lines jsonb)
         JOIN o ON o.id = l.order_id
     ), t AS (
       INSERT INTO order_timeline (org_id, order_id, kind, from_state, to_state, detail, actor_org_id, actor_user_id, request_id)
       SELECT o.org_id, o.id, t.kind, t.from_state, t.to_state, t.detail, $4, $5, $6
         FROM jsonb_to_recordset($7::jsonb) AS t(n int, order_id text, kind text, from_state text, to_state text, detail jsonb)
         JOIN o ON o.id = t.order_id
        ORDER BY t.n
       RETURNING order_id, seq, kind
     )
     SELECT o.id, o.placed_at, o.created_at, o.updated_at, o.channel_updated_at, (SELECT max(t.seq) FROM t WHERE t.order_id = o.id AND t.kind = 'state') AS state_seq
       FROM o`,
    [ctx.orgId, JSON.stringify(orderRecords), JSON.stringify(lineRecords), ctx.orgId, ctx.userId, ctx.requestId, JSON.stringify(timelineRecords)],
  ];
  return { statement, records: new Map(orderRecords.map((r) => [r.id, r])) };
}

async function insertLines(tx: Executor, order: any, lines: any[]) {
  await tx.query(
    `INSERT INTO order_lines (id, org_id, order_id, line_no, external_line_id, sku, title, qty, unit_price, line_total, currency, tax_lines, shipped_qty)
     SELECT l.id, $1, $2, l.line_no, l.ext, l.sku, l.title, l.qty, l.unit_price, l.line_total, l.currency, l.tax_lines::jsonb, l.shipped
       FROM unnest($3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::int[], $9::bigint[], $10::bigint[], $11::text[], $12::text[], $13::int[])
         AS l(id, line_no, ext, sku, title, qty, unit_price, line_total, currency, tax_lines, shipped)`,
    [order.org_id, order.id, lines.map((l) => l.id), lines.map((l) => l.line_no), lines.map((l) => l.external_line_id), lines.map((l) => l.sku), lines.map((l) => l.title),
      lines.map((l) => l.qty), lines.map((l) => l.unit_price), lines.map((l) => l.line_total), lines.map((l) => l.currency), lines.map((l) => JSON.stringify(l.tax_lines ?? [])), lines.map((l) => l.shipped_qty ?? 0)],
  );
}

/** A later delivery of a channel order: payment, fulfilment, tags, note, address (before allocation), cancellation. */
async function applyChannelUpdate(tx: Executor, ctx: AuthContext, order: any, input: ChannelOrder): Promise<{ order: any; created: boolean; outcome: string }> {
  const updatedAt = channelUpdatedAt(input.raw);
  if (updatedAt && order.channel_updated_at && new Date(updatedAt) < new Date(order.channel_updated_at)) {
    await addTimeline(tx, ctx, order.id, order.org_id, 'channel', { ignored: 'older than the version already applied', channel_updated_at: updatedAt });
    return { order, created: false, outcome: 'stale' };
  }
  if (order.status === 'split' || order.status === 'merged') {
    // the order lives on in its children: a cancellation cancels those still open
    if (input.cancelled) {
      const children = await tx.query(`SELECT result_order_id FROM order_lineage WHERE source_order_id = $1`, [order.id]);
      for (const c of children) {
        const child = await tx.one(`SELECT * FROM orders WHERE id = $1 FOR UPDATE`, [c.result_order_id]);
        if (allowedFrom(child.status, child.held_from).includes('cancelled')) await cancelOrder(tx, ctx, child, `cancelled in the channel (via ${order.id})`);
      }
    }
    await addTimeline(tx, ctx, order.id, order.org_id, 'channel', { note: `update applied to an order that was ${order.status}`, cancelled: !!input.cancelled });
    return { order, created: false, outcome: 'lineage' };
  }
  const beforeAllocation = ['draft', 'pending_payment', 'on_hold', 'accepted'].includes(order.status);
  const changes: Record<string, [unknown, unknown]> = {};
  const next: Record<string, unknown> = { payment_status: input.paymentStatus, fulfilment_status: input.fulfilmentStatus, tags: input.tags ?? [], note: input.note ?? '' };
  for (const [k, v] of Object.entries(next)) if (JSON.stringify(order[k]) !== JSON.stringify(v)) changes[k] = [order[k], v];
  const shipToChanged = beforeAllocation && input.shipTo && JSON.stringify(order.ship_to) !== JSON.stringify(input.shipTo);
  if (shipToChanged) changes.ship_to = [order.ship_to, input.shipTo];
  await tx.query(
    `UPDATE orders SET payment_status = $2, fulfilment_status = $3, tags = $4, note = $5, channel_payload = $6, channel_updated_at = COALESCE($7, channel_updated_at),
            ship_to = COALESCE($8, ship_to), ship_country = COALESCE($9, ship_country), updated_at = now() WHERE id = $1`,
    [order.id, input.paymentStatus, input.fulfilmentStatus, input.tags ?? [], input.note ?? '', input.raw === undefined ? null : JSON.stringify(input.raw), updatedAt,
      shipToChanged ? JSON.stringify(input.shipTo) : null, shipToChanged ? input.shipTo!.country : null],
  );
  Object.assign(order, { payment_status: input.paymentStatus, fulfilment_status: input.fulfilmentStatus, tags: input.tags ?? [], note: input.note ?? '' }, shipToChanged ? { ship_to: input.shipTo, ship_country: input.shipTo!.country } : {});
  await addTimeline(tx, ctx, order.id, order.org_id, 'channel', { changes: Object.fromEntries(Object.entries(changes).map(([k, [a, b]]) => [k, { from: a, to: b }])) });
  if (Object.keys(changes).length) {
    await emit(tx, ctx, { type: 'orders.order.updated', entityType: 'order', entityId: order.id, orgId: order.org_id, payload: { order_id: order.id, changed: Object.keys(changes) } });
  }
  if (input.cancelled && order.status !== 'cancelled') {
    if (allowedFrom(order.status, order.held_from).includes('cancelled')) {
      await cancelOrder(tx, ctx, order, input.cancelled.reason ?? 'cancelled in the channel');
      return { order, created: false, outcome: 'cancelled' };
    }
    await addTimeline(tx, ctx, order.id, order.org_id, 'note', { warning: `the channel cancelled the order but it is already ${order.status}` });
    await emit(tx, ctx, { type: 'orders.order.cancel_requested', entityType: 'order', entityId: order.id, orgId: order.org_id, payload: { order_id: order.id, status: order.status } });
    return { order, created: false, outcome: 'cancel_requested' };
  }
  if (order.status === 'pending_payment' && PAID.has(input.paymentStatus)) await acceptOrder(tx, ctx, order);
  return { order, created: false, outcome: 'updated' };
}

export async function cancelOrder(tx: Executor, ctx: AuthContext, order: any, reason: string) {
  assertTransition(order.status, 'cancelled', order.held_from);
  const released = await release(tx, sellerCtx(ctx, order), order.id);
  await setState(tx, ctx, order, 'cancelled', { reason, released: released.map((r) => ({ sku: r.sku, warehouse_id: r.warehouseId, qty: r.qty })) });
}

// ---------- use-cases behind the routes ----------

/** POST /v1/orders body → the channel order model (totals computed from the lines). */
function apiOrderInput(body: any): ChannelOrder {
  const currency = body.currency;
  const lines = body.lines.map((l: any, i: number) => ({
    externalLineId: l.external_line_id ?? String(i + 1), sku: l.sku, title: l.title ?? '', quantity: l.qty, unitPrice: l.unit_price,
    lineTotal: l.unit_price * l.qty, currency, taxLines: (l.tax_lines ?? []).map((t: any) => ({ title: t.title, rate: t.rate ?? null, amount: t.amount })),
  }));
  const subtotal = lines.reduce((s: number, l: any) => s + l.lineTotal, 0);
  const lineTax = lines.reduce((s: number, l: any) => s + l.taxLines.reduce((a: number, t: any) => a + t.amount, 0), 0);
  const shipping = body.shipping ?? 0, discount = body.discount ?? 0;
  const taxesIncluded = body.taxes_included ?? false;
  const total = subtotal + shipping + (taxesIncluded ? 0 : lineTax) - discount;
  if (!Number.isSafeInteger(total) || total < 0) throw validationError([{ field: 'discount', message: 'the order total would be negative or too large' }]);
  return {
    channel: body.channel ?? 'api', externalId: body.external_id ?? '', externalNumber: body.external_number ?? body.external_id ?? '', createdAt: body.placed_at ?? new Date().toISOString(),
    buyer: body.buyer, shipTo: body.ship_to, lines, totals: { subtotal, shipping, tax: lineTax, discount, total }, taxesIncluded, taxLines: [], currency,
    paymentStatus: body.payment_status ?? 'pending', fulfilmentStatus: 'unfulfilled', cancelled: null, tags: body.tags ?? [], note: body.note ?? '', raw: body.channel_payload ?? undefined,
  };
}

export async function createApiOrder(tx: Executor, ctx: AuthContext, body: any) {
  const r = await intake(tx, ctx, apiOrderInput(body), { invalidAddress: 'reject', autoAccept: body.accept ?? true });
  return r.detail ?? getOrder(tx, ctx, r.order.id);
}

/**
 * POST /v1/orders/batch: many orders in one request and one transaction (intakeMany), each taken
 * exactly as POST /v1/orders would take it. An order with invalid fields is answered with its own
 * problem (fields named from the batch: orders.<i>.…) and the others go in; any other failure fails
 * the whole batch, with nothing written. Results are in request order.
 */
export async function createApiOrders(tx: Executor, ctx: AuthContext, body: { orders: any[] }) {
  const items: Array<IntakeItem | { error: AppError }> = body.orders.map((o) => {
    try {
      return { order: apiOrderInput(o), autoAccept: o.accept ?? true };
    } catch (err) {
      if (err instanceof AppError) return { error: err };
      throw err;
    }
  });
  const valid = items.filter((i): i is IntakeItem => !('error' in i));
  const taken = await intakeMany(tx, ctx, valid, { invalidAddress: 'reject' });
  let next = 0;
  const counts = { created: 0, updated: 0, failed: 0 };
  const data = items.map((item, index) => {
    const r = 'error' in item ? item : taken[next++];
    if ('error' in r) {
      counts.failed++;
      const e = r.error;
      const errors = e.errors.map((f) => ({ field: `orders.${index}.${f.field}`, message: f.message }));
      return { index, error: { type: problemTypeBase + e.code, status: e.status, detail: e.message, ...(errors.length ? { errors } : {}) } };
    }
    if (r.created) counts.created++;
    else counts.updated++;
    const o = r.order;
    return { index, outcome: r.outcome, order: { id: o.id, external_id: o.external_id, status: o.status, hold_reason: o.hold_reason ?? null, total: Number(o.total), currency: o.currency } };
  });
  return { ...counts, data };
}

export async function updateOrder(tx: Executor, ctx: AuthContext, id: string, patch: { tags?: string[]; note?: string; ship_to?: ChannelAddress }) {
  const o = await ownOrder(tx, ctx, id);
  let shipTo = o.ship_to;
  if (patch.ship_to) {
    if (!['draft', 'pending_payment', 'on_hold', 'accepted'].includes(o.status)) throw conflict(`The address of an order that is ${o.status} can no longer change`);
    const checked = checkShipTo(patch.ship_to);
    if (checked.errors.length) throw validationError(checked.errors);
    shipTo = checked.address;
  }
  await tx.query(`UPDATE orders SET tags = COALESCE($2, tags), note = COALESCE($3, note), ship_to = $4, ship_country = $5, buyer_key = $6, updated_at = now() WHERE id = $1`,
    [id, patch.tags ?? null, patch.note ?? null, shipTo ? JSON.stringify(shipTo) : null, shipTo?.country ?? null, buyerKey(o.buyer, shipTo)]);
  await addTimeline(tx, ctx, id, o.org_id, 'note', { changed: Object.keys(patch) });
  await recordAudit(tx, ctx, { action: 'order.update', entityType: 'order', entityId: id, before: { tags: o.tags, note: o.note, ship_to: o.ship_to }, after: { tags: patch.tags ?? o.tags, note: patch.note ?? o.note, ship_to: shipTo } });
  return getOrder(tx, ctx, id);
}

export async function accept(tx: Executor, ctx: AuthContext, id: string, warehouseId?: string) {
  const o = await ownOrder(tx, ctx, id);
  await acceptOrder(tx, ctx, o, { warehouseId });
  return getOrder(tx, ctx, id);
}

export async function hold(tx: Executor, ctx: AuthContext, id: string, reason: HoldReason, note?: string) {
  const o = await ownOrder(tx, ctx, id);
  await setState(tx, ctx, o, 'on_hold', {}, { hold_reason: reason, hold_detail: note ? { note } : {} });
  return getOrder(tx, ctx, id);
}

/** Release a hold: back to the state it was held from; an order held before acceptance is then accepted (a released compliance hold is a recorded override). */
export async function releaseHold(tx: Executor, ctx: AuthContext, id: string, note?: string) {
  const o = await ownOrder(tx, ctx, id);
  if (o.status !== 'on_hold') throw new AppError('illegal_transition', 409, `Order ${id} is ${o.status}, not on hold`, [], { from: o.status, allowed: allowedFrom(o.status, o.held_from) });
  const reason = o.hold_reason;
  await setState(tx, ctx, o, o.held_from, { released_hold: reason, ...(note ? { note } : {}) });
  if (o.status === 'pending_payment' && (PAID.has(o.payment_status) || reason === 'stock' || reason === 'compliance')) {
    if (PAID.has(o.payment_status)) await acceptOrder(tx, ctx, o, { override: reason === 'compliance' });
  }
  return getOrder(tx, ctx, id);
}

export async function cancel(tx: Executor, ctx: AuthContext, id: string, reason: string) {
  const o = await ownOrder(tx, ctx, id);
  await cancelOrder(tx, ctx, o, reason);
  return getOrder(tx, ctx, id);
}

export async function recordPayment(tx: Executor, ctx: AuthContext, id: string, status: string) {
  const o = await ownOrder(tx, ctx, id);
  const before = o.payment_status;
  await tx.query(`UPDATE orders SET payment_status = $2, updated_at = now() WHERE id = $1`, [id, status]);
  o.payment_status = status;
  await addTimeline(tx, ctx, id, o.org_id, 'payment', { from: before, to: status });
  await recordAudit(tx, ctx, { action: 'order.payment', entityType: 'order', entityId: id, before: { payment_status: before }, after: { payment_status: status } });
  if (o.status === 'pending_payment' && PAID.has(status)) await acceptOrder(tx, ctx, o);
  return getOrder(tx, ctx, id);
}

/** Allocated: the warehouses holding the reservations are told to pick; their organisations may now see the order. */
export async function allocate(tx: Executor, ctx: AuthContext, id: string) {
  const o = await ownOrder(tx, ctx, id);
  assertTransition(o.status, 'allocated', o.held_from);
  const reservations = (await reservationsOf(tx, o.org_id, id)).filter((r: any) => r.status === 'active');
  const warehouses = new Map((await listWarehouses(tx, o.org_id)).map((w) => [w.id, w]));
  const operators = [...new Set(reservations.map((r: any) => warehouses.get(r.warehouse_id)?.org_id).filter((org): org is string => !!org && org !== o.org_id))];
  for (const org of operators) await shareRecord(tx, o.org_id, { granteeOrgId: org, entityType: 'order', entityId: id, permissions: ['read', 'write'], reason: 'warehouse fulfils the order', createdBy: ctx.userId });
  await setState(tx, ctx, o, 'allocated', { warehouses: [...new Set(reservations.map((r: any) => r.warehouse_id))], shared_with: operators });
  return getOrder(tx, ctx, id);
}

/** Record a shipment from one warehouse: consumes the reservations there; partially_shipped until every line has left. */
export async function ship(tx: Executor, ctx: AuthContext, id: string, input: { warehouse_id: string; lines?: Array<{ sku: string; qty: number }>; carrier?: string; tracking_number?: string }) {
  const o = await loadOrder(tx, ctx, id, { lock: true, write: true });
  if (!['accepted', 'allocated', 'partially_shipped'].includes(o.status)) assertTransition(o.status, 'shipped', o.held_from);
  const lines = await linesOf(tx, id);
  let shipLines = input.lines;
  if (!shipLines) {
    const open = (await reservationsOf(tx, o.org_id, id)).filter((r: any) => r.status === 'active' && r.warehouse_id === input.warehouse_id);
    shipLines = open.map((r: any) => ({ sku: r.sku, qty: r.qty - r.consumed - r.released }));
    if (shipLines.length === 0) throw badRequest(`Nothing of order ${id} is reserved in ${input.warehouse_id}; list the lines to ship`, 'lines');
  }
  // ship against order lines: never more than ordered
  const remaining = new Map<string, number>();
  for (const l of lines) remaining.set(l.sku, (remaining.get(l.sku) ?? 0) + l.qty - l.shipped_qty);
  shipLines.forEach((l, i) => {
    const left = remaining.get(l.sku);
    if (left === undefined) throw validationError([{ field: `lines.${i}.sku`, message: `${l.sku} is not on order ${id}` }]);
    if (l.qty > left) throw validationError([{ field: `lines.${i}.qty`, message: `only ${left} of ${l.sku} are left to ship` }]);
    remaining.set(l.sku, left - l.qty);
  });
  await consume(tx, sellerCtx(ctx, o), { orderId: id, warehouseId: input.warehouse_id, lines: shipLines });
  for (const s of shipLines) {
    let left = s.qty;
    for (const l of lines.filter((x) => x.sku === s.sku)) {
      const take = Math.min(left, l.qty - l.shipped_qty);
      if (take <= 0) continue;
      l.shipped_qty += take;
      left -= take;
      await tx.query(`UPDATE order_lines SET shipped_qty = $2 WHERE id = $1`, [l.id, l.shipped_qty]);
    }
  }
  const shipmentId = newId('osh');
  await tx.query(`INSERT INTO order_shipments (id, org_id, order_id, warehouse_id, lines, carrier, tracking_number) VALUES ($1,$2,$3,$4,$5,$6,$7)`,
    [shipmentId, o.org_id, id, input.warehouse_id, JSON.stringify(shipLines), input.carrier ?? null, input.tracking_number ?? null]);
  const all = lines.every((l) => l.shipped_qty >= l.qty);
  await tx.query(`UPDATE orders SET fulfilment_status = $2, updated_at = now() WHERE id = $1`, [id, all ? 'fulfilled' : 'partially_fulfilled']);
  const detail = { shipment_id: shipmentId, warehouse_id: input.warehouse_id, lines: shipLines, carrier: input.carrier, tracking_number: input.tracking_number };
  const to: OrderState = all ? 'shipped' : 'partially_shipped';
  if (o.status === to) await addTimeline(tx, ctx, id, o.org_id, 'shipment', detail);
  else await setState(tx, ctx, o, to, detail);
  if (all) await release(tx, sellerCtx(ctx, o), id); // anything still reserved elsewhere is no longer needed
  return getOrder(tx, ctx, id);
}

/**
 * Subscriber of `logistics.booking.accepted`: the hub orders in the booking (refs that are order ids
 * of the booking's seller) leave the booking's origin warehouse — what is reserved there is consumed
 * and the order becomes (partially) shipped with the carrier's tracking number. Refs that are not hub
 * orders, orders in another state and orders with nothing reserved there are left alone: a booking
 * may carry goods the hub does not manage.
 */
export async function shipBookedOrders(tx: Executor, e: StoredEvent) {
  const p = e.payload as { order_refs?: string[]; from_warehouse_id?: string | null; tracking_number?: string; carrier?: string };
  if (!e.orgId || !p.from_warehouse_id) return;
  const refs = (p.order_refs ?? []).filter((r) => r.startsWith('ord_'));
  if (refs.length === 0) return;
  const ctx = systemContext(e.orgId, 'seller', e.requestId ?? 'system');
  const orders = await tx.query(`SELECT id FROM orders WHERE org_id = $1 AND id = ANY($2) AND status IN ('accepted','allocated','partially_shipped')`, [e.orgId, refs]);
  for (const o of orders) {
    const open = (await reservationsOf(tx, e.orgId, o.id)).filter((r: any) => r.status === 'active' && r.warehouse_id === p.from_warehouse_id);
    if (open.length === 0) continue;
    // A refusal (e.g. the order changed since the booking) is written on the order's timeline instead of
    // failing the subscriber, which would hold back every later booking event behind this one.
    await tx.query('SAVEPOINT ship_booked_order');
    try {
      await ship(tx, ctx, o.id, { warehouse_id: p.from_warehouse_id, carrier: p.carrier, tracking_number: p.tracking_number });
      await tx.query('RELEASE SAVEPOINT ship_booked_order');
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      await tx.query('ROLLBACK TO SAVEPOINT ship_booked_order');
      await addTimeline(tx, ctx, o.id, e.orgId, 'shipment_not_recorded', { booking_id: e.entityId, tracking_number: p.tracking_number, reason: err.message });
    }
  }
}

/** Plain forward steps after shipping: delivered, completed, returned, refunded (and pending_payment from draft). */
export async function transition(tx: Executor, ctx: AuthContext, id: string, to: OrderState, note?: string) {
  const o = await ownOrder(tx, ctx, id);
  if (to === 'accepted') { await acceptOrder(tx, ctx, o); return getOrder(tx, ctx, id); }
  if (to === 'cancelled') { await cancelOrder(tx, ctx, o, note ?? 'cancelled'); return getOrder(tx, ctx, id); }
  if (!['pending_payment', 'delivered', 'completed', 'returned', 'refunded'].includes(to)) {
    assertTransition(o.status, to, o.held_from); // names the allowed states when illegal
    throw badRequest(`Use the dedicated action to move an order to ${to}`, 'to');
  }
  await setState(tx, ctx, o, to, note ? { note } : {});
  if (to === 'refunded') await tx.query(`UPDATE orders SET payment_status = 'refunded' WHERE id = $1`, [id]);
  return getOrder(tx, ctx, id);
}

// ---------- split and merge ----------

/** Spread an amount over parts by weight: floor each share, remainder to the first part (exact, no floats beyond integer division). */
function spread(amount: number, weights: number[]): number[] {
  const total = weights.reduce((s, w) => s + w, 0);
  if (total === 0) return weights.map((_, i) => (i === 0 ? amount : 0));
  const shares = weights.map((w) => Number((BigInt(amount) * BigInt(w)) / BigInt(total)));
  shares[0] += amount - shares.reduce((s, x) => s + x, 0);
  return shares;
}

async function newChildOrder(tx: Executor, ctx: AuthContext, base: any, lines: any[], extra: { parent_order_id?: string; channel?: string; totals: { subtotal: number; shipping: number; tax: number; discount: number; total: number }; payment_status: string; tags?: string[]; note?: string }) {
  const id = newId('ord');
  const row = await tx.one(
    `INSERT INTO orders (id, org_id, channel, external_id, external_number, connection_id, status, buyer, buyer_key, ship_to, ship_country, currency, subtotal, shipping, tax, discount, total,
                         taxes_included, tax_lines, payment_status, fulfilment_status, tags, note, warnings, parent_order_id, placed_at)
     VALUES ($1,$2,$3,NULL,$4,$5,'draft',$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,'[]',$17,'unfulfilled',$18,$19,'[]',$20,$21) RETURNING *`,
    [id, base.org_id, extra.channel ?? base.channel, base.external_number, base.connection_id, JSON.stringify(base.buyer), base.buyer_key, base.ship_to ? JSON.stringify(base.ship_to) : null, base.ship_country, base.currency,
      extra.totals.subtotal, extra.totals.shipping, extra.totals.tax, extra.totals.discount, extra.totals.total, base.taxes_included, extra.payment_status, extra.tags ?? base.tags, extra.note ?? base.note, extra.parent_order_id ?? null, base.placed_at],
  );
  await insertLines(tx, row, lines.map((l, i) => ({ ...l, id: newId('oln'), line_no: i + 1 })));
  await addTimeline(tx, ctx, id, row.org_id, 'created', { from_orders: extra.parent_order_id ? [extra.parent_order_id] : undefined }, null, 'draft');
  await recordAudit(tx, ctx, { action: 'order.create', entityType: 'order', entityId: id, after: { channel: row.channel, parent_order_id: extra.parent_order_id ?? null, total: row.total, currency: row.currency } });
  await emit(tx, ctx, { type: 'orders.order.created', entityType: 'order', entityId: id, orgId: row.org_id, payload: { order_id: id, channel: row.channel, total: row.total, currency: row.currency, lines: lines.map((l) => ({ sku: l.sku, qty: l.qty })) } });
  return row;
}

/**
 * Split an order into several (e.g. one per warehouse). Every line quantity must be assigned
 * exactly once. The parent becomes `split`; children keep its channel and a parent link; a reserved
 * parent's stock is released and re-reserved per child in the child's warehouse.
 */
export async function split(tx: Executor, ctx: AuthContext, id: string, parts: Array<{ lines: Array<{ line_id: string; qty: number }>; warehouse_id?: string }>) {
  const o = await ownOrder(tx, ctx, id);
  assertTransition(o.status, 'split', o.held_from);
  if (parts.length < 2) throw validationError([{ field: 'parts', message: 'a split needs at least two parts' }]);
  const lines = await linesOf(tx, id);
  const byId = new Map(lines.map((l) => [l.id, l]));
  const assigned = new Map<string, number>();
  parts.forEach((p, pi) => p.lines.forEach((pl, li) => {
    if (!byId.has(pl.line_id)) throw validationError([{ field: `parts.${pi}.lines.${li}.line_id`, message: `${pl.line_id} is not a line of ${id}` }]);
    assigned.set(pl.line_id, (assigned.get(pl.line_id) ?? 0) + pl.qty);
  }));
  for (const l of lines) if ((assigned.get(l.id) ?? 0) !== l.qty) throw validationError([{ field: 'parts', message: `line ${l.line_no} (${l.sku}) has ${l.qty} units; the parts assign ${assigned.get(l.id) ?? 0}` }]);
  const wasReserved = RESERVED_STATES.includes(o.status);
  await release(tx, ctx, id);
  // line money: a line split by quantity keeps exact totals (unit price × qty, remainder on the first part)
  const used = new Map<string, { total: number; taxes: number[] }>();
  const partLines = parts.map((p) => p.lines.map((pl) => {
    const l = byId.get(pl.line_id)!;
    const u = used.get(l.id) ?? { total: 0, taxes: (l.tax_lines as any[]).map(() => 0) };
    const left = assigned.get(l.id)! - pl.qty;
    assigned.set(l.id, left);
    const last = left === 0;
    const lineTotal = last ? Number(l.line_total) - u.total : Number(l.unit_price) * pl.qty;
    const taxLines = (l.tax_lines as any[]).map((t, ti) => {
      const amount = last ? t.amount - u.taxes[ti] : Math.floor((t.amount * pl.qty) / l.qty);
      u.taxes[ti] += amount;
      return { ...t, amount };
    });
    u.total += lineTotal;
    used.set(l.id, u);
    return { external_line_id: l.external_line_id, sku: l.sku, title: l.title, qty: pl.qty, unit_price: l.unit_price, line_total: lineTotal, currency: l.currency, tax_lines: taxLines };
  }));
  const weights = partLines.map((pl) => pl.reduce((s, l) => s + l.line_total, 0));
  const shipping = spread(Number(o.shipping), weights), discount = spread(Number(o.discount), weights), tax = spread(Number(o.tax), weights);
  const children = [];
  for (let i = 0; i < parts.length; i++) {
    const subtotal = weights[i];
    const total = subtotal + shipping[i] + (o.taxes_included ? 0 : tax[i]) - discount[i];
    const child = await newChildOrder(tx, ctx, o, partLines[i], { parent_order_id: id, totals: { subtotal, shipping: shipping[i], tax: tax[i], discount: discount[i], total }, payment_status: o.payment_status });
    await tx.query(`INSERT INTO order_lineage (org_id, kind, source_order_id, result_order_id) VALUES ($1,'split',$2,$3)`, [o.org_id, id, child.id]);
    if (wasReserved) await acceptOrder(tx, ctx, child, { lines: partLines[i], warehouseId: parts[i].warehouse_id, override: true });
    else await setState(tx, ctx, child, o.status === 'draft' ? 'pending_payment' : (o.status as OrderState));
    children.push(child.id);
  }
  await setState(tx, ctx, o, 'split', { into: children });
  const details = [];
  for (const c of children) details.push(await getOrder(tx, ctx, c));
  return { id, status: 'split', children: details };
}

/** Orders that could be merged: open orders of the same buyer to the same address. */
export async function mergeCandidates(tx: Executor, ctx: AuthContext) {
  const rows = await tx.query(
    `SELECT buyer_key, currency, array_agg(id ORDER BY id) AS order_ids, min(buyer->>'name') AS buyer_name, min(ship_country) AS country, sum(total)::bigint AS total
       FROM orders WHERE org_id = $1 AND status IN ('draft','pending_payment','accepted') GROUP BY buyer_key, currency HAVING count(*) > 1 ORDER BY min(id) DESC LIMIT 100`,
    [ctx.orgId],
  );
  return { data: rows };
}

/** Merge open orders of the same buyer and address into one new order; the sources become `merged`. */
export async function merge(tx: Executor, ctx: AuthContext, orderIds: string[], note?: string) {
  const ids = [...new Set(orderIds)].sort();
  if (ids.length < 2) throw validationError([{ field: 'order_ids', message: 'merge needs at least two different orders' }]);
  const orders: any[] = [];
  for (const id of ids) orders.push(await ownOrder(tx, ctx, id));
  for (const o of orders) assertTransition(o.status, 'merged', o.held_from);
  const first = orders[0];
  if (orders.some((o) => o.buyer_key !== first.buyer_key)) throw unprocessableMerge('the orders go to different buyers or addresses');
  if (orders.some((o) => o.currency !== first.currency)) throw unprocessableMerge('the orders are in different currencies');
  if (orders.some((o) => o.taxes_included !== first.taxes_included)) throw unprocessableMerge('some orders have tax-inclusive prices and some not');
  const allReserved = orders.every((o) => RESERVED_STATES.includes(o.status));
  const lines = [];
  for (const o of orders) {
    await release(tx, ctx, o.id);
    for (const l of await linesOf(tx, o.id)) lines.push({ external_line_id: l.external_line_id, sku: l.sku, title: l.title, qty: l.qty, unit_price: l.unit_price, line_total: l.line_total, currency: l.currency, tax_lines: l.tax_lines });
  }
  const sum = (k: string) => orders.reduce((s, o) => s + Number(o[k]), 0);
  const payments = new Set(orders.map((o) => o.payment_status));
  const merged = await newChildOrder(tx, ctx, first, lines, {
    channel: new Set(orders.map((o) => o.channel)).size === 1 ? first.channel : 'merged',
    totals: { subtotal: sum('subtotal'), shipping: sum('shipping'), tax: sum('tax'), discount: sum('discount'), total: sum('total') },
    payment_status: payments.size === 1 ? first.payment_status : [...payments].every((p) => PAID.has(p)) ? 'paid' : 'partially_paid',
    tags: [...new Set(orders.flatMap((o) => o.tags))], note: [note, ...orders.map((o) => o.note)].filter(Boolean).join('\n'),
  });
  for (const o of orders) {
    await tx.query(`INSERT INTO order_lineage (org_id, kind, source_order_id, result_order_id) VALUES ($1,'merge',$2,$3)`, [o.org_id, o.id, merged.id]);
    await setState(tx, ctx, o, 'merged', { into: merged.id }, { merged_into: merged.id });
  }
  await addTimeline(tx, ctx, merged.id, merged.org_id, 'lineage', { merged_from: ids });
  if (allReserved || PAID.has(merged.payment_status)) await acceptOrder(tx, ctx, merged, { lines });
  else await setState(tx, ctx, merged, 'pending_payment');
  return getOrder(tx, ctx, merged.id);
}

const unprocessableMerge = (why: string) => new AppError('merge_not_possible', 422, `These orders cannot be merged: ${why}`);

// ---------- saved views ----------

export async function listViews(tx: Executor, ctx: AuthContext) {
  return { data: await tx.query(`SELECT id, name, filters, user_id, created_at FROM order_views WHERE org_id = $1 AND (user_id IS NULL OR user_id = $2) ORDER BY name`, [ctx.orgId, ctx.userId]) };
}

export async function createView(tx: Executor, ctx: AuthContext, input: { name: string; filters: Record<string, string>; shared?: boolean }) {
  const id = newId('ovw');
  const row = await tx.one(`INSERT INTO order_views (id, org_id, user_id, name, filters) VALUES ($1,$2,$3,$4,$5) RETURNING id, name, filters, user_id, created_at`, [id, ctx.orgId, input.shared ? null : ctx.userId, input.name, JSON.stringify(input.filters)]);
  await recordAudit(tx, ctx, { action: 'order_view.create', entityType: 'order_view', entityId: id, after: row });
  return row;
}

export async function deleteView(tx: Executor, ctx: AuthContext, id: string) {
  const rows = await tx.query(`DELETE FROM order_views WHERE id = $1 AND org_id = $2 AND (user_id IS NULL OR user_id = $3) RETURNING id`, [id, ctx.orgId, ctx.userId]);
  if (!rows.length) throw notFound('Saved view', id);
  await recordAudit(tx, ctx, { action: 'order_view.delete', entityType: 'order_view', entityId: id, before: { id } });
  return { ok: true };
}

export const systemCtxFor = (orgId: string, requestId: string) => systemContext(orgId, 'seller', requestId);
export type { Ctx };
