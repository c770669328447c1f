// Fulfilment routing over the published network: a decision per order (stored with its full
// explanation), batch allocation runs, and disruptions that re-route unshipped allocations.
import { recordAudit } from '../../kernel/audit.ts';
import type { AuthContext } from '../../kernel/context.ts';
import type { Executor } from '../../kernel/db.ts';
import { badRequest, conflict, notFound } from '../../kernel/errors.ts';
import { emit } from '../../kernel/events.ts';
import { newId } from '../../kernel/ids.ts';
import { toPage } from '../../kernel/pagination.ts';
import {
  applyDisruption, buildBatchProblem, checkSolution, explain, laneMatchesDisruption, rerouteAfterDisruption, routeOrder, solveBatchExact, solveBatchHeuristic,
  type Candidate, type Disruption, type EmissionFactors, type HighsSolver, type Lane, type ObjectiveWeights, type RouteResult, type RoutingContext,
} from '../../engines/routing/index.ts';
import { loadEmissionFactors, loadHighs } from '../../engines/routing/load.ts';
import { productsOf, toEngineFx, toEngineOrder, toEngineWarehouses, type FxInput, type OrderInput, type WarehouseInput } from './inputs.ts';
import { capacityUsage, publishedEngineLanes } from './lanes.ts';

let emissionFactors: EmissionFactors | undefined;
const factors = () => (emissionFactors ??= loadEmissionFactors());

export const today = () => new Date().toISOString().slice(0, 10);

export interface RoutingOptions {
  date?: string;
  fx?: FxInput;
  weights?: Partial<ObjectiveWeights>;
}

async function routingContext(tx: Executor, orders: readonly OrderInput[], warehouses: readonly WarehouseInput[], o: RoutingOptions, lanes?: Lane[]): Promise<RoutingContext> {
  const date = o.date ?? today();
  return {
    date,
    warehouses: toEngineWarehouses(warehouses),
    lanes: lanes ?? (await publishedEngineLanes(tx, date)),
    products: productsOf(orders),
    emissionFactors: factors(),
    fx: toEngineFx(o.fx),
    weights: o.weights,
    capacityUsage: await capacityUsage(tx, date),
  };
}

const laneIdsOf = (c: Candidate | undefined) => (c ? [...new Set(c.parts.flatMap((p) => p.legs.map((l) => l.laneId)))] : []);

export function publicDecision(r: any) {
  return {
    id: r.id, order_ref: r.order_ref, status: r.status, batch_run_id: r.batch_run_id, winner_id: r.winner_id, winner: r.winner, explanation: r.explanation,
    candidates: r.candidates, excluded: r.excluded, unroutable_reason: r.unroutable_reason, landed_cost_minor: r.landed_cost_minor == null ? null : Number(r.landed_cost_minor),
    currency: r.currency, delivery_date: r.delivery_date ? String(r.delivery_date instanceof Date ? r.delivery_date.toISOString() : r.delivery_date).slice(0, 10) : null,
    lane_ids: r.lane_ids, routing_date: String(r.routing_date instanceof Date ? r.routing_date.toISOString() : r.routing_date).slice(0, 10),
    order: r.order_input?.order, created_at: r.created_at,
  };
}

async function storeDecision(
  tx: Executor, ctx: AuthContext,
  d: { order: OrderInput; warehouses: readonly WarehouseInput[]; result: RouteResult; chosen?: Candidate; explanation?: unknown; batchRunId?: string; date: string; currency: string },
) {
  // A new decision replaces the order's previous unbooked one.
  await tx.query(`UPDATE logistics_decisions SET status = 'superseded' WHERE org_id = $1 AND order_ref = $2 AND status IN ('allocated','unroutable')`, [ctx.orgId, d.order.ref]);
  const id = newId('rtd');
  const w = d.chosen;
  const row = await tx.one(
    `INSERT INTO logistics_decisions (id, org_id, order_ref, batch_run_id, status, order_input, winner_id, winner, explanation, candidates, excluded, unroutable_reason, landed_cost_minor, currency, delivery_date, lane_ids, routing_date)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17) RETURNING *`,
    [
      id, ctx.orgId, d.order.ref, d.batchRunId ?? null, w ? 'allocated' : 'unroutable', JSON.stringify({ order: d.order, warehouses: d.warehouses.map(({ stock: _s, safety_stock: _ss, ...rest }) => rest) }),
      w?.id ?? null, w ? JSON.stringify(w) : null, JSON.stringify(d.explanation ?? d.result.explanation ?? null), JSON.stringify(d.result.candidates), JSON.stringify(d.result.excluded),
      w ? null : d.result.unroutableReason ?? 'not allocated', w?.landedCostMinor ?? null, d.currency, w?.deliveryDate ?? null, laneIdsOf(w), d.date,
    ],
  );
  await emit(tx, ctx, { type: 'logistics.decision.created', entityType: 'decision', entityId: id, orgId: ctx.orgId, payload: { order_ref: d.order.ref, winner_id: w?.id ?? null, batch_run_id: d.batchRunId ?? null } });
  return publicDecision(row);
}

/** Route one order and store the decision (winner, every candidate with its score components, excluded lanes, explanation). */
export async function routeAndStore(tx: Executor, ctx: AuthContext, order: OrderInput, warehouses: readonly WarehouseInput[], o: RoutingOptions = {}) {
  const rctx = await routingContext(tx, [order], warehouses, o);
  const result = routeOrder(toEngineOrder(order), rctx);
  const decision = await storeDecision(tx, ctx, { order, warehouses, result, chosen: result.winner, date: rctx.date, currency: rctx.fx.objectiveCurrency });
  await recordAudit(tx, ctx, { action: 'logistics.decision.create', entityType: 'decision', entityId: decision.id, after: { order_ref: order.ref, winner_id: decision.winner_id } });
  return decision;
}

export async function listDecisions(tx: Executor, ctx: AuthContext, q: { limit: number; cursor?: string; order_ref?: string; status?: string; batch_run_id?: string }) {
  const where = ['org_id = $1'];
  const params: unknown[] = [ctx.orgId];
  for (const [col, v] of [['order_ref', q.order_ref], ['status', q.status], ['batch_run_id', q.batch_run_id]] as const) if (v) { params.push(v); where.push(`${col} = $${params.length}`); }
  if (q.cursor) { params.push(q.cursor); where.push(`id < $${params.length}`); }
  const rows = await tx.query(`SELECT * FROM logistics_decisions WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ${q.limit + 1}`, params);
  return toPage(rows.map(publicDecision), q.limit, (r) => r.id);
}

export async function getDecision(tx: Executor, ctx: AuthContext, id: string) {
  const r = await tx.maybeOne(`SELECT * FROM logistics_decisions WHERE id = $1 AND org_id = $2`, [id, ctx.orgId]);
  if (!r) throw notFound('Routing decision', id);
  return publicDecision(r);
}

// --- batch allocation ----------------------------------------------------------------------------

let highs: HighsSolver | undefined;

/**
 * Allocate many orders at once against shared stock and lane capacity. `heuristic` (regret greedy +
 * ejection chains) or `exact` (HiGHS MIP). Every order's decision is stored with its candidates; an
 * order that did not get its own best candidate says which one it gave up and by how much.
 */
export async function runBatch(tx: Executor, ctx: AuthContext, orders: OrderInput[], warehouses: readonly WarehouseInput[], o: RoutingOptions & { method?: 'heuristic' | 'exact'; max_candidates?: number } = {}) {
  const refs = new Set<string>();
  for (const ord of orders) { if (refs.has(ord.ref)) throw badRequest(`order ${ord.ref} appears twice`, 'orders'); refs.add(ord.ref); }
  const rctx = await routingContext(tx, orders, warehouses, o);
  const problem = buildBatchProblem(orders.map(toEngineOrder), rctx, { maxCandidatesPerOrder: o.max_candidates ?? 6 });
  const method = o.method ?? 'heuristic';
  const solution = method === 'exact' ? solveBatchExact(problem, (highs ??= await loadHighs()), { timeLimitSeconds: 20 }) : solveBatchHeuristic(problem);
  const violations = checkSolution(problem, solution.choice);
  if (violations.length) throw conflict('The allocation violates stock or capacity', { violations });
  const id = newId('bat');
  const currency = rctx.fx.objectiveCurrency;
  let landed = 0;
  let allocated = 0;
  let sumScore = 0;
  let sumBestScore = 0;
  await tx.query(`INSERT INTO logistics_batch_runs (id, org_id, method, status, order_count, totals) VALUES ($1,$2,$3,$4,$5,'{}')`, [id, ctx.orgId, method, solution.status ?? 'done', orders.length]);
  const decisions = [];
  for (let i = 0; i < orders.length; i++) {
    const options = problem.orders[i]!.options;
    const pick = solution.choice[i]!;
    const chosen = pick >= 0 ? options[pick]!.candidate! : undefined;
    const candidates = options.map((op) => op.candidate!);
    const best = candidates[0];
    let explanation: unknown = null;
    if (chosen) {
      const runnerUp = candidates.find((c) => c.id !== chosen.id);
      const e = explain(chosen, runnerUp);
      explanation = pick === 0 ? e : { ...e, summary: `batch gave this order its option #${pick + 1} (${chosen.id}); its own best ${best!.id} scores ${(chosen.score - best!.score).toFixed(2)} less but its stock or lane capacity went to other orders. ${e.summary}` };
      landed += chosen.landedCostMinor; allocated++; sumScore += chosen.score; sumBestScore += best!.score;
    }
    const result: RouteResult = { orderId: orders[i]!.ref, candidates, excluded: [], unroutableReason: chosen ? undefined : candidates.length ? 'left unallocated: shared stock or lane capacity ran out in this batch' : 'no feasible candidate' };
    decisions.push(await storeDecision(tx, ctx, { order: orders[i]!, warehouses, result, chosen, explanation, batchRunId: id, date: rctx.date, currency }));
  }
  const totals = {
    orders: orders.length, allocated, unallocated: orders.length - allocated, landed_cost_minor: landed, currency, total_score: Number(solution.totalCost.toFixed(4)),
    score_of_allocated: Number(sumScore.toFixed(4)), unconstrained_best_score: Number(sumBestScore.toFixed(4)), solver_status: solution.status ?? null,
  };
  await tx.query(`UPDATE logistics_batch_runs SET totals = $2 WHERE id = $1`, [id, JSON.stringify(totals)]);
  await recordAudit(tx, ctx, { action: 'logistics.batch.run', entityType: 'batch_run', entityId: id, after: totals });
  await emit(tx, ctx, { type: 'logistics.batch.completed', entityType: 'batch_run', entityId: id, orgId: ctx.orgId, payload: totals });
  return { id, method, totals, decisions };
}

export async function getBatchRun(tx: Executor, ctx: AuthContext, id: string) {
  const r = await tx.maybeOne(`SELECT * FROM logistics_batch_runs WHERE id = $1 AND org_id = $2`, [id, ctx.orgId]);
  if (!r) throw notFound('Batch run', id);
  const decisions = await tx.query(`SELECT * FROM logistics_decisions WHERE batch_run_id = $1 AND org_id = $2 ORDER BY id`, [id, ctx.orgId]);
  return { id: r.id, method: r.method, status: r.status, order_count: r.order_count, totals: r.totals, created_at: r.created_at, decisions: decisions.map(publicDecision) };
}

export async function listBatchRuns(tx: Executor, ctx: AuthContext) {
  return tx.query(`SELECT id, method, status, order_count, totals, created_at FROM logistics_batch_runs WHERE org_id = $1 ORDER BY id DESC LIMIT 100`, [ctx.orgId]);
}

// --- disruptions -----------------------------------------------------------------------------

export interface DisruptionInput {
  description: string;
  lane_ids?: string[];
  provider_org_ids?: string[];
  via?: string[];
  origin_countries?: string[];
  destination_countries?: string[];
  modes?: Lane['mode'][];
  policy?: 'confirm' | 'auto';
  /** Free stock now (inventory); default: none beyond what each affected order releases. */
  warehouses?: WarehouseInput[];
  date?: string;
  fx?: FxInput;
}

function toEngineDisruption(id: string, d: DisruptionInput): Disruption {
  return { id, description: d.description, laneIds: d.lane_ids, providerOrgIds: d.provider_org_ids, via: d.via, originCountries: d.origin_countries, destinationCountries: d.destination_countries, modes: d.modes };
}

/**
 * Simulate a suspension (a lane, a provider, a corridor like the Red Sea, a region) over the
 * caller's unshipped allocations: each affected order is re-routed and its cost and delay impact
 * reported. With policy "auto" the re-routing is applied at once; otherwise `applyDisruption`.
 */
export async function simulateDisruption(tx: Executor, ctx: AuthContext, input: DisruptionInput) {
  const id = newId('dsr');
  const engineD = toEngineDisruption(id, input);
  if ([engineD.laneIds, engineD.providerOrgIds, engineD.via, engineD.originCountries, engineD.destinationCountries, engineD.modes].every((c) => !c?.length))
    throw badRequest('Name at least one of lane_ids, provider_org_ids, via, origin_countries, destination_countries, modes', 'via');
  const date = input.date ?? today();
  const rows = await tx.query(`SELECT * FROM logistics_decisions WHERE org_id = $1 AND status = 'allocated' AND winner IS NOT NULL ORDER BY id`, [ctx.orgId]);
  const orders: OrderInput[] = rows.map((r) => r.order_input.order);
  // Warehouses: the caller's free stock, else every warehouse the allocations came from with nothing free.
  const known = new Map<string, WarehouseInput>();
  for (const r of rows) for (const w of r.order_input.warehouses ?? []) known.set(w.id, { ...w, stock: {} });
  for (const w of input.warehouses ?? []) known.set(w.id, w);
  // A lane its provider already suspended still counts as affected: un-suspend it for the simulation so the engine reports it.
  const lanes = (await publishedEngineLanes(tx, date)).map((l) => (l.suspended && laneMatchesDisruption(l, engineD) ? { ...l, suspended: undefined } : l));
  const rctx = await routingContext(tx, orders, [...known.values()], { date, fx: input.fx }, lanes);
  const allocations = rows.map((r) => ({ order: toEngineOrder(r.order_input.order), candidate: r.winner as Candidate, shipped: false }));
  const report = rerouteAfterDisruption(allocations, rctx, engineD);
  // Keep each new route's full candidate (for applying): routed again with the released stock.
  const disrupted = applyDisruption(rctx.lanes, engineD).lanes;
  const byRef = new Map(rows.map((r) => [r.order_ref, r]));
  const afterCandidates: Record<string, Candidate> = {};
  for (const imp of report.impacts) {
    if (imp.status !== 'rerouted') continue;
    const row = byRef.get(imp.orderId)!;
    const released = rctx.warehouses.map((w) => ({ ...w, stock: { ...w.stock } }));
    for (const s of (row.winner as Candidate).uses.stock) { const w = released.find((x) => x.id === s.warehouseId); if (w) w.stock[s.sku] = (w.stock[s.sku] ?? 0) + s.quantity; }
    const again = routeOrder(toEngineOrder(row.order_input.order), { ...rctx, lanes: disrupted, warehouses: released });
    const c = again.candidates.find((x) => x.id === imp.after!.candidateId) ?? again.winner;
    if (c) afterCandidates[imp.orderId] = c;
  }
  const stored = {
    affected_lane_ids: report.affectedLaneIds,
    impacts: report.impacts.map((i) => ({ ...i, decision_id: byRef.get(i.orderId)?.id })),
    untouched: report.untouched,
    totals: report.totals,
    after_candidates: afterCandidates,
  };
  await tx.query(`INSERT INTO logistics_disruptions (id, org_id, description, criteria, policy, report) VALUES ($1,$2,$3,$4,$5,$6)`,
    [id, ctx.orgId, input.description, JSON.stringify(engineD), input.policy ?? 'confirm', JSON.stringify(stored)]);
  await recordAudit(tx, ctx, { action: 'logistics.disruption.simulate', entityType: 'disruption', entityId: id, after: { description: input.description, totals: report.totals } });
  if (input.policy === 'auto') return applyDisruptionPlan(tx, ctx, id);
  return getDisruption(tx, ctx, id);
}

function publicDisruption(r: any) {
  const { after_candidates: _c, ...report } = r.report;
  return { id: r.id, description: r.description, criteria: r.criteria, policy: r.policy, status: r.status, report, applied_at: r.applied_at, created_at: r.created_at };
}

export async function getDisruption(tx: Executor, ctx: AuthContext, id: string) {
  const r = await tx.maybeOne(`SELECT * FROM logistics_disruptions WHERE id = $1 AND org_id = $2`, [id, ctx.orgId]);
  if (!r) throw notFound('Disruption', id);
  return publicDisruption(r);
}

export async function listDisruptions(tx: Executor, ctx: AuthContext) {
  return (await tx.query(`SELECT * FROM logistics_disruptions WHERE org_id = $1 ORDER BY id DESC LIMIT 100`, [ctx.orgId])).map(publicDisruption);
}

/** Confirm a simulated disruption: every re-routed order gets a new decision; the old one is superseded. */
export async function applyDisruptionPlan(tx: Executor, ctx: AuthContext, id: string) {
  const r = await tx.maybeOne(`SELECT * FROM logistics_disruptions WHERE id = $1 AND org_id = $2 FOR UPDATE`, [id, ctx.orgId]);
  if (!r) throw notFound('Disruption', id);
  if (r.status !== 'proposed') throw conflict(`Disruption ${id} is already ${r.status}`);
  const applied: string[] = [];
  for (const imp of r.report.impacts as any[]) {
    if (imp.status !== 'rerouted') continue;
    const cand: Candidate | undefined = r.report.after_candidates[imp.orderId];
    const old = await tx.maybeOne(`SELECT * FROM logistics_decisions WHERE id = $1 AND org_id = $2 AND status = 'allocated'`, [imp.decision_id, ctx.orgId]);
    if (!cand || !old) continue; // booked or re-routed since the simulation: left as it is
    const runnerUp = (old.candidates as Candidate[]).find((c) => c.id === old.winner_id);
    const e = explain(cand, runnerUp);
    const explanation = { ...e, summary: `re-routed by disruption ${id} (${r.description}): ${cand.id} replaces ${old.winner_id}; cost ${imp.costDeltaMinor >= 0 ? '+' : ''}${imp.costDeltaMinor} minor, delay ${imp.deliveryDelayDays} days` };
    const d = await storeDecision(tx, ctx, {
      order: old.order_input.order, warehouses: old.order_input.warehouses, result: { orderId: old.order_ref, candidates: [cand], excluded: old.excluded }, chosen: cand, explanation,
      date: String(old.routing_date instanceof Date ? old.routing_date.toISOString() : old.routing_date).slice(0, 10), currency: old.currency,
    });
    applied.push(d.id);
  }
  await tx.query(`UPDATE logistics_disruptions SET status = 'applied', applied_at = now() WHERE id = $1`, [id]);
  await recordAudit(tx, ctx, { action: 'logistics.disruption.apply', entityType: 'disruption', entityId: id, after: { decisions: applied.length } });
  await emit(tx, ctx, { type: 'logistics.disruption.applied', entityType: 'disruption', entityId: id, orgId: ctx.orgId, payload: { decisions: applied } });
  return { ...(await getDisruption(tx, ctx, id)), applied_decision_ids: applied };
}

export async function discardDisruption(tx: Executor, ctx: AuthContext, id: string) {
  const r = await tx.maybeOne(`UPDATE logistics_disruptions SET status = 'discarded' WHERE id = $1 AND org_id = $2 AND status = 'proposed' RETURNING *`, [id, ctx.orgId]);
  if (!r) throw notFound('Proposed disruption', id);
  return publicDisruption(r);
}

/**
 * A provider suspended one of its lanes: every seller with an unshipped allocation on it gets a
 * proposed disruption (impact per order, to confirm in its console). Returns the proposals' ids.
 */
export async function proposeForSuspendedLane(tx: Executor, laneId: string, reason: string, date?: string): Promise<string[]> {
  const sellers = await tx.query<{ org_id: string }>(`SELECT DISTINCT org_id FROM logistics_decisions WHERE status = 'allocated' AND $1 = ANY(lane_ids) ORDER BY org_id`, [laneId]);
  const ids: string[] = [];
  for (const { org_id } of sellers) {
    const ctx: AuthContext = { requestId: 'lane-suspension', userId: null, apiKeyId: null, sessionId: null, orgId: org_id, orgKind: 'seller', role: 'owner', permissions: new Set(['*']) };
    const d = await simulateDisruption(tx, ctx, { description: `Lane suspended by its provider: ${reason}`, lane_ids: [laneId], policy: 'confirm', date });
    ids.push(d.id);
  }
  return ids;
}
