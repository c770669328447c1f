import { describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { parseCsvDate, parseCsvOrders } from './index';
import { fixtureText } from './_fixtures';

const sample = fixtureText('csv/orders.sample.csv');

describe('parseCsvOrders on csv/orders.sample.csv', () => {
  const result = parseCsvOrders(sample);
  it('groups rows into orders and computes exact totals', () => {
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.map((o) => [o.externalId, o.lines.length, o.totals.total, o.currency])).toEqual([
      ['SO-1001', 2, 7050, 'EUR'],
      ['SO-1002', 1, 2400, 'JPY'],
      ['SO-1003', 1, 12500, 'USD'],
    ]);
    const first = result.value[0]!;
    expect(first).toMatchObject({
      channel: 'csv',
      createdAt: '2024-05-02T08:30:00.000Z',
      buyer: { name: 'Jan de Vries', email: 'jan@example.nl', phone: '+31201234567' },
      shipTo: { name: 'Jan de Vries', line1: 'Damrak 1', line2: 'Tweede verdieping\nachterzijde', city: 'Amsterdam', postcode: '1012 LG', country: 'NL' },
      totals: { subtotal: 6000, shipping: 495, tax: 1260, discount: 705, total: 7050 },
      tags: ['b2c', 'nl'],
    });
    expect(first.lines[1]).toMatchObject({ sku: 'TL-TOWEL', quantity: 2, unitPrice: 1500, taxLines: [{ rate: 0.21, amount: 630 }] });
  });
  it('Excel serial dates are read (45413.5 = 2024-05-01 12:00)', () => {
    expect(result.ok && result.value[1]!.createdAt).toBe('2024-05-01T12:00:00.000Z');
  });
});

const header = 'order_number,order_date,currency,sku,quantity,unit_price,ship_name,ship_line1,ship_city,ship_country,ship_postcode';

describe('encodings', () => {
  const rows = `${header}\r\nCN-1,2024-06-01T10:00:00+08:00,CNY,SKU-茶,2,99.50,王小明,"中关村大街1号",北京,CN,100080\r\n`;
  it('UTF-8 with BOM', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(rows, 'utf8')]);
    const r = parseCsvOrders(bytes);
    expect(r.ok && r.value[0]!.shipTo?.name).toBe('王小明');
  });
  it('GBK needs the encoding named; strict UTF-8 refuses it instead of producing mojibake', () => {
    const gbk = iconv.encode(rows, 'gbk');
    const refused = parseCsvOrders(gbk);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.errors[0]!.code).toBe('encoding');
    const r = parseCsvOrders(gbk, { encoding: 'gbk' });
    expect(r.ok && r.value[0]).toMatchObject({ createdAt: '2024-06-01T02:00:00.000Z', shipTo: { city: '北京', line1: '中关村大街1号' }, lines: [{ sku: 'SKU-茶', unitPrice: 9950 }], totals: { total: 19900 } });
  });
  it('UTF-16LE with BOM (Excel "Unicode text")', () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(rows, 'utf-16le')]);
    const r = parseCsvOrders(bytes);
    expect(r.ok && r.value[0]!.shipTo?.city).toBe('北京');
  });
  it('Chinese headers are recognised', () => {
    const text = '订单号,下单时间,币种,sku,数量,单价,收件人,地址,城市,国家\nA1,2024-06-01,CNY,S1,1,10.00,李四,路1号,上海,CN\n';
    const r = parseCsvOrders(iconv.encode(text, 'gbk'), { encoding: 'gbk' });
    expect(r.ok && r.value[0]!.totals.total).toBe(1000);
  });
});

describe('errors: per row, with physical line numbers, and no partial output', () => {
  it('reports every bad row and returns no orders', () => {
    const text = [
      header,
      'A1,2024-01-01,USD,S1,1,10.00,Ann,"1 Main St',
      'Apt 2",Boston,US,02108', // quoted newline: the record spans lines 2-3
      'A2,2024-01-01,JPY,S2,1,10.50,Bob,2 Main St,Tokyo,JP,100-0001', // line 4: JPY has no minor unit
      'A3,not a date,USD,S3,0,1.00,Cy,3 Main St,Paris,XX,75001', // line 5: date, quantity, country
      'A1,2024-01-02,USD,S4,1,1.00,Ann,"1 Main St\nApt 2",Boston,US,02108', // line 6: contradicts A1's date
    ].join('\n');
    const r = parseCsvOrders(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect('value' in r).toBe(false);
    expect(r.errors.map((e) => [e.line, e.code])).toEqual([
      [4, 'too_precise'],
      [5, 'bad_date'],
      [5, 'bad_country'],
      [5, 'bad_quantity'],
      [6, 'order_conflict'],
    ]);
  });
  it('missing required columns are reported on line 1', () => {
    const r = parseCsvOrders('order_number,sku\nA,B\n');
    expect(r.ok === false && r.errors[0]).toMatchObject({ line: 1, code: 'missing_columns' });
  });
  it('wrong column count and an order_total that does not add up', () => {
    const text = `${header},order_total\nA,2024-01-01,USD,S,2,5.00,N,L,C,US,10001,10.01\nB,2024-01-01,USD,S\n`;
    const r = parseCsvOrders(text);
    expect(r.ok === false && r.errors.map((e) => [e.line, e.code])).toEqual([
      [2, 'total_mismatch'],
      [3, 'column_count'],
    ]);
  });
  it('thousands separators are read; a decimal comma is refused, not misread as ×100', () => {
    const ok = parseCsvOrders(`${header}\nA,2024-01-01,USD,S,1,"1,234.50",N,L,C,US,10001\n`);
    expect(ok.ok && ok.value[0]!.totals.total).toBe(123450);
    const comma = parseCsvOrders(`${header}\nA,2024-01-01,EUR,S,1,"12,50",N,L,C,DE,10115\n`);
    expect(comma.ok === false && comma.errors[0]).toMatchObject({ line: 2, code: 'bad_amount' });
  });
  it('tax_rate without tax_amount is refused (the importer does not round tax)', () => {
    const r = parseCsvOrders(`${header},tax_rate\nA,2024-01-01,USD,S,1,5.00,N,L,C,US,10001,20\n`);
    expect(r.ok === false && r.errors[0]!.code).toBe('required');
  });
});

describe('parseCsvDate', () => {
  it('handles serials, zoned ISO, naive dates with an offset, and rejects nonsense', () => {
    expect(parseCsvDate('45413')).toBe('2024-05-01T00:00:00.000Z');
    expect(parseCsvDate('45413', 480)).toBe('2024-04-30T16:00:00.000Z');
    expect(parseCsvDate('2024-05-01 10:00', 120)).toBe('2024-05-01T08:00:00.000Z');
    expect(parseCsvDate('2024/05/01')).toBe('2024-05-01T00:00:00.000Z');
    expect(parseCsvDate('2024-02-30')).toBeNull();
    expect(parseCsvDate('05/01/2024')).toBeNull();
  });
});
