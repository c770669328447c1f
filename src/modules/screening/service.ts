import { createHash } from 'node:crypto';
import type { Services } from '../../http/services.ts';
import { recordAudit } from '../../kernel/audit.ts';
import { systemContext, type AuthContext } from '../../kernel/context.ts';
import type { Executor } from '../../kernel/db.ts';
import { badRequest, notFound, unprocessable } from '../../kernel/errors.ts';
import { emit } from '../../kernel/events.ts';
import { newId, isId } from '../../kernel/ids.ts';
import { enqueue } from '../../kernel/jobs.ts';
import { DEFAULT_OPTIONS, screen, type SanctionedEntity, type ScreeningMatch } from '../../engines/screening/index.ts';
import { loadedLists, type LoadedLists } from './lists.ts';

export const PARTY_TYPES = ['person', 'organisation', 'vessel', 'aircraft', 'entity'] as const;
export const PARTY_ROLES = ['buyer', 'consignee', 'supplier', 'carrier', 'warehouse', 'broker', 'financier', 'beneficial_owner', 'organisation', 'other'] as const;
export type PartyType = (typeof PARTY_TYPES)[number];
export type Decision = 'clear' | 'review' | 'hold' | 'block' | 'insufficient' | 'error';

export interface Identifier { kind?: string; value: string; country?: string }

/** What is screened: a party's data. */
export interface PartyData {
  name: string;
  type?: PartyType;
  dob?: string | null;
  countries?: string[];
  identifiers?: (Identifier | string)[];
}

export interface Thresholds { hold: number; block: number; review: number }

const round3 = (n: number) => Math.round(n * 1000) / 1000;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

const normIds = (ids: PartyData['identifiers']): Identifier[] =>
  (ids ?? []).map((i) => (typeof i === 'string' ? { value: i } : i)).filter((i) => i.value.trim() !== '');

/** Fingerprint of what was screened: a decision on a match stays valid only while this is unchanged. */
export function fingerprintOf(p: PartyData): string {
  return sha256(JSON.stringify({
    name: p.name.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase(),
    type: p.type ?? 'entity',
    dob: p.dob ?? null,
    countries: [...(p.countries ?? [])].map((c) => c.trim().toUpperCase()).sort(),
    identifiers: normIds(p.identifiers).map((i) => `${i.kind ?? ''}:${i.value.replace(/\s+/g, '').toUpperCase()}`).sort(),
  })).slice(0, 32);
}

/** Hash of a list entry's content (not its verbatim source): a changed entry re-opens suppressed matches. */
export function entryHashOf(e: SanctionedEntity): string {
  return sha256(JSON.stringify([e.type, e.names, e.dob, e.countries, e.identifiers, e.programmes])).slice(0, 32);
}

// ------------------------------------------------------------------------------------------------
// Thresholds per organisation

export async function getThresholds(ex: Executor, orgId: string): Promise<Thresholds> {
  const r = await ex.maybeOne<{ hold_threshold: string; block_threshold: string }>(`SELECT hold_threshold, block_threshold FROM screening_settings WHERE org_id = $1`, [orgId]);
  const hold = r ? Number(r.hold_threshold) : DEFAULT_OPTIONS.holdThreshold;
  const block = r ? Number(r.block_threshold) : DEFAULT_OPTIONS.blockThreshold;
  return { hold, block, review: round3(hold - DEFAULT_OPTIONS.reviewGap) };
}

export async function setThresholds(tx: Executor, ctx: AuthContext, input: { hold_threshold: number; block_threshold: number }) {
  if (input.block_threshold < input.hold_threshold) throw badRequest('block_threshold must be at least hold_threshold', 'block_threshold');
  const before = await getThresholds(tx, ctx.orgId);
  await tx.query(
    `INSERT INTO screening_settings (org_id, hold_threshold, block_threshold) VALUES ($1,$2,$3)
     ON CONFLICT (org_id) DO UPDATE SET hold_threshold = EXCLUDED.hold_threshold, block_threshold = EXCLUDED.block_threshold, updated_at = now()`,
    [ctx.orgId, input.hold_threshold, input.block_threshold],
  );
  await recordAudit(tx, ctx, { action: 'screening.thresholds.update', entityType: 'organisation', entityId: ctx.orgId, before: { hold: before.hold, block: before.block }, after: { hold: input.hold_threshold, block: input.block_threshold } });
  return thresholdsView(await getThresholds(tx, ctx.orgId));
}

export const thresholdsView = (t: Thresholds) => ({
  hold_threshold: t.hold, block_threshold: t.block, review_threshold: t.review,
  defaults: { hold_threshold: DEFAULT_OPTIONS.holdThreshold, block_threshold: DEFAULT_OPTIONS.blockThreshold },
});

// ------------------------------------------------------------------------------------------------
// Screening one query

interface PriorDecision { status: 'false_positive' | 'confirmed_match'; id: string }

/** Decisions taken on (fingerprint, entry, entry content) in this organisation: the newest wins. */
async function priorDecisions(ex: Executor, orgId: string, fingerprint: string, keys: { entityId: string; entryHash: string }[]): Promise<Map<string, PriorDecision>> {
  const out = new Map<string, PriorDecision>();
  if (keys.length === 0) return out;
  const rows = await ex.query<{ id: string; entity_id: string; entry_hash: string; status: PriorDecision['status'] }>(
    `SELECT DISTINCT ON (entity_id, entry_hash) id, entity_id, entry_hash, status FROM screening_reviews
      WHERE org_id = $1 AND party_fingerprint = $2 AND entity_id = ANY($3) AND status IN ('false_positive','confirmed_match')
      ORDER BY entity_id, entry_hash, decided_at DESC`,
    [orgId, fingerprint, keys.map((k) => k.entityId)],
  );
  for (const r of rows) if (keys.some((k) => k.entityId === r.entity_id && k.entryHash === r.entry_hash)) out.set(r.entity_id, { status: r.status, id: r.id });
  return out;
}

function decide(scores: number[], t: Thresholds, confirmed: boolean): Decision {
  if (confirmed) return 'block';
  const best = Math.max(0, ...scores);
  if (best >= t.block) return 'block';
  if (best >= t.hold) return 'hold';
  if (best >= t.review) return 'review';
  return 'clear';
}

export interface MatchView {
  entity_id: string;
  list_id: string;
  list_version_id: string | null;
  list_publication_date: string | null;
  type: string;
  primary_name: string;
  score: number;
  programmes: string[];
  /** none | false_positive (suppressed by an earlier decision) | confirmed_match */
  prior_decision: 'none' | 'false_positive' | 'confirmed_match';
  entry_hash: string;
  explanation: ScreeningMatch['explanation'];
}

export interface Evaluation {
  engineDecision: Decision;
  decision: Decision;
  score: number;
  matches: MatchView[];
  reasons: string[];
}

function toEngineQuery(p: PartyData) {
  return { name: p.name, type: p.type ?? 'entity', dob: p.dob ?? undefined, countries: p.countries ?? [], identifiers: normIds(p.identifiers).map((i) => i.value) };
}

/** Screen with the engine, then apply the organisation's earlier decisions on the same data. */
export async function evaluate(ex: Executor, orgId: string, loaded: LoadedLists, p: PartyData, t: Thresholds): Promise<Evaluation> {
  const r = screen(loaded.index, toEngineQuery(p) as any, { holdThreshold: t.hold, blockThreshold: t.block, reviewThreshold: t.review, limit: 10 });
  const fp = fingerprintOf(p);
  const views: MatchView[] = r.matches.map((m) => {
    const e = loaded.entities.get(m.entityId);
    const v = loaded.versionByList.get(m.listId);
    return {
      entity_id: m.entityId, list_id: m.listId, list_version_id: v?.id ?? null, list_publication_date: v?.publication_date ?? null,
      type: m.type, primary_name: m.primaryName, score: m.score, programmes: e?.programmes ?? [], prior_decision: 'none', entry_hash: e ? entryHashOf(e) : '', explanation: m.explanation,
    };
  });
  // Decisions matter only for matches that could count (at or above the review threshold).
  const prior = await priorDecisions(ex, orgId, fp, views.filter((m) => m.score >= t.review).map((m) => ({ entityId: m.entity_id, entryHash: m.entry_hash })));
  for (const m of views) m.prior_decision = prior.get(m.entity_id)?.status ?? 'none';
  if (r.decision === 'insufficient') return { engineDecision: 'insufficient', decision: 'insufficient', score: Math.max(0, ...views.map((m) => m.score)), matches: views, reasons: r.reasons };
  const open = views.filter((m) => m.prior_decision !== 'false_positive');
  const confirmed = views.some((m) => m.prior_decision === 'confirmed_match');
  const decision = decide(open.map((m) => m.score), t, confirmed);
  const reasons = [...r.reasons];
  const suppressed = views.filter((m) => m.prior_decision === 'false_positive' && m.score >= t.review);
  if (suppressed.length) reasons.push(`${suppressed.length} match(es) suppressed by earlier false-positive decisions on the same party data and list entry`);
  if (confirmed) reasons.push('a match was confirmed by a compliance reviewer');
  return { engineDecision: r.decision, decision, score: Math.max(0, ...open.map((m) => m.score)), matches: views, reasons };
}

export interface ScreeningOutcome {
  screeningId: string;
  partyId: string | null;
  decision: Decision;
  score: number;
  matches: MatchView[];
  reasons: string[];
  listVersions: { version_id: string; list_id: string; publication_date: string }[];
}

interface Party {
  id: string; org_id: string; name: string; type: PartyType; role: string; dob: string | null; countries: string[]; identifiers: Identifier[];
  reference: string | null; owner_of: string | null; status: Decision | 'pending'; fingerprint: string; last_screening_id: string | null; archived: boolean;
  created_at: string; updated_at: string;
}

const partyData = (p: Party): PartyData => ({ name: p.name, type: p.type, dob: p.dob, countries: p.countries, identifiers: p.identifiers });

/**
 * Screen a query for the organisation and record the result. With a party: review items for
 * unsuppressed matches at or above the review threshold, and the party's status.
 */
export async function screenAndRecord(tx: Executor, s: Pick<Services, 'db' | 'state'>, ctx: AuthContext, input: { data: PartyData; party?: Party; source: string; role?: string; reference?: string }): Promise<ScreeningOutcome> {
  const loaded = await loadedLists(s, tx);
  const t = await getThresholds(tx, ctx.orgId);
  const ev = await evaluate(tx, ctx.orgId, loaded, input.data, t);
  const fp = fingerprintOf(input.data);
  const listVersions = loaded.versions.map((v) => ({ version_id: v.id, list_id: v.list_id, publication_date: v.publication_date }));
  const id = newId('scr');
  await tx.query(
    `INSERT INTO screening_results (id, org_id, party_id, source, query, fingerprint, versions_key, list_versions, engine_decision, decision, score, thresholds, matches, reasons)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)`,
    [id, ctx.orgId, input.party?.id ?? null, input.source, JSON.stringify({ ...toEngineQuery(input.data), role: input.role ?? input.party?.role ?? null, reference: input.reference ?? input.party?.reference ?? null }), fp, loaded.key, JSON.stringify(listVersions), ev.engineDecision, ev.decision, ev.score, JSON.stringify(t), JSON.stringify(ev.matches), JSON.stringify(ev.reasons)],
  );
  if (input.party) await applyToParty(tx, ctx, input.party, id, fp, ev, t, loaded);
  return { screeningId: id, partyId: input.party?.id ?? null, decision: ev.decision, score: ev.score, matches: ev.matches, reasons: ev.reasons, listVersions };
}

async function applyToParty(tx: Executor, ctx: AuthContext, party: Party, screeningId: string, fp: string, ev: Evaluation, t: Thresholds, loaded: LoadedLists) {
  const candidates = ev.decision === 'insufficient' ? [] : ev.matches.filter((m) => m.score >= t.review && m.prior_decision === 'none');
  // A pending or clear party has no open items (clearing supersedes or decides them): skip the lookup.
  const open = candidates.length === 0 && (party.status === 'pending' || party.status === 'clear') ? []
    : await tx.query<{ id: string; entity_id: string; entry_hash: string; party_fingerprint: string }>(
      `SELECT id, entity_id, entry_hash, party_fingerprint FROM screening_reviews WHERE party_id = $1 AND status = 'open'`, [party.id]);
  const keep = new Set<string>();
  for (const m of candidates) {
    const same = open.find((o) => o.entity_id === m.entity_id && o.entry_hash === m.entry_hash && o.party_fingerprint === fp);
    const severity = m.score >= t.block ? 'block' : m.score >= t.hold ? 'hold' : 'review';
    if (same) {
      keep.add(same.id);
      await tx.query(`UPDATE screening_reviews SET screening_id = $2, score = $3, severity = $4 WHERE id = $1`, [same.id, screeningId, m.score, severity]);
      continue;
    }
    const entity = loaded.entities.get(m.entity_id);
    const rid = newId('srv');
    const entry = entity ? { names: entity.names, dob: entity.dob, countries: entity.countries, identifiers: entity.identifiers, programmes: entity.programmes, type: entity.type, list_id: entity.listId, list_version_id: m.list_version_id, list_publication_date: m.list_publication_date, source_record: entity.sourceRecord.slice(0, 4000) } : { list_id: m.list_id };
    const query = { name: party.name, type: party.type, dob: party.dob, countries: party.countries, identifiers: party.identifiers, role: party.role, reference: party.reference };
    await tx.query(
      `INSERT INTO screening_reviews (id, org_id, party_id, screening_id, entity_id, list_id, version_id, score, severity, party_fingerprint, entry_hash, query, entry, explanation)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)`,
      [rid, ctx.orgId, party.id, screeningId, m.entity_id, m.list_id, m.list_version_id ?? '', m.score, severity, fp, m.entry_hash, JSON.stringify(query), JSON.stringify(entry), JSON.stringify(m.explanation)],
    );
    keep.add(rid);
    await recordAudit(tx, ctx, { action: 'screening.review.open', entityType: 'screening_review', entityId: rid, after: { party_id: party.id, entity_id: m.entity_id, score: m.score, severity } });
    await emit(tx, ctx, { type: 'screening.review.opened', entityType: 'screening_review', entityId: rid, orgId: ctx.orgId, payload: { party_id: party.id, entity_id: m.entity_id, list_id: m.list_id, score: m.score, severity } });
  }
  // Open items the new screening no longer supports (party data or the list changed) are superseded.
  const stale = open.filter((o) => !keep.has(o.id)).map((o) => o.id);
  if (stale.length) await tx.query(`UPDATE screening_reviews SET status = 'superseded', decided_at = now(), reason = 'no longer matched by screening ' || $2 WHERE id = ANY($1)`, [stale, screeningId]);
  await setPartyStatus(tx, ctx, party, ev.decision, screeningId, fp);
}

async function setPartyStatus(tx: Executor, ctx: AuthContext, party: Party, status: Decision, screeningId: string, fp: string) {
  await tx.query(`UPDATE screening_parties SET status = $2, last_screening_id = $3, fingerprint = $4, updated_at = now() WHERE id = $1`, [party.id, status, screeningId, fp]);
  if (party.status !== status) {
    await recordAudit(tx, ctx, { action: 'screening.party.status', entityType: 'screening_party', entityId: party.id, before: { status: party.status }, after: { status, screening_id: screeningId } });
    await emit(tx, ctx, { type: 'screening.party.status_changed', entityType: 'screening_party', entityId: party.id, orgId: ctx.orgId, payload: { party_id: party.id, from: party.status, to: status, screening_id: screeningId, role: party.role, reference: party.reference } });
  }
  party.status = status;
  party.last_screening_id = screeningId;
  party.fingerprint = fp;
}

export function outcomeView(o: ScreeningOutcome) {
  return { screening_id: o.screeningId, party_id: o.partyId, decision: o.decision, score: o.score, reasons: o.reasons, list_versions: o.listVersions, matches: o.matches };
}

// ------------------------------------------------------------------------------------------------
// Ad-hoc checks

export async function check(tx: Executor, s: Services, ctx: AuthContext, data: PartyData, source = 'check') {
  const o = await screenAndRecord(tx, s, ctx, { data, source });
  await recordAudit(tx, ctx, { action: 'screening.check', entityType: 'screening_result', entityId: o.screeningId, after: { name: data.name, decision: o.decision, score: o.score } });
  return outcomeView(o);
}

export async function checkBatch(tx: Executor, s: Services, ctx: AuthContext, rows: { row: number; data?: PartyData; error?: string }[]) {
  const results = [];
  const counts: Record<string, number> = {};
  for (const r of rows) {
    if (!r.data) { results.push({ row: r.row, error: r.error }); counts.invalid = (counts.invalid ?? 0) + 1; continue; }
    const o = await screenAndRecord(tx, s, ctx, { data: r.data, source: 'batch' });
    counts[o.decision] = (counts[o.decision] ?? 0) + 1;
    results.push({ row: r.row, name: r.data.name, screening_id: o.screeningId, decision: o.decision, score: o.score, reasons: o.reasons, matches: o.matches.slice(0, 3).map(({ explanation: _e, ...m }) => m) });
  }
  await recordAudit(tx, ctx, { action: 'screening.check_batch', entityType: 'organisation', entityId: ctx.orgId, after: { rows: rows.length, ...counts } });
  return { rows: results.length, counts, results };
}

// ------------------------------------------------------------------------------------------------
// Parties

export interface PartyInput extends PartyData {
  role: (typeof PARTY_ROLES)[number];
  reference?: string | null;
  owner_of?: string | null;
}

async function loadParty(ex: Executor, ctx: AuthContext, id: string, lock = false): Promise<Party> {
  const p = await ex.maybeOne<Party>(`SELECT * FROM screening_parties WHERE id = $1 AND org_id = $2${lock ? ' FOR UPDATE' : ''}`, [id, ctx.orgId]);
  if (!p) throw notFound('Party', id);
  return p;
}

export function partyView(p: Party) {
  return { id: p.id, name: p.name, type: p.type, role: p.role, dob: p.dob, countries: p.countries, identifiers: p.identifiers, reference: p.reference, owner_of: p.owner_of, status: p.status, archived: p.archived, last_screening_id: p.last_screening_id, created_at: p.created_at, updated_at: p.updated_at };
}

async function insertParty(tx: Executor, ctx: AuthContext, input: PartyInput, status: 'pending' = 'pending'): Promise<Party> {
  if (input.owner_of) await loadParty(tx, ctx, input.owner_of);
  const id = newId('pty');
  const p = await tx.one<Party>(
    `INSERT INTO screening_parties (id, org_id, name, type, role, dob, countries, identifiers, reference, owner_of, status, fingerprint)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) RETURNING *`,
    [id, ctx.orgId, input.name.trim(), input.type ?? 'entity', input.role, input.dob ?? null, JSON.stringify(input.countries ?? []), JSON.stringify(normIds(input.identifiers)), input.reference ?? null, input.owner_of ?? null, status, fingerprintOf(input)],
  );
  await recordAudit(tx, ctx, { action: 'screening.party.create', entityType: 'screening_party', entityId: id, after: partyView(p) });
  return p;
}

/** Create a party and screen it now. */
export async function createParty(tx: Executor, s: Services, ctx: AuthContext, input: PartyInput) {
  const p = await insertParty(tx, ctx, input);
  const o = await screenAndRecord(tx, s, ctx, { data: partyData(p), party: p, source: 'party' });
  return { ...partyView(p), screening: outcomeView(o) };
}

/** Create a party without screening it (demo seeding): a re-screen job screens it when the index is ready. */
export async function createPendingParty(tx: Executor, ctx: AuthContext, input: PartyInput) {
  return partyView(await insertParty(tx, ctx, input));
}

export async function updateParty(tx: Executor, s: Services, ctx: AuthContext, id: string, patch: Partial<PartyInput>) {
  const p = await loadParty(tx, ctx, id, true);
  if (p.archived) throw unprocessable('archived', `Party ${id} is archived`);
  const before = partyView(p);
  const next = { ...partyData(p), role: p.role, reference: p.reference, ...patch };
  if (patch.owner_of) await loadParty(tx, ctx, patch.owner_of);
  const row = await tx.one<Party>(
    `UPDATE screening_parties SET name = $2, type = $3, role = $4, dob = $5, countries = $6, identifiers = $7, reference = $8, owner_of = COALESCE($9, owner_of), updated_at = now() WHERE id = $1 RETURNING *`,
    [id, next.name.trim(), next.type ?? 'entity', next.role, next.dob ?? null, JSON.stringify(next.countries ?? []), JSON.stringify(normIds(next.identifiers)), next.reference ?? null, patch.owner_of ?? null],
  );
  await recordAudit(tx, ctx, { action: 'screening.party.update', entityType: 'screening_party', entityId: id, before, after: partyView(row) });
  // Screened again only when what is screened changed (role/reference changes do not alter matches).
  const changed = fingerprintOf(partyData(row)) !== p.fingerprint || p.status === 'pending' || p.status === 'error';
  const o = changed ? await screenAndRecord(tx, s, ctx, { data: partyData(row), party: row, source: 'party' }) : null;
  return { ...partyView(row), screening: o ? outcomeView(o) : null };
}

export async function archiveParty(tx: Executor, ctx: AuthContext, id: string) {
  const p = await loadParty(tx, ctx, id, true);
  await tx.query(`UPDATE screening_parties SET archived = true, updated_at = now() WHERE id = $1`, [id]);
  await tx.query(`UPDATE screening_reviews SET status = 'superseded', decided_at = now(), reason = 'party archived' WHERE party_id = $1 AND status = 'open'`, [id]);
  await recordAudit(tx, ctx, { action: 'screening.party.archive', entityType: 'screening_party', entityId: id, before: { archived: p.archived }, after: { archived: true } });
  return { ...partyView(p), archived: true };
}

export async function getParty(ex: Executor, ctx: AuthContext, id: string) {
  const p = await loadParty(ex, ctx, id);
  const reviews = await ex.query(`SELECT id, entity_id, list_id, score, severity, status, created_at FROM screening_reviews WHERE party_id = $1 ORDER BY id DESC LIMIT 50`, [id]);
  const owners = await ex.query<Party>(`SELECT * FROM screening_parties WHERE owner_of = $1 AND org_id = $2 AND NOT archived ORDER BY id`, [id, ctx.orgId]);
  const last = p.last_screening_id ? await getScreening(ex, ctx, p.last_screening_id) : null;
  return { ...partyView(p), last_screening: last, reviews: reviews.map(reviewNumbers), beneficial_owners: owners.map(partyView) };
}

export async function listParties(ex: Executor, ctx: AuthContext, q: { limit: number; cursor?: string; status?: string; role?: string; q?: string; archived?: boolean }) {
  const params: unknown[] = [ctx.orgId, q.archived ?? false];
  let where = `org_id = $1 AND archived = $2`;
  if (q.cursor) { params.push(q.cursor); where += ` AND id < $${params.length}`; }
  if (q.status) { params.push(q.status); where += ` AND status = $${params.length}`; }
  if (q.role) { params.push(q.role); where += ` AND role = $${params.length}`; }
  if (q.q) { params.push(q.q.replace(/[%_\\]/g, '\\$&')); where += ` AND (name ILIKE '%' || $${params.length} || '%' OR reference = $${params.length})`; }
  const rows = await ex.query<Party>(`SELECT * FROM screening_parties WHERE ${where} ORDER BY id DESC LIMIT ${q.limit + 1}`, params);
  const more = rows.length > q.limit;
  const data = (more ? rows.slice(0, q.limit) : rows).map(partyView);
  return { data, next_cursor: more ? data[data.length - 1].id : null };
}

const resultView = (r: any) => ({
  id: r.id, party_id: r.party_id, source: r.source, query: r.query, decision: r.decision, engine_decision: r.engine_decision, score: Number(r.score),
  thresholds: r.thresholds, list_versions: r.list_versions, matches: r.matches, reasons: r.reasons, error: r.error, created_at: r.created_at,
});

export async function getScreening(ex: Executor, ctx: AuthContext, id: string) {
  const r = await ex.maybeOne(`SELECT * FROM screening_results WHERE id = $1 AND org_id = $2`, [id, ctx.orgId]);
  if (!r) throw notFound('Screening', id);
  return resultView(r);
}

export async function partyHistory(ex: Executor, ctx: AuthContext, id: string, q: { limit: number; cursor?: string }) {
  await loadParty(ex, ctx, id);
  const rows = await ex.query(`SELECT * FROM screening_results WHERE party_id = $1 AND org_id = $2 ${q.cursor ? 'AND id < $3' : ''} ORDER BY id DESC LIMIT ${q.limit + 1}`, q.cursor ? [id, ctx.orgId, q.cursor] : [id, ctx.orgId]);
  const more = rows.length > q.limit;
  const data = (more ? rows.slice(0, q.limit) : rows).map(resultView);
  return { data, next_cursor: more ? data[data.length - 1].id : null };
}

// ------------------------------------------------------------------------------------------------
// Review queue

const reviewNumbers = (r: any) => ({ ...r, score: Number(r.score) });

export async function listReviews(ex: Executor, ctx: AuthContext, q: { limit: number; cursor?: string; status?: string; party_id?: string }) {
  const params: unknown[] = [ctx.orgId, q.status ?? 'open'];
  let where = `r.org_id = $1 AND r.status = $2`;
  if (q.cursor) { params.push(q.cursor); where += ` AND r.id < $${params.length}`; }
  if (q.party_id) { params.push(q.party_id); where += ` AND r.party_id = $${params.length}`; }
  const rows = await ex.query(
    `SELECT r.id, r.party_id, p.name AS party_name, p.role AS party_role, p.status AS party_status, r.entity_id, r.list_id, r.version_id, r.score, r.severity, r.status, r.entry->'names'->0->>'value' AS entry_name, r.reason, r.decided_by, r.decided_at, r.created_at
       FROM screening_reviews r JOIN screening_parties p ON p.id = r.party_id
      WHERE ${where} ORDER BY r.id DESC LIMIT ${q.limit + 1}`, params);
  const more = rows.length > q.limit;
  const data = (more ? rows.slice(0, q.limit) : rows).map(reviewNumbers);
  return { data, next_cursor: more ? data[data.length - 1].id : null };
}

/** A review item with the side-by-side comparison: what was screened vs the list entry. */
export async function getReview(ex: Executor, ctx: AuthContext, id: string) {
  const r = await ex.maybeOne(`SELECT * FROM screening_reviews WHERE id = $1 AND org_id = $2`, [id, ctx.orgId]);
  if (!r) throw notFound('Review item', id);
  const version = r.version_id ? await ex.maybeOne(`SELECT id, list_id, title, publication_date, source FROM screening_list_versions WHERE id = $1`, [r.version_id]) : null;
  const q = r.query;
  const e = r.entry;
  return {
    ...reviewNumbers(r),
    list_version: version ? { ...version, publication_date: String(version.publication_date instanceof Date ? version.publication_date.toISOString() : version.publication_date).slice(0, 10) } : null,
    comparison: [
      { field: 'name', query: q.name, entry: (e.names ?? []).map((n: any) => n.value + (n.kind !== 'primary' ? ` (${n.kind})` : '')) },
      { field: 'type', query: q.type, entry: e.type },
      { field: 'date_of_birth', query: q.dob ?? null, entry: e.dob ?? [] },
      { field: 'countries', query: q.countries ?? [], entry: e.countries ?? [] },
      { field: 'identifiers', query: (q.identifiers ?? []).map((i: Identifier) => (i.kind ? `${i.kind}: ` : '') + i.value), entry: (e.identifiers ?? []).map((i: any) => `${i.kind}: ${i.value}${i.country ? ` (${i.country})` : ''}`) },
      { field: 'programmes', query: null, entry: e.programmes ?? [] },
      { field: 'list', query: null, entry: `${r.list_id}${version ? ` — ${version.title}, published ${String(version.publication_date instanceof Date ? version.publication_date.toISOString() : version.publication_date).slice(0, 10)}` : ''}` },
    ],
  };
}

/** A compliance user's decision on a review item; the party's status is recomputed from its last screening. */
export async function decideReview(tx: Executor, ctx: AuthContext, id: string, input: { decision: 'false_positive' | 'confirmed_match'; reason: string }) {
  const r = await tx.maybeOne(`SELECT * FROM screening_reviews WHERE id = $1 AND org_id = $2 FOR UPDATE`, [id, ctx.orgId]);
  if (!r) throw notFound('Review item', id);
  if (r.status !== 'open') throw unprocessable('already_decided', `Review item ${id} is ${r.status}`, { review_status: r.status });
  const by = ctx.userId ?? ctx.apiKeyId ?? 'system';
  await tx.query(`UPDATE screening_reviews SET status = $2, reason = $3, decided_by = $4, decided_at = now() WHERE id = $1`, [id, input.decision, input.reason, by]);
  await recordAudit(tx, ctx, { action: `screening.review.${input.decision}`, entityType: 'screening_review', entityId: id, before: { status: 'open' }, after: { status: input.decision, reason: input.reason, decided_by: by } });
  await emit(tx, ctx, { type: 'screening.review.decided', entityType: 'screening_review', entityId: id, orgId: ctx.orgId, payload: { party_id: r.party_id, entity_id: r.entity_id, decision: input.decision } });
  const party = await loadParty(tx, ctx, r.party_id, true);
  if (party.last_screening_id) {
    const last = await tx.one(`SELECT matches, decision FROM screening_results WHERE id = $1`, [party.last_screening_id]);
    const t = await getThresholds(tx, ctx.orgId);
    const prior = await priorDecisions(tx, ctx.orgId, party.fingerprint, (last.matches as MatchView[]).map((m) => ({ entityId: m.entity_id, entryHash: m.entry_hash })));
    const matches = last.matches as MatchView[];
    const status = last.decision === 'insufficient' ? 'insufficient'
      : decide(matches.filter((m) => prior.get(m.entity_id)?.status !== 'false_positive').map((m) => m.score), t, matches.some((m) => prior.get(m.entity_id)?.status === 'confirmed_match'));
    await setPartyStatus(tx, ctx, party, status, party.last_screening_id, party.fingerprint);
  }
  return { ...(await getReview(tx, ctx, id)), party: partyView(party) };
}

// ------------------------------------------------------------------------------------------------
// Public face for other modules

export interface ScreenPartyInput extends PartyData {
  role: string;
  /** The caller's record (order id, booking id …); one party per organisation, role and reference. */
  reference: string;
}

/**
 * Screen a party for another module (order intake, booking, payout). Never throws because of
 * screening itself: an error is recorded and answered as decision "error" (not cleared).
 */
export async function screenParty(tx: Executor, s: Pick<Services, 'db' | 'state'>, ctx: AuthContext, input: ScreenPartyInput): Promise<{ decision: Decision; score: number; matches: MatchView[]; screeningId: string; partyId: string | null }> {
  const role = (PARTY_ROLES as readonly string[]).includes(input.role) ? input.role : 'other';
  await tx.query('SAVEPOINT screening_party');
  try {
    const data: PartyInput = { name: String(input.name ?? '').slice(0, 1000), type: input.type, dob: input.dob, countries: input.countries, identifiers: input.identifiers, role: role as PartyInput['role'], reference: input.reference };
    let party = await tx.maybeOne<Party>(`SELECT * FROM screening_parties WHERE org_id = $1 AND role = $2 AND reference = $3 AND NOT archived FOR UPDATE`, [ctx.orgId, role, input.reference]);
    if (party && fingerprintOf(data) !== party.fingerprint) {
      party = await tx.one<Party>(`UPDATE screening_parties SET name = $2, type = $3, dob = $4, countries = $5, identifiers = $6, updated_at = now() WHERE id = $1 RETURNING *`,
        [party.id, data.name.trim(), data.type ?? 'entity', data.dob ?? null, JSON.stringify(data.countries ?? []), JSON.stringify(normIds(data.identifiers))]);
    }
    if (!party) party = await insertParty(tx, ctx, data);
    const o = await screenAndRecord(tx, s, ctx, { data: partyData(party), party, source: 'module', role, reference: input.reference });
    await tx.query('RELEASE SAVEPOINT screening_party');
    return { decision: o.decision, score: o.score, matches: o.matches, screeningId: o.screeningId, partyId: party.id };
  } catch (err: any) {
    await tx.query('ROLLBACK TO SAVEPOINT screening_party');
    const id = newId('scr');
    await tx.query(
      `INSERT INTO screening_results (id, org_id, party_id, source, query, fingerprint, versions_key, list_versions, engine_decision, decision, score, thresholds, error)
       VALUES ($1,$2,NULL,'module',$3,$4,'','[]','error','error',0,'{}',$5)`,
      [id, ctx.orgId, JSON.stringify({ name: input.name, role, reference: input.reference }), fingerprintOf({ name: String(input.name ?? '') }), String(err?.message ?? err).slice(0, 2000)],
    );
    await recordAudit(tx, ctx, { action: 'screening.error', entityType: 'screening_result', entityId: id, after: { role, reference: input.reference, error: String(err?.message ?? err).slice(0, 200) } });
    return { decision: 'error', score: 0, matches: [], screeningId: id, partyId: null };
  }
}

/** Throws 422 `screening_not_cleared` unless the party (or the party of a screening) is clear or only in the review band. */
export async function assertPartyCleared(tx: Executor, ctx: AuthContext, partyOrScreeningId: string): Promise<void> {
  let partyId = partyOrScreeningId;
  if (isId(partyOrScreeningId, 'scr')) {
    const r = await tx.maybeOne<{ party_id: string | null; decision: string; error: string | null }>(`SELECT party_id, decision, error FROM screening_results WHERE id = $1 AND org_id = $2`, [partyOrScreeningId, ctx.orgId]);
    if (!r) throw notFound('Screening', partyOrScreeningId);
    if (!r.party_id) {
      if (r.decision === 'clear' || r.decision === 'review') return;
      throw unprocessable('screening_not_cleared', `Screening ${partyOrScreeningId} is "${r.decision}"${r.error ? ` (${r.error})` : ''}`, { screening_id: partyOrScreeningId, screening_status: r.decision });
    }
    partyId = r.party_id;
  } else if (!isId(partyOrScreeningId, 'pty')) throw badRequest('expected a pty_… or scr_… id');
  const p = await loadParty(tx, ctx, partyId);
  if (p.status === 'clear' || p.status === 'review') return;
  const why: Record<string, string> = { hold: 'held for compliance review', block: 'blocked (confirmed or near-certain match)', insufficient: 'not screenable as given (add full name, DOB, country or identifier)', pending: 'not screened yet', error: 'screening failed' };
  throw unprocessable('screening_not_cleared', `Party ${p.id} is ${why[p.status] ?? p.status}`, { party_id: p.id, screening_status: p.status, screening_id: p.last_screening_id });
}

// ------------------------------------------------------------------------------------------------
// Re-screen (job)

export const RESCREEN_JOB = 'screening.rescreen';
export const RESCREEN_BATCH = 200;

export async function enqueueRescreen(tx: Executor, reason: string, orgId?: string) {
  return enqueue(tx, RESCREEN_JOB, { after: '', reason, org_id: orgId ?? null }, { dedupeKey: `screening.rescreen:${orgId ?? 'all'}:start:${reason}` });
}

/**
 * One batch of the re-screen: parties after `after` (id order), each screened unless its last
 * screening used the same list versions and party data (cached). Returns the cursor or null when done.
 */
export async function rescreenBatch(s: Pick<Services, 'db' | 'state'>, after: string, orgId: string | null, batch = RESCREEN_BATCH): Promise<{ next: string | null; screened: number; cached: number }> {
  const loaded = await loadedLists(s);
  const parties = await s.db.query<Party & { versions_key: string | null }>(
    `SELECT p.*, r.versions_key FROM screening_parties p LEFT JOIN screening_results r ON r.id = p.last_screening_id
      WHERE NOT p.archived AND p.id > $1 ${orgId ? 'AND p.org_id = $2' : ''} ORDER BY p.id LIMIT ${batch}`,
    orgId ? [after, orgId] : [after],
  );
  let screened = 0;
  let cached = 0;
  await s.db.transaction(async (tx) => {
    for (const p of parties) {
      if (p.versions_key === loaded.key && p.status !== 'pending' && p.status !== 'error' && fingerprintOf(partyData(p)) === p.fingerprint) { cached++; continue; }
      await screenAndRecord(tx, s, systemContext(p.org_id, 'seller', 'screening.rescreen'), { data: partyData(p), party: p, source: 'rescreen' });
      screened++;
    }
  });
  return { next: parties.length === batch ? parties[parties.length - 1].id : null, screened, cached };
}
