import { z } from 'zod';
import { defineRoute, idParam, type RouteDef } from '../../http/route.ts';
import type { Services } from '../../http/services.ts';
import { AppError, validationError } from '../../kernel/errors.ts';
import { pageQuery } from '../../kernel/pagination.ts';
import * as compliance from './compliance.ts';
import { ENCODINGS, exportCsv, importCsv } from './csv.ts';
import { marketCodes, marketRules } from './data.ts';
import { LocalDocumentStore, type DocumentStore } from './documents.ts';
import { productInput, productPatch, skuInput, skuPatch } from './model.ts';
import * as svc from './service.ts';
import { join } from 'node:path';

const tags = ['catalog'];
const READ = 'catalog:read';
const WRITE = 'catalog:write';

/** The document store of this process: <dataDir>/documents (kept in services.state). */
export function documentStore(s: Services): DocumentStore {
  let store = s.state.get('catalog.documents') as DocumentStore | undefined;
  if (!store) {
    store = new LocalDocumentStore(join(s.config.dataDir, 'documents'));
    s.state.set('catalog.documents', store);
  }
  return store;
}

const fileInput = z.strictObject({
  filename: z.string().max(200).optional(),
  content_type: z.string().max(100),
  data_base64: z.string().min(1).max(1_000_000),
});
const market = z.string().regex(/^[A-Za-z]{2}$/, 'a market code such as EU, GB, US');
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');

export const catalogRoutes: RouteDef[] = [
  // ---------------------------------------------------------------- products
  defineRoute({
    method: 'GET', url: '/v1/catalog/products', summary: 'Products with their SKUs and listing statuses; search and filters', tags, auth: READ,
    query: pageQuery.extend({
      q: z.string().max(200).optional(),
      status: z.enum(['active', 'archived']).optional(),
      brand: z.string().max(200).optional(),
      hs_prefix: z.string().regex(/^\d{1,10}$/).optional(),
      market: z.string().regex(/^[A-Z]{2}$/).optional(),
      listing_status: z.enum(['allowed', 'allowed_with_conditions', 'blocked', 'not_listed']).optional(),
      missing_hs: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
    }),
    handler: ({ tx, ctx, query }) => svc.listProducts(tx, ctx, query),
  }),
  defineRoute({
    method: 'POST', url: '/v1/catalog/products', summary: 'Create a product with its SKUs (content per BCP 47 locale; en title required)', tags, auth: WRITE, creates: true,
    body: productInput,
    handler: ({ tx, ctx, body }) => svc.createProduct(tx, ctx, body),
  }),
  defineRoute({
    method: 'GET', url: '/v1/catalog/products/:id', summary: 'A product with SKUs, listings and certificates', tags, auth: READ,
    params: z.strictObject({ id: idParam('prod') }),
    handler: ({ tx, ctx, params }) => svc.getProduct(tx, ctx, params.id),
  }),
  defineRoute({
    method: 'PATCH', url: '/v1/catalog/products/:id', summary: 'Change a product (content, attributes, compliance flags …); listings are re-checked', tags, auth: WRITE,
    params: z.strictObject({ id: idParam('prod') }),
    body: productPatch,
    handler: ({ tx, ctx, params, body }) => svc.updateProduct(tx, ctx, params.id, body),
  }),
  defineRoute({
    method: 'DELETE', url: '/v1/catalog/products/:id', summary: 'Archive a product (its listings are withdrawn)', tags, auth: WRITE,
    params: z.strictObject({ id: idParam('prod') }),
    handler: ({ tx, ctx, params }) => svc.archiveProduct(tx, ctx, params.id),
  }),
  defineRoute({
    method: 'POST', url: '/v1/catalog/products/:id/skus', summary: 'Add a SKU (variant) to a product', tags, auth: WRITE, creates: true,
    params: z.strictObject({ id: idParam('prod') }),
    body: skuInput,
    handler: ({ tx, ctx, params, body }) => svc.addSku(tx, ctx, params.id, body),
  }),
  defineRoute({
    method: 'PATCH', url: '/v1/catalog/skus/:id', summary: 'Change a SKU (HS code, national codes, weight, dimensions, prices …)', tags, auth: WRITE,
    params: z.strictObject({ id: idParam('sku') }),
    body: skuPatch,
    handler: ({ tx, ctx, params, body }) => svc.updateSku(tx, ctx, params.id, body),
  }),
  defineRoute({
    method: 'DELETE', url: '/v1/catalog/skus/:id', summary: 'Archive a SKU', tags, auth: WRITE,
    params: z.strictObject({ id: idParam('sku') }),
    async handler({ tx, ctx, params }) { await svc.archiveSku(tx, ctx, params.id); return { ok: true }; },
  }),
  defineRoute({
    method: 'POST', url: '/v1/catalog/skus/:id/hs-confirmation', summary: 'Confirm the HS code of a SKU (from an assistant suggestion or typed); audited with the suggestion', tags, auth: WRITE,
    params: z.strictObject({ id: idParam('sku') }),
    body: z.strictObject({ hs_code: z.string().min(2).max(20), classification_id: idParam('cls').optional(), national_codes: z.record(z.string().regex(/^[A-Z]{2}$/), z.string().max(20)).optional() }),
    handler: ({ tx, ctx, params, body }) => svc.confirmHs(tx, ctx, params.id, body),
  }),

  // ---------------------------------------------------------------- images and documents
  defineRoute({
    method: 'POST', url: '/v1/catalog/products/:id/images', summary: 'Add an image (PNG, JPEG, GIF, WebP; base64); stored content-addressed', tags, auth: WRITE, creates: true,
    params: z.strictObject({ id: idParam('prod') }),
    body: fileInput.extend({ alt: z.string().max(300).optional() }),
    handler: ({ tx, ctx, params, body, services }) => svc.addImage(tx, ctx, documentStore(services), params.id, body),
  }),
  defineRoute({
    method: 'GET', url: '/v1/catalog/documents/:id/content', summary: 'The bytes of an image or certificate document', tags, auth: READ, produces: 'application/octet-stream',
    params: z.strictObject({ id: idParam('doc') }),
    async handler({ tx, ctx, params, services, reply }) {
      const { row, bytes } = await svc.readDocument(tx, ctx, documentStore(services), params.id);
      reply.header('content-type', row.content_type).header('etag', `"${row.sha256}"`).header('cache-control', 'private, max-age=31536000, immutable')
        .header('x-content-type-options', 'nosniff').header('content-disposition', `inline; filename="${String(row.filename ?? row.id).replace(/[^\w.\-]/g, '_')}"`);
      return reply.send(bytes);
    },
  }),

  // ---------------------------------------------------------------- HS
  defineRoute({
    method: 'GET', url: '/v1/catalog/hs', summary: 'Browse the HS 2022 tree by prefix ("" → chapters, "85" → headings, "8517" → subheadings)', tags, auth: READ,
    query: z.strictObject({ prefix: z.string().max(10).default('') }),
    handler: async ({ query }) => svc.browse(query.prefix),
  }),
  defineRoute({
    method: 'GET', url: '/v1/catalog/hs/search', summary: 'Search the HS nomenclature by words (en or zh) or code digits', tags, auth: READ,
    query: z.strictObject({ q: z.string().trim().min(1).max(300), limit: z.coerce.number().int().min(1).max(50).default(20) }),
    handler: async ({ query }) => svc.search(query.q, query.limit),
  }),
  defineRoute({
    method: 'POST', url: '/v1/catalog/classify', summary: 'Classification assistant: ranked HS suggestions with matched words and legal text', tags, auth: READ, creates: true,
    body: z.strictObject({ title: z.string().trim().min(1).max(500), description: z.string().max(5000).optional(), limit: z.number().int().min(1).max(10).optional() }),
    handler: ({ tx, ctx, body }) => svc.classify(tx, ctx, body),
  }),
  defineRoute({
    method: 'GET', url: '/v1/catalog/compliance-suggestions', summary: 'Compliance flags an HS code usually implies (radio equipment, lithium battery …), to confirm', tags, auth: READ,
    query: z.strictObject({ hs_code: z.string().min(2).max(20) }),
    handler: async ({ query }) => svc.attributeSuggestions(query.hs_code),
  }),

  // ---------------------------------------------------------------- market access
  defineRoute({
    method: 'GET', url: '/v1/catalog/markets', summary: 'Markets with market-access rules, their rule-set versions and labelling languages', tags, auth: READ,
    handler: async () => ({
      data: marketRules().filter((s) => s.market !== '*').map((s) => ({ market: s.market, name: s.name, version: s.version, as_of: s.as_of, labelling: s.labelling ?? null, rules: s.rules.length })),
    }),
  }),
  defineRoute({
    method: 'POST', url: '/v1/catalog/products/:id/listings', summary: 'List a product for a market: runs the market-access check and stores the result', tags, auth: WRITE, creates: true,
    params: z.strictObject({ id: idParam('prod') }),
    body: z.strictObject({ market, date: date.optional() }),
    handler: ({ tx, ctx, params, body }) => compliance.listProduct(tx, ctx, params.id, body.market, body.date),
  }),
  defineRoute({
    method: 'POST', url: '/v1/catalog/listings/:id/check', summary: 'Run a listing\'s market-access check again', tags, auth: WRITE,
    params: z.strictObject({ id: idParam('lst') }),
    handler: ({ tx, ctx, params }) => compliance.recheckListing(tx, ctx, params.id),
  }),
  defineRoute({
    method: 'DELETE', url: '/v1/catalog/listings/:id', summary: 'Withdraw a listing', tags, auth: WRITE,
    params: z.strictObject({ id: idParam('lst') }),
    handler: ({ tx, ctx, params }) => compliance.withdrawListing(tx, ctx, params.id),
  }),
  defineRoute({
    method: 'GET', url: '/v1/catalog/compliance-matrix', summary: 'Products × markets: the stored status of each listing', tags, auth: READ,
    handler: ({ tx, ctx }) => compliance.complianceMatrix(tx, ctx),
  }),
  defineRoute({
    method: 'POST', url: '/v1/catalog/check', summary: 'Check SKUs for a market without listing (what the order hub asks before accepting or shipping)', tags, auth: READ,
    body: z.strictObject({ skus: z.array(z.string().min(1).max(64)).min(1).max(500), market, date: date.optional() }),
    handler: ({ tx, ctx, body }) => compliance.checkSkusForMarket(tx, ctx.orgId, body.skus, body.market, body.date ? new Date(body.date + 'T12:00:00Z') : undefined),
  }),

  // ---------------------------------------------------------------- certificates
  defineRoute({
    method: 'GET', url: '/v1/catalog/products/:id/certificates', summary: 'Certificates attached to a product', tags, auth: READ,
    params: z.strictObject({ id: idParam('prod') }),
    async handler({ tx, ctx, params }) { return { data: await compliance.listCertificates(tx, ctx, params.id) }; },
  }),
  defineRoute({
    method: 'POST', url: '/v1/catalog/products/:id/certificates', summary: 'Attach a certificate (type, issuer, number, scope, markets, expiry; optional PDF/image document)', tags, auth: WRITE, creates: true,
    params: z.strictObject({ id: idParam('prod') }),
    body: z.strictObject({
      type: z.string().trim().regex(/^[A-Z0-9_]{2,60}$/, 'a certificate type such as EU_DECLARATION_OF_CONFORMITY'),
      issuer: z.string().trim().min(1).max(200),
      number: z.string().trim().min(1).max(100),
      scope: z.string().max(1000).optional(),
      markets: z.array(market).max(20).optional(),
      hs_prefixes: z.array(z.string().regex(/^\d{2,10}$/)).max(50).optional(),
      issued_at: date.optional(),
      expiry: date.nullable().optional(),
      document: fileInput.optional(),
    }),
    handler: ({ tx, ctx, params, body, services }) => compliance.addCertificate(tx, ctx, documentStore(services), params.id, body),
  }),
  defineRoute({
    method: 'DELETE', url: '/v1/catalog/certificates/:id', summary: 'Remove a certificate (listings are re-checked)', tags, auth: WRITE,
    params: z.strictObject({ id: idParam('cert') }),
    async handler({ tx, ctx, params }) { await compliance.revokeCertificate(tx, ctx, params.id); return { ok: true }; },
  }),

  // ---------------------------------------------------------------- CSV
  defineRoute({
    method: 'POST', url: '/v1/catalog/imports', summary: 'Import products from CSV (text/csv bytes, or JSON {csv}); dry_run reports every bad row; all-or-nothing by default', tags, auth: WRITE, rawBody: true,
    query: z.strictObject({
      dry_run: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
      mode: z.enum(['all_or_nothing', 'partial']).default('all_or_nothing'),
      encoding: z.enum(ENCODINGS).default('auto'),
    }),
    async handler({ tx, ctx, query, body, reply }) {
      let bytes: Buffer;
      if (Buffer.isBuffer(body)) bytes = body;
      else if (body && typeof body === 'object' && typeof (body as any).csv === 'string') bytes = Buffer.from((body as any).csv, 'utf8');
      else if (body && typeof body === 'object' && typeof (body as any).csv_base64 === 'string') bytes = Buffer.from((body as any).csv_base64, 'base64');
      else throw validationError([{ field: 'csv', message: 'send the file as text/csv, or JSON {"csv": "..."} / {"csv_base64": "..."}' }]);
      const report = await importCsv(tx, ctx, bytes, { dryRun: query.dry_run, mode: query.mode, encoding: query.encoding });
      if (!query.dry_run && !report.applied) {
        throw new AppError('import_rejected', 422, `The import was not applied: ${report.errors.length} problem${report.errors.length === 1 ? '' : 's'} (first on line ${report.errors[0]?.line})`, [], { report });
      }
      reply.code(query.dry_run ? 200 : 201);
      return report;
    },
  }),
  defineRoute({
    method: 'GET', url: '/v1/catalog/export', summary: 'Export the catalogue as CSV (one row per SKU; the import reads it back)', tags, auth: READ, produces: 'text/csv',
    async handler({ tx, ctx, reply }) {
      const csv = await exportCsv(tx, ctx);
      reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="catalogue-${new Date().toISOString().slice(0, 10)}.csv"`);
      return reply.send(csv);
    },
  }),
];

export { marketCodes };
