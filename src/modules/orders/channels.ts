import type { FastifyRequest } from 'fastify';
import type { Services } from '../../http/services.ts';
import { recordAudit } from '../../kernel/audit.ts';
import { systemContext, type AuthContext } from '../../kernel/context.ts';
import type { SecretBox } from '../../kernel/crypto.ts';
import type { Db, Executor } from '../../kernel/db.ts';
import { AppError, badRequest, notFound, validationError, type FieldError } from '../../kernel/errors.ts';
import { emit } from '../../kernel/events.ts';
import { newId } from '../../kernel/ids.ts';
import { enqueue, type Job } from '../../kernel/jobs.ts';
import {
  mapAmazonOrder, parseCsvOrders, parseShopifyOrderWebhook, parseWooCommerceOrderWebhook, pollAmazonOrders, pollEbayOrders,
  type AdapterResult, type ChannelOrder, type PollDeps,
} from '../../engines/channels/index.ts';
import { checkShipTo, intake, intakeMany } from './service.ts';

/**
 * Sales-channel connections of a seller: Shopify and WooCommerce push signed webhooks; Amazon SP-API
 * and eBay are polled by a job against the configured endpoint. Secrets (webhook signing secret,
 * access token) are sealed with the server's SecretBox and never returned.
 */
export const CHANNELS = ['shopify', 'woocommerce', 'amazon', 'ebay'] as const;

export const publicConnection = (c: any, publicUrl?: string) => ({
  id: c.id, channel: c.channel, name: c.name, config: c.config, active: c.active, poll_interval_seconds: c.poll_interval_seconds,
  has_webhook_secret: !!c.webhook_secret_sealed, has_access_token: !!c.access_token_sealed,
  webhook_url: publicUrl && (c.channel === 'shopify' || c.channel === 'woocommerce') ? `${publicUrl}/v1/channels/${c.id}/webhooks/${c.channel}` : undefined,
  last_polled_at: c.last_polled_at, last_poll: c.last_poll, created_at: c.created_at,
});

export interface ConnectionInput {
  channel: (typeof CHANNELS)[number];
  name: string;
  webhook_secret?: string;
  access_token?: string;
  config?: { shop_domain?: string; endpoint?: string; marketplace_ids?: string[]; created_after?: string; filter?: string; prices_include_tax?: boolean; retry_base_ms?: number };
  poll_interval_seconds?: number;
}

export async function createConnection(tx: Executor, ctx: AuthContext, services: Services, input: ConnectionInput) {
  const errors: FieldError[] = [];
  const pushed = input.channel === 'shopify' || input.channel === 'woocommerce';
  if (pushed && !input.webhook_secret) errors.push({ field: 'webhook_secret', message: `${input.channel} webhooks are verified with this secret` });
  if (!pushed && !input.access_token) errors.push({ field: 'access_token', message: `${input.channel} polling needs an access token` });
  if (!pushed && !input.config?.endpoint) errors.push({ field: 'config.endpoint', message: 'the API endpoint to poll, e.g. https://sellingpartnerapi-eu.amazon.com' });
  if (input.channel === 'amazon' && !input.config?.marketplace_ids?.length) errors.push({ field: 'config.marketplace_ids', message: 'at least one marketplace id' });
  if (errors.length) throw validationError(errors);
  const id = newId('chc');
  const row = await tx.one(
    `INSERT INTO channel_connections (id, org_id, channel, name, config, webhook_secret_sealed, access_token_sealed, poll_interval_seconds) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING *`,
    [id, ctx.orgId, input.channel, input.name, JSON.stringify(input.config ?? {}), input.webhook_secret ? services.secrets.seal(input.webhook_secret) : null,
      input.access_token ? services.secrets.seal(input.access_token) : null, pushed ? null : (input.poll_interval_seconds ?? 300)],
  );
  await recordAudit(tx, ctx, { action: 'channel.connect', entityType: 'channel_connection', entityId: id, after: { channel: input.channel, name: input.name, secret: 'set' } });
  await emit(tx, ctx, { type: 'orders.channel.connected', entityType: 'channel_connection', entityId: id, orgId: ctx.orgId, payload: { channel: input.channel, name: input.name } });
  return publicConnection(row, services.config.publicUrl);
}

async function ownConnection(tx: Executor, ctx: AuthContext, id: string) {
  const c = await tx.maybeOne(`SELECT * FROM channel_connections WHERE id = $1 AND org_id = $2`, [id, ctx.orgId]);
  if (!c) throw notFound('Channel connection', id);
  return c;
}

export async function listConnections(tx: Executor, ctx: AuthContext, services: Services) {
  return { data: (await tx.query(`SELECT * FROM channel_connections WHERE org_id = $1 ORDER BY created_at`, [ctx.orgId])).map((c) => publicConnection(c, services.config.publicUrl)) };
}

export async function getConnection(tx: Executor, ctx: AuthContext, services: Services, id: string) {
  const c = await ownConnection(tx, ctx, id);
  const deliveries = await tx.query(`SELECT delivery_id, topic, external_id, order_id, outcome, received_at FROM channel_deliveries WHERE connection_id = $1 ORDER BY received_at DESC LIMIT 50`, [id]);
  return { ...publicConnection(c, services.config.publicUrl), recent_deliveries: deliveries };
}

export async function updateConnection(tx: Executor, ctx: AuthContext, services: Services, id: string, patch: { name?: string; active?: boolean; webhook_secret?: string; access_token?: string; config?: ConnectionInput['config']; poll_interval_seconds?: number }) {
  const c = await ownConnection(tx, ctx, id);
  const row = await tx.one(
    `UPDATE channel_connections SET name = COALESCE($2, name), active = COALESCE($3, active), webhook_secret_sealed = COALESCE($4, webhook_secret_sealed), access_token_sealed = COALESCE($5, access_token_sealed),
            config = COALESCE($6, config), poll_interval_seconds = COALESCE($7, poll_interval_seconds), updated_at = now() WHERE id = $1 RETURNING *`,
    [id, patch.name ?? null, patch.active ?? null, patch.webhook_secret ? services.secrets.seal(patch.webhook_secret) : null, patch.access_token ? services.secrets.seal(patch.access_token) : null,
      patch.config ? JSON.stringify({ ...c.config, ...patch.config }) : null, patch.poll_interval_seconds ?? null],
  );
  await recordAudit(tx, ctx, { action: 'channel.update', entityType: 'channel_connection', entityId: id, before: { name: c.name, active: c.active, config: c.config }, after: { name: row.name, active: row.active, config: row.config, ...(patch.webhook_secret || patch.access_token ? { secret: 'rotated' } : {}) } });
  return publicConnection(row, services.config.publicUrl);
}

/** Queue a poll now (Amazon, eBay); the job re-queues itself every poll_interval_seconds while active. */
export async function requestPoll(tx: Executor, ctx: AuthContext, id: string) {
  const c = await ownConnection(tx, ctx, id);
  if (c.channel !== 'amazon' && c.channel !== 'ebay') throw badRequest(`${c.channel} pushes orders by webhook; there is nothing to poll`);
  const jobId = await enqueue(tx, 'orders.channel.poll', { connectionId: id }, { orgId: c.org_id, dedupeKey: `chpoll:${id}`, maxAttempts: 5 });
  return { connection_id: id, job_id: jobId };
}

// ---------- inbound webhooks ----------

function headersOf(req: FastifyRequest): Record<string, string | string[] | undefined> {
  return req.headers as Record<string, string | string[] | undefined>;
}

/**
 * A Shopify or WooCommerce webhook for a connection. The signature over the exact raw bytes is
 * verified before anything is written; a delivery id seen before is acknowledged without effect.
 */
export async function receiveWebhook(tx: Executor, services: Services, req: FastifyRequest, connectionId: string, channel: 'shopify' | 'woocommerce') {
  const c = await tx.maybeOne(`SELECT * FROM channel_connections WHERE id = $1 AND channel = $2`, [connectionId, channel]);
  if (!c || !c.active || !c.webhook_secret_sealed) throw notFound('Channel connection', connectionId);
  const raw = req.rawBody ?? Buffer.alloc(0);
  const secret = services.secrets.open(c.webhook_secret_sealed);
  const outcome = channel === 'shopify' ? parseShopifyOrderWebhook({ headers: headersOf(req), rawBody: raw }, secret) : parseWooCommerceOrderWebhook({ headers: headersOf(req), rawBody: raw }, secret);
  if (!outcome.ok) {
    const code = outcome.status === 401 ? 'invalid_signature' : outcome.status === 422 ? 'unmappable_order' : 'bad_webhook';
    throw new AppError(code, outcome.status, `Webhook rejected: ${outcome.reason}`, (outcome.errors ?? []).map((e) => ({ field: e.path, message: e.message })));
  }
  // verified from here on
  const header = (n: string) => { const v = req.headers[n]; return Array.isArray(v) ? v[0] : v; };
  const deliveryId = header('x-shopify-webhook-id') ?? header('x-wc-webhook-delivery-id') ?? `${outcome.topic}:${outcome.value?.externalId ?? 'ping'}:${raw.length}:${header('x-wc-webhook-id') ?? ''}:${Date.now()}`;
  const ctx = systemContext(c.org_id, 'seller', req.id);
  const first = await tx.query(
    `INSERT INTO channel_deliveries (connection_id, delivery_id, org_id, topic, external_id, outcome) VALUES ($1,$2,$3,$4,$5,'received') ON CONFLICT DO NOTHING RETURNING delivery_id`,
    [c.id, deliveryId, c.org_id, outcome.topic, outcome.value?.externalId ?? null],
  );
  if (!first.length) return { ok: true, duplicate: true };
  if (!outcome.value) return { ok: true, topic: outcome.topic }; // ping, or order.deleted (carries only the id)
  const r = await intake(tx, ctx, outcome.value, { connectionId: c.id, invalidAddress: 'hold', warnings: outcome.warnings });
  await tx.query(`UPDATE channel_deliveries SET order_id = $3, outcome = $4 WHERE connection_id = $1 AND delivery_id = $2`, [c.id, deliveryId, r.order.id, r.outcome]);
  return { ok: true, topic: outcome.topic, order_id: r.order.id, outcome: r.outcome };
}

// ---------- polling (Amazon SP-API, eBay) ----------

/** Apply one mapped channel order in its own transaction; a bad one is reported, the others still apply. */
async function applyPolled(db: Db, orgId: string, connectionId: string, requestId: string, result: AdapterResult<ChannelOrder>, key: string) {
  if (!result.ok) return { key, outcome: 'unmappable', errors: result.errors.map((e) => `${e.path}: ${e.message}`) };
  try {
    return await db.transaction(async (tx) => {
      const r = await intake(tx, systemContext(orgId, 'seller', requestId), result.value, { connectionId, invalidAddress: 'hold', warnings: result.warnings });
      return { key, outcome: r.outcome, order_id: r.order.id };
    });
  } catch (err: any) {
    return { key, outcome: 'rejected', errors: [err?.message ?? String(err)] };
  }
}

export function pollJob(services: Services, deps?: Partial<PollDeps>) {
  return async (job: Job<{ connectionId: string }>, db: Db) => {
    const c = await db.maybeOne(`SELECT * FROM channel_connections WHERE id = $1`, [job.payload.connectionId]);
    if (!c || !c.active || (c.channel !== 'amazon' && c.channel !== 'ebay')) return;
    const cfg = c.config ?? {};
    const pollDeps: PollDeps = { fetch: (url, init) => fetch(url, init), sleep: (ms) => new Promise((r) => setTimeout(r, ms)), ...deps };
    const token = services.secrets.open(c.access_token_sealed);
    const retry = cfg.retry_base_ms ? { maxRetries: 5, baseDelayMs: cfg.retry_base_ms, maxDelayMs: 60_000 } : undefined;
    const startedAt = new Date().toISOString();
    const requestId = `poll_${job.id}`;
    let applied: Array<Record<string, unknown>> = [];
    let stats;
    if (c.channel === 'amazon') {
      const r = await pollAmazonOrders(pollDeps, { endpoint: cfg.endpoint, accessToken: token, marketplaceIds: cfg.marketplace_ids ?? [], createdAfter: cfg.created_after ?? new Date(Date.now() - 7 * 86_400_000).toISOString(), retry });
      stats = r.stats;
      for (const x of r.results) {
        // EU/UK/JP marketplaces quote VAT-inclusive item prices: re-map with the connection's setting
        const result = cfg.prices_include_tax && x.result.ok ? mapAmazonOrder((x.result.value.raw as any).order, (x.result.value.raw as any).orderItems, { pricesIncludeTax: true }) : x.result;
        applied.push(await applyPolled(db, c.org_id, c.id, requestId, result, x.amazonOrderId));
      }
    } else {
      const r = await pollEbayOrders(pollDeps, { endpoint: cfg.endpoint, accessToken: token, filter: cfg.filter, retry });
      stats = r.stats;
      applied = [];
      for (const x of r.results) applied.push(await applyPolled(db, c.org_id, c.id, requestId, x.result, x.orderId));
    }
    const summary = { started_at: startedAt, requests: stats.requests, retries: stats.retries, waits_ms: stats.waitsMs, orders: applied };
    await db.transaction(async (tx) => {
      await tx.query(`UPDATE channel_connections SET last_polled_at = now(), last_poll = $2 WHERE id = $1`, [c.id, JSON.stringify(summary)]);
      await emit(tx, { requestId, userId: null }, { type: 'orders.channel.polled', entityType: 'channel_connection', entityId: c.id, orgId: c.org_id, payload: { orders: applied.length, retries: stats.retries } });
      if (c.poll_interval_seconds) await enqueue(tx, 'orders.channel.poll', { connectionId: c.id }, { orgId: c.org_id, runAt: new Date(Date.now() + c.poll_interval_seconds * 1000), dedupeKey: `chpoll-next:${c.id}`, maxAttempts: 5 });
    });
  };
}

// ---------- CSV import ----------

/**
 * Import a Tradelane order CSV, all or nothing: any parse error, address error or rejected order
 * fails the whole file (nothing written) with every problem listed by line. `dry_run` reports what
 * would happen without writing. Orders already imported (same order number) are reported, not duplicated.
 */
export async function importCsv(tx: Executor, ctx: AuthContext, body: unknown, opts: { dryRun: boolean; encoding?: string; utcOffsetMinutes?: number }) {
  if (!Buffer.isBuffer(body) || body.length === 0) throw badRequest('Send the CSV file as the request body with Content-Type: text/csv', '(body)');
  const parsed = parseCsvOrders(body, { encoding: opts.encoding, naiveDateOffsetMinutes: opts.utcOffsetMinutes });
  if (!parsed.ok) {
    throw new AppError('csv_invalid', 422, `The CSV has ${parsed.errors.length} error(s); nothing was imported`, parsed.errors.map((e) => ({ field: e.line ? `line ${e.line}: ${e.path}` : e.path, message: e.message })), { warnings: parsed.warnings });
  }
  const errors: FieldError[] = [];
  parsed.value.forEach((o) => {
    if (!o.shipTo) return;
    for (const e of checkShipTo(o.shipTo).errors) errors.push({ field: `order ${o.externalNumber}: ${e.field}`, message: e.message });
  });
  if (errors.length) throw new AppError('csv_invalid', 422, `${errors.length} address error(s); nothing was imported`, errors);
  const existing = await tx.query<{ external_id: string; id: string }>(`SELECT external_id, id FROM orders WHERE org_id = $1 AND channel = 'csv' AND external_id = ANY($2)`, [ctx.orgId, parsed.value.map((o) => o.externalId)]);
  const known = new Map(existing.map((r) => [r.external_id, r.id]));
  const plan = parsed.value.map((o) => ({ order_number: o.externalNumber, lines: o.lines.length, total: o.totals.total, currency: o.currency, country: o.shipTo?.country ?? null, action: known.has(o.externalId) ? 'already_imported' : 'create', order_id: known.get(o.externalId) ?? null }));
  if (opts.dryRun) return { dry_run: true, orders: plan, warnings: parsed.warnings, would_create: plan.filter((p) => p.action === 'create').length };
  // all new orders of the file at once (intakeMany: the round trips of one order); any order refused fails the file
  const fresh = [...parsed.value.entries()].filter(([, o]) => !known.has(o.externalId));
  const taken = await intakeMany(tx, ctx, fresh.map(([, o]) => ({ order: o, warnings: parsed.warnings.filter((w) => w.path.includes(o.externalNumber)) })), { invalidAddress: 'reject' });
  const refused = fresh.flatMap(([, o], k) => { const r = taken[k]; return 'error' in r ? r.error.errors.map((e) => ({ field: `order ${o.externalNumber}: ${e.field}`, message: e.message })) : []; });
  if (refused.length) throw new AppError('csv_invalid', 422, `${refused.length} error(s) in the orders; nothing was imported`, refused);
  fresh.forEach(([i], k) => {
    const r = taken[k];
    if ('error' in r) return;
    plan[i].order_id = r.order.id;
    plan[i].action = 'created';
  });
  await recordAudit(tx, ctx, { action: 'order.import_csv', entityType: 'order_import', entityId: ctx.requestId, after: { created: plan.filter((p) => p.action === 'created').length, skipped: plan.filter((p) => p.action === 'already_imported').length } });
  return { dry_run: false, orders: plan, warnings: parsed.warnings, created: plan.filter((p) => p.action === 'created').length };
}

export type { SecretBox };
