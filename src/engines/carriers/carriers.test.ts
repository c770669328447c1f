// Every carrier fixture in data/fixtures/carriers through its mapper.
import { describe, expect, it } from 'vitest';
import {
  TRACKING_STATUSES,
  foldShipmentState,
  isTrackingStatus,
  map17TrackStatus,
  mapDhlTracking,
  mapFedexTracking,
  mapKarrioTracking,
  mapUpsTrackAlertEvent,
  mapUpsTracking,
  mapUspsTracking,
  zoneResolverFromTable,
} from './index';
import { loadTrackingTables } from './load';
import { fixture, fixtureText } from './_fixtures';

const tables = loadTrackingTables();
const zones = { zoneForLocation: zoneResolverFromTable({ 'US-NJ': 'America/New_York', 'US-VA': 'America/New_York', NL: 'Europe/Amsterdam' }) };

describe('UPS Track API (ups/karrio-ups.schemas.tracking_response.json)', () => {
  const payload = fixture('ups/karrio-ups.schemas.tracking_response.json');
  it('maps both activities; F4/D → delivered, MP/M → pending', () => {
    const r = mapUpsTracking(payload, tables, zones);
    expect(r.events.map((e) => [e.rawStatusCode, e.status, e.stage])).toEqual([
      ['D/F4', 'delivered', 'last_mile'],
      ['M/MP', 'pending', null],
    ]);
    expect(r.events[0]).toMatchObject({
      trackingNumber: '1Z1442YY7229014688',
      localTime: '2022-01-26T16:30:00',
      occurredAt: '2022-01-26T21:30:00.000Z', // NJ, EST (UTC-5) via the zone resolver
      timeBasis: 'zone',
      location: { code: '0761', codeType: 'carrier_facility', city: 'PARAMUS', region: 'NJ', postcode: '07652', country: 'US' },
      description: 'DELIVERED',
    });
    expect(r.events[0]!.raw).toBe(payload.trackResponse.shipment[0].package[0].activity[0]);
    // packageAddress type "01" is not the documented ORIGIN/DESTINATION: no origin/destination is guessed.
    expect(r.shipments).toEqual([{ trackingNumber: '1Z1442YY7229014688', carrier: 'ups', originCountry: null, destinationCountry: null, estimatedDelivery: null }]);
  });
  it('ORIGIN / DESTINATION package addresses set the customs direction context', () => {
    const withAddresses = structuredClone(payload);
    withAddresses.trackResponse.shipment[0].package[0].packageAddress = [
      { type: 'ORIGIN', address: { countryCode: 'CN' } },
      { type: 'DESTINATION', address: { countryCode: 'US' } },
    ];
    withAddresses.trackResponse.shipment[0].package[0].activity[1].status = { type: 'X', code: 'CD', description: 'Customs clearance in progress' };
    withAddresses.trackResponse.shipment[0].package[0].activity[1].location.address.countryCode = 'CN';
    const r = mapUpsTracking(withAddresses, tables);
    expect(r.shipments[0]).toMatchObject({ originCountry: 'CN', destinationCountry: 'US' });
    expect(r.events[1]).toMatchObject({ status: 'on_hold', stage: 'export_customs', customs: null });
  });
  it('without a zone the local time is read as UTC and says so', () => {
    const r = mapUpsTracking(payload, tables);
    expect(r.events[0]).toMatchObject({ occurredAt: '2022-01-26T16:30:00.000Z', timeBasis: 'assumed_utc', utcOffset: null });
    expect(r.warnings.map((w) => w.code)).toEqual(['ups_250003', 'time_zone_unknown', 'time_zone_unknown']);
  });
  it('gmtDate/gmtTime/gmtOffset (official Activity schema; gmtTime "74700" lacks its leading zero) win over local time', () => {
    const activity = { ...payload.trackResponse.shipment[0].package[0].activity[1], gmtDate: '20220126', gmtTime: '201641', gmtOffset: '-05:00' };
    const withGmt = structuredClone(payload);
    withGmt.trackResponse.shipment[0].package[0].activity = [activity, { ...activity, gmtTime: '74700', date: '20220126', time: '024700' }];
    const r = mapUpsTracking(withGmt, tables);
    expect(r.events.map((e) => [e.occurredAt, e.timeBasis, e.utcOffset])).toEqual([
      ['2022-01-26T20:16:41.000Z', 'utc', '-05:00'],
      ['2022-01-26T07:47:00.000Z', 'utc', '-05:00'],
    ]);
  });
  it('the official OpenAPI (ups/Tracking.openapi.yaml) defines the fields we read', () => {
    const yaml = fixtureText('ups/Tracking.openapi.yaml');
    const activity = yaml.slice(yaml.indexOf('    Activity:'), yaml.indexOf('    Address:'));
    for (const field of ['date:', 'time:', 'gmtDate:', 'gmtTime:', 'gmtOffset:', 'location:', 'status:']) expect(activity).toContain(field);
    expect(yaml).toMatch(/slic:/);
    // The upstream file has TAB characters on the shipperNum line (not strict YAML) — kept byte-identical.
    expect(yaml).toMatch(/\t/);
  });
});

describe('UPS Track Alert webhook (ups/UPSTrackAlert.openapi.yaml + constructed event)', () => {
  it('maps the event built from the schema examples; "-04.00" offset format is read', () => {
    const r = mapUpsTrackAlertEvent(fixture('ups/track-alert-event.constructed.json'), tables);
    expect(r.events[0]).toMatchObject({
      status: 'delivered',
      rawStatusCode: 'D/FS',
      occurredAt: '2019-10-15T03:59:59.000Z',
      localTime: '2019-10-14T23:59:59',
      utcOffset: '-04:00',
      timeBasis: 'utc',
      location: { city: 'Alpharetta', region: 'GA', postcode: '30004', country: 'US' },
    });
  });
  it('every field of the constructed event is a TrackingEventRequest property of the official schema', () => {
    const yaml = fixtureText('ups/UPSTrackAlert.openapi.yaml');
    const schema = yaml.slice(yaml.indexOf('    TrackingEventRequest:'), yaml.indexOf('    #COMMON'));
    for (const key of Object.keys(fixture('ups/track-alert-event.constructed.json'))) expect(schema, key).toContain(`        ${key}:`);
    expect(schema).toMatch(/const: MV\s+title: Manifest Void/);
  });
  it('status types from the Track Alert schema map as documented (MV = manifest void → cancelled)', () => {
    const statusOf = (type: string, code = '') => mapUpsTrackAlertEvent({ trackingNumber: '1Z1234567891234556', activityStatus: { type, code, description: '' }, gmtActivityDate: '20240101', gmtActivityTime: '120000' }, tables).events[0]!.status;
    expect([statusOf('D'), statusOf('I'), statusOf('M'), statusOf('MV'), statusOf('X'), statusOf('U')]).toEqual(['delivered', 'in_transit', 'pending', 'cancelled', 'on_hold', 'in_transit']);
    expect(statusOf('I', 'OF')).toBe('out_for_delivery');
    expect(mapUpsTrackAlertEvent({ activityStatus: {} }, tables).failures[0]!.code).toBe('invalid_event');
  });
});

describe('FedEx Track API (fedex/karrio-fedex.schemas.tracking_response.json)', () => {
  const r = mapFedexTracking(fixture('fedex/karrio-fedex.schemas.tracking_response.json'), tables);
  it('maps the scan with its offset and keeps the not-found number as a failure', () => {
    expect(r.events).toHaveLength(1);
    expect(r.events[0]).toMatchObject({
      trackingNumber: '123456789012',
      status: 'picked_up',
      stage: 'factory_pickup',
      reason: 'weather_delay',
      occurredAt: '2018-02-02T19:01:00.000Z',
      localTime: '2018-02-02T12:01:00',
      utcOffset: '-07:00',
      timeBasis: 'offset',
      location: { code: 'SEA', codeType: 'carrier_facility', city: 'SEATTLE', region: 'WA', country: 'US' },
    });
    expect(r.failures).toEqual([{ trackingNumber: '39936862321', code: 'TRACKING.TRACKINGNUMBER.NOTFOUND', message: 'Tracking number cannot be found. Please correct the tracking number and try again.' }]);
    expect(r.warnings.map((w) => w.code)).toEqual(['TRACKING.TRACKINGNUMBER.EMPTY', 'tracking_number_differs', 'fedex_alert']);
  });
  it('the request fixture asks for the tracking number the result describes', () => {
    const request = fixture('fedex/karrio-fedex.schemas.tracking_request.json');
    expect(request.trackingInfo[0].trackingNumberInfo.trackingNumber).toBe('128667043726');
    expect(r.warnings.find((w) => w.code === 'tracking_number_differs')!.message).toContain('128667043726');
  });
});

describe('DHL Unified (dhl/*.json)', () => {
  it('response example: pre-transit → pending; remark gives customs inspection; NL local time via zone', () => {
    const r = mapDhlTracking(fixture('dhl/dhl-unified.track-shipments.response.example.json'), tables, zones);
    expect(r.events[0]).toMatchObject({
      trackingNumber: '7777777770',
      status: 'pending',
      stage: 'import_customs',
      customs: 'inspection',
      occurredAt: '2018-03-02T06:53:47.000Z',
      utcOffset: '+01:00',
      location: { postcode: '1043 AG', country: 'NL', city: 'Oderweg 2, AMSTERDAM' },
    });
    expect(r.shipments[0]).toMatchObject({ originCountry: 'NL', destinationCountry: 'NL', estimatedDelivery: '2018-08-03T00:00:00Z' });
    expect(r.warnings.map((w) => w.code)).toContain('more_pages');
  });
  it('error example (RFC 7807 404) is a failure with the tracking number from `instance`', () => {
    expect(mapDhlTracking(fixture('dhl/dhl-unified.track-shipments.error.example.json'), tables).failures).toEqual([
      { trackingNumber: '8264715546', code: 'http_404', message: 'No result found: No shipment with given tracking number found.' },
    ]);
  });
  it('the Karrio source file holds exactly the two extracted examples', () => {
    const source = fixture('dhl/karrio-dhl_universal.schemas.tracking.json');
    expect(source.trackingResponse).toEqual(fixture('dhl/dhl-unified.track-shipments.response.example.json'));
    expect(source.error).toEqual(fixture('dhl/dhl-unified.track-shipments.error.example.json'));
    expect(mapDhlTracking(source.trackingResponse, tables).events).toHaveLength(1);
  });
  it('an unknown DHL statusCode stays unknown (Karrio would say delivery_delayed)', () => {
    const payload = structuredClone(fixture('dhl/dhl-unified.track-shipments.response.example.json'));
    payload.shipments[0].events[0].statusCode = 'unknown';
    payload.shipments[0].events[0].remark = '';
    expect(mapDhlTracking(payload, tables).events[0]!.status).toBe('unknown');
    payload.shipments[0].events[0].statusCode = 'transit';
    expect(mapDhlTracking(payload, tables).events[0]!.status).toBe('in_transit');
  });
});

describe('USPS Tracking v3 (usps/*.json)', () => {
  it('official detail example: eventTimestamp "…07:31:00Z" is local (summary says 7:31 am in VA)', () => {
    const payload = fixture('usps/tracking-v3.detail.response.json');
    expect(payload.statusSummary).toContain('7:31 am');
    const r = mapUspsTracking(payload, tables, zones);
    expect(r.events[0]).toMatchObject({ status: 'picked_up', stage: 'factory_pickup', localTime: '2023-08-02T07:31:00', occurredAt: '2023-08-02T11:31:00.000Z', utcOffset: '-04:00', timeBasis: 'zone' });
  });
  it('official summary example: one event read from the sentence', () => {
    const r = mapUspsTracking(fixture('usps/tracking-v3.summary.response.json'), tables, zones);
    expect(r.events[0]).toMatchObject({ status: 'picked_up', localTime: '2023-02-15T07:31:00', occurredAt: '2023-02-15T12:31:00.000Z', location: { city: 'RICHMOND', region: 'VA', postcode: '23227', country: 'US' } });
  });
  it('Karrio trace: 12 real events use GMTTimestamp; the schema placeholder is mapped but flagged', () => {
    const r = mapUspsTracking(fixture('usps/karrio-usps.schemas.tracking_responses.json'), tables);
    const real = r.events.filter((e) => e.trackingNumber === '9400109104250532908587');
    expect(real).toHaveLength(12);
    expect(real.every((e) => e.timeBasis === 'utc' && e.utcOffset === '-05:00')).toBe(true);
    expect(real.map((e) => e.status)).toEqual(['delivered', 'out_for_delivery', 'in_transit', 'in_transit', 'in_transit', 'in_transit', 'in_transit', 'in_transit', 'in_transit', 'in_transit', 'picked_up', 'pending']);
    const placeholder = r.events.find((e) => e.trackingNumber === 'string')!;
    expect(placeholder).toMatchObject({ status: 'unknown', utcOffset: '-07:00' });
    expect(r.warnings.map((w) => w.code)).toEqual(['unmapped_status']);
  });
});

describe('Karrio unified model (karrio/*.json)', () => {
  const enums = fixture('karrio/unified-enums.json');
  const mappings = fixture('karrio/tracking-status-mappings.json');
  const schemas = fixture('karrio/unified-schemas.subset.json').schemas;
  it('our status vocabulary is exactly Karrio TrackingStatus (SDK and OpenAPI)', () => {
    expect([...TRACKING_STATUSES].sort()).toEqual(Object.keys(enums.sdk_units.TrackingStatus.members).sort());
    expect([...TRACKING_STATUSES].sort()).toEqual([...enums.openapi['TrackingStatus.status']].sort());
  });
  it('all 27 connector tables use only unified statuses, so any connector can be plugged in', () => {
    const connectors = Object.entries<any>(mappings.connectors);
    expect(connectors).toHaveLength(27);
    for (const [name, table] of connectors) for (const status of Object.keys(table.TrackingStatus ?? {})) expect(isTrackingStatus(status), `${name}.${status}`).toBe(true);
  });
  it('the constructed TrackingResponse uses only fields of the unified schemas', () => {
    const response = fixture('karrio/tracking-response.constructed.json');
    const props = (name: string) => Object.keys(schemas[name].properties);
    expect(props('TrackingResponse')).toEqual(expect.arrayContaining(Object.keys(response)));
    expect(props('TrackerDetails')).toEqual(expect.arrayContaining(Object.keys(response.tracking)));
    expect(props('TrackingInfo')).toEqual(expect.arrayContaining(Object.keys(response.tracking.info)));
    for (const event of response.tracking.events) expect(props('TrackingEvent')).toEqual(expect.arrayContaining(Object.keys(event)));
  });
  it('maps the Karrio response: keeps its statuses, reads offsets, derives stages and export/import direction', () => {
    const r = mapKarrioTracking(fixture('karrio/tracking-response.constructed.json'), tables);
    expect(r.events.map((e) => [e.status, e.stage, e.customs, e.occurredAt, e.reason])).toEqual([
      ['picked_up', 'factory_pickup', null, '2024-06-03T01:15:00.000Z', null],
      ['in_transit', 'departure', null, '2024-06-03T15:40:00.000Z', null],
      ['in_transit', 'arrival', null, '2024-06-04T04:05:00.000Z', null],
      ['on_hold', 'import_customs', 'inspection', '2024-06-04T10:20:00.000Z', 'customs_inspection'],
    ]);
    expect(r.events[3]!.timeBasis).toBe('assumed_utc'); // no timestamp: date + time only
    expect(r.events[0]!.location).toMatchObject({ city: 'SHENZHEN - CHINA MAINLAND', lat: 22.5431, lon: 114.0579 });
    const state = foldShipmentState(r.events);
    expect(state).toMatchObject({ status: 'on_hold', stage: 'import_customs', customs: 'inspection', hasAssumedTimes: true });
  });
  it('an event without a normalised status falls back to the Karrio connector table of its carrier', () => {
    const response = structuredClone(fixture('karrio/tracking-response.constructed.json'));
    for (const event of response.tracking.events) event.status = '';
    const r = mapKarrioTracking(response, tables);
    // dhl_express: PU → picked_up, DF → in_transit, AF → in_transit, OH → on_hold (Karrio's table)
    expect(r.events.map((e) => e.status)).toEqual(['picked_up', 'in_transit', 'in_transit', 'on_hold']);
    response.tracking.carrier_name = 'not_a_connector';
    expect(mapKarrioTracking(response, tables).events.map((e) => e.status)).toEqual(['unknown', 'unknown', 'unknown', 'unknown']);
  });
  it('carrier-integrations subset: the carriers we map advertise Tracking', () => {
    const carriers = fixture('karrio/carrier-integrations.subset.json').carriers;
    expect(carriers).toHaveLength(52);
    for (const id of ['ups', 'fedex', 'dhl_universal', 'usps']) expect(carriers.find((c: any) => c.id === id)?.capabilities, id).toContain('Tracking');
  });
});

describe('17TRACK statuses (aggregators/17track.status-codes.json)', () => {
  const codes = fixture('aggregators/17track.status-codes.json');
  it('every main status maps; only NotFound is unknown', () => {
    for (const main of Object.keys(codes.main_status)) {
      expect(map17TrackStatus(tables, main).status === 'unknown', main).toBe(main === 'NotFound');
    }
  });
  it('every listed sub-status maps to a status, customs sub-statuses to customs states', () => {
    for (const [main, subs] of Object.entries<Record<string, string>>(codes.sub_status)) {
      for (const sub of Object.keys(subs)) expect(isTrackingStatus(map17TrackStatus(tables, main, sub).status)).toBe(true);
    }
    expect(map17TrackStatus(tables, 'InTransit', 'InTransit_CustomsReleased')).toEqual({ status: 'in_transit', stage: 'import_customs', customs: 'released' });
    expect(map17TrackStatus(tables, 'InTransit', 'InTransit_CustomsRequiringInformation')).toEqual({ status: 'on_hold', stage: 'import_customs', customs: 'held' });
    expect(map17TrackStatus(tables, 'Exception', 'Exception_Returning').status).toBe('return_to_sender');
  });
});
