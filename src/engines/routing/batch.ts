// Batch allocation: many orders against shared stock and lane capacity, minimising the total
// weighted cost (Σ candidate scores + a penalty per order left unallocated).
//   - solveBatchExact: a MIP solved by HiGHS (passed in; see load.ts loadHighs) — exact for moderate sizes.
//   - solveBatchHeuristic: regret-based greedy + local improvement (moves and pair ejections) — fast.
import { indexLanes, routeOrder, type Candidate, type Order, type RoutingContext } from './route.ts';

export interface BatchOption {
  candidateId: string;
  cost: number; // candidate score (objective-currency major units, cost-equivalent)
  /** Resource use: [resourceIndex, amount] pairs. */
  uses: [number, number][];
  candidate?: Candidate;
}

export interface BatchResource {
  key: string; // 'stock:<warehouse>|<sku>', 'kg:<lane>' (grams), 'parcels:<lane>'
  capacity: number;
}

export interface BatchProblem {
  orders: { orderId: string; options: BatchOption[] }[]; // options sorted by cost ascending
  resources: BatchResource[];
  /** Cost of leaving an order unallocated (it waits for the next batch / manual handling). */
  unallocatedPenalty: number;
}

export interface BatchSolution {
  /** Index into the order's options, or -1 when unallocated. */
  choice: number[];
  totalCost: number;
  unallocated: string[];
  method: 'heuristic' | 'exact';
  status?: string; // HiGHS model status for the exact method
  stats?: Record<string, number>;
}

/** Minimal structural type of the `highs` npm package's loaded solver (one-shot API). */
export interface HighsSolver {
  solve(problem: string, options?: Record<string, unknown>): {
    Status: string;
    ObjectiveValue?: number;
    Columns: Record<string, { Primal?: number }>;
  };
}

export interface BuildBatchOptions {
  /** Keep the K best candidates per order (default 6). Both solvers see the same options. */
  maxCandidatesPerOrder?: number;
  unallocatedPenalty?: number; // default 1000
  /** Lane capacity for this batch; default: the tighter of each lane's day and week limits minus ctx.capacityUsage. */
  laneCapacity?: Record<string, { grams?: number; parcels?: number }>;
}

/**
 * Route every order on its own (full candidate lists, splits always considered), keep the best K,
 * and turn stock and lane capacity into shared resources.
 */
export function buildBatchProblem(orders: readonly Order[], ctx: RoutingContext, options: BuildBatchOptions = {}): BatchProblem {
  const k = options.maxCandidatesPerOrder ?? 6;
  const index = indexLanes(ctx.lanes);
  const resourceIndex = new Map<string, number>();
  const resources: BatchResource[] = [];
  const resource = (key: string, capacity: () => number): number => {
    let i = resourceIndex.get(key);
    if (i === undefined) {
      i = resources.length;
      resources.push({ key, capacity: capacity() });
      resourceIndex.set(key, i);
    }
    return i;
  };
  const warehouseById = new Map(ctx.warehouses.map((w) => [w.id, w]));
  const laneById = new Map(ctx.lanes.map((l) => [l.id, l]));
  // A batch is one day's dispatch: a lane's room is the tighter of what is left of its day and its week.
  const laneCap = (laneId: string, kind: 'grams' | 'parcels'): number | undefined => {
    const given = options.laneCapacity?.[laneId];
    if (given) return given[kind];
    const cap = laneById.get(laneId)!.capacity;
    const used = ctx.capacityUsage?.[laneId];
    const left = (limit: number | undefined, usedSoFar: number | undefined) => (limit === undefined ? Infinity : Math.max(0, limit - (usedSoFar ?? 0)));
    const room =
      kind === 'grams'
        ? Math.min(left(cap?.perDayKg, used?.dayKg), left(cap?.perWeekKg, used?.weekKg)) * 1000
        : Math.min(left(cap?.perDayParcels, used?.dayParcels), left(cap?.perWeekParcels, used?.weekParcels));
    return Number.isFinite(room) ? Math.floor(room) : undefined;
  };
  const batchCtx: RoutingContext = { ...ctx, considerSplits: 'always', capacityUsage: undefined };
  const out: BatchProblem['orders'] = [];
  for (const order of orders) {
    const routed = routeOrder(order, batchCtx, index);
    const opts: BatchOption[] = [];
    for (const c of routed.candidates.slice(0, k)) {
      const uses: [number, number][] = [];
      for (const s of c.uses.stock)
        uses.push([resource(`stock:${s.warehouseId}|${s.sku}`, () => warehouseById.get(s.warehouseId)!.stock[s.sku] ?? 0), s.quantity]);
      for (const l of c.uses.lanes) {
        const g = laneCap(l.laneId, 'grams');
        if (g !== undefined) uses.push([resource(`kg:${l.laneId}`, () => g), l.grams]);
        const p = laneCap(l.laneId, 'parcels');
        if (p !== undefined) uses.push([resource(`parcels:${l.laneId}`, () => p), l.parcels]);
      }
      opts.push({ candidateId: c.id, cost: c.score, uses, candidate: c });
    }
    out.push({ orderId: order.id, options: opts });
  }
  return { orders: out, resources, unallocatedPenalty: options.unallocatedPenalty ?? 1000 };
}

/** Total cost of a choice vector (unallocated orders cost the penalty). */
export function solutionCost(problem: BatchProblem, choice: readonly number[]): number {
  let total = 0;
  problem.orders.forEach((o, i) => {
    total += choice[i]! < 0 ? problem.unallocatedPenalty : o.options[choice[i]!]!.cost;
  });
  return total;
}

/** Every resource whose use exceeds its capacity (empty when the allocation is feasible). */
export function checkSolution(problem: BatchProblem, choice: readonly number[]): { resource: string; used: number; capacity: number }[] {
  const used = new Float64Array(problem.resources.length);
  problem.orders.forEach((o, i) => {
    if (choice[i]! >= 0) for (const [r, a] of o.options[choice[i]!]!.uses) used[r]! += a;
  });
  const violations: { resource: string; used: number; capacity: number }[] = [];
  problem.resources.forEach((r, i) => {
    if (used[i]! > r.capacity + 1e-9) violations.push({ resource: r.key, used: used[i]!, capacity: r.capacity });
  });
  return violations;
}

function finish(problem: BatchProblem, choice: number[], method: BatchSolution['method'], extra: Partial<BatchSolution> = {}): BatchSolution {
  return {
    choice,
    totalCost: solutionCost(problem, choice),
    unallocated: problem.orders.filter((_, i) => choice[i]! < 0).map((o) => o.orderId),
    method,
    ...extra,
  };
}

// ------------------------------------------------------------------------------------------------
// Heuristic

/** Binary max-heap of (key, order) pairs. */
class MaxHeap {
  private keys: number[] = [];
  private vals: number[] = [];
  get size(): number {
    return this.keys.length;
  }
  peekKey(): number {
    return this.keys[0]!;
  }
  push(key: number, val: number): void {
    const { keys, vals } = this;
    let i = keys.length;
    keys.push(key);
    vals.push(val);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (keys[parent]! >= key) break;
      keys[i] = keys[parent]!;
      vals[i] = vals[parent]!;
      i = parent;
    }
    keys[i] = key;
    vals[i] = val;
  }
  pop(): [number, number] {
    const { keys, vals } = this;
    const top: [number, number] = [keys[0]!, vals[0]!];
    const lastKey = keys.pop()!;
    const lastVal = vals.pop()!;
    if (keys.length > 0) {
      let i = 0;
      const n = keys.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && keys[r]! > keys[l]! ? r : l;
        if (keys[c]! <= lastKey) break;
        keys[i] = keys[c]!;
        vals[i] = vals[c]!;
        i = c;
      }
      keys[i] = lastKey;
      vals[i] = lastVal;
    }
    return top;
  }
}

export interface HeuristicOptions {
  /** Local-improvement passes after the greedy (default 6; 0 = greedy only). */
  maxPasses?: number;
  /** Orders examined as ejection partners per over-used resource (default 24). */
  ejectionBreadth?: number;
  /** Most orders moved aside to make room for one better option (default 6). */
  maxChain?: number;
}

/**
 * Regret greedy: repeatedly allocate the order that would lose most by waiting (cost of its
 * second-best feasible option − best), re-evaluating lazily as stock and capacity are consumed.
 * Then local improvement: move an order to a cheaper option that now fits, or claim it anyway and
 * move the orders on the over-used resources to their next-best options (an ejection chain) when
 * the total cost drops.
 */
export function solveBatchHeuristic(problem: BatchProblem, options: HeuristicOptions = {}): BatchSolution {
  const n = problem.orders.length;
  const resid = Float64Array.from(problem.resources, (r) => r.capacity);
  const choice = new Array<number>(n).fill(-1);
  const penalty = problem.unallocatedPenalty;
  const EPS = 1e-9;
  const fits = (opt: BatchOption) => {
    for (const [r, a] of opt.uses) if (a > resid[r]! + EPS) return false;
    return true;
  };
  const take = (opt: BatchOption, sign: 1 | -1) => {
    for (const [r, a] of opt.uses) resid[r]! -= sign * a;
  };
  // users[r] = orders currently consuming resource r (for ejections).
  const users: Set<number>[] = problem.resources.map(() => new Set<number>());
  const assign = (o: number, k: number) => {
    const prev = choice[o]!;
    if (prev >= 0) {
      const opt = problem.orders[o]!.options[prev]!;
      take(opt, -1);
      for (const [r] of opt.uses) users[r]!.delete(o);
    }
    choice[o] = k;
    if (k >= 0) {
      const opt = problem.orders[o]!.options[k]!;
      take(opt, 1);
      for (const [r] of opt.uses) users[r]!.add(o);
    }
  };
  const evaluate = (o: number): { best: number; regret: number } => {
    const opts = problem.orders[o]!.options;
    let first = -1;
    let secondCost = penalty;
    for (let k = 0; k < opts.length; k++) {
      const opt = opts[k]!;
      if (opt.cost >= penalty) break;
      if (!fits(opt)) continue;
      if (first < 0) first = k;
      else {
        secondCost = opt.cost;
        break;
      }
    }
    return first < 0 ? { best: -1, regret: -Infinity } : { best: first, regret: secondCost - opts[first]!.cost };
  };

  const heap = new MaxHeap();
  for (let o = 0; o < n; o++) {
    const e = evaluate(o);
    if (e.best >= 0) heap.push(e.regret, o);
  }
  let reevaluations = 0;
  while (heap.size > 0) {
    const [key, o] = heap.pop();
    const e = evaluate(o);
    if (e.best < 0) continue;
    if (e.regret < key - EPS && heap.size > 0 && e.regret < heap.peekKey() - EPS) {
      reevaluations++;
      heap.push(e.regret, o); // its situation changed; it no longer has the largest regret
      continue;
    }
    assign(o, e.best);
  }
  const greedyCost = solutionCost(problem, choice);

  // Local improvement.
  const maxPasses = options.maxPasses ?? 6;
  const breadth = options.ejectionBreadth ?? 24;
  const maxChain = options.maxChain ?? 6;
  /** First resource of `opt` whose residual is negative, or −1. */
  const overUsed = (opt: BatchOption) => {
    for (const [r] of opt.uses) if (resid[r]! < -EPS) return r;
    return -1;
  };
  const costOf = (o: number, k: number) => (k < 0 ? penalty : problem.orders[o]!.options[k]!.cost);
  // potentialUsers[r] = every (order, option) that would use resource r, cheapest first.
  const potentialUsers: [number, number][][] = problem.resources.map(() => []);
  problem.orders.forEach((ord, o) => ord.options.forEach((opt, k) => opt.uses.forEach(([r]) => potentialUsers[r]!.push([o, k]))));
  for (const list of potentialUsers) list.sort((a, b) => problem.orders[a[0]]!.options[a[1]]!.cost - problem.orders[b[0]]!.options[b[1]]!.cost);
  let moves = 0;
  let ejections = 0;
  let passes = 0;
  for (; passes < maxPasses; passes++) {
    let improved = false;
    for (let o = 0; o < n; o++) {
      const opts = problem.orders[o]!.options;
      const current = choice[o]!;
      const currentCost = costOf(o, current);
      for (let k = 0; k < opts.length; k++) {
        if (k === current || opts[k]!.cost >= currentCost - EPS) continue;
        const saving = currentCost - opts[k]!.cost;
        assign(o, -1);
        if (fits(opts[k]!)) {
          assign(o, k);
          moves++;
          improved = true;
          break;
        }
        // Blocked: claim option k anyway (its scarce resources go negative), then move the orders
        // using an over-used resource to their cheapest alternative that fits (or unallocate them),
        // one at a time, until feasible. Keep the chain only if the total cost drops; else undo.
        const optK = opts[k]!;
        take(optK, 1);
        const moved: [number, number][] = []; // [order, its previous choice]
        let delta = -saving;
        let over = overUsed(optK);
        for (let tries = 0; over >= 0 && delta < -EPS && tries < maxChain; tries++) {
          let bestB = -1;
          let bestJ = -2;
          let bestDelta = Infinity;
          let seen = 0;
          for (const b of users[over]!) {
            if (seen++ >= breadth) break;
            const bCurrent = choice[b]!;
            const bCost = costOf(b, bCurrent);
            const bOpts = problem.orders[b]!.options;
            const held = bOpts[bCurrent]!;
            take(held, -1); // virtual release (users unchanged) to test b's alternatives
            for (let j = 0; j < bOpts.length; j++) {
              if (j === bCurrent) continue;
              const d = bOpts[j]!.cost - bCost;
              if (d < bestDelta && fits(bOpts[j]!)) [bestB, bestJ, bestDelta] = [b, j, d];
            }
            take(held, 1);
            if (penalty - bCost < bestDelta) [bestB, bestJ, bestDelta] = [b, -1, penalty - bCost];
          }
          if (bestB < 0) break;
          moved.push([bestB, choice[bestB]!]);
          assign(bestB, bestJ);
          delta += bestDelta;
          over = overUsed(optK);
        }
        if (over < 0 && delta >= -EPS && moved.length > 0) {
          // Not yet profitable: the orders moved aside may have freed more than option k needs.
          // Fill that room with orders that would be cheaper there (typically unallocated ones).
          for (const [b, bPrevious] of [...moved]) {
            if (bPrevious < 0) continue;
            for (const [r] of problem.orders[b]!.options[bPrevious]!.uses) {
              let scanned = 0;
              for (const [f, j] of potentialUsers[r]!) {
                if (delta < -EPS || scanned++ >= breadth) break;
                if (f === o || choice[f] === j) continue;
                const d = problem.orders[f]!.options[j]!.cost - costOf(f, choice[f]!);
                if (d >= -EPS) continue;
                const fPrevious = choice[f]!;
                if (fPrevious >= 0) take(problem.orders[f]!.options[fPrevious]!, -1);
                const ok = fits(problem.orders[f]!.options[j]!);
                if (fPrevious >= 0) take(problem.orders[f]!.options[fPrevious]!, 1);
                if (!ok) continue;
                moved.push([f, fPrevious]);
                assign(f, j);
                delta += d;
              }
              if (delta < -EPS) break;
            }
            if (delta < -EPS) break;
          }
        }
        take(optK, -1);
        if (over < 0 && delta < -EPS) {
          assign(o, k);
          ejections += moved.length;
          improved = true;
          break;
        }
        for (let i = moved.length - 1; i >= 0; i--) assign(moved[i]![0], moved[i]![1]);
        assign(o, current);
      }
    }
    if (!improved) break;
  }
  return finish(problem, choice, 'heuristic', { stats: { greedyCost, reevaluations, moves, ejections, passes } });
}

// ------------------------------------------------------------------------------------------------
// Exact MIP

/** CPLEX LP text of the batch MIP: x[o,k] binary, u[o] ∈ [0,1] unallocated, Σ_k x + u = 1, resources ≤ capacity. */
export function batchProblemToLp(problem: BatchProblem): string {
  const num = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(9).replace(/0+$/, ''));
  const lines: string[] = ['Minimize', ' obj:'];
  const binaries: string[] = [];
  const rows: string[][] = problem.resources.map(() => []);
  problem.orders.forEach((o, i) => {
    o.options.forEach((opt, k) => {
      const v = `x${i}_${k}`;
      lines.push(` + ${num(opt.cost)} ${v}`);
      binaries.push(v);
      for (const [r, a] of opt.uses) rows[r]!.push(`+ ${num(a)} ${v}`);
    });
    lines.push(` + ${num(problem.unallocatedPenalty)} u${i}`);
  });
  lines.push('Subject To');
  problem.orders.forEach((o, i) => {
    lines.push(` a${i}: ${o.options.map((_, k) => `x${i}_${k} + `).join('')}u${i} = 1`);
  });
  rows.forEach((terms, r) => {
    if (terms.length === 0) return;
    lines.push(` r${r}: ${terms.join(' ')} <= ${num(problem.resources[r]!.capacity)}`);
  });
  lines.push('Bounds');
  problem.orders.forEach((_, i) => lines.push(` 0 <= u${i} <= 1`));
  lines.push('Binary');
  for (let i = 0; i < binaries.length; i += 50) lines.push(` ${binaries.slice(i, i + 50).join(' ')}`);
  lines.push('End');
  return lines.join('\n');
}

export interface ExactOptions {
  timeLimitSeconds?: number; // default 60
  /** Relative MIP gap at which HiGHS may stop (default 0: prove optimality). */
  mipRelGap?: number;
}

/** Solve the batch MIP with HiGHS. `status` is 'Optimal' when optimality was proven. */
export function solveBatchExact(problem: BatchProblem, highs: HighsSolver, options: ExactOptions = {}): BatchSolution {
  const lp = batchProblemToLp(problem);
  const result = highs.solve(lp, {
    output_flag: false,
    time_limit: options.timeLimitSeconds ?? 60,
    mip_rel_gap: options.mipRelGap ?? 0,
    mip_abs_gap: 1e-7,
  });
  const choice = problem.orders.map((o, i) => {
    for (let k = 0; k < o.options.length; k++) if ((result.Columns[`x${i}_${k}`]?.Primal ?? 0) > 0.5) return k;
    return -1;
  });
  return finish(problem, choice, 'exact', { status: result.Status, stats: { solverObjective: result.ObjectiveValue ?? NaN } });
}

/** Gap of a heuristic solution over the exact one, in percent of the exact cost. */
export function optimalityGapPercent(heuristic: BatchSolution, exact: BatchSolution): number {
  return exact.totalCost === 0 ? 0 : ((heuristic.totalCost - exact.totalCost) / exact.totalCost) * 100;
}
