// Shipping documents as PDF: a 4×6 in label with a Code 128 barcode, a commercial invoice and a
// packing list, bilingual (English / 简体中文). All text is set in WenQuanYi Micro Hei
// (data/fonts, shared with the ledger) so Chinese and English render with one embedded font.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import bwipjs from 'bwip-js/node';
import PDFDocument from 'pdfkit';
import { minorUnitExponent } from '../../engines/routing/index.ts';
import type { UnifiedShipment } from './carriers.ts';
import type { AddressInput } from './inputs.ts';

export const CJK_FONT_PATH = fileURLToPath(new URL('../../../data/fonts/wqy-microhei.ttc', import.meta.url));
const CJK_FONT_FAMILY = 'WenQuanYiMicroHei';

export interface DocumentInput {
  bookingId: string;
  trackingNumber: string | null;
  date: string; // YYYY-MM-DD
  shipment: UnifiedShipment;
}

/** Minor units → decimal string with the currency's exponent (exact, no floats). */
export function formatMinor(amountMinor: number, currency: string): string {
  const exp = minorUnitExponent(currency);
  const neg = amountMinor < 0;
  const digits = String(Math.abs(amountMinor)).padStart(exp + 1, '0');
  const out = exp === 0 ? digits : `${digits.slice(0, -exp)}.${digits.slice(-exp)}`;
  return `${neg ? '-' : ''}${out}`;
}

const kg = (grams: number) => `${(grams / 1000).toFixed(3)} kg`;

function render(size: [number, number] | string, margin: number, title: string, draw: (doc: PDFKit.PDFDocument) => void | Promise<void>): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (!existsSync(CJK_FONT_PATH)) return reject(new Error(`CJK font missing at ${CJK_FONT_PATH}`));
    const doc = new PDFDocument({ size, margin, info: { Title: title, Producer: 'Tradelane' } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.registerFont('cjk', CJK_FONT_PATH, CJK_FONT_FAMILY);
    doc.font('cjk');
    Promise.resolve(draw(doc)).then(() => doc.end(), reject);
  });
}

const addressLines = (a: AddressInput) => [a.company, a.name, a.line1, a.line2, [a.postcode, a.city, a.state].filter(Boolean).join(' '), a.country, a.phone].filter((x): x is string => !!x);

export function code128(text: string): Promise<Buffer> {
  return bwipjs.toBuffer({ bcid: 'code128', text, scale: 3, height: 14, includetext: false });
}

/** 4 × 6 in (288 × 432 pt) shipping label. */
export async function labelPdf(d: DocumentInput): Promise<Buffer> {
  const s = d.shipment;
  const code = d.trackingNumber ?? d.bookingId;
  const barcode = await code128(code);
  const grams = s.parcels.reduce((t, p) => t + p.weightGrams, 0);
  return render([288, 432], 14, `Label ${code}`, (doc) => {
    doc.fontSize(9).text(`${s.service.laneName}  ·  ${s.service.mode.toUpperCase()}  ·  ${s.incoterm}`, { width: 260 });
    doc.moveDown(0.3).fontSize(7).text('FROM 发件人');
    doc.fontSize(8).text(addressLines(s.shipper).join('\n'), { width: 260 });
    doc.moveDown(0.4).fontSize(7).text('TO 收件人');
    doc.fontSize(12).text(addressLines(s.consignee).join('\n'), { width: 260 });
    doc.moveDown(0.4).fontSize(8).text(`Parcels 件数: ${s.parcels.length}   Weight 重量: ${kg(grams)}   Date 日期: ${d.date}`);
    doc.text(`Orders 订单: ${s.orders.map((o) => o.ref).join(', ')}`, { width: 260 });
    doc.image(barcode, 24, 300, { width: 240, height: 80 });
    doc.fontSize(11).text(code, 14, 388, { width: 260, align: 'center' });
    doc.fontSize(6).text(`Booking ${d.bookingId}`, 14, 408, { width: 260, align: 'center' });
  });
}

/** Commercial invoice: parties, incoterm, every line with HS code, origin, quantity and values, totals, packages and weights. */
export function commercialInvoicePdf(d: DocumentInput): Promise<Buffer> {
  const s = d.shipment;
  const cur = s.declaredValue.currency;
  const lines = s.orders.flatMap((o) => o.lines.map((l) => ({ ...l, order: o.ref })));
  const net = lines.reduce((t, l) => t + l.unit_weight_grams * l.quantity, 0);
  const gross = s.parcels.reduce((t, p) => t + p.weightGrams, 0);
  const total = lines.reduce((t, l) => t + l.unit_value_minor * l.quantity, 0);
  return render('A4', 40, `Commercial invoice ${d.bookingId}`, (doc) => {
    doc.fontSize(16).text('COMMERCIAL INVOICE 商业发票');
    doc.fontSize(9).text(`Invoice No. 发票号: ${d.bookingId}    Date 日期: ${d.date}    Orders 订单: ${s.orders.map((o) => o.ref).join(', ')}`);
    if (d.trackingNumber) doc.text(`Tracking No. 运单号: ${d.trackingNumber}`);
    doc.moveDown(0.5).fontSize(10).text('Shipper / Exporter 发货人');
    doc.fontSize(9).text(addressLines(s.shipper).join(', '));
    doc.moveDown(0.3).fontSize(10).text('Consignee 收货人');
    doc.fontSize(9).text(addressLines(s.consignee).join(', '));
    doc.moveDown(0.3).text(`Incoterm 贸易条款: ${s.incoterm}    Currency 币种: ${cur}    Carrier lane 承运线路: ${s.service.laneName}`);
    doc.moveDown(0.5).fontSize(10).text('Goods 货物明细');
    doc.fontSize(8);
    for (const l of lines) {
      doc.text(`${l.sku} | ${l.description}${l.description_zh ? ' ' + l.description_zh : ''} | HS ${l.hs_code ?? '—'} | Origin 原产地 ${l.origin_country ?? '—'} | Qty 数量 ${l.quantity} | Unit 单价 ${formatMinor(l.unit_value_minor, cur)} | Total 金额 ${formatMinor(l.unit_value_minor * l.quantity, cur)} ${cur} | Net 净重 ${kg(l.unit_weight_grams * l.quantity)}`);
    }
    doc.moveDown(0.5).fontSize(10).text(`Total value 总金额: ${formatMinor(total, cur)} ${cur}`);
    doc.fontSize(9).text(`Number of packages 件数: ${s.parcels.length}    Net weight 净重: ${kg(net)}    Gross weight 毛重: ${kg(gross)}`);
    doc.moveDown().fontSize(8).text('I declare that the information on this invoice is true and correct. 本人声明以上信息真实无误。');
    doc.moveDown().text('Signature 签名: ______________________');
  });
}

/** Packing list: each package with its orders, contents, dimensions and weight. */
export function packingListPdf(d: DocumentInput): Promise<Buffer> {
  const s = d.shipment;
  const gross = s.parcels.reduce((t, p) => t + p.weightGrams, 0);
  return render('A4', 40, `Packing list ${d.bookingId}`, (doc) => {
    doc.fontSize(16).text('PACKING LIST 装箱单');
    doc.fontSize(9).text(`Reference 参考号: ${d.bookingId}    Date 日期: ${d.date}${d.trackingNumber ? `    Tracking No. 运单号: ${d.trackingNumber}` : ''}`);
    doc.text(`Shipper 发货人: ${addressLines(s.shipper).join(', ')}`);
    doc.text(`Consignee 收货人: ${addressLines(s.consignee).join(', ')}`);
    doc.moveDown(0.5);
    s.parcels.forEach((p, i) => {
      doc.fontSize(10).text(`Package 包裹 ${i + 1}/${s.parcels.length}: ${p.lengthCm}×${p.widthCm}×${p.heightCm} cm, ${kg(p.weightGrams)} — orders 订单 ${p.orderRefs.join(', ')}`);
      doc.fontSize(8);
      for (const o of s.orders.filter((x) => p.orderRefs.includes(x.ref))) {
        for (const l of o.lines) doc.text(`   ${o.ref} · ${l.sku} · ${l.description}${l.description_zh ? ' ' + l.description_zh : ''} × ${l.quantity}`);
      }
    });
    doc.moveDown(0.5).fontSize(10).text(`Total packages 总件数: ${s.parcels.length}    Total gross weight 总毛重: ${kg(gross)}`);
  });
}
