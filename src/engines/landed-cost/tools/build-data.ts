// One-off data builder: turns the shared tariff files (/work/shared/data/tariffs, ../hs) into
// compact JSON lookup files in data/tariffs/. Values are copied as printed (rate text is kept
// verbatim and parsed at load time), only inheritance and column selection happen here.
// Run: npx tsx src/engines/landed-cost/tools/build-data.ts [sharedDataDir]
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';

const shared = process.argv[2] ?? '/work/shared/data';
const out = fileURLToPath(new URL('../../../../data/tariffs/', import.meta.url));

type Row = Record<string, string>;
const readCsv = (p: string): Row[] => parse(readFileSync(join(shared, p)), { columns: true, bom: true });

/** String table so repeated rate texts are stored once. */
class StringTable {
  readonly strings: string[] = [];
  private readonly index = new Map<string, number>();
  id(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.strings.length;
      this.strings.push(s);
      this.index.set(s, i);
    }
    return i;
  }
}

function write(name: string, obj: unknown): void {
  const text = JSON.stringify(obj);
  writeFileSync(join(out, name), text + '\n');
  console.log(`${name}: ${(text.length / 1e6).toFixed(2)} MB`);
}

// ---- US HTS 2026 Rev 10 ----------------------------------------------------------------
{
  const table = new StringTable();
  const lines: Record<string, number[]> = {};
  for (const r of readCsv('tariffs/us/hts_2026_rev_10_lines.csv')) {
    if (r.level_digits !== '8' && r.level_digits !== '10') continue;
    lines[r.hts_code] = [
      table.id(r.general), table.id(r.special), table.id(r.column2), table.id(r.units), table.id(r.chapter99_refs),
    ];
  }
  write('us-hts-2026-rev10.json', {
    id: 'us-hts-2026-rev10',
    market: 'US',
    edition: 'HTS 2026 Revision 10',
    code_system: 'HTSUS (HS2022-based) 8/10 digits',
    hs_edition: 'HS2022',
    as_of: '2026-06-08',
    source: 'USITC Harmonized Tariff Schedule JSON export, 2026 Revision 10 (via shared/data/tariffs/us/hts_2026_rev_10_lines.csv)',
    source_url: 'https://www.usitc.gov/sites/default/files/tata/hts/hts_2026_revision_10_json.json',
    license: 'Public domain (US Government work)',
    columns: ['general', 'special', 'column2', 'units', 'chapter99_refs'],
    strings: table.strings,
    lines,
  });
  const ch99: Record<string, [string, number | null, string]> = {};
  for (const r of readCsv('tariffs/us/hts_2026_rev_10_chapter99.csv')) {
    const pct = r.additional_ad_valorem_pct === '' ? null : Number(r.additional_ad_valorem_pct);
    ch99[r.heading] = [r.rate_kind, pct, r.description.slice(0, 160)];
  }
  write('us-ch99-2026-rev10.json', {
    id: 'us-ch99-2026-rev10',
    market: 'US',
    edition: 'HTS 2026 Revision 10, Chapter 99 headings 9903.*',
    as_of: '2026-06-08',
    source: 'USITC HTS 2026 Rev 10 (via shared/data/tariffs/us/hts_2026_rev_10_chapter99.csv)',
    source_url: 'https://hts.usitc.gov/',
    columns: ['rate_kind', 'additional_ad_valorem_pct', 'description (first 160 chars)'],
    headings: ch99,
  });
}

// ---- UK Global Tariff 2021 and EU CET 2020 (same source file) -----------------------------
{
  const uk: Record<string, string> = {};
  const eu: Record<string, string> = {};
  const corrections: { code: string; from: string; to: string }[] = [];
  for (const r of readCsv('tariffs/uk/ukgt_2021_global-uk-tariff.csv')) {
    uk[r.commodity] = r.ukgt_duty_rate.trim();
    eu[r.commodity] = r.cet_duty_rate.trim();
  }
  // Correction C-01 (data/tax/CORRECTIONS.md): in ten cet_duty_rate cells the ad valorem part lost its
  // "%" sign ("24 + 4.2 EUR/100 kg"). CN 2020 prints these as "24 % + 4.2 EUR / 100 kg" etc.
  for (const [code, text] of Object.entries(eu)) {
    const fixed = text.replace(/^(\d+(?:\.\d+)?) (\+|MIN) /, '$1% $2 ');
    if (fixed !== text) { corrections.push({ code, from: text, to: fixed }); eu[code] = fixed; }
  }
  const common = { code_system: 'CN 2020 8-digit (+ some 10-digit)', hs_edition: 'HS2017' };
  write('gb-ukgt-2021.json', {
    id: 'gb-ukgt-2021', market: 'GB', edition: 'UK Global Tariff (third-country / MFN) from 2021-01-01', ...common,
    as_of: '2021-01-01',
    source: 'Department for International Trade, UK Global Tariff, global-uk-tariff.csv (final data 2021-01-27)',
    source_url: 'https://github.com/uktrade/global-uk-tariff',
    license: 'Open Government Licence v3.0 — Contains public sector information licensed under the Open Government Licence v3.0.',
    rates: uk,
  });
  write('eu-cet-2020.json', {
    id: 'eu-cet-2020', market: 'EU', edition: 'EU Common External Tariff (erga omnes) for CN 2020, as published by DIT', ...common,
    as_of: '2020-01-01',
    source: 'cet_duty_rate column of DIT global-uk-tariff.csv; underlying Commission Implementing Regulation (EU) 2019/1776 (CN 2020 Annex I)',
    source_url: 'https://github.com/uktrade/global-uk-tariff',
    license: 'Open Government Licence v3.0',
    corrections: { note: 'see data/tax/CORRECTIONS.md C-01', cells: corrections },
    rates: eu,
  });
}

// ---- Japan 2026-07-09 -----------------------------------------------------------------
{
  const rows = readCsv('tariffs/jp/jp_tariff_2026_07_09.csv');
  const rateCols = Object.keys(rows[0]).filter((k) => ['general', 'temporary', 'wto', 'gsp', 'ldc_gsp'].includes(k) || k.startsWith('epa_'));
  const table = new StringTable();
  const lines: Record<string, number[]> = {};
  // Blank cell = inherited from the nearest ancestor that prints a value (README of the shared data).
  let stack: { level: number; values: Record<string, string> }[] = [];
  let chapter = '';
  for (const r of rows) {
    if (r.chapter !== chapter) { chapter = r.chapter; stack = []; }
    const level = Number(r.level);
    while (stack.length && stack[stack.length - 1].level >= level) stack.pop();
    const parent = stack.length ? stack[stack.length - 1].values : {};
    const values: Record<string, string> = {};
    for (const c of rateCols) values[c] = r[c] !== '' ? r[c] : (parent[c] ?? '');
    stack.push({ level, values });
    if (r.digits === '9') lines[r.code] = rateCols.map((c) => table.id(values[c]));
  }
  write('jp-tariff-2026-07-09.json', {
    id: 'jp-tariff-2026-07-09', market: 'JP', edition: 'Japan Customs tariff schedule (実行関税率表) 2026-07-09',
    code_system: 'Japanese 9-digit statistical code', hs_edition: 'HS2022', as_of: '2026-07-09',
    source: 'Japan Customs, customs.go.jp/tariff/2026_07_09 (via qlitre/japan-tariff-mcp, flattened in shared/data/tariffs/jp)',
    source_url: 'https://www.customs.go.jp/tariff/2026_07_09/index.htm',
    license: 'Government of Japan Standard Terms of Use (CC BY 4.0 compatible) — confirm before redistribution',
    columns: rateCols, strings: table.strings, lines,
  });
}

// ---- HS2022 -> HS2017 (only codes that changed) -----------------------------------------
{
  const changed: Record<string, string> = {};
  for (const r of readCsv('hs/hs2022-to-hs2017-conversion.csv')) if (r.hs2022 !== r.hs2017) changed[r.hs2022] = r.hs2017;
  const splitOrMerged: Record<string, string> = {};
  for (const r of readCsv('hs/hs2022-hs2017-correlation.csv')) if (r.relationship !== '1:1') splitOrMerged[r.hs2022] = r.relationship;
  const hs2022Subheadings = readCsv('hs/hs.csv').filter((r) => r.level === '6').map((r) => r.hscode);
  write('hs2022-to-hs2017.json', {
    id: 'unsd-hs2022-hs2017', as_of: '2022-01-01',
    source: 'UNSD HS2022-HS2017 conversion and correlation tables (via shared/data/hs)',
    note: 'changed: HS2022 subheadings whose conversion code differs; relationship: non-1:1 correlation rows (n:1, 1:n, n:n)',
    changed, relationship: splitOrMerged, hs2022_subheadings: hs2022Subheadings.join(' '),
  });
}
