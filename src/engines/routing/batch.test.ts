import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildBatchProblem, checkSolution, solveBatchExact, solveBatchHeuristic, solutionCost, type BatchProblem, type HighsSolver } from './batch.ts';
import { generateSyntheticNetwork, seededRandom } from './demo-data.ts';
import { loadHighs } from './load.ts';
import type { Order } from './route.ts';
import { context, emissionFactors, warehousesWith } from './test-helpers.ts';

let highs: HighsSolver;
beforeAll(async () => {
  highs = await loadHighs();
});

/** Random allocation problem: orders with 1–4 options over a few tight resources. */
const problemArb: fc.Arbitrary<BatchProblem> = fc
  .record({
    resources: fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 6 }),
    orders: fc.array(
      fc.array(
        fc.record({
          cost: fc.integer({ min: 1, max: 500 }).map((c) => c / 10),
          uses: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 3 })), { minLength: 1, maxLength: 3 }),
        }),
        { minLength: 0, maxLength: 4 },
      ),
      { minLength: 1, maxLength: 14 },
    ),
    penalty: fc.integer({ min: 20, max: 200 }),
  })
  .map(({ resources, orders, penalty }) => ({
    resources: resources.map((capacity, i) => ({ key: `r${i}`, capacity })),
    unallocatedPenalty: penalty,
    orders: orders.map((opts, o) => ({
      orderId: `o${o}`,
      options: opts
        .map((x, k) => {
          const merged = new Map<number, number>();
          for (const [r, a] of x.uses) merged.set(r % resources.length, (merged.get(r % resources.length) ?? 0) + a);
          return { candidateId: `o${o}c${k}`, cost: x.cost, uses: [...merged.entries()] };
        })
        .sort((a, b) => a.cost - b.cost),
    })),
  }));

describe('batch allocation properties', () => {
  it('heuristic cost ≥ exact optimum, and both never exceed stock or capacity', () => {
    fc.assert(
      fc.property(problemArb, (problem) => {
        const h = solveBatchHeuristic(problem);
        const e = solveBatchExact(problem, highs);
        expect(e.status).toBe('Optimal');
        expect(checkSolution(problem, h.choice)).toEqual([]);
        expect(checkSolution(problem, e.choice)).toEqual([]);
        expect(h.totalCost).toBeGreaterThanOrEqual(e.totalCost - 1e-6);
        expect(solutionCost(problem, e.choice)).toBeCloseTo(e.totalCost, 9);
      }),
      { numRuns: 150 },
    );
  });

  it('local improvement never makes the greedy worse', () => {
    fc.assert(
      fc.property(problemArb, (problem) => {
        const greedy = solveBatchHeuristic(problem, { maxPasses: 0 });
        const improved = solveBatchHeuristic(problem);
        return improved.totalCost <= greedy.totalCost + 1e-9;
      }),
      { numRuns: 200 },
    );
  });

  it('finds a swap the plain greedy misses', () => {
    // o0 is cheap on r0 or dear on r1; o1 can only use r0. Capacity 1 each: the optimum puts o0 on r1.
    const problem: BatchProblem = {
      resources: [
        { key: 'r0', capacity: 1 },
        { key: 'r1', capacity: 1 },
      ],
      unallocatedPenalty: 100,
      orders: [
        { orderId: 'o0', options: [{ candidateId: 'a', cost: 1, uses: [[0, 1]] }, { candidateId: 'b', cost: 30, uses: [[1, 1]] }] },
        { orderId: 'o1', options: [{ candidateId: 'c', cost: 2, uses: [[0, 1]] }] },
      ],
    };
    const h = solveBatchHeuristic(problem);
    const e = solveBatchExact(problem, highs);
    expect(e.totalCost).toBe(32);
    expect(h.totalCost).toBe(32);
    expect(h.unallocated).toEqual([]);
  });
});

describe('scenario: US demand spike as a batch on the demo network', () => {
  it('allocates scarce US and Canadian stock to the orders that need speed; the rest ride the China line', () => {
    const warehouses = warehousesWith({ 'wh-us-ont': { 'EARBUDS-X1': 5 }, 'wh-ca-yyz': { 'EARBUDS-X1': 4 }, 'wh-cn-szx': { 'EARBUDS-X1': 1000 } });
    const ctx = context(warehouses);
    const orders: Order[] = Array.from({ length: 16 }, (_, i) => ({
      id: `spike-${i}`,
      destination: { country: 'US', postcode: ['10001', '60601', '94105', '30301'][i % 4]! },
      lines: [{ sku: 'EARBUDS-X1', quantity: 1 }],
      incoterm: 'DDP',
      currency: 'USD',
      promisedDate: i < 8 ? '2026-11-07' : undefined, // half promised within 5 days
    }));
    const problem = buildBatchProblem(orders, ctx);
    const exact = solveBatchExact(problem, highs);
    const heuristic = solveBatchHeuristic(problem);
    expect(exact.status).toBe('Optimal');
    expect(checkSolution(problem, heuristic.choice)).toEqual([]);
    expect(heuristic.totalCost).toBeGreaterThanOrEqual(exact.totalCost - 1e-6);
    expect(heuristic.totalCost).toBeLessThanOrEqual(exact.totalCost * 1.01);

    const source = (choice: number[], o: number) => problem.orders[o]!.options[choice[o]!]!.candidate!.parts[0]!.warehouseId;
    const used = (w: string) => orders.filter((_, o) => source(exact.choice, o) === w).length;
    expect(used('wh-us-ont')).toBe(5);
    expect(used('wh-ca-yyz')).toBe(3); // 8 urgent orders: 5 from the US warehouse, 3 from Canada
    expect(used('wh-cn-szx')).toBe(8);
    for (let o = 0; o < 8; o++) expect(source(exact.choice, o)).not.toBe('wh-cn-szx'); // urgent never from China
    expect(exact.unallocated).toEqual([]);
  });

  it('respects lane capacity as a shared resource', () => {
    const net = generateSyntheticNetwork({ seed: 3, warehouseCount: 6, laneCount: 14, skuCount: 20, stockPerSku: [0, 8] });
    const rnd = seededRandom(5);
    const skus = Object.keys(net.products);
    const countries = [...new Set(net.lanes.map((l) => l.destination.country))];
    const orders: Order[] = Array.from({ length: 60 }, (_, i) => ({
      id: `o${i}`,
      destination: { country: countries[i % countries.length]!, postcode: String(10000 + Math.floor(rnd() * 80000)) },
      lines: [{ sku: skus[Math.floor(rnd() * skus.length)]!, quantity: 1 + Math.floor(rnd() * 3) }],
      incoterm: 'DAP',
      currency: 'USD',
    }));
    const laneCapacity = Object.fromEntries(net.lanes.map((l) => [l.id, { grams: 4000, parcels: 3 }]));
    const problem = buildBatchProblem(orders, { ...context(net.warehouses, { lanes: net.lanes, products: net.products, emissionFactors, date: '2026-03-09' }) }, { laneCapacity });
    expect(problem.resources.some((r) => r.key.startsWith('parcels:'))).toBe(true);
    const e = solveBatchExact(problem, highs);
    const h = solveBatchHeuristic(problem);
    expect(checkSolution(problem, e.choice)).toEqual([]);
    expect(checkSolution(problem, h.choice)).toEqual([]);
    expect(h.totalCost).toBeGreaterThanOrEqual(e.totalCost - 1e-6);
  });
});

describe('batch resources', () => {
  it('lane room is the tighter of the remaining day and week capacity', () => {
    const warehouses = warehousesWith({ 'wh-cn-szx': { 'EARBUDS-X1': 100 } });
    const order: Order = { id: 'o1', destination: { country: 'US', postcode: '10001' }, lines: [{ sku: 'EARBUDS-X1', quantity: 1 }], incoterm: 'DDP', currency: 'USD' };
    // Pacific Line: 8,000 kg/day, 40,000 kg/week, 6,000 parcels/day.
    const problem = buildBatchProblem([order], context(warehouses, { capacityUsage: { 'ln-line-cn-us': { dayKg: 1000, weekKg: 38_500, dayParcels: 10 } } }));
    const cap = (key: string) => problem.resources.find((r) => r.key === key)!.capacity;
    expect(cap('kg:ln-line-cn-us')).toBe(1_500_000); // week: 40,000 − 38,500 kg < day: 7,000 kg
    expect(cap('parcels:ln-line-cn-us')).toBe(5990);
    expect(cap('stock:wh-cn-szx|EARBUDS-X1')).toBe(100);
  });
});
