// Spreadsheet order import: one row per order line, rows grouped by `order_number`.
// All-or-nothing: any row error → no orders, every error reported with its physical line number.
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import type { AdapterResult, ChannelOrder, ChannelOrderLine, Issue, PaymentStatus } from './model';
import { MoneyError, minorUnitDigits, parseMoney } from './money';
import { normaliseCountry, normalisePhone } from './address';
import { excelSerialToUtcIso, toUtcIso } from './time';

/** Column names of the Tradelane order CSV (v1). Headers are matched case-insensitively; spaces/dashes = underscores. */
export const CSV_ORDER_COLUMNS = {
  required: ['order_number', 'order_date', 'currency', 'sku', 'quantity', 'unit_price', 'ship_name', 'ship_line1', 'ship_city', 'ship_country'],
  optional: [
    'line_id', 'title', 'tax_rate', 'tax_amount',
    'buyer_name', 'buyer_email', 'buyer_phone',
    'ship_company', 'ship_line2', 'ship_region', 'ship_postcode', 'ship_phone',
    'shipping', 'discount', 'order_total', 'payment_status', 'note', 'tags',
  ],
} as const;

/** Columns that describe the order, not the line: continuation rows may leave them blank, but may not contradict the first row. */
const ORDER_LEVEL = [
  'order_date', 'currency', 'buyer_name', 'buyer_email', 'buyer_phone', 'ship_name', 'ship_company', 'ship_line1', 'ship_line2',
  'ship_city', 'ship_region', 'ship_postcode', 'ship_country', 'ship_phone', 'shipping', 'discount', 'order_total', 'payment_status', 'note', 'tags',
];

/** Common Chinese headers from marketplace/ERP exports (GBK files), mapped to our names. */
const HEADER_ALIASES: Record<string, string> = {
  订单号: 'order_number', 下单时间: 'order_date', 币种: 'currency', 数量: 'quantity', 单价: 'unit_price', 商品名称: 'title',
  收件人: 'ship_name', 地址: 'ship_line1', 地址2: 'ship_line2', 城市: 'ship_city', 省州: 'ship_region', 邮编: 'ship_postcode',
  国家: 'ship_country', 电话: 'ship_phone', 运费: 'shipping', 备注: 'note', 买家: 'buyer_name', 邮箱: 'buyer_email',
  order_no: 'order_number', order_id: 'order_number', qty: 'quantity', price: 'unit_price', country: 'ship_country', postcode: 'ship_postcode', zip: 'ship_postcode',
};

const PAYMENT_VALUES: PaymentStatus[] = ['pending', 'authorized', 'paid', 'partially_paid', 'partially_refunded', 'refunded', 'voided', 'failed', 'unknown'];

export interface CsvImportOptions {
  /** Encoding when the bytes carry no BOM (iconv-lite names: 'gbk', 'gb18030', 'utf-16le', 'shift_jis', 'windows-1252'…). Default: strict UTF-8. */
  encoding?: string;
  /** Offset applied to dates without a zone (Excel serials, "2024-05-01 10:00"), minutes east of UTC. Default 0 (UTC). */
  naiveDateOffsetMinutes?: number;
  /** Channel recorded on the orders. Default 'csv'. */
  channel?: 'csv' | 'api' | 'storefront';
}

/** Decode bytes: BOM first (UTF-8, UTF-16LE/BE), then the caller's encoding, else strict UTF-8. */
export function decodeCsvBytes(input: Uint8Array | string, encoding?: string): { text: string } | { error: string } {
  if (typeof input === 'string') return { text: input.replace(/^\uFEFF/, '') };
  const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { text: bytes.subarray(3).toString('utf8') };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: iconv.decode(bytes.subarray(2), 'utf-16le') };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: iconv.decode(bytes.subarray(2), 'utf-16be') };
  if (encoding && !/^utf-?8$/i.test(encoding)) {
    if (!iconv.encodingExists(encoding)) return { error: `unknown encoding "${encoding}"` };
    return { text: iconv.decode(bytes, encoding) };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { error: 'file is not valid UTF-8; pass the encoding (e.g. "gbk" or "utf-16le")' };
  }
}

/** Parse a CSV date: Excel serial number, ISO with zone, or naive YYYY-MM-DD[ HH:MM[:SS]] shifted by the offset. */
export function parseCsvDate(value: string, naiveOffsetMinutes = 0): string | null {
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) {
    const iso = excelSerialToUtcIso(Number(text));
    return iso ? new Date(Date.parse(iso) - naiveOffsetMinutes * 60_000).toISOString() : null;
  }
  const zoned = toUtcIso(text, false);
  if (zoned) return zoned;
  const naive = toUtcIso(text.replace(/\//g, '-'), true);
  return naive ? new Date(Date.parse(naive) - naiveOffsetMinutes * 60_000).toISOString() : null;
}

function normaliseHeader(h: string): string {
  const key = h.trim().toLowerCase().replace(/[\s-]+/g, '_');
  return HEADER_ALIASES[h.trim()] ?? HEADER_ALIASES[key] ?? key;
}

interface Row {
  line: number;
  values: Record<string, string>;
}

export function parseCsvOrders(input: Uint8Array | string, options: CsvImportOptions = {}): AdapterResult<ChannelOrder[]> {
  const errors: Issue[] = [];
  const warnings: Issue[] = [];
  const fail = (line: number | undefined, path: string, code: string, message: string) =>
    errors.push(line === undefined ? { path, code, message } : { path, code, message, line });

  const decoded = decodeCsvBytes(input, options.encoding);
  if ('error' in decoded) return { ok: false, errors: [{ path: 'file', code: 'encoding', message: decoded.error }], warnings };

  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(decoded.text, { info: true, relax_column_count: true, skip_empty_lines: false, trim: false }) as unknown as typeof records;
  } catch (e) {
    const err = e as { message: string; lines?: number };
    return { ok: false, errors: [{ path: 'file', code: 'csv_syntax', message: err.message, ...(err.lines ? { line: err.lines } : {}) }], warnings };
  }
  if (records.length === 0) return { ok: false, errors: [{ path: 'file', code: 'empty', message: 'no header row' }], warnings };

  // A record's first physical line is one after the previous record's last line (quoted newlines span lines).
  const startLine = (i: number) => (i === 0 ? 1 : records[i - 1]!.info.lines + 1);
  const header = records[0]!.record.map(normaliseHeader);
  const missing = CSV_ORDER_COLUMNS.required.filter((col) => !header.includes(col));
  if (missing.length) fail(1, 'header', 'missing_columns', `missing required columns: ${missing.join(', ')}`);
  const duplicated = header.filter((h, i) => h !== '' && header.indexOf(h) !== i);
  if (duplicated.length) fail(1, 'header', 'duplicate_columns', `duplicate columns: ${[...new Set(duplicated)].join(', ')}`);
  const known = new Set<string>([...CSV_ORDER_COLUMNS.required, ...CSV_ORDER_COLUMNS.optional]);
  const unknown = header.filter((h) => h !== '' && !known.has(h));
  if (unknown.length) warnings.push({ path: 'header', code: 'unknown_columns', message: `ignored columns: ${unknown.join(', ')}`, line: 1 });
  if (errors.length) return { ok: false, errors, warnings };

  const rows: Row[] = [];
  for (let i = 1; i < records.length; i++) {
    const { record } = records[i]!;
    const line = startLine(i);
    if (record.every((cell) => cell.trim() === '')) continue; // blank spreadsheet rows
    if (record.length !== header.length) {
      fail(line, `row ${line}`, 'column_count', `expected ${header.length} columns, found ${record.length}`);
      continue;
    }
    const values: Record<string, string> = {};
    header.forEach((h, j) => (values[h] = record[j]!.trim()));
    rows.push({ line, values });
  }

  // Group rows by order number, keeping first-seen order.
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const key = row.values.order_number ?? '';
    if (!key) {
      fail(row.line, `row ${row.line}.order_number`, 'required', 'order_number is empty');
      continue;
    }
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }

  const orders: ChannelOrder[] = [];
  for (const [orderNumber, group] of groups) {
    // Order-level values: first non-blank wins; a different non-blank value on a later row is an error.
    const order: Record<string, string> = {};
    for (const row of group) {
      for (const col of ORDER_LEVEL) {
        const v = row.values[col] ?? '';
        if (v === '') continue;
        if (order[col] === undefined) order[col] = v;
        else if (order[col] !== v) fail(row.line, `row ${row.line}.${col}`, 'order_conflict', `${col} "${v}" contradicts "${order[col]}" on an earlier row of order ${orderNumber}`);
      }
    }
    const firstLine = group[0]!.line;
    for (const col of ['order_date', 'currency', 'ship_name', 'ship_line1', 'ship_city', 'ship_country']) {
      if (!order[col]) fail(firstLine, `row ${firstLine}.${col}`, 'required', `${col} is empty for order ${orderNumber}`);
    }
    const currency = (order.currency ?? '').toUpperCase();
    let currencyOk = true;
    try {
      if (currency) minorUnitDigits(currency);
    } catch {
      currencyOk = false;
      fail(firstLine, `row ${firstLine}.currency`, 'unknown_currency', `"${currency}" is not an ISO 4217 code`);
    }
    const money = (line: number, col: string, value: string | undefined): number => {
      if (!value || !currencyOk || !currency) return 0;
      // Thousands separators are accepted only in strict 1,234,567.89 grouping; "12,50" (decimal comma)
      // is refused rather than read as 1250.
      const plain = /^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(value) ? value.replace(/,/g, '') : value;
      try {
        return parseMoney(plain, currency);
      } catch (e) {
        if (e instanceof MoneyError) fail(line, `row ${line}.${col}`, e.code, e.message);
        else throw e;
        return 0;
      }
    };
    const createdAt = order.order_date ? parseCsvDate(order.order_date, options.naiveDateOffsetMinutes) : null;
    if (order.order_date && !createdAt) {
      fail(firstLine, `row ${firstLine}.order_date`, 'bad_date', `"${order.order_date}" is not an Excel serial, ISO date or YYYY-MM-DD[ HH:MM[:SS]]`);
    }
    const country = order.ship_country ? normaliseCountry(order.ship_country) : null;
    if (order.ship_country && !country) fail(firstLine, `row ${firstLine}.ship_country`, 'bad_country', `"${order.ship_country}" is not an ISO 3166-1 country`);
    const payment = (order.payment_status ?? 'unknown').toLowerCase() as PaymentStatus;
    if (!PAYMENT_VALUES.includes(payment)) fail(firstLine, `row ${firstLine}.payment_status`, 'bad_payment_status', `"${order.payment_status}" is not one of ${PAYMENT_VALUES.join(', ')}`);

    const lines: ChannelOrderLine[] = group.map((row, index) => {
      const v = row.values;
      const quantity = Number(v.quantity);
      if (!/^\d+$/.test(v.quantity ?? '') || quantity <= 0) fail(row.line, `row ${row.line}.quantity`, 'bad_quantity', `quantity "${v.quantity}" must be a positive whole number`);
      if (!v.sku) fail(row.line, `row ${row.line}.sku`, 'required', 'sku is empty');
      if (!v.unit_price) fail(row.line, `row ${row.line}.unit_price`, 'required', 'unit_price is empty');
      const unitPrice = money(row.line, 'unit_price', v.unit_price);
      const taxLines = [];
      if (v.tax_rate && !v.tax_amount) fail(row.line, `row ${row.line}.tax_amount`, 'required', 'tax_amount is required when tax_rate is given (the importer does not round tax)');
      if (v.tax_amount) {
        const rate = v.tax_rate ? Number(v.tax_rate.replace('%', '')) / 100 : null;
        if (rate !== null && !Number.isFinite(rate)) fail(row.line, `row ${row.line}.tax_rate`, 'bad_rate', `"${v.tax_rate}" is not a percentage`);
        taxLines.push({ title: 'Tax', rate, amount: money(row.line, 'tax_amount', v.tax_amount) });
      }
      return {
        externalLineId: v.line_id || `${orderNumber}-${index + 1}`,
        sku: v.sku ?? '',
        title: v.title || v.sku || '',
        quantity,
        unitPrice,
        lineTotal: unitPrice * quantity,
        currency,
        taxLines,
      };
    });
    const subtotal = lines.reduce((s, l) => s + l.lineTotal, 0);
    const tax = lines.reduce((s, l) => s + l.taxLines.reduce((t, x) => t + x.amount, 0), 0);
    const shipping = money(firstLine, 'shipping', order.shipping);
    const discount = Math.abs(money(firstLine, 'discount', order.discount));
    const computed = subtotal + shipping + tax - discount;
    const total = order.order_total ? money(firstLine, 'order_total', order.order_total) : computed;
    if (order.order_total && currencyOk && total !== computed) {
      fail(firstLine, `row ${firstLine}.order_total`, 'total_mismatch', `order_total ${order.order_total} ≠ lines + shipping + tax − discount (${computed} minor units)`);
    }
    const phone = (raw: string | undefined, col: string): string | undefined => {
      if (!raw) return undefined;
      const result = normalisePhone(raw, country ?? undefined);
      if (result.ok) return result.e164;
      warnings.push({ path: `row ${firstLine}.${col}`, code: 'phone_not_e164', message: `phone "${raw}" kept verbatim (${result.reason})`, line: firstLine });
      return raw;
    };
    const shipTo: ChannelOrder['shipTo'] = { name: order.ship_name ?? '', line1: order.ship_line1 ?? '', city: order.ship_city ?? '', country: country ?? '' };
    if (order.ship_company) shipTo.company = order.ship_company;
    if (order.ship_line2) shipTo.line2 = order.ship_line2;
    if (order.ship_region) shipTo.region = order.ship_region;
    if (order.ship_postcode) shipTo.postcode = order.ship_postcode;
    const shipPhone = phone(order.ship_phone, 'ship_phone');
    if (shipPhone) shipTo.phone = shipPhone;
    const buyer: ChannelOrder['buyer'] = { name: order.buyer_name || order.ship_name || '' };
    if (order.buyer_email) buyer.email = order.buyer_email;
    const buyerPhone = phone(order.buyer_phone, 'buyer_phone');
    if (buyerPhone) buyer.phone = buyerPhone;
    orders.push({
      channel: options.channel ?? 'csv',
      externalId: orderNumber,
      externalNumber: orderNumber,
      createdAt: createdAt ?? '',
      buyer,
      shipTo,
      lines,
      totals: { subtotal, shipping, tax, discount, total },
      taxesIncluded: false,
      taxLines: [],
      currency,
      paymentStatus: PAYMENT_VALUES.includes(payment) ? payment : 'unknown',
      fulfilmentStatus: 'unfulfilled',
      cancelled: null,
      tags: (order.tags ?? '').split(/[;,]/).map((t) => t.trim()).filter(Boolean),
      note: order.note ?? '',
      raw: group.map((row) => ({ line: row.line, ...row.values })),
    });
  }
  errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return errors.length ? { ok: false, errors, warnings } : { ok: true, value: orders, warnings };
}
