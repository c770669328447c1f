// Fold a shipment's events (from any mix of sources, in any arrival order) into its current state.
import type { CustomsState, TrackingEvent, TrackingStage, TrackingStatus } from './model';
import { isException } from './rules';

/**
 * Stable event key used for de-duplication:
 *   carrier | trackingNumber | occurredAt truncated to the minute (UTC) | rawStatusCode | country | postcode | CITY
 * - occurredAt is the normalised UTC instant, so the same scan reported in local time by one source and in
 *   UTC by another collides; minutes, because some sources drop seconds (USPS eventTimestamp vs GMTTimestamp).
 * - description is left out on purpose: it is locale- and channel-dependent text.
 * - events without a time fall back to localTime, then to the description, so they are not all merged.
 */
export function eventKey(event: TrackingEvent): string {
  const when = event.occurredAt ? event.occurredAt.slice(0, 16) : event.localTime ? `local:${event.localTime.slice(0, 16)}` : `text:${event.description}`;
  const where = [event.location.country ?? '', event.location.postcode ?? '', (event.location.city ?? '').toUpperCase()].join('|');
  return [event.carrier, event.trackingNumber, when, event.rawStatusCode, where].join('|');
}

/** Progress rank, used only to order events that share the same instant. */
const RANK: Record<TrackingStatus, number> = {
  unknown: 0,
  pending: 1,
  picked_up: 2,
  in_transit: 3,
  on_hold: 4,
  delivery_delayed: 4,
  ready_for_pickup: 5,
  out_for_delivery: 6,
  delivery_failed: 7,
  delivered: 8,
  return_to_sender: 9,
  cancelled: 10,
};

function compareTimeAndRank(a: TrackingEvent, b: TrackingEvent): number {
  // Events without a time sort first: they cannot be "the latest".
  const ta = a.occurredAt ?? '';
  const tb = b.occurredAt ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  return RANK[a.status] - RANK[b.status];
}

/** Chronological order: occurredAt, then progress rank for equal instants, then event key (total order). */
export function compareEvents(a: TrackingEvent, b: TrackingEvent): number {
  if (compareTimeAndRank(a, b) !== 0) return compareTimeAndRank(a, b);
  const ka = eventKey(a);
  const kb = eventKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

export interface ShipmentState {
  trackingNumber: string;
  carrier: string;
  /** Status of the latest event whose status is not 'unknown' ('unknown' if none). */
  status: TrackingStatus;
  stage: TrackingStage | null;
  customs: CustomsState | null;
  delivered: boolean;
  firstEventAt: string | null;
  lastEventAt: string | null;
  pickedUpAt: string | null;
  deliveredAt: string | null;
  /** Events with exception statuses (on_hold, delivery_failed, delivery_delayed, return_to_sender). */
  exceptions: TrackingEvent[];
  /** Chronological, de-duplicated. */
  events: TrackingEvent[];
  duplicatesRemoved: number;
  /** True when some event times were read "as if UTC" (order may be off by the unknown offset). */
  hasAssumedTimes: boolean;
}

/** Fold one shipment's events. Throws if events of several shipments are mixed (use foldShipmentStates). */
export function foldShipmentState(events: TrackingEvent[]): ShipmentState {
  if (events.length === 0) throw new Error('foldShipmentState needs at least one event');
  const id = `${events[0]!.carrier}|${events[0]!.trackingNumber}`;
  if (events.some((e) => `${e.carrier}|${e.trackingNumber}` !== id)) throw new Error('events belong to more than one shipment; use foldShipmentStates');
  const byKey = new Map<string, TrackingEvent>();
  for (const event of events) {
    const key = eventKey(event);
    const seen = byKey.get(key);
    // Keep the better-timed copy of a duplicate (utc > offset > zone > assumed).
    if (!seen || timeQuality(event) > timeQuality(seen)) byKey.set(key, event);
  }
  const ordered = [...byKey.entries()]
    .sort(([ka, a], [kb, b]) => compareTimeAndRank(a, b) || (ka < kb ? -1 : ka > kb ? 1 : 0))
    .map(([, event]) => event);
  const known = ordered.filter((e) => e.status !== 'unknown');
  const latest = known[known.length - 1];
  const lastStage = [...ordered].reverse().find((e) => e.stage !== null);
  const lastCustoms = [...ordered].reverse().find((e) => e.customs !== null);
  const timed = ordered.filter((e) => e.occurredAt);
  const deliveredEvents = ordered.filter((e) => e.status === 'delivered');
  const pickup = ordered.find((e) => e.status === 'picked_up' || e.stage === 'factory_pickup');
  return {
    trackingNumber: events[0]!.trackingNumber,
    carrier: events[0]!.carrier,
    status: latest?.status ?? 'unknown',
    stage: lastStage?.stage ?? null,
    customs: lastCustoms?.customs ?? null,
    delivered: latest?.status === 'delivered',
    firstEventAt: timed[0]?.occurredAt ?? null,
    lastEventAt: timed[timed.length - 1]?.occurredAt ?? null,
    pickedUpAt: pickup?.occurredAt ?? null,
    deliveredAt: deliveredEvents[deliveredEvents.length - 1]?.occurredAt ?? null,
    exceptions: ordered.filter((e) => isException(e.status)),
    events: ordered,
    duplicatesRemoved: events.length - ordered.length,
    hasAssumedTimes: ordered.some((e) => e.timeBasis === 'assumed_utc'),
  };
}

function timeQuality(e: TrackingEvent): number {
  return { utc: 4, offset: 3, zone: 2, assumed_utc: 1 }[e.timeBasis ?? 'assumed_utc'] ?? 0;
}

/** Group by carrier + tracking number and fold each group. */
export function foldShipmentStates(events: TrackingEvent[]): ShipmentState[] {
  const groups = new Map<string, TrackingEvent[]>();
  for (const e of events) {
    const key = `${e.carrier}|${e.trackingNumber}`;
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  return [...groups.values()].map(foldShipmentState);
}
