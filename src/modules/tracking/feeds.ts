// Provider pushes: a signed webhook endpoint per feed (carrier organisation), and polling sources.
import type { Services } from '../../http/services.ts';
import { recordAudit } from '../../kernel/audit.ts';
import { systemContext, type AuthContext, type OrgKind } from '../../kernel/context.ts';
import { randomToken } from '../../kernel/crypto.ts';
import { withTx, type Db, type Executor } from '../../kernel/db.ts';
import { AppError, badRequest, notFound } from '../../kernel/errors.ts';
import { newId } from '../../kernel/ids.ts';
import { enqueue, type Job } from '../../kernel/jobs.ts';
import { verifyWebhookSignature } from '../webhooks/index.ts';
import type { TrackingMapResult } from '../../engines/carriers/index.ts';
import { ingestEvents, mapCarrierPayload, normaliseInputs, parseCsv, type CarrierFormat, type EventInput } from './ingest.ts';

export const FEED_FORMATS = ['tradelane', 'csv', 'dhl', 'ups', 'ups_track_alert', 'fedex', 'usps', 'karrio'] as const;
export type FeedFormat = (typeof FEED_FORMATS)[number];

const publicFeed = (r: any, base: string) => ({ id: r.id, name: r.name, carrier: r.carrier, format: r.format, active: r.active, url: `${base}/v1/tracking/feeds/${r.id}/events`, last_received_at: r.last_received_at, created_at: r.created_at });

export async function createFeed(tx: Executor, ctx: AuthContext, s: Services, input: { name: string; carrier: string; format: FeedFormat }) {
  const id = newId('trf');
  const secret = 'tlfs_' + randomToken(24);
  const row = await tx.one(`INSERT INTO tracking_feeds (id, org_id, name, carrier, format, secret_sealed) VALUES ($1,$2,$3,$4,$5,$6) RETURNING *`, [id, ctx.orgId, input.name, input.carrier, input.format, s.secrets.seal(secret)]);
  await recordAudit(tx, ctx, { action: 'tracking.feed.create', entityType: 'tracking_feed', entityId: id, after: { name: input.name, carrier: input.carrier, format: input.format } });
  return { ...publicFeed(row, s.config.publicUrl), secret, signature: 'Tradelane-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>' };
}

export async function listFeeds(tx: Executor, ctx: AuthContext, s: Services) {
  return { data: (await tx.query(`SELECT * FROM tracking_feeds WHERE org_id = $1 ORDER BY id DESC`, [ctx.orgId])).map((r) => publicFeed(r, s.config.publicUrl)) };
}

export async function disableFeed(tx: Executor, ctx: AuthContext, s: Services, id: string) {
  const r = await tx.maybeOne(`UPDATE tracking_feeds SET active = false WHERE id = $1 AND org_id = $2 RETURNING *`, [id, ctx.orgId]);
  if (!r) throw notFound('Tracking feed', id);
  await recordAudit(tx, ctx, { action: 'tracking.feed.disable', entityType: 'tracking_feed', entityId: id, before: { active: true }, after: { active: false } });
  return publicFeed(r, s.config.publicUrl);
}

/** Map one feed/poll payload into events (+ carrier shipment infos). */
export function eventsFromPayload(s: Services, format: FeedFormat, body: unknown, raw: Buffer | string | undefined) {
  if (format === 'csv') {
    const parsed = parseCsv(s, typeof raw === 'string' ? raw : (raw ?? Buffer.alloc(0)).toString('utf8'));
    if (!parsed.ok) throw new AppError('invalid_csv', 422, `The CSV has ${parsed.errors.length} error(s); nothing was stored`, parsed.errors.map((e) => ({ field: `line ${e.line ?? '?'}: ${e.path}`, message: e.message })));
    return { events: parsed.events, infos: [], warnings: parsed.warnings, failures: [] as TrackingMapResult['failures'] };
  }
  if (format === 'tradelane') {
    const list = (body as any)?.events;
    if (!Array.isArray(list)) throw badRequest('body must be {"events": [...]}', 'events');
    const n = normaliseInputs(s, list as EventInput[]);
    return { events: n.events, infos: [], warnings: n.warnings, failures: [] as TrackingMapResult['failures'] };
  }
  const m = mapCarrierPayload(s, format as CarrierFormat, body);
  return { events: m.events, infos: m.shipments, warnings: m.warnings, failures: m.failures };
}

/** Public endpoint of a feed: HMAC over the raw body is verified before anything is parsed or stored. */
export async function receiveFeed(tx: Executor, s: Services, feedId: string, headers: Record<string, unknown>, body: unknown, raw: Buffer | undefined) {
  const feed = await tx.maybeOne(`SELECT * FROM tracking_feeds WHERE id = $1 AND active`, [feedId]);
  const signature = String(headers['tradelane-signature'] ?? '');
  if (!feed || !signature || !verifyWebhookSignature(s.secrets.open(feed.secret_sealed), signature, (raw ?? Buffer.alloc(0)).toString('utf8'))) {
    throw new AppError('bad_signature', 401, 'Unknown feed or the Tradelane-Signature does not verify');
  }
  const mapped = eventsFromPayload(s, feed.format, body, raw);
  const ctx = systemContext(feed.org_id, 'carrier', 'feed:' + feed.id);
  await tx.query(`UPDATE tracking_feeds SET last_received_at = now() WHERE id = $1`, [feed.id]);
  const r = await ingestEvents(tx, ctx, s, mapped.events, 'webhook', { infos: mapped.infos, warnings: mapped.warnings });
  return { ...r, failures: mapped.failures };
}

// ---------------------------------------------------------------- polling

/** How a polling source fetches a payload; the default is HTTP GET `<url>?tracking_numbers=a,b`. */
export interface TrackingPoller {
  fetchPayload(source: { url: string; carrier: string; format: string }, trackingNumbers: string[]): Promise<unknown>;
}

export const httpPoller = (fetchImpl: typeof fetch = fetch): TrackingPoller => ({
  async fetchPayload(source, numbers) {
    const url = new URL(source.url);
    url.searchParams.set('tracking_numbers', numbers.join(','));
    const res = await fetchImpl(url, { headers: { accept: 'application/json', 'user-agent': 'Tradelane-Tracking/1' }, signal: AbortSignal.timeout(15_000), redirect: 'manual' });
    if (!res.ok) throw new Error(`poll ${url.host} answered ${res.status}`);
    return res.json();
  },
});

const publicSource = (r: any) => ({ id: r.id, carrier: r.carrier, format: r.format, url: r.url, interval_minutes: r.interval_minutes, active: r.active, last_polled_at: r.last_polled_at, last_result: r.last_result, created_at: r.created_at });

export async function createPollSource(tx: Executor, ctx: AuthContext, input: { carrier: string; format: Exclude<FeedFormat, 'csv'>; url: string; interval_minutes: number }) {
  const id = newId('tps');
  const row = await tx.one(`INSERT INTO tracking_poll_sources (id, org_id, carrier, format, url, interval_minutes) VALUES ($1,$2,$3,$4,$5,$6) RETURNING *`, [id, ctx.orgId, input.carrier, input.format, input.url, input.interval_minutes]);
  await enqueue(tx, 'tracking.poll', { sourceId: id }, { runAt: new Date(Date.now() + input.interval_minutes * 60_000), dedupeKey: `tracking-poll:${id}`, orgId: ctx.orgId });
  await recordAudit(tx, ctx, { action: 'tracking.poll_source.create', entityType: 'tracking_poll_source', entityId: id, after: publicSource(row) });
  return publicSource(row);
}

export async function listPollSources(tx: Executor, ctx: AuthContext) {
  return { data: (await tx.query(`SELECT * FROM tracking_poll_sources WHERE org_id = $1 ORDER BY id DESC`, [ctx.orgId])).map(publicSource) };
}

export async function disablePollSource(tx: Executor, ctx: AuthContext, id: string) {
  const r = await tx.maybeOne(`UPDATE tracking_poll_sources SET active = false WHERE id = $1 AND org_id = $2 RETURNING *`, [id, ctx.orgId]);
  if (!r) throw notFound('Poll source', id);
  return publicSource(r);
}

/** Poll once: tracking numbers of the source's carrier that the organisation may update and that are under way. */
export async function pollOnce(s: Services, sourceId: string, poller: TrackingPoller = (s.state.get('tracking.poller') as TrackingPoller | undefined) ?? httpPoller(), orgKind: OrgKind = 'seller', ex: Executor | Db = s.db) {
  const src: any = await ex.maybeOne(`SELECT * FROM tracking_poll_sources WHERE id = $1 AND active`, [sourceId]);
  if (!src) return null;
  const numbers = (await ex.query(
    `SELECT DISTINCT s.tracking_number FROM tracking_shipments s
      WHERE s.carrier = $1 AND s.delivered_at IS NULL AND s.status NOT IN ('cancelled','return_to_sender')
        AND (s.org_id = $2 OR s.id IN (SELECT entity_id FROM record_grants WHERE grantee_org_id = $2 AND entity_type = 'shipment' AND revoked_at IS NULL AND 'write' = ANY(permissions)))
      ORDER BY 1 LIMIT 200`, [src.carrier, src.org_id])).map((r) => r.tracking_number as string);
  const summary = { polled: numbers.length, stored: 0, duplicates: 0, unmatched: 0, exceptions_opened: 0, error: null as string | null };
  for (let i = 0; i < numbers.length; i += 50) {
    try {
      const payload = await poller.fetchPayload(src, numbers.slice(i, i + 50));
      const mapped = eventsFromPayload(s, src.format, payload, undefined);
      const r = await withTx(ex, (tx) => ingestEvents(tx, systemContext(src.org_id, orgKind, 'poll:' + src.id), s, mapped.events, 'poll', { infos: mapped.infos, warnings: mapped.warnings }));
      summary.stored += r.stored; summary.duplicates += r.duplicates; summary.unmatched += r.unmatched.length; summary.exceptions_opened += r.exceptions_opened.length;
    } catch (err: any) {
      summary.error = String(err?.message ?? err).slice(0, 500);
    }
  }
  await ex.query(`UPDATE tracking_poll_sources SET last_polled_at = now(), last_result = $2 WHERE id = $1`, [src.id, JSON.stringify(summary)]);
  return summary;
}

export function pollJob(s: Services) {
  return async (job: Job<{ sourceId: string }>, db: Db) => {
    const r = await pollOnce(s, job.payload.sourceId);
    const src = await db.maybeOne(`SELECT interval_minutes, active FROM tracking_poll_sources WHERE id = $1`, [job.payload.sourceId]);
    if (r && src?.active) {
      const at = new Date(Date.now() + src.interval_minutes * 60_000);
      await enqueue(db, 'tracking.poll', { sourceId: job.payload.sourceId }, { runAt: at, dedupeKey: `tracking-poll:${job.payload.sourceId}:${at.toISOString()}` });
    }
  };
}

