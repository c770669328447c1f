import { describe, expect, it } from 'vitest';
import { hmacSha256Base64, mapWooCommerceOrder, parseWooCommerceOrderWebhook, verifyHmacSha256Base64, wooCommerceSigningSecret } from './index';
import { fixture, fixtureText } from './_fixtures';

const vectors = fixture('webhook-signature-test-vectors.json');

describe('WooCommerce orders from the REST API docs', () => {
  it('order.retrieve.response.json maps exactly', () => {
    const payload = fixture('woocommerce/order.retrieve.response.json');
    const result = mapWooCommerceOrder(payload);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const o = result.value;
    expect(o.raw).toBe(payload);
    expect(o).toMatchObject({
      channel: 'woocommerce',
      externalId: '727',
      externalNumber: '727',
      createdAt: '2017-03-22T19:28:02.000Z',
      currency: 'USD',
      paymentStatus: 'paid',
      fulfilmentStatus: 'unfulfilled',
      buyer: { name: 'John Doe', email: 'john.doe@example.com', phone: '+15555555555' },
      shipTo: { name: 'John Doe', line1: '969 Market', city: 'San Francisco', region: 'CA', postcode: '94103', country: 'US' },
      totals: { subtotal: 1800, shipping: 1000, tax: 135, discount: 0, total: 2935 },
      taxLines: [{ title: 'State Tax', rate: null, amount: 135 }],
    });
    expect(o.lines).toEqual([
      { externalLineId: '315', sku: 'woocommerce-product:93', title: 'Woo Single #1', quantity: 2, unitPrice: 300, lineTotal: 600, currency: 'USD', taxLines: [{ title: 'State Tax', rate: null, amount: 45 }] },
      { externalLineId: '316', sku: 'Bar3', title: 'Ship Your Idea \u2013 Color: Black, Size: M Test', quantity: 1, unitPrice: 1200, lineTotal: 1200, currency: 'USD', taxLines: [{ title: 'State Tax', rate: null, amount: 90 }] },
    ]);
    expect(result.warnings.map((w) => w.code)).toEqual(['missing_sku']);
  });

  it('order.create.response.json is the same order as retrieve', () => {
    const a = mapWooCommerceOrder(fixture('woocommerce/order.create.response.json'));
    const b = mapWooCommerceOrder(fixture('woocommerce/order.retrieve.response.json'));
    expect(a.ok && { ...a.value, raw: null }).toEqual(b.ok && { ...b.value, raw: null });
  });

  it('order.update.response.json (status completed) is fulfilled', () => {
    const result = mapWooCommerceOrder(fixture('woocommerce/order.update.response.json'));
    expect(result.ok && [result.value.paymentStatus, result.value.fulfilmentStatus]).toEqual(['paid', 'fulfilled']);
  });

  it('orders.list.response.json: every order maps, including the Brazilian one without tax lines', () => {
    const list = fixture<any[]>('woocommerce/orders.list.response.json');
    const results = list.map(mapWooCommerceOrder);
    expect(results.every((r) => r.ok)).toBe(true);
    const br = results[1]!;
    expect(br.ok && br.value).toMatchObject({ externalId: '723', shipTo: { country: 'BR' }, totals: { subtotal: 2900, shipping: 1000, tax: 0, total: 3900 } });
  });

  it('order.create.request.json is a request, not an order: rejected', () => {
    const result = mapWooCommerceOrder(fixture('woocommerce/order.create.request.json'));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.code)).toContain('unknown_currency');
  });
});

describe('WooCommerce webhook signature', () => {
  const doc = vectors.woocommerce[0];
  it('the documented delivery-log header has the shape of a base64 SHA-256 digest', () => {
    expect(doc.observed_header_value).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(doc.observed_header_value, 'base64')).toHaveLength(32);
    // The secret was never published: any guess must fail rather than pass.
    expect(verifyHmacSha256Base64('secret', doc.raw_body, doc.observed_header_value)).toBe(false);
  });
  it('HTML-entity-encoded secrets are decoded before signing, as WC_Webhook::generate_signature does', () => {
    expect(wooCommerceSigningSecret('a&amp;b&quot;c&#039;d')).toBe('a&b"c\'d');
  });

  const secret = 'wc_secret_&amp;_1';
  const raw = fixtureText('woocommerce/order.retrieve.response.json');
  const signed = (body: string, topic?: string) => ({
    headers: { 'X-WC-Webhook-Signature': hmacSha256Base64(wooCommerceSigningSecret(secret), body), ...(topic ? { 'X-WC-Webhook-Topic': topic } : {}) },
    rawBody: body,
  });
  it('order.created with a valid signature maps the order', () => {
    const outcome = parseWooCommerceOrderWebhook(signed(raw, 'order.created'), secret);
    expect(outcome.ok && outcome.value?.externalId).toBe('727');
  });
  it('401 when the signature was made with the undecoded secret or the body changed', () => {
    const wrong = { headers: { 'X-WC-Webhook-Signature': hmacSha256Base64(secret, raw), 'X-WC-Webhook-Topic': 'order.created' }, rawBody: raw };
    expect(parseWooCommerceOrderWebhook(wrong, secret)).toMatchObject({ ok: false, status: 401 });
    const tampered = signed(raw, 'order.created');
    expect(parseWooCommerceOrderWebhook({ ...tampered, rawBody: raw.replace('29.35', '0.01') }, secret)).toMatchObject({ ok: false, status: 401 });
  });
  it('the save-time ping (form body) is recognised; unknown topics are 400; order.deleted is not mapped', () => {
    expect(parseWooCommerceOrderWebhook(signed('webhook_id=15'), secret)).toEqual({ ok: true, topic: 'ping', value: null, warnings: [] });
    expect(parseWooCommerceOrderWebhook(signed(raw, 'product.created'), secret)).toMatchObject({ ok: false, status: 400 });
    expect(parseWooCommerceOrderWebhook(signed('{"id":727}', 'order.deleted'), secret)).toMatchObject({ ok: true, topic: 'order.deleted', value: null });
  });
});
