// The polling client against a real local HTTP server (node:http) serving the fixture responses,
// including NextToken / next pagination and 429 responses. `sleep` is injected so no real waiting happens.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PollError, getJsonWithRetry, pollAmazonOrders, pollEbayOrders, retryAfterMs, type PollDeps } from './index';
import { fixture, fixtureText } from './_fixtures';

interface Logged {
  path: string;
  headers: IncomingMessage['headers'];
}

let server: Server;
let base = '';
const log: Logged[] = [];
const hits = new Map<string, number>();
const NOW = Date.parse('2024-03-16T12:00:00Z');

function firstHit(key: string): boolean {
  const n = (hits.get(key) ?? 0) + 1;
  hits.set(key, n);
  return n === 1;
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    log.push({ path: `${url.pathname}${url.search}`, headers: req.headers });
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    // Amazon getOrders: first call 429 (Retry-After: 2), then page 1 (sandbox static-2, has NextToken), then page 2 (sandbox static-1).
    if (url.pathname === '/orders/v0/orders') {
      if (url.searchParams.get('NextToken')) return json(200, fixture('amazon-sp-api/getOrders.sandbox-static-1.json').response);
      if (firstHit('orders')) return json(429, { errors: [{ code: 'QuotaExceeded', message: 'You exceeded your quota for the requested resource.' }] }, { 'retry-after': '2' });
      return json(200, fixture('amazon-sp-api/getOrders.sandbox-static-2.json').response);
    }
    const items = /^\/orders\/v0\/orders\/([^/]+)\/orderItems$/.exec(url.pathname);
    if (items) {
      const id = decodeURIComponent(items[1]!);
      if (id !== '902-1845936-5435065') return json(404, { errors: [{ code: 'NotFound', message: 'Order not found' }] });
      if (firstHit('items')) return json(429, { errors: [{ code: 'QuotaExceeded' }] }); // no Retry-After: exponential back-off
      return json(200, fixture('amazon-sp-api/getOrderItems.sandbox-static-1.json').response);
    }
    // eBay getOrders: page 1 → next (absolute, rewritten to this server) → page 2, whose first call is 429 with an HTTP-date Retry-After.
    if (url.pathname === '/sell/fulfillment/v1/order') {
      const rewrite = (name: string) => fixtureText(name).replaceAll('https://api.ebay.com', base);
      if (url.searchParams.get('offset') === '1') {
        if (firstHit('ebay-2')) return json(429, '{}', { 'retry-after': new Date(NOW + 3000).toUTCString() });
        return json(200, rewrite('ebay/getOrders.page2.constructed.json'));
      }
      return json(200, rewrite('ebay/getOrders.page1.constructed.json'));
    }
    if (url.pathname === '/always-429') return json(429, '{}');
    if (url.pathname === '/boom') return json(500, 'internal error');
    return json(404, {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function deps(waits: number[]): PollDeps {
  return {
    fetch: (url, init) => fetch(url, init),
    sleep: async (ms) => void waits.push(ms),
    now: () => NOW,
  };
}

describe('pollAmazonOrders against the local server', () => {
  it('follows NextToken, honours 429 Retry-After and back-off, de-duplicates, and maps each order', async () => {
    const waits: number[] = [];
    const { results, stats } = await pollAmazonOrders(deps(waits), { endpoint: base, accessToken: 'Atza|test', marketplaceIds: ['ATVPDKIKX0DER'], createdAfter: '2024-01-01T00:00:00Z' });
    expect(waits).toEqual([2000, 1000]);
    expect(stats).toEqual({ requests: 7, retries: 2, waitsMs: [2000, 1000] });
    expect(results.map((r) => [r.amazonOrderId, r.result.ok])).toEqual([
      ['902-3159896-1390916', false],
      ['902-1845936-5435065', true],
      ['902-8745147-1934268', false],
    ]);
    const failed = results[0]!.result;
    expect(!failed.ok && failed.errors[0]!.code).toBe('items_fetch_failed');
    const ok = results[1]!.result;
    expect(ok.ok && ok.value.totals.total).toBe(1101);
    const pageTwo = log.find((l) => l.path.startsWith('/orders/v0/orders?') && l.path.includes('NextToken='))!;
    expect(new URL(pageTwo.path, base).searchParams.get('MarketplaceIds')).toBe('ATVPDKIKX0DER');
    expect(pageTwo.headers['x-amz-access-token']).toBe('Atza|test');
  });
});

describe('pollEbayOrders against the local server', () => {
  it('follows next, waits for an HTTP-date Retry-After, and maps both pages', async () => {
    const waits: number[] = [];
    const { results, stats } = await pollEbayOrders(deps(waits), { endpoint: base, accessToken: 'v^1.1#test', limit: 1, filter: 'creationdate:[2024-03-01T00:00:00.000Z..]' });
    expect(waits).toEqual([3000]);
    expect(stats.requests).toBe(3);
    expect(results.map((r) => [r.orderId, r.result.ok])).toEqual([
      ['05-10293-84756', true],
      ['27-11223-34455', true],
    ]);
    const first = log.find((l) => l.path.startsWith('/sell/fulfillment/v1/order?'))!;
    expect(first.headers.authorization).toBe('Bearer v^1.1#test');
    expect(new URL(first.path, base).searchParams.get('filter')).toBe('creationdate:[2024-03-01T00:00:00.000Z..]');
  });
});

describe('getJsonWithRetry failure modes', () => {
  it('gives up after maxRetries with the 429 status; exponential waits are capped', async () => {
    const waits: number[] = [];
    const stats = { requests: 0, retries: 0, waitsMs: [] as number[] };
    const error = await getJsonWithRetry(deps(waits), `${base}/always-429`, {}, stats, { maxRetries: 4, baseDelayMs: 1000, maxDelayMs: 5000 }).catch((e) => e);
    expect(error).toBeInstanceOf(PollError);
    expect((error as PollError).status).toBe(429);
    expect(waits).toEqual([1000, 2000, 4000, 5000]);
    expect(stats.requests).toBe(5);
  });
  it('does not retry a 500', async () => {
    const waits: number[] = [];
    const error = await getJsonWithRetry(deps(waits), `${base}/boom`, {}, { requests: 0, retries: 0, waitsMs: [] }).catch((e) => e);
    expect((error as PollError).status).toBe(500);
    expect(waits).toEqual([]);
  });
  it('retryAfterMs reads seconds and HTTP dates', () => {
    expect(retryAfterMs('120', NOW)).toBe(120_000);
    expect(retryAfterMs(new Date(NOW + 1500).toUTCString(), NOW)).toBe(1000); // HTTP dates have whole seconds
    expect(retryAfterMs('soon', NOW)).toBeNull();
    expect(retryAfterMs(null, NOW)).toBeNull();
  });
});
