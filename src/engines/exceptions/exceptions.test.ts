import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { foldShipmentState, parseTrackingCsv, type TrackingEvent } from '../carriers/index.ts';
import { loadTrackingTables } from '../carriers/load.ts';
import { readFileSync } from 'node:fs';
import { defaultSettings, demurrageFor, evaluateRules, evaluateSla, noScanDays, reliability, tariffFor, basisPoints, type RuleInput, type ShipmentFacts, type SlaTerms } from './index.ts';
import { loadExceptionTables } from './load.ts';

const tables = loadExceptionTables();
const tracking = loadTrackingTables();

function ev(p: Partial<TrackingEvent> & { occurredAt: string }): TrackingEvent {
  return {
    trackingNumber: 'TL1', carrier: 'acme', status: 'in_transit', stage: null, customs: null, reason: null, localTime: null, utcOffset: null, timeBasis: 'utc',
    location: { code: null, codeType: null, city: null, region: null, postcode: null, country: null, lat: null, lon: null }, description: '', rawStatusCode: 'X', raw: null, ...p,
  };
}
const loc = (country: string, city = 'X') => ({ code: null, codeType: null, city, region: null, postcode: null, country, lat: null, lon: null });
const facts: ShipmentFacts = { originCountry: 'CN', destinationCountry: 'DE', promisedDeliveryAt: null, estimatedDeliveryAt: null, shipDate: null, mode: 'sea', laneTransit: { minDays: 32, typicalDays: 38, maxDays: 48 }, handling: null };
const input = (events: TrackingEvent[], now: string, over: Partial<RuleInput> = {}): RuleInput => ({
  now, facts, state: events.length ? foldShipmentState(events) : null, excursions: [], settings: defaultSettings(tables), tables, tariff: tariffFor(tables, 'DE', 'sea'), ...over,
});

describe('exception rules', () => {
  const arrived = [
    ev({ occurredAt: '2026-10-01T02:00:00.000Z', status: 'picked_up', rawStatusCode: 'PU', location: loc('CN') }),
    ev({ occurredAt: '2026-11-10T08:00:00.000Z', stage: 'arrival', rawStatusCode: 'ARR', location: { ...loc('DE', 'Hamburg'), code: 'DEHAM', codeType: 'unlocode' } }),
  ];

  it('dwell at the destination port over 48 h raises demurrage from the tariff (free days + per-day rate)', () => {
    expect(evaluateRules(input(arrived, '2026-11-12T07:00:00.000Z')).map((f) => f.rule)).not.toContain('dwell_at_port'); // 47 h
    const f = evaluateRules(input(arrived, '2026-11-16T08:00:00.000Z')).find((x) => x.rule === 'dwell_at_port')!;
    expect(f.facts.dwell_hours).toBe(144);
    // DE sea tariff: 4 free days, 9500/day → 6 days at port − 4 = 2 × 9500
    expect((f.facts.demurrage as any).amountMinor).toBe(19_000);
    expect((f.facts.demurrage as any).currency).toBe('EUR');
    expect(f.since).toBe('2026-11-12T08:00:00.000Z');
  });

  it('dwell ends when the goods move on; a short dwell raises nothing', () => {
    const moved = [...arrived, ev({ occurredAt: '2026-11-11T08:00:00.000Z', stage: 'last_mile', status: 'out_for_delivery', location: loc('DE') })];
    expect(evaluateRules(input(moved, '2026-11-20T00:00:00.000Z')).map((f) => f.rule)).not.toContain('dwell_at_port');
  });

  it('no scan for N days, N from the lane transit profile', () => {
    expect(noScanDays(defaultSettings(tables), tables, { minDays: 32, typicalDays: 38, maxDays: 48 })).toBe(10);
    expect(noScanDays(defaultSettings(tables), tables, { minDays: 3, typicalDays: 4, maxDays: 6 })).toBe(2);
    const express = { ...facts, laneTransit: { minDays: 3, typicalDays: 4, maxDays: 6 } };
    const one = [ev({ occurredAt: '2026-11-01T00:00:00.000Z', status: 'picked_up' })];
    expect(evaluateRules(input(one, '2026-11-02T23:00:00.000Z', { facts: express })).map((f) => f.rule)).not.toContain('no_scan');
    expect(evaluateRules(input(one, '2026-11-03T01:00:00.000Z', { facts: express })).map((f) => f.rule)).toContain('no_scan');
    expect(evaluateRules(input(one, '2026-11-03T01:00:00.000Z')).map((f) => f.rule)).not.toContain('no_scan'); // sea lane: 10 days
  });

  it('predicted delivery after the promise notifies the buyer before the date passes', () => {
    const f2 = { ...facts, promisedDeliveryAt: '2026-11-05T23:59:59.000Z', laneTransit: { minDays: 3, typicalDays: 6, maxDays: 8 } };
    const one = [ev({ occurredAt: '2026-11-01T00:00:00.000Z', status: 'picked_up' })];
    const f = evaluateRules(input(one, '2026-11-02T00:00:00.000Z', { facts: f2 })).find((x) => x.rule === 'late_delivery')!;
    expect(f.facts.missed).toBe(false);
    expect(f.notify).toContain('buyer');
    expect(f.facts.predicted_at).toBe('2026-11-07T00:00:00.000Z');
  });

  it('customs hold lists the documents needed and notifies broker and seller (CSV sample fixture)', () => {
    const csv = parseTrackingCsv(readFileSync(new URL('../../../data/fixtures/carriers/csv/tracking-events.sample.csv', import.meta.url), 'utf8'), tracking);
    expect(csv.ok).toBe(true);
    const events = (csv as any).events.slice(0, 5) as TrackingEvent[];
    const f = evaluateRules(input(events, '2024-06-05T12:00:00.000Z', { facts: { ...facts, mode: 'air', laneTransit: null } })).find((x) => x.rule === 'customs_hold')!;
    expect(f.notify).toEqual(['broker', 'seller']);
    expect(f.facts.documents_needed).toContain('commercial_invoice');
    expect(f.facts.documents_needed).toContain('eori_number_of_importer');
  });

  it('failed attempts, return to sender, IoT excursions with a replacement proposal', () => {
    const evs = [ev({ occurredAt: '2026-11-01T00:00:00.000Z', status: 'delivery_failed' }), ev({ occurredAt: '2026-11-02T00:00:00.000Z', status: 'return_to_sender' })];
    const excursions = [{ deviceId: 'd1', kind: 'temperature' as const, from: '2026-11-01T05:00:00.000Z', to: '2026-11-01T06:00:00.000Z', worst: 11.2, readings: 3 }];
    const fs = evaluateRules(input(evs, '2026-11-03T00:00:00.000Z', { excursions }));
    expect(fs.map((f) => f.rule).sort()).toEqual(['failed_delivery', 'return_to_sender', 'temperature_excursion']);
    expect((fs.find((f) => f.rule === 'temperature_excursion')!.facts.contingency as any).action).toBe('replacement_shipment');
  });

  it('disabled rules raise nothing; findings are the same whatever the arrival order', () => {
    const s = { ...defaultSettings(tables), disabled: ['dwell_at_port' as const] };
    expect(evaluateRules(input(arrived, '2026-11-16T08:00:00.000Z', { settings: s })).map((f) => f.rule)).not.toContain('dwell_at_port');
    fc.assert(fc.property(fc.shuffledSubarray(arrived, { minLength: 2, maxLength: 2 }), (perm) => {
      expect(evaluateRules(input(perm, '2026-11-16T08:00:00.000Z'))).toEqual(evaluateRules(input(arrived, '2026-11-16T08:00:00.000Z')));
    }));
  });

  it('demurrage arithmetic', () => {
    expect(demurrageFor({ currency: 'USD', demurrage: { freeDays: 3, perDayMinor: 5000 }, detention: null }, 49).amountMinor).toBe(0);
    expect(demurrageFor({ currency: 'USD', demurrage: { freeDays: 1, perDayMinor: 5000 }, detention: null }, 49).amountMinor).toBe(10_000);
  });
});

describe('SLA evaluation', () => {
  const terms: SlaTerms = {
    currency: 'EUR', promisedTransitDays: 5, breachThresholdDays: 0,
    penalty: { fixedMinor: 1000, perDayLateMinor: 500, percentOfFreightBp: 1000, capPercentOfFreightBp: 5000 },
    exclusions: { sellerCustomsHolds: true, forceMajeure: true }, milestones: [],
  };
  it('promised 5 days, delivered after 7 → penalty = fixed + 2 days + 10 % of freight', () => {
    const r = evaluateSla(terms, { pickedUpAt: '2026-11-01T10:00:00Z', deliveredAt: '2026-11-08T09:00:00Z', freightMinor: 12_345, sellerHoldHours: 0, forceMajeure: false });
    expect(r.transitDays).toBe(7);
    expect(r.daysLate).toBe(2);
    expect(r.penaltyMinor).toBe(1000 + 1000 + 1235); // 1234.5 → 1235 half up
    expect(r.steps.join('\n')).toContain('ceil(');
  });
  it('cap, seller-caused holds and force majeure', () => {
    expect(evaluateSla(terms, { pickedUpAt: '2026-11-01T00:00:00Z', deliveredAt: '2026-11-30T00:00:00Z', freightMinor: 4000, sellerHoldHours: 0, forceMajeure: false }).penaltyMinor).toBe(2000);
    const held = evaluateSla(terms, { pickedUpAt: '2026-11-01T10:00:00Z', deliveredAt: '2026-11-08T09:00:00Z', freightMinor: 12_345, sellerHoldHours: 48, forceMajeure: false });
    expect(held.breached).toBe(false);
    const fm = evaluateSla(terms, { pickedUpAt: '2026-11-01T10:00:00Z', deliveredAt: '2026-11-08T09:00:00Z', freightMinor: 12_345, sellerHoldHours: 0, forceMajeure: true });
    expect([fm.breached, fm.excludedBy, fm.penaltyMinor]).toEqual([true, 'force_majeure', 0]);
  });
  it('basis points round half up', () => {
    expect(basisPoints(5, 1000)).toBe(1); // 0.5 → 1
    expect(basisPoints(4, 1000)).toBe(0);
  });
});

describe('reliability', () => {
  it('shrinks toward the prior and stays in 0..1', () => {
    const perfect = { shipments: 100, completed: 100, delivered: 100, onTime: 100, deliveredWithPromise: 100, damagedOrLost: 0, withExceptions: 0 };
    const poor = { ...perfect, onTime: 20, delivered: 70, withExceptions: 60, damagedOrLost: 10 };
    expect(reliability(perfect)).toBeGreaterThan(0.98);
    expect(reliability(poor)).toBeLessThan(0.6);
    expect(reliability({ ...perfect, shipments: 0, completed: 0, delivered: 0, onTime: 0, deliveredWithPromise: 0 })).toBe(0.8);
  });
});
