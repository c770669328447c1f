import { describe, expect, it } from 'vitest';
import { ebayNextHref, mapEbayOrder, mapEbayOrders } from './index';
import { fixture } from './_fixtures';

const contract = fixture('ebay/sell_fulfillment_v1_oas3.json');
const schemas = contract.components.schemas;

/** Every key in `value` must be a property of the named schema (recursively through $ref and arrays). */
function unknownKeys(value: unknown, schemaName: string, path = schemaName): string[] {
  const schema = schemas[schemaName];
  if (!schema?.properties || typeof value !== 'object' || value === null) return [];
  const problems: string[] = [];
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const prop = schema.properties[key];
    if (!prop) {
      problems.push(`${path}.${key}`);
      continue;
    }
    const ref: string | undefined = prop.$ref ?? prop.items?.$ref;
    if (!ref) continue;
    const target = ref.split('/').pop()!;
    for (const [i, item] of (Array.isArray(child) ? child : [child]).entries()) problems.push(...unknownKeys(item, target, `${path}.${key}${Array.isArray(child) ? `[${i}]` : ''}`));
  }
  return problems;
}

const page1 = fixture('ebay/getOrders.page1.constructed.json');
const page2 = fixture('ebay/getOrders.page2.constructed.json');

describe('eBay Sell Fulfillment contract', () => {
  it('is the v1 contract with GET /order', () => {
    expect(contract.info.version).toBe('v1.19.13');
    expect(contract.paths['/order'].get).toBeDefined();
  });
  it('our constructed sample pages use only fields the official contract defines', () => {
    expect(unknownKeys(page1, 'OrderSearchPagedCollection')).toEqual([]);
    expect(unknownKeys(page2, 'OrderSearchPagedCollection')).toEqual([]);
  });
  it('the conformance check itself catches a wrong field name (countryCode in contactAddress)', () => {
    const wrong = structuredClone(page1);
    wrong.orders[0].fulfillmentStartInstructions[0].shippingStep.shipTo.contactAddress.countryCode = 'GB';
    expect(unknownKeys(wrong, 'OrderSearchPagedCollection')).toEqual(['OrderSearchPagedCollection.orders[0].fulfillmentStartInstructions[0].shippingStep.shipTo.contactAddress.countryCode']);
  });
  it('every orderPaymentStatus / orderFulfillmentStatus value documented in the contract is mapped', () => {
    const payment = schemas.Order.properties.orderPaymentStatus.description as string;
    const fulfilment = schemas.Order.properties.orderFulfillmentStatus.description as string;
    expect(payment).toMatch(/OrderPaymentStatusEnum/);
    expect(fulfilment).toMatch(/OrderFulfillmentStatus/);
    for (const value of ['PAID', 'PENDING', 'FAILED', 'FULLY_REFUNDED', 'PARTIALLY_REFUNDED']) {
      const order = structuredClone(page1.orders[0]);
      order.orderPaymentStatus = value;
      expect(mapEbayOrder(order).ok && (mapEbayOrder(order) as any).value.paymentStatus).not.toBe('unknown');
    }
  });
});

describe('mapEbayOrder', () => {
  it('page 1: GBP order with a promotion', () => {
    const [first] = mapEbayOrders(page1);
    expect(first!.result.ok).toBe(true);
    if (!first!.result.ok) return;
    expect(first!.result.value).toMatchObject({
      channel: 'ebay',
      externalId: '05-10293-84756',
      externalNumber: '1024',
      createdAt: '2024-03-14T09:26:53.000Z',
      currency: 'GBP',
      paymentStatus: 'paid',
      fulfilmentStatus: 'unfulfilled',
      buyer: { name: 'Ada Lovelace', email: 'ada.lovelace@example.co.uk', phone: '+442079460018' },
      shipTo: { name: 'Ada Lovelace', line1: '1 Bunhill Row', line2: 'Flat 2', city: 'London', postcode: 'EC1Y 8SY', country: 'GB', phone: '+442079460018' },
      totals: { subtotal: 4198, shipping: 350, tax: 0, discount: 200, total: 4348 },
      lines: [{ externalLineId: '10051234567001', sku: 'TL-MUG-BLUE', quantity: 2, unitPrice: 2099, lineTotal: 4198 }],
      note: 'Please leave with the concierge',
    });
    expect(first!.result.warnings).toEqual([]);
  });
  it('page 2: cancelled USD order with collect-and-remit tax and no SKU', () => {
    const [second] = mapEbayOrders(page2);
    expect(second!.result.ok && second!.result.value).toMatchObject({
      paymentStatus: 'refunded',
      cancelled: { at: '2024-03-16T07:59:00.000Z', reason: 'BUYER_ASKED_CANCEL' },
      lines: [{ sku: 'ebay-item:220661234567/40001', quantity: 3, unitPrice: 1000, taxLines: [{ title: 'STATE_SALES_TAX', amount: 248 }] }],
      totals: { subtotal: 3000, tax: 248, total: 3248 },
    });
  });
  it('pagination: next on page 1, none on page 2', () => {
    expect(ebayNextHref(page1)).toBe('https://api.ebay.com/sell/fulfillment/v1/order?limit=1&offset=1');
    expect(ebayNextHref(page2)).toBeNull();
  });
  it('mixed currencies inside one order are an error', () => {
    const order = structuredClone(page1.orders[0]);
    order.pricingSummary.deliveryCost.currency = 'EUR';
    const result = mapEbayOrder(order);
    expect(result.ok).toBe(false);
  });
});
