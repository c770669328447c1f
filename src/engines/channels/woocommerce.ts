// WooCommerce REST API v3 order (`/wp-json/wc/v3/orders/<id>`), which is also the body of `order.*` webhooks.
import type { AdapterResult, ChannelOrder, ChannelOrderLine, ChannelTaxLine, FulfilmentStatus, PaymentStatus } from './model';
import { Collector, arr, checkTotals, decodeEntities, isObject, obj, opt, str } from './read';
import { headerValue, verifyHmacSha256Base64, wooCommerceSigningSecret } from './signatures';
import { divideMinor, minorUnitDigits } from './money';
import type { WebhookOutcome, WebhookRequest } from './shopify';

/** WooCommerce order status → (payment, fulfilment). Statuses from the REST API docs. */
const STATUS: Record<string, { payment: PaymentStatus; fulfilment: FulfilmentStatus }> = {
  pending: { payment: 'pending', fulfilment: 'unfulfilled' },
  'on-hold': { payment: 'pending', fulfilment: 'unfulfilled' },
  processing: { payment: 'paid', fulfilment: 'unfulfilled' },
  completed: { payment: 'paid', fulfilment: 'fulfilled' },
  cancelled: { payment: 'voided', fulfilment: 'unfulfilled' },
  refunded: { payment: 'refunded', fulfilment: 'unknown' },
  failed: { payment: 'failed', fulfilment: 'unfulfilled' },
  'checkout-draft': { payment: 'pending', fulfilment: 'unfulfilled' },
};

export function mapWooCommerceOrder(payload: unknown): AdapterResult<ChannelOrder> {
  const c = new Collector();
  const order = obj(payload);
  const currency = str(order.currency).toUpperCase();
  try {
    minorUnitDigits(currency);
  } catch {
    c.error('currency', 'unknown_currency', `unknown currency "${str(order.currency)}"`);
    return c.result(null as never);
  }
  if (order.id === undefined) c.error('id', 'missing_id', 'order has no id (a create *request* is not an order)');

  // Order-level tax lines carry the label; line taxes refer to them by rate_id.
  const taxTitles = new Map<string, { title: string; rate: number | null }>();
  const taxLines: ChannelTaxLine[] = arr(order.tax_lines).map((t, i) => {
    const tax = obj(t);
    const rate = tax.rate_percent != null && Number.isFinite(Number(tax.rate_percent)) ? Number(tax.rate_percent) / 100 : null;
    taxTitles.set(str(tax.rate_id), { title: str(tax.label) || str(tax.rate_code), rate });
    const amount =
      c.money(`tax_lines[${i}].tax_total`, tax.tax_total ?? '0', currency) +
      c.money(`tax_lines[${i}].shipping_tax_total`, tax.shipping_tax_total ?? '0', currency);
    return { title: str(tax.label) || str(tax.rate_code), rate, amount };
  });

  const lines: ChannelOrderLine[] = arr(order.line_items).map((raw, i) => {
    const line = obj(raw);
    const quantity = Number(line.quantity);
    if (!Number.isInteger(quantity) || quantity <= 0) c.error(`line_items[${i}].quantity`, 'bad_quantity', `quantity ${str(line.quantity)}`);
    // `subtotal` is the line before coupons, as a decimal string; `price` is a JSON number, used only as a fallback.
    const lineTotal = c.money(`line_items[${i}].subtotal`, line.subtotal ?? undefined, currency, false);
    let unitPrice: number;
    if (line.subtotal != null) {
      const divided = divideMinor(lineTotal, quantity);
      if (!divided.exact) c.warn(`line_items[${i}].subtotal`, 'unit_price_rounded', 'subtotal not divisible by quantity; unit price rounded half-even');
      unitPrice = divided.value;
    } else {
      unitPrice = c.money(`line_items[${i}].price`, line.price as number, currency);
    }
    const productRef = `woocommerce-product:${str(line.product_id)}${line.variation_id ? `/${str(line.variation_id)}` : ''}`;
    if (!str(line.sku)) c.warn(`line_items[${i}].sku`, 'missing_sku', `no SKU; using "${productRef}"`);
    return {
      externalLineId: str(line.id),
      sku: str(line.sku) || productRef,
      title: decodeEntities(str(line.name)),
      quantity,
      unitPrice,
      lineTotal: line.subtotal != null ? lineTotal : unitPrice * quantity,
      currency,
      taxLines: arr(line.taxes).map((t, j) => {
        const tax = obj(t);
        const known = taxTitles.get(str(tax.id));
        return {
          title: known?.title ?? `rate ${str(tax.id)}`,
          rate: known?.rate ?? null,
          amount: c.money(`line_items[${i}].taxes[${j}].total`, tax.total, currency),
        };
      }),
    };
  });
  if (lines.length === 0) c.warn('line_items', 'no_lines', 'order carries no line_items');

  const fees = arr(order.fee_lines).reduce<number>((s, f, i) => s + c.money(`fee_lines[${i}].total`, obj(f).total, currency), 0);
  if (fees !== 0) c.warn('fee_lines', 'fees_in_subtotal', 'fee lines are added to the subtotal');
  const taxesIncluded = order.prices_include_tax === true;
  const totals = {
    subtotal: lines.reduce((s, l) => s + l.lineTotal, 0) + fees,
    shipping: c.money('shipping_total', order.shipping_total ?? '0', currency),
    tax: c.money('total_tax', order.total_tax ?? '0', currency),
    discount: c.money('discount_total', order.discount_total ?? '0', currency),
    total: c.money('total', order.total, currency),
  };
  checkTotals(c, totals, taxesIncluded);

  const billing = obj(order.billing);
  const shipping = obj(order.shipping);
  const hasShipping = isObject(order.shipping) && (str(shipping.address_1) !== '' || str(shipping.country) !== '');
  const person = (a: Record<string, unknown>) => [opt(a.first_name), opt(a.last_name)].filter(Boolean).join(' ');
  const buyer: ChannelOrder['buyer'] = { name: person(billing) || person(shipping) };
  const email = opt(billing.email);
  if (email) buyer.email = email;
  const phone = c.phone('billing.phone', billing.phone, opt(billing.country));
  if (phone) buyer.phone = phone;
  const shipTo = hasShipping
    ? c.address('shipping', {
        name: person(shipping),
        company: opt(shipping.company),
        line1: str(shipping.address_1),
        line2: opt(shipping.address_2),
        city: str(shipping.city),
        region: opt(shipping.state),
        postcode: opt(shipping.postcode),
        country: shipping.country,
        phone: shipping.phone,
      })
    : null;
  if (!shipTo) c.warn('shipping', 'no_ship_to', 'order has no shipping address');

  const status = str(order.status);
  const mapped = STATUS[status];
  if (!mapped) c.warn('status', 'unknown_status', `unknown WooCommerce status "${status}"`);
  const value: ChannelOrder = {
    channel: 'woocommerce',
    externalId: str(order.id),
    externalNumber: str(order.number) || str(order.id),
    // `date_created_gmt` is naive but documented as GMT; `date_created` is site-local and is not used.
    createdAt: c.time('date_created_gmt', order.date_created_gmt, true),
    buyer,
    shipTo,
    lines,
    totals,
    taxesIncluded,
    taxLines,
    currency,
    paymentStatus: mapped?.payment ?? 'unknown',
    fulfilmentStatus: mapped?.fulfilment ?? 'unknown',
    cancelled: status === 'cancelled' ? { at: order.date_modified_gmt ? c.time('date_modified_gmt', order.date_modified_gmt, true) : null, reason: null } : null,
    tags: [],
    note: str(order.customer_note),
    raw: payload,
  };
  return c.result(value);
}

export const WOOCOMMERCE_ORDER_TOPICS = ['order.created', 'order.updated', 'order.deleted', 'order.restored'] as const;

/**
 * Verify and map a WooCommerce `order.*` webhook (X-WC-Webhook-Signature = base64 HMAC-SHA256 of the raw body).
 * The ping WooCommerce sends when a webhook is saved (`webhook_id=<n>`, form-encoded) is reported as topic `ping`.
 */
export function parseWooCommerceOrderWebhook(req: WebhookRequest, secret: string): WebhookOutcome<ChannelOrder | null> {
  const signature = headerValue(req.headers, 'X-WC-Webhook-Signature');
  if (!verifyHmacSha256Base64(wooCommerceSigningSecret(secret), req.rawBody, signature)) {
    return { ok: false, status: 401, reason: 'signature mismatch' };
  }
  const text = typeof req.rawBody === 'string' ? req.rawBody : new TextDecoder().decode(req.rawBody);
  const topic = headerValue(req.headers, 'X-WC-Webhook-Topic');
  if (!topic && /^webhook_id=\d+$/.test(text.trim())) return { ok: true, topic: 'ping', value: null, warnings: [] };
  if (!topic || !(WOOCOMMERCE_ORDER_TOPICS as readonly string[]).includes(topic)) {
    return { ok: false, status: 400, reason: `unsupported topic ${topic ?? '(none)'}` };
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, status: 400, reason: 'body is not JSON' };
  }
  // order.deleted carries only {"id": n}: report it without mapping.
  if (topic === 'order.deleted') return { ok: true, topic, value: null, warnings: [] };
  const mapped = mapWooCommerceOrder(body);
  if (!mapped.ok) return { ok: false, status: 422, reason: 'order could not be mapped', errors: mapped.errors };
  return { ok: true, topic, value: mapped.value, warnings: mapped.warnings };
}
