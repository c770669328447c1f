// Single-order routing: candidates = (source warehouse with stock) × (eligible lane paths),
// incl. split shipments and warehouse-transfer paths, scored by a weighted, explainable objective.
import { addDays, daysBetween } from './dates.ts';
import { legEmissionsKg, type EmissionFactors } from './emissions.ts';
import { convertMinor, divRoundHalfUp, minorUnitExponent, type FxTable } from './money.ts';
import { isExclusion, quoteLane } from './quote.ts';
import type { BatteryUnNumber, CapacityUsage, Exclusion, Incoterm, Lane, LaneQuote, Parcel, Shipment } from './types.ts';

export interface Product {
  sku: string;
  unitWeightGrams: number;
  lengthCm: number;
  widthCm: number;
  heightCm: number;
  unitValueMinor: number; // customs value per unit, in the order's currency
  battery?: BatteryUnNumber;
  liquid?: boolean;
  magnet?: boolean;
}

export interface Warehouse {
  id: string;
  country: string;
  postcode: string;
  providerOrgId?: string;
  /** Units available to allocate (on hand − reserved). */
  stock: Record<string, number>;
  /** Units the seller wants to keep; allocating below this costs `weights.lowStockUnit` per unit. */
  safetyStock?: Record<string, number>;
}

export interface OrderLine {
  sku: string;
  quantity: number;
}

export interface Order {
  id: string;
  destination: { country: string; postcode: string };
  lines: OrderLine[];
  incoterm: Incoterm;
  currency: string; // currency of the products' unit values
  promisedDate?: string; // latest delivery date promised to the buyer
}

/** Cost-equivalents: how many units of the objective currency (major units) one unit of each component is worth. */
export interface ObjectiveWeights {
  landedCost: number; // per 1.00 of shipping + duty/tax
  transitDay: number; // per day from order to typical delivery
  lateDay: number; // per day the typical delivery is after the promised date
  dapOnly: number; // flat, when a cross-border leg cannot deliver duty-paid (buyer pays at the door)
  lowStockUnit: number; // per unit the allocation leaves a warehouse below its safety stock
  ratingPoint: number; // per point the weakest provider is below 5.0
  carbonKg: number; // per kg CO2e
  extraShipment: number; // per additional shipment in a split order
}

export const DEFAULT_WEIGHTS: ObjectiveWeights = {
  landedCost: 1,
  transitDay: 0.4,
  lateDay: 8,
  dapOnly: 2,
  lowStockUnit: 1.5,
  ratingPoint: 1,
  carbonKg: 0.1,
  extraShipment: 3,
};

export interface DutyContext {
  order: Order;
  originCountry: string;
  destinationCountry: string;
  crossBorder: boolean;
  declaredValueMinor: number; // in the objective currency
  shippingMinor: number; // in the objective currency
}

export interface RoutingContext {
  date: string;
  warehouses: readonly Warehouse[];
  lanes: readonly Lane[];
  products: Readonly<Record<string, Product>>;
  emissionFactors: EmissionFactors;
  fx: FxTable;
  weights?: Partial<ObjectiveWeights>;
  /** Duty + import tax for a part shipment, in objective-currency minor units. Default: see defaultDutyEstimate. */
  dutyEstimate?: (c: DutyContext) => number;
  /** Hard market-access rule: return a reason to forbid shipping from this warehouse over this lane. */
  marketAccess?: (c: { order: Order; warehouse: Warehouse; lane: Lane }) => string | null;
  capacityUsage?: Record<string, CapacityUsage>;
  /** Days between a transfer arriving in a warehouse and its onward dispatch. Default 1. */
  transferHandlingDays?: number;
  /** 'when-needed' (default): split only when no single warehouse can ship the order; 'always': also offer splits. */
  considerSplits?: 'when-needed' | 'always';
  /** Maximum warehouses in a split order. Default 3. */
  maxSplitParts?: number;
  /** Packaging weight added per parcel. Default 0. */
  packagingGrams?: number;
  /** Rating assumed for a lane without one. Default 3. */
  defaultRating?: number;
}

/**
 * Default duty/tax estimate: 10 % of (declared value + shipping) when the parcel crosses a border
 * (a rough CIF-based stand-in — pass `dutyEstimate` from the landed-cost engine for real rates);
 * 0 for domestic dispatch from stock already imported (its duty is an inventory cost, not an order cost).
 * Rounding: half-up to the minor unit.
 */
export function defaultDutyEstimate(c: DutyContext): number {
  return c.crossBorder ? divRoundHalfUp((c.declaredValueMinor + c.shippingMinor) * 1000, 10_000) : 0;
}

export interface Leg {
  laneId: string;
  providerOrgId: string;
  mode: Lane['mode'];
  fromWarehouseId: string;
  toWarehouseId?: string; // set on a transfer leg
  quote: LaneQuote;
  costMinor: number; // in the objective currency
  emissionsKg: number;
}

/** One shipment of a (possibly split) candidate: the lines sent from one warehouse. */
export interface Part {
  warehouseId: string;
  lines: OrderLine[];
  legs: Leg[]; // one leg (direct) or two (transfer to another warehouse, then last mile)
  deliveryDate: string;
  shippingMinor: number;
  dutyMinor: number;
  grams: number;
  parcel: Parcel;
}

export type ComponentName = 'landedCost' | 'transit' | 'lateness' | 'clearance' | 'stockAfter' | 'rating' | 'carbon' | 'split';

export interface ScoreComponent {
  name: ComponentName;
  value: number; // in `unit`
  unit: string;
  weight: number;
  contribution: number; // value × weight, objective-currency major units
}

/** Resource use of a candidate, for the batch allocator. */
export interface ResourceUse {
  stock: { warehouseId: string; sku: string; quantity: number }[];
  lanes: { laneId: string; grams: number; parcels: number }[];
}

export interface Candidate {
  id: string; // stable: parts' warehouse + lane ids
  orderId: string;
  parts: Part[];
  landedCostMinor: number; // objective currency
  currency: string;
  deliveryDate: string; // latest part's typical delivery
  transitDays: number;
  emissionsKg: number;
  components: ScoreComponent[];
  score: number; // Σ contributions; lower is better
  uses: ResourceUse;
}

export interface Explanation {
  winnerId: string;
  runnerUpId?: string;
  margin?: number; // runner-up score − winner score
  /** Components where the winner is better than the runner-up, biggest advantage first. */
  decisive: { name: ComponentName; advantage: number }[];
  /** Components where the winner is worse (what was traded away). */
  tradeOffs: { name: ComponentName; disadvantage: number }[];
  summary: string;
}

export interface RouteResult {
  orderId: string;
  candidates: Candidate[]; // best first
  winner?: Candidate;
  explanation?: Explanation;
  /** Lanes considered and rejected, per warehouse, with the reason. */
  excluded: (Exclusion & { warehouseId: string })[];
  unroutableReason?: string;
}

// ---------------------------------------------------------------------------------------------

/** One parcel holding the given lines: footprint of the largest unit, height from total volume. */
export function packParcel(lines: readonly OrderLine[], products: Readonly<Record<string, Product>>, packagingGrams = 0): Parcel {
  let grams = packagingGrams;
  let volume = 0;
  let length = 1;
  let width = 1;
  const items: Parcel['items'] = [];
  for (const line of lines) {
    const p = products[line.sku];
    if (!p) throw new Error(`unknown sku ${line.sku}`);
    grams += p.unitWeightGrams * line.quantity;
    volume += p.lengthCm * p.widthCm * p.heightCm * line.quantity;
    const [a, b] = [p.lengthCm, p.widthCm].sort((x, y) => y - x) as [number, number];
    length = Math.max(length, a);
    width = Math.max(width, b);
    items.push({ sku: p.sku, quantity: line.quantity, unitValueMinor: p.unitValueMinor, battery: p.battery, liquid: p.liquid, magnet: p.magnet });
  }
  return { weightGrams: grams, lengthCm: length, widthCm: width, heightCm: Math.max(1, Math.ceil(volume / (length * width))), items };
}

function declaredValueMinor(lines: readonly OrderLine[], products: Readonly<Record<string, Product>>): number {
  return lines.reduce((s, l) => s + products[l.sku]!.unitValueMinor * l.quantity, 0);
}

/** Index lanes by origin so each warehouse only looks at lanes it can use. */
export interface LaneIndex {
  byWarehouse: Map<string, Lane[]>;
  byCountry: Map<string, Lane[]>;
}

export function indexLanes(lanes: readonly Lane[]): LaneIndex {
  const byWarehouse = new Map<string, Lane[]>();
  const byCountry = new Map<string, Lane[]>();
  for (const lane of lanes) {
    if (lane.origin.warehouseIds && lane.origin.warehouseIds.length > 0) {
      for (const w of lane.origin.warehouseIds) (byWarehouse.get(w) ?? byWarehouse.set(w, []).get(w)!).push(lane);
    } else (byCountry.get(lane.origin.country) ?? byCountry.set(lane.origin.country, []).get(lane.origin.country)!).push(lane);
  }
  return { byWarehouse, byCountry };
}

function lanesFrom(index: LaneIndex, warehouse: Warehouse): Lane[] {
  return [...(index.byWarehouse.get(warehouse.id) ?? []), ...(index.byCountry.get(warehouse.country) ?? [])];
}

interface PreparedContext {
  ctx: RoutingContext;
  weights: ObjectiveWeights;
  index: LaneIndex;
  warehouseById: Map<string, Warehouse>;
  laneById: Map<string, Lane>;
}

// Lookup tables derived from the (immutable-by-convention) lane and warehouse arrays, memoised per array.
const laneTables = new WeakMap<readonly Lane[], { index: LaneIndex; byId: Map<string, Lane> }>();
const warehouseTables = new WeakMap<readonly Warehouse[], Map<string, Warehouse>>();

function prepare(ctx: RoutingContext, index?: LaneIndex): PreparedContext {
  let lanes = laneTables.get(ctx.lanes);
  if (!lanes) laneTables.set(ctx.lanes, (lanes = { index: index ?? indexLanes(ctx.lanes), byId: new Map(ctx.lanes.map((l) => [l.id, l])) }));
  let warehouseById = warehouseTables.get(ctx.warehouses);
  if (!warehouseById) warehouseTables.set(ctx.warehouses, (warehouseById = new Map(ctx.warehouses.map((w) => [w.id, w]))));
  return {
    ctx,
    weights: ctx.weights ? { ...DEFAULT_WEIGHTS, ...ctx.weights } : DEFAULT_WEIGHTS,
    index: index ?? lanes.index,
    warehouseById,
    laneById: lanes.byId,
  };
}

/** Every way to move `lines` from warehouse `from` to the order's consignee (direct or via a transfer). */
function partOptions(p: PreparedContext, order: Order, from: Warehouse, lines: OrderLine[], excluded: RouteResult['excluded']): Part[] {
  const { ctx } = p;
  const parcel = packParcel(lines, ctx.products, ctx.packagingGrams ?? 0);
  const declared = declaredValueMinor(lines, ctx.products);
  const declaredObjective = convertMinor(declared, order.currency, ctx.fx);
  if (declaredObjective === undefined) return [];
  const quoteOpts = { capacityUsage: ctx.capacityUsage, fx: ctx.fx };
  const options: Part[] = [];

  const consigneeShipment = (origin: Warehouse): Shipment => ({
    origin: { country: origin.country, warehouseId: origin.id },
    destination: { country: order.destination.country, postcode: order.destination.postcode },
    incoterm: order.incoterm,
    parcels: [parcel],
    declaredValue: { currency: order.currency, amountMinor: declared },
  });

  const tryLane = (lane: Lane, shipment: Shipment, warehouse: Warehouse, date: string, record: boolean): LaneQuote | undefined => {
    const q = quoteLane(lane, shipment, date, quoteOpts);
    if (isExclusion(q)) {
      if (record) excluded.push({ ...q, warehouseId: warehouse.id });
      return undefined;
    }
    // Market access is checked on lanes that could otherwise carry the order.
    const denied = ctx.marketAccess?.({ order, warehouse, lane });
    if (denied) {
      if (record) excluded.push({ laneId: lane.id, code: 'market_access', reason: denied, warehouseId: warehouse.id });
      return undefined;
    }
    return q;
  };

  const makeLeg = (lane: Lane, quote: LaneQuote, fromId: string, toId?: string): Leg | undefined => {
    const cost = convertMinor(quote.price.totalMinor, quote.price.currency, ctx.fx);
    if (cost === undefined) return undefined;
    return {
      laneId: lane.id,
      providerOrgId: lane.providerOrgId,
      mode: lane.mode,
      fromWarehouseId: fromId,
      toWarehouseId: toId,
      quote,
      costMinor: cost,
      emissionsKg: legEmissionsKg(lane, parcel.weightGrams, ctx.emissionFactors),
    };
  };

  const finish = (legs: Leg[], deliveryDate: string, crossBorderOrigin: string) => {
    const shippingMinor = legs.reduce((s, l) => s + l.costMinor, 0);
    const crossBorder = crossBorderOrigin !== order.destination.country;
    const duty = (ctx.dutyEstimate ?? defaultDutyEstimate)({
      order,
      originCountry: crossBorderOrigin,
      destinationCountry: order.destination.country,
      crossBorder,
      declaredValueMinor: declaredObjective,
      shippingMinor,
    });
    options.push({ warehouseId: from.id, lines, legs, deliveryDate, shippingMinor, dutyMinor: duty, grams: parcel.weightGrams, parcel });
  };

  const direct = consigneeShipment(from);
  for (const lane of lanesFrom(p.index, from)) {
    if (lane.destination.warehouseId) {
      // Transfer lane into another warehouse, then that warehouse's last-mile lanes.
      const hub = p.warehouseById.get(lane.destination.warehouseId);
      if (!hub || hub.id === from.id || hub.country !== order.destination.country) continue;
      const transferShipment: Shipment = {
        ...direct,
        destination: { country: hub.country, postcode: hub.postcode, warehouseId: hub.id },
      };
      const tq = tryLane(lane, transferShipment, from, ctx.date, true);
      if (!tq) continue;
      const transferLeg = makeLeg(lane, tq, from.id, hub.id);
      if (!transferLeg) continue;
      const onwardDate = addDays(tq.transit.typical, ctx.transferHandlingDays ?? 1);
      const onward = consigneeShipment(hub);
      for (const last of lanesFrom(p.index, hub)) {
        if (last.destination.warehouseId) continue;
        const lq = tryLane(last, onward, hub, onwardDate, false);
        if (!lq) continue;
        const lastLeg = makeLeg(last, lq, hub.id);
        if (lastLeg) finish([transferLeg, lastLeg], lq.transit.typical, from.country);
      }
      continue;
    }
    const q = tryLane(lane, direct, from, ctx.date, true);
    if (!q) continue;
    const leg = makeLeg(lane, q, from.id);
    if (leg) finish([leg], q.transit.typical, from.country);
  }
  return options;
}

function buildCandidate(p: PreparedContext, order: Order, parts: Part[], ratings: Map<string, number>): Candidate {
  const { ctx, weights } = p;
  const shipping = parts.reduce((s, x) => s + x.shippingMinor, 0);
  const duty = parts.reduce((s, x) => s + x.dutyMinor, 0);
  const landed = shipping + duty;
  const deliveryDate = parts.map((x) => x.deliveryDate).sort().at(-1)!;
  const transitDays = daysBetween(ctx.date, deliveryDate);
  const lateDays = order.promisedDate ? Math.max(0, daysBetween(order.promisedDate, deliveryDate)) : 0;
  const dapOnly = parts.some((x) =>
    x.legs.some((l) => {
      const lane = p.laneById.get(l.laneId)!;
      return lane.origin.country !== order.destination.country && lane.destination.country === order.destination.country && !lane.clearance.ddp;
    }),
  )
    ? 1
    : 0;
  let belowSafety = 0;
  const stock: ResourceUse['stock'] = [];
  for (const part of parts) {
    const w = p.warehouseById.get(part.warehouseId)!;
    for (const line of part.lines) {
      stock.push({ warehouseId: w.id, sku: line.sku, quantity: line.quantity });
      const after = (w.stock[line.sku] ?? 0) - line.quantity;
      const safety = w.safetyStock?.[line.sku] ?? 0;
      belowSafety += Math.max(0, safety - Math.max(after, 0)) - Math.max(0, safety - (w.stock[line.sku] ?? 0));
    }
  }
  const weakest = Math.min(...parts.flatMap((x) => x.legs.map((l) => ratings.get(l.laneId) ?? ctx.defaultRating ?? 3)));
  const emissions = parts.reduce((s, x) => s + x.legs.reduce((t, l) => t + l.emissionsKg, 0), 0);
  const exponent = 10 ** minorExponentOf(ctx.fx.objectiveCurrency);
  const component = (name: ComponentName, value: number, unit: string, weight: number): ScoreComponent => ({
    name,
    value,
    unit,
    weight,
    contribution: value * weight,
  });
  const components: ScoreComponent[] = [
    component('landedCost', landed / exponent, ctx.fx.objectiveCurrency, weights.landedCost),
    component('transit', transitDays, 'days', weights.transitDay),
    component('lateness', lateDays, 'days late', weights.lateDay),
    component('clearance', dapOnly, 'DAP-only leg', weights.dapOnly),
    component('stockAfter', belowSafety, 'units below safety stock', weights.lowStockUnit),
    component('rating', Math.max(0, 5 - weakest), 'points below 5', weights.ratingPoint),
    component('carbon', emissions, 'kg CO2e', weights.carbonKg),
    component('split', parts.length - 1, 'extra shipments', weights.extraShipment),
  ];
  const laneUse = new Map<string, { laneId: string; grams: number; parcels: number }>();
  for (const part of parts)
    for (const leg of part.legs) {
      const u = laneUse.get(leg.laneId) ?? { laneId: leg.laneId, grams: 0, parcels: 0 };
      u.grams += part.grams;
      u.parcels += 1;
      laneUse.set(leg.laneId, u);
    }
  return {
    id: parts.map((x) => `${x.warehouseId}:${x.legs.map((l) => l.laneId).join('>')}`).join('+'),
    orderId: order.id,
    parts,
    landedCostMinor: landed,
    currency: ctx.fx.objectiveCurrency,
    deliveryDate,
    transitDays,
    emissionsKg: emissions,
    components,
    score: components.reduce((s, c) => s + c.contribution, 0),
    uses: { stock, lanes: [...laneUse.values()] },
  };
}

const exponentCache = new Map<string, number>();
function minorExponentOf(currency: string): number {
  let e = exponentCache.get(currency);
  if (e === undefined) exponentCache.set(currency, (e = minorUnitExponent(currency)));
  return e;
}

/** Greedy covers of the order by 2..maxParts warehouses, one cover per possible first warehouse. */
function splitCovers(order: Order, warehouses: readonly Warehouse[], maxParts: number): { warehouse: Warehouse; lines: OrderLine[] }[][] {
  const covers: { warehouse: Warehouse; lines: OrderLine[] }[][] = [];
  const seen = new Set<string>();
  for (const first of warehouses) {
    // A split starts at a warehouse holding part, but not all, of the order.
    let holdsSome = false;
    let holdsAll = true;
    for (const l of order.lines) {
      const have = first.stock[l.sku] ?? 0;
      if (have > 0) holdsSome = true;
      if (have < l.quantity) holdsAll = false;
    }
    if (!holdsSome || holdsAll) continue;
    const remaining = new Map(order.lines.map((l) => [l.sku, l.quantity]));
    const parts: { warehouse: Warehouse; lines: OrderLine[] }[] = [];
    const take = (w: Warehouse) => {
      const lines: OrderLine[] = [];
      for (const [sku, qty] of remaining) {
        const q = Math.min(qty, w.stock[sku] ?? 0);
        if (q > 0) lines.push({ sku, quantity: q });
      }
      for (const l of lines) remaining.set(l.sku, remaining.get(l.sku)! - l.quantity);
      for (const [sku, qty] of [...remaining]) if (qty === 0) remaining.delete(sku);
      if (lines.length > 0) parts.push({ warehouse: w, lines });
    };
    take(first);
    if (parts.length === 0) continue;
    while (remaining.size > 0 && parts.length < maxParts) {
      let best: Warehouse | undefined;
      let bestUnits = 0;
      for (const w of warehouses) {
        if (parts.some((x) => x.warehouse.id === w.id)) continue;
        let units = 0;
        for (const [sku, qty] of remaining) units += Math.min(qty, w.stock[sku] ?? 0);
        if (units > bestUnits) [best, bestUnits] = [w, units];
      }
      if (!best) break;
      take(best);
    }
    if (remaining.size > 0 || parts.length < 2) continue;
    const key = parts
      .map((x) => `${x.warehouse.id}:${x.lines.map((l) => `${l.sku}*${l.quantity}`).join(',')}`)
      .sort()
      .join('|');
    if (!seen.has(key)) {
      seen.add(key);
      covers.push(parts);
    }
  }
  return covers;
}

function partScoreAlone(p: PreparedContext, order: Order, part: Part, ratings: Map<string, number>): number {
  return buildCandidate(p, order, [part], ratings).score;
}

/** Explain why the winner beat the runner-up. */
export function explain(winner: Candidate, runnerUp?: Candidate): Explanation {
  if (!runnerUp) return { winnerId: winner.id, decisive: [], tradeOffs: [], summary: `${winner.id} is the only feasible candidate` };
  const decisive: Explanation['decisive'] = [];
  const tradeOffs: Explanation['tradeOffs'] = [];
  for (const c of winner.components) {
    const other = runnerUp.components.find((x) => x.name === c.name)!;
    const diff = other.contribution - c.contribution;
    if (diff > 1e-9) decisive.push({ name: c.name, advantage: round4(diff) });
    else if (diff < -1e-9) tradeOffs.push({ name: c.name, disadvantage: round4(-diff) });
  }
  decisive.sort((a, b) => b.advantage - a.advantage);
  tradeOffs.sort((a, b) => b.disadvantage - a.disadvantage);
  const margin = round4(runnerUp.score - winner.score);
  const summary =
    `${winner.id} beats ${runnerUp.id} by ${margin} (score ${round4(winner.score)} vs ${round4(runnerUp.score)})` +
    (decisive.length ? `; decided by ${decisive.map((d) => `${d.name} (+${d.advantage})`).join(', ')}` : '') +
    (tradeOffs.length ? `; despite ${tradeOffs.map((d) => `${d.name} (−${d.disadvantage})`).join(', ')}` : '');
  return { winnerId: winner.id, runnerUpId: runnerUp.id, margin, decisive, tradeOffs, summary };
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

/**
 * Route one order. Hard constraints (lane restrictions, size, validity, suspension, clearance,
 * capacity, market access, stock) remove candidates; the rest are scored and ranked.
 * Pass a prebuilt `laneIndex` when routing many orders against the same lanes.
 */
export function routeOrder(order: Order, ctx: RoutingContext, laneIndex?: LaneIndex): RouteResult {
  const p = prepare(ctx, laneIndex);
  for (const line of order.lines) if (!ctx.products[line.sku]) return { orderId: order.id, candidates: [], excluded: [], unroutableReason: `unknown sku ${line.sku}` };
  const ratings = new Map<string, number>();
  for (const l of ctx.lanes) if (l.rating !== undefined) ratings.set(l.id, l.rating);
  const excluded: RouteResult['excluded'] = [];
  const candidates: Candidate[] = [];
  const full = ctx.warehouses.filter((w) => order.lines.every((l) => (w.stock[l.sku] ?? 0) >= l.quantity));
  for (const w of full) {
    for (const part of partOptions(p, order, w, order.lines, excluded)) candidates.push(buildCandidate(p, order, [part], ratings));
  }
  let covers: ReturnType<typeof splitCovers> | undefined;
  if (candidates.length === 0 || ctx.considerSplits === 'always') {
    // No single warehouse can ship it all (or none has a usable lane): try split shipments.
    covers = splitCovers(order, ctx.warehouses, ctx.maxSplitParts ?? 3);
    for (const cover of covers) {
      const chosen: Part[] = [];
      for (const { warehouse, lines } of cover) {
        const options = partOptions(p, order, warehouse, lines, excluded);
        let best: Part | undefined;
        let bestScore = Infinity;
        for (const o of options) {
          const s = partScoreAlone(p, order, o, ratings);
          if (s < bestScore) [best, bestScore] = [o, s];
        }
        if (!best) break;
        chosen.push(best);
      }
      if (chosen.length === cover.length) candidates.push(buildCandidate(p, order, chosen, ratings));
    }
  }
  candidates.sort((a, b) => a.score - b.score || a.id.localeCompare(b.id));
  // Deduplicate identical candidate ids (same warehouse/lane path found twice).
  const unique = candidates.filter((c, i) => i === 0 || c.id !== candidates[i - 1]!.id);
  if (unique.length === 0) {
    const reason =
      full.length === 0 && (covers ?? []).length === 0
        ? 'insufficient stock across all warehouses'
        : 'no eligible lane from any warehouse holding the stock';
    return { orderId: order.id, candidates: [], excluded, unroutableReason: reason };
  }
  return { orderId: order.id, candidates: unique, winner: unique[0], explanation: explain(unique[0]!, unique[1]), excluded };
}
