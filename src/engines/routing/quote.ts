// Rate-card arithmetic and lane eligibility: quoteShipment() and its building blocks.
import { addDays, daysBetween, isWithin, nextDeparture } from './dates.ts';
import { assertSafeMinor, convertMinor, divCeil, divRoundHalfUp, type FxTable } from './money.ts';
import type {
  CapacityUsage,
  Exclusion,
  ExclusionCode,
  Lane,
  LaneQuote,
  Parcel,
  PriceBreakdown,
  QuoteResult,
  RateCard,
  Shipment,
  SingleParcelShipment,
  TransitEstimate,
} from './types.ts';

export interface QuoteOptions {
  /** Capacity already used on each lane for the quote's day / ISO week. */
  capacityUsage?: Record<string, CapacityUsage>;
  /** Needed only to compare a declared value in another currency with a lane's maximum. */
  fx?: FxTable;
  /** Hard market-access rule supplied by the caller: return a reason string to exclude the lane. */
  marketAccess?: (lane: Lane, shipment: Shipment) => string | null;
}

export function toShipment(input: Shipment | SingleParcelShipment): Shipment {
  if ('parcels' in input) return input;
  const { parcel, ...rest } = input;
  return { ...rest, parcels: [parcel] };
}

/**
 * Volumetric weight in grams: L×W×H (cm³) / divisor (cm³ per kg) × 1000, rounded UP to the gram.
 */
export function volumetricGrams(parcel: Parcel, volumetricDivisor: number): number {
  const cubicCm = parcel.lengthCm * parcel.widthCm * parcel.heightCm;
  return Math.ceil((cubicCm * 1000) / volumetricDivisor - 1e-9);
}

/**
 * Chargeable weight of one parcel: max(actual, volumetric), then rounded UP to the rate card's
 * weight increment (e.g. 500 g steps for express). A shipment's chargeable weight is the sum
 * of its parcels' chargeable weights.
 */
export function chargeableGrams(parcel: Parcel, card: Pick<RateCard, 'volumetricDivisor' | 'weightIncrementGrams'>): number {
  const heavier = Math.max(Math.ceil(parcel.weightGrams), volumetricGrams(parcel, card.volumetricDivisor));
  return divCeil(heavier, card.weightIncrementGrams) * card.weightIncrementGrams;
}

/** Zone of a postcode: longest matching prefix; a zone without prefixes is the catch-all. */
const normalisedZonesCache = new WeakMap<Lane['destination'], { zone: string; prefixes: string[] }[]>();

export function normalisePostcode(postcode: string): string {
  return postcode.replace(/\s+/g, '').toUpperCase();
}

export function zoneFor(lane: Lane, postcode: string): string | undefined {
  let zones = normalisedZonesCache.get(lane.destination);
  if (!zones) {
    zones = lane.destination.zones.map((z) => ({ zone: z.zone, prefixes: z.postcodePrefixes.map(normalisePostcode) }));
    normalisedZonesCache.set(lane.destination, zones);
  }
  const normalised = normalisePostcode(postcode);
  let best: string | undefined;
  let bestLength = -2;
  for (const z of zones) {
    if (z.prefixes.length === 0) {
      if (bestLength < -1) [best, bestLength] = [z.zone, -1];
      continue;
    }
    for (const p of z.prefixes) if (p.length > bestLength && normalised.startsWith(p)) [best, bestLength] = [z.zone, p.length];
  }
  return best;
}

/**
 * Freight for `grams` chargeable and `parcelCount` parcels in one zone.
 * Weight-break rule: the break containing the weight prices the whole weight; the shipper is
 * also offered any higher break charged at that break's minimum weight ("next-break rule"),
 * whichever is cheaper. This keeps the price monotone in weight.
 * Rounding: perKg × grams / 1000 half-up to the minor unit.
 */
const sortedBreaksCache = new WeakMap<RateCard, Map<string, RateCard['weightBreaks']>>();

/** The zone's breaks sorted by weight (memoised per rate-card object; rate cards are treated as immutable). */
function zoneBreaks(card: RateCard, zone: string): RateCard['weightBreaks'] {
  let byZone = sortedBreaksCache.get(card);
  if (!byZone) sortedBreaksCache.set(card, (byZone = new Map()));
  let breaks = byZone.get(zone);
  if (!breaks) byZone.set(zone, (breaks = card.weightBreaks.filter((b) => b.zone === zone).sort((a, b) => a.fromGrams - b.fromGrams)));
  return breaks;
}

export function freightForWeight(
  card: RateCard,
  zone: string,
  grams: number,
  parcelCount: number,
): { freightMinor: number; appliedBreakFromGrams: number; nextBreakRuleApplied: boolean } | undefined {
  const breaks = zoneBreaks(card, zone);
  if (breaks.length === 0) return undefined;
  const price = (perKgMinor: number, perParcelMinor: number, w: number) =>
    perParcelMinor * parcelCount + divRoundHalfUp(perKgMinor * w, 1000);
  let containing = -1;
  for (let i = 0; i < breaks.length; i++) if (breaks[i]!.fromGrams <= grams) containing = i;
  let best: { freightMinor: number; appliedBreakFromGrams: number; nextBreakRuleApplied: boolean } | undefined;
  if (containing >= 0) {
    const b = breaks[containing]!;
    best = { freightMinor: price(b.perKgMinor, b.perParcelMinor, grams), appliedBreakFromGrams: b.fromGrams, nextBreakRuleApplied: false };
  }
  for (let i = containing + 1; i < breaks.length; i++) {
    const b = breaks[i]!;
    const p = price(b.perKgMinor, b.perParcelMinor, b.fromGrams);
    if (!best || p < best.freightMinor) best = { freightMinor: p, appliedBreakFromGrams: b.fromGrams, nextBreakRuleApplied: true };
  }
  return best;
}

/** Full price breakdown of a shipment on a lane (no eligibility checks). */
export function priceShipment(lane: Lane, shipment: Shipment, date: string): PriceBreakdown | undefined {
  const card = lane.rateCard;
  const zone = zoneFor(lane, shipment.destination.postcode);
  if (zone === undefined) return undefined;
  let actual = 0;
  let volumetric = 0;
  let chargeable = 0;
  for (const parcel of shipment.parcels) {
    actual += parcel.weightGrams;
    volumetric += volumetricGrams(parcel, card.volumetricDivisor);
    chargeable += chargeableGrams(parcel, card);
  }
  const parcels = shipment.parcels.length;
  const freight = freightForWeight(card, zone, chargeable, parcels);
  if (!freight) return undefined;
  const minimumChargeApplied = freight.freightMinor < card.minimumChargeMinor;
  const baseMinor = Math.max(freight.freightMinor, card.minimumChargeMinor);
  // Fuel: basis points of the base, half-up.
  const fuelMinor = divRoundHalfUp(baseMinor * card.fuelSurchargeBp, 10_000);
  let peakMinor = 0;
  for (const peak of card.peakSurcharges) {
    if (!isWithin(date, peak.from, peak.to)) continue;
    peakMinor += peak.perParcelMinor * parcels + divRoundHalfUp(peak.perKgMinor * chargeable, 1000);
  }
  let remoteAreaMinor = 0;
  let longest = -1;
  const postcode = shipment.destination.postcode.replace(/\s+/g, '').toUpperCase();
  for (const fee of card.remoteAreaFees) {
    if (fee.country !== shipment.destination.country) continue;
    const prefix = fee.postcodePrefix.replace(/\s+/g, '').toUpperCase();
    if (postcode.startsWith(prefix) && prefix.length > longest) {
      longest = prefix.length;
      remoteAreaMinor = fee.feeMinor;
    }
  }
  const totalMinor = assertSafeMinor(baseMinor + fuelMinor + peakMinor + remoteAreaMinor, 'quote total');
  return {
    currency: card.currency,
    chargeableGrams: chargeable,
    actualGrams: actual,
    volumetricGrams: volumetric,
    zone,
    appliedBreakFromGrams: freight.appliedBreakFromGrams,
    nextBreakRuleApplied: freight.nextBreakRuleApplied,
    baseMinor,
    minimumChargeApplied,
    fuelMinor,
    peakMinor,
    remoteAreaMinor,
    totalMinor,
  };
}

/** Departure and delivery dates: wait for the next cutoff weekday, then add transit days. */
export function estimateTransit(lane: Lane, date: string): TransitEstimate {
  const shipDate = nextDeparture(date, lane.cutoffWeekdays);
  const typical = addDays(shipDate, lane.transit.typicalDays);
  return {
    shipDate,
    earliest: addDays(shipDate, lane.transit.minDays),
    typical,
    latest: addDays(shipDate, lane.transit.maxDays),
    typicalDays: daysBetween(date, typical),
  };
}

/** Longest side + girth, with girth = 2 × (the other two sides). */
export function lengthPlusGirthCm(parcel: Parcel): { longest: number; lengthPlusGirth: number } {
  const sides = [parcel.lengthCm, parcel.widthCm, parcel.heightCm].sort((a, b) => b - a);
  return { longest: sides[0]!, lengthPlusGirth: sides[0]! + 2 * (sides[1]! + sides[2]!) };
}

/** First reason the lane cannot carry the shipment, or null when it can. */
export function checkEligibility(lane: Lane, shipment: Shipment, date: string, options: QuoteOptions = {}): Exclusion | null {
  const no = (code: ExclusionCode, reason: string): Exclusion => ({ laneId: lane.id, code, reason });
  if (lane.suspended) return no('suspended', `lane suspended${lane.suspendedReason ? `: ${lane.suspendedReason}` : ''}`);
  if (!isWithin(date, lane.validFrom, lane.validTo)) return no('validity', `rate card v${lane.version} valid ${lane.validFrom}..${lane.validTo}, not on ${date}`);
  const warehouseId = shipment.origin.warehouseId;
  if (lane.origin.warehouseIds && lane.origin.warehouseIds.length > 0) {
    if (!warehouseId || !lane.origin.warehouseIds.includes(warehouseId))
      return no('origin', `lane collects only from warehouses ${lane.origin.warehouseIds.join(', ')}`);
  } else if (lane.origin.country !== shipment.origin.country) {
    return no('origin', `lane departs from ${lane.origin.country}, shipment from ${shipment.origin.country}`);
  }
  if (lane.destination.country !== shipment.destination.country)
    return no('destination', `lane serves ${lane.destination.country}, not ${shipment.destination.country}`);
  if ((lane.destination.warehouseId ?? null) !== (shipment.destination.warehouseId ?? null)) {
    return lane.destination.warehouseId
      ? no('destination', `lane delivers only into warehouse ${lane.destination.warehouseId}`)
      : no('destination', `lane delivers to consignees, not into warehouse ${shipment.destination.warehouseId}`);
  }
  if (zoneFor(lane, shipment.destination.postcode) === undefined)
    return no('zone', `postcode ${shipment.destination.postcode} is outside the lane's zones`);
  if (shipment.origin.country !== shipment.destination.country) {
    const c = lane.clearance;
    if (!c.destinations.includes(shipment.destination.country))
      return no('clearance', `provider does not clear imports into ${shipment.destination.country}`);
    if (shipment.incoterm === 'DDP' && !c.ddp) return no('clearance', 'DDP requested but the lane offers no duty-paid delivery');
    if (shipment.incoterm === 'DAP' && !c.dap) return no('clearance', 'DAP requested but the lane is DDP-only');
  }
  const r = lane.restrictions;
  for (const parcel of shipment.parcels) {
    for (const item of parcel.items ?? []) {
      if (item.battery && !(r.allowedBatteries ?? []).includes(item.battery))
        return no('restriction', `battery ${item.battery} (sku ${item.sku}) not accepted; lane accepts ${(r.allowedBatteries ?? []).join(', ') || 'no batteries'}`);
      if (item.liquid && !r.liquids) return no('restriction', `liquids not accepted (sku ${item.sku})`);
      if (item.magnet && !r.magnets) return no('restriction', `magnets not accepted (sku ${item.sku})`);
    }
    if (r.maxWeightGrams !== undefined && parcel.weightGrams > r.maxWeightGrams)
      return no('weight', `parcel ${parcel.weightGrams} g exceeds the lane's ${r.maxWeightGrams} g per parcel`);
    const { longest, lengthPlusGirth } = lengthPlusGirthCm(parcel);
    if (r.maxLengthCm !== undefined && longest > r.maxLengthCm) return no('size', `longest side ${longest} cm exceeds ${r.maxLengthCm} cm`);
    if (r.maxLengthPlusGirthCm !== undefined && lengthPlusGirth > r.maxLengthPlusGirthCm)
      return no('size', `length + girth ${lengthPlusGirth} cm exceeds ${r.maxLengthPlusGirthCm} cm`);
  }
  if (r.maxDeclaredValueMinor !== undefined) {
    const dv = shipment.declaredValue;
    // Same currency: compare directly. Otherwise compare both in the FX table's objective currency.
    let declared: number | undefined = dv.amountMinor;
    let maximum: number | undefined = r.maxDeclaredValueMinor;
    if (dv.currency !== lane.rateCard.currency) {
      declared = options.fx && convertMinor(dv.amountMinor, dv.currency, options.fx);
      maximum = options.fx && convertMinor(r.maxDeclaredValueMinor, lane.rateCard.currency, options.fx);
    }
    if (declared === undefined || maximum === undefined)
      return no('currency', `cannot compare declared value in ${dv.currency} with the lane maximum in ${lane.rateCard.currency} (no FX rate)`);
    if (declared > maximum)
      return no('declared_value', `declared value ${dv.amountMinor} ${dv.currency} exceeds the lane maximum ${r.maxDeclaredValueMinor} ${lane.rateCard.currency} (minor units)`);
  }
  const cap = lane.capacity;
  const used = options.capacityUsage?.[lane.id];
  if (cap && used) {
    const kg = shipment.parcels.reduce((s, p) => s + p.weightGrams, 0) / 1000;
    const n = shipment.parcels.length;
    if (cap.perDayKg !== undefined && (used.dayKg ?? 0) + kg > cap.perDayKg) return no('capacity', `daily capacity ${cap.perDayKg} kg reached`);
    if (cap.perDayParcels !== undefined && (used.dayParcels ?? 0) + n > cap.perDayParcels) return no('capacity', `daily capacity ${cap.perDayParcels} parcels reached`);
    if (cap.perWeekKg !== undefined && (used.weekKg ?? 0) + kg > cap.perWeekKg) return no('capacity', `weekly capacity ${cap.perWeekKg} kg reached`);
    if (cap.perWeekParcels !== undefined && (used.weekParcels ?? 0) + n > cap.perWeekParcels) return no('capacity', `weekly capacity ${cap.perWeekParcels} parcels reached`);
  }
  if (options.marketAccess) {
    const denied = options.marketAccess(lane, shipment);
    if (denied) return no('market_access', denied);
  }
  return null;
}

/** Quote one lane: either a priced quote or the reason it is excluded. */
export function quoteLane(lane: Lane, shipment: Shipment, date: string, options: QuoteOptions = {}): LaneQuote | Exclusion {
  const exclusion = checkEligibility(lane, shipment, date, options);
  if (exclusion) return exclusion;
  const price = priceShipment(lane, shipment, date);
  if (!price) return { laneId: lane.id, code: 'zone', reason: `no weight breaks for the destination zone` };
  return { laneId: lane.id, providerOrgId: lane.providerOrgId, mode: lane.mode, price, transit: estimateTransit(lane, date) };
}

export function isExclusion(x: LaneQuote | Exclusion): x is Exclusion {
  return 'code' in x;
}

/**
 * Every eligible lane with its exact price breakdown and transit estimate, and every
 * excluded lane with its reason. Quotes are sorted by total (per currency), then transit.
 */
export function quoteShipment(
  lanes: readonly Lane[],
  input: Shipment | SingleParcelShipment,
  date: string,
  options: QuoteOptions = {},
): QuoteResult {
  const shipment = toShipment(input);
  const quotes: LaneQuote[] = [];
  const excluded: Exclusion[] = [];
  for (const lane of lanes) {
    const result = quoteLane(lane, shipment, date, options);
    if (isExclusion(result)) excluded.push(result);
    else quotes.push(result);
  }
  quotes.sort(
    (a, b) =>
      a.price.currency.localeCompare(b.price.currency) ||
      a.price.totalMinor - b.price.totalMinor ||
      a.transit.typicalDays - b.transit.typicalDays ||
      a.laneId.localeCompare(b.laneId),
  );
  return { quotes, excluded };
}
