// Importers for newer official files (pure: they take the file text and return data objects in
// the repository's compact format, ready to write to data/tariffs/ or to pass to the compiler).
import { parse } from 'csv-parse/sync';
import { LandedCostInputError } from './errors.ts';
import { importEcbRates, type FxSnapshot } from './fx.ts';

export type TariffFileFormat = 'usitc-hts-json' | 'usitc-hts-csv';

export interface ImportedTariff {
  id: string;
  market: 'US';
  edition: string;
  code_system: string;
  hs_edition: string;
  as_of: string;
  source: string;
  source_url: string;
  license: string;
  columns: string[];
  strings: string[];
  lines: Record<string, number[]>;
  stats: { records: number; lines: number };
}

interface HtsRecord { htsno: string; indent: string | number; description?: string; units?: string[] | string; general?: string; special?: string; other?: string; footnotes?: { columns?: string[]; value?: string }[] }

/**
 * Import a USITC HTS export (the JSON from hts.usitc.gov "Export" or the CSV of the same) into the
 * compact US tariff format. Rates printed on a parent line are inherited down the indent hierarchy;
 * Chapter 99 references are collected from rate-column footnotes of the line and its ancestors.
 */
export function importTariffFile(format: TariffFileFormat, content: string, meta: { edition: string; asOf: string; id?: string; sourceUrl?: string } = { edition: 'HTS (imported)', asOf: '' }): ImportedTariff {
  let records: HtsRecord[];
  if (format === 'usitc-hts-json') {
    try { records = JSON.parse(content); } catch (e) { throw new LandedCostInputError('content', `not JSON: ${(e as Error).message}`); }
    if (!Array.isArray(records)) throw new LandedCostInputError('content', 'USITC HTS JSON must be an array of records');
  } else if (format === 'usitc-hts-csv') {
    const rows: Record<string, string>[] = parse(content, { columns: true, bom: true, relax_column_count: true });
    records = rows.map((r) => ({
      htsno: r['HTS Number'] ?? r.htsno ?? '', indent: r.Indent ?? r.indent ?? '0', description: r.Description ?? r.description,
      units: r['Unit of Quantity'] ?? r.units ?? '', general: r['General Rate of Duty'] ?? r.general ?? '', special: r['Special Rate of Duty'] ?? r.special ?? '',
      other: r['Column 2 Rate of Duty'] ?? r.other ?? '', footnotes: r.Footnotes ? [{ columns: ['general'], value: r.Footnotes }] : [],
    }));
  } else throw new LandedCostInputError('format', `unknown tariff file format "${format}" (supported: usitc-hts-json, usitc-hts-csv)`);

  const strings: string[] = [];
  const index = new Map<string, number>();
  const sid = (s: string) => { let i = index.get(s); if (i === undefined) { i = strings.length; strings.push(s); index.set(s, i); } return i; };
  const lines: Record<string, number[]> = {};
  const stack: { indent: number; general: string; special: string; other: string; refs: string[] }[] = [];
  for (const r of records) {
    const indent = Number(r.indent ?? 0);
    while (stack.length && stack[stack.length - 1].indent >= indent) stack.pop();
    const parent = stack[stack.length - 1];
    const clean = (s: unknown) => (typeof s === 'string' ? s.replace(/\s+/g, ' ').trim() : '');
    const refs = new Set(parent?.refs ?? []);
    for (const f of r.footnotes ?? []) for (const m of clean(f.value).matchAll(/99\d\d\.\d\d\.\d\d/g)) refs.add(m[0]);
    const general = clean(r.general) || parent?.general || '';
    const special = clean(r.special) || parent?.special || '';
    const other = clean(r.other) || parent?.other || '';
    stack.push({ indent, general, special, other, refs: [...refs] });
    const code = clean(r.htsno).replace(/\./g, '');
    if (code.length !== 8 && code.length !== 10) continue;
    const units = Array.isArray(r.units) ? r.units.join('|') : clean(r.units);
    lines[code] = [sid(general), sid(special), sid(other), sid(units), sid([...refs].filter((x) => x.startsWith('99')).join(' '))];
  }
  const n = Object.keys(lines).length;
  if (n === 0) throw new LandedCostInputError('content', 'no 8- or 10-digit HTS lines found');
  return {
    id: meta.id ?? 'us-hts-imported', market: 'US', edition: meta.edition, code_system: 'HTSUS 8/10 digits', hs_edition: 'HS2022', as_of: meta.asOf,
    source: `USITC HTS export (${format})`, source_url: meta.sourceUrl ?? 'https://hts.usitc.gov/', license: 'Public domain (US Government work)',
    columns: ['general', 'special', 'column2', 'units', 'chapter99_refs'], strings, lines, stats: { records: records.length, lines: n },
  };
}

/** ECB eurofxref CSV/XML -> FX snapshots (newest first). */
export function importFxRates(format: 'ecb-csv' | 'ecb-xml', content: string): FxSnapshot[] {
  if (format !== 'ecb-csv' && format !== 'ecb-xml') throw new LandedCostInputError('format', `unknown FX format "${format}"`);
  return importEcbRates(content);
}
