import type { Services } from '../../http/services.ts';
import { systemContext } from '../../kernel/context.ts';
import type { DemoOrgs } from '../module.ts';
import { createContract, evaluateDelivered } from './contracts.ts';
import { listLanes } from './deps.ts';
import { ingestEvents, ingestIot, normaliseInputs, type EventInput } from './ingest.ts';
import { createShipment } from './shipments.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;

/**
 * Demo tracking: shipments of the demo seller on the demo carrier's lanes — two in transit (UPS,
 * FedEx), a sea container dwelling at Hamburg (demurrage + onward proposal), an express parcel
 * delivered in 7 days against a 5-day SLA (penalty from the carrier's deposit, shown with its
 * computation), a cold-chain parcel with a temperature excursion, a customs hold, and on-time
 * deliveries for the scorecards.
 */
export async function trackingDemo(s: Services, orgs: DemoOrgs) {
  const { seller, carrier, warehouse, broker, buyer } = orgs;
  if (!seller || !carrier) return;
  const sellerCtx = systemContext(seller.orgId, 'seller', 'demo');
  const carrierCtx = systemContext(carrier.orgId, 'carrier', 'demo');
  const now = Date.now();
  const at = (msAgo: number) => new Date(now - msAgo).toISOString();
  const day = (daysAhead: number) => new Date(now + daysAhead * DAY).toISOString().slice(0, 10);
  await s.db.transaction(async (tx) => {
    const lanes = new Map((await listLanes(tx, carrierCtx, { mine: true })).map((l) => [l.code, l]));
    const lane = (code: string) => lanes.get(code)?.id;
    const parties = { carrier_org_id: carrier.orgId, warehouse_org_id: warehouse?.orgId, broker_org_id: broker?.orgId, buyer_org_id: buyer?.orgId, buyer_email: 'buyer@demo.tradelane.dev', seller_email: 'seller@demo.tradelane.dev' };
    if (lane('ln-exp-cn-de')) {
      await createContract(tx, carrierCtx, {
        name: 'Express CN→DE 5-day promise', lane_id: lane('ln-exp-cn-de')!, seller_org_id: seller.orgId, valid_from: day(-365), valid_to: day(365),
        terms: { currency: 'EUR', promisedTransitDays: 5, breachThresholdDays: 0, penalty: { fixedMinor: 1_000, perDayLateMinor: 500, capPercentOfFreightBp: 5_000 }, exclusions: { sellerCustomsHolds: true, forceMajeure: true }, milestones: [{ stage: 'warehouse_receipt', percentBp: 3_000, label: 'received at Rhein Fulfilment' }] },
      });
    }
    if (lane('ln-sea-suez-cn-de')) {
      await createContract(tx, carrierCtx, {
        name: 'Sea CN→DE (Suez) 40-day promise', lane_id: lane('ln-sea-suez-cn-de')!, seller_org_id: seller.orgId, valid_from: day(-365), valid_to: day(365),
        terms: { currency: 'EUR', promisedTransitDays: 40, breachThresholdDays: 3, penalty: { perDayLateMinor: 5_000, capMinor: 100_000 }, exclusions: { sellerCustomsHolds: true, forceMajeure: true }, milestones: [] },
        demurrage: { currency: 'EUR', demurrage: { freeDays: 3, perDayMinor: 12_000 }, detention: { freeDays: 5, perDayMinor: 7_500 } },
      });
    }
    const ship = async (tn: string, carrierCode: string, extra: Record<string, unknown>, events: Omit<EventInput, 'tracking_number' | 'carrier'>[]) => {
      const shp = await createShipment(tx, sellerCtx, { ...parties, carrier: carrierCode, tracking_number: tn, origin_country: 'CN', ...extra } as any);
      const n = normaliseInputs(s, events.map((e) => ({ ...e, tracking_number: tn, carrier: carrierCode })));
      await ingestEvents(tx, carrierCtx, s, n.events, 'demo');
      return shp;
    };
    const szx = { city: 'Shenzhen', country: 'CN', lat: 22.54, lon: 114.06 };
    await ship('1Z999AA10123456784', 'ups', { lane_id: lane('ln-exp-cn-us'), destination_country: 'US', destination_postcode: '60601', promised_delivery_date: day(3), freight_minor: 8_700, freight_currency: 'USD' }, [
      { occurred_at: at(2 * DAY), status_code: 'P', status: 'picked_up', description: 'Pickup scan', location: szx },
      { occurred_at: at(40 * HOUR), status_code: 'I', status: 'in_transit', stage: 'departure', description: 'Departed from facility', location: { city: 'Hong Kong', country: 'HK', lat: 22.31, lon: 113.91 } },
      { occurred_at: at(20 * HOUR), status_code: 'I', status: 'in_transit', stage: 'arrival', description: 'Arrived at facility', location: { city: 'Louisville', country: 'US', lat: 38.17, lon: -85.74 } },
    ]);
    await ship('794843185271', 'fedex', { lane_id: lane('ln-exp-cn-de'), destination_country: 'DE', destination_postcode: '10115', promised_delivery_date: day(4), freight_minor: 6_400, freight_currency: 'EUR' }, [
      { occurred_at: at(30 * HOUR), status_code: 'PU', status: 'picked_up', description: 'Picked up', location: szx },
      { occurred_at: at(10 * HOUR), status_code: 'DP', status: 'in_transit', stage: 'departure', description: 'Left FedEx origin facility', location: { city: 'Guangzhou', country: 'CN', lat: 23.39, lon: 113.3 } },
    ]);
    // Sea container stuck at Hamburg for 4 days: dwell exception with demurrage from the contract tariff.
    await ship('MSCU7345120', 'msc', { lane_id: lane('ln-sea-suez-cn-de'), destination_country: 'DE', destination_postcode: '40210', promised_delivery_date: day(2), freight_minor: 240_000, freight_currency: 'EUR' }, [
      { occurred_at: at(38 * DAY), status_code: 'LOAD', status: 'picked_up', description: 'Loaded on vessel MSC ANNA, Yantian', location: { code: 'CNYTN', city: 'Yantian', country: 'CN', lat: 22.57, lon: 114.27 } },
      { occurred_at: at(20 * DAY), status_code: 'TS', status: 'in_transit', description: 'Transit via Suez Canal', location: { city: 'Port Said', country: 'EG', lat: 31.26, lon: 32.3 } },
      { occurred_at: at(4 * DAY), status_code: 'DISC', status: 'in_transit', stage: 'arrival', description: 'Discharged at Hamburg (CTA terminal)', location: { code: 'DEHAM', city: 'Hamburg', country: 'DE', lat: 53.54, lon: 9.93 } },
    ]);
    // Express parcel delivered in 7 days against the 5-day promise: SLA compensation from the deposit.
    const late = await ship('1234567890', 'dhl_universal', { lane_id: lane('ln-exp-cn-de'), destination_country: 'DE', destination_postcode: '80331', ship_date: day(-9), promised_delivery_date: day(-4), freight_minor: 5_900, freight_currency: 'EUR' }, [
      { occurred_at: at(9 * DAY), status_code: 'PU', status: 'picked_up', description: 'Shipment picked up', location: szx },
      { occurred_at: at(8 * DAY + 10 * HOUR), status_code: 'DF', status: 'in_transit', stage: 'departure', description: 'Departed facility Hong Kong', location: { city: 'Hong Kong', country: 'HK', lat: 22.31, lon: 113.91 } },
      { occurred_at: at(5 * DAY), status_code: 'AF', status: 'in_transit', stage: 'arrival', description: 'Arrived at sort facility Leipzig', location: { code: 'LEJ', city: 'Leipzig', country: 'DE', lat: 51.42, lon: 12.24 } },
      { occurred_at: at(3 * DAY), status_code: 'WC', status: 'out_for_delivery', description: 'With delivery courier', location: { city: 'München', country: 'DE', lat: 48.14, lon: 11.58 } },
      { occurred_at: at(2 * DAY + 2 * HOUR), status_code: 'OK', status: 'delivered', description: 'Delivered — signed for by KELLER', location: { city: 'München', postcode: '80331', country: 'DE', lat: 48.14, lon: 11.58 } },
    ]);
    await evaluateDelivered(tx, s, late.id);
    // Cold chain (vaccine-grade reagents, 2–8 °C) with a temperature excursion in Dubai.
    const cold = await ship('JD014600006281230', 'dhl_universal', { lane_id: lane('ln-exp-cn-de'), destination_country: 'DE', destination_postcode: '69117', promised_delivery_date: day(2), handling: { temperatureC: { min: 2, max: 8 }, shockG: 8 }, freight_minor: 19_500, freight_currency: 'EUR' }, [
      { occurred_at: at(3 * DAY), status_code: 'PU', status: 'picked_up', description: 'Shipment picked up (cold chain)', location: szx },
      { occurred_at: at(2 * DAY), status_code: 'AF', status: 'in_transit', stage: 'arrival', description: 'Arrived at DHL hub Dubai', location: { code: 'DXB', city: 'Dubai', country: 'AE', lat: 25.25, lon: 55.36 } },
    ]);
    const readings: unknown[] = [];
    for (let h = 72; h >= 0; h -= 3) {
      const t = h <= 50 && h >= 44 ? 10.5 + (h % 2) : 4.5 + ((h / 3) % 3) * 0.8;
      readings.push({ device_id: 'TT-4471', ts: at(h * HOUR), type: 'temperature', value: t, unit: 'C' });
      readings.push({ device_id: 'TT-4471', ts: at(h * HOUR), type: 'humidity', value: 55 + (h % 7) });
    }
    for (const [h, lat, lon] of [[72, 22.54, 114.06], [60, 22.31, 113.91], [48, 25.25, 55.36], [20, 41.0, 28.8], [6, 50.03, 8.56]] as const) readings.push({ device_id: 'TT-4471', ts: at(h * HOUR), type: 'gps', lat, lon });
    readings.push({ device_id: 'TT-4471', ts: at(47 * HOUR), type: 'shock', g: 3.1, duration_ms: 12 });
    await ingestIot(tx, s, await tx.one(`SELECT * FROM tracking_shipments WHERE id = $1`, [cold.id]), readings);
    // Customs inspection in Germany: broker and seller are told which documents are needed.
    await ship('420277079400111206', 'usps', { destination_country: 'DE', destination_postcode: '20095', promised_delivery_date: day(6) }, [
      { occurred_at: at(6 * DAY), status_code: 'PU', status: 'picked_up', description: 'Accepted at origin', location: szx },
      { occurred_at: at(20 * HOUR), status_code: 'CI', status: 'on_hold', stage: 'import_customs', customs: 'inspection', description: 'Held for customs inspection', location: { city: 'Frankfurt', country: 'DE', lat: 50.03, lon: 8.56 } },
    ]);
    // On-time deliveries for the scorecards (warehouse receipt releases the milestone on the express lane).
    for (let i = 0; i < 4; i++) {
      await ship(`TLDEMO${1000 + i}`, 'dhl_universal', { lane_id: lane(i % 2 ? 'ln-exp-cn-de' : 'ln-exp-cn-us'), destination_country: i % 2 ? 'DE' : 'US', destination_postcode: i % 2 ? '40210' : '60601', promised_delivery_date: day(-(10 + i * 3)), freight_minor: 4_800, freight_currency: 'EUR' }, [
        { occurred_at: at((16 + i * 3) * DAY), status_code: 'PU', status: 'picked_up', description: 'Shipment picked up', location: szx },
        { occurred_at: at((13 + i * 3) * DAY), status_code: 'WHR', status: 'in_transit', stage: 'warehouse_receipt', description: 'Received at fulfilment warehouse', location: { city: i % 2 ? 'Düsseldorf' : 'Chicago', country: i % 2 ? 'DE' : 'US' } },
        { occurred_at: at((12 + i * 3) * DAY), status_code: 'OK', status: 'delivered', description: 'Delivered', location: { city: i % 2 ? 'Düsseldorf' : 'Chicago', country: i % 2 ? 'DE' : 'US' } },
      ]);
    }
  });
}
