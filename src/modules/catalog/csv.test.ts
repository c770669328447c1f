import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeCsv, parseSpreadsheetDate } from './csv.ts';

describe('CSV decoding', () => {
  const text = 'sku,title_zh-CN\nA-1,蓝牙耳机\n';
  it('detects UTF-8 (with and without BOM), UTF-16 LE/BE and GBK', () => {
    expect(decodeCsv(Buffer.from(text))).toEqual({ text, encoding: 'utf-8' });
    expect(decodeCsv(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]))).toEqual({ text, encoding: 'utf-8 (BOM)' });
    expect(decodeCsv(Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf-16le')]))).toEqual({ text, encoding: 'utf-16le (BOM)' });
    expect(decodeCsv(Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(text, 'utf-16be')]))).toEqual({ text, encoding: 'utf-16be (BOM)' });
    expect(decodeCsv(iconv.encode(text, 'utf-16le'))).toEqual({ text, encoding: 'utf-16le' });
    expect(decodeCsv(iconv.encode(text, 'gbk'))).toEqual({ text, encoding: 'gb18030' });
    expect(decodeCsv(iconv.encode(text, 'gbk'), 'gbk').text).toBe(text);
  });
});

describe('spreadsheet dates', () => {
  it('reads ISO, slashes, Chinese, Excel serials and unambiguous d/m/y', () => {
    expect(parseSpreadsheetDate('2026-01-05')).toBe('2026-01-05');
    expect(parseSpreadsheetDate('2026/1/5')).toBe('2026-01-05');
    expect(parseSpreadsheetDate('2026年1月5日')).toBe('2026-01-05');
    expect(parseSpreadsheetDate('46027')).toBe('2026-01-05');
    expect(parseSpreadsheetDate('46027.75')).toBe('2026-01-05');
    expect(parseSpreadsheetDate('61')).toBe('1900-03-01'); // after Excel's phantom 1900-02-29
    expect(parseSpreadsheetDate('2026-01-05 13:45:00')).toBe('2026-01-05');
    expect(parseSpreadsheetDate('25/12/2026')).toBe('2026-12-25');
    expect(parseSpreadsheetDate('12/25/2026')).toBe('2026-12-25');
  });
  it('refuses impossible and ambiguous dates', () => {
    expect(() => parseSpreadsheetDate('2026-02-30')).toThrow(/not a calendar date/);
    expect(() => parseSpreadsheetDate('05/06/2026')).toThrow(/ambiguous/);
    expect(() => parseSpreadsheetDate('31/31/2026')).toThrow();
    expect(() => parseSpreadsheetDate('soon')).toThrow(/YYYY-MM-DD/);
    expect(() => parseSpreadsheetDate('12')).toThrow(/serial/);
  });
});
