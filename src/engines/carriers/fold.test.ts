import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventKey, foldShipmentState, foldShipmentStates, mapUspsTracking, type TrackingEvent } from './index';
import { loadTrackingTables } from './load';
import { fixture } from './_fixtures';

const tables = loadTrackingTables();
const trace = mapUspsTracking(fixture('usps/karrio-usps.schemas.tracking_responses.json')[0], tables).events;

describe('foldShipmentState on the 12-event USPS trace', () => {
  it('derives state from event times, not arrival order', () => {
    const state = foldShipmentState([...trace].reverse());
    expect(state).toMatchObject({
      trackingNumber: '9400109104250532908587',
      status: 'delivered',
      stage: 'last_mile',
      delivered: true,
      firstEventAt: '2024-11-15T16:32:33.000Z',
      pickedUpAt: '2024-11-18T16:10:31.000Z',
      deliveredAt: '2024-11-22T18:58:40.000Z',
      lastEventAt: '2024-11-22T18:58:40.000Z',
      duplicatesRemoved: 0,
      hasAssumedTimes: false,
    });
    expect(state.events.map((e) => e.rawStatusCode)).toEqual(['GX', '03', 'SF', '10', 'T1', 'TL', 'TL', 'TL', 'A1', '07', 'OF', '01']);
  });
  it('is the same for every arrival order and any number of re-deliveries (property)', () => {
    const reference = foldShipmentState(trace);
    fc.assert(
      fc.property(fc.shuffledSubarray(trace, { minLength: trace.length, maxLength: trace.length }), fc.array(fc.nat(trace.length - 1), { maxLength: 20 }), (shuffled, repeats) => {
        const withDuplicates = [...shuffled, ...repeats.map((i) => ({ ...trace[i]! }))];
        const state = foldShipmentState(withDuplicates);
        expect(state.events.map(eventKey)).toEqual(reference.events.map(eventKey));
        expect(state.status).toBe(reference.status);
        expect(state.duplicatesRemoved).toBe(repeats.length);
      }),
    );
  });
  it('a late-arriving older event does not roll the status back', () => {
    const outForDelivery = trace.find((e) => e.rawStatusCode === 'OF')!;
    const delivered = trace.find((e) => e.rawStatusCode === '01')!;
    expect(foldShipmentState([delivered, outForDelivery]).status).toBe('delivered');
  });
});

describe('eventKey (dedupe)', () => {
  const base = trace.find((e) => e.rawStatusCode === '07')!;
  it('same scan from a local-time source and a UTC source collapses; seconds are ignored', () => {
    const fromOtherSource: TrackingEvent = { ...base, occurredAt: '2024-11-22T13:59:00.000Z', timeBasis: 'offset', description: 'Arrivée au bureau de poste', raw: {} };
    expect(eventKey(fromOtherSource)).toBe(eventKey(base));
    const state = foldShipmentState([fromOtherSource, base]);
    expect(state.events).toHaveLength(1);
    expect(state.events[0]!.timeBasis).toBe('utc'); // the better-timed copy is kept
  });
  it('different code, place or minute → different keys', () => {
    expect(eventKey({ ...base, rawStatusCode: 'A1' })).not.toBe(eventKey(base));
    expect(eventKey({ ...base, location: { ...base.location, postcode: '34442' } })).not.toBe(eventKey(base));
    expect(eventKey({ ...base, occurredAt: '2024-11-22T14:00:45.000Z' })).not.toBe(eventKey(base));
  });
});

describe('fold edge cases', () => {
  const e = (over: Partial<TrackingEvent>): TrackingEvent => ({ ...trace[0]!, ...over });
  it('unknown statuses never override a known one; exceptions are listed', () => {
    const state = foldShipmentState([
      e({ status: 'in_transit', rawStatusCode: 'A', occurredAt: '2024-01-01T00:00:00.000Z' }),
      e({ status: 'on_hold', rawStatusCode: 'B', occurredAt: '2024-01-02T00:00:00.000Z', stage: 'import_customs', customs: 'held' }),
      e({ status: 'unknown', rawStatusCode: 'C', occurredAt: '2024-01-03T00:00:00.000Z', stage: null, customs: null }),
    ]);
    expect(state).toMatchObject({ status: 'on_hold', customs: 'held', stage: 'import_customs', delivered: false });
    expect(state.exceptions.map((x) => x.rawStatusCode)).toEqual(['B']);
  });
  it('same instant: the further-progressed status sorts last', () => {
    const at = '2024-01-01T00:00:00.000Z';
    const state = foldShipmentState([e({ status: 'delivered', rawStatusCode: 'D', occurredAt: at }), e({ status: 'out_for_delivery', rawStatusCode: 'O', occurredAt: at })]);
    expect(state.status).toBe('delivered');
  });
  it('refuses mixed shipments; foldShipmentStates groups them', () => {
    const other = e({ trackingNumber: 'OTHER' });
    expect(() => foldShipmentState([trace[0]!, other])).toThrow(/more than one shipment/);
    expect(foldShipmentStates([trace[0]!, other, trace[1]!]).map((s) => [s.trackingNumber, s.events.length])).toEqual([
      ['9400109104250532908587', 2],
      ['OTHER', 1],
    ]);
    expect(() => foldShipmentState([])).toThrow();
  });
});
