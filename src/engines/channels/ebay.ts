// eBay Sell Fulfillment API v1: GET /order (OrderSearchPagedCollection) and GET /order/{orderId} (Order).
import type { AdapterResult, ChannelOrder, ChannelOrderLine, FulfilmentStatus, PaymentStatus } from './model';
import { Collector, arr, checkTotals, isObject, obj, opt, str, type Json } from './read';
import { divideMinor, minorUnitDigits } from './money';

const PAYMENT: Record<string, PaymentStatus> = {
  PAID: 'paid',
  PENDING: 'pending',
  FAILED: 'failed',
  FULLY_REFUNDED: 'refunded',
  PARTIALLY_REFUNDED: 'partially_refunded',
};

const FULFILMENT: Record<string, FulfilmentStatus> = {
  NOT_STARTED: 'unfulfilled',
  IN_PROGRESS: 'partially_fulfilled',
  FULFILLED: 'fulfilled',
};

export function ebayOrdersOf(page: unknown): Json[] {
  return arr(obj(page).orders).filter(isObject);
}

/** The `next` href of an OrderSearchPagedCollection, or null on the last page. */
export function ebayNextHref(page: unknown): string | null {
  return opt(obj(page).next) ?? null;
}

export function mapEbayOrder(payload: unknown): AdapterResult<ChannelOrder> {
  const c = new Collector();
  const order = obj(payload);
  const pricing = obj(order.pricingSummary);
  const currency = str(obj(pricing.total).currency).toUpperCase();
  try {
    minorUnitDigits(currency);
  } catch {
    c.error('pricingSummary.total.currency', 'unknown_currency', `no usable currency ("${currency}")`);
    return c.result(null as never);
  }
  if (!str(order.orderId)) c.error('orderId', 'missing_id', 'order has no orderId');

  /** eBay Amount {value, currency}; amounts in another currency are an error (convertedFrom* is informational). */
  const amount = (path: string, value: unknown, required = false): number => {
    if (!isObject(value)) {
      if (required) c.error(path, 'missing_amount', 'amount is missing');
      return 0;
    }
    const code = str(value.currency).toUpperCase();
    if (code && code !== currency) c.error(`${path}.currency`, 'currency_mismatch', `${code} differs from order currency ${currency}`);
    return c.money(`${path}.value`, value.value, currency);
  };

  const lines: ChannelOrderLine[] = arr(order.lineItems).map((raw, i) => {
    const line = obj(raw);
    const path = `lineItems[${i}]`;
    const quantity = Number(line.quantity);
    if (!Number.isInteger(quantity) || quantity <= 0) c.error(`${path}.quantity`, 'bad_quantity', `quantity ${str(line.quantity)}`);
    // lineItemCost = unit price × quantity, before discounts.
    const lineTotal = amount(`${path}.lineItemCost`, line.lineItemCost, true);
    const unit = divideMinor(lineTotal, quantity);
    if (!unit.exact) c.warn(`${path}.lineItemCost`, 'unit_price_rounded', 'lineItemCost not divisible by quantity; unit price rounded half-even');
    const sku = str(line.sku) || `ebay-item:${str(line.legacyItemId)}${line.legacyVariationId ? `/${str(line.legacyVariationId)}` : ''}`;
    if (!str(line.sku)) c.warn(`${path}.sku`, 'missing_sku', `no SKU; using "${sku}"`);
    const taxes = [...arr(line.taxes), ...arr(line.ebayCollectAndRemitTaxes)].map((t, j) => {
      const tax = obj(t);
      return { title: str(tax.taxType), rate: null, amount: amount(`${path}.taxes[${j}].amount`, tax.amount) };
    });
    return { externalLineId: str(line.lineItemId), sku, title: str(line.title), quantity, unitPrice: unit.value, lineTotal, currency, taxLines: taxes };
  });
  if (lines.length === 0) c.warn('lineItems', 'no_lines', 'order carries no lineItems');

  const totals = {
    subtotal: amount('pricingSummary.priceSubtotal', pricing.priceSubtotal),
    shipping: amount('pricingSummary.deliveryCost', pricing.deliveryCost),
    tax: amount('pricingSummary.tax', pricing.tax),
    // priceDiscountSubtotal / deliveryDiscount are reported as negative values; the model stores a positive discount.
    discount: Math.abs(amount('pricingSummary.priceDiscountSubtotal', pricing.priceDiscountSubtotal)) + Math.abs(amount('pricingSummary.deliveryDiscount', pricing.deliveryDiscount)),
    total: amount('pricingSummary.total', pricing.total, true),
  };
  const fee = amount('pricingSummary.fee', pricing.fee) + amount('pricingSummary.adjustment', pricing.adjustment);
  if (fee !== 0) c.warn('pricingSummary.fee', 'fee_or_adjustment', `fee/adjustment of ${fee} minor units is part of total`);
  checkTotals(c, { ...totals, shipping: totals.shipping + fee }, false);

  const instruction = obj(arr(order.fulfillmentStartInstructions)[0]);
  const shipToContact = obj(obj(instruction.shippingStep).shipTo);
  const contactAddress = isObject(shipToContact.contactAddress) ? shipToContact.contactAddress : isObject(instruction.finalDestinationAddress) ? instruction.finalDestinationAddress : null;
  const shipTo = contactAddress
    ? c.address('fulfillmentStartInstructions[0].shippingStep.shipTo', {
        name: str(shipToContact.fullName),
        company: opt(shipToContact.companyName),
        line1: str(contactAddress.addressLine1),
        line2: opt(contactAddress.addressLine2),
        city: str(contactAddress.city),
        region: opt(contactAddress.stateOrProvince),
        postcode: opt(contactAddress.postalCode),
        country: contactAddress.country,
        phone: obj(shipToContact.primaryPhone).phoneNumber,
      })
    : null;
  if (!shipTo) c.warn('fulfillmentStartInstructions', 'no_ship_to', 'order has no shipping step address');

  const buyerObj = obj(order.buyer);
  const buyer: ChannelOrder['buyer'] = { name: str(shipToContact.fullName) || str(buyerObj.username) };
  const email = opt(shipToContact.email) ?? opt(obj(buyerObj.buyerRegistrationAddress).email);
  if (email) buyer.email = email;
  if (shipTo?.phone) buyer.phone = shipTo.phone;

  const cancel = obj(order.cancelStatus);
  const value: ChannelOrder = {
    channel: 'ebay',
    externalId: str(order.orderId),
    externalNumber: str(order.salesRecordReference) || str(order.legacyOrderId) || str(order.orderId),
    createdAt: c.time('creationDate', order.creationDate),
    buyer,
    shipTo,
    lines,
    totals,
    taxesIncluded: false,
    taxLines: [],
    currency,
    paymentStatus: PAYMENT[str(order.orderPaymentStatus)] ?? 'unknown',
    fulfilmentStatus: FULFILMENT[str(order.orderFulfillmentStatus)] ?? 'unknown',
    cancelled: str(cancel.cancelState) === 'CANCELED' ? { at: cancel.cancelledDate ? c.time('cancelStatus.cancelledDate', cancel.cancelledDate) : null, reason: opt(obj(arr(cancel.cancelRequests)[0]).cancelReason) ?? null } : null,
    tags: [],
    note: str(order.buyerCheckoutNotes),
    raw: payload,
  };
  return c.result(value);
}

/** Map every order in one getOrders page. */
export function mapEbayOrders(page: unknown): Array<{ orderId: string; result: AdapterResult<ChannelOrder> }> {
  return ebayOrdersOf(page).map((order) => ({ orderId: str(order.orderId), result: mapEbayOrder(order) }));
}
