// Products, SKUs, HS codes and images: the catalogue's use-cases. Each runs in the caller's
// transaction, filters by the caller's organisation, and records audit + an outbox event.

import { classifyProduct, hsPath, searchHs } from '../../engines/hs/index.ts';
import { suggestAttributes } from '../../engines/market-access/index.ts';
import { recordAudit } from '../../kernel/audit.ts';
import type { AuthContext } from '../../kernel/context.ts';
import type { Executor } from '../../kernel/db.ts';
import { badRequest, notFound, validationError, type FieldError } from '../../kernel/errors.ts';
import { emit } from '../../kernel/events.ts';
import { newId } from '../../kernel/ids.ts';
import { toPage } from '../../kernel/pagination.ts';
import { publicCertificate, publicListing, recheckProductListings } from './compliance.ts';
import { catalogData } from './data.ts';
import { sniffContentType, type DocumentStore } from './documents.ts';
import {
  checkContent, checkHsCode, checkSku, complianceFromEngine, complianceToEngine, missingListingLocales,
  type CheckedSku, type Content, type ProductInput, type ProductPatch, type SkuInput, type SkuPatch,
} from './model.ts';

// ---------------------------------------------------------------- public shapes

export function publicSku(r: any) {
  return {
    id: r.id, product_id: r.product_id, code: r.code, status: r.status, options: r.options,
    hs_code: r.hs_code, hs_edition: r.hs_edition, hs_source: r.hs_source,
    hs_description: r.hs_code ? catalogData().nomenclature.nodes.get(r.hs_code)?.description ?? null : null,
    national_codes: r.national_codes, weight_grams: r.weight_grams,
    dims_mm: r.length_mm ? { l: r.length_mm, w: r.width_mm, h: r.height_mm } : null,
    prices: r.prices, created_at: r.created_at, updated_at: r.updated_at,
  };
}

export function publicProduct(r: any, skus: any[] = []) {
  return {
    id: r.id, handle: r.handle, status: r.status, brand: r.brand, origin_country: r.origin_country,
    content: r.content, attributes: r.attributes, compliance: complianceFromEngine(r.compliance),
    images: (r.images ?? []).map((i: any) => ({ ...i, url: `/v1/catalog/documents/${i.document_id}/content` })),
    available_from: r.available_from ? dateOnly(r.available_from) : null,
    skus: skus.map(publicSku), created_at: r.created_at, updated_at: r.updated_at,
  };
}

export function dateOnly(v: unknown): string {
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return String(v).slice(0, 10);
}

// ---------------------------------------------------------------- loading

export async function productRow(tx: Executor, orgId: string, id: string, lock = false) {
  const row = await tx.maybeOne(`SELECT * FROM catalog_products WHERE id = $1 AND org_id = $2 ${lock ? 'FOR UPDATE' : ''}`, [id, orgId]);
  if (!row) throw notFound('Product', id);
  return row;
}

export async function skuRows(tx: Executor, orgId: string, productIds: string[], includeArchived = false) {
  return tx.query(
    `SELECT * FROM catalog_skus WHERE org_id = $1 AND product_id = ANY($2) ${includeArchived ? '' : `AND status = 'active'`} ORDER BY code`,
    [orgId, productIds],
  );
}

export async function getProduct(tx: Executor, ctx: AuthContext, id: string) {
  const row = await productRow(tx, ctx.orgId, id);
  const skus = await skuRows(tx, ctx.orgId, [id]);
  const listings = await tx.query(`SELECT * FROM catalog_listings WHERE org_id = $1 AND product_id = $2 ORDER BY market`, [ctx.orgId, id]);
  const certificates = await tx.query(`SELECT * FROM catalog_certificates WHERE org_id = $1 AND product_id = $2 AND revoked_at IS NULL ORDER BY created_at`, [ctx.orgId, id]);
  return { ...publicProduct(row, skus), listings: listings.map(publicListing), certificates: certificates.map(publicCertificate) };
}

export interface ProductListQuery {
  q?: string; status?: 'active' | 'archived'; brand?: string; hs_prefix?: string; market?: string;
  listing_status?: 'allowed' | 'allowed_with_conditions' | 'blocked' | 'not_listed'; missing_hs?: boolean; limit: number; cursor?: string;
}

export async function listProducts(tx: Executor, ctx: AuthContext, q: ProductListQuery) {
  const params: unknown[] = [ctx.orgId];
  const where = ['p.org_id = $1'];
  const add = (sql: string, v: unknown) => { params.push(v); where.push(sql.replaceAll('?', `$${params.length}`)); };
  add('p.status = ?', q.status ?? 'active');
  if (q.q) {
    add(`(p.content::text ILIKE ? OR p.handle ILIKE ? OR p.brand ILIKE ? OR EXISTS (SELECT 1 FROM catalog_skus s WHERE s.product_id = p.id AND s.code ILIKE ?))`,
      `%${q.q.replace(/[\\%_]/g, (c) => '\\' + c)}%`);
  }
  if (q.brand) add('p.brand = ?', q.brand);
  if (q.hs_prefix) add(`EXISTS (SELECT 1 FROM catalog_skus s WHERE s.product_id = p.id AND s.status = 'active' AND s.hs_code LIKE ?)`, q.hs_prefix.replace(/\D/g, '') + '%');
  if (q.missing_hs) where.push(`EXISTS (SELECT 1 FROM catalog_skus s WHERE s.product_id = p.id AND s.status = 'active' AND s.hs_code IS NULL)`);
  if (q.market) {
    params.push(q.market);
    const m = `$${params.length}`;
    if (q.listing_status === 'not_listed') where.push(`NOT EXISTS (SELECT 1 FROM catalog_listings l WHERE l.product_id = p.id AND l.market = ${m} AND l.active)`);
    else if (q.listing_status) add(`EXISTS (SELECT 1 FROM catalog_listings l WHERE l.product_id = p.id AND l.market = ${m} AND l.active AND l.status = ?)`, q.listing_status);
    else where.push(`EXISTS (SELECT 1 FROM catalog_listings l WHERE l.product_id = p.id AND l.market = ${m} AND l.active)`);
  } else if (q.listing_status) {
    add(`EXISTS (SELECT 1 FROM catalog_listings l WHERE l.product_id = p.id AND l.active AND l.status = ?)`, q.listing_status);
  }
  if (q.cursor) add('p.id < ?', q.cursor);
  const rows = await tx.query(`SELECT p.* FROM catalog_products p WHERE ${where.join(' AND ')} ORDER BY p.id DESC LIMIT ${q.limit + 1}`, params);
  const page = toPage(rows, q.limit, (r: any) => r.id);
  const ids = page.data.map((r: any) => r.id);
  const skus = ids.length ? await skuRows(tx, ctx.orgId, ids) : [];
  const listings = ids.length ? await tx.query(`SELECT product_id, market, status FROM catalog_listings WHERE org_id = $1 AND product_id = ANY($2) AND active ORDER BY market`, [ctx.orgId, ids]) : [];
  return {
    data: page.data.map((r: any) => ({
      ...publicProduct(r, skus.filter((s: any) => s.product_id === r.id)),
      listings: listings.filter((l: any) => l.product_id === r.id).map((l: any) => ({ market: l.market, status: l.status })),
    })),
    next_cursor: page.next_cursor,
  };
}

// ---------------------------------------------------------------- products

async function assertSkuCodesFree(tx: Executor, orgId: string, codes: string[], errors: FieldError[], fieldOf: (i: number) => string, exceptSkuIds: string[] = []) {
  const seen = new Map<string, number>();
  codes.forEach((c, i) => {
    const key = c.toLowerCase();
    if (seen.has(key)) errors.push({ field: fieldOf(i), message: `SKU code ${c} appears twice` });
    seen.set(key, i);
  });
  if (!codes.length) return;
  const taken = await tx.query(`SELECT code FROM catalog_skus WHERE org_id = $1 AND lower(code) = ANY($2) AND NOT (id = ANY($3))`, [orgId, codes.map((c) => c.toLowerCase()), exceptSkuIds]);
  for (const t of taken) errors.push({ field: fieldOf(seen.get(t.code.toLowerCase())!), message: `SKU code ${t.code} is already used in this organisation` });
}

async function insertSku(tx: Executor, orgId: string, productId: string, s: CheckedSku, hsSource: string | null) {
  return tx.one(
    `INSERT INTO catalog_skus (id, org_id, product_id, code, options, hs_code, hs_edition, hs_source, national_codes, weight_grams, length_mm, width_mm, height_mm, prices)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14) RETURNING *`,
    [newId('sku'), orgId, productId, s.code, JSON.stringify(s.options), s.hs?.code ?? null, s.hs?.edition ?? null, s.hs ? hsSource : null,
      JSON.stringify(s.nationalCodes), s.weightGrams, s.dimsMm?.l ?? null, s.dimsMm?.w ?? null, s.dimsMm?.h ?? null, JSON.stringify(s.prices)],
  );
}

/** Validate a whole product with its SKUs; returns the checked parts or throws one 400 with every field error. */
export async function checkProductInput(tx: Executor, orgId: string, input: ProductInput, errors: FieldError[] = [], existingProductId?: string, uniquenessChecked = false) {
  const content = checkContent(input.content, errors);
  const skus = (input.skus ?? []).map((s, i) => checkSku(s, `skus.${i}.`, errors));
  if (uniquenessChecked) return { content, skus };
  const existing = existingProductId ? (await tx.query(`SELECT id FROM catalog_skus WHERE product_id = $1`, [existingProductId])).map((r: any) => r.id) : [];
  await assertSkuCodesFree(tx, orgId, skus.map((s) => s.code), errors, (i) => `skus.${i}.code`, existing);
  if (input.handle) {
    const h = await tx.maybeOne(`SELECT id FROM catalog_products WHERE org_id = $1 AND handle = $2`, [orgId, input.handle]);
    if (h && h.id !== existingProductId) errors.push({ field: 'handle', message: `handle ${input.handle} is already used by product ${h.id}` });
  }
  return { content, skus };
}

export async function createProduct(tx: Executor, ctx: AuthContext, input: ProductInput, opts: { hsSource?: string; via?: string; uniquenessChecked?: boolean } = {}) {
  const errors: FieldError[] = [];
  // The CSV import has already checked SKU codes and handles for the whole file in this transaction.
  const { content, skus } = await checkProductInput(tx, ctx.orgId, input, errors, undefined, opts.uniquenessChecked);
  if (errors.length) throw validationError(errors);
  const id = newId('prod');
  const row = await tx.one(
    `INSERT INTO catalog_products (id, org_id, handle, brand, origin_country, content, attributes, compliance, available_from)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING *`,
    [id, ctx.orgId, input.handle ?? null, input.brand ?? null, input.origin_country ?? null, JSON.stringify(content), JSON.stringify(input.attributes ?? {}),
      JSON.stringify(complianceToEngine(input.compliance)), input.available_from ?? null],
  );
  const skuRowsOut = [];
  for (const s of skus) skuRowsOut.push(await insertSku(tx, ctx.orgId, id, s, opts.hsSource ?? 'manual'));
  const out = publicProduct(row, skuRowsOut);
  await recordAudit(tx, ctx, { action: 'catalog.product.create', entityType: 'product', entityId: id, after: { ...out, via: opts.via ?? 'api' } });
  await emit(tx, ctx, { type: 'catalog.product.created', entityType: 'product', entityId: id, orgId: ctx.orgId, payload: { handle: row.handle, skus: skuRowsOut.map((s) => s.code), via: opts.via ?? 'api' } });
  return out;
}

export async function updateProduct(tx: Executor, ctx: AuthContext, id: string, patch: ProductPatch, opts: { via?: string } = {}) {
  const before = await productRow(tx, ctx.orgId, id, true);
  const errors: FieldError[] = [];
  const content = patch.content ? checkContent(patch.content, errors) : (before.content as Content);
  if (patch.handle && patch.handle !== before.handle) {
    const h = await tx.maybeOne(`SELECT id FROM catalog_products WHERE org_id = $1 AND handle = $2`, [ctx.orgId, patch.handle]);
    if (h) errors.push({ field: 'handle', message: `handle ${patch.handle} is already used by product ${h.id}` });
  }
  const listed = await tx.maybeOne(`SELECT count(*)::int AS n FROM catalog_listings WHERE product_id = $1 AND active`, [id]);
  if (listed!.n > 0) errors.push(...missingListingLocales(content));
  if (errors.length) throw validationError(errors);
  const compliance = patch.compliance ? complianceToEngine({ ...complianceFromEngine(before.compliance), ...patch.compliance }) : before.compliance;
  const row = await tx.one(
    `UPDATE catalog_products SET handle = $3, brand = $4, origin_country = $5, content = $6, attributes = $7, compliance = $8, available_from = $9, updated_at = now()
      WHERE id = $1 AND org_id = $2 RETURNING *`,
    [id, ctx.orgId, patch.handle ?? before.handle, patch.brand ?? before.brand, patch.origin_country ?? before.origin_country, JSON.stringify(content),
      JSON.stringify(patch.attributes ?? before.attributes), JSON.stringify(compliance), patch.available_from ?? before.available_from],
  );
  const skus = await skuRows(tx, ctx.orgId, [id]);
  const out = publicProduct(row, skus);
  await recordAudit(tx, ctx, { action: 'catalog.product.update', entityType: 'product', entityId: id, before: publicProduct(before, skus), after: out });
  await emit(tx, ctx, { type: 'catalog.product.updated', entityType: 'product', entityId: id, orgId: ctx.orgId, payload: { fields: Object.keys(patch), via: opts.via ?? 'api' } });
  if (patch.compliance || patch.origin_country) await recheckProductListings(tx, ctx, id, 'product changed');
  return out;
}

export async function archiveProduct(tx: Executor, ctx: AuthContext, id: string) {
  const before = await productRow(tx, ctx.orgId, id, true);
  if (before.status === 'archived') return publicProduct(before);
  const row = await tx.one(`UPDATE catalog_products SET status = 'archived', updated_at = now() WHERE id = $1 RETURNING *`, [id]);
  await tx.query(`UPDATE catalog_listings SET active = false WHERE product_id = $1`, [id]);
  await recordAudit(tx, ctx, { action: 'catalog.product.archive', entityType: 'product', entityId: id, before: { status: before.status }, after: { status: 'archived' } });
  await emit(tx, ctx, { type: 'catalog.product.archived', entityType: 'product', entityId: id, orgId: ctx.orgId, payload: {} });
  return publicProduct(row);
}

// ---------------------------------------------------------------- SKUs

export async function addSku(tx: Executor, ctx: AuthContext, productId: string, input: SkuInput) {
  await productRow(tx, ctx.orgId, productId, true);
  const errors: FieldError[] = [];
  const s = checkSku(input, '', errors);
  await assertSkuCodesFree(tx, ctx.orgId, [s.code], errors, () => 'code');
  if (errors.length) throw validationError(errors);
  const row = await insertSku(tx, ctx.orgId, productId, s, 'manual');
  await recordAudit(tx, ctx, { action: 'catalog.sku.create', entityType: 'sku', entityId: row.id, after: publicSku(row) });
  await emit(tx, ctx, { type: 'catalog.sku.created', entityType: 'sku', entityId: row.id, orgId: ctx.orgId, payload: { product_id: productId, code: row.code } });
  await recheckProductListings(tx, ctx, productId, 'SKU added');
  return publicSku(row);
}

async function skuRow(tx: Executor, orgId: string, id: string) {
  const row = await tx.maybeOne(`SELECT * FROM catalog_skus WHERE id = $1 AND org_id = $2 FOR UPDATE`, [id, orgId]);
  if (!row) throw notFound('SKU', id);
  return row;
}

export async function updateSku(tx: Executor, ctx: AuthContext, id: string, patch: SkuPatch, opts: { hsSource?: string; via?: string } = {}) {
  const before = await skuRow(tx, ctx.orgId, id);
  const prev = publicSku(before);
  const merged: SkuInput = {
    code: patch.code ?? before.code,
    options: patch.options ?? before.options,
    hs_code: patch.hs_code === undefined ? before.hs_code : patch.hs_code,
    national_codes: patch.national_codes ?? before.national_codes,
    prices: patch.prices ?? before.prices,
    // weight and dimensions are validated only when the patch gives them (stored values are already normalised)
    ...(patch.weight ? { weight: patch.weight } : {}),
    ...(patch.dimensions ? { dimensions: patch.dimensions } : {}),
  };
  const errors: FieldError[] = [];
  const s = checkSku(merged, '', errors);
  if (patch.code && patch.code !== before.code) await assertSkuCodesFree(tx, ctx.orgId, [patch.code], errors, () => 'code', [id]);
  if (errors.length) throw validationError(errors);
  // undefined: keep; null: clear; a value: the normalised value
  const weight = patch.weight === undefined ? before.weight_grams : s.weightGrams;
  const checkedDims = s.dimsMm;
  const hsChanged = (s.hs?.code ?? null) !== before.hs_code;
  const row = await tx.one(
    `UPDATE catalog_skus SET code = $3, options = $4, hs_code = $5, hs_edition = $6, hs_source = $7, national_codes = $8, weight_grams = $9,
            length_mm = $10, width_mm = $11, height_mm = $12, prices = $13, updated_at = now()
      WHERE id = $1 AND org_id = $2 RETURNING *`,
    [id, ctx.orgId, s.code, JSON.stringify(s.options), s.hs?.code ?? null, s.hs?.edition ?? null, s.hs ? (hsChanged ? opts.hsSource ?? 'manual' : before.hs_source) : null,
      JSON.stringify(s.nationalCodes), weight,
      patch.dimensions === undefined ? before.length_mm : checkedDims?.l ?? null,
      patch.dimensions === undefined ? before.width_mm : checkedDims?.w ?? null,
      patch.dimensions === undefined ? before.height_mm : checkedDims?.h ?? null,
      JSON.stringify(s.prices)],
  );
  const out = publicSku(row);
  await recordAudit(tx, ctx, { action: 'catalog.sku.update', entityType: 'sku', entityId: id, before: prev, after: out });
  await emit(tx, ctx, { type: 'catalog.sku.updated', entityType: 'sku', entityId: id, orgId: ctx.orgId, payload: { product_id: row.product_id, code: row.code, fields: Object.keys(patch), via: opts.via ?? 'api' } });
  if (hsChanged || patch.weight !== undefined) await recheckProductListings(tx, ctx, row.product_id, hsChanged ? 'HS code changed' : 'SKU changed');
  return out;
}

export async function archiveSku(tx: Executor, ctx: AuthContext, id: string) {
  const before = await skuRow(tx, ctx.orgId, id);
  await tx.query(`UPDATE catalog_skus SET status = 'archived', updated_at = now() WHERE id = $1`, [id]);
  await recordAudit(tx, ctx, { action: 'catalog.sku.archive', entityType: 'sku', entityId: id, before: { status: before.status }, after: { status: 'archived' } });
  await emit(tx, ctx, { type: 'catalog.sku.archived', entityType: 'sku', entityId: id, orgId: ctx.orgId, payload: { code: before.code } });
  await recheckProductListings(tx, ctx, before.product_id, 'SKU archived');
}

// ---------------------------------------------------------------- HS: browse, search, classify, confirm

export function browse(prefix: string) {
  const { nomenclature } = catalogData();
  const code = prefix.replace(/[\s.]/g, '');
  if (code && !/^\d{1,6}$/.test(code)) throw badRequest('prefix is up to six digits', 'prefix');
  const nodes = code.length === 0 ? nomenclature.chapters.map((c) => nomenclature.nodes.get(c)!) : (
    // '8517' lists its subheadings; '85' its headings; '851' the headings 8510–8519
    [...nomenclature.nodes.values()].filter((n) => n.code.startsWith(code) && n.level === (code.length < 2 ? 2 : code.length < 4 ? 4 : 6)).sort((a, b) => a.code.localeCompare(b.code))
  );
  const path = code ? hsPath(nomenclature, code) : { section: undefined, nodes: [] };
  return {
    edition: nomenclature.edition,
    prefix: code,
    path: path.nodes.map((n) => ({ code: n.code, level: n.level, description: n.description })),
    section: path.section ? { id: path.section.id, name: path.section.name } : null,
    data: nodes.map((n) => ({ code: n.code, level: n.level, description: n.description, declarable: n.children.length === 0 && n.level > 2, children: n.children.length })),
  };
}

export function search(q: string, limit: number) {
  const { index, nomenclature } = catalogData();
  return { edition: nomenclature.edition, query: q, data: searchHs(index, q, { limit }) };
}

export async function classify(tx: Executor, ctx: AuthContext, input: { title: string; description?: string; limit?: number }) {
  const { index, nomenclature } = catalogData();
  // The title carries the product word; the description adds material and use at lower weight
  // by being appended after "with" (the engine weighs words after with/for as accessories).
  const text = input.description ? `${input.title}, with ${input.description.slice(0, 300)}` : input.title;
  const result = classifyProduct(index, text, { limit: input.limit ?? 5, subheadingsPerHeading: 3 });
  const id = newId('cls');
  const suggestions = result.subheadings.slice(0, 10).map((s, rank) => {
    const heading = result.headings.find((h) => s.code.startsWith(h.code));
    return {
      rank: rank + 1, code: s.code, description: s.description, score: Math.round(s.score * 1000) / 1000, matched: s.matched,
      heading: heading ? { code: heading.code, description: heading.description, legal_text: heading.legalText } : null,
    };
  });
  const out = {
    id, edition: nomenclature.edition, query: text, language: result.language,
    headings: result.headings.map((h, rank) => ({
      rank: rank + 1, code: h.code, description: h.description, score: Math.round(h.score * 1000) / 1000, matched: h.matched,
      legal_text: h.legalText, notes: h.notes, chapter: h.chapter, section: h.section,
      subheadings: h.subheadings.map((s) => ({ code: s.code, description: s.description, score: Math.round(s.score * 1000) / 1000, matched: s.matched })),
    })),
    suggestions,
    unknown_chinese: result.unknownChinese,
    text_source: result.textSource,
  };
  await tx.query(`INSERT INTO catalog_classifications (id, org_id, query, result, created_by) VALUES ($1,$2,$3,$4,$5)`,
    [id, ctx.orgId, text, JSON.stringify(out), ctx.userId ?? ctx.apiKeyId]);
  return out;
}

/**
 * The seller confirms an HS code for a SKU. When it came from the assistant, the classification
 * id and the suggested code are checked against what the assistant actually offered, and the
 * audit entry carries that suggestion (rank, score, matched words).
 */
export async function confirmHs(tx: Executor, ctx: AuthContext, skuId: string, input: { hs_code: string; classification_id?: string; national_codes?: Record<string, string> }) {
  const errors: FieldError[] = [];
  const hs = checkHsCode(input.hs_code, 'hs_code', errors);
  if (errors.length || !hs) throw validationError(errors);
  let suggestion: any = null;
  if (input.classification_id) {
    const cls = await tx.maybeOne(`SELECT * FROM catalog_classifications WHERE id = $1 AND org_id = $2`, [input.classification_id, ctx.orgId]);
    if (!cls) throw notFound('Classification', input.classification_id);
    const offered = [...cls.result.suggestions, ...cls.result.headings.flatMap((h: any) => h.subheadings)];
    suggestion = offered.find((s: any) => s.code === hs.code);
    if (!suggestion) throw validationError([{ field: 'hs_code', message: `${hs.code} was not among the suggestions of ${input.classification_id}` }]);
    suggestion = { classification_id: cls.id, query: cls.query, ...suggestion };
  }
  const before = await skuRow(tx, ctx.orgId, skuId);
  const out = await updateSku(tx, ctx, skuId, { hs_code: hs.code, ...(input.national_codes ? { national_codes: input.national_codes } : {}) }, { hsSource: suggestion ? 'assistant' : 'manual', via: 'hs-confirmation' });
  await recordAudit(tx, ctx, {
    action: 'catalog.sku.hs_confirm', entityType: 'sku', entityId: skuId,
    before: { hs_code: before.hs_code }, after: { hs_code: hs.code, hs_edition: hs.edition, suggestion },
  });
  await emit(tx, ctx, { type: 'catalog.sku.hs_confirmed', entityType: 'sku', entityId: skuId, orgId: ctx.orgId, payload: { code: before.code, hs_code: hs.code, from_suggestion: suggestion ? { classification_id: suggestion.classification_id, rank: suggestion.rank ?? null } : null } });
  return { ...out, suggestion };
}

export function attributeSuggestions(hsCode: string) {
  const errors: FieldError[] = [];
  const hs = checkHsCode(hsCode, 'hs', errors);
  if (!hs) throw validationError(errors);
  const { attributes, reasons } = suggestAttributes(hs.code, catalogData().hints);
  return { hs_code: hs.code, compliance: complianceFromEngine(attributes), reasons };
}

// ---------------------------------------------------------------- documents and images

export const MAX_DOCUMENT_BYTES = 700 * 1024; // base64 in a 1 MB JSON body

export async function storeDocument(tx: Executor, ctx: AuthContext, store: DocumentStore, input: { filename?: string; content_type: string; data_base64: string }, allowed: string[]) {
  const bytes = Buffer.from(input.data_base64, 'base64');
  if (bytes.length === 0) throw validationError([{ field: 'data_base64', message: 'the file is empty or not base64' }]);
  if (bytes.length > MAX_DOCUMENT_BYTES) throw validationError([{ field: 'data_base64', message: `the file is larger than ${MAX_DOCUMENT_BYTES} bytes` }]);
  const sniffed = sniffContentType(bytes);
  if (!sniffed || !allowed.includes(sniffed)) throw validationError([{ field: 'data_base64', message: `the file is not one of ${allowed.join(', ')}` }]);
  if (sniffed !== input.content_type) throw validationError([{ field: 'content_type', message: `the file is ${sniffed}, not ${input.content_type}` }]);
  const { sha256, size } = await store.put(bytes);
  const id = newId('doc');
  const row = await tx.one(`INSERT INTO catalog_documents (id, org_id, sha256, content_type, filename, size_bytes) VALUES ($1,$2,$3,$4,$5,$6) RETURNING *`,
    [id, ctx.orgId, sha256, sniffed, input.filename ?? null, size]);
  return { id: row.id, sha256, content_type: sniffed, filename: row.filename, size_bytes: size, url: `/v1/catalog/documents/${id}/content` };
}

export async function addImage(tx: Executor, ctx: AuthContext, store: DocumentStore, productId: string, input: { filename?: string; content_type: string; data_base64: string; alt?: string }) {
  const before = await productRow(tx, ctx.orgId, productId, true);
  const doc = await storeDocument(tx, ctx, store, input, ['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
  const images = [...(before.images ?? []), { document_id: doc.id, sha256: doc.sha256, alt: input.alt ?? null }];
  await tx.query(`UPDATE catalog_products SET images = $2, updated_at = now() WHERE id = $1`, [productId, JSON.stringify(images)]);
  await recordAudit(tx, ctx, { action: 'catalog.product.image_add', entityType: 'product', entityId: productId, before: { images: before.images }, after: { images } });
  await emit(tx, ctx, { type: 'catalog.product.updated', entityType: 'product', entityId: productId, orgId: ctx.orgId, payload: { fields: ['images'] } });
  return doc;
}

export async function readDocument(tx: Executor, ctx: AuthContext, store: DocumentStore, id: string) {
  const row = await tx.maybeOne(`SELECT * FROM catalog_documents WHERE id = $1 AND org_id = $2`, [id, ctx.orgId]);
  if (!row) throw notFound('Document', id);
  return { row, bytes: await store.get(row.sha256) };
}

