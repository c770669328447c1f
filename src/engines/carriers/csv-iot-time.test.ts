import { describe, expect, it } from 'vitest';
import { findIotExcursions, parseIotReadings, parseTrackingCsv, parseUtcOffset, resolveTime } from './index';
import { loadTrackingTables } from './load';
import { fixtureText } from './_fixtures';

const tables = loadTrackingTables();

describe('parseTrackingCsv on tracking-events.sample.csv', () => {
  const r = parseTrackingCsv(fixtureText('csv/tracking-events.sample.csv'), tables);
  it('maps every row with zone-aware times, codes and stages', () => {
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.events.map((e) => [e.trackingNumber, e.status, e.stage, e.customs, e.occurredAt])).toEqual([
      ['TLX000123', 'picked_up', 'factory_pickup', null, '2024-06-03T01:15:00.000Z'],
      ['TLX000123', 'in_transit', 'export_customs', 'released', '2024-06-04T06:00:00.000Z'],
      ['TLX000123', 'in_transit', 'departure', null, '2024-06-04T14:30:00.000Z'],
      ['TLX000123', 'in_transit', 'arrival', null, '2024-06-05T05:10:00.000Z'],
      ['TLX000123', 'on_hold', 'import_customs', 'inspection', '2024-06-05T08:00:00.000Z'],
      ['TLX000123', 'in_transit', 'warehouse_receipt', null, '2024-06-06T13:00:00.000Z'],
    ]);
    expect(r.events[2]!.location).toMatchObject({ code: 'CNSZX', codeType: 'unlocode' });
    expect(r.events[3]!.location).toMatchObject({ code: 'LEJ', codeType: 'iata', country: 'DE' });
    expect(r.events[0]!.location).toMatchObject({ lat: 22.6273, lon: 113.8439 });
  });
});

describe('parseTrackingCsv errors', () => {
  const header = 'tracking_number,carrier,event_time,utc_offset,description,status,country,lat';
  it('all rows validated, line numbers reported, nothing returned', () => {
    const text = [
      header,
      'A,acme,2024-01-01T10:00:00Z,,"Picked up,\nat dock",,CN,', // lines 2-3
      'A,acme,2024-01-02 10:00,,Arrived,,DE,', // 4: naive, no offset
      'A,acme,2024-01-02 10:00,+25:00,Arrived,,DE,', // 5: bad offset
      'A,acme,2024-01-03T10:00:00Z,,Gone,teleported,XXX,95', // 6
    ].join('\n');
    const r = parseTrackingCsv(text, tables);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => [e.line, e.code])).toEqual([
      [4, 'no_zone'],
      [5, 'bad_offset'],
      [5, 'no_zone'],
      [6, 'bad_status'],
      [6, 'bad_country'],
      [6, 'bad_coordinate'],
    ]);
  });
  it('naive time + utc_offset column is accepted', () => {
    const r = parseTrackingCsv(`${header}\nA,acme,2024-01-02 10:00,+08:00,Arrived,,CN,\n`, tables);
    expect(r.ok && r.events[0]).toMatchObject({ occurredAt: '2024-01-02T02:00:00.000Z', utcOffset: '+08:00', timeBasis: 'offset', status: 'unknown', stage: 'arrival' });
  });
  it('missing columns', () => {
    expect(parseTrackingCsv('tracking_number,carrier\n', tables)).toMatchObject({ ok: false, errors: [{ code: 'missing_columns', line: 1 }] });
  });
});

describe('IoT readings', () => {
  const messages = [
    { device_id: 'rf-1', tracking_number: 'TLX000123', ts: '2024-06-04T10:00:00+08:00', type: 'gps', lat: 22.5, lon: 114.05, accuracy_m: 12 },
    { device_id: 'rf-1', ts: 1717466400, type: 'temperature', value: 4.5, unit: 'C' },
    { device_id: 'rf-1', ts: 1717470000000, type: 'temperature', value: 50, unit: 'F' },
    { device_id: 'rf-1', ts: '2024-06-04T04:00:00Z', type: 'temperature', value: 12.5 },
    { device_id: 'rf-1', ts: '2024-06-04T05:00:00Z', type: 'temperature', value: 5 },
    { device_id: 'rf-1', ts: '2024-06-04T06:00:00Z', type: 'humidity', value: 71 },
    { device_id: 'rf-1', ts: '2024-06-04T07:00:00Z', type: 'shock', g: 9.8, duration_ms: 15 },
    { device_id: 'rf-1', ts: '2024-06-04T07:00:00', type: 'shock', g: 2 }, // 7: no zone
    { device_id: 'rf-1', ts: '2024-06-04T08:00:00Z', type: 'gps', lat: 0, lon: 0 }, // 8: null island
    { device_id: 'rf-1', ts: '2024-06-04T08:00:00Z', type: 'gps', lat: 91, lon: 0 }, // 9
    { device_id: 'rf-1', ts: '2024-06-04T08:00:00Z', type: 'humidity', value: 130 }, // 10
    { device_id: 'rf-1', ts: '2024-06-04T08:00:00Z', type: 'temperature', value: 20, unit: 'X' }, // 11
    { ts: '2024-06-04T08:00:00Z', type: 'temperature', value: 20 }, // 12
    { device_id: 'rf-1', ts: '2024-06-04T08:00:00Z', type: 'pressure', value: 1 }, // 13
  ];
  const { readings, issues } = parseIotReadings(messages);
  it('keeps valid readings (units converted, epoch s/ms read) and reports each bad one by index', () => {
    expect(readings).toHaveLength(7);
    expect(readings[0]).toEqual({ kind: 'gps', deviceId: 'rf-1', trackingNumber: 'TLX000123', recordedAt: '2024-06-04T02:00:00.000Z', lat: 22.5, lon: 114.05, accuracyM: 12 });
    expect(readings[1]).toMatchObject({ kind: 'temperature', celsius: 4.5, recordedAt: '2024-06-04T02:00:00.000Z' });
    expect(readings[2]).toMatchObject({ kind: 'temperature', celsius: 10, recordedAt: '2024-06-04T03:00:00.000Z' });
    expect(issues.map((i) => [i.index, i.code])).toEqual([
      [7, 'bad_time'],
      [8, 'null_island'],
      [9, 'out_of_range'],
      [10, 'out_of_range'],
      [11, 'bad_unit'],
      [12, 'required'],
      [13, 'bad_type'],
    ]);
  });
  it('finds contiguous excursions against caller limits (cold chain 2–8 °C, shock > 5 g)', () => {
    expect(findIotExcursions(readings, { temperatureC: { min: 2, max: 8 }, humidityPct: { min: 0, max: 80 }, shockG: 5 })).toEqual([
      { deviceId: 'rf-1', kind: 'temperature', from: '2024-06-04T03:00:00.000Z', to: '2024-06-04T04:00:00.000Z', worst: 12.5, readings: 2 },
      { deviceId: 'rf-1', kind: 'shock', from: '2024-06-04T07:00:00.000Z', to: '2024-06-04T07:00:00.000Z', worst: 9.8, readings: 1 },
    ]);
  });
});

describe('time helpers', () => {
  it('offset formats', () => {
    expect([parseUtcOffset('+05:30'), parseUtcOffset('-5:00'), parseUtcOffset('-04.00'), parseUtcOffset('+0800'), parseUtcOffset('Z'), parseUtcOffset('+15:00'), parseUtcOffset('EST')]).toEqual([330, -300, -240, 480, 0, null, null]);
  });
  it('zone resolution is DST-aware', () => {
    expect(resolveTime({ local: '2024-07-01T12:00:00', zone: 'America/New_York' })).toMatchObject({ occurredAt: '2024-07-01T16:00:00.000Z', utcOffset: '-04:00' });
    expect(resolveTime({ local: '2024-01-01T12:00:00', zone: 'America/New_York' })).toMatchObject({ occurredAt: '2024-01-01T17:00:00.000Z', utcOffset: '-05:00' });
    expect(resolveTime({ local: '2024-01-01T12:00:00', zone: 'Asia/Shanghai' })).toMatchObject({ occurredAt: '2024-01-01T04:00:00.000Z', utcOffset: '+08:00' });
    expect(resolveTime({ local: '2024-02-30T12:00:00' })).toMatchObject({ occurredAt: null });
    expect(resolveTime({ local: '2024-01-01T12:00:00', zone: 'Not/AZone' })).toMatchObject({ timeBasis: 'assumed_utc' });
  });
});
