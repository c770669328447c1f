import { z } from 'zod';
import {
  encodeBase64,
  encodeEntryBundle,
  parseResourcePath,
  readTileFromStoredHashes,
  tileWidthAt,
  toHex,
} from '../../engines/merkle/index.ts';
import { defineRoute, idParam, type RouteDef } from '../../http/route.ts';
import type { Services } from '../../http/services.ts';
import { badRequest, notFound } from '../../kernel/errors.ts';
import { auditLog, checkpointAt, consistencyProof, dbHashReader, readState, type LogKeys } from './log.ts';
import * as svc from './service.ts';

export const TRACE_STATE = 'trace';
export function logKeys(services: Services): LogKeys {
  const keys = services.state.get(TRACE_STATE) as LogKeys | undefined;
  if (!keys) throw new Error('the trace log is not initialised');
  return keys;
}

const TEXT = 'text/plain; charset=utf-8';
const treeSizeQuery = z.strictObject({ tree_size: z.coerce.number().int().min(1).optional() });
const metaValue = z.union([z.string().max(500), z.number().int().refine(Number.isSafeInteger, 'a safe integer'), z.boolean(), z.null()]);
const publicMetadata = z.record(z.string().min(1).max(60), metaValue).refine((m) => Object.keys(m).length <= 20, 'at most 20 fields');
const jsonDocument = z.record(z.string(), z.unknown());
const country = z.string().regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2 code, e.g. CN');

const recordWithProof = async (services: Services, tx: any, record: ReturnType<typeof svc.publicRecord>, size?: number) =>
  svc.proofForRecord(tx, logKeys(services), record, size);

export const traceRoutes: RouteDef[] = [
  // ---- Public: the log itself -------------------------------------------------------------
  defineRoute({
    method: 'GET', url: '/.well-known/tradelane-log-key', summary: "The log's Ed25519 verifier key (C2SP signed-note format)", tags: ['trace'], auth: 'public', produces: TEXT,
    async handler({ services, reply }) { reply.type(TEXT).header('cache-control', 'public, max-age=3600'); return logKeys(services).verifierKey + '\n'; },
  }),
  defineRoute({
    method: 'GET', url: '/log/checkpoint', summary: 'Latest signed checkpoint (C2SP tlog-checkpoint)', tags: ['trace'], auth: 'public', produces: TEXT,
    async handler({ tx, reply }) { reply.type(TEXT).header('cache-control', 'no-cache'); return (await readState(tx)).checkpoint; },
  }),
  defineRoute({
    method: 'GET', url: '/log/tile/*', summary: 'Tiles and entry bundles (C2SP tlog-tiles), relative to the latest checkpoint', tags: ['trace'], auth: 'public', produces: 'application/octet-stream',
    params: z.object({ '*': z.string().max(200) }),
    async handler({ tx, params, reply }) {
      let parsed;
      try { parsed = parseResourcePath('tile/' + params['*']); } catch (err: any) { throw badRequest(err.message, 'path'); }
      if (parsed.kind === 'checkpoint') throw notFound('Tile');
      const { treeSize } = await readState(tx);
      const index = Number(parsed.index);
      const level = parsed.kind === 'tile' ? parsed.level : 0;
      const available = Number.isSafeInteger(index) ? tileWidthAt(level, index, treeSize) : 0;
      if (available < parsed.width) throw notFound('Tile', params['*']);
      // Full tiles never change: cache them for good; a partial tile is valid at its width forever too.
      reply.type('application/octet-stream').header('cache-control', 'public, max-age=31536000, immutable');
      if (parsed.kind === 'entries') {
        const rows = await tx.query(`SELECT entry FROM trace_records WHERE leaf_index >= $1 AND leaf_index < $2 ORDER BY leaf_index`, [index * 256, index * 256 + parsed.width]);
        return Buffer.from(encodeEntryBundle(rows.map((r) => new TextEncoder().encode(r.entry))));
      }
      return Buffer.from(await readTileFromStoredHashes({ level, index, width: parsed.width }, dbHashReader(tx)));
    },
  }),
  defineRoute({
    method: 'GET', url: '/v1/trace/log', summary: 'Log origin, verifier key, size, root and latest checkpoint', tags: ['trace'], auth: 'public',
    async handler({ tx, services }) {
      const keys = logKeys(services);
      const s = await readState(tx);
      return { origin: keys.origin, verifier_key: keys.verifierKey, tree_size: s.treeSize, root_hex: toHex(s.root), checkpoint: s.checkpoint };
    },
  }),
  defineRoute({
    method: 'GET', url: '/v1/trace/checkpoints', summary: 'Published checkpoints (newest first)', tags: ['trace'], auth: 'public',
    query: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(50), before: z.coerce.number().int().min(1).optional() }),
    async handler({ tx, query }) {
      const rows = await tx.query(`SELECT tree_size, note, created_at FROM trace_checkpoints ${query.before ? 'WHERE tree_size < $1' : ''} ORDER BY tree_size DESC LIMIT ${query.limit}`, query.before ? [query.before] : []);
      return { data: rows.map((r) => ({ tree_size: Number(r.tree_size), checkpoint: r.note, created_at: new Date(r.created_at).toISOString() })) };
    },
  }),
  defineRoute({
    method: 'GET', url: '/v1/trace/records/:id', summary: "A record's public metadata and logged entry", tags: ['trace'], auth: 'public',
    params: z.strictObject({ id: idParam('trl') }),
    handler: ({ tx, params }) => svc.getRecord(tx, params.id),
  }),
  defineRoute({
    method: 'GET', url: '/v1/trace/records/:id/proof', summary: 'Inclusion proof of a record at a tree size (default latest), with checkpoint and tlog-proof bundle', tags: ['trace'], auth: 'public',
    params: z.strictObject({ id: idParam('trl') }), query: treeSizeQuery,
    async handler({ tx, params, query, services }) { return recordWithProof(services, tx, await svc.getRecord(tx, params.id), query.tree_size); },
  }),
  defineRoute({
    method: 'GET', url: '/v1/trace/records/:id/bundle', summary: 'Offline proof bundle (c2sp.org/tlog-proof@v1, extra = the record)', tags: ['trace'], auth: 'public', produces: TEXT,
    params: z.strictObject({ id: idParam('trl') }), query: treeSizeQuery,
    async handler({ tx, params, query, services, reply }) {
      const p = await recordWithProof(services, tx, await svc.getRecord(tx, params.id), query.tree_size);
      if (!p.bundle) throw notFound(`Signed checkpoint of size ${p.tree_size}`);
      reply.type(TEXT);
      return p.bundle;
    },
  }),
  defineRoute({
    method: 'GET', url: '/v1/trace/leaves/:index/proof', summary: 'Inclusion proof by leaf index', tags: ['trace'], auth: 'public',
    params: z.strictObject({ index: z.coerce.number().int().min(0) }), query: treeSizeQuery,
    async handler({ tx, params, query, services }) { return recordWithProof(services, tx, await svc.recordAtLeaf(tx, params.index), query.tree_size); },
  }),
  defineRoute({
    method: 'GET', url: '/v1/trace/consistency', summary: 'Consistency proof between two tree sizes (RFC 9162 §2.1.4)', tags: ['trace'], auth: 'public',
    query: z.strictObject({ from: z.coerce.number().int().min(1), to: z.coerce.number().int().min(1).optional() }),
    async handler({ tx, query }) {
      const to = query.to ?? (await readState(tx)).treeSize;
      const proof = await consistencyProof(tx, query.from, to);
      return { from: query.from, to, proof: proof.map(encodeBase64), from_checkpoint: (await checkpointAt(tx, query.from)) ?? null, to_checkpoint: (await checkpointAt(tx, to)) ?? null };
    },
  }),
  // ---- Public: passports ----------------------------------------------------------------------
  defineRoute({
    method: 'GET', url: '/v1/trace/public/passports/:id', summary: 'Public digital product passport with its verifiable history', tags: ['trace'], auth: 'public',
    params: z.strictObject({ id: idParam('dpp') }),
    handler: ({ tx, params, services }) => svc.publicPassportView(tx, logKeys(services), services.config.publicUrl, { id: params.id }),
  }),
  defineRoute({
    method: 'GET', url: '/v1/trace/public/gtin/:gtin/batch/:batch', summary: 'Public passport by GTIN and batch (GS1 Digital Link resolver)', tags: ['trace'], auth: 'public',
    params: z.strictObject({ gtin: z.string().regex(/^\d{8,14}$/), batch: z.string().min(1).max(20) }),
    handler: ({ tx, params, services }) => svc.publicPassportView(tx, logKeys(services), services.config.publicUrl, { gtin: params.gtin, batch: params.batch }),
  }),
  defineRoute({
    method: 'GET', url: '/v1/trace/public/passports/:id/qr.svg', summary: 'QR code (SVG) of the passport URL', tags: ['trace'], auth: 'public', produces: 'image/svg+xml',
    params: z.strictObject({ id: idParam('dpp') }),
    async handler({ tx, params, services, reply }) { reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400'); return svc.passportQrSvg(tx, services.config.publicUrl, params.id); },
  }),
  // ---- Signed in --------------------------------------------------------------------------------
  defineRoute({
    method: 'POST', url: '/v1/trace/events', summary: 'Log a product lifecycle event (production batch, QC report, certification, …)', tags: ['trace'], auth: 'trace:write', creates: true,
    body: z.strictObject({
      type: z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/, 'like "product.qc.passed"').max(100),
      subject_id: z.string().min(1).max(200),
      content_sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, '64 hex digits').optional(),
      content: z.union([jsonDocument, z.string().max(200_000)]).optional(),
      store_content: z.boolean().default(true),
      public_metadata: publicMetadata.optional(),
    }).refine((b) => b.content !== undefined || b.content_sha256 !== undefined, { message: 'give content or content_sha256', path: ['content'] }),
    async handler({ tx, ctx, body }) {
      return svc.appendRecord(tx, ctx, { type: body.type, subjectId: body.subject_id, contentHash: body.content_sha256, content: body.content, publicMetadata: body.public_metadata, storeContent: body.store_content });
    },
  }),
  defineRoute({
    method: 'GET', url: '/v1/trace/records', summary: "Your organisation's log records", tags: ['trace'], auth: 'trace:read',
    query: z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50), cursor: z.string().max(60).optional(), subject_id: z.string().max(200).optional(), type: z.string().max(100).optional() }),
    handler: ({ tx, ctx, query }) => svc.listRecords(tx, ctx, query),
  }),
  defineRoute({
    method: 'GET', url: '/v1/trace/documents/:sha256', summary: 'A document you logged (to hand to a verifier)', tags: ['trace'], auth: 'trace:read',
    params: z.strictObject({ sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
    async handler({ tx, ctx, params, reply }) { const d = await svc.getDocument(tx, ctx, params.sha256); reply.type(d.media_type); return Buffer.from(d.body); },
  }),
  defineRoute({
    method: 'POST', url: '/v1/trace/passports', summary: 'Issue a digital product passport for a product batch', tags: ['trace'], auth: 'trace:write', creates: true,
    body: z.strictObject({
      gtin: z.string().regex(/^\d{8,14}$/, 'GTIN digits'),
      batch: z.string().regex(/^[!-~]{1,20}$/, 'GS1 batch/lot: 1–20 printable characters'),
      product: z.strictObject({
        name: z.string().trim().min(1).max(200), description: z.string().max(2000).optional(), brand: z.string().max(200).optional(), origin_country: country,
        manufacturer: z.string().max(200).optional(), facility: z.string().max(200).optional(), produced_on: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
        materials: z.array(z.string().max(200)).max(30).optional(),
      }),
      certifications: z.array(z.strictObject({ type: z.string().min(1).max(100), number: z.string().min(1).max(100), issuer: z.string().min(1).max(200), valid_until: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional() })).max(30).optional(),
      subjects: z.array(z.string().min(1).max(200)).max(50).optional(),
    }),
    handler: ({ tx, ctx, body, services }) => svc.createPassport(tx, ctx, services.config.publicUrl, body),
  }),
  defineRoute({
    method: 'GET', url: '/v1/trace/passports', summary: 'Your passports', tags: ['trace'], auth: 'trace:read',
    handler: ({ tx, ctx, services }) => svc.listPassports(tx, ctx, services.config.publicUrl),
  }),
  defineRoute({
    method: 'GET', url: '/v1/trace/passports/:id', summary: 'One of your passports', tags: ['trace'], auth: 'trace:read',
    params: z.strictObject({ id: idParam('dpp') }),
    handler: ({ tx, ctx, params, services }) => svc.getOwnPassport(tx, ctx, services.config.publicUrl, params.id),
  }),
  defineRoute({
    method: 'POST', url: '/v1/trace/passports/:id/subjects', summary: 'Link an order, shipment or certificate id to a passport (its records join the history)', tags: ['trace'], auth: 'trace:write',
    params: z.strictObject({ id: idParam('dpp') }), body: z.strictObject({ subject_id: z.string().min(1).max(200) }),
    handler: ({ tx, ctx, params, body, services }) => svc.linkSubject(tx, ctx, services.config.publicUrl, params.id, body.subject_id),
  }),
  defineRoute({
    method: 'POST', url: '/v1/trace/trademarks', summary: 'Register a trademark or brand authorisation on the log', tags: ['trace'], auth: 'trace:write', creates: true,
    body: z.strictObject({
      mark: z.string().trim().min(1).max(200), office: z.string().min(2).max(20), registration_number: z.string().min(1).max(60),
      classes: z.array(z.number().int().min(1).max(45)).min(1).max(45), gtin_prefixes: z.array(z.string().regex(/^\d{4,13}$/)).max(20).optional(),
      authorised_org_ids: z.array(z.string().regex(/^org_[0-9A-HJKMNP-TV-Z]{26}$/)).max(50).optional(),
    }),
    handler: ({ tx, ctx, body }) => svc.registerTrademark(tx, ctx, body),
  }),
  defineRoute({
    method: 'GET', url: '/v1/trace/trademarks', summary: 'Your registered trademarks', tags: ['trace'], auth: 'trace:read',
    handler: ({ tx, ctx }) => svc.listTrademarks(tx, ctx),
  }),
  defineRoute({
    method: 'GET', url: '/v1/trace/audit', summary: 'Recompute the whole log from its records and compare with storage and checkpoints', tags: ['trace'], auth: 'platform:admin',
    handler: ({ services }) => auditLog(services.db, logKeys(services)),
  }),
];
