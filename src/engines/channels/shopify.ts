// Shopify: Admin REST `Order` resource, which is also the body of JSON `orders/*` webhooks.
import type { AdapterResult, ChannelOrder, Issue, ChannelOrderLine, ChannelTaxLine, FulfilmentStatus, PaymentStatus } from './model';
import { Collector, arr, checkTotals, isObject, obj, opt, str, type Json } from './read';
import { headerValue, verifyHmacSha256Base64 } from './signatures';
import { minorUnitDigits } from './money';

export const SHOPIFY_ORDER_TOPICS = ['orders/create', 'orders/updated', 'orders/cancelled'] as const;
export type ShopifyOrderTopic = (typeof SHOPIFY_ORDER_TOPICS)[number];

/** Headers the official Shopify Node SDK requires before it accepts a webhook. */
export const SHOPIFY_REQUIRED_HEADERS = [
  'X-Shopify-Hmac-Sha256',
  'X-Shopify-Topic',
  'X-Shopify-Shop-Domain',
  'X-Shopify-API-Version',
  'X-Shopify-Webhook-Id',
] as const;

const PAYMENT: Record<string, PaymentStatus> = {
  pending: 'pending',
  authorized: 'authorized',
  partially_paid: 'partially_paid',
  paid: 'paid',
  partially_refunded: 'partially_refunded',
  refunded: 'refunded',
  voided: 'voided',
};

const FULFILMENT: Record<string, FulfilmentStatus> = {
  fulfilled: 'fulfilled',
  partial: 'partially_fulfilled',
  restocked: 'unfulfilled',
};

function taxLinesOf(c: Collector, path: string, lines: unknown, currency: string): ChannelTaxLine[] {
  return arr(lines).map((t, i) => {
    const tax = obj(t);
    const rate = typeof tax.rate === 'number' ? tax.rate : tax.rate != null && str(tax.rate) !== '' ? Number(str(tax.rate)) : null;
    return { title: str(tax.title), rate: Number.isFinite(rate) ? rate : null, amount: c.money(`${path}[${i}].price`, tax.price, currency) };
  });
}

/** Map one Shopify order (bare, or wrapped as `{ "order": {...} }`) to a ChannelOrder. */
export function mapShopifyOrder(payload: unknown): AdapterResult<ChannelOrder> {
  const c = new Collector();
  const order: Json = isObject(payload) && isObject(payload.order) ? payload.order : obj(payload);
  const currency = str(order.currency).toUpperCase();
  try {
    minorUnitDigits(currency);
  } catch {
    c.error('currency', 'unknown_currency', `unknown currency "${str(order.currency)}"`);
    return c.result(null as never);
  }
  if (order.id === undefined || order.id === null) c.error('id', 'missing_id', 'order has no id');

  const lines: ChannelOrderLine[] = arr(order.line_items).map((raw, i) => {
    const line = obj(raw);
    const quantity = Number(line.quantity);
    if (!Number.isInteger(quantity) || quantity <= 0) c.error(`line_items[${i}].quantity`, 'bad_quantity', `quantity ${str(line.quantity)}`);
    const unitPrice = c.money(`line_items[${i}].price`, line.price, currency);
    const sku = str(line.sku) || (line.variant_id != null ? `shopify-variant:${str(line.variant_id)}` : '');
    if (!str(line.sku)) c.warn(`line_items[${i}].sku`, 'missing_sku', `no SKU; using "${sku}"`);
    return {
      externalLineId: str(line.id),
      sku,
      title: str(line.name) || str(line.title),
      quantity,
      unitPrice,
      lineTotal: unitPrice * quantity,
      currency,
      taxLines: taxLinesOf(c, `line_items[${i}].tax_lines`, line.tax_lines, currency),
    };
  });
  if (lines.length === 0) c.warn('line_items', 'no_lines', 'order carries no line_items');

  const shipping = arr(order.shipping_lines).reduce<number>(
    (sum, s, i) => sum + c.money(`shipping_lines[${i}].price`, obj(s).price, currency),
    0,
  );
  const taxesIncluded = order.taxes_included === true;
  const totals = {
    // total_line_items_price = sum of line prices before discounts (Shopify's `subtotal_price` is after discounts).
    subtotal: c.money('total_line_items_price', order.total_line_items_price ?? order.subtotal_price, currency),
    shipping,
    tax: c.money('total_tax', order.total_tax ?? '0', currency),
    discount: c.money('total_discounts', order.total_discounts ?? '0', currency),
    total: c.money('total_price', order.total_price, currency),
  };
  checkTotals(c, totals, taxesIncluded);
  const lineSum = lines.reduce((s, l) => s + l.lineTotal, 0);
  if (lines.length > 0 && lineSum !== totals.subtotal) {
    c.warn('line_items', 'line_sum_mismatch', `line items add up to ${lineSum} but total_line_items_price is ${totals.subtotal}`);
  }

  const customer = obj(order.customer);
  const billing = obj(order.billing_address);
  const shippingAddress = isObject(order.shipping_address) ? order.shipping_address : null;
  const buyerName =
    [opt(customer.first_name), opt(customer.last_name)].filter(Boolean).join(' ') || str(billing.name) || str(shippingAddress?.name);
  const buyerCountry = str(billing.country_code || shippingAddress?.country_code) || undefined;
  const buyer: ChannelOrder['buyer'] = { name: buyerName };
  const email = opt(order.email) ?? opt(order.contact_email) ?? opt(customer.email);
  if (email) buyer.email = email;
  const phone = c.phone('phone', order.phone ?? customer.phone ?? billing.phone, buyerCountry);
  if (phone) buyer.phone = phone;

  const shipTo = shippingAddress
    ? c.address('shipping_address', {
        name: str(shippingAddress.name) || [opt(shippingAddress.first_name), opt(shippingAddress.last_name)].filter(Boolean).join(' '),
        company: opt(shippingAddress.company),
        line1: str(shippingAddress.address1),
        line2: opt(shippingAddress.address2),
        city: str(shippingAddress.city),
        region: opt(shippingAddress.province_code) ?? opt(shippingAddress.province),
        postcode: opt(shippingAddress.zip),
        country: shippingAddress.country_code ?? shippingAddress.country,
        phone: shippingAddress.phone,
      })
    : null;
  if (!shipTo) c.warn('shipping_address', 'no_ship_to', 'order has no shipping address');

  const cancelledAt = order.cancelled_at ? c.time('cancelled_at', order.cancelled_at) : null;
  const value: ChannelOrder = {
    channel: 'shopify',
    externalId: str(order.id),
    externalNumber: str(order.name) || str(order.order_number),
    createdAt: c.time('created_at', order.created_at),
    buyer,
    shipTo,
    lines,
    totals,
    taxesIncluded,
    taxLines: taxLinesOf(c, 'tax_lines', order.tax_lines, currency),
    currency,
    paymentStatus: PAYMENT[str(order.financial_status)] ?? 'unknown',
    fulfilmentStatus: order.fulfillment_status == null ? 'unfulfilled' : (FULFILMENT[str(order.fulfillment_status)] ?? 'unknown'),
    cancelled: order.cancelled_at ? { at: cancelledAt, reason: opt(order.cancel_reason) ?? null } : null,
    tags: str(order.tags).split(',').map((t) => t.trim()).filter(Boolean),
    note: str(order.note),
    raw: payload,
  };
  return c.result(value);
}

export interface WebhookRequest {
  headers: Record<string, string | string[] | undefined> | Headers;
  /** Exact bytes as received; never a re-serialised object. */
  rawBody: string | Uint8Array;
}

export type WebhookOutcome<T> =
  | { ok: true; topic: string; value: T; warnings: Issue[] }
  | { ok: false; status: 401 | 400 | 422; reason: string; errors?: Issue[] };

/**
 * Verify and map a Shopify `orders/create|updated|cancelled` webhook.
 * 401 for a bad signature, 400 for missing headers / unsupported topic / non-JSON, 422 when the order cannot be mapped.
 */
export function parseShopifyOrderWebhook(req: WebhookRequest, secret: string): WebhookOutcome<ChannelOrder> {
  const missing = SHOPIFY_REQUIRED_HEADERS.filter((h) => !headerValue(req.headers, h));
  if (!verifyHmacSha256Base64(secret, req.rawBody, headerValue(req.headers, 'X-Shopify-Hmac-Sha256'))) {
    return { ok: false, status: 401, reason: 'signature mismatch' };
  }
  if (missing.length > 0) return { ok: false, status: 400, reason: `missing headers: ${missing.join(', ')}` };
  const topic = headerValue(req.headers, 'X-Shopify-Topic')!;
  if (!(SHOPIFY_ORDER_TOPICS as readonly string[]).includes(topic)) return { ok: false, status: 400, reason: `unsupported topic ${topic}` };
  let body: unknown;
  try {
    body = JSON.parse(typeof req.rawBody === 'string' ? req.rawBody : new TextDecoder().decode(req.rawBody));
  } catch {
    return { ok: false, status: 400, reason: 'body is not JSON' };
  }
  const mapped = mapShopifyOrder(body);
  if (!mapped.ok) return { ok: false, status: 422, reason: 'order could not be mapped', errors: mapped.errors };
  if (topic === 'orders/cancelled' && !mapped.value.cancelled) {
    mapped.value.cancelled = { at: null, reason: null };
    mapped.warnings.push({ path: 'cancelled_at', code: 'cancel_without_time', message: 'orders/cancelled webhook without cancelled_at' });
  }
  return { ok: true, topic, value: mapped.value, warnings: mapped.warnings };
}

export interface ShopifyFulfillmentInfo {
  orderId: string;
  fulfillmentId: string;
  status: string;
  trackingCompany: string | null;
  trackingNumbers: string[];
  createdAt: string | null;
  lines: Array<{ externalLineId: string; sku: string; quantity: number }>;
}

/** Read a Shopify Fulfillment resource (bare or `{fulfillment}`): the hand-over point to carrier tracking. */
export function readShopifyFulfillment(payload: unknown): ShopifyFulfillmentInfo {
  const f: Json = isObject(payload) && isObject(payload.fulfillment) ? payload.fulfillment : obj(payload);
  const numbers = arr(f.tracking_numbers).map(str).filter(Boolean);
  if (numbers.length === 0 && str(f.tracking_number)) numbers.push(str(f.tracking_number));
  const created = f.created_at ? new Date(Date.parse(str(f.created_at))) : null;
  return {
    orderId: str(f.order_id),
    fulfillmentId: str(f.id),
    status: str(f.status),
    trackingCompany: opt(f.tracking_company) ?? null,
    trackingNumbers: numbers,
    createdAt: created && !Number.isNaN(created.getTime()) ? created.toISOString() : null,
    lines: arr(f.line_items).map((raw) => {
      const line = obj(raw);
      return { externalLineId: str(line.id), sku: str(line.sku), quantity: Number(line.quantity) };
    }),
  };
}
