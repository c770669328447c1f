import { recordAudit } from '../../kernel/audit.ts';
import type { AuthContext } from '../../kernel/context.ts';
import { randomToken, type SecretBox } from '../../kernel/crypto.ts';
import type { Db, Executor } from '../../kernel/db.ts';
import { notFound } from '../../kernel/errors.ts';
import { emit, type StoredEvent } from '../../kernel/events.ts';
import { newId } from '../../kernel/ids.ts';
import { enqueue, type Job } from '../../kernel/jobs.ts';
import { signWebhook } from './signature.ts';

const DELIVERY_ATTEMPTS = 8; // 2 s … ~4 min of backoff, then "failed" (redeliver by hand)
const publicEndpoint = (r: any) => ({ id: r.id, url: r.url, description: r.description, event_types: r.event_types, active: r.active, created_at: r.created_at });

/**
 * Write-only: every value of the new row is known here, so the insert is deferred with the audit row
 * and the event, and the whole use-case travels with COMMIT in one round trip.
 */
export async function createEndpoint(tx: Executor, ctx: AuthContext, secrets: SecretBox, input: { url: string; description?: string; event_types: string[] }) {
  const secret = 'whsec_' + randomToken(24);
  const row = { id: newId('whe'), url: input.url, description: input.description ?? null, event_types: input.event_types, active: true, created_at: new Date() };
  await tx.defer(
    `INSERT INTO webhook_endpoints (id, org_id, url, description, event_types, secret_sealed, active, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$8)`,
    [row.id, ctx.orgId, row.url, row.description, row.event_types, secrets.seal(secret), row.active, row.created_at],
  );
  await tx.defer(`INSERT INTO webhook_subscriptions (org_id, event_type, endpoint_id) SELECT $1, t, $2 FROM unnest($3::text[]) AS t ON CONFLICT DO NOTHING`, [ctx.orgId, row.id, row.event_types]);
  await recordAudit(tx, ctx, { action: 'webhook.create', entityType: 'webhook_endpoint', entityId: row.id, after: row });
  await emit(tx, ctx, { type: 'webhooks.endpoint.created', entityType: 'webhook_endpoint', entityId: row.id, orgId: ctx.orgId, payload: { url: row.url, event_types: row.event_types } });
  return { ...row, secret }; // shown once
}

async function getOwned(tx: Executor, ctx: AuthContext, id: string) {
  const row = await tx.maybeOne(`SELECT * FROM webhook_endpoints WHERE id = $1 AND org_id = $2`, [id, ctx.orgId]);
  if (!row) throw notFound('Webhook endpoint', id);
  return row;
}

export async function getEndpoint(tx: Executor, ctx: AuthContext, id: string) {
  return publicEndpoint(await getOwned(tx, ctx, id));
}

export async function listEndpoints(tx: Executor, ctx: AuthContext) {
  return (await tx.query(`SELECT * FROM webhook_endpoints WHERE org_id = $1 ORDER BY created_at DESC`, [ctx.orgId])).map(publicEndpoint);
}

export async function updateEndpoint(tx: Executor, ctx: AuthContext, id: string, patch: { url?: string; description?: string; event_types?: string[]; active?: boolean }) {
  const before = publicEndpoint(await getOwned(tx, ctx, id));
  const row = await tx.one(
    `UPDATE webhook_endpoints SET url = COALESCE($3, url), description = COALESCE($4, description), event_types = COALESCE($5, event_types), active = COALESCE($6, active), updated_at = now()
      WHERE id = $1 AND org_id = $2 RETURNING *`,
    [id, ctx.orgId, patch.url ?? null, patch.description ?? null, patch.event_types ?? null, patch.active ?? null],
  );
  if (patch.event_types) {
    await tx.query(`DELETE FROM webhook_subscriptions WHERE endpoint_id = $1`, [id]);
    await tx.query(`INSERT INTO webhook_subscriptions (org_id, event_type, endpoint_id) SELECT $1, t, $2 FROM unnest($3::text[]) AS t ON CONFLICT DO NOTHING`, [ctx.orgId, id, patch.event_types]);
  }
  await recordAudit(tx, ctx, { action: 'webhook.update', entityType: 'webhook_endpoint', entityId: id, before, after: publicEndpoint(row) });
  return publicEndpoint(row);
}

export async function rotateSecret(tx: Executor, ctx: AuthContext, secrets: SecretBox, id: string) {
  await getOwned(tx, ctx, id);
  const secret = 'whsec_' + randomToken(24);
  await tx.query(`UPDATE webhook_endpoints SET secret_sealed = $3, updated_at = now() WHERE id = $1 AND org_id = $2`, [id, ctx.orgId, secrets.seal(secret)]);
  await recordAudit(tx, ctx, { action: 'webhook.rotate_secret', entityType: 'webhook_endpoint', entityId: id, before: { secret: 'old' }, after: { secret: 'new' } });
  return { id, secret };
}

export async function deleteEndpoint(tx: Executor, ctx: AuthContext, id: string) {
  const before = publicEndpoint(await getOwned(tx, ctx, id));
  await tx.query(`UPDATE webhook_endpoints SET active = false, updated_at = now() WHERE id = $1`, [id]);
  await recordAudit(tx, ctx, { action: 'webhook.delete', entityType: 'webhook_endpoint', entityId: id, before, after: { ...before, active: false } });
}

export async function listDeliveries(tx: Executor, ctx: AuthContext, endpointId: string, limit: number, cursor?: string) {
  await getOwned(tx, ctx, endpointId);
  const rows = await tx.query(
    `SELECT id, event_id, event_type, status, attempts, last_status_code, created_at, updated_at FROM webhook_deliveries
      WHERE endpoint_id = $1 AND org_id = $2 ${cursor ? 'AND id < $3' : ''} ORDER BY id DESC LIMIT ${limit + 1}`,
    cursor ? [endpointId, ctx.orgId, cursor] : [endpointId, ctx.orgId],
  );
  const more = rows.length > limit;
  const data = more ? rows.slice(0, limit) : rows;
  if (data.length) {
    const attempts = await tx.query(`SELECT delivery_id, attempted_at, status_code, response_body, duration_ms, error FROM webhook_attempts WHERE delivery_id = ANY($1) ORDER BY attempted_at`, [data.map((d) => d.id)]);
    for (const d of data) d.attempt_log = attempts.filter((a) => a.delivery_id === d.id).map(({ delivery_id: _, ...a }) => a);
  }
  return { data, next_cursor: more ? data[data.length - 1].id : null };
}

export async function redeliver(tx: Executor, ctx: AuthContext, deliveryId: string) {
  const d = await tx.maybeOne(`SELECT id FROM webhook_deliveries WHERE id = $1 AND org_id = $2`, [deliveryId, ctx.orgId]);
  if (!d) throw notFound('Webhook delivery', deliveryId);
  await tx.query(`UPDATE webhook_deliveries SET status = 'pending', updated_at = now() WHERE id = $1`, [deliveryId]);
  await enqueue(tx, 'webhook.deliver', { deliveryId }, { maxAttempts: DELIVERY_ATTEMPTS, orgId: ctx.orgId, dedupeKey: 'whd:' + deliveryId });
  await recordAudit(tx, ctx, { action: 'webhook.redeliver', entityType: 'webhook_delivery', entityId: deliveryId, after: { status: 'pending' } });
  return { id: deliveryId, status: 'pending' };
}

/**
 * The outbox subscriber: a delivery (and its job) for every active endpoint subscribed to an event,
 * in its own organisation or one in the event's audience. One read finds the endpoints for a whole
 * batch of events.
 */
export async function fanOut(tx: Executor, events: StoredEvent[]) {
  const orgsOf = (e: StoredEvent) => [e.orgId, ...(e.audience ?? [])].filter((o): o is string => !!o);
  const typesOf = (e: StoredEvent) => [e.type, '*', e.type.split('.')[0] + '.*'];
  const concerned = events.filter((e) => orgsOf(e).length > 0);
  if (concerned.length === 0) return;
  const subscriptions = await tx.query<{ org_id: string; event_type: string; endpoint_id: string }>(
    `SELECT s.org_id, s.event_type, s.endpoint_id FROM webhook_subscriptions s JOIN webhook_endpoints e ON e.id = s.endpoint_id
      WHERE s.org_id = ANY($1) AND s.event_type = ANY($2) AND e.active`,
    [[...new Set(concerned.flatMap(orgsOf))], [...new Set(concerned.flatMap(typesOf))]],
  );
  if (subscriptions.length === 0) return;
  const byOrgAndType = new Map<string, Array<{ endpoint_id: string; org_id: string }>>();
  for (const s of subscriptions) {
    const key = s.org_id + ' ' + s.event_type;
    const list = byOrgAndType.get(key);
    if (list) list.push(s);
    else byOrgAndType.set(key, [s]);
  }
  for (const e of concerned) {
    const endpoints = new Map<string, string>(); // endpoint → its organisation; one delivery each however many of its subscriptions match
    for (const org of orgsOf(e)) for (const type of typesOf(e)) for (const s of byOrgAndType.get(org + ' ' + type) ?? []) endpoints.set(s.endpoint_id, s.org_id);
    for (const [endpointId, orgId] of endpoints) {
      const id = newId('whd');
      const body = JSON.stringify({ id: e.eventId, type: e.type, created_at: e.createdAt, org_id: e.orgId, entity: { type: e.entityType, id: e.entityId }, data: e.payload });
      const ins = await tx.query(
        `INSERT INTO webhook_deliveries (id, org_id, endpoint_id, event_id, event_type, body) VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT (endpoint_id, event_id) DO NOTHING RETURNING id`,
        [id, orgId, endpointId, e.eventId, e.type, body],
      );
      if (ins.length) await enqueue(tx, 'webhook.deliver', { deliveryId: id }, { maxAttempts: DELIVERY_ATTEMPTS, orgId, dedupeKey: 'whd:' + id });
    }
  }
}

/** Job: POST the signed event; non-2xx or network errors retry with backoff; the log keeps every attempt. */
export function deliveryJob(secrets: SecretBox, fetchImpl: typeof fetch = fetch) {
  return async (job: Job<{ deliveryId: string }>, db: Db) => {
    const d = await db.maybeOne(
      `SELECT d.*, e.url, e.secret_sealed, e.active FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE d.id = $1`,
      [job.payload.deliveryId],
    );
    if (!d || !d.active || d.status === 'succeeded') return;
    const started = Date.now();
    let status: number | null = null;
    let responseBody = '';
    let error: string | null = null;
    try {
      const res = await fetchImpl(d.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Tradelane-Webhooks/1',
          'tradelane-event-id': d.event_id,
          'tradelane-event-type': d.event_type,
          'tradelane-delivery-id': d.id,
          'tradelane-signature': signWebhook(secrets.open(d.secret_sealed), d.body),
        },
        body: d.body,
        signal: AbortSignal.timeout(10_000),
        redirect: 'manual',
      });
      status = res.status;
      responseBody = (await res.text()).slice(0, 2000);
    } catch (err: any) {
      error = String(err?.cause?.code ?? err?.message ?? err);
    }
    const ok = status !== null && status >= 200 && status < 300;
    const finalFailure = !ok && job.attempts >= job.maxAttempts;
    await db.transaction(async (tx) => {
      await tx.query(`INSERT INTO webhook_attempts (id, org_id, delivery_id, status_code, response_body, duration_ms, error) VALUES ($1,$2,$3,$4,$5,$6,$7)`, [newId('wha'), d.org_id, d.id, status, responseBody, Date.now() - started, error]);
      await tx.query(`UPDATE webhook_deliveries SET status = $2, attempts = attempts + 1, last_status_code = $3, updated_at = now() WHERE id = $1`, [d.id, ok ? 'succeeded' : finalFailure ? 'failed' : 'retrying', status]);
    });
    if (!ok) throw new Error(error ?? `endpoint answered ${status}`);
  };
}
