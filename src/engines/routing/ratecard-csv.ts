// Rate-card weight breaks as a CSV a carrier keeps in a spreadsheet; parse + validate (dry run).
//
//   # China–US line, zones by US postcode first digit       ← '#' lines are comments
//   zone,from_kg,per_kg,per_parcel
//   US-1,0,8.50,2.10
//   US-1,0.5,7.90,2.10
//
// Money columns are decimal MAJOR units as typed in a sheet ("8.50"); they are converted exactly
// to integer minor units (no floats): more decimals than the currency allows is an error, never rounded.
// Weights are decimal kg with at most 3 decimals (converted exactly to grams).
import { parse } from 'csv-parse/sync';
import { minorUnitExponent } from './money.ts';
import type { WeightBreak } from './types.ts';

export interface CsvIssue {
  line: number; // 1-based line in the file
  column?: string;
  message: string;
}

export interface RateCardCsvResult {
  ok: boolean;
  weightBreaks: WeightBreak[];
  errors: CsvIssue[];
  warnings: CsvIssue[];
}

export const RATE_CARD_CSV_COLUMNS = ['zone', 'from_kg', 'per_kg', 'per_parcel'] as const;

/** Exact decimal string → integer scaled by 10^exponent; undefined when malformed or too precise. */
export function parseDecimal(text: string, exponent: number): number | undefined {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) return undefined;
  const fraction = m[2] ?? '';
  if (fraction.length > exponent) return undefined;
  const value = Number(m[1]) * 10 ** exponent + (fraction ? Number(fraction.padEnd(exponent, '0')) : 0);
  return Number.isSafeInteger(value) ? value : undefined;
}

/**
 * Parse and validate a weight-break CSV. Never throws on bad content: returns every error by line
 * (dry run); `ok` is true only when there are no errors, and only then should the breaks be used.
 */
export function parseRateCardCsv(csv: string, options: { currency: string; zones?: readonly string[] }): RateCardCsvResult {
  const errors: CsvIssue[] = [];
  const warnings: CsvIssue[] = [];
  const weightBreaks: WeightBreak[] = [];
  let exponent: number;
  try {
    exponent = minorUnitExponent(options.currency);
  } catch (e) {
    return { ok: false, weightBreaks, errors: [{ line: 0, message: (e as Error).message }], warnings };
  }
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parse(csv, { comment: '#', skip_empty_lines: true, trim: true, relax_column_count: true, info: true, bom: true }) as never;
  } catch (e) {
    const err = e as Error & { lines?: number };
    return { ok: false, weightBreaks, errors: [{ line: err.lines ?? 0, message: `CSV syntax: ${err.message}` }], warnings };
  }
  if (rows.length === 0) return { ok: false, weightBreaks, errors: [{ line: 1, message: 'empty file: header row expected' }], warnings };
  const header = rows[0]!.record.map((h) => h.toLowerCase());
  const headerLine = rows[0]!.info.lines;
  const index: Record<string, number> = {};
  for (const col of RATE_CARD_CSV_COLUMNS) {
    const i = header.indexOf(col);
    if (i < 0) errors.push({ line: headerLine, column: col, message: `missing column "${col}" (expected ${RATE_CARD_CSV_COLUMNS.join(',')})` });
    index[col] = i;
  }
  for (const h of header) if (!(RATE_CARD_CSV_COLUMNS as readonly string[]).includes(h)) warnings.push({ line: headerLine, column: h, message: `unknown column "${h}" ignored` });
  if (errors.length > 0) return { ok: false, weightBreaks, errors, warnings };

  const seen = new Map<string, number>(); // zone|grams → line
  for (const { record, info } of rows.slice(1)) {
    const line = info.lines;
    const cell = (col: string) => (record[index[col]!] ?? '').trim();
    const zone = cell('zone');
    let rowOk = true;
    const fail = (column: string, message: string) => {
      errors.push({ line, column, message });
      rowOk = false;
    };
    if (!zone) fail('zone', 'zone is empty');
    else if (options.zones && !options.zones.includes(zone)) fail('zone', `unknown zone "${zone}" (lane zones: ${options.zones.join(', ')})`);
    const fromGrams = parseDecimal(cell('from_kg'), 3);
    if (fromGrams === undefined) fail('from_kg', `"${cell('from_kg')}" is not a weight in kg with at most 3 decimals`);
    const perKg = parseDecimal(cell('per_kg'), exponent);
    if (perKg === undefined) fail('per_kg', `"${cell('per_kg')}" is not an amount in ${options.currency} with at most ${exponent} decimals`);
    const perParcel = parseDecimal(cell('per_parcel'), exponent);
    if (perParcel === undefined) fail('per_parcel', `"${cell('per_parcel')}" is not an amount in ${options.currency} with at most ${exponent} decimals`);
    if (!rowOk) continue;
    const key = `${zone}|${fromGrams}`;
    const previous = seen.get(key);
    if (previous !== undefined) {
      errors.push({ line, column: 'from_kg', message: `duplicate break ${zone} from ${cell('from_kg')} kg (first on line ${previous})` });
      continue;
    }
    seen.set(key, line);
    weightBreaks.push({ zone, fromGrams: fromGrams!, perKgMinor: perKg!, perParcelMinor: perParcel! });
  }
  // Per zone: must start at 0 kg, and a heavier break charging more per kg is suspicious (warning only).
  const zones = [...new Set(weightBreaks.map((b) => b.zone))];
  for (const zone of zones) {
    const breaks = weightBreaks.filter((b) => b.zone === zone).sort((a, b) => a.fromGrams - b.fromGrams);
    if (breaks[0]!.fromGrams !== 0)
      errors.push({ line: seen.get(`${zone}|${breaks[0]!.fromGrams}`)!, column: 'from_kg', message: `zone ${zone} has no break starting at 0 kg` });
    for (let i = 1; i < breaks.length; i++)
      if (breaks[i]!.perKgMinor > breaks[i - 1]!.perKgMinor)
        warnings.push({ line: seen.get(`${zone}|${breaks[i]!.fromGrams}`)!, column: 'per_kg', message: `zone ${zone}: per-kg price rises at a heavier break` });
  }
  for (const zone of options.zones ?? []) if (!zones.includes(zone)) warnings.push({ line: headerLine, column: 'zone', message: `lane zone ${zone} has no breaks` });
  if (rows.length === 1) errors.push({ line: headerLine, message: 'no rate rows' });
  return { ok: errors.length === 0, weightBreaks: errors.length === 0 ? weightBreaks : [], errors, warnings };
}

/** Inverse of parseRateCardCsv (for exports / round-trip tests). */
export function formatRateCardCsv(weightBreaks: readonly WeightBreak[], currency: string): string {
  const exponent = minorUnitExponent(currency);
  const money = (minor: number) => (exponent === 0 ? String(minor) : `${Math.floor(minor / 10 ** exponent)}.${String(minor % 10 ** exponent).padStart(exponent, '0')}`);
  const kg = (g: number) => `${Math.floor(g / 1000)}${g % 1000 ? `.${String(g % 1000).padStart(3, '0').replace(/0+$/, '')}` : ''}`;
  const lines = ['zone,from_kg,per_kg,per_parcel'];
  for (const b of weightBreaks) lines.push(`${b.zone},${kg(b.fromGrams)},${money(b.perKgMinor)},${money(b.perParcelMinor)}`);
  return `${lines.join('\n')}\n`;
}
