// Disruptions: suspend lanes matching a description (a corridor such as the Red Sea, a provider,
// a region, a mode) and re-route the unshipped allocations that used them.
import { routeOrder, type Candidate, type Order, type RoutingContext, type Warehouse } from './route.ts';
import { daysBetween } from './dates.ts';
import type { Lane, Mode } from './types.ts';

export interface Disruption {
  id: string;
  description: string;
  laneIds?: string[];
  providerOrgIds?: string[];
  /** Corridors / chokepoints (matched against lane.via), e.g. ['red-sea']. */
  via?: string[];
  originCountries?: string[];
  destinationCountries?: string[];
  modes?: Mode[];
}

/** True when the lane matches every criterion the disruption sets (unset criteria match all). */
export function laneMatchesDisruption(lane: Lane, d: Disruption): boolean {
  const criteria = [d.laneIds, d.providerOrgIds, d.via, d.originCountries, d.destinationCountries, d.modes];
  if (criteria.every((c) => !c || c.length === 0)) return false;
  if (d.laneIds?.length && !d.laneIds.includes(lane.id)) return false;
  if (d.providerOrgIds?.length && !d.providerOrgIds.includes(lane.providerOrgId)) return false;
  if (d.via?.length && !(lane.via ?? []).some((v) => d.via!.includes(v))) return false;
  if (d.originCountries?.length && !d.originCountries.includes(lane.origin.country)) return false;
  if (d.destinationCountries?.length && !d.destinationCountries.includes(lane.destination.country)) return false;
  if (d.modes?.length && !d.modes.includes(lane.mode)) return false;
  return true;
}

/** New lane list with matching lanes suspended (inputs are not mutated). */
export function applyDisruption(lanes: readonly Lane[], d: Disruption): { lanes: Lane[]; affectedLaneIds: string[] } {
  const affectedLaneIds: string[] = [];
  const out = lanes.map((lane) => {
    if (lane.suspended || !laneMatchesDisruption(lane, d)) return lane;
    affectedLaneIds.push(lane.id);
    return { ...lane, suspended: true, suspendedReason: `${d.id}: ${d.description}` };
  });
  return { lanes: out, affectedLaneIds };
}

export interface Allocation {
  order: Order;
  candidate: Candidate;
  shipped: boolean;
}

export interface RerouteImpact {
  orderId: string;
  status: 'rerouted' | 'unroutable';
  before: { candidateId: string; landedCostMinor: number; deliveryDate: string; score: number };
  after?: { candidateId: string; landedCostMinor: number; deliveryDate: string; score: number; laneIds: string[] };
  costDeltaMinor?: number; // objective currency
  deliveryDelayDays?: number;
  scoreDelta?: number;
  reason?: string;
}

export interface DisruptionReport {
  disruptionId: string;
  affectedLaneIds: string[];
  impacts: RerouteImpact[];
  untouched: string[]; // order ids whose allocation does not use an affected lane, or already shipped
  totals: { rerouted: number; unroutable: number; costDeltaMinor: number; delayDaysSum: number; maxDelayDays: number; currency: string };
  /** Stock after the re-routing (returned, never mutated in place). */
  warehouses: Warehouse[];
}

/**
 * Suspend the disrupted lanes and re-route every UNSHIPPED allocation that used one.
 * `ctx.warehouses` is the stock still free (allocated units already deducted); an affected
 * order's own units are released before it is re-routed. Orders are re-routed in order of
 * promised date (earliest first), each taking stock before the next.
 */
export function rerouteAfterDisruption(allocations: readonly Allocation[], ctx: RoutingContext, d: Disruption): DisruptionReport {
  const { lanes, affectedLaneIds } = applyDisruption(ctx.lanes, d);
  const affected = new Set(affectedLaneIds);
  const warehouses: Warehouse[] = ctx.warehouses.map((w) => ({ ...w, stock: { ...w.stock } }));
  const byId = new Map(warehouses.map((w) => [w.id, w]));
  const usesAffected = (c: Candidate) => c.parts.some((p) => p.legs.some((l) => affected.has(l.laneId)));
  const toReroute = allocations.filter((a) => !a.shipped && usesAffected(a.candidate));
  const untouched = allocations.filter((a) => !toReroute.includes(a)).map((a) => a.order.id);
  toReroute.sort((a, b) => (a.order.promisedDate ?? '9999').localeCompare(b.order.promisedDate ?? '9999') || a.order.id.localeCompare(b.order.id));
  const impacts: RerouteImpact[] = [];
  for (const a of toReroute) {
    for (const s of a.candidate.uses.stock) {
      const w = byId.get(s.warehouseId);
      if (w) w.stock[s.sku] = (w.stock[s.sku] ?? 0) + s.quantity;
    }
    const before = { candidateId: a.candidate.id, landedCostMinor: a.candidate.landedCostMinor, deliveryDate: a.candidate.deliveryDate, score: a.candidate.score };
    const routed = routeOrder(a.order, { ...ctx, lanes, warehouses });
    const w = routed.winner;
    if (!w) {
      // Keep the stock reserved for the order; it waits for the lane to reopen or a manual decision.
      for (const s of a.candidate.uses.stock) byId.get(s.warehouseId)!.stock[s.sku]! -= s.quantity;
      impacts.push({ orderId: a.order.id, status: 'unroutable', before, reason: routed.unroutableReason });
      continue;
    }
    for (const s of w.uses.stock) byId.get(s.warehouseId)!.stock[s.sku]! -= s.quantity;
    impacts.push({
      orderId: a.order.id,
      status: 'rerouted',
      before,
      after: { candidateId: w.id, landedCostMinor: w.landedCostMinor, deliveryDate: w.deliveryDate, score: w.score, laneIds: w.parts.flatMap((p) => p.legs.map((l) => l.laneId)) },
      costDeltaMinor: w.landedCostMinor - a.candidate.landedCostMinor,
      deliveryDelayDays: daysBetween(a.candidate.deliveryDate, w.deliveryDate),
      scoreDelta: w.score - a.candidate.score,
    });
  }
  const rerouted = impacts.filter((i) => i.status === 'rerouted');
  return {
    disruptionId: d.id,
    affectedLaneIds,
    impacts,
    untouched,
    totals: {
      rerouted: rerouted.length,
      unroutable: impacts.length - rerouted.length,
      costDeltaMinor: rerouted.reduce((s, i) => s + i.costDeltaMinor!, 0),
      delayDaysSum: rerouted.reduce((s, i) => s + i.deliveryDelayDays!, 0),
      maxDelayDays: rerouted.reduce((m, i) => Math.max(m, i.deliveryDelayDays!), 0),
      currency: ctx.fx.objectiveCurrency,
    },
    warehouses,
  };
}
