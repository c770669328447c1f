// Amazon Selling Partner API, Orders API v0: getOrders (+ NextToken pages) and getOrderItems.
// An order is the pair (Order from getOrders, OrderItems from getOrderItems for that AmazonOrderId).
import type { AdapterResult, ChannelOrder, ChannelOrderLine, FulfilmentStatus, PaymentStatus } from './model';
import { Collector, arr, checkTotals, isObject, obj, opt, str, type Json } from './read';
import { divideMinor, minorUnitDigits } from './money';

const STATUS: Record<string, { payment: PaymentStatus; fulfilment: FulfilmentStatus }> = {
  Pending: { payment: 'pending', fulfilment: 'unfulfilled' },
  PendingAvailability: { payment: 'pending', fulfilment: 'unfulfilled' },
  Unshipped: { payment: 'paid', fulfilment: 'unfulfilled' },
  PartiallyShipped: { payment: 'paid', fulfilment: 'partially_fulfilled' },
  Shipped: { payment: 'paid', fulfilment: 'fulfilled' },
  InvoiceUnconfirmed: { payment: 'paid', fulfilment: 'fulfilled' },
  Canceled: { payment: 'voided', fulfilment: 'unfulfilled' },
  Unfulfillable: { payment: 'unknown', fulfilment: 'unknown' },
};

/** The `payload` of a response, whether given the whole response `{payload}` or the payload itself. */
function payloadOf(response: unknown): Json {
  const r = obj(response);
  return isObject(r.payload) ? r.payload : r;
}

/** Orders in a getOrders response (or page). */
export function amazonOrdersOf(getOrdersResponse: unknown): Json[] {
  return arr(payloadOf(getOrdersResponse).Orders).filter(isObject);
}

/** NextToken of a getOrders/getOrderItems response, or null on the last page. */
export function amazonNextToken(response: unknown): string | null {
  return opt(payloadOf(response).NextToken) ?? null;
}

export interface AmazonExtras {
  /** getOrderAddress response (needed when the order itself carries no ShippingAddress). */
  address?: unknown;
  /** getOrderBuyerInfo response. */
  buyerInfo?: unknown;
  /**
   * True for marketplaces whose ItemPrice already includes VAT/GST (EU, UK, JP…): ItemTax is then the
   * tax part of ItemPrice, not an addition. The caller knows the marketplace; default false (US-style).
   */
  pricesIncludeTax?: boolean;
}

/**
 * Map an Amazon Order + its getOrderItems pages (all pages, in order) to a ChannelOrder.
 * ItemPrice / ShippingPrice / ItemTax are per line (unit price × quantity), so unitPrice is
 * ItemPrice ÷ QuantityOrdered (exact, else half-even with a warning).
 */
export function mapAmazonOrder(order: unknown, orderItemsPages: unknown | unknown[], extras: AmazonExtras = {}): AdapterResult<ChannelOrder> {
  const c = new Collector();
  const o = payloadOf(order);
  const orderId = str(o.AmazonOrderId);
  if (!orderId) c.error('AmazonOrderId', 'missing_id', 'order has no AmazonOrderId');
  const pages = (Array.isArray(orderItemsPages) ? orderItemsPages : [orderItemsPages]).map(payloadOf);
  for (const [i, page] of pages.entries()) {
    if (str(page.AmazonOrderId) !== orderId) {
      c.error(`orderItems[${i}].AmazonOrderId`, 'pair_mismatch', `items belong to ${str(page.AmazonOrderId)}, order is ${orderId}`);
    }
  }
  if (pages.length > 0 && amazonNextToken(pages[pages.length - 1])) {
    c.error('orderItems', 'incomplete_items', 'last getOrderItems page still has a NextToken: fetch every page first');
  }
  const items = pages.flatMap((p) => arr(p.OrderItems).filter(isObject));

  const orderTotal = obj(o.OrderTotal);
  const firstItemCurrency = items.map((it) => str(obj(it.ItemPrice).CurrencyCode)).find(Boolean);
  const currency = (str(orderTotal.CurrencyCode) || firstItemCurrency || '').toUpperCase();
  try {
    minorUnitDigits(currency);
  } catch {
    c.error('OrderTotal.CurrencyCode', 'unknown_currency', `no usable currency ("${currency}")`);
    return c.result(null as never);
  }

  /** Read a Money object, insisting it is in the order currency. */
  const money = (path: string, value: unknown): number => {
    if (!isObject(value)) return 0;
    const code = str(value.CurrencyCode).toUpperCase();
    if (code && code !== currency) c.error(`${path}.CurrencyCode`, 'currency_mismatch', `${code} differs from order currency ${currency}`);
    return c.money(`${path}.Amount`, value.Amount, currency);
  };

  let shipping = 0;
  let tax = 0;
  let discount = 0;
  const lines: ChannelOrderLine[] = items.map((item, i) => {
    const path = `OrderItems[${i}]`;
    const quantity = Number(item.QuantityOrdered);
    if (!Number.isInteger(quantity) || quantity < 0) c.error(`${path}.QuantityOrdered`, 'bad_quantity', `quantity ${str(item.QuantityOrdered)}`);
    const lineTotal = money(`${path}.ItemPrice`, item.ItemPrice);
    const unit = divideMinor(lineTotal, quantity);
    if (!unit.exact && quantity > 0) c.warn(`${path}.ItemPrice`, 'unit_price_rounded', 'ItemPrice not divisible by quantity; unit price rounded half-even');
    shipping += money(`${path}.ShippingPrice`, item.ShippingPrice) + money(`${path}.BuyerInfo.GiftWrapPrice`, obj(item.BuyerInfo).GiftWrapPrice);
    const itemTax = money(`${path}.ItemTax`, item.ItemTax);
    tax += itemTax + money(`${path}.ShippingTax`, item.ShippingTax) + money(`${path}.BuyerInfo.GiftWrapTax`, obj(item.BuyerInfo).GiftWrapTax);
    discount += money(`${path}.PromotionDiscount`, item.PromotionDiscount) + money(`${path}.ShippingDiscount`, item.ShippingDiscount);
    if (quantity === 0) c.warn(`${path}.QuantityOrdered`, 'zero_quantity', 'line with QuantityOrdered 0 (typically a cancelled item)');
    return {
      externalLineId: str(item.OrderItemId),
      sku: str(item.SellerSKU) || `amazon-asin:${str(item.ASIN)}`,
      title: str(item.Title),
      quantity,
      unitPrice: unit.value,
      lineTotal,
      currency,
      taxLines: itemTax !== 0 || isObject(item.ItemTax) ? [{ title: 'ItemTax', rate: null, amount: itemTax }] : [],
    };
  });
  if (items.length === 0) c.warn('OrderItems', 'no_lines', 'no order items supplied');

  const subtotal = lines.reduce((s, l) => s + l.lineTotal, 0);
  const taxesIncluded = extras.pricesIncludeTax === true;
  const computedTotal = subtotal + shipping + (taxesIncluded ? 0 : tax) - discount;
  const totals = { subtotal, shipping, tax, discount, total: isObject(o.OrderTotal) ? money('OrderTotal', o.OrderTotal) : computedTotal };
  if (!isObject(o.OrderTotal)) c.warn('OrderTotal', 'total_computed', 'no OrderTotal (e.g. Pending order); total computed from items');
  checkTotals(c, totals, taxesIncluded);

  const buyerInfo = { ...obj(o.BuyerInfo), ...payloadOf(extras.buyerInfo) };
  const buyer: ChannelOrder['buyer'] = { name: str(buyerInfo.BuyerName) };
  const email = opt(buyerInfo.BuyerEmail);
  if (email) buyer.email = email;

  const addressSource = isObject(o.ShippingAddress) ? o.ShippingAddress : obj(payloadOf(extras.address).ShippingAddress);
  const shipTo = Object.keys(addressSource).length
    ? c.address('ShippingAddress', {
        name: str(addressSource.Name),
        company: opt(addressSource.CompanyName),
        line1: str(addressSource.AddressLine1),
        line2: [opt(addressSource.AddressLine2), opt(addressSource.AddressLine3)].filter(Boolean).join(', ') || undefined,
        city: str(addressSource.City),
        region: opt(addressSource.StateOrRegion),
        postcode: opt(addressSource.PostalCode),
        country: addressSource.CountryCode,
        phone: addressSource.Phone,
      })
    : null;
  if (!shipTo) c.warn('ShippingAddress', 'no_ship_to', 'no ShippingAddress (restricted data; call getOrderAddress with an RDT)');

  const status = str(o.OrderStatus);
  const mapped = STATUS[status];
  if (!mapped) c.warn('OrderStatus', 'unknown_status', `unknown OrderStatus "${status}"`);
  const value: ChannelOrder = {
    channel: 'amazon',
    externalId: orderId,
    externalNumber: orderId,
    createdAt: c.time('PurchaseDate', o.PurchaseDate),
    buyer,
    shipTo,
    lines,
    totals,
    taxesIncluded,
    taxLines: [],
    currency,
    paymentStatus: mapped?.payment ?? 'unknown',
    fulfilmentStatus: mapped?.fulfilment ?? 'unknown',
    cancelled: status === 'Canceled' ? { at: c.time('LastUpdateDate', o.LastUpdateDate), reason: null } : null,
    tags: [o.IsPrime === true ? 'prime' : '', o.IsBusinessOrder === true ? 'business' : '', str(o.FulfillmentChannel)].filter(Boolean),
    note: '',
    raw: { order, orderItems: orderItemsPages, address: extras.address, buyerInfo: extras.buyerInfo },
  };
  return c.result(value);
}

/**
 * Map every order of a getOrders response, looking up each one's items in `itemsByOrderId`.
 * Orders without items are returned as errors (not dropped silently).
 */
export function mapAmazonOrders(getOrdersResponse: unknown, itemsByOrderId: Record<string, unknown | unknown[]>): Array<{ amazonOrderId: string; result: AdapterResult<ChannelOrder> }> {
  return amazonOrdersOf(getOrdersResponse).map((order) => {
    const id = str(order.AmazonOrderId);
    const items = itemsByOrderId[id];
    if (items === undefined) {
      return { amazonOrderId: id, result: { ok: false, errors: [{ path: 'OrderItems', code: 'items_missing', message: `no getOrderItems response for ${id}` }], warnings: [] } };
    }
    return { amazonOrderId: id, result: mapAmazonOrder(order, items) };
  });
}

export interface AmazonOrderChange {
  amazonOrderId: string;
  sellerId: string;
  changeType: string;
  orderStatus: string | null;
  eventTime: string | null;
  changedAt: string | null;
  buyerRequestedCancel: boolean;
}

/** Read an SP-API ORDER_CHANGE notification (delivered via SQS/EventBridge, not signed): a signal to re-fetch the order. */
export function parseAmazonOrderChange(notification: unknown): AdapterResult<AmazonOrderChange> {
  const c = new Collector();
  const n = obj(notification);
  if (str(n.NotificationType) !== 'ORDER_CHANGE') c.error('NotificationType', 'wrong_type', `expected ORDER_CHANGE, got "${str(n.NotificationType)}"`);
  const change = obj(obj(n.Payload).OrderChangeNotification);
  if (!str(change.AmazonOrderId)) c.error('Payload.OrderChangeNotification.AmazonOrderId', 'missing_id', 'no AmazonOrderId');
  const summary = obj(change.Summary);
  const trigger = obj(change.OrderChangeTrigger);
  return c.result({
    amazonOrderId: str(change.AmazonOrderId),
    sellerId: str(change.SellerId),
    changeType: str(change.OrderChangeType),
    orderStatus: opt(summary.OrderStatus) ?? null,
    eventTime: n.EventTime ? c.time('EventTime', n.EventTime) : null,
    changedAt: trigger.TimeOfOrderChange ? c.time('OrderChangeTrigger.TimeOfOrderChange', trigger.TimeOfOrderChange) : null,
    buyerRequestedCancel: arr(summary.OrderItems).some((it) => obj(it).IsBuyerRequestedCancel === true) || /cancel/i.test(str(trigger.ChangeReason)),
  });
}
