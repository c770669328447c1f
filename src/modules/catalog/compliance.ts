// Market access for the catalogue: listings per product × market with the engine's result stored
// (rule ids, en + zh-CN reasons, sources), certificates, re-checks when products, certificates or
// the rules change, the certificate-expiry notice, and the functions the order hub calls.

import { checkMarketAccess, diffRuleSets, needsRecheck, type Certificate, type Finding, type MarketAccessResult, type MarketRuleSet, type Product, type ProductAttributes } from '../../engines/market-access/index.ts';
import { recordAudit } from '../../kernel/audit.ts';
import { systemContext, type AuthContext } from '../../kernel/context.ts';
import type { Db, Executor, Statement } from '../../kernel/db.ts';
import { badRequest, notFound, validationError, type FieldError } from '../../kernel/errors.ts';
import { emit } from '../../kernel/events.ts';
import { newId } from '../../kernel/ids.ts';
import { enqueue } from '../../kernel/jobs.ts';
import { getSetting, setSetting } from '../../kernel/settings.ts';
import { marketCodes, marketRules, setMarketRules } from './data.ts';
import type { DocumentStore } from './documents.ts';
import { missingListingLocales, type Content } from './model.ts';
import { dateOnly, productRow, skuRows, storeDocument } from './service.ts';

export type ListingStatus = MarketAccessResult['status'];

/** What the order hub and other modules get for a SKU (see index.ts). */
export interface CatalogSku {
  skuId: string;
  code: string;
  productId: string;
  title: Record<string, string>;
  hsCode: string | null;
  hsEdition: string | null;
  nationalCodes: Record<string, string>;
  originCountry: string | null;
  weightGrams: number | null;
  dimsMm: { l: number; w: number; h: number } | null;
  /** Compliance flags in the market-access engine's terms (lithiumBattery, liquid, magnet …). */
  attributes: ProductAttributes;
  /** Variant options (colour, size …) and the product's free attributes. */
  options: Record<string, string>;
  brand: string | null;
  /** Price per ISO 4217 currency, integer minor units. */
  prices: Record<string, number>;
}

const today = (d: Date = new Date()) => d.toISOString().slice(0, 10);
const RANK: Record<ListingStatus, number> = { allowed: 0, allowed_with_conditions: 1, blocked: 2 };
const worst = (a: ListingStatus, b: ListingStatus) => (RANK[a] >= RANK[b] ? a : b);
const CATALOG_SOURCE = 'Tradelane catalogue data check';

function catalogFinding(ruleId: string, effect: 'block' | 'condition', en: string, zh: string, date: string): Finding {
  return { ruleId, kind: effect === 'block' ? 'prohibited' : 'registration', effect, reason: { en, zh }, source: CATALOG_SOURCE, as_of: date };
}

function syntheticResult(market: string, date: string, finding: Finding): MarketAccessResult {
  const blocked = finding.effect === 'block';
  return { market, date, status: blocked ? 'blocked' : 'allowed_with_conditions', blocks: blocked ? [finding] : [], conditions: blocked ? [] : [finding], satisfied: [], rulesVersion: [] };
}

function toEngineCertificate(c: any): Certificate {
  return {
    type: c.type, issuer: c.issuer, number: c.number,
    scope: { ...(c.markets?.length ? { markets: c.markets } : {}), ...(c.hs_prefixes?.length ? { hsPrefixes: c.hs_prefixes } : {}) },
    ...(c.issued_at ? { issuedAt: dateOnly(c.issued_at) } : {}),
    expiry: c.expiry ? dateOnly(c.expiry) : null,
  };
}

/** Check one SKU (its product, its product's certificates) for a market on a day. */
export function checkSku(product: any, sku: any, certificates: any[], market: string, date: string, rules: readonly MarketRuleSet[] = marketRules()): MarketAccessResult {
  if (!sku.hs_code) {
    return syntheticResult(market, date, catalogFinding('CATALOG-HS-MISSING', 'block',
      `SKU ${sku.code} has no HS code; classify it before it can be checked or sold into ${market}`,
      `SKU ${sku.code} 没有 HS 编码；归类后才能检查并销往 ${market}`, date));
  }
  const p: Product = { hsCode: sku.hs_code, originCountry: product.origin_country ?? '', attributes: product.compliance ?? {}, ...(sku.weight_grams ? { weightGrams: sku.weight_grams } : {}), title: product.content?.en?.title };
  const result = checkMarketAccess(p, market, rules, { date, certificates: certificates.map(toEngineCertificate) });
  if (!product.origin_country) {
    const f = catalogFinding('CATALOG-ORIGIN-MISSING', 'condition', 'The origin country is not set, so origin-based rules (embargoes, sanctions, forced-labour rules) could not be checked',
      '未填写原产国，无法检查基于原产地的规则（禁运、制裁、强迫劳动相关规则）', date);
    result.conditions.push(f);
    if (result.status === 'allowed') result.status = 'allowed_with_conditions';
  }
  return result;
}

export interface ProductCheck {
  market: string;
  date: string;
  status: ListingStatus;
  skus: Record<string, MarketAccessResult>;
  ruleIds: string[];
  reasons: { sku: string; rule_id: string; effect: string; en: string; zh: string; source: string; as_of: string; satisfied_by?: string[][] }[];
  rulesVersion: string[];
}

function summarise(market: string, date: string, perSku: Record<string, MarketAccessResult>): ProductCheck {
  let status: ListingStatus = 'allowed';
  const ruleIds = new Set<string>();
  const reasons: ProductCheck['reasons'] = [];
  const versions = new Set<string>();
  for (const [code, r] of Object.entries(perSku)) {
    status = worst(status, r.status);
    r.rulesVersion.forEach((v) => versions.add(v));
    for (const f of [...r.blocks, ...r.conditions]) {
      ruleIds.add(f.ruleId);
      reasons.push({ sku: code, rule_id: f.ruleId, effect: f.effect, en: f.reason.en, zh: f.reason.zh, source: f.source, as_of: f.as_of, ...(f.satisfiedBy ? { satisfied_by: f.satisfiedBy } : {}) });
    }
    for (const f of r.satisfied) ruleIds.add(f.ruleId);
  }
  return { market, date, status, skus: perSku, ruleIds: [...ruleIds].sort(), reasons, rulesVersion: [...versions].sort() };
}

async function certificatesOf(tx: Executor, orgId: string, productIds: string[]) {
  if (!productIds.length) return [];
  return tx.query(`SELECT * FROM catalog_certificates WHERE org_id = $1 AND product_id = ANY($2) AND revoked_at IS NULL`, [orgId, productIds]);
}

export async function checkProduct(tx: Executor, orgId: string, productId: string, market: string, date: string, rules?: readonly MarketRuleSet[]) {
  const product = await productRow(tx, orgId, productId);
  const skus = await skuRows(tx, orgId, [productId]);
  const certs = await certificatesOf(tx, orgId, [productId]);
  const perSku: Record<string, MarketAccessResult> = {};
  for (const s of skus) perSku[s.code] = checkSku(product, s, certs, market, date, rules);
  return { product, skus, check: summarise(market, date, perSku) };
}

export function publicListing(r: any) {
  return {
    id: r.id, product_id: r.product_id, market: r.market, active: r.active, status: r.status, rule_ids: r.rule_ids,
    reasons: r.result?.reasons ?? [], skus: r.result?.skus ?? {}, date: r.result?.date, rules_version: r.rules_version, checked_at: r.checked_at, created_at: r.created_at,
  };
}

function assertMarket(market: string, field = 'market') {
  const m = market.toUpperCase();
  if (!marketCodes().includes(m)) throw validationError([{ field, message: `unknown market "${market}"; markets with rules: ${marketCodes().join(', ')}` }]);
  return m;
}

async function saveCheck(tx: Executor, orgId: string, productId: string, check: ProductCheck) {
  return tx.one(
    `INSERT INTO catalog_listings (id, org_id, product_id, market, status, rule_ids, result, rules_version)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8)
     ON CONFLICT (product_id, market) DO UPDATE SET active = true, status = EXCLUDED.status, rule_ids = EXCLUDED.rule_ids, result = EXCLUDED.result,
       rules_version = EXCLUDED.rules_version, checked_at = now()
     RETURNING *, (xmax = 0) AS inserted`,
    [newId('lst'), orgId, productId, check.market, check.status, check.ruleIds, JSON.stringify({ date: check.date, skus: check.skus, reasons: check.reasons }), check.rulesVersion],
  );
}

/** List a product for a market: needs en + zh-CN titles and at least one SKU; the check result is stored. */
export async function listProduct(tx: Executor, ctx: AuthContext, productId: string, marketInput: string, date?: string) {
  const market = assertMarket(marketInput);
  const product = await productRow(tx, ctx.orgId, productId, true);
  if (product.status !== 'active') throw validationError([{ field: 'product', message: 'an archived product cannot be listed' }]);
  const errors: FieldError[] = missingListingLocales(product.content as Content);
  const skus = await skuRows(tx, ctx.orgId, [productId]);
  if (!skus.length) errors.push({ field: 'skus', message: 'the product has no SKU to sell' });
  if (errors.length) throw validationError(errors, `The product cannot be listed for ${market} yet`);
  const before = await tx.maybeOne(`SELECT status, active FROM catalog_listings WHERE product_id = $1 AND market = $2`, [productId, market]);
  const { check } = await checkProduct(tx, ctx.orgId, productId, market, date ?? today());
  const row = await saveCheck(tx, ctx.orgId, productId, check);
  await recordAudit(tx, ctx, { action: 'catalog.listing.create', entityType: 'listing', entityId: row.id, before: before ?? null, after: { product_id: productId, market, status: check.status, rule_ids: check.ruleIds } });
  await emit(tx, ctx, { type: 'catalog.listing.checked', entityType: 'listing', entityId: row.id, orgId: ctx.orgId, payload: { product_id: productId, market, status: check.status, rule_ids: check.ruleIds, reason: 'listed' } });
  return publicListing(row);
}

async function listingRow(tx: Executor, orgId: string, id: string) {
  const row = await tx.maybeOne(`SELECT * FROM catalog_listings WHERE id = $1 AND org_id = $2 FOR UPDATE`, [id, orgId]);
  if (!row) throw notFound('Listing', id);
  return row;
}

/** Re-run a stored listing's check; when the status changes the seller is told (event → webhooks/NATS). */
async function recheckRow(tx: Executor, ctx: Pick<AuthContext, 'requestId' | 'userId'> & { orgId: string }, row: any, why: string, date?: string, rules?: readonly MarketRuleSet[]) {
  const { check } = await checkProduct(tx, row.org_id, row.product_id, row.market, date ?? today(), rules);
  const updated = await saveCheck(tx, row.org_id, row.product_id, check);
  const changed = updated.status !== row.status || updated.rule_ids.join() !== row.rule_ids.join();
  await emit(tx, ctx, { type: 'catalog.listing.checked', entityType: 'listing', entityId: row.id, orgId: row.org_id, payload: { product_id: row.product_id, market: row.market, status: check.status, rule_ids: check.ruleIds, reason: why } });
  if (changed) {
    await emit(tx, ctx, {
      type: 'catalog.listing.status_changed', entityType: 'listing', entityId: row.id, orgId: row.org_id,
      payload: { product_id: row.product_id, market: row.market, from: row.status, to: check.status, rule_ids: check.ruleIds, reasons: check.reasons, why },
    });
  }
  return { listing: updated, changed, from: row.status as ListingStatus };
}

export async function recheckListing(tx: Executor, ctx: AuthContext, id: string) {
  const row = await listingRow(tx, ctx.orgId, id);
  if (!row.active) throw validationError([{ field: 'listing', message: 'the listing was withdrawn; list the product again' }]);
  const r = await recheckRow(tx, ctx, row, 'requested');
  await recordAudit(tx, ctx, { action: 'catalog.listing.recheck', entityType: 'listing', entityId: id, before: { status: row.status, rule_ids: row.rule_ids }, after: { status: r.listing.status, rule_ids: r.listing.rule_ids } });
  return publicListing(r.listing);
}

/** After a product, SKU or certificate change: re-check the product's active listings in the same transaction. */
export async function recheckProductListings(tx: Executor, ctx: AuthContext, productId: string, why: string) {
  const rows = await tx.query(`SELECT * FROM catalog_listings WHERE org_id = $1 AND product_id = $2 AND active ORDER BY market FOR UPDATE`, [ctx.orgId, productId]);
  for (const row of rows) await recheckRow(tx, ctx, row, why);
}

export async function withdrawListing(tx: Executor, ctx: AuthContext, id: string) {
  const row = await listingRow(tx, ctx.orgId, id);
  await tx.query(`UPDATE catalog_listings SET active = false WHERE id = $1`, [id]);
  await recordAudit(tx, ctx, { action: 'catalog.listing.withdraw', entityType: 'listing', entityId: id, before: { active: row.active }, after: { active: false } });
  await emit(tx, ctx, { type: 'catalog.listing.withdrawn', entityType: 'listing', entityId: id, orgId: ctx.orgId, payload: { product_id: row.product_id, market: row.market } });
  return { ...publicListing(row), active: false };
}

/** Products × markets with the stored status of each active listing (the console's compliance matrix). */
export async function complianceMatrix(tx: Executor, ctx: AuthContext) {
  const products = await tx.query(`SELECT id, handle, content, brand FROM catalog_products WHERE org_id = $1 AND status = 'active' ORDER BY id DESC LIMIT 1000`, [ctx.orgId]);
  const listings = await tx.query(`SELECT id, product_id, market, status, rule_ids, checked_at FROM catalog_listings WHERE org_id = $1 AND active`, [ctx.orgId]);
  const markets = marketCodes();
  const totals = Object.fromEntries(markets.map((m) => [m, { allowed: 0, allowed_with_conditions: 0, blocked: 0, not_listed: 0 }]));
  const rows = products.map((p: any) => {
    const cells: Record<string, any> = {};
    for (const m of markets) {
      const l = listings.find((x: any) => x.product_id === p.id && x.market === m);
      cells[m] = l ? { listing_id: l.id, status: l.status, rule_ids: l.rule_ids, checked_at: l.checked_at } : null;
      (totals as any)[m][l ? l.status : 'not_listed']++;
    }
    return { product_id: p.id, handle: p.handle, title: p.content?.en?.title ?? null, title_zh: p.content?.['zh-CN']?.title ?? null, brand: p.brand, markets: cells };
  });
  return { markets, totals, data: rows };
}

// ---------------------------------------------------------------- certificates

export function publicCertificate(r: any) {
  return {
    id: r.id, product_id: r.product_id, type: r.type, issuer: r.issuer, number: r.number, scope: r.scope, markets: r.markets ?? [], hs_prefixes: r.hs_prefixes ?? [],
    issued_at: r.issued_at ? dateOnly(r.issued_at) : null, expiry: r.expiry ? dateOnly(r.expiry) : null,
    document_id: r.document_id, document_url: r.document_id ? `/v1/catalog/documents/${r.document_id}/content` : null, created_at: r.created_at,
  };
}

export interface CertificateInput {
  type: string; issuer: string; number: string; scope?: string; markets?: string[]; hs_prefixes?: string[];
  issued_at?: string; expiry?: string | null; document?: { filename?: string; content_type: string; data_base64: string };
}

export async function addCertificate(tx: Executor, ctx: AuthContext, store: DocumentStore, productId: string, input: CertificateInput) {
  await productRow(tx, ctx.orgId, productId, true);
  const errors: FieldError[] = [];
  const markets = (input.markets ?? []).map((m, i) => {
    const u = m.toUpperCase();
    if (!marketCodes().includes(u)) errors.push({ field: `markets.${i}`, message: `unknown market "${m}"` });
    return u;
  });
  if (input.issued_at && input.expiry && input.expiry < input.issued_at) errors.push({ field: 'expiry', message: 'expires before it was issued' });
  if (errors.length) throw validationError(errors);
  const doc = input.document ? await storeDocument(tx, ctx, store, input.document, ['application/pdf', 'image/png', 'image/jpeg']) : null;
  const row = await tx.one(
    `INSERT INTO catalog_certificates (id, org_id, product_id, document_id, type, issuer, number, scope, hs_prefixes, markets, issued_at, expiry)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) RETURNING *`,
    [newId('cert'), ctx.orgId, productId, doc?.id ?? null, input.type, input.issuer, input.number, input.scope ?? null,
      input.hs_prefixes?.length ? input.hs_prefixes : null, markets.length ? markets : null, input.issued_at ?? null, input.expiry ?? null],
  );
  const out = publicCertificate(row);
  await recordAudit(tx, ctx, { action: 'catalog.certificate.create', entityType: 'certificate', entityId: row.id, after: out });
  await emit(tx, ctx, { type: 'catalog.certificate.added', entityType: 'certificate', entityId: row.id, orgId: ctx.orgId, payload: { product_id: productId, type: row.type, number: row.number, expiry: out.expiry } });
  await recheckProductListings(tx, ctx, productId, 'certificate added');
  return out;
}

export async function revokeCertificate(tx: Executor, ctx: AuthContext, id: string) {
  const row = await tx.maybeOne(`SELECT * FROM catalog_certificates WHERE id = $1 AND org_id = $2 AND revoked_at IS NULL FOR UPDATE`, [id, ctx.orgId]);
  if (!row) throw notFound('Certificate', id);
  await tx.query(`UPDATE catalog_certificates SET revoked_at = now() WHERE id = $1`, [id]);
  await recordAudit(tx, ctx, { action: 'catalog.certificate.revoke', entityType: 'certificate', entityId: id, before: publicCertificate(row), after: null });
  await emit(tx, ctx, { type: 'catalog.certificate.removed', entityType: 'certificate', entityId: id, orgId: ctx.orgId, payload: { product_id: row.product_id, type: row.type } });
  await recheckProductListings(tx, ctx, row.product_id, 'certificate removed');
}

export async function listCertificates(tx: Executor, ctx: AuthContext, productId: string) {
  await productRow(tx, ctx.orgId, productId);
  return (await certificatesOf(tx, ctx.orgId, [productId])).map(publicCertificate);
}

export const EXPIRY_NOTICE_DAYS = 30;

/**
 * Daily: one `catalog.certificate.expiring` event per certificate that expires within 30 days.
 * `expiry_notified_for` remembers the expiry date that was announced, so the notice fires once
 * per certificate (and again only if its expiry date is changed).
 */
export async function notifyExpiringCertificates(db: Db, now: Date = new Date()) {
  return db.transaction(async (tx) => {
    const day = today(now);
    const rows = await tx.query(
      `UPDATE catalog_certificates SET expiry_notified_for = expiry
        WHERE revoked_at IS NULL AND expiry IS NOT NULL AND expiry >= $1::date AND expiry <= $1::date + ${EXPIRY_NOTICE_DAYS}
          AND expiry_notified_for IS DISTINCT FROM expiry
        RETURNING *`,
      [day],
    );
    for (const r of rows) {
      const expiry = dateOnly(r.expiry);
      const daysLeft = Math.round((Date.parse(expiry) - Date.parse(day)) / 86_400_000);
      await emit(tx, { requestId: 'catalog.certificate-expiry', userId: null }, {
        type: 'catalog.certificate.expiring', entityType: 'certificate', entityId: r.id, orgId: r.org_id,
        payload: { product_id: r.product_id, type: r.type, number: r.number, issuer: r.issuer, expiry, days_left: daysLeft, markets: r.markets ?? [],
          message: { en: `${r.type} ${r.number} expires on ${expiry} (in ${daysLeft} days); renew it to keep the listings that rely on it`, zh: `${r.type} ${r.number} 将于 ${expiry} 到期（剩 ${daysLeft} 天）；请及时续期以保留依赖它的上架` } },
      });
    }
    return rows.map((r: any) => r.id as string);
  });
}

/** Queue the next daily run (01:00 UTC); the dedupe key includes the day so each day runs once. */
export async function scheduleExpiryScan(ex: Executor, after: Date = new Date(), runNow = false) {
  const next = new Date(Date.UTC(after.getUTCFullYear(), after.getUTCMonth(), after.getUTCDate() + (runNow ? 0 : 1), 1, 0, 0));
  const runAt = runNow ? after : next;
  await enqueue(ex, 'catalog.certificates.expiry_scan', {}, { runAt, dedupeKey: `catalog.certificates.expiry_scan:${today(runAt)}` });
}

// ---------------------------------------------------------------- rule changes

const RULES_SETTING = 'catalog.market_rules_checked';

/**
 * The rules changed (new data files, or `next` passed in): diff old and new with the engine,
 * re-check only the active listings a change can touch, notify sellers whose listing status
 * changed, and remember the new rules as checked.
 */
export async function recheckForRuleChange(db: Db, next: MarketRuleSet[] = marketRules(), opts: { date?: string; all?: boolean } = {}) {
  const previous = (await getSetting<MarketRuleSet[]>(db, RULES_SETTING)) ?? null;
  const diff = diffRuleSets(previous ?? [], next);
  const date = opts.date ?? today();
  const listings = await db.query(`SELECT l.id, l.org_id, l.product_id, l.market FROM catalog_listings l WHERE l.active ORDER BY l.id`);
  let checked = 0;
  const changed: { listing_id: string; org_id: string; market: string; from: string; to: string }[] = [];
  for (const l of listings) {
    await db.transaction(async (tx) => {
      const row = await tx.maybeOne(`SELECT * FROM catalog_listings WHERE id = $1 AND active FOR UPDATE`, [l.id]);
      if (!row) return;
      const product = await tx.one(`SELECT * FROM catalog_products WHERE id = $1`, [row.product_id]);
      const skus = await skuRows(tx, row.org_id, [row.product_id]);
      const affected = opts.all || previous === null || skus.some((s: any) => s.hs_code && needsRecheck(
        { hsCode: s.hs_code, originCountry: product.origin_country ?? '', attributes: product.compliance ?? {}, weightGrams: s.weight_grams ?? undefined }, row.market, diff));
      if (!affected) return;
      checked++;
      const ctx = { ...systemContext(row.org_id, 'seller', 'catalog.rules-recheck'), orgId: row.org_id };
      const r = await recheckRow(tx, ctx, row, `market-access rules changed (${diff.markets.join(', ') || 'first check'})`, date, next);
      if (r.changed) changed.push({ listing_id: row.id, org_id: row.org_id, market: row.market, from: r.from, to: r.listing.status });
    });
  }
  await setSetting(db, RULES_SETTING, next);
  setMarketRules(next);
  return {
    markets_changed: diff.markets, rules_added: diff.added.map((a) => `${a.market}:${a.rule.id}`), rules_removed: diff.removed.map((a) => `${a.market}:${a.rule.id}`),
    rules_changed: diff.changed.map((c) => `${c.market}:${c.id}`), listings_active: listings.length, listings_checked: checked, status_changed: changed,
  };
}

/** At start: first run stores the rules as checked; later runs queue a re-check when the data files changed. */
export async function noticeRuleChanges(db: Db) {
  const previous = await getSetting<MarketRuleSet[]>(db, RULES_SETTING);
  if (!previous) {
    await setSetting(db, RULES_SETTING, marketRules());
    return false;
  }
  if (diffRuleSets(previous, marketRules()).markets.length === 0) return false;
  await enqueue(db, 'catalog.rules.recheck', {}, { dedupeKey: 'catalog.rules.recheck' });
  return true;
}

// ---------------------------------------------------------------- for other modules

function toCatalogSku(p: any, s: any): CatalogSku {
  const title: Record<string, string> = {};
  for (const [l, c] of Object.entries(p.content ?? {})) title[l] = (c as any).title;
  return {
    skuId: s.id, code: s.code, productId: p.id, title, hsCode: s.hs_code, hsEdition: s.hs_edition, nationalCodes: s.national_codes ?? {},
    originCountry: p.origin_country, weightGrams: s.weight_grams, dimsMm: s.length_mm ? { l: s.length_mm, w: s.width_mm, h: s.height_mm } : null,
    attributes: p.compliance ?? {}, options: { ...(p.attributes ?? {}), ...(s.options ?? {}) }, brand: p.brand, prices: s.prices ?? {},
  };
}

async function loadByCodes(tx: Executor, orgId: string, codes: string[]) {
  const wanted = [...new Set(codes.map((c) => c.toLowerCase()))];
  if (!wanted.length) return { skus: [], products: new Map<string, any>() };
  const skus = await tx.query(
    `SELECT s.* FROM catalog_skus s JOIN catalog_products p ON p.id = s.product_id
      WHERE s.org_id = $1 AND lower(s.code) = ANY($2) AND s.status = 'active' AND p.status = 'active'`,
    [orgId, wanted],
  );
  const products = new Map<string, any>();
  const ids = [...new Set(skus.map((s: any) => s.product_id))];
  if (ids.length) for (const p of await tx.query(`SELECT * FROM catalog_products WHERE org_id = $1 AND id = ANY($2)`, [orgId, ids])) products.set(p.id, p);
  return { skus, products };
}

/** Active SKUs of an organisation by code (matched case-insensitively; keyed by the code as asked). Unknown codes are absent. */
export async function getSkus(tx: Executor, orgId: string, codes: string[]): Promise<Map<string, CatalogSku>> {
  const { skus, products } = await loadByCodes(tx, orgId, codes);
  const byLower = new Map(skus.map((s: any) => [s.code.toLowerCase(), s]));
  const out = new Map<string, CatalogSku>();
  for (const c of codes) {
    const s = byLower.get(c.toLowerCase());
    if (s) out.set(c, toCatalogSku(products.get(s.product_id), s));
  }
  return out;
}

/**
 * Market access for an order before it is accepted or shipped: every SKU is checked with the
 * rules in force on `date` (default today) and the product's certificates. Unknown SKUs and SKUs
 * without an HS code are blocked with a reason. `reasons` are "<code>: [<rule id>] <reason (en)>".
 */
export async function checkSkusForMarket(tx: Executor, orgId: string, codes: string[], market: string, date?: Date): Promise<SkuSetCheck> {
  return (await checkSkuSetsForMarket(tx, orgId, [codes], market, date))[0];
}

export interface SkuSetCheck { status: ListingStatus; perSku: Record<string, MarketAccessResult>; reasons: string[] }

/**
 * checkSkusForMarket for many SKU sets at once (a batch of orders): the catalogue rows of all their
 * SKUs are read in one round trip and each SKU is checked once; each set's answer is exactly what
 * checkSkusForMarket gives for it alone (status and reasons are per SKU, summed up in set order).
 */
export async function checkSkuSetsForMarket(tx: Executor, orgId: string, codeSets: string[][], market: string, date?: Date): Promise<SkuSetCheck[]> {
  const reads = marketAccessReads(orgId, codeSets.flat());
  return reads.check(await tx.queryMany(reads.statements), codeSets, market, date);
}

/**
 * The catalogue reads of checkSkuSetsForMarket as statements — the active SKUs by code
 * (case-insensitive), their products and the products' valid certificates — for a caller that sends
 * them with its own reads in one round trip; `check` answers from them for any SKU sets among
 * `codes` and any market (it throws 400 for a market without rules).
 */
export function marketAccessReads(orgId: string, codes: string[]): { statements: Statement[]; check(answers: any[][], codeSets: string[][], market: string, date?: Date): SkuSetCheck[] } {
  const wanted = [...new Set(codes.map((c) => c.toLowerCase()))];
  const activeSkus = `SELECT s.product_id FROM catalog_skus s JOIN catalog_products p ON p.id = s.product_id
      WHERE s.org_id = $1 AND lower(s.code) = ANY($2) AND s.status = 'active' AND p.status = 'active'`;
  const statements: Statement[] = wanted.length === 0 ? [] : [
    [`SELECT s.* FROM catalog_skus s JOIN catalog_products p ON p.id = s.product_id
      WHERE s.org_id = $1 AND lower(s.code) = ANY($2) AND s.status = 'active' AND p.status = 'active'`, [orgId, wanted]],
    [`SELECT * FROM catalog_products WHERE org_id = $1 AND id IN (${activeSkus})`, [orgId, wanted]],
    [`SELECT * FROM catalog_certificates WHERE org_id = $1 AND product_id IN (${activeSkus}) AND revoked_at IS NULL`, [orgId, wanted]],
  ];
  return {
    statements,
    check(answers, codeSets, market, date) {
      const m = market.toUpperCase();
      if (!marketCodes().includes(m)) throw badRequest(`Unknown market "${market}"; markets with rules: ${marketCodes().join(', ')}`, 'market');
      const day = today(date);
      const [skus, productRows, certs] = statements.length ? answers : [[], [], []];
      const products = new Map(productRows.map((p: any) => [p.id, p]));
      const byLower = new Map(skus.map((s: any) => [s.code.toLowerCase(), s]));
      const checked = new Map<string, MarketAccessResult>();
      const checkOnce = (code: string) => {
        let r = checked.get(code);
        if (r) return r;
        const s = byLower.get(code.toLowerCase());
        r = s
          ? checkSku(products.get(s.product_id), s, certs.filter((c: any) => c.product_id === s.product_id), m, day)
          : syntheticResult(m, day, catalogFinding('CATALOG-UNKNOWN-SKU', 'block', `SKU ${code} is not in the catalogue`, `目录中没有 SKU ${code}`, day));
        checked.set(code, r);
        return r;
      };
      return codeSets.map((set) => {
        const perSku: Record<string, MarketAccessResult> = {};
        for (const code of set) perSku[code] = checkOnce(code);
        const summary = summarise(m, day, perSku);
        return { status: summary.status, perSku, reasons: summary.reasons.map((r) => `${r.sku}: [${r.rule_id}] ${r.en}`) };
      });
    },
  };
}
