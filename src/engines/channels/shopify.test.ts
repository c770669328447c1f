import { describe, expect, it } from 'vitest';
import { hmacSha256Base64, mapShopifyOrder, parseShopifyOrderWebhook, readShopifyFulfillment, verifyHmacSha256Base64 } from './index';
import { fixture, fixtureText } from './_fixtures';

const vectors = fixture('webhook-signature-test-vectors.json');

describe('Shopify signature (published known-answer vector)', () => {
  const v = vectors.shopify[0];
  it('reproduces the SDK test digest', () => {
    expect(hmacSha256Base64(v.secret, v.raw_body)).toBe(v.expected_header_value);
    expect(verifyHmacSha256Base64(v.secret, v.raw_body, v.expected_header_value)).toBe(true);
  });
  it('rejects a changed body, a wrong secret, a truncated or missing header', () => {
    expect(verifyHmacSha256Base64(v.secret, v.raw_body.replace('bar', 'baz'), v.expected_header_value)).toBe(false);
    expect(verifyHmacSha256Base64('other_secret', v.raw_body, v.expected_header_value)).toBe(false);
    expect(verifyHmacSha256Base64(v.secret, v.raw_body, v.expected_header_value.slice(0, 20))).toBe(false);
    expect(verifyHmacSha256Base64(v.secret, v.raw_body, undefined)).toBe(false);
  });
  it('verifies over bytes: re-serialising the JSON breaks the signature', () => {
    const reserialised = JSON.stringify(JSON.parse(v.raw_body));
    expect(reserialised).not.toBe(v.raw_body);
    expect(verifyHmacSha256Base64(v.secret, reserialised, v.expected_header_value)).toBe(false);
    expect(verifyHmacSha256Base64(v.secret, new TextEncoder().encode(v.raw_body), v.expected_header_value)).toBe(true);
  });
});

describe('mapShopifyOrder on shopify/sdk-fixture.order.json', () => {
  const payload = fixture('shopify/sdk-fixture.order.json');
  const result = mapShopifyOrder(payload);
  it('maps without errors and keeps raw verbatim', () => {
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const o = result.value;
    expect(o.raw).toBe(payload);
    expect(o).toMatchObject({
      channel: 'shopify',
      externalId: '450789469',
      externalNumber: '#1001',
      createdAt: '2008-01-10T16:00:00.000Z',
      currency: 'USD',
      paymentStatus: 'authorized',
      fulfilmentStatus: 'unfulfilled',
      cancelled: null,
      buyer: { name: 'Bob Norman', email: 'bob.norman@hostmail.com', phone: '+15556251199' },
      shipTo: { name: 'Bob Norman', line1: 'Chestnut Street 92', city: 'Louisville', region: 'KY', postcode: '40202', country: 'US', phone: '+15556251199' },
      totals: { subtotal: 39800, shipping: 0, tax: 1194, discount: 0, total: 40994 },
      taxLines: [{ title: 'State Tax', rate: 0.06, amount: 1194 }],
    });
    expect(o.lines.map((l) => [l.sku, l.quantity, l.unitPrice])).toEqual([
      ['IPOD2008GREEN', 1, 19900],
      ['IPOD2008RED', 1, 19900],
      ['IPOD2008BLACK', 1, 19900],
    ]);
    expect(o.shipTo?.line2).toBeUndefined();
  });
  it('warns that the fixture lines (597.00) disagree with total_line_items_price (398.00)', () => {
    expect(result.warnings.map((w) => w.code)).toContain('line_sum_mismatch');
    expect(result.warnings.map((w) => w.code)).not.toContain('totals_mismatch');
  });
  it('accepts the bare order object (webhook body shape) the same way', () => {
    const bare = mapShopifyOrder(payload.order);
    expect(bare.ok && result.ok && { ...bare.value, raw: null }).toEqual(result.ok && { ...result.value, raw: null });
  });
});

describe('mapShopifyOrder on shopify/sdk-fixture.orders.json', () => {
  const payload = fixture('shopify/sdk-fixture.orders.json');
  it.each((payload.orders as unknown[]).map((order, i) => ({ i, order })))('order $i maps with reconciled totals', ({ order }) => {
    const result = mapShopifyOrder(order);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.totals).toEqual({ subtotal: 59700, shipping: 0, tax: 1194, discount: 1000, total: 59894 });
    expect(result.value.paymentStatus).toBe('partially_refunded');
    expect(result.value.buyer.phone).toBe('+557734881234');
    // This list fixture has no line_items: reported, not invented.
    expect(result.value.lines).toEqual([]);
    expect(result.warnings.map((w) => w.code)).toContain('no_lines');
  });
});

describe('readShopifyFulfillment on shopify/sdk-fixture.fulfillment.json', () => {
  it('extracts tracking numbers and line references for the carriers engine', () => {
    expect(readShopifyFulfillment(fixture('shopify/sdk-fixture.fulfillment.json'))).toEqual({
      orderId: '450789469',
      fulfillmentId: '255858046',
      status: 'pending',
      trackingCompany: 'null-company',
      trackingNumbers: ['1Z2345'],
      createdAt: '2013-11-01T20:06:08.000Z',
      lines: [{ externalLineId: '466157049', sku: 'IPOD2008GREEN', quantity: 1 }],
    });
  });
  it('is not mistaken for an order', () => {
    expect(mapShopifyOrder(fixture('shopify/sdk-fixture.fulfillment.json')).ok).toBe(false);
  });
});

describe('parseShopifyOrderWebhook', () => {
  const secret = 'shpss_test_secret';
  const body = JSON.stringify(fixture('shopify/sdk-fixture.order.json').order);
  const headers = (topic: string, raw: string) => ({
    'x-shopify-hmac-sha256': hmacSha256Base64(secret, raw),
    'X-Shopify-Topic': topic,
    'X-Shopify-Shop-Domain': 'example.myshopify.com',
    'X-Shopify-API-Version': '2024-01',
    'X-Shopify-Webhook-Id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
  });

  it('accepts orders/create and orders/updated with a valid signature', () => {
    for (const topic of ['orders/create', 'orders/updated']) {
      const outcome = parseShopifyOrderWebhook({ headers: headers(topic, body), rawBody: body }, secret);
      expect(outcome.ok).toBe(true);
      if (outcome.ok) expect(outcome.value.externalId).toBe('450789469');
    }
  });
  it('orders/cancelled carries the cancellation time and reason', () => {
    const cancelledBody = JSON.stringify({ ...JSON.parse(body), cancelled_at: '2008-01-11T09:00:00-05:00', cancel_reason: 'customer' });
    const outcome = parseShopifyOrderWebhook({ headers: headers('orders/cancelled', cancelledBody), rawBody: cancelledBody }, secret);
    expect(outcome.ok && outcome.value.cancelled).toEqual({ at: '2008-01-11T14:00:00.000Z', reason: 'customer' });
  });
  it('401 on a tampered body, 400 on a missing header or other topic, 422 on an unmappable order', () => {
    const h = headers('orders/create', body);
    expect(parseShopifyOrderWebhook({ headers: h, rawBody: body.replace('409.94', '1.00') }, secret)).toMatchObject({ ok: false, status: 401 });
    const { ['X-Shopify-Webhook-Id']: _dropped, ...missing } = h;
    expect(parseShopifyOrderWebhook({ headers: missing, rawBody: body }, secret)).toMatchObject({ ok: false, status: 400 });
    expect(parseShopifyOrderWebhook({ headers: headers('products/create', body), rawBody: body }, secret)).toMatchObject({ ok: false, status: 400 });
    const bad = JSON.stringify({ ...JSON.parse(body), currency: 'XYZ' });
    expect(parseShopifyOrderWebhook({ headers: headers('orders/create', bad), rawBody: bad }, secret)).toMatchObject({ ok: false, status: 422 });
  });
  it('the raw fixture bytes verify as the body (no re-serialisation)', () => {
    const raw = fixtureText('shopify/sdk-fixture.order.json');
    const outcome = parseShopifyOrderWebhook({ headers: headers('orders/create', raw), rawBody: Buffer.from(raw) }, secret);
    expect(outcome.ok).toBe(true);
  });
});
