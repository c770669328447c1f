import { describe, expect, it } from 'vitest';
import { amazonNextToken, amazonOrdersOf, mapAmazonOrder, mapAmazonOrders, parseAmazonOrderChange } from './index';
import { fixture, fixtureFiles } from './_fixtures';

const sandbox = (name: string) => fixture(`amazon-sp-api/${name}`).response;

describe('Amazon sandbox pair: getOrders static-1 + getOrderItems static-1', () => {
  const orders = sandbox('getOrders.sandbox-static-1.json');
  const items = sandbox('getOrderItems.sandbox-static-1.json');
  const results = mapAmazonOrders(orders, { '902-1845936-5435065': items });

  it('maps the matching order exactly (10.00 item + 1.01 tax = 11.01 OrderTotal)', () => {
    const first = results[0]!;
    expect(first.result.ok).toBe(true);
    if (!first.result.ok) return;
    expect(first.result.value).toMatchObject({
      channel: 'amazon',
      externalId: '902-1845936-5435065',
      createdAt: '1970-01-19T03:58:30.000Z',
      currency: 'USD',
      paymentStatus: 'paid',
      fulfilmentStatus: 'unfulfilled',
      shipTo: null,
      totals: { subtotal: 1000, shipping: 0, tax: 101, discount: 0, total: 1101 },
      lines: [{ externalLineId: '05015851154158', sku: 'NABetaASINB00551Q3CS', quantity: 1, unitPrice: 1000, lineTotal: 1000, taxLines: [{ title: 'ItemTax', rate: null, amount: 101 }] }],
    });
    expect(first.result.warnings.map((w) => w.code)).toContain('no_ship_to');
  });
  it('an order whose items were not fetched is an error, not a silent drop', () => {
    const second = results[1]!;
    expect(second.amazonOrderId).toBe('902-8745147-1934268');
    expect(second.result.ok).toBe(false);
  });
  it('getOrderAddress and getOrderBuyerInfo sandbox responses fill shipTo and buyer', () => {
    const order = amazonOrdersOf(orders)[0];
    const result = mapAmazonOrder(order, items, { address: sandbox('getOrderAddress.sandbox-static-1.json'), buyerInfo: sandbox('getOrderBuyerInfo.sandbox-static-1.json') });
    expect(result.ok && result.value.shipTo).toEqual({ name: 'MFNIntegrationTestMerchant', line1: '2201 WESTLAKE AVE', city: 'SEATTLE', region: 'WA', postcode: '98121-2778', country: 'US', phone: '+14803860930' });
    expect(result.ok && result.value.buyer).toEqual({ name: 'MFNIntegrationTestMerchant', email: 'fzyrv6gwkhbb15c@example.com' });
  });
});

describe('Amazon model examples (getOrders / getOrderItems response examples)', () => {
  const orders = fixture('amazon-sp-api/getOrders.response.example.json');
  const items = fixture('amazon-sp-api/getOrderItems.response.example.json');
  it('reports NextToken for pagination', () => {
    expect(amazonNextToken(orders)).toBe('2YgYW55IGNhcm5hbCBwbGVhc3VyZS4');
    expect(amazonNextToken(sandbox('getOrders.sandbox-static-3.json'))).toBeNull();
  });
  it('refuses to pair items of another order, an unfinished item page, and JPY amounts with cents', () => {
    const result = mapAmazonOrder(amazonOrdersOf(orders)[0], items);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const codes = result.errors.map((e) => e.code);
    expect(codes).toContain('pair_mismatch'); // items are for 903-1671087-0812628
    expect(codes).toContain('incomplete_items'); // the example page carries a NextToken
    expect(codes).toContain('too_precise'); // "25.99" JPY: JPY has no minor unit
    expect(codes).toContain('currency_mismatch'); // GiftWrapPrice in GBP on a JPY order
  });
  it('getOrder examples: Pending without OrderTotal computes the total and warns; Shipped EUR order maps', () => {
    const pending = mapAmazonOrder(fixture('amazon-sp-api/getOrder.response.example.json'), { payload: { AmazonOrderId: '902-3159896-1390916', OrderItems: [] } });
    expect(pending.ok).toBe(false); // no currency anywhere: cannot be normalised
    const shipped = sandbox('getOrder.sandbox-static-2.json');
    const result = mapAmazonOrder(shipped, { payload: { AmazonOrderId: '921-3175655-0452641', OrderItems: [{ OrderItemId: '1', SellerSKU: 'X', QuantityOrdered: 1, ItemPrice: { CurrencyCode: 'EUR', Amount: '100.00' } }] } });
    expect(result.ok && result.value).toMatchObject({ currency: 'EUR', paymentStatus: 'paid', fulfilmentStatus: 'fulfilled', createdAt: '2019-05-07T15:42:57.058Z', totals: { total: 10000 }, tags: ['business', 'AFN'] });
    const plain = mapAmazonOrder(sandbox('getOrder.sandbox-static-1.json'), sandbox('getOrderItems.sandbox-static-1.json'));
    expect(plain.ok && plain.value.totals.total).toBe(1101);
  });
  it('getOrders pages 2 and 3 (NextToken continuation) contain the same order id', () => {
    const page2 = sandbox('getOrders.sandbox-static-2.json');
    const page3Request = fixture('amazon-sp-api/getOrders.sandbox-static-3.json').request.parameters;
    expect(page3Request.NextToken.value).toBe(amazonNextToken(page2));
    expect(amazonOrdersOf(page2).map((o) => o.AmazonOrderId)).toEqual(['902-3159896-1390916']);
  });
  it('getOrderAddress / getOrderBuyerInfo model examples', () => {
    const order = { AmazonOrderId: '902-3159896-1390916', PurchaseDate: '2017-01-20T19:49:35Z', OrderStatus: 'Canceled', LastUpdateDate: '2017-01-21T00:00:00Z', OrderTotal: { CurrencyCode: 'USD', Amount: '0.00' } };
    const result = mapAmazonOrder(order, { payload: { AmazonOrderId: '902-3159896-1390916', OrderItems: [] } }, {
      address: fixture('amazon-sp-api/getOrderAddress.response.example.json'),
      buyerInfo: fixture('amazon-sp-api/getOrderBuyerInfo.response.example.json'),
    });
    expect(result.ok && result.value).toMatchObject({
      shipTo: { name: 'Michigan address', line1: '1 cross st', city: 'Canton', region: 'MI', postcode: '48817', country: 'US' },
      buyer: { name: 'John Smith', email: 'user@example.com' },
      cancelled: { at: '2017-01-21T00:00:00.000Z', reason: null },
      paymentStatus: 'voided',
    });
  });
});

describe('Amazon tax-inclusive marketplaces', () => {
  const order = { AmazonOrderId: 'D1', PurchaseDate: '2024-01-01T00:00:00Z', OrderStatus: 'Unshipped', OrderTotal: { CurrencyCode: 'EUR', Amount: '119.00' } };
  const items = { payload: { AmazonOrderId: 'D1', OrderItems: [{ OrderItemId: '1', SellerSKU: 'S', QuantityOrdered: 1, ItemPrice: { CurrencyCode: 'EUR', Amount: '119.00' }, ItemTax: { CurrencyCode: 'EUR', Amount: '19.00' } }] } };
  it('with pricesIncludeTax the VAT inside ItemPrice is not added again', () => {
    const inclusive = mapAmazonOrder(order, items, { pricesIncludeTax: true });
    expect(inclusive.ok && inclusive.value).toMatchObject({ taxesIncluded: true, totals: { subtotal: 11900, tax: 1900, total: 11900 } });
    expect(inclusive.warnings.map((w) => w.code)).not.toContain('totals_mismatch');
    expect(mapAmazonOrder(order, items).warnings.map((w) => w.code)).toContain('totals_mismatch');
  });
});

describe('Amazon ORDER_CHANGE notification (schema example)', () => {
  const schema = fixture('amazon-sp-api/OrderChangeNotification.schema.json');
  it('parses the published example', () => {
    const result = parseAmazonOrderChange(schema.examples[0]);
    expect(result).toEqual({
      ok: true,
      warnings: [],
      value: {
        amazonOrderId: '903-8868176-2219830',
        sellerId: 'A3TH9S8BH6GOGM',
        changeType: 'BuyerRequestedChange',
        orderStatus: 'Unshipped',
        eventTime: '2020-01-11T00:09:53.109Z',
        changedAt: '2022-11-29T19:42:04.284Z',
        buyerRequestedCancel: true,
      },
    });
  });
  it('our status table covers every OrderStatus the schema allows', () => {
    const statuses: string[] = schema.properties.Payload.properties.OrderChangeNotification.properties.Summary.properties.OrderStatus.enum;
    for (const status of statuses) {
      const r = mapAmazonOrder({ AmazonOrderId: 'A', PurchaseDate: '2020-01-01T00:00:00Z', LastUpdateDate: '2020-01-02T00:00:00Z', OrderStatus: status, OrderTotal: { CurrencyCode: 'USD', Amount: '0' } }, { payload: { AmazonOrderId: 'A', OrderItems: [] } });
      expect(r.warnings.map((w) => w.code), status).not.toContain('unknown_status');
    }
  });
});

describe('Amazon Orders v0 contract (ordersV0.openapi.json)', () => {
  const model = fixture('amazon-sp-api/ordersV0.openapi.json');
  const props = (name: string) => Object.keys(model.definitions[name].properties);
  it('every field the adapter reads exists in the official model', () => {
    expect(props('Order')).toEqual(expect.arrayContaining(['AmazonOrderId', 'PurchaseDate', 'LastUpdateDate', 'OrderStatus', 'OrderTotal', 'ShippingAddress', 'BuyerInfo', 'IsPrime', 'IsBusinessOrder', 'FulfillmentChannel']));
    expect(props('OrderItem')).toEqual(expect.arrayContaining(['OrderItemId', 'SellerSKU', 'ASIN', 'Title', 'QuantityOrdered', 'ItemPrice', 'ShippingPrice', 'ItemTax', 'ShippingTax', 'PromotionDiscount', 'ShippingDiscount', 'BuyerInfo']));
    expect(props('Address')).toEqual(expect.arrayContaining(['Name', 'CompanyName', 'AddressLine1', 'AddressLine2', 'AddressLine3', 'City', 'StateOrRegion', 'PostalCode', 'CountryCode', 'Phone']));
    expect(props('Money')).toEqual(['CurrencyCode', 'Amount']);
    expect(props('OrdersList')).toContain('NextToken');
    expect(props('OrderItemsList')).toContain('NextToken');
  });
  it('every OrderStatus in the model is mapped', () => {
    const statuses: string[] = model.definitions.Order.properties.OrderStatus.enum;
    expect(statuses.length).toBeGreaterThan(5);
    for (const status of statuses) {
      const r = mapAmazonOrder({ AmazonOrderId: 'A', PurchaseDate: '2020-01-01T00:00:00Z', LastUpdateDate: '2020-01-02T00:00:00Z', OrderStatus: status, OrderTotal: { CurrencyCode: 'USD', Amount: '0' } }, { payload: { AmazonOrderId: 'A', OrderItems: [] } });
      expect(r.warnings.map((w) => w.code), status).not.toContain('unknown_status');
    }
  });
  it('covers every file in the amazon-sp-api fixture folder', () => {
    expect(fixtureFiles('amazon-sp-api')).toHaveLength(15);
  });
});
