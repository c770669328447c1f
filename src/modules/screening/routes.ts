import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import { defineRoute, idParam, type RouteDef } from '../../http/route.ts';
import { badRequest } from '../../kernel/errors.ts';
import { pageQuery } from '../../kernel/pagination.ts';
import { listVersionsOverview } from './lists.ts';
import * as svc from './service.ts';

const tags = ['screening'];
const READ = 'screening:read';
const WRITE = 'screening:write';
const ADMIN = 'screening:admin';

// Names: empty is a validation problem; 1–2 letters or > 300 characters reach the engine and answer "insufficient".
const name = z.string().max(1000).refine((v) => v.trim().length > 0, 'must not be empty');
const identifier = z.union([z.string().min(1).max(100), z.strictObject({ kind: z.string().max(40).optional(), value: z.string().min(1).max(100), country: z.string().max(60).optional() })]);
const partyData = {
  name,
  type: z.enum(svc.PARTY_TYPES).optional(),
  dob: z.string().regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, 'YYYY, YYYY-MM or YYYY-MM-DD').nullable().optional(),
  countries: z.array(z.string().min(2).max(60)).max(20).optional(),
  identifiers: z.array(identifier).max(20).optional(),
};
const checkInput = z.strictObject(partyData);
const partyInput = z.strictObject({ ...partyData, role: z.enum(svc.PARTY_ROLES), reference: z.string().max(200).nullable().optional(), owner_of: idParam('pty').nullable().optional() });
const partyPatch = partyInput.partial();

const MAX_BATCH = 1000;

/** CSV columns: name, type, dob, countries (separated by ;), identifiers (separated by ;). */
function rowsFromCsv(csv: string): { row: number; data?: svc.PartyData; error?: string }[] {
  let records: Record<string, string>[];
  try {
    records = parseCsv(csv.replace(/^\uFEFF/, ''), { columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()), skip_empty_lines: true, relax_column_count: true, trim: true });
  } catch (err: any) {
    throw badRequest(`CSV could not be read: ${err.message}`, 'csv');
  }
  if (records.length > MAX_BATCH) throw badRequest(`at most ${MAX_BATCH} rows per batch`, 'csv');
  return records.map((r, i) => toRow(i + 1, {
    name: r.name ?? '',
    type: r.type || undefined,
    dob: r.dob || r.date_of_birth || undefined,
    countries: (r.countries ?? r.country ?? '').split(/[;|]/).map((c) => c.trim()).filter(Boolean),
    identifiers: (r.identifiers ?? r.identifier ?? '').split(/[;|]/).map((c) => c.trim()).filter(Boolean),
  }));
}

function toRow(row: number, raw: unknown): { row: number; data?: svc.PartyData; error?: string } {
  const parsed = checkInput.safeParse(raw);
  if (parsed.success) return { row, data: parsed.data };
  return { row, error: parsed.error.issues.map((i) => `${i.path.join('.') || 'row'}: ${i.message}`).join('; ') };
}

export const screeningRoutes: RouteDef[] = [
  defineRoute({
    method: 'POST', url: '/v1/screening/checks', summary: 'Screen one name (with optional type, DOB, countries, identifiers) against the current lists', tags, auth: WRITE,
    body: checkInput,
    handler: ({ tx, ctx, body, services }) => svc.check(tx, services, ctx, body),
  }),
  defineRoute({
    method: 'POST', url: '/v1/screening/checks/batch', summary: 'Screen many names: rows as JSON or a CSV (name,type,dob,countries,identifiers); results per row', tags, auth: WRITE,
    body: z.strictObject({ rows: z.array(z.unknown()).max(MAX_BATCH).optional(), csv: z.string().max(2_000_000).optional() }).refine((b) => !!b.rows !== !!b.csv, 'give either rows or csv'),
    handler: ({ tx, ctx, body, services }) => {
      const rows = body.csv !== undefined ? rowsFromCsv(body.csv) : body.rows!.map((r, i) => toRow(i + 1, r));
      return svc.checkBatch(tx, services, ctx, rows);
    },
  }),
  defineRoute({
    method: 'GET', url: '/v1/screening/checks/:id', summary: 'A recorded screening (names the list versions it used)', tags, auth: READ,
    params: z.strictObject({ id: idParam('scr') }),
    handler: ({ tx, ctx, params }) => svc.getScreening(tx, ctx, params.id),
  }),
  defineRoute({
    method: 'GET', url: '/v1/screening/lists', summary: 'Sanctions lists with their versions and publication dates (a stale list is flagged)', tags, auth: READ,
    handler: async ({ tx }) => ({ data: await listVersionsOverview(tx) }),
  }),
  defineRoute({
    method: 'GET', url: '/v1/screening/settings', summary: 'Hold and block thresholds of the organisation', tags, auth: READ,
    handler: async ({ tx, ctx }) => svc.thresholdsView(await svc.getThresholds(tx, ctx.orgId)),
  }),
  defineRoute({
    method: 'PUT', url: '/v1/screening/settings', summary: 'Set the hold and block thresholds (scores 0–1)', tags, auth: ADMIN,
    body: z.strictObject({ hold_threshold: z.number().min(0.5).max(1), block_threshold: z.number().min(0.5).max(1.2) }),
    handler: ({ tx, ctx, body }) => svc.setThresholds(tx, ctx, body),
  }),
  // ---------------------------------------------------------------- parties
  defineRoute({
    method: 'GET', url: '/v1/screening/parties', summary: 'Parties with their screening status', tags, auth: READ,
    query: pageQuery.extend({ status: z.enum(['pending', 'clear', 'review', 'hold', 'block', 'insufficient', 'error']).optional(), role: z.enum(svc.PARTY_ROLES).optional(), q: z.string().max(200).optional(), archived: z.enum(['true', 'false']).transform((v) => v === 'true').optional() }),
    handler: ({ tx, ctx, query }) => svc.listParties(tx, ctx, query),
  }),
  defineRoute({
    method: 'POST', url: '/v1/screening/parties', summary: 'Create a party (buyer, consignee, supplier, carrier, … beneficial owner) and screen it', tags, auth: WRITE, creates: true,
    body: partyInput,
    handler: ({ tx, ctx, body, services }) => svc.createParty(tx, services, ctx, body),
  }),
  defineRoute({
    method: 'GET', url: '/v1/screening/parties/:id', summary: 'A party with its last screening, review items and beneficial owners', tags, auth: READ,
    params: z.strictObject({ id: idParam('pty') }),
    handler: ({ tx, ctx, params }) => svc.getParty(tx, ctx, params.id),
  }),
  defineRoute({
    method: 'PATCH', url: '/v1/screening/parties/:id', summary: 'Change a party; screened again when its screened data changed', tags, auth: WRITE,
    params: z.strictObject({ id: idParam('pty') }),
    body: partyPatch,
    handler: ({ tx, ctx, params, body, services }) => svc.updateParty(tx, services, ctx, params.id, body),
  }),
  defineRoute({
    method: 'DELETE', url: '/v1/screening/parties/:id', summary: 'Archive a party (its open review items are closed)', tags, auth: WRITE,
    params: z.strictObject({ id: idParam('pty') }),
    handler: ({ tx, ctx, params }) => svc.archiveParty(tx, ctx, params.id),
  }),
  defineRoute({
    method: 'GET', url: '/v1/screening/parties/:id/screenings', summary: 'Screening history of a party', tags, auth: READ,
    params: z.strictObject({ id: idParam('pty') }),
    query: pageQuery,
    handler: ({ tx, ctx, params, query }) => svc.partyHistory(tx, ctx, params.id, query),
  }),
  // ---------------------------------------------------------------- review queue
  defineRoute({
    method: 'GET', url: '/v1/screening/reviews', summary: 'Review queue: potential matches (open by default)', tags, auth: READ,
    query: pageQuery.extend({ status: z.enum(['open', 'false_positive', 'confirmed_match', 'superseded']).optional(), party_id: idParam('pty').optional() }),
    handler: ({ tx, ctx, query }) => svc.listReviews(tx, ctx, query),
  }),
  defineRoute({
    method: 'GET', url: '/v1/screening/reviews/:id', summary: 'A review item with the side-by-side comparison (party vs list entry)', tags, auth: READ,
    params: z.strictObject({ id: idParam('srv') }),
    handler: ({ tx, ctx, params }) => svc.getReview(tx, ctx, params.id),
  }),
  defineRoute({
    method: 'POST', url: '/v1/screening/reviews/:id/decision', summary: 'Decide a review item: false_positive (suppressed until party or entry changes) or confirmed_match (blocks)', tags, auth: ADMIN,
    params: z.strictObject({ id: idParam('srv') }),
    body: z.strictObject({ decision: z.enum(['false_positive', 'confirmed_match']), reason: z.string().trim().min(3).max(2000) }),
    handler: ({ tx, ctx, params, body }) => svc.decideReview(tx, ctx, params.id, body),
  }),
];
