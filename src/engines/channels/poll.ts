// Polling client for channels that are pulled, not pushed (Amazon SP-API, eBay Fulfillment).
// Written against an injected `fetch` and `sleep`, so the engine does no I/O of its own and
// tests can run it against a local HTTP server without waiting for real back-off delays.
import type { AdapterResult, ChannelOrder } from './model';
import { amazonNextToken, amazonOrdersOf, mapAmazonOrder } from './amazon';
import { ebayNextHref, mapEbayOrders } from './ebay';
import { str } from './read';

export type FetchLike = (url: string, init?: { method?: string; headers?: Record<string, string> }) => Promise<{
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}>;

export interface PollDeps {
  fetch: FetchLike;
  /** Waits between retries; tests inject a recorder that resolves at once. */
  sleep: (ms: number) => Promise<void>;
  /** Clock for HTTP-date Retry-After values. Default Date.now. */
  now?: () => number;
}

export interface RetryPolicy {
  /** Retries after the first attempt for 429/503 (default 5). */
  maxRetries: number;
  /** Exponential back-off when there is no Retry-After: base × 2^attempt, capped (defaults 1 s, 60 s). */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 5, baseDelayMs: 1000, maxDelayMs: 60_000 };

export class PollError extends Error {
  constructor(message: string, readonly status: number, readonly url: string, readonly body: string) {
    super(message);
  }
}

export interface PollStats {
  requests: number;
  retries: number;
  /** Every delay requested from `sleep`, in order. */
  waitsMs: number[];
}

/** Delay for a Retry-After header (delta-seconds or HTTP-date), or null when absent/unreadable. */
export function retryAfterMs(header: string | null, now: number): number | null {
  if (!header) return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** GET a JSON document, retrying 429/503 with Retry-After or exponential back-off. Other non-2xx → PollError. */
export async function getJsonWithRetry(deps: PollDeps, url: string, headers: Record<string, string>, stats: PollStats, policy: RetryPolicy = DEFAULT_RETRY): Promise<unknown> {
  for (let attempt = 0; ; attempt++) {
    stats.requests++;
    const res = await deps.fetch(url, { method: 'GET', headers });
    const body = await res.text();
    if (res.status >= 200 && res.status < 300) {
      try {
        return JSON.parse(body);
      } catch {
        throw new PollError('response is not JSON', res.status, url, body);
      }
    }
    const retryable = res.status === 429 || res.status === 503;
    if (!retryable || attempt >= policy.maxRetries) {
      throw new PollError(`GET ${url} → ${res.status}${retryable ? ' (retries exhausted)' : ''}`, res.status, url, body);
    }
    const wait =
      retryAfterMs(res.headers.get('retry-after'), (deps.now ?? Date.now)()) ??
      Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
    stats.retries++;
    stats.waitsMs.push(wait);
    await deps.sleep(wait);
  }
}

export interface AmazonPollConfig {
  /** e.g. https://sellingpartnerapi-eu.amazon.com (or a local test server). */
  endpoint: string;
  accessToken: string;
  marketplaceIds: string[];
  createdAfter: string;
  maxPages?: number;
  retry?: RetryPolicy;
}

/** Fetch every getOrders page (following NextToken), then every order's getOrderItems pages, and map the pairs. */
export async function pollAmazonOrders(deps: PollDeps, config: AmazonPollConfig): Promise<{ results: Array<{ amazonOrderId: string; result: AdapterResult<ChannelOrder> }>; stats: PollStats }> {
  const stats: PollStats = { requests: 0, retries: 0, waitsMs: [] };
  const headers = { 'x-amz-access-token': config.accessToken, accept: 'application/json' };
  const base = config.endpoint.replace(/\/$/, '');
  const orders: Array<Record<string, unknown>> = [];
  let nextToken: string | null = null;
  for (let page = 0; page < (config.maxPages ?? 100); page++) {
    const query = new URLSearchParams({ MarketplaceIds: config.marketplaceIds.join(',') });
    if (nextToken) query.set('NextToken', nextToken);
    else query.set('CreatedAfter', config.createdAfter);
    const body = await getJsonWithRetry(deps, `${base}/orders/v0/orders?${query}`, headers, stats, config.retry);
    orders.push(...amazonOrdersOf(body));
    nextToken = amazonNextToken(body);
    if (!nextToken) break;
  }
  // Pages can repeat an order (it changed while we paged): keep the latest LastUpdateDate per id.
  const latest = new Map<string, Record<string, unknown>>();
  for (const order of orders) {
    const id = str(order.AmazonOrderId);
    const seen = latest.get(id);
    if (!seen || str(order.LastUpdateDate) >= str(seen.LastUpdateDate)) latest.set(id, order);
  }
  const results: Array<{ amazonOrderId: string; result: AdapterResult<ChannelOrder> }> = [];
  for (const [id, order] of latest) {
    const itemPages: unknown[] = [];
    let itemsToken: string | null = null;
    try {
      do {
        const query = itemsToken ? `?${new URLSearchParams({ NextToken: itemsToken })}` : '';
        const body = await getJsonWithRetry(deps, `${base}/orders/v0/orders/${encodeURIComponent(id)}/orderItems${query}`, headers, stats, config.retry);
        itemPages.push(body);
        itemsToken = amazonNextToken(body);
      } while (itemsToken && itemPages.length < (config.maxPages ?? 100));
    } catch (e) {
      // One order's items failing must not lose the other orders: report it as that order's error.
      if (!(e instanceof PollError)) throw e;
      results.push({ amazonOrderId: id, result: { ok: false, errors: [{ path: 'orderItems', code: 'items_fetch_failed', message: `${e.message}` }], warnings: [] } });
      continue;
    }
    results.push({ amazonOrderId: id, result: mapAmazonOrder(order, itemPages) });
  }
  return { results, stats };
}

export interface EbayPollConfig {
  /** e.g. https://api.ebay.com (or a local test server). */
  endpoint: string;
  accessToken: string;
  /** eBay filter, e.g. "creationdate:[2024-01-01T00:00:00.000Z..]". */
  filter?: string;
  limit?: number;
  maxPages?: number;
  retry?: RetryPolicy;
}

/** Fetch getOrders pages following `next` (absolute or relative href) and map every order. */
export async function pollEbayOrders(deps: PollDeps, config: EbayPollConfig): Promise<{ results: Array<{ orderId: string; result: AdapterResult<ChannelOrder> }>; stats: PollStats }> {
  const stats: PollStats = { requests: 0, retries: 0, waitsMs: [] };
  const headers = { authorization: `Bearer ${config.accessToken}`, accept: 'application/json' };
  const base = config.endpoint.replace(/\/$/, '');
  const query = new URLSearchParams();
  if (config.filter) query.set('filter', config.filter);
  query.set('limit', String(config.limit ?? 50));
  let url: string | null = `${base}/sell/fulfillment/v1/order?${query}`;
  const results = [];
  for (let page = 0; url && page < (config.maxPages ?? 100); page++) {
    const body = await getJsonWithRetry(deps, url, headers, stats, config.retry);
    results.push(...mapEbayOrders(body));
    const next = ebayNextHref(body);
    url = next ? new URL(next, `${base}/`).toString() : null;
  }
  return { results, stats };
}
