import QRCode from 'qrcode';
import { encodeBase64, formatTlogProof, toHex } from '../../engines/merkle/index.ts';
import { recordAudit } from '../../kernel/audit.ts';
import type { AuthContext } from '../../kernel/context.ts';
import type { Executor } from '../../kernel/db.ts';
import { badRequest, conflict, notFound } from '../../kernel/errors.ts';
import type { StoredEvent } from '../../kernel/events.ts';
import { newId } from '../../kernel/ids.ts';
import { enqueue } from '../../kernel/jobs.ts';
import { checkpointAt, inclusionProofs, readState, type LogKeys } from './log.ts';
import { leafForEvent } from './mapping.ts';
import { canonicalJson, contentHashOf, formatEntry, type JsonValue } from './record.ts';

/** How often the sequencer folds queued records into the tree (ms). */
export const SEQUENCE_INTERVAL_MS = 200;

export type PublicMetadata = Record<string, string | number | boolean | null>;

export interface AppendInput {
  type: string;
  subjectId: string;
  /** SHA-256 (hex) of the document kept elsewhere; or give `content` and it is hashed here. */
  contentHash?: string;
  content?: unknown;
  publicMetadata?: PublicMetadata;
  /** Keep `content` (org-private) in trace_documents, so the owner can hand it to a verifier later. */
  storeContent?: boolean;
  /** Domain event this record comes from (appending twice is a no-op). */
  sourceEventId?: string;
}

export interface AppendedRecord {
  id: string;
  type: string;
  subject_id: string;
  content_sha256: string;
  public_metadata: PublicMetadata;
  recorded_at: string;
  entry: string;
  status: 'queued';
}

const TYPE_RE = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/;

function checkMetadata(meta: PublicMetadata) {
  const keys = Object.keys(meta);
  if (keys.length > 20) throw badRequest('public metadata holds at most 20 fields', 'public_metadata');
  for (const k of keys) {
    const v = meta[k];
    const ok = v === null || typeof v === 'boolean' || (typeof v === 'string' && v.length <= 500) || (typeof v === 'number' && Number.isSafeInteger(v));
    if (!ok || k.length > 60) throw badRequest(`public metadata "${k}" must be a string (≤ 500), a safe integer, a boolean or null`, `public_metadata.${k}`);
  }
}

/**
 * THE interface for every module: queue a record in the caller's transaction. It commits (or rolls
 * back) with the caller's change; the sequencer gives it a leaf index within about
 * SEQUENCE_INTERVAL_MS. Only the content hash and the public metadata become public.
 */
export async function appendRecord(tx: Executor, ctx: Pick<AuthContext, 'orgId'>, input: AppendInput): Promise<AppendedRecord> {
  if (!TYPE_RE.test(input.type) || input.type.length > 100) throw badRequest('type must look like "product.batch.produced"', 'type');
  if (!input.subjectId || input.subjectId.length > 200) throw badRequest('subject_id must be 1–200 characters', 'subject_id');
  const meta = input.publicMetadata ?? {};
  checkMetadata(meta);
  let hash = input.contentHash?.toLowerCase();
  if (hash !== undefined && !/^[0-9a-f]{64}$/.test(hash)) throw badRequest('content_sha256 must be 64 hex digits', 'content_sha256');
  if (input.content !== undefined) {
    const computed = contentHashOf(input.content);
    if (hash !== undefined && hash !== computed) throw badRequest('content_sha256 does not match the content', 'content_sha256');
    hash = computed;
  }
  if (hash === undefined) throw badRequest('give content or content_sha256', 'content');
  const id = newId('trl');
  const at = new Date(Math.floor(Date.now()));
  const entry = formatEntry({ id, type: input.type, subject: input.subjectId, content_sha256: hash, meta: meta as Record<string, JsonValue>, org: ctx.orgId, at: at.toISOString() });
  const rows = await tx.query(
    `INSERT INTO trace_records (id, org_id, type, subject_id, content_sha256, public_metadata, recorded_at, entry, source_event_id)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) ON CONFLICT (source_event_id) DO NOTHING RETURNING id`,
    [id, ctx.orgId, input.type, input.subjectId, hash, JSON.stringify(meta), at, entry, input.sourceEventId ?? null],
  );
  if (rows.length === 0) {
    const prior = await tx.one(`SELECT * FROM trace_records WHERE source_event_id = $1`, [input.sourceEventId]);
    return { ...publicRecord(prior), status: 'queued' };
  }
  if (input.storeContent && input.content !== undefined) {
    const body = typeof input.content === 'string' ? Buffer.from(input.content) : input.content instanceof Uint8Array ? Buffer.from(input.content) : Buffer.from(canonicalJson(input.content));
    const mediaType = typeof input.content === 'string' ? 'text/plain' : input.content instanceof Uint8Array ? 'application/octet-stream' : 'application/json';
    await tx.query(`INSERT INTO trace_documents (org_id, sha256, media_type, body) VALUES ($1,$2,$3,$4) ON CONFLICT DO NOTHING`, [ctx.orgId, hash, mediaType, body]);
  }
  // Batching: one sequencer job per interval slot; it runs one slot after its own ends, so a record
  // queued later always lands in a later slot (a job already running never swallows its wake-up).
  const slot = Math.floor(Date.now() / SEQUENCE_INTERVAL_MS);
  await enqueue(tx, 'trace.sequence', {}, { dedupeKey: `trace.sequence:${slot}`, runAt: new Date((slot + 2) * SEQUENCE_INTERVAL_MS), maxAttempts: 20 });
  return { id, type: input.type, subject_id: input.subjectId, content_sha256: hash, public_metadata: meta, recorded_at: at.toISOString(), entry, status: 'queued' };
}

export function publicRecord(r: any) {
  return {
    id: r.id as string,
    type: r.type as string,
    subject_id: r.subject_id as string,
    org_id: r.org_id as string,
    content_sha256: r.content_sha256 as string,
    public_metadata: r.public_metadata as PublicMetadata,
    recorded_at: new Date(r.recorded_at).toISOString(),
    entry: r.entry as string,
    leaf_index: r.leaf_index === null || r.leaf_index === undefined ? null : Number(r.leaf_index),
    status: r.leaf_index === null || r.leaf_index === undefined ? 'queued' : 'logged',
  };
}

/** Outbox subscriber: domain events → log records (see mapping.ts). At least once; dedup by event id. */
export async function recordFromEvent(tx: Executor, e: StoredEvent) {
  if (!e.orgId) return;
  const leaf = leafForEvent(e);
  if (!leaf) return;
  const content = { event_id: e.eventId, type: e.type, entity: { type: e.entityType, id: e.entityId }, payload: e.payload };
  await appendRecord(tx, { orgId: e.orgId }, { ...leaf, publicMetadata: leaf.publicMetadata as PublicMetadata, content, sourceEventId: e.eventId });
}

export async function getRecord(ex: Executor, id: string) {
  const r = await ex.maybeOne(`SELECT * FROM trace_records WHERE id = $1`, [id]);
  if (!r) throw notFound('Trace record', id);
  return publicRecord(r);
}

export async function recordAtLeaf(ex: Executor, index: number) {
  const r = await ex.maybeOne(`SELECT * FROM trace_records WHERE leaf_index = $1`, [index]);
  if (!r) throw notFound('Leaf', String(index));
  return publicRecord(r);
}

export async function listRecords(ex: Executor, ctx: AuthContext, q: { limit: number; cursor?: string; subject_id?: string; type?: string }) {
  const params: unknown[] = [ctx.orgId];
  let where = 'org_id = $1';
  if (q.cursor) { params.push(q.cursor); where += ` AND id < $${params.length}`; }
  if (q.subject_id) { params.push(q.subject_id); where += ` AND subject_id = $${params.length}`; }
  if (q.type) { params.push(q.type); where += ` AND type = $${params.length}`; }
  const rows = await ex.query(`SELECT * FROM trace_records WHERE ${where} ORDER BY id DESC LIMIT ${q.limit + 1}`, params);
  const more = rows.length > q.limit;
  const data = (more ? rows.slice(0, q.limit) : rows).map(publicRecord);
  return { data, next_cursor: more ? data[data.length - 1]!.id : null };
}

/** The document behind a record, for its owner (to hand to a verifier). */
export async function getDocument(ex: Executor, ctx: AuthContext, sha256: string) {
  const d = await ex.maybeOne(`SELECT media_type, body FROM trace_documents WHERE org_id = $1 AND sha256 = $2`, [ctx.orgId, sha256]);
  if (!d) throw notFound('Document', sha256);
  return d as { media_type: string; body: Uint8Array };
}

/**
 * Inclusion proof of a logged record at a tree size (default: the latest checkpoint), with the
 * signed checkpoint for that size and a c2sp tlog-proof bundle whose `extra` is the record itself.
 */
export async function proofForRecord(ex: Executor, keys: LogKeys, record: ReturnType<typeof publicRecord>, size?: number) {
  if (record.leaf_index === null) throw conflict(`record ${record.id} is queued and not yet in the log; try again in a moment`, { record_status: 'queued' });
  const state = await readState(ex);
  const treeSize = size ?? state.treeSize;
  if (record.leaf_index >= treeSize) throw badRequest(`record ${record.id} (leaf ${record.leaf_index}) is not in a tree of ${treeSize} leaves`, 'tree_size');
  const [proof] = await inclusionProofs(ex, [record.leaf_index], treeSize);
  const checkpoint = await checkpointAt(ex, treeSize);
  return {
    record,
    leaf_index: record.leaf_index,
    tree_size: treeSize,
    proof: proof!.map(encodeBase64),
    checkpoint: checkpoint ?? null,
    verifier_key: keys.verifierKey,
    bundle: checkpoint ? formatTlogProof({ extra: new TextEncoder().encode(record.entry), index: BigInt(record.leaf_index), proof: proof!, checkpointNote: checkpoint }) : null,
  };
}

// ---------------------------------------------------------------------------------------------
// Digital product passports

export interface PassportInput {
  gtin: string;
  batch: string;
  product: {
    name: string;
    description?: string;
    brand?: string;
    origin_country: string;
    manufacturer?: string;
    facility?: string;
    produced_on?: string;
    materials?: string[];
  };
  certifications?: { type: string; number: string; issuer: string; valid_until?: string }[];
  subjects?: string[];
}

/** GTIN-8/12/13/14 with a valid GS1 check digit, normalised to 14 digits. */
export function normaliseGtin(gtin: string): string {
  if (!/^(\d{8}|\d{12,14})$/.test(gtin)) throw badRequest('GTIN must be 8, 12, 13 or 14 digits', 'gtin');
  const g = gtin.padStart(14, '0');
  let sum = 0;
  for (let i = 0; i < 13; i++) sum += Number(g[i]) * (i % 2 === 0 ? 3 : 1);
  if ((10 - (sum % 10)) % 10 !== Number(g[13])) throw badRequest('GTIN check digit is wrong', 'gtin');
  return g;
}

/** GS1 Digital Link (AI 01 GTIN, AI 10 batch/lot) with the passport id as a query parameter. */
export function passportUrl(publicUrl: string, p: { id: string; gtin: string; batch: string }): string {
  return `${publicUrl.replace(/\/$/, '')}/01/${p.gtin}/10/${encodeURIComponent(p.batch)}?dpp=${p.id}`;
}

function publicPassport(r: any, publicUrl: string) {
  const url = passportUrl(publicUrl, r);
  return {
    id: r.id as string, org_id: r.org_id as string, gtin: r.gtin as string, batch: r.batch as string,
    product: r.product.product, certifications: r.product.certifications ?? [], subjects: r.subjects as string[],
    record_id: r.record_id as string, created_at: new Date(r.created_at).toISOString(), url, qr_svg: `/v1/trace/public/passports/${r.id}/qr.svg`,
  };
}

export async function createPassport(tx: Executor, ctx: AuthContext, publicUrl: string, input: PassportInput) {
  const gtin = normaliseGtin(input.gtin);
  if (await tx.maybeOne(`SELECT 1 FROM trace_passports WHERE gtin = $1 AND batch = $2`, [gtin, input.batch])) throw conflict(`a passport for GTIN ${gtin} batch ${input.batch} already exists`);
  const id = newId('dpp');
  const body = { product: input.product, certifications: input.certifications ?? [] };
  const rec = await appendRecord(tx, ctx, {
    type: 'passport.issued', subjectId: id, content: { gtin, batch: input.batch, ...body }, storeContent: true,
    publicMetadata: { gtin, batch: input.batch, product: input.product.name.slice(0, 200), origin_country: input.product.origin_country },
  });
  const subjects = [...new Set([id, ...(input.subjects ?? [])])];
  const row = await tx.one(
    `INSERT INTO trace_passports (id, org_id, gtin, batch, product, subjects, record_id) VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING *`,
    [id, ctx.orgId, gtin, input.batch, JSON.stringify(body), subjects, rec.id],
  );
  await recordAudit(tx, ctx, { action: 'trace.passport.create', entityType: 'passport', entityId: id, after: { gtin, batch: input.batch } });
  return publicPassport(row, publicUrl);
}

export async function linkSubject(tx: Executor, ctx: AuthContext, publicUrl: string, id: string, subjectId: string) {
  const row = await tx.maybeOne(`UPDATE trace_passports SET subjects = array_append(subjects, $3) WHERE id = $1 AND org_id = $2 AND NOT ($3 = ANY(subjects)) RETURNING *`, [id, ctx.orgId, subjectId])
    ?? (await tx.maybeOne(`SELECT * FROM trace_passports WHERE id = $1 AND org_id = $2`, [id, ctx.orgId]));
  if (!row) throw notFound('Passport', id);
  await recordAudit(tx, ctx, { action: 'trace.passport.link', entityType: 'passport', entityId: id, after: { subject_id: subjectId } });
  return publicPassport(row, publicUrl);
}

export async function listPassports(ex: Executor, ctx: AuthContext, publicUrl: string) {
  return { data: (await ex.query(`SELECT * FROM trace_passports WHERE org_id = $1 ORDER BY id DESC LIMIT 200`, [ctx.orgId])).map((r) => publicPassport(r, publicUrl)) };
}

export async function getOwnPassport(ex: Executor, ctx: AuthContext, publicUrl: string, id: string) {
  const r = await ex.maybeOne(`SELECT * FROM trace_passports WHERE id = $1 AND org_id = $2`, [id, ctx.orgId]);
  if (!r) throw notFound('Passport', id);
  return publicPassport(r, publicUrl);
}

export async function passportQrSvg(ex: Executor, publicUrl: string, id: string): Promise<string> {
  const r = await ex.maybeOne<{ id: string; gtin: string; batch: string }>(`SELECT id, gtin, batch FROM trace_passports WHERE id = $1`, [id]);
  if (!r) throw notFound('Passport', id);
  return QRCode.toString(passportUrl(publicUrl, r), { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}

// ---------------------------------------------------------------------------------------------
// Trademarks and authorisations

export interface TrademarkInput {
  mark: string;
  office: string;
  registration_number: string;
  classes: number[];
  gtin_prefixes?: string[];
  authorised_org_ids?: string[];
}

export async function registerTrademark(tx: Executor, ctx: AuthContext, input: TrademarkInput) {
  const id = newId('tmk');
  const rec = await appendRecord(tx, ctx, {
    type: 'brand.trademark.registered', subjectId: id, content: input, storeContent: true,
    publicMetadata: { mark: input.mark, office: input.office, registration_number: input.registration_number, authorised_orgs: (input.authorised_org_ids ?? []).join(',') || null },
  });
  const row = await tx.one(
    `INSERT INTO trace_trademarks (id, org_id, mark, office, registration_number, classes, gtin_prefixes, authorised_org_ids, record_id) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING *`,
    [id, ctx.orgId, input.mark, input.office, input.registration_number, input.classes, input.gtin_prefixes ?? [], input.authorised_org_ids ?? [], rec.id],
  );
  await recordAudit(tx, ctx, { action: 'trace.trademark.register', entityType: 'trademark', entityId: id, after: { mark: input.mark, office: input.office } });
  return publicTrademark(row);
}

function publicTrademark(r: any) {
  return { id: r.id, org_id: r.org_id, mark: r.mark, office: r.office, registration_number: r.registration_number, classes: r.classes, gtin_prefixes: r.gtin_prefixes, authorised_org_ids: r.authorised_org_ids, record_id: r.record_id, created_at: new Date(r.created_at).toISOString() };
}

export async function listTrademarks(ex: Executor, ctx: AuthContext) {
  return { data: (await ex.query(`SELECT * FROM trace_trademarks WHERE org_id = $1 ORDER BY id DESC`, [ctx.orgId])).map(publicTrademark) };
}

// ---------------------------------------------------------------------------------------------
// The public passport: everything a buyer's browser needs to verify the history itself.

export async function publicPassportView(ex: Executor, keys: LogKeys, publicUrl: string, ref: { id?: string; gtin?: string; batch?: string }) {
  const row = ref.id
    ? await ex.maybeOne(`SELECT * FROM trace_passports WHERE id = $1`, [ref.id])
    : await ex.maybeOne(`SELECT * FROM trace_passports WHERE gtin = $1 AND batch = $2`, [ref.gtin ? normaliseGtin(ref.gtin) : '', ref.batch]);
  if (!row) throw notFound('Passport', ref.id ?? `${ref.gtin}/${ref.batch}`);
  const passport = publicPassport(row, publicUrl);
  const state = await readState(ex);
  const history = await ex.query(
    `SELECT * FROM trace_records WHERE org_id = $1 AND subject_id = ANY($2) ORDER BY recorded_at, queue_seq LIMIT 500`,
    [row.org_id, row.subjects],
  );
  const trademarks = await ex.query(
    `SELECT t.*, r.entry, r.leaf_index, r.type AS record_type, r.subject_id, r.content_sha256, r.public_metadata, r.recorded_at, r.org_id AS record_org
       FROM trace_trademarks t JOIN trace_records r ON r.id = t.record_id
      WHERE (t.org_id = $1 OR $1 = ANY(t.authorised_org_ids))
        AND (cardinality(t.gtin_prefixes) = 0 OR EXISTS (SELECT 1 FROM unnest(t.gtin_prefixes) p WHERE $2 LIKE p || '%' OR ltrim($2, '0') LIKE p || '%'))`,
    [row.org_id, row.gtin],
  );
  const records = [...history.map(publicRecord), ...trademarks.map((t) => publicRecord({ ...t, id: t.record_id, type: t.record_type, org_id: t.record_org }))];
  const logged = records.filter((r) => r.leaf_index !== null && r.leaf_index < state.treeSize);
  const proofs = await inclusionProofs(ex, logged.map((r) => r.leaf_index!), state.treeSize);
  const proofById = new Map(logged.map((r, i) => [r.id, proofs[i]!.map(encodeBase64)]));
  const withProof = (r: ReturnType<typeof publicRecord>) => ({ ...r, proof: proofById.get(r.id) ?? null });
  return {
    passport,
    trademarks: trademarks.map((t) => ({ ...publicTrademark(t), record: withProof(publicRecord({ ...t, id: t.record_id, type: t.record_type, org_id: t.record_org })) })),
    history: history.map((r) => withProof(publicRecord(r))),
    log: { origin: keys.origin, verifier_key: keys.verifierKey, key_url: `${publicUrl.replace(/\/$/, '')}/.well-known/tradelane-log-key`, tree_size: state.treeSize, root_hex: toHex(state.root), checkpoint: state.checkpoint },
  };
}
