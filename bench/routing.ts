// Routing engine benchmark:  npm run bench -- routing [--quick]
//  1. single-order routing latency (p50/p99) on a 20-warehouse × 50-lane network
//  2. batch of 2,000 orders: regret heuristic vs HiGHS MIP optimum (gap %, time of each)
//  3. 10,000 orders: heuristic time
// Goals: p99 < 5 ms; heuristic within 1 % of optimum; 10,000 orders < 5 s.
// Times are reported as process CPU time (what the code costs) and wall time (what a caller waits,
// inflated when the machine is shared); the load average at start is printed for context.
import { loadavg } from 'node:os';
import {
  buildBatchProblem,
  checkSolution,
  generateSyntheticNetwork,
  indexLanes,
  optimalityGapPercent,
  routeOrder,
  seededRandom,
  solveBatchExact,
  solveBatchHeuristic,
  type BatchProblem,
  type Order,
  type RoutingContext,
} from '../src/engines/routing/index.ts';
import { loadEmissionFactors, loadHighs } from '../src/engines/routing/load.ts';

const quick = process.argv.includes('--quick');
const network = generateSyntheticNetwork({ seed: 7, warehouseCount: 20, laneCount: 50, skuCount: 300, stockPerSku: [0, 25] });
const ctx: RoutingContext = {
  date: '2026-03-09',
  warehouses: network.warehouses,
  lanes: network.lanes,
  products: network.products,
  emissionFactors: loadEmissionFactors(),
  fx: { objectiveCurrency: 'USD', rates: {} },
};
const skus = Object.keys(network.products);
const countries = [...new Set(network.lanes.filter((l) => l.mode !== 'last_mile').map((l) => l.destination.country))];

function makeOrders(n: number, seed: number): Order[] {
  const rnd = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => {
    const lines = new Map<string, number>();
    const lineCount = 1 + Math.floor(rnd() * 3);
    for (let j = 0; j < lineCount; j++) lines.set(skus[Math.floor(rnd() * skus.length)]!, 1 + Math.floor(rnd() * 2));
    return {
      id: `o${seed}-${i}`,
      destination: { country: countries[Math.floor(rnd() * countries.length)]!, postcode: String(10000 + Math.floor(rnd() * 89999)) },
      lines: [...lines].map(([sku, quantity]) => ({ sku, quantity })),
      incoterm: 'DAP' as const,
      currency: 'USD',
      promisedDate: rnd() < 0.4 ? '2026-03-17' : undefined,
    };
  });
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
const ms = (x: number) => x.toFixed(3);
const load = loadavg()[0]!;

/** Run fn, returning its result with wall and process-CPU milliseconds. */
function timed<T>(fn: () => T): { value: T; wallMs: number; cpuMs: number } {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const value = fn();
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { value, wallMs, cpuMs: (used.user + used.system) / 1000 };
}

// 1. Single-order latency --------------------------------------------------------------------
const latencyOrders = makeOrders(quick ? 1500 : 5000, 101);
const index = indexLanes(ctx.lanes);
for (const o of latencyOrders.slice(0, 500)) routeOrder(o, ctx, index); // warm-up (JIT)
const latencies: number[] = [];
const cpuLatencies: number[] = [];
let candidateCount = 0;
let splitWinners = 0;
let unroutable = 0;
for (const o of latencyOrders) {
  const { value: r, wallMs, cpuMs } = timed(() => routeOrder(o, ctx, index));
  latencies.push(wallMs);
  cpuLatencies.push(cpuMs);
  candidateCount += r.candidates.length;
  if (!r.winner) unroutable++;
  else if (r.winner.parts.length > 1) splitWinners++;
}
latencies.sort((a, b) => a - b);
cpuLatencies.sort((a, b) => a - b);
const single = {
  orders: latencyOrders.length,
  p50_ms: +ms(percentile(latencies, 0.5)),
  p99_ms: +ms(percentile(latencies, 0.99)),
  max_ms: +ms(latencies.at(-1)!),
  cpu_p50_ms: +ms(percentile(cpuLatencies, 0.5)),
  cpu_p99_ms: +ms(percentile(cpuLatencies, 0.99)),
  avg_candidates: +(candidateCount / latencyOrders.length).toFixed(2),
  split_winners: splitWinners,
  unroutable,
};

// 2. Batch: heuristic vs exact ---------------------------------------------------------------
function routable(problem: BatchProblem): { problem: BatchProblem; dropped: number } {
  // Orders with no candidate at all cost the same penalty under every method; leave them out of the comparison.
  const orders = problem.orders.filter((o) => o.options.length > 0);
  return { problem: { ...problem, orders }, dropped: problem.orders.length - orders.length };
}

const batchSize = quick ? 500 : 2000;
const builtRun = timed(() => routable(buildBatchProblem(makeOrders(batchSize, 202), ctx, { unallocatedPenalty: 500 })));
const problem = builtRun.value.problem;
const heuristicRun = timed(() => solveBatchHeuristic(problem));
const greedyRun = timed(() => solveBatchHeuristic(problem, { maxPasses: 0 }));
const highs = await loadHighs();
const exactRun = timed(() => solveBatchExact(problem, highs, { timeLimitSeconds: 90 }));
const [heuristic, greedy, exact] = [heuristicRun.value, greedyRun.value, exactRun.value];
const variables = problem.orders.reduce((s, o) => s + o.options.length, 0);
const batch = {
  orders: batchSize,
  orders_without_candidates: builtRun.value.dropped,
  mip_binaries: variables,
  resources: problem.resources.length,
  build_candidates_cpu_ms: Math.round(builtRun.cpuMs),
  heuristic_cpu_ms: Math.round(heuristicRun.cpuMs),
  heuristic_wall_ms: Math.round(heuristicRun.wallMs),
  greedy_only_cpu_ms: Math.round(greedyRun.cpuMs),
  exact_cpu_ms: Math.round(exactRun.cpuMs),
  exact_wall_ms: Math.round(exactRun.wallMs),
  exact_status: exact.status,
  heuristic_cost: +heuristic.totalCost.toFixed(2),
  greedy_only_cost: +greedy.totalCost.toFixed(2),
  exact_cost: +exact.totalCost.toFixed(2),
  gap_percent: +optimalityGapPercent(heuristic, exact).toFixed(4),
  greedy_only_gap_percent: +optimalityGapPercent(greedy, exact).toFixed(4),
  heuristic_unallocated: heuristic.unallocated.length,
  exact_unallocated: exact.unallocated.length,
  feasible: checkSolution(problem, heuristic.choice).length === 0 && checkSolution(problem, exact.choice).length === 0,
};

// 3. 10,000 orders, heuristic only ----------------------------------------------------------
const largeSize = quick ? 3000 : 10_000;
const largeBuild = timed(() => routable(buildBatchProblem(makeOrders(largeSize, 303), ctx, { unallocatedPenalty: 500 })).problem);
const large = largeBuild.value;
const largeRun = timed(() => solveBatchHeuristic(large));
const big = {
  orders: largeSize,
  build_candidates_cpu_ms: Math.round(largeBuild.cpuMs),
  build_candidates_wall_ms: Math.round(largeBuild.wallMs),
  heuristic_cpu_ms: Math.round(largeRun.cpuMs),
  heuristic_wall_ms: Math.round(largeRun.wallMs),
  total_cpu_ms: Math.round(largeBuild.cpuMs + largeRun.cpuMs),
  unallocated: largeRun.value.unallocated.length,
  feasible: checkSolution(large, largeRun.value.choice).length === 0,
};

// Report -------------------------------------------------------------------------------------
const rows: [string, string, string][] = [
  ['single order p50 (cpu / wall)', `${single.cpu_p50_ms} / ${single.p50_ms} ms`, ''],
  ['single order p99 (cpu / wall)', `${single.cpu_p99_ms} / ${single.p99_ms} ms`, 'goal < 5 ms'],
  ['single order max wall', `${single.max_ms} ms`, `${single.orders} orders, ${single.avg_candidates} candidates avg`],
  [`batch ${batchSize}: candidates`, `${batch.build_candidates_cpu_ms} ms`, `${batch.mip_binaries} options, ${batch.resources} resources`],
  [`batch ${batchSize}: heuristic`, `${batch.heuristic_cpu_ms} ms`, `cost ${batch.heuristic_cost}, ${batch.heuristic_unallocated} unallocated`],
  [`batch ${batchSize}: greedy only`, `${batch.greedy_only_cpu_ms} ms`, `cost ${batch.greedy_only_cost} (gap ${batch.greedy_only_gap_percent} %)`],
  [`batch ${batchSize}: exact (HiGHS)`, `${batch.exact_cpu_ms} ms`, `cost ${batch.exact_cost}, ${batch.exact_status}, ${batch.exact_unallocated} unallocated`],
  [`batch ${batchSize}: heuristic gap`, `${batch.gap_percent} %`, 'goal < 1 %'],
  [`${largeSize} orders: heuristic`, `${big.heuristic_cpu_ms} ms`, 'goal < 5 s'],
  [`${largeSize} orders: + candidates`, `${big.total_cpu_ms} ms`, `candidate generation ${big.build_candidates_cpu_ms} ms`],
];
console.log(`routing bench — network: ${network.warehouses.length} warehouses × ${network.lanes.length} lanes, ${skus.length} SKUs${quick ? ' (quick)' : ''}; load average ${load.toFixed(2)}; times are CPU ms unless marked`);
for (const [name, value, note] of rows) console.log(`${name.padEnd(34)} ${value.padStart(18)}  ${note}`);
console.log(JSON.stringify({ bench: 'routing', quick, load_average: +load.toFixed(2), single, batch, large: big }));
