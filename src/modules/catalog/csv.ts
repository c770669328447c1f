// CSV import and export of products, one row per SKU. Spreadsheets come in many shapes: UTF-8
// with or without BOM, UTF-16 ("Unicode text" from Excel, tab separated), GBK/GB18030 from
// Chinese Excel, ';' as separator, quoted newlines, Excel serial dates. The import reads them
// all, validates every row with the same rules as the API, and reports each bad row with its
// line and column. A real run is all-or-nothing unless partial mode is asked for.

import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import type { AuthContext } from '../../kernel/context.ts';
import type { Executor } from '../../kernel/db.ts';
import { AppError, type FieldError } from '../../kernel/errors.ts';
import { recordAudit } from '../../kernel/audit.ts';
import { emit } from '../../kernel/events.ts';
import { formatDecimal, isCurrency, parseDecimal } from '../../kernel/money.ts';
import { dateOnly, addSku, createProduct, updateProduct, updateSku } from './service.ts';
import {
  canonicalLocale, checkContent, checkSku, COMPLIANCE_FLAGS, complianceFromEngine, LITHIUM_UN,
  type ComplianceFlag, type ComplianceInput, type ProductInput, type SkuInput,
} from './model.ts';

export const ENCODINGS = ['auto', 'utf-8', 'utf-16le', 'utf-16be', 'gbk', 'gb18030'] as const;
export type Encoding = (typeof ENCODINGS)[number];

export interface RowError { line: number; column: string | null; sku: string | null; message: string }
export interface ImportReport {
  dry_run: boolean;
  mode: 'all_or_nothing' | 'partial';
  encoding: string;
  delimiter: string;
  rows: number;
  products: { create: number; update: number };
  skus: { create: number; update: number };
  errors: RowError[];
  warnings: string[];
  ok: boolean;
  applied: boolean;
  skipped_products?: string[];
}

// ---------------------------------------------------------------- decoding

/** Bytes → text: a BOM decides; else valid UTF-8 is UTF-8; NUL-heavy text is UTF-16; otherwise GB18030 (a superset of GBK). */
export function decodeCsv(bytes: Buffer, encoding: Encoding = 'auto'): { text: string; encoding: string } {
  if (encoding !== 'auto') return { text: iconv.decode(bytes, encoding).replace(/^\uFEFF/, ''), encoding };
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { text: bytes.subarray(3).toString('utf8'), encoding: 'utf-8 (BOM)' };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: iconv.decode(bytes.subarray(2), 'utf-16le'), encoding: 'utf-16le (BOM)' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: iconv.decode(bytes.subarray(2), 'utf-16be'), encoding: 'utf-16be (BOM)' };
  const sample = bytes.subarray(0, 400);
  let evenNul = 0, oddNul = 0;
  sample.forEach((b, i) => { if (b === 0) (i % 2 ? oddNul++ : evenNul++); });
  if (oddNul > sample.length / 4) return { text: iconv.decode(bytes, 'utf-16le'), encoding: 'utf-16le' };
  if (evenNul > sample.length / 4) return { text: iconv.decode(bytes, 'utf-16be'), encoding: 'utf-16be' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: iconv.decode(bytes, 'gb18030'), encoding: 'gb18030' };
  }
}

function detectDelimiter(text: string): string {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const counts = [',', ';', '\t'].map((d) => [d, firstLine.split(d).length - 1] as const);
  return counts.sort((a, b) => b[1] - a[1])[0][1] > 0 ? counts[0][0] : ',';
}

// ---------------------------------------------------------------- cell parsing

const TRUE = new Set(['1', 'y', 'yes', 'true', 'x', '✓', '✔', '是', '有', 'ja', 'oui']);
const FALSE = new Set(['', '0', 'n', 'no', 'false', '否', '无', '-', 'nein', 'non']);

function parseBool(v: string): boolean | null {
  const s = v.trim().toLowerCase();
  if (TRUE.has(s)) return true;
  if (FALSE.has(s)) return false;
  return null;
}

/**
 * Dates as spreadsheets write them: 2026-01-05, 2026/1/5, 2026.1.5, 2026年1月5日, an Excel serial
 * number (1900 system: 46027 = 2026-01-05), with or without a time part; d/m/yyyy only when the day
 * is above 12 (otherwise it is ambiguous with m/d/yyyy and we ask for an ISO date).
 */
export function parseSpreadsheetDate(v: string): string {
  const s = v.trim().replace(/[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?Z?$/, '');
  const iso = (y: number, m: number, d: number) => {
    const dt = new Date(Date.UTC(y, m - 1, d));
    if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d) throw new Error(`"${v}" is not a calendar date`);
    return dt.toISOString().slice(0, 10);
  };
  let m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(s);
  if (m) return iso(+m[1], +m[2], +m[3]);
  if (/^\d{1,6}(\.\d+)?$/.test(s)) {
    const serial = Math.floor(Number(s));
    if (serial < 61 || serial > 2958465) throw new Error(`"${v}" is not a usable Excel date serial`);
    return new Date(Date.UTC(1899, 11, 30) + serial * 86_400_000).toISOString().slice(0, 10); // 1900 leap-year bug: serials ≥ 61
  }
  m = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$/.exec(s);
  if (m) {
    const a = +m[1], b = +m[2];
    if (a > 12 && b <= 12) return iso(+m[3], b, a);
    if (b > 12 && a <= 12) return iso(+m[3], a, b);
    throw new Error(`"${v}" is ambiguous (day/month or month/day); write it as YYYY-MM-DD`);
  }
  throw new Error(`"${v}" is not a date; write it as YYYY-MM-DD`);
}

// ---------------------------------------------------------------- header

const FIXED = ['product_key', 'sku', 'brand', 'origin_country', 'hs_code', 'national_codes', 'weight', 'weight_unit', 'length', 'width', 'height', 'dim_unit',
  'lithium_battery', ...Object.keys(COMPLIANCE_FLAGS), 'available_from'];

/** "Title (zh-CN)" → "title_zh-cn"; "SKU" → "sku". Locale parts are canonicalised later. */
function normaliseHeader(h: string): string {
  return h.trim().replace(/^\uFEFF/, '').replace(/[()\[\]]/g, ' ').trim().replace(/\s+/g, '_').replace(/_+/g, '_').toLowerCase();
}

type Column =
  | { kind: 'fixed'; name: string }
  | { kind: 'content'; field: 'title' | 'description' | 'bullets'; locale: string }
  | { kind: 'price'; currency: string }
  | { kind: 'option'; name: string }
  | { kind: 'attr'; name: string }
  | { kind: 'ignored' };

function classifyColumn(raw: string, warnings: string[]): Column {
  const h = normaliseHeader(raw);
  if (FIXED.includes(h)) return { kind: 'fixed', name: h };
  let m = /^(title|description|bullets)_(.+)$/.exec(h);
  if (m) {
    const locale = canonicalLocale(m[2]);
    if (locale) return { kind: 'content', field: m[1] as 'title', locale };
  }
  m = /^price_([a-z]{3})$/.exec(h);
  if (m && isCurrency(m[1].toUpperCase())) return { kind: 'price', currency: m[1].toUpperCase() };
  m = /^option_(.+)$/.exec(h);
  if (m) return { kind: 'option', name: m[1] };
  m = /^attr_(.+)$/.exec(h);
  if (m) return { kind: 'attr', name: m[1] };
  warnings.push(`column "${raw}" is not known and was ignored`);
  return { kind: 'ignored' };
}

// ---------------------------------------------------------------- rows → products

interface ParsedRow {
  line: number;
  productKey: string;
  sku: SkuInput;
  product: Omit<ProductInput, 'skus'>;
  /** which product-level cells the row actually filled (for conflict checks between rows) */
  filled: Record<string, string>;
  columnOf: Record<string, string>; // field path → column name
}

interface Group {
  key: string;
  rows: ParsedRow[];
  input: ProductInput;
  existingId: string | null;
}

function parseRow(cells: string[], cols: Column[], header: string[], line: number, errors: RowError[]): ParsedRow | null {
  const get = (name: string) => { const i = cols.findIndex((c) => c.kind === 'fixed' && c.name === name); return i >= 0 ? (cells[i] ?? '').trim() : ''; };
  const code = get('sku');
  const err = (column: string | null, message: string) => errors.push({ line, column, sku: code || null, message });
  const before = errors.length;
  if (cells.length > header.length && cells.slice(header.length).some((c) => c.trim())) err(null, `the row has ${cells.length} cells but the header has ${header.length} columns`);
  if (!code) err('sku', 'the SKU code is empty');
  const content: Record<string, { title: string; description?: string; bullets?: string[] }> = {};
  const prices: Record<string, number> = {};
  const options: Record<string, string> = {};
  const attributes: Record<string, string> = {};
  const filled: Record<string, string> = {};
  const columnOf: Record<string, string> = { code: header[cols.findIndex((c) => c.kind === 'fixed' && c.name === 'sku')] ?? 'sku' };
  cols.forEach((c, i) => {
    const v = (cells[i] ?? '').trim();
    if (c.kind === 'content') {
      columnOf[`content.${c.locale}.${c.field}`] = header[i];
      if (!v) return;
      const entry = (content[c.locale] ??= { title: '' });
      if (c.field === 'bullets') entry.bullets = v.split(/\s*[|\n]\s*/).filter(Boolean);
      else entry[c.field] = (cells[i] ?? '').trim();
      filled[`${c.field}_${c.locale}`] = v;
    } else if (c.kind === 'price' && v) {
      columnOf[`prices.${c.currency}`] = header[i];
      try {
        prices[c.currency] = parseDecimal(v.replace(/[\s\u00a0]/g, '').replace(/^[^\d-]+/, ''), c.currency, header[i]);
        if (prices[c.currency] < 0) err(header[i], 'a price cannot be negative');
      } catch (e) {
        err(header[i], e instanceof AppError ? e.message : String(e));
      }
    } else if (c.kind === 'option' && v) options[c.name] = v;
    else if (c.kind === 'attr' && v) { attributes[c.name] = v; filled[`attr_${c.name}`] = v; }
  });
  const compliance: ComplianceInput = {};
  const lb = get('lithium_battery').toUpperCase().replace(/\s/g, '');
  if (lb && !FALSE.has(lb.toLowerCase())) {
    if ((LITHIUM_UN as readonly string[]).includes(lb)) compliance.lithium_battery = lb as ComplianceInput['lithium_battery'];
    else err('lithium_battery', `"${lb}" is not one of ${LITHIUM_UN.join(', ')}`);
  }
  const has = (name: string) => cols.some((c) => c.kind === 'fixed' && c.name === name);
  // A flag column that is present sets the flag either way (the file is the source of truth);
  // an absent column leaves the stored flag alone.
  for (const flag of Object.keys(COMPLIANCE_FLAGS) as ComplianceFlag[]) {
    if (!has(flag)) continue;
    const v = get(flag);
    const b = parseBool(v);
    if (b === null) err(flag, `"${v}" is not yes/no`);
    else compliance[flag] = b;
  }
  if (has('lithium_battery') && !compliance.lithium_battery && (!lb || FALSE.has(lb.toLowerCase()))) compliance.lithium_battery = null;
  const national_codes: Record<string, string> = {};
  const nc = get('national_codes');
  if (nc) {
    for (const part of nc.split(/[;,\s]+/).filter(Boolean)) {
      const m = /^([A-Za-z]{2})[:=](.+)$/.exec(part);
      if (!m) err('national_codes', `"${part}" should look like US:6110202020`);
      else national_codes[m[1].toUpperCase()] = m[2];
    }
  }
  const weight = get('weight');
  const length = get('length'), width = get('width'), height = get('height');
  if ([length, width, height].some(Boolean) && ![length, width, height].every(Boolean)) err('length', 'give length, width and height together');
  let available_from: string | undefined;
  if (get('available_from')) {
    try { available_from = parseSpreadsheetDate(get('available_from')); } catch (e: any) { err('available_from', e.message); }
  }
  const origin = get('origin_country').toUpperCase();
  if (origin && !/^[A-Z]{2}$/.test(origin)) err('origin_country', `"${origin}" is not a two-letter ISO country code`);
  if (get('brand')) filled.brand = get('brand');
  if (origin) filled.origin_country = origin;
  if (errors.length > before && !code) return null;
  const sku: SkuInput = {
    code,
    ...(Object.keys(options).length ? { options } : {}),
    ...(get('hs_code') ? { hs_code: get('hs_code') } : {}),
    ...(Object.keys(national_codes).length ? { national_codes } : {}),
    ...(weight ? { weight: { value: weight, unit: get('weight_unit') || 'g' } } : {}),
    ...(length && width && height ? { dimensions: { length, width, height, unit: get('dim_unit') || 'mm' } } : {}),
    ...(Object.keys(prices).length ? { prices } : {}),
  };
  const product: Omit<ProductInput, 'skus'> = {
    content: content as ProductInput['content'],
    ...(get('brand') ? { brand: get('brand') } : {}),
    ...(origin ? { origin_country: origin } : {}),
    ...(Object.keys(attributes).length ? { attributes } : {}),
    compliance,
    ...(available_from ? { available_from } : {}),
  };
  return { line, productKey: get('product_key') || code, sku, product, filled, columnOf };
}

const COLUMN_FOR: Record<string, string> = { hs_code: 'hs_code', weight: 'weight', dimensions: 'length', national_codes: 'national_codes', code: 'sku' };

function fieldToColumn(field: string, row: ParsedRow): string | null {
  if (row.columnOf[field]) return row.columnOf[field];
  const head = field.split('.')[0];
  if (head === 'national_codes') return 'national_codes';
  if (head === 'content') {
    const [, locale, f] = field.split('.');
    return `${f ?? 'title'}_${locale}`;
  }
  return COLUMN_FOR[head] ?? head;
}

export interface ImportOptions { dryRun: boolean; mode: 'all_or_nothing' | 'partial'; encoding?: Encoding }

export async function importCsv(tx: Executor, ctx: AuthContext, bytes: Buffer, opts: ImportOptions): Promise<ImportReport> {
  const { text, encoding } = decodeCsv(bytes, opts.encoding ?? 'auto');
  const delimiter = detectDelimiter(text);
  const report: ImportReport = {
    dry_run: opts.dryRun, mode: opts.mode, encoding, delimiter: delimiter === '\t' ? 'tab' : delimiter, rows: 0,
    products: { create: 0, update: 0 }, skus: { create: 0, update: 0 }, errors: [], warnings: [], ok: false, applied: false,
  };
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { info: true, relax_column_count: true, delimiter, skip_empty_lines: false, relax_quotes: false }) as any;
  } catch (e: any) {
    report.errors.push({ line: e.lines ?? 1, column: null, sku: null, message: `the file is not valid CSV: ${String(e.message).replace(/^[A-Za-z ]+: /, '')}` });
    return finish(tx, ctx, report);
  }
  if (!records.length) {
    report.errors.push({ line: 1, column: null, sku: null, message: 'the file is empty' });
    return finish(tx, ctx, report);
  }
  const header = records[0].record.map((h) => h.trim());
  const cols = header.map((h) => classifyColumn(h, report.warnings));
  const names = cols.map((c) => (c.kind === 'fixed' ? c.name : ''));
  for (const required of ['sku']) if (!names.includes(required)) report.errors.push({ line: 1, column: required, sku: null, message: `the header needs a "${required}" column` });
  if (!cols.some((c) => c.kind === 'content' && c.locale === 'en' && c.field === 'title')) report.errors.push({ line: 1, column: 'title_en', sku: null, message: 'the header needs a "title_en" column' });
  if (report.errors.length) return finish(tx, ctx, report);

  const rows: ParsedRow[] = [];
  let prevEnd = records[0].info.lines;
  for (const r of records.slice(1)) {
    const line = prevEnd + 1;
    prevEnd = r.info.lines;
    if (r.record.every((c) => !c.trim())) continue; // blank line
    report.rows++;
    const row = parseRow(r.record, cols, header, line, report.errors);
    if (row) rows.push(row);
  }
  if (report.rows === 0) report.errors.push({ line: 2, column: null, sku: null, message: 'the file has a header but no rows' });

  // Group rows into products; product-level cells must agree between a product's rows.
  const groups = new Map<string, Group>();
  for (const row of rows) {
    const g = groups.get(row.productKey.toLowerCase());
    if (!g) {
      groups.set(row.productKey.toLowerCase(), { key: row.productKey, rows: [row], input: { ...row.product, handle: /^[A-Za-z0-9][A-Za-z0-9._\-]*$/.test(row.productKey) ? row.productKey : undefined, skus: [row.sku] }, existingId: null });
      continue;
    }
    const first = g.rows[0];
    for (const [k, v] of Object.entries(row.filled)) {
      if (first.filled[k] !== undefined && first.filled[k] !== v) {
        report.errors.push({ line: row.line, column: k, sku: row.sku.code, message: `${k} is "${v}" here but "${first.filled[k]}" on line ${first.line} of the same product ${g.key}` });
      }
    }
    for (const [locale, c] of Object.entries(row.product.content)) g.input.content[locale] ??= c;
    g.rows.push(row);
    g.input.skus!.push(row.sku);
  }

  // Validate each product with the API's rules; map field errors back to the row and column.
  const codeOwner = new Map<string, { productId: string; skuId: string }>();
  const allCodes = rows.map((r) => r.sku.code.toLowerCase()).filter(Boolean);
  if (allCodes.length) {
    for (const s of await tx.query(`SELECT id, product_id, lower(code) AS code FROM catalog_skus WHERE org_id = $1 AND lower(code) = ANY($2)`, [ctx.orgId, allCodes])) codeOwner.set(s.code, { productId: s.product_id, skuId: s.id });
  }
  const seenCodes = new Map<string, number>();
  for (const g of groups.values()) {
    if (/^prod_[0-9A-HJKMNP-TV-Z]{26}$/.test(g.key)) {
      // An exported product without a handle is keyed by its id.
      const p = await tx.maybeOne(`SELECT id FROM catalog_products WHERE org_id = $1 AND id = $2 AND status = 'active'`, [ctx.orgId, g.key]);
      g.existingId = p?.id ?? null;
      delete g.input.handle;
      if (!p) report.errors.push({ line: g.rows[0].line, column: 'product_key', sku: g.rows[0].sku.code, message: `product ${g.key} is not in this catalogue` });
    } else if (g.input.handle) {
      const p = await tx.maybeOne(`SELECT id, status FROM catalog_products WHERE org_id = $1 AND handle = $2`, [ctx.orgId, g.input.handle]);
      g.existingId = p?.status === 'active' ? p.id : null;
      if (p && p.status !== 'active') report.errors.push({ line: g.rows[0].line, column: 'product_key', sku: g.rows[0].sku.code, message: `product ${g.key} was archived (${p.id}); use another product key` });
    }
    const fieldErrors: FieldError[] = [];
    checkContent(g.input.content, fieldErrors);
    for (const e of fieldErrors) {
      const locale = e.field.split('.')[1];
      const row = g.rows.find((r) => r.product.content[locale]) ?? g.rows[0];
      report.errors.push({ line: row.line, column: fieldToColumn(e.field, row), sku: row.sku.code, message: e.message });
    }
    g.rows.forEach((row) => {
      const errs: FieldError[] = [];
      if (!row.sku.code) return;
      checkSku(row.sku, '', errs);
      for (const e of errs) report.errors.push({ line: row.line, column: fieldToColumn(e.field, row), sku: row.sku.code, message: e.message });
      const lower = row.sku.code.toLowerCase();
      if (seenCodes.has(lower)) report.errors.push({ line: row.line, column: 'sku', sku: row.sku.code, message: `SKU ${row.sku.code} is already on line ${seenCodes.get(lower)}` });
      seenCodes.set(lower, row.line);
      const owner = codeOwner.get(lower);
      if (owner && owner.productId !== g.existingId) report.errors.push({ line: row.line, column: 'sku', sku: row.sku.code, message: `SKU ${row.sku.code} already belongs to another product (${owner.productId})` });
    });
  }
  report.errors.sort((a, b) => a.line - b.line);

  const badLines = new Set(report.errors.map((e) => e.line));
  const writable = [...groups.values()].filter((g) => !g.rows.some((r) => badLines.has(r.line)));
  for (const g of writable) {
    g.existingId ? report.products.update++ : report.products.create++;
    for (const r of g.rows) codeOwner.has(r.sku.code.toLowerCase()) ? report.skus.update++ : report.skus.create++;
  }
  if (opts.mode === 'partial') report.skipped_products = [...groups.values()].filter((g) => !writable.includes(g)).map((g) => g.key);
  const fileLevel = report.errors.some((e) => !rows.some((r) => r.line === e.line));
  report.ok = report.errors.length === 0;
  if (opts.dryRun || (!report.ok && (opts.mode === 'all_or_nothing' || fileLevel))) return finish(tx, ctx, report);

  // Apply: new products are created, products whose handle exists are updated (SKUs upserted by code).
  for (const g of writable) {
    if (!g.existingId) {
      await createProduct(tx, ctx, g.input, { hsSource: 'import', via: 'csv', uniquenessChecked: true });
      continue;
    }
    const { skus, ...fields } = g.input;
    await updateProduct(tx, ctx, g.existingId, { ...fields, content: await mergedContent(tx, g.existingId, fields.content) }, { via: 'csv' });
    for (const s of skus!) {
      const owner = codeOwner.get(s.code.toLowerCase());
      if (owner) await updateSku(tx, ctx, owner.skuId, s, { hsSource: 'import', via: 'csv' });
      else await addSku(tx, ctx, g.existingId, s);
    }
  }
  report.applied = true;
  return finish(tx, ctx, report);
}

async function mergedContent(tx: Executor, productId: string, content: ProductInput['content']) {
  const row = await tx.one(`SELECT content FROM catalog_products WHERE id = $1`, [productId]);
  return { ...row.content, ...content };
}

async function finish(tx: Executor, ctx: AuthContext, report: ImportReport) {
  if (report.applied) {
    await recordAudit(tx, ctx, { action: 'catalog.import', entityType: 'catalog_import', entityId: ctx.requestId, after: { rows: report.rows, products: report.products, skus: report.skus, errors: report.errors.length, mode: report.mode } });
    await emit(tx, ctx, { type: 'catalog.import.completed', entityType: 'catalog_import', entityId: ctx.requestId, orgId: ctx.orgId, payload: { rows: report.rows, products: report.products, skus: report.skus, errors: report.errors.length } });
  }
  return report;
}

// ---------------------------------------------------------------- export

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Every active product's SKUs as CSV (UTF-8 with BOM and CRLF, which Excel opens correctly). */
export async function exportCsv(tx: Executor, ctx: AuthContext): Promise<string> {
  const products = await tx.query(`SELECT * FROM catalog_products WHERE org_id = $1 AND status = 'active' ORDER BY id`, [ctx.orgId]);
  const skus = await tx.query(`SELECT * FROM catalog_skus WHERE org_id = $1 AND status = 'active' ORDER BY product_id, code`, [ctx.orgId]);
  const locales = new Set<string>(['en', 'zh-CN']);
  const currencies = new Set<string>();
  const options = new Set<string>();
  const attrs = new Set<string>();
  for (const p of products) { Object.keys(p.content ?? {}).forEach((l) => locales.add(l)); Object.keys(p.attributes ?? {}).forEach((a) => attrs.add(a)); }
  for (const s of skus) { Object.keys(s.prices ?? {}).forEach((c) => currencies.add(c)); Object.keys(s.options ?? {}).forEach((o) => options.add(o)); }
  const loc = [...locales];
  const header = [
    'product_key', 'sku', ...loc.map((l) => `title_${l}`), ...loc.map((l) => `description_${l}`), ...loc.map((l) => `bullets_${l}`),
    'brand', 'origin_country', 'hs_code', 'national_codes', 'weight', 'weight_unit', 'length', 'width', 'height', 'dim_unit',
    ...[...currencies].sort().map((c) => `price_${c}`), 'lithium_battery', ...Object.keys(COMPLIANCE_FLAGS), 'available_from',
    ...[...options].sort().map((o) => `option_${o}`), ...[...attrs].sort().map((a) => `attr_${a}`),
  ];
  const lines = [header.map(csvCell).join(',')];
  for (const p of products) {
    const compliance = complianceFromEngine(p.compliance ?? {});
    for (const s of skus.filter((x: any) => x.product_id === p.id)) {
      const c = p.content ?? {};
      lines.push([
        p.handle ?? p.id, s.code, ...loc.map((l) => c[l]?.title ?? ''), ...loc.map((l) => c[l]?.description ?? ''), ...loc.map((l) => (c[l]?.bullets ?? []).join(' | ')),
        p.brand ?? '', p.origin_country ?? '', s.hs_code ?? '', Object.entries(s.national_codes ?? {}).map(([m, v]) => `${m}:${v}`).join(';'),
        s.weight_grams ?? '', s.weight_grams ? 'g' : '', s.length_mm ?? '', s.width_mm ?? '', s.height_mm ?? '', s.length_mm ? 'mm' : '',
        ...[...currencies].sort().map((cur) => (s.prices?.[cur] !== undefined ? formatDecimal(s.prices[cur], cur) : '')),
        compliance.lithium_battery ?? '', ...Object.keys(COMPLIANCE_FLAGS).map((f) => (compliance[f as ComplianceFlag] ? 'yes' : 'no')),
        p.available_from ? dateOnly(p.available_from) : '',
        ...[...options].sort().map((o) => s.options?.[o] ?? ''), ...[...attrs].sort().map((a) => p.attributes?.[a] ?? ''),
      ].map(csvCell).join(','));
    }
  }
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}
