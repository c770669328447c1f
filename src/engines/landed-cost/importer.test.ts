// Importers: USITC HTS export (JSON/CSV) -> compact tariff, ECB eurofxref CSV/XML -> FX snapshots.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileLandedCostData, DEFAULT_DATA_DIR, importFxRates, importTariffFile, LandedCostInputError, quoteLandedCost, readLandedCostRaw } from './index.ts';

// A fragment in the USITC export's shape (records as published; rates inherited down the indent).
const HTS_JSON = JSON.stringify([
  { htsno: '6109', indent: '0', description: 'T-shirts, singlets, tank tops and similar garments, knitted or crocheted:', superior: null, units: [], general: '', special: '', other: '', footnotes: [] },
  { htsno: '6109.10.00', indent: '1', description: 'Of cotton', superior: null, units: [], general: '16.5%', special: 'Free (AU,BH,CL,CO,IL,JO,KR,MA,OM,P,PA,PE,S,SG)', other: '90%', footnotes: [{ columns: ['general'], value: 'See 9903.88.15.', type: 'endnote' }] },
  { htsno: '', indent: '2', description: "Men's or boys':", superior: 'true', units: [], general: '', special: '', other: '', footnotes: [] },
  { htsno: '6109.10.00.12', indent: '3', description: 'Other T-shirts', superior: null, units: ['doz.', 'kg'], general: '', special: '', other: '', footnotes: [] },
  { htsno: '0201.10.05', indent: '1', description: 'Beef carcasses (General Note 15)', superior: null, units: ['kg'], general: '4.4¢/kg', special: 'Free', other: '13.2¢/kg', footnotes: [] },
]);

describe('importTariffFile', () => {
  it('USITC JSON: inherits rates to statistical suffixes and collects Chapter 99 refs', () => {
    const t = importTariffFile('usitc-hts-json', HTS_JSON, { edition: 'HTS test', asOf: '2026-12-01', id: 'us-hts-2026-rev10' });
    const row = (c: string) => t.lines[c].map((i) => t.strings[i]);
    expect(row('6109100012')).toEqual(['16.5%', 'Free (AU,BH,CL,CO,IL,JO,KR,MA,OM,P,PA,PE,S,SG)', '90%', 'doz.|kg', '9903.88.15']);
    expect(row('02011005')[0]).toBe('4.4¢/kg');
    expect(t.stats).toEqual({ records: 5, lines: 3 });
  });
  it('USITC CSV', () => {
    const csv = 'HTS Number,Indent,Description,Unit of Quantity,General Rate of Duty,Special Rate of Duty,Column 2 Rate of Duty,Quota Quantity,Additional Duties,Footnotes\n'
      + '8517.13.00,1,Smartphones,,Free,,35%,,,\n8517.13.00.00,2,Smartphones,No.,,,,,,\n';
    const t = importTariffFile('usitc-hts-csv', csv, { edition: 'csv test', asOf: '2026-12-01' });
    expect(t.lines['8517130000'].map((i) => t.strings[i]).slice(0, 3)).toEqual(['Free', '', '35%']);
  });
  it('an imported file replaces the shipped tariff and is used by quotes', () => {
    const raw = readLandedCostRaw();
    raw.tariffs['us-hts-2026-rev10'] = importTariffFile('usitc-hts-json', HTS_JSON.replace('"16.5%"', '"12%"'), { edition: 'HTS test', asOf: '2026-12-01', id: 'us-hts-2026-rev10' });
    const data = compileLandedCostData(raw);
    const q = quoteLandedCost(data, { destinationCountry: 'US', originCountry: 'VN', date: '2026-12-02', saleCurrency: 'USD', incoterm: 'DAP', lines: [{ hsCode: '6109100012', quantity: 1, unitValue: 10000 }] });
    expect(q.totals.duty).toBe(1200);
    expect(q.lines[0].tariffLine).toMatchObject({ edition: 'HTS test', asOf: '2026-12-01' });
  });
  it('rejects unknown formats and empty files with typed errors', () => {
    expect(() => importTariffFile('xlsx' as 'usitc-hts-csv', '')).toThrow(LandedCostInputError);
    expect(() => importTariffFile('usitc-hts-json', '[]')).toThrow(/no 8- or 10-digit/);
    expect(() => importTariffFile('usitc-hts-json', '{')).toThrow(LandedCostInputError);
  });
  const official = join(DEFAULT_DATA_DIR, '../../shared/data/tariffs/us/hts_2026_rev_10.json');
  it.skipIf(!existsSync(official))('the official HTS 2026 Rev 10 export imports to the rates shipped in data/tariffs', () => {
    const t = importTariffFile('usitc-hts-json', readFileSync(official, 'utf8'), { edition: 'HTS 2026 Revision 10', asOf: '2026-06-08' });
    const shipped = JSON.parse(readFileSync(join(DEFAULT_DATA_DIR, 'tariffs/us-hts-2026-rev10.json'), 'utf8'));
    let compared = 0; let differ = 0;
    for (const [code, r] of Object.entries<number[]>(shipped.lines)) {
      const mine = t.lines[code];
      if (!mine) continue;
      compared++;
      if (t.strings[mine[0]] !== shipped.strings[r[0]]) differ++;
    }
    expect(compared).toBeGreaterThan(25_000);
    expect(differ / compared).toBeLessThan(0.01);
  }, 60_000);
});

describe('importFxRates (ECB eurofxref)', () => {
  // Layout of eurofxref.csv / eurofxref-daily.xml; the figures are test values, not published rates.
  const CSV = 'Date, USD, JPY, BGN, GBP, PLN, \n20 November 2026, 1.0850, 162.40, N/A, 0.8650, 4.3000, \n';
  const XML = `<?xml version="1.0" encoding="UTF-8"?><gesmes:Envelope><Cube><Cube time='2026-11-20'><Cube currency='USD' rate='1.0850'/><Cube currency='JPY' rate='162.40'/></Cube><Cube time='2026-11-19'><Cube currency='USD' rate='1.0800'/></Cube></Cube></gesmes:Envelope>`;
  it('CSV -> snapshot with EUR base, N/A cells dropped', () => {
    const [s] = importFxRates('ecb-csv', CSV);
    expect(s).toMatchObject({ id: 'ecb-2026-11-20', date: '2026-11-20', base: 'EUR', rates: { USD: '1.0850', JPY: '162.40', GBP: '0.8650', PLN: '4.3000' } });
    expect(s.rates.BGN).toBeUndefined();
  });
  it('XML (daily or history) -> snapshots newest first, usable by quotes', () => {
    const snaps = importFxRates('ecb-xml', XML);
    expect(snaps.map((s) => s.date)).toEqual(['2026-11-20', '2026-11-19']);
    const raw = readLandedCostRaw();
    const data = compileLandedCostData(raw);
    const q = quoteLandedCost(data, { destinationCountry: 'US', originCountry: 'VN', date: '2026-11-21', saleCurrency: 'EUR', incoterm: 'DAP', fx: snaps[0], lines: [{ hsCode: '6109100012', quantity: 1, unitValue: 10000 }] });
    expect(q.lines[0].goodsValue).toBe(10850);
    expect(q.fx?.snapshotId).toBe('ecb-2026-11-20');
  });
  it('bad input is a typed error', () => {
    expect(() => importFxRates('ecb-csv', 'nonsense\n1,2')).toThrow(LandedCostInputError);
  });
});
