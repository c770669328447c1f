import { recordAudit } from '../../kernel/audit.ts';
import type { AuthContext } from '../../kernel/context.ts';
import type { Executor } from '../../kernel/db.ts';
import { badRequest, conflict, forbidden, notFound, validationError } from '../../kernel/errors.ts';
import { emit } from '../../kernel/events.ts';
import { revokeGrant, shareRecord } from '../../kernel/grants.ts';
import { newId } from '../../kernel/ids.ts';
import { applyMoves, checkAlerts, type Levels, type Move } from './stock.ts';

/**
 * Warehouses, inbound shipments (ASN) and receipts, transfers, counts and adjustments.
 * Who may do what:
 *  - a warehouse belongs to its operating organisation (a warehouse org, or a seller running its own);
 *  - the operator grants sellers (record grant on the warehouse), and a seller sees only its own stock there;
 *  - physical operations (receipt, count, damage) are done by the operator; the seller announces
 *    inbound shipments, moves stock between warehouses and sets safety stock.
 */
export const CAPABILITIES = ['returns', 'relabelling', 'qc', 'cold_chain'] as const;

export const publicWarehouse = (w: any) => ({
  id: w.id, org_id: w.org_id, code: w.code, name: w.name, country: w.country, time_zone: w.time_zone, address: w.address,
  capabilities: w.capabilities, active: w.active, created_at: w.created_at, ...(w.operator_name ? { operator_name: w.operator_name } : {}),
});

/** Warehouses the organisation runs or has been granted. */
export const WAREHOUSE_VISIBLE = `(w.org_id = $1 OR w.id IN (SELECT entity_id FROM record_grants WHERE grantee_org_id = $1 AND entity_type = 'warehouse' AND revoked_at IS NULL))`;

export async function listWarehouses(tx: Executor, orgId: string) {
  const rows = await tx.query(`SELECT w.* FROM inv_warehouses w WHERE ${WAREHOUSE_VISIBLE} ORDER BY w.country, w.code`, [orgId]);
  return rows.map(publicWarehouse);
}

async function visibleWarehouse(tx: Executor, orgId: string, id: string) {
  const w = await tx.maybeOne(`SELECT w.* FROM inv_warehouses w WHERE w.id = $2 AND ${WAREHOUSE_VISIBLE}`, [orgId, id]);
  if (!w) throw notFound('Warehouse', id);
  return w;
}

async function operatedWarehouse(tx: Executor, ctx: AuthContext, id: string) {
  const w = await visibleWarehouse(tx, ctx.orgId, id);
  if (w.org_id !== ctx.orgId) throw forbidden(`Only the organisation operating warehouse ${w.code} can do this`);
  return w;
}

/** The seller may keep stock in the warehouse (runs it, or was granted by the operator). */
async function servingWarehouse(tx: Executor, sellerOrgId: string, id: string) {
  return visibleWarehouse(tx, sellerOrgId, id);
}

async function servesSeller(tx: Executor, warehouse: any, sellerOrgId: string) {
  if (warehouse.org_id === sellerOrgId) return true;
  return !!(await tx.maybeOne(`SELECT 1 FROM record_grants WHERE grantee_org_id = $1 AND entity_type = 'warehouse' AND entity_id = $2 AND revoked_at IS NULL`, [sellerOrgId, warehouse.id]));
}

export interface WarehouseInput {
  code: string; name: string; country: string; time_zone: string;
  address: { line1: string; line2?: string; city: string; region?: string; postcode?: string; country?: string };
  capabilities?: string[];
}

function checkTimeZone(tz: string) {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
  } catch {
    throw validationError([{ field: 'time_zone', message: `"${tz}" is not an IANA time zone` }]);
  }
}

export async function createWarehouse(tx: Executor, ctx: AuthContext, input: WarehouseInput) {
  if (ctx.orgKind !== 'warehouse' && ctx.orgKind !== 'seller') throw forbidden('Only warehouse organisations and sellers run warehouses');
  checkTimeZone(input.time_zone);
  if (await tx.maybeOne(`SELECT 1 FROM inv_warehouses WHERE org_id = $1 AND code = $2`, [ctx.orgId, input.code])) throw conflict(`A warehouse with code ${input.code} exists already`);
  const id = newId('wh');
  const row = await tx.one(
    `INSERT INTO inv_warehouses (id, org_id, code, name, country, time_zone, address, capabilities) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING *`,
    [id, ctx.orgId, input.code, input.name, input.country, input.time_zone, JSON.stringify({ ...input.address, country: input.country }), [...new Set(input.capabilities ?? [])]],
  );
  await recordAudit(tx, ctx, { action: 'warehouse.create', entityType: 'warehouse', entityId: id, after: publicWarehouse(row) });
  await emit(tx, ctx, { type: 'inventory.warehouse.created', entityType: 'warehouse', entityId: id, orgId: ctx.orgId, payload: { code: row.code, country: row.country } });
  return publicWarehouse(row);
}

export async function getWarehouse(tx: Executor, ctx: AuthContext, id: string) {
  const w = await visibleWarehouse(tx, ctx.orgId, id);
  const out: any = publicWarehouse(w);
  if (w.org_id === ctx.orgId) {
    out.sellers = await tx.query(
      `SELECT g.grantee_org_id AS seller_org_id, g.id AS grant_id, g.created_at FROM record_grants g WHERE g.owner_org_id = $1 AND g.entity_type = 'warehouse' AND g.entity_id = $2 AND g.revoked_at IS NULL ORDER BY g.created_at`,
      [ctx.orgId, id],
    );
  }
  return out;
}

export async function updateWarehouse(tx: Executor, ctx: AuthContext, id: string, patch: Partial<WarehouseInput> & { active?: boolean }) {
  const before = publicWarehouse(await operatedWarehouse(tx, ctx, id));
  if (patch.time_zone) checkTimeZone(patch.time_zone);
  const row = await tx.one(
    `UPDATE inv_warehouses SET name = COALESCE($2, name), time_zone = COALESCE($3, time_zone), address = COALESCE($4, address), capabilities = COALESCE($5, capabilities), active = COALESCE($6, active), updated_at = now()
      WHERE id = $1 RETURNING *`,
    [id, patch.name ?? null, patch.time_zone ?? null, patch.address ? JSON.stringify({ ...patch.address, country: before.country }) : null, patch.capabilities ? [...new Set(patch.capabilities)] : null, patch.active ?? null],
  );
  await recordAudit(tx, ctx, { action: 'warehouse.update', entityType: 'warehouse', entityId: id, before, after: publicWarehouse(row) });
  return publicWarehouse(row);
}

/** The operator lets a seller keep stock in the warehouse (a record grant the seller reads through). */
export async function grantSeller(tx: Executor, ctx: AuthContext, id: string, sellerOrgId: string) {
  const w = await operatedWarehouse(tx, ctx, id);
  const seller = await tx.maybeOne(`SELECT id, kind FROM organisations WHERE id = $1`, [sellerOrgId]);
  if (!seller || seller.kind !== 'seller') throw badRequest(`${sellerOrgId} is not a seller organisation`, 'seller_org_id');
  const grantId = await shareRecord(tx, ctx.orgId, { granteeOrgId: sellerOrgId, entityType: 'warehouse', entityId: w.id, permissions: ['read', 'write'], reason: 'warehouse serves seller', createdBy: ctx.userId });
  await recordAudit(tx, ctx, { action: 'warehouse.grant_seller', entityType: 'warehouse', entityId: id, after: { seller_org_id: sellerOrgId, grant_id: grantId } });
  await emit(tx, ctx, { type: 'inventory.warehouse.seller_granted', entityType: 'warehouse', entityId: id, orgId: ctx.orgId, audience: [sellerOrgId], payload: { seller_org_id: sellerOrgId } });
  return { warehouse_id: id, seller_org_id: sellerOrgId, grant_id: grantId };
}

export async function revokeSeller(tx: Executor, ctx: AuthContext, id: string, sellerOrgId: string) {
  await operatedWarehouse(tx, ctx, id);
  const g = await tx.maybeOne(`SELECT id FROM record_grants WHERE owner_org_id = $1 AND grantee_org_id = $2 AND entity_type = 'warehouse' AND entity_id = $3 AND revoked_at IS NULL`, [ctx.orgId, sellerOrgId, id]);
  if (!g) throw notFound('Seller grant', sellerOrgId);
  const held = await tx.maybeOne(`SELECT 1 FROM inv_stock WHERE warehouse_id = $1 AND org_id = $2 AND (on_hand > 0 OR in_transit > 0)`, [id, sellerOrgId]);
  if (held) throw conflict('The warehouse still holds or expects stock of this seller; move it out first');
  await revokeGrant(tx, ctx.orgId, g.id);
  await recordAudit(tx, ctx, { action: 'warehouse.revoke_seller', entityType: 'warehouse', entityId: id, before: { seller_org_id: sellerOrgId } });
  return { ok: true };
}

// ---------- stock views ----------

export async function listStock(tx: Executor, ctx: AuthContext, q: { sku?: string; warehouse_id?: string; seller_org_id?: string; low?: boolean; limit: number; cursor?: string }) {
  // Sellers see their own stock everywhere; an operator sees what it holds for every seller.
  const params: unknown[] = [ctx.orgId];
  const where = [`(s.org_id = $1 OR w.org_id = $1)`];
  const add = (sql: string, v: unknown) => { params.push(v); where.push(sql.replaceAll('?', `$${params.length}`)); };
  if (q.sku) add(`s.sku ILIKE ?`, q.sku.replace(/[%_]/g, '\\$&') + '%');
  if (q.warehouse_id) add('s.warehouse_id = ?', q.warehouse_id);
  if (q.seller_org_id) add('s.org_id = ?', q.seller_org_id);
  if (q.low) where.push('s.on_hand - s.reserved <= s.safety');
  if (q.cursor) add(`(s.sku || '|' || s.warehouse_id) > ?`, q.cursor);
  const rows = await tx.query(
    `SELECT s.org_id AS seller_org_id, s.sku, s.warehouse_id, w.code AS warehouse_code, w.country, s.on_hand, s.reserved, s.on_hand - s.reserved AS available, s.in_transit, s.safety, s.updated_at
       FROM inv_stock s JOIN inv_warehouses w ON w.id = s.warehouse_id
      WHERE ${where.join(' AND ')} ORDER BY s.sku || '|' || s.warehouse_id LIMIT ${q.limit + 1}`,
    params,
  );
  const more = rows.length > q.limit;
  const data = more ? rows.slice(0, q.limit) : rows;
  return { data, next_cursor: more ? `${data[data.length - 1].sku}|${data[data.length - 1].warehouse_id}` : null };
}

export async function listMovements(tx: Executor, ctx: AuthContext, q: { sku?: string; warehouse_id?: string; reference_id?: string; kind?: string; limit: number; cursor?: string }) {
  const params: unknown[] = [ctx.orgId];
  const where = [`(m.org_id = $1 OR m.warehouse_id IN (SELECT id FROM inv_warehouses WHERE org_id = $1))`];
  const add = (sql: string, v: unknown) => { params.push(v); where.push(sql.replace('?', `$${params.length}`)); };
  if (q.sku) add('m.sku = ?', q.sku);
  if (q.warehouse_id) add('m.warehouse_id = ?', q.warehouse_id);
  if (q.reference_id) add('m.reference_id = ?', q.reference_id);
  if (q.kind) add('m.kind = ?', q.kind);
  if (q.cursor) add('m.seq < ?', Number(q.cursor) || 0);
  const rows = await tx.query(
    `SELECT m.seq, m.org_id AS seller_org_id, m.sku, m.warehouse_id, m.kind, m.d_on_hand, m.d_reserved, m.d_in_transit, m.reference_type, m.reference_id, m.reason, m.actor_org_id, m.actor_user_id, m.at
       FROM inv_movements m WHERE ${where.join(' AND ')} ORDER BY m.seq DESC LIMIT ${q.limit + 1}`,
    params,
  );
  const more = rows.length > q.limit;
  const data = more ? rows.slice(0, q.limit) : rows;
  return { data, next_cursor: more ? String(data[data.length - 1].seq) : null };
}

export async function listAlerts(tx: Executor, ctx: AuthContext, open: boolean) {
  return tx.query(
    `SELECT a.id, a.sku, a.warehouse_id, a.kind, a.available, a.safety, a.opened_at, a.resolved_at FROM inv_alerts a
      WHERE a.org_id = $1 ${open ? 'AND a.resolved_at IS NULL' : ''} ORDER BY a.opened_at DESC LIMIT 500`,
    [ctx.orgId],
  );
}

export async function setSafetyStock(tx: Executor, ctx: AuthContext, input: { warehouse_id: string; sku: string; safety: number }) {
  await servingWarehouse(tx, ctx.orgId, input.warehouse_id);
  const before = await tx.maybeOne(`SELECT safety FROM inv_stock WHERE org_id = $1 AND sku = $2 AND warehouse_id = $3`, [ctx.orgId, input.sku, input.warehouse_id]);
  const row = await tx.one(
    `INSERT INTO inv_stock (org_id, sku, warehouse_id, safety) VALUES ($1,$2,$3,$4)
     ON CONFLICT (org_id, sku, warehouse_id) DO UPDATE SET safety = EXCLUDED.safety, updated_at = now() RETURNING on_hand, reserved, in_transit, safety`,
    [ctx.orgId, input.sku, input.warehouse_id, input.safety],
  );
  await recordAudit(tx, ctx, { action: 'stock.safety', entityType: 'stock', entityId: `${input.sku}@${input.warehouse_id}`, before: before ?? null, after: { safety: input.safety } });
  // a raised safety level can open a low-stock alert; a lowered one resolves it
  if (row.on_hand - row.reserved > input.safety) {
    await tx.query(`UPDATE inv_alerts SET resolved_at = now() WHERE org_id = $1 AND sku = $2 AND warehouse_id = $3 AND kind = 'low_stock' AND resolved_at IS NULL`, [ctx.orgId, input.sku, input.warehouse_id]);
  }
  await checkAlerts(tx, ctx, [{ orgId: ctx.orgId, sku: input.sku, warehouseId: input.warehouse_id, kind: 'count_adjustment' }], [row as Levels]);
  return { sku: input.sku, warehouse_id: input.warehouse_id, ...row, available: row.on_hand - row.reserved };
}

/**
 * Stock changes an operator records by hand: damage (write-off) or a correction with a reason.
 * Also a direct receipt without an ASN (e.g. a seller's own warehouse taking in production).
 */
export async function adjustStock(tx: Executor, ctx: AuthContext, input: { warehouse_id: string; seller_org_id?: string; sku: string; kind: 'receipt' | 'damage' | 'count_adjustment'; qty: number; reason: string; reference?: string }) {
  const w = await operatedWarehouse(tx, ctx, input.warehouse_id);
  const seller = input.seller_org_id ?? ctx.orgId;
  if (!(await servesSeller(tx, w, seller))) throw notFound('Seller at this warehouse', seller);
  if (input.kind !== 'count_adjustment' && input.qty <= 0) throw validationError([{ field: 'qty', message: 'must be positive for receipts and damage' }]);
  const dOnHand = input.kind === 'damage' ? -input.qty : input.qty;
  const move: Move = { orgId: seller, sku: input.sku, warehouseId: w.id, kind: input.kind, dOnHand, reason: input.reason, referenceType: 'adjustment', referenceId: input.reference };
  const [levels] = await applyMoves(tx, ctx, [move]);
  await recordAudit(tx, ctx, { action: `stock.${input.kind}`, entityType: 'stock', entityId: `${input.sku}@${w.id}`, after: { seller_org_id: seller, d_on_hand: dOnHand, reason: input.reason } });
  await emit(tx, ctx, { type: `inventory.stock.${input.kind}`, entityType: 'stock', entityId: `${input.sku}@${w.id}`, orgId: seller, audience: seller === ctx.orgId ? [] : [ctx.orgId], payload: { sku: input.sku, warehouse_id: w.id, d_on_hand: dOnHand, reason: input.reason } });
  return { sku: input.sku, warehouse_id: w.id, seller_org_id: seller, ...levels, available: levels.on_hand - levels.reserved };
}

/** A stock count: the counted figure replaces on hand through count_adjustment movements of the difference. */
export async function recordCount(tx: Executor, ctx: AuthContext, input: { warehouse_id: string; seller_org_id?: string; lines: Array<{ sku: string; counted: number }>; note?: string }) {
  const w = await operatedWarehouse(tx, ctx, input.warehouse_id);
  const seller = input.seller_org_id ?? ctx.orgId;
  if (!(await servesSeller(tx, w, seller))) throw notFound('Seller at this warehouse', seller);
  const id = newId('cnt');
  const current = await tx.query(`SELECT sku, on_hand, reserved FROM inv_stock WHERE org_id = $1 AND warehouse_id = $2 AND sku = ANY($3) FOR UPDATE`, [seller, w.id, input.lines.map((l) => l.sku)]);
  const bySku = new Map(current.map((r) => [r.sku, r]));
  const lines = input.lines.map((l) => {
    const expected = bySku.get(l.sku)?.on_hand ?? 0;
    const reserved = bySku.get(l.sku)?.reserved ?? 0;
    if (l.counted < reserved) throw conflict(`Counted ${l.counted} of ${l.sku} but ${reserved} are reserved for orders; resolve those orders first`, { sku: l.sku });
    return { sku: l.sku, expected, counted: l.counted, difference: l.counted - expected };
  });
  const moves: Move[] = lines.filter((l) => l.difference !== 0).map((l) => ({ orgId: seller, sku: l.sku, warehouseId: w.id, kind: 'count_adjustment', dOnHand: l.difference, referenceType: 'count', referenceId: id, reason: input.note ?? 'stock count' }));
  await applyMoves(tx, ctx, moves);
  await tx.query(`INSERT INTO inv_counts (id, org_id, warehouse_id, counted_by_org_id, lines, note) VALUES ($1,$2,$3,$4,$5,$6)`, [id, seller, w.id, ctx.orgId, JSON.stringify(lines), input.note ?? null]);
  await recordAudit(tx, ctx, { action: 'stock.count', entityType: 'stock_count', entityId: id, after: { warehouse_id: w.id, seller_org_id: seller, lines } });
  await emit(tx, ctx, { type: 'inventory.count.recorded', entityType: 'stock_count', entityId: id, orgId: seller, audience: seller === ctx.orgId ? [] : [ctx.orgId], payload: { warehouse_id: w.id, lines } });
  return { id, warehouse_id: w.id, seller_org_id: seller, lines };
}

// ---------- inbound shipments (ASN) and receipts ----------

const publicInbound = (r: any) => ({
  id: r.id, seller_org_id: r.org_id, warehouse_id: r.warehouse_id, warehouse_org_id: r.warehouse_org_id, kind: r.kind, from_warehouse_id: r.from_warehouse_id,
  reference: r.reference, carrier: r.carrier, tracking_number: r.tracking_number, expected_at: r.expected_at, status: r.status, lines: r.lines, note: r.note,
  created_at: r.created_at, updated_at: r.updated_at,
});

const INBOUND_VISIBLE = `(i.org_id = $1 OR i.warehouse_org_id = $1)`;

async function visibleInbound(tx: Executor, ctx: AuthContext, id: string, lock = false) {
  const r = await tx.maybeOne(`SELECT i.* FROM inv_inbound i WHERE i.id = $2 AND ${INBOUND_VISIBLE} ${lock ? 'FOR UPDATE' : ''}`, [ctx.orgId, id]);
  if (!r) throw notFound('Inbound shipment', id);
  return r;
}

function mergeLines(lines: Array<{ sku: string; qty: number }>) {
  const out = new Map<string, number>();
  for (const l of lines) out.set(l.sku, (out.get(l.sku) ?? 0) + l.qty);
  return [...out].map(([sku, qty]) => ({ sku, qty }));
}

/** The seller announces goods on their way to a warehouse: in transit rises until the warehouse receives them. */
export async function createInbound(tx: Executor, ctx: AuthContext, input: { warehouse_id: string; reference: string; carrier?: string; tracking_number?: string; expected_at?: string; lines: Array<{ sku: string; qty: number }>; note?: string }) {
  const w = await servingWarehouse(tx, ctx.orgId, input.warehouse_id);
  const id = newId('asn');
  const lines = mergeLines(input.lines).map((l) => ({ ...l, received: 0, damaged: 0 }));
  await applyMoves(tx, ctx, lines.map((l) => ({ orgId: ctx.orgId, sku: l.sku, warehouseId: w.id, kind: 'inbound' as const, dInTransit: l.qty, referenceType: 'inbound', referenceId: id, reason: `ASN ${input.reference}` })));
  const row = await tx.one(
    `INSERT INTO inv_inbound (id, org_id, warehouse_id, warehouse_org_id, kind, reference, carrier, tracking_number, expected_at, status, lines, note)
     VALUES ($1,$2,$3,$4,'asn',$5,$6,$7,$8,'in_transit',$9,$10) RETURNING *`,
    [id, ctx.orgId, w.id, w.org_id, input.reference, input.carrier ?? null, input.tracking_number ?? null, input.expected_at ?? null, JSON.stringify(lines), input.note ?? null],
  );
  if (w.org_id !== ctx.orgId) await shareRecord(tx, ctx.orgId, { granteeOrgId: w.org_id, entityType: 'inbound_shipment', entityId: id, permissions: ['read', 'write'], reason: 'warehouse receives the shipment', createdBy: ctx.userId });
  await recordAudit(tx, ctx, { action: 'inbound.create', entityType: 'inbound_shipment', entityId: id, after: publicInbound(row) });
  await emit(tx, ctx, { type: 'inventory.inbound.created', entityType: 'inbound_shipment', entityId: id, orgId: ctx.orgId, audience: w.org_id === ctx.orgId ? [] : [w.org_id], payload: { warehouse_id: w.id, reference: input.reference, lines } });
  return publicInbound(row);
}

export async function listInbound(tx: Executor, ctx: AuthContext, q: { status?: string; warehouse_id?: string; limit: number; cursor?: string }) {
  const params: unknown[] = [ctx.orgId];
  const where = [INBOUND_VISIBLE];
  const add = (sql: string, v: unknown) => { params.push(v); where.push(sql.replace('?', `$${params.length}`)); };
  if (q.status) add('i.status = ?', q.status);
  if (q.warehouse_id) add('i.warehouse_id = ?', q.warehouse_id);
  if (q.cursor) add('i.id < ?', q.cursor);
  const rows = await tx.query(`SELECT i.* FROM inv_inbound i WHERE ${where.join(' AND ')} ORDER BY i.id DESC LIMIT ${q.limit + 1}`, params);
  const more = rows.length > q.limit;
  const data = (more ? rows.slice(0, q.limit) : rows).map(publicInbound);
  return { data, next_cursor: more ? data[data.length - 1].id : null };
}

export async function getInbound(tx: Executor, ctx: AuthContext, id: string) {
  const r = await visibleInbound(tx, ctx, id);
  const receipts = await tx.query(`SELECT id, lines, discrepancies, note, received_by, created_at FROM inv_receipts WHERE inbound_id = $1 ORDER BY id`, [id]);
  return { ...publicInbound(r), receipts };
}

/**
 * The warehouse scans goods in: received quantities go on hand, damaged ones are written off, and
 * the difference to what was announced is recorded as a discrepancy. Several receipts per ASN are
 * allowed; the ASN is received when every line is accounted for, or when `close` says nothing more comes.
 */
export async function receiveInbound(tx: Executor, ctx: AuthContext, id: string, input: { lines: Array<{ sku: string; received: number; damaged?: number }>; note?: string; close?: boolean }) {
  const r = await visibleInbound(tx, ctx, id, true);
  if (r.warehouse_org_id !== ctx.orgId) throw forbidden('Only the receiving warehouse records receipts');
  if (r.status === 'received' || r.status === 'cancelled') throw conflict(`Inbound shipment ${id} is ${r.status}`);
  const lines: Array<{ sku: string; qty: number; received: number; damaged: number }> = r.lines;
  const receiptId = newId('rcp');
  const moves: Move[] = [];
  const receiptLines = [];
  for (const scan of input.lines) {
    let line = lines.find((l) => l.sku === scan.sku);
    if (!line) { line = { sku: scan.sku, qty: 0, received: 0, damaged: 0 }; lines.push(line); } // unannounced goods
    const damaged = scan.damaged ?? 0;
    const stillInTransit = Math.max(0, line.qty - line.received - line.damaged);
    const clearTransit = Math.min(stillInTransit, scan.received + damaged);
    line.received += scan.received;
    line.damaged += damaged;
    const base = { orgId: r.org_id, sku: scan.sku, warehouseId: r.warehouse_id, referenceType: 'inbound', referenceId: id };
    const fromTransfer = r.kind === 'transfer';
    if (scan.received + damaged > 0 || clearTransit > 0) moves.push({ ...base, kind: fromTransfer ? 'transfer_in' : 'receipt', dOnHand: scan.received + damaged, dInTransit: -clearTransit, reason: `receipt ${receiptId}` });
    if (damaged > 0) moves.push({ ...base, kind: 'damage', dOnHand: -damaged, reason: `damaged on arrival (${receiptId})` });
    receiptLines.push({ sku: scan.sku, expected: line.qty, received: scan.received, damaged, discrepancy: line.received + line.damaged - line.qty });
  }
  const done = input.close || lines.every((l) => l.received + l.damaged >= l.qty);
  if (done) {
    // nothing more comes: what is still in transit for this shipment is gone (short shipment)
    for (const l of lines) {
      const open = Math.max(0, l.qty - l.received - l.damaged);
      if (open > 0) moves.push({ orgId: r.org_id, sku: l.sku, warehouseId: r.warehouse_id, kind: 'inbound', dInTransit: -open, referenceType: 'inbound', referenceId: id, reason: 'short shipment closed' });
    }
  }
  await applyMoves(tx, ctx, moves);
  const discrepancies = lines.filter((l) => l.received + l.damaged !== l.qty || l.damaged > 0).length;
  const status = done ? 'received' : 'partially_received';
  await tx.query(`UPDATE inv_inbound SET lines = $2, status = $3, updated_at = now() WHERE id = $1`, [id, JSON.stringify(lines), status]);
  await tx.query(
    `INSERT INTO inv_receipts (id, org_id, inbound_id, warehouse_id, warehouse_org_id, lines, discrepancies, note, received_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
    [receiptId, r.org_id, id, r.warehouse_id, r.warehouse_org_id, JSON.stringify(receiptLines), receiptLines.filter((l) => l.damaged > 0 || (done && l.discrepancy !== 0)).length, input.note ?? null, ctx.userId],
  );
  await recordAudit(tx, ctx, { action: 'inbound.receive', entityType: 'inbound_shipment', entityId: id, orgId: ctx.orgId, before: { status: r.status }, after: { status, receipt_id: receiptId, lines: receiptLines } });
  await emit(tx, ctx, { type: `inventory.inbound.${status}`, entityType: 'inbound_shipment', entityId: id, orgId: r.org_id, audience: r.org_id === ctx.orgId ? [] : [ctx.orgId], payload: { receipt_id: receiptId, lines: receiptLines, discrepancies } });
  return { id: receiptId, inbound_id: id, status, lines: receiptLines, discrepancies };
}

export async function cancelInbound(tx: Executor, ctx: AuthContext, id: string, reason: string) {
  const r = await visibleInbound(tx, ctx, id, true);
  if (r.org_id !== ctx.orgId) throw forbidden('Only the seller can cancel its inbound shipment');
  if (r.status !== 'in_transit') throw conflict(`Inbound shipment ${id} is ${r.status}; only shipments not yet received can be cancelled`);
  if (r.kind === 'transfer') throw conflict('A transfer in transit cannot be cancelled; receive it (or close it short) at the destination');
  const lines: Array<{ sku: string; qty: number }> = r.lines;
  await applyMoves(tx, ctx, lines.map((l) => ({ orgId: r.org_id, sku: l.sku, warehouseId: r.warehouse_id, kind: 'inbound' as const, dInTransit: -l.qty, referenceType: 'inbound', referenceId: id, reason: `cancelled: ${reason}` })));
  await tx.query(`UPDATE inv_inbound SET status = 'cancelled', note = COALESCE(note || E'\\n', '') || $2, updated_at = now() WHERE id = $1`, [id, `cancelled: ${reason}`]);
  await recordAudit(tx, ctx, { action: 'inbound.cancel', entityType: 'inbound_shipment', entityId: id, before: { status: r.status }, after: { status: 'cancelled', reason } });
  await emit(tx, ctx, { type: 'inventory.inbound.cancelled', entityType: 'inbound_shipment', entityId: id, orgId: r.org_id, audience: r.warehouse_org_id === ctx.orgId ? [] : [r.warehouse_org_id], payload: { reason } });
  return publicInbound({ ...r, status: 'cancelled' });
}

export async function listReceipts(tx: Executor, ctx: AuthContext, q: { warehouse_id?: string; limit: number; cursor?: string }) {
  const params: unknown[] = [ctx.orgId];
  const where = ['(r.org_id = $1 OR r.warehouse_org_id = $1)'];
  if (q.warehouse_id) { params.push(q.warehouse_id); where.push(`r.warehouse_id = $${params.length}`); }
  if (q.cursor) { params.push(q.cursor); where.push(`r.id < $${params.length}`); }
  const rows = await tx.query(
    `SELECT r.id, r.org_id AS seller_org_id, r.inbound_id, i.reference, r.warehouse_id, r.lines, r.discrepancies, r.note, r.created_at
       FROM inv_receipts r JOIN inv_inbound i ON i.id = r.inbound_id WHERE ${where.join(' AND ')} ORDER BY r.id DESC LIMIT ${q.limit + 1}`,
    params,
  );
  const more = rows.length > q.limit;
  const data = more ? rows.slice(0, q.limit) : rows;
  return { data, next_cursor: more ? data[data.length - 1].id : null };
}

/** The seller moves stock between two warehouses it uses: out of the source now, in transit at the destination until received. */
export async function createTransfer(tx: Executor, ctx: AuthContext, input: { from_warehouse_id: string; to_warehouse_id: string; reference?: string; carrier?: string; tracking_number?: string; lines: Array<{ sku: string; qty: number }>; note?: string }) {
  if (input.from_warehouse_id === input.to_warehouse_id) throw validationError([{ field: 'to_warehouse_id', message: 'must differ from from_warehouse_id' }]);
  const from = await servingWarehouse(tx, ctx.orgId, input.from_warehouse_id);
  const to = await servingWarehouse(tx, ctx.orgId, input.to_warehouse_id);
  const id = newId('asn');
  const lines = mergeLines(input.lines);
  const reference = input.reference ?? `TRANSFER ${from.code}→${to.code}`;
  const base = { orgId: ctx.orgId, referenceType: 'transfer', referenceId: id };
  await applyMoves(tx, ctx, [
    ...lines.map((l) => ({ ...base, sku: l.sku, warehouseId: from.id, kind: 'transfer_out' as const, dOnHand: -l.qty, reason: `to ${to.code}` })),
    ...lines.map((l) => ({ ...base, sku: l.sku, warehouseId: to.id, kind: 'inbound' as const, dInTransit: l.qty, reason: `from ${from.code}` })),
  ]);
  const row = await tx.one(
    `INSERT INTO inv_inbound (id, org_id, warehouse_id, warehouse_org_id, kind, from_warehouse_id, reference, carrier, tracking_number, status, lines, note)
     VALUES ($1,$2,$3,$4,'transfer',$5,$6,$7,$8,'in_transit',$9,$10) RETURNING *`,
    [id, ctx.orgId, to.id, to.org_id, from.id, reference, input.carrier ?? null, input.tracking_number ?? null, JSON.stringify(lines.map((l) => ({ ...l, received: 0, damaged: 0 }))), input.note ?? null],
  );
  await recordAudit(tx, ctx, { action: 'transfer.create', entityType: 'inbound_shipment', entityId: id, after: publicInbound(row) });
  await emit(tx, ctx, { type: 'inventory.transfer.created', entityType: 'inbound_shipment', entityId: id, orgId: ctx.orgId, audience: [...new Set([from.org_id, to.org_id].filter((o) => o !== ctx.orgId))], payload: { from_warehouse_id: from.id, to_warehouse_id: to.id, lines } });
  return publicInbound(row);
}
