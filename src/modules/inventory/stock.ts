import type { AuthContext } from '../../kernel/context.ts';
import type { Db, Executor, Statement } from '../../kernel/db.ts';
import { AppError } from '../../kernel/errors.ts';
import { emit } from '../../kernel/events.ts';
import { newId } from '../../kernel/ids.ts';

/**
 * The stock core: every change of a level goes through moveStock (a conditional UPDATE that can
 * never take a level below zero or reserve more than is on hand) and is written as an immutable
 * movement in the same transaction. Reservations are just movements on `reserved`.
 */
export const MOVEMENT_KINDS = ['receipt', 'inbound', 'reservation', 'release', 'shipment', 'transfer_out', 'transfer_in', 'count_adjustment', 'damage'] as const;
export type MovementKind = (typeof MOVEMENT_KINDS)[number];

export interface Move {
  orgId: string; // the seller owning the goods
  sku: string;
  warehouseId: string;
  kind: MovementKind;
  dOnHand?: number;
  dReserved?: number;
  dInTransit?: number;
  referenceType?: string;
  referenceId?: string;
  reason?: string;
}

export interface Levels { on_hand: number; reserved: number; in_transit: number; safety: number }

type Actor = Pick<AuthContext, 'orgId' | 'userId' | 'requestId'>;

/**
 * Apply the deltas to one stock row if the result stays valid (no negative level, reserved ≤ on
 * hand). Returns the new levels, or null when the stock is not there. Writes no movement: callers
 * collect moves and record them with recordMovements once the whole operation succeeded.
 */
export async function moveStock(tx: Executor, m: Move): Promise<Levels | null> {
  const dh = m.dOnHand ?? 0, dr = m.dReserved ?? 0, dt = m.dInTransit ?? 0;
  // Row lock + re-check: under READ COMMITTED PostgreSQL re-evaluates this WHERE on the latest
  // committed row after waiting for a concurrent writer, which is what makes oversell impossible.
  const rows = await tx.query<Levels>(
    `UPDATE inv_stock SET on_hand = on_hand + $4, reserved = reserved + $5, in_transit = in_transit + $6, updated_at = now()
      WHERE org_id = $1 AND sku = $2 AND warehouse_id = $3
        AND on_hand + $4 >= 0 AND reserved + $5 >= 0 AND in_transit + $6 >= 0 AND reserved + $5 <= on_hand + $4
      RETURNING on_hand, reserved, in_transit, safety`,
    [m.orgId, m.sku, m.warehouseId, dh, dr, dt],
  );
  if (rows[0]) return rows[0];
  if (dh < 0 || dr < 0 || dt < 0 || dr > dh) return null;
  // First stock of this SKU in this warehouse (only increases can create a row).
  const created = await tx.query<Levels>(
    `INSERT INTO inv_stock (org_id, sku, warehouse_id, on_hand, reserved, in_transit) VALUES ($1,$2,$3,$4,$5,$6)
     ON CONFLICT (org_id, sku, warehouse_id) DO UPDATE SET on_hand = inv_stock.on_hand + EXCLUDED.on_hand, reserved = inv_stock.reserved + EXCLUDED.reserved,
       in_transit = inv_stock.in_transit + EXCLUDED.in_transit, updated_at = now()
     RETURNING on_hand, reserved, in_transit, safety`,
    [m.orgId, m.sku, m.warehouseId, dh, dr, dt],
  );
  return created[0] ?? null;
}

/** Write the movement rows (one statement). */
export async function recordMovements(tx: Executor, actor: Actor, moves: Move[]): Promise<void> {
  if (moves.length === 0) return;
  await tx.query(
    `INSERT INTO inv_movements (org_id, sku, warehouse_id, kind, d_on_hand, d_reserved, d_in_transit, reference_type, reference_id, reason, actor_org_id, actor_user_id, request_id)
     SELECT * , $11::text, $12::text, $13::text FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::int[], $7::int[], $8::text[], $9::text[], $10::text[])`,
    [
      moves.map((m) => m.orgId), moves.map((m) => m.sku), moves.map((m) => m.warehouseId), moves.map((m) => m.kind),
      moves.map((m) => m.dOnHand ?? 0), moves.map((m) => m.dReserved ?? 0), moves.map((m) => m.dInTransit ?? 0),
      moves.map((m) => m.referenceType ?? null), moves.map((m) => m.referenceId ?? null), moves.map((m) => m.reason ?? null),
      actor.orgId, actor.userId, actor.requestId,
    ],
  );
}

/** Undo applied level changes of an operation that failed half-way (no movement was written for them). */
async function compensate(tx: Executor, applied: Move[]) {
  for (const m of applied.reverse()) {
    await tx.query(
      `UPDATE inv_stock SET on_hand = on_hand - $4, reserved = reserved - $5, in_transit = in_transit - $6 WHERE org_id = $1 AND sku = $2 AND warehouse_id = $3`,
      [m.orgId, m.sku, m.warehouseId, m.dOnHand ?? 0, m.dReserved ?? 0, m.dInTransit ?? 0],
    );
  }
}

export class StockShortage extends AppError {
  constructor(readonly shortages: Array<{ sku: string; warehouse_id: string | null; requested: number; missing: number }>) {
    super('insufficient_stock', 409, `Not enough stock: ${shortages.map((s) => `${s.sku} short by ${s.missing}${s.warehouse_id ? ` in ${s.warehouse_id}` : ''}`).join('; ')}`, [], { shortages });
  }
}

/**
 * Apply several moves all-or-nothing: on the first one that cannot be applied the earlier ones are
 * undone and StockShortage is thrown. On success the movements are recorded and alerts checked.
 */
export async function applyMoves(tx: Executor, actor: Actor, moves: Move[]): Promise<Levels[]> {
  const applied: Move[] = [];
  const levels: Levels[] = [];
  for (const m of moves) {
    const l = await moveStock(tx, m);
    if (!l) {
      await compensate(tx, applied);
      const cur = await tx.maybeOne<Levels>(`SELECT on_hand, reserved, in_transit, safety FROM inv_stock WHERE org_id = $1 AND sku = $2 AND warehouse_id = $3`, [m.orgId, m.sku, m.warehouseId]);
      const requested = Math.max(-(m.dOnHand ?? 0), m.dReserved ?? 0, -(m.dInTransit ?? 0));
      const have = m.dInTransit && m.dInTransit < 0 ? (cur?.in_transit ?? 0) : (cur ? cur.on_hand - cur.reserved : 0);
      throw new StockShortage([{ sku: m.sku, warehouse_id: m.warehouseId, requested, missing: Math.max(1, requested - have) }]);
    }
    applied.push(m);
    levels.push(l);
  }
  await recordMovements(tx, actor, moves);
  await checkAlerts(tx, actor, moves, levels);
  return levels;
}

// ---------- alerts ----------

/** Open (once) or resolve low-stock / stock-out alerts for the stock rows just changed. */
export async function checkAlerts(tx: Executor, actor: Actor, moves: Move[], levels: Levels[]): Promise<void> {
  for (let i = 0; i < moves.length; i++) {
    const m = moves[i], l = levels[i];
    const available = l.on_hand - l.reserved;
    const wanted: Array<'low_stock' | 'stock_out'> = [];
    if (available <= 0 && (l.on_hand > 0 || l.reserved > 0 || (m.dOnHand ?? 0) < 0 || (m.dReserved ?? 0) > 0)) wanted.push('stock_out');
    if (l.safety > 0 && available <= l.safety) wanted.push('low_stock');
    const increased = (m.dOnHand ?? 0) - (m.dReserved ?? 0) > 0;
    if (increased) {
      await tx.query(
        `UPDATE inv_alerts SET resolved_at = now() WHERE org_id = $1 AND sku = $2 AND warehouse_id = $3 AND resolved_at IS NULL AND NOT (kind = ANY($4))`,
        [m.orgId, m.sku, m.warehouseId, wanted],
      );
    }
    for (const kind of wanted) {
      const opened = await tx.query(
        `INSERT INTO inv_alerts (id, org_id, sku, warehouse_id, kind, available, safety) VALUES ($1,$2,$3,$4,$5,$6,$7)
         ON CONFLICT (org_id, sku, warehouse_id, kind) WHERE resolved_at IS NULL DO NOTHING RETURNING id`,
        [newId('ial'), m.orgId, m.sku, m.warehouseId, kind, available, l.safety],
      );
      if (opened.length) {
        await emit(tx, actor, {
          type: kind === 'stock_out' ? 'inventory.stock.out' : 'inventory.stock.low', entityType: 'stock', entityId: `${m.sku}@${m.warehouseId}`, orgId: m.orgId,
          payload: { alert_id: opened[0].id, sku: m.sku, warehouse_id: m.warehouseId, available, safety: l.safety, on_hand: l.on_hand, reserved: l.reserved },
        });
      }
    }
  }
}

// ---------- reservations (the public face for orders) ----------

export interface ReserveLine { sku: string; qty: number; warehouseId?: string }
export interface Reservation { id: string; sku: string; warehouseId: string; qty: number }
/** A reservation as stored (the shape reservationsOf returns). */
export interface ReservationRow { id: string; sku: string; warehouse_id: string; qty: number; consumed: number; released: number; status: string; created_at: Date }
/** Where each line of an order would be reserved, decided on a snapshot (no lock taken). */
export interface PlannedLine { sku: string; qty: number; warehouseId: string }

const bySkuThenWarehouse = <T extends { sku: string; warehouseId?: string | null }>(a: T, b: T) =>
  a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : (a.warehouseId ?? '') < (b.warehouseId ?? '') ? -1 : (a.warehouseId ?? '') > (b.warehouseId ?? '') ? 1 : 0;

/**
 * Lines merged per (SKU, warehouse) and sorted (the lock order). Null when a SKU is asked both with
 * and without a warehouse, or in several warehouses plus "anywhere": the one-statement path could
 * pick the same stock row twice, so such orders take the line-by-line path.
 */
function mergeLines(lines: ReserveLine[]): ReserveLine[] | null {
  const merged = new Map<string, ReserveLine>();
  for (const l of lines) {
    if (!Number.isSafeInteger(l.qty)) throw new AppError('validation', 400, `quantity of ${l.sku} must be an integer`);
    if (l.qty <= 0) continue;
    const key = `${l.sku}\u0000${l.warehouseId ?? ''}`;
    const m = merged.get(key);
    if (m) m.qty += l.qty;
    else merged.set(key, { sku: l.sku, qty: l.qty, ...(l.warehouseId ? { warehouseId: l.warehouseId } : {}) });
  }
  const out = [...merged.values()].sort(bySkuThenWarehouse);
  const anywhere = new Set(out.filter((l) => !l.warehouseId).map((l) => l.sku));
  if (out.some((l) => l.warehouseId && anywhere.has(l.sku))) return null;
  return out;
}

type Shortage = StockShortage['shortages'][number];

/**
 * A line "anywhere" that no single warehouse covers, and all of them together do not either: short
 * by the whole line, as the line-by-line path reports it. When they do together, it is a split
 * (undefined: the line-by-line path decides).
 */
const shortAnywhere = (l: { sku: string; qty: number; anywhere: number | null }): Shortage | undefined =>
  l.anywhere !== null && l.anywhere < l.qty ? { sku: l.sku, warehouse_id: null, requested: l.qty, missing: l.qty } : undefined;

/** A plan: where every line goes, or the shortages that put the order on hold. */
export type ReservationPlan = { lines: PlannedLine[]; shortages?: undefined } | { shortages: Shortage[]; lines?: undefined };

/**
 * Plan a reservation without locking anything (one read, inv_plan_lines): the warehouse of every
 * line — the given one, else the active warehouse with the most available stock if that covers the
 * line — or the shortages when some line cannot be had at all. Null when it takes the line-by-line path to know
 * (a line to split over warehouses, the same SKU asked with and without a warehouse).
 * Order intake writes the accepted state from the plan and reserves it last (reservationBatch).
 */
export async function planReservation(tx: Executor, sellerOrgId: string, lines: ReserveLine[]): Promise<ReservationPlan | null> {
  return (await planReservations(tx, sellerOrgId, [lines]))[0];
}

/** planReservation for several orders of one seller, each on its own (as if alone), in one round trip. */
export async function planReservations(tx: Executor, sellerOrgId: string, orders: ReserveLine[][]): Promise<Array<ReservationPlan | null>> {
  const reads = planReads(sellerOrgId, orders);
  return reads.plans(await tx.queryMany(reads.statements));
}

/** The reads of planReservations as statements, for a caller that sends them together with its own reads; `plans` turns their answers into the plans. */
export function planReads(sellerOrgId: string, orders: ReserveLine[][]): { statements: Statement[]; plans(answers: any[][]): Array<ReservationPlan | null> } {
  const merged = orders.map(mergeLines);
  const asked = merged.filter((m): m is ReserveLine[] => !!m && m.length > 0);
  return {
    statements: asked.map((m): Statement => [
      `SELECT warehouse_id, anywhere FROM inv_plan_lines($1, $2, $3, $4)`, // schema.ts, inventory_002
      [sellerOrgId, m.map((l) => l.sku), m.map((l) => l.warehouseId ?? null), m.map((l) => l.qty)],
    ]),
    plans(answers) {
      let next = 0;
      return merged.map((m) => (!m ? null : m.length === 0 ? { lines: [] } : planFrom(m, answers[next++])));
    },
  };
}

function planFrom(merged: ReserveLine[], rows: Array<{ warehouse_id: string | null; anywhere: number | null }>): ReservationPlan | null {
  if (rows.length !== merged.length) throw new Error('reservation plan: one row per line expected');
  if (rows.every((r) => r.warehouse_id)) return { lines: merged.map((l, i) => ({ sku: l.sku, qty: l.qty, warehouseId: rows[i].warehouse_id! })) };
  const open = merged.map((l, i) => ({ ...l, anywhere: rows[i].anywhere })).filter((_, i) => !rows[i].warehouse_id);
  const shortages = open.map(shortAnywhere);
  return shortages.every((x) => x) ? { shortages: shortages as Shortage[] } : null;
}

type ReservedLine = ReservationRow & { levels: Levels };
/** Either every line reserved, or why not (nothing changed then). */
type OneStatementOutcome = { reserved: ReservedLine[] } | { reserved?: undefined; shortages: Shortage[] | null };

/**
 * Reserve all lines (merged and sorted by mergeLines) in ONE statement, all or nothing — the SQL
 * function inv_reserve_lines (schema.ts, inventory_002; inv_reserve_one for a single line):
 *  1. pick a warehouse for lines without one: the active one with the most available stock, if
 *     it covers the line (as planReservation);
 *  2. lock the chosen stock rows that have the line's quantity available, in (SKU, warehouse)
 *     order — one lock order for every order, so no deadlocks — with SELECT … FOR UPDATE: under
 *     READ COMMITTED it waits for a concurrent writer, then re-checks the availability on the newest
 *     committed row (a row that does not fit on the snapshot is not locked at all, so refusals of a
 *     sold-out SKU do not queue behind the orders that got it — as the single conditional UPDATE did);
 *  3. only if every line's row was locked that way: add to `reserved` (the WHERE guard and the CHECK
 *     constraint repeat the check), write the reservations and the movements.
 * When a line does not fit, nothing is changed and the shortages are returned when the statement
 * proves them (a line in a given warehouse; a line "anywhere" that all warehouses together cannot
 * cover) — else null: the line-by-line path decides (a split, or stock taken from a picked
 * warehouse meanwhile). Row locks taken in step 2 stay until commit.
 */
async function reserveInOneStatement(tx: Executor, actor: Actor, orderId: string, lines: ReserveLine[]): Promise<OneStatementOutcome> {
  const ids = lines.map(() => newId('rsv')); // ascending in line (= lock) order
  // schema.ts: inv_reserve_lines (inventory_002), and for one line the same with a smaller plan (inventory_003)
  const rows = lines.length === 1
    ? await tx.query(`SELECT * FROM inv_reserve_one($1, $2, $3, $4, $5, $6, $7, $8, $9)`, [actor.orgId, lines[0].sku, lines[0].warehouseId ?? null, lines[0].qty, ids[0], orderId, actor.orgId, actor.userId, actor.requestId])
    : await tx.query(`SELECT * FROM inv_reserve_lines($1, $2, $3, $4, $5, $6, $7, $8, $9)`, [actor.orgId, lines.map((l) => l.sku), lines.map((l) => l.warehouseId ?? null), lines.map((l) => l.qty), ids, orderId, actor.orgId, actor.userId, actor.requestId]);
  if (rows.length !== lines.length) throw new Error(`reservation of ${orderId}: one row per line expected`);
  const reserved = rows.filter((r) => r.id);
  if (reserved.length === lines.length) {
    return {
      reserved: rows.map((r) => ({
        id: r.id, sku: r.sku, warehouse_id: r.warehouse_id, qty: r.qty, consumed: r.consumed, released: r.released, status: r.status, created_at: r.created_at,
        levels: { on_hand: r.on_hand, reserved: r.level_reserved, in_transit: r.in_transit, safety: r.safety },
      })),
    };
  }
  // Every chosen row was locked and checked before any was changed, so it is all lines or none.
  if (reserved.length > 0) throw new Error(`reservation of ${orderId} applied ${reserved.length} of ${lines.length} lines`);
  return { shortages: provenShortages(rows) };
}

/** The shortages a refused one-statement reservation proves, or null (it takes the line-by-line path to know). */
function provenShortages(rows: any[]): Shortage[] | null {
  const shortages: Shortage[] = [];
  for (const r of rows) {
    if (r.asked) {
      // a given warehouse: when the locking step ran, a line whose row was not locked does not fit
      // (exactly what the conditional UPDATE of the line-by-line path would find); else not proven
      if (!r.was_locked) return null;
      if (!r.fits) shortages.push({ sku: r.sku, warehouse_id: r.asked, requested: r.qty, missing: r.qty });
    } else if (r.warehouse_id) {
      // "anywhere", a warehouse was picked: fits, or it was taken meanwhile (another one may do)
      if (r.was_locked && !r.fits) return null;
    } else {
      const short = shortAnywhere({ sku: r.sku, qty: r.qty, anywhere: r.anywhere });
      if (!short) return null; // a split over warehouses
      shortages.push(short);
    }
  }
  return shortages.length ? shortages : null;
}

/** Alerts for reservations just written (no statement unless a level dropped to its threshold). */
async function alertsAfterReserving(tx: Executor, actor: Actor, orderId: string, rows: ReservedLine[]) {
  const moves: Move[] = rows.map((r) => ({ orgId: actor.orgId, sku: r.sku, warehouseId: r.warehouse_id, kind: 'reservation', dReserved: r.qty, referenceType: 'order', referenceId: orderId }));
  await checkAlerts(tx, actor, moves, rows.map((r) => r.levels));
}

/**
 * Reserve exactly as planned (planReservation): a batch of one (reservationBatch). Returns the
 * reservations, or null — with nothing changed — when a planned warehouse no longer has the stock
 * (taken by a concurrent order since the plan was read); the caller then falls back to reserve().
 */
export async function reserveAsPlanned(tx: Executor, ctx: Actor, input: { orderId: string; lines: PlannedLine[] }): Promise<ReservationRow[] | null> {
  return (await reserveManyAsPlanned(tx, ctx, [input]))[0];
}

/**
 * reserveAsPlanned for several orders of one seller, each all or nothing, with the outcome of
 * reserving them one after another in the given order (see reservationBatch): one round trip.
 */
export async function reserveManyAsPlanned(tx: Executor, ctx: Actor, orders: Array<{ orderId: string; lines: PlannedLine[] }>): Promise<Array<ReservationRow[] | null>> {
  const batch = reservationBatch(ctx, orders);
  const locked = batch.lock ? (await tx.queryMany([batch.lock]))[0] : [];
  return batch.finish(tx, locked);
}

export interface ReservationBatch {
  /**
   * Locks the stock rows of every planned line, in the (sku, warehouse) order every reservation
   * locks in — so a batch never deadlocks with another batch or a single order — and reads their
   * levels. Null when there is nothing to reserve. Send it last before commit, alone or behind the
   * caller's own statements (order intake sends it with the INSERT of the orders).
   */
  lock: Statement | null;
  /**
   * Decides on the locked levels, order by order in the given order, for the orders named (default:
   * all): an order that fits gets all its lines, one that does not takes nothing (null). Each stock
   * row is then updated ONCE by the batch's total, and the reservations and movements are inserted,
   * in one statement that travels ahead of the transaction's next round trip (tx.precede).
   */
  finish(tx: Executor, locked: any[], only?: ReadonlySet<string>): Promise<Array<ReservationRow[] | null>>;
}

/** Reserve planned lines of several orders of one seller around the caller's own statements (ReservationBatch). */
export function reservationBatch(ctx: Actor, orders: Array<{ orderId: string; lines: PlannedLine[] }>): ReservationBatch {
  const work = orders.map((o) => ({ orderId: o.orderId, lines: [...o.lines].sort(bySkuThenWarehouse) })).filter((o) => o.lines.length > 0);
  const keyOf = (sku: string, warehouseId: string) => `${sku}\u0000${warehouseId}`;
  const wanted = new Map<string, PlannedLine>();
  for (const o of work) for (const l of o.lines) wanted.set(keyOf(l.sku, l.warehouseId), l);
  const lock: Statement | null = wanted.size === 0 ? null : [
    `SELECT sku, warehouse_id, on_hand, reserved, in_transit, safety, now() AS tx_now FROM inv_stock
      WHERE org_id = $1 AND (sku, warehouse_id) IN (SELECT * FROM unnest($2::text[], $3::text[]))
      ORDER BY sku, warehouse_id FOR UPDATE`,
    [ctx.orgId, [...wanted.values()].map((l) => l.sku), [...wanted.values()].map((l) => l.warehouseId)],
  ];
  return {
    lock,
    async finish(tx, locked, only) {
      const levels = new Map<string, Levels>(locked.map((r: any) => [keyOf(r.sku, r.warehouse_id), { on_hand: r.on_hand, reserved: r.reserved, in_transit: r.in_transit, safety: r.safety }]));
      const createdAt: Date | undefined = locked[0]?.tx_now; // the reservations' created_at: now(), the transaction's time
      const outcome = new Map<string, ReservationRow[] | null>();
      const taken: Array<{ orderId: string; lines: ReservedLine[] }> = [];
      for (const o of work) {
        if (only && !only.has(o.orderId)) continue;
        const fits = o.lines.every((l) => { const lv = levels.get(keyOf(l.sku, l.warehouseId)); return lv && lv.on_hand - lv.reserved >= l.qty; });
        if (!fits) { outcome.set(o.orderId, null); continue; }
        taken.push({
          orderId: o.orderId,
          lines: o.lines.map((l) => {
            const lv = levels.get(keyOf(l.sku, l.warehouseId))!;
            lv.reserved += l.qty;
            return { id: newId('rsv'), sku: l.sku, warehouse_id: l.warehouseId, qty: l.qty, consumed: 0, released: 0, status: 'active', created_at: createdAt!, levels: { ...lv } };
          }),
        });
      }
      const flat = taken.flatMap((o) => o.lines.map((l) => ({ ...l, orderId: o.orderId })));
      if (flat.length) {
        await tx.precede(
          `WITH r AS (
             SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::int[]) AS r(id, order_id, sku, warehouse_id, qty)
           ), moved AS (
             UPDATE inv_stock s SET reserved = s.reserved + t.qty, updated_at = now()
               FROM (SELECT sku, warehouse_id, sum(qty)::int AS qty FROM r GROUP BY sku, warehouse_id) t
              WHERE s.org_id = $1 AND s.sku = t.sku AND s.warehouse_id = t.warehouse_id
           ), mv AS (
             INSERT INTO inv_movements (org_id, sku, warehouse_id, kind, d_reserved, reference_type, reference_id, actor_org_id, actor_user_id, request_id)
             SELECT $1, sku, warehouse_id, 'reservation', qty, 'order', order_id, $7, $8, $9 FROM r ORDER BY id
           )
           INSERT INTO inv_reservations (id, org_id, order_id, sku, warehouse_id, qty) SELECT id, $1, order_id, sku, warehouse_id, qty FROM r ORDER BY id`,
          [ctx.orgId, flat.map((l) => l.id), flat.map((l) => l.orderId), flat.map((l) => l.sku), flat.map((l) => l.warehouse_id), flat.map((l) => l.qty), ctx.orgId, ctx.userId, ctx.requestId],
        );
        for (const o of taken) {
          await alertsAfterReserving(tx, ctx, o.orderId, o.lines);
          outcome.set(o.orderId, o.lines.map(({ levels: _levels, ...r }) => r));
        }
      }
      return orders.map((o) => (o.lines.length === 0 ? [] : outcome.get(o.orderId) ?? null));
    },
  };
}

/**
 * Reserve every line of an order for the caller's organisation (the seller), all or nothing.
 * A line without a warehouse goes to the warehouse with the most available stock; when no single
 * warehouse has enough, it is split across warehouses. Throws StockShortage (409) on shortage.
 * Usually one statement (reserveInOneStatement), also when refused; splits and lost races take the
 * line-by-line path.
 */
export async function reserve(tx: Executor, ctx: Actor, input: { orderId: string; lines: ReserveLine[] }): Promise<Reservation[]> {
  const merged = mergeLines(input.lines);
  if (merged && merged.length === 0) return [];
  if (merged) {
    const outcome = await reserveInOneStatement(tx, ctx, input.orderId, merged);
    if (outcome.reserved) {
      await alertsAfterReserving(tx, ctx, input.orderId, outcome.reserved);
      return outcome.reserved.map((r) => ({ id: r.id, sku: r.sku, warehouseId: r.warehouse_id, qty: r.qty }));
    }
    if (outcome.shortages) throw new StockShortage(outcome.shortages);
  }
  return reserveLineByLine(tx, ctx, input);
}

/** The general path: line by line (SKU order), splitting a line over warehouses when no single one covers it. */
async function reserveLineByLine(tx: Executor, ctx: Actor, input: { orderId: string; lines: ReserveLine[] }): Promise<Reservation[]> {
  const sellerOrgId = ctx.orgId;
  const lines = [...input.lines].filter((l) => l.qty > 0).sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0)); // one lock order
  const applied: Move[] = [];
  const levels: Levels[] = [];
  const shortages: StockShortage['shortages'] = [];
  const base = { orgId: sellerOrgId, kind: 'reservation' as const, referenceType: 'order', referenceId: input.orderId };
  const tryMove = async (sku: string, warehouseId: string, qty: number) => {
    const m: Move = { ...base, sku, warehouseId, dReserved: qty };
    const l = await moveStock(tx, m);
    if (l) { applied.push(m); levels.push(l); }
    return !!l;
  };
  for (const line of lines) {
    if (!Number.isSafeInteger(line.qty)) throw new AppError('validation', 400, `quantity of ${line.sku} must be an integer`);
    if (line.warehouseId) {
      if (!(await tryMove(line.sku, line.warehouseId, line.qty))) shortages.push({ sku: line.sku, warehouse_id: line.warehouseId, requested: line.qty, missing: line.qty });
      continue;
    }
    let remaining = line.qty;
    for (let attempt = 0; remaining > 0 && attempt < 3; attempt++) {
      const candidates = await tx.query<{ warehouse_id: string; available: number }>(
        `SELECT s.warehouse_id, s.on_hand - s.reserved AS available FROM inv_stock s JOIN inv_warehouses w ON w.id = s.warehouse_id AND w.active
          WHERE s.org_id = $1 AND s.sku = $2 AND s.on_hand - s.reserved > 0 ORDER BY available DESC, s.warehouse_id`,
        [sellerOrgId, line.sku],
      );
      const total = candidates.reduce((s, c) => s + c.available, 0);
      if (total < remaining) break;
      // one warehouse that covers the line, else fill from the fullest
      const whole = candidates.find((c) => c.available >= remaining);
      if (whole && (await tryMove(line.sku, whole.warehouse_id, remaining))) { remaining = 0; break; }
      for (const c of candidates) {
        const take = Math.min(c.available, remaining);
        if (take > 0 && (await tryMove(line.sku, c.warehouse_id, take))) remaining -= take;
        if (remaining === 0) break;
      }
    }
    if (remaining > 0) shortages.push({ sku: line.sku, warehouse_id: null, requested: line.qty, missing: remaining });
  }
  if (shortages.length) {
    await compensate(tx, applied);
    throw new StockShortage(shortages);
  }
  const reservations = applied.map((m) => ({ id: newId('rsv'), sku: m.sku, warehouseId: m.warehouseId, qty: m.dReserved! }));
  if (reservations.length) {
    await tx.query(
      `INSERT INTO inv_reservations (id, org_id, order_id, sku, warehouse_id, qty) SELECT r.id, $1, $2, r.sku, r.wh, r.qty FROM unnest($3::text[], $4::text[], $5::text[], $6::int[]) AS r(id, sku, wh, qty)`,
      [sellerOrgId, input.orderId, reservations.map((r) => r.id), reservations.map((r) => r.sku), reservations.map((r) => r.warehouseId), reservations.map((r) => r.qty)],
    );
  }
  await recordMovements(tx, ctx, applied);
  await checkAlerts(tx, ctx, applied, levels);
  return reservations;
}

/** Release what is still reserved for an order (cancellation, split, merge). Returns the released lines. */
export async function release(tx: Executor, ctx: Actor, orderId: string): Promise<Array<{ sku: string; warehouseId: string; qty: number }>> {
  const open = await tx.query(
    `SELECT id, sku, warehouse_id, qty - consumed - released AS remaining FROM inv_reservations WHERE org_id = $1 AND order_id = $2 AND status = 'active' ORDER BY sku, warehouse_id FOR UPDATE`,
    [ctx.orgId, orderId],
  );
  const moves: Move[] = open.filter((r) => r.remaining > 0).map((r) => ({
    orgId: ctx.orgId, sku: r.sku, warehouseId: r.warehouse_id, kind: 'release' as const, dReserved: -r.remaining, referenceType: 'order', referenceId: orderId,
  }));
  await applyMoves(tx, ctx, moves);
  if (open.length) {
    await tx.query(`UPDATE inv_reservations SET released = qty - consumed, status = 'released', updated_at = now() WHERE id = ANY($1)`, [open.map((r) => r.id)]);
  }
  return moves.map((m) => ({ sku: m.sku, warehouseId: m.warehouseId, qty: -m.dReserved! }));
}

/**
 * Ship goods of an order from one warehouse: consumes the order's reservations there first, then
 * takes unreserved available stock for the rest. All or nothing (StockShortage).
 */
export async function consume(tx: Executor, ctx: Actor, input: { orderId: string; warehouseId: string; lines: Array<{ sku: string; qty: number }> }): Promise<Array<{ sku: string; qty: number; fromReservation: number }>> {
  const open = await tx.query(
    `SELECT id, sku, qty - consumed - released AS remaining FROM inv_reservations WHERE org_id = $1 AND order_id = $2 AND warehouse_id = $3 AND status = 'active' ORDER BY id FOR UPDATE`,
    [ctx.orgId, input.orderId, input.warehouseId],
  );
  const moves: Move[] = [];
  const updates: Array<{ id: string; take: number; full: boolean }> = [];
  const out: Array<{ sku: string; qty: number; fromReservation: number }> = [];
  for (const line of input.lines) {
    let left = line.qty;
    let fromReservation = 0;
    for (const r of open) {
      if (r.sku !== line.sku || r.remaining <= 0 || left === 0) continue;
      const take = Math.min(r.remaining, left);
      r.remaining -= take;
      left -= take;
      fromReservation += take;
      updates.push({ id: r.id, take, full: r.remaining === 0 });
    }
    const m = { orgId: ctx.orgId, sku: line.sku, warehouseId: input.warehouseId, kind: 'shipment' as const, referenceType: 'order', referenceId: input.orderId };
    if (fromReservation > 0) moves.push({ ...m, dOnHand: -fromReservation, dReserved: -fromReservation });
    if (left > 0) moves.push({ ...m, dOnHand: -left, reason: 'shipped without reservation' });
    out.push({ sku: line.sku, qty: line.qty, fromReservation });
  }
  await applyMoves(tx, ctx, moves);
  for (const u of updates) {
    await tx.query(`UPDATE inv_reservations SET consumed = consumed + $2, status = CASE WHEN $3 THEN 'consumed' ELSE status END, updated_at = now() WHERE id = $1`, [u.id, u.take, u.full]);
  }
  return out;
}

export async function reservationsOf(tx: Executor, sellerOrgId: string, orderId: string) {
  return tx.query(
    `SELECT id, sku, warehouse_id, qty, consumed, released, status, created_at FROM inv_reservations WHERE org_id = $1 AND order_id = $2 ORDER BY id`,
    [sellerOrgId, orderId],
  );
}

// ---------- reading stock ----------

export interface StockLine { sku: string; warehouseId: string; country: string; onHand: number; reserved: number; available: number; inTransit: number; safety: number }

export async function stockFor(tx: Executor, sellerOrgId: string, skus: string[]): Promise<StockLine[]> {
  const rows = await tx.query(
    `SELECT s.sku, s.warehouse_id, w.country, s.on_hand, s.reserved, s.in_transit, s.safety FROM inv_stock s JOIN inv_warehouses w ON w.id = s.warehouse_id
      WHERE s.org_id = $1 AND s.sku = ANY($2) ORDER BY s.sku, s.warehouse_id`,
    [sellerOrgId, skus],
  );
  return rows.map((r) => ({ sku: r.sku, warehouseId: r.warehouse_id, country: r.country, onHand: r.on_hand, reserved: r.reserved, available: r.on_hand - r.reserved, inTransit: r.in_transit, safety: r.safety }));
}

// ---------- the invariant ----------

export interface InventoryCheck {
  ok: boolean;
  stockRows: number;
  movements: number;
  /** Levels that differ from the sum of their movements. */
  levelMismatches: Array<{ org_id: string; sku: string; warehouse_id: string; stored: number[]; movements: number[] }>;
  /** Reserved levels that differ from the open reservations. */
  reservationMismatches: Array<{ org_id: string; sku: string; warehouse_id: string; reserved: number; open_reservations: number }>;
}

/** Prove: every level = Σ movements (on hand, reserved, in transit) and reserved = Σ open reservations. */
export async function checkInventory(db: Executor | Db): Promise<InventoryCheck> {
  const level = await db.query(
    `SELECT COALESCE(s.org_id, m.org_id) AS org_id, COALESCE(s.sku, m.sku) AS sku, COALESCE(s.warehouse_id, m.warehouse_id) AS warehouse_id,
            COALESCE(s.on_hand, 0) AS on_hand, COALESCE(s.reserved, 0) AS reserved, COALESCE(s.in_transit, 0) AS in_transit,
            COALESCE(m.on_hand, 0)::int AS m_on_hand, COALESCE(m.reserved, 0)::int AS m_reserved, COALESCE(m.in_transit, 0)::int AS m_in_transit
       FROM inv_stock s
       FULL OUTER JOIN (SELECT org_id, sku, warehouse_id, sum(d_on_hand) AS on_hand, sum(d_reserved) AS reserved, sum(d_in_transit) AS in_transit
                          FROM inv_movements GROUP BY org_id, sku, warehouse_id) m
         ON m.org_id = s.org_id AND m.sku = s.sku AND m.warehouse_id = s.warehouse_id
      WHERE COALESCE(s.on_hand, 0) <> COALESCE(m.on_hand, 0) OR COALESCE(s.reserved, 0) <> COALESCE(m.reserved, 0) OR COALESCE(s.in_transit, 0) <> COALESCE(m.in_transit, 0)`,
  );
  const reservations = await db.query(
    `SELECT s.org_id, s.sku, s.warehouse_id, s.reserved, COALESCE(r.open, 0)::int AS open_reservations
       FROM inv_stock s LEFT JOIN (SELECT org_id, sku, warehouse_id, sum(qty - consumed - released) AS open FROM inv_reservations WHERE status = 'active' GROUP BY 1, 2, 3) r
         ON r.org_id = s.org_id AND r.sku = s.sku AND r.warehouse_id = s.warehouse_id
      WHERE s.reserved <> COALESCE(r.open, 0)`,
  );
  const counts = await db.one(`SELECT (SELECT count(*)::int FROM inv_stock) AS stock, (SELECT count(*)::int FROM inv_movements) AS movements`);
  return {
    ok: level.length === 0 && reservations.length === 0,
    stockRows: counts.stock,
    movements: counts.movements,
    levelMismatches: level.map((r) => ({ org_id: r.org_id, sku: r.sku, warehouse_id: r.warehouse_id, stored: [r.on_hand, r.reserved, r.in_transit], movements: [r.m_on_hand, r.m_reserved, r.m_in_transit] })),
    reservationMismatches: reservations.map((r) => ({ org_id: r.org_id, sku: r.sku, warehouse_id: r.warehouse_id, reserved: r.reserved, open_reservations: r.open_reservations })),
  };
}
