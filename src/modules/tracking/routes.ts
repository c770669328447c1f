import { z } from 'zod';
import { defineRoute, idParam, type RouteDef } from '../../http/route.ts';
import { AppError, notFound } from '../../kernel/errors.ts';
import { RULE_IDS } from '../../engines/exceptions/index.ts';
import * as contracts from './contracts.ts';
import * as exc from './exceptions.ts';
import * as feeds from './feeds.ts';
import { CARRIER_FORMATS, ingestEvents, ingestIot, evaluateShipment, normaliseInputs, mapCarrierPayload, parseCsv } from './ingest.ts';
import { publicTracking } from './public.ts';
import { providerReliability, scorecards } from './scorecards.ts';
import * as shipments from './shipments.ts';

const country = z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code');
const currency = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');
const orgId = z.string().regex(/^org_[0-9A-HJKMNP-TV-Z]{26}$/, 'an organisation id');
const minor = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const carrier = z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,49}$/, 'a carrier id like "ups", "dhl_universal"');
const page = { limit: z.coerce.number().int().min(1).max(500).default(50), cursor: z.string().max(100).optional() };
const range = z.strictObject({ min: z.number().min(-90).max(90), max: z.number().min(-90).max(100) }).refine((r) => r.min <= r.max, 'min must not exceed max');
const handling = z.strictObject({ temperatureC: range.optional(), humidityPct: range.optional(), shockG: z.number().positive().max(500).optional() });
const transit = z.strictObject({ minDays: z.number().int().min(0), typicalDays: z.number().int().min(0), maxDays: z.number().int().min(0) });

const eventInput = z.strictObject({
  tracking_number: z.string().min(1).max(60),
  carrier,
  occurred_at: z.string().max(40),
  status_code: z.string().min(1).max(60),
  description: z.string().max(500),
  status: z.string().max(30).optional(),
  stage: z.string().max(30).optional(),
  customs: z.string().max(20).optional(),
  reason: z.string().max(60).optional(),
  location: z.strictObject({ code: z.string().max(20).optional(), city: z.string().max(120).optional(), region: z.string().max(120).optional(), postcode: z.string().max(20).optional(), country: country.optional(), lat: z.number().min(-90).max(90).optional(), lon: z.number().min(-180).max(180).optional() }).optional(),
});

const terms = z.strictObject({
  currency,
  promisedTransitDays: z.number().int().min(1).max(365),
  breachThresholdDays: z.number().int().min(0).max(365).default(0),
  penalty: z.strictObject({ fixedMinor: minor.optional(), perDayLateMinor: minor.optional(), percentOfFreightBp: z.number().int().min(0).max(10_000).optional(), capMinor: minor.optional(), capPercentOfFreightBp: z.number().int().min(0).max(10_000).optional() }),
  exclusions: z.strictObject({ sellerCustomsHolds: z.boolean().default(true), forceMajeure: z.boolean().default(true) }).default({ sellerCustomsHolds: true, forceMajeure: true }),
  milestones: z.array(z.strictObject({ stage: z.enum(['factory_pickup', 'export_customs', 'departure', 'arrival', 'import_customs', 'warehouse_receipt', 'last_mile']), percentBp: z.number().int().min(0).max(10_000), label: z.string().max(100).optional() })).max(10).default([]),
});
const tariff = z.strictObject({ currency, demurrage: z.strictObject({ freeDays: z.number().int().min(0).max(60), perDayMinor: minor }), detention: z.strictObject({ freeDays: z.number().int().min(0).max(60), perDayMinor: minor }).nullable().default(null) });

const tags = ['tracking'];

export const trackingRoutes: RouteDef[] = [
  // ---------------------------------------------------------------- shipments
  defineRoute({
    method: 'GET', url: '/v1/tracking/shipments', summary: 'Shipments you own or are a party to, with status filters', tags, auth: 'tracking:read',
    query: z.strictObject({ ...page, status: z.string().max(30).optional(), carrier: carrier.optional(), tracking_number: z.string().max(60).optional(), role: z.enum(['owner', 'party']).optional(), has_exception: z.coerce.boolean().optional() }),
    handler: ({ tx, ctx, query }) => shipments.listShipments(tx, ctx, query),
  }),
  defineRoute({
    method: 'POST', url: '/v1/tracking/shipments', summary: 'Track a shipment (carrier + tracking number, or a booking); parties get record grants', tags, auth: 'tracking:write', creates: true,
    body: z.strictObject({
      carrier: carrier.optional(), tracking_number: z.string().min(1).max(60).optional(), booking_id: idParam('bkg').optional(), order_id: z.string().max(100).optional(), lane_id: idParam('lan').optional(),
      carrier_org_id: orgId.optional(), warehouse_org_id: orgId.optional(), broker_org_id: orgId.optional(), buyer_org_id: orgId.optional(),
      buyer_email: z.string().email().max(200).optional(), seller_email: z.string().email().max(200).optional(),
      origin_country: country.optional(), destination_country: country.optional(), destination_postcode: z.string().max(20).optional(),
      ship_date: isoDate.optional(), promised_delivery_date: isoDate.optional(), freight_minor: minor.optional(), freight_currency: currency.optional(),
      handling: handling.optional(), mode: z.string().max(30).optional(), transit: transit.optional(),
    }),
    handler: ({ tx, ctx, body }) => shipments.createShipment(tx, ctx, body),
  }),
  defineRoute({
    method: 'GET', url: '/v1/tracking/shipments/:id', summary: 'A shipment with its timeline (raw carrier status kept verbatim) and exceptions', tags, auth: 'tracking:read',
    params: z.strictObject({ id: idParam('shp') }),
    handler: ({ tx, ctx, params }) => shipments.getShipment(tx, ctx, params.id),
  }),
  defineRoute({
    method: 'POST', url: '/v1/tracking/shipments/:id/force-majeure', summary: 'Operator: flag force majeure (SLA exclusion)', tags, auth: 'tracking:admin',
    params: z.strictObject({ id: idParam('shp') }),
    body: z.strictObject({ force_majeure: z.boolean(), note: z.string().max(1000).optional() }),
    handler: ({ tx, ctx, params, body }) => shipments.setForceMajeure(tx, ctx, params.id, body.force_majeure, body.note),
  }),
  defineRoute({
    method: 'POST', url: '/v1/tracking/shipments/:id/iot', summary: 'IoT readings (GPS, temperature, humidity, shock) for a shipment; excursions raise exceptions', tags, auth: 'tracking:write', creates: true,
    params: z.strictObject({ id: idParam('shp') }),
    body: z.strictObject({ readings: z.array(z.unknown()).min(1).max(5000) }),
    async handler({ tx, ctx, params, body, services }) {
      const shp = await shipments.loadShipment(tx, ctx, params.id, 'write');
      return ingestIot(tx, services, shp, body.readings);
    },
  }),
  defineRoute({
    method: 'GET', url: '/v1/tracking/shipments/:id/iot', summary: 'IoT readings of a shipment', tags, auth: 'tracking:read',
    params: z.strictObject({ id: idParam('shp') }),
    query: z.strictObject({ kind: z.enum(['gps', 'temperature', 'humidity', 'shock']).optional(), limit: z.coerce.number().int().min(1).max(5000).default(1000) }),
    async handler({ tx, ctx, params, query }) {
      await shipments.loadShipment(tx, ctx, params.id);
      const rows = await tx.query(`SELECT device_id, kind, recorded_at, value FROM tracking_iot_readings WHERE shipment_id = $1 ${query.kind ? 'AND kind = $2' : ''} ORDER BY recorded_at LIMIT ${query.limit}`, query.kind ? [params.id, query.kind] : [params.id]);
      const shp = await tx.one(`SELECT handling FROM tracking_shipments WHERE id = $1`, [params.id]);
      return { handling: shp.handling, data: rows };
    },
  }),
  defineRoute({
    method: 'POST', url: '/v1/tracking/shipments/:id/evaluate', summary: 'Evaluate the exception rules for the shipment now', tags, auth: 'tracking:write',
    params: z.strictObject({ id: idParam('shp') }),
    async handler({ tx, ctx, params, services }) {
      const shp = await shipments.loadShipment(tx, ctx, params.id, 'write');
      return { exceptions_opened: await evaluateShipment(tx, services, shp, new Date().toISOString()) };
    },
  }),

  // ---------------------------------------------------------------- ingest
  defineRoute({
    method: 'POST', url: '/v1/tracking/events', summary: 'Push normalised tracking events (batch, up to 5000); rules evaluated in the same transaction', tags, auth: 'tracking:write', creates: true,
    body: z.strictObject({ events: z.array(eventInput).min(1).max(5000) }),
    async handler({ tx, ctx, body, services }) {
      const n = normaliseInputs(services, body.events);
      return ingestEvents(tx, ctx, services, n.events, 'api', { warnings: n.warnings });
    },
  }),
  defineRoute({
    method: 'POST', url: '/v1/tracking/carriers/:format', summary: 'Post a carrier tracking payload (DHL, UPS, UPS Track Alert, FedEx, USPS, Karrio) — mapped by the carriers engine', tags, auth: 'tracking:write', creates: true, rawBody: true,
    params: z.strictObject({ format: z.enum(CARRIER_FORMATS) }),
    async handler({ tx, ctx, params, body, services }) {
      if (typeof body !== 'object' || body === null || Buffer.isBuffer(body)) throw new AppError('validation', 400, 'Send the carrier payload as application/json');
      const m = mapCarrierPayload(services, params.format, body);
      return { ...(await ingestEvents(tx, ctx, services, m.events, 'carrier_payload', { infos: m.shipments, warnings: m.warnings })), failures: m.failures };
    },
  }),
  defineRoute({
    method: 'POST', url: '/v1/tracking/events/csv', summary: 'Upload tracking events as CSV (all or nothing; errors by line)', tags, auth: 'tracking:write', creates: true, rawBody: true,
    async handler({ tx, ctx, req, services }) {
      const parsed = parseCsv(services, (req.rawBody ?? Buffer.alloc(0)).toString('utf8'));
      if (!parsed.ok) throw new AppError('invalid_csv', 422, `The CSV has ${parsed.errors.length} error(s); nothing was stored`, parsed.errors.map((e) => ({ field: `line ${e.line ?? '?'}: ${e.path}`, message: e.message })));
      return ingestEvents(tx, ctx, services, parsed.events, 'csv', { warnings: parsed.warnings });
    },
  }),
  defineRoute({
    method: 'GET', url: '/v1/tracking/feeds', summary: 'Your signed push endpoints', tags, auth: 'tracking:read',
    handler: ({ tx, ctx, services }) => feeds.listFeeds(tx, ctx, services),
  }),
  defineRoute({
    method: 'POST', url: '/v1/tracking/feeds', summary: 'Create a signed push endpoint (secret shown once)', tags, auth: 'tracking:admin', creates: true,
    body: z.strictObject({ name: z.string().min(1).max(200), carrier, format: z.enum(feeds.FEED_FORMATS) }),
    handler: ({ tx, ctx, body, services }) => feeds.createFeed(tx, ctx, services, body),
  }),
  defineRoute({
    method: 'DELETE', url: '/v1/tracking/feeds/:id', summary: 'Disable a push endpoint', tags, auth: 'tracking:admin',
    params: z.strictObject({ id: idParam('trf') }),
    handler: ({ tx, ctx, params, services }) => feeds.disableFeed(tx, ctx, services, params.id),
  }),
  defineRoute({
    method: 'POST', url: '/v1/tracking/feeds/:id/events', summary: 'Provider push (Tradelane-Signature HMAC over the raw body); JSON per the feed format or text/csv', tags, auth: 'public', rawBody: true,
    params: z.strictObject({ id: idParam('trf') }),
    handler: ({ tx, params, req, body, services }) => feeds.receiveFeed(tx, services, params.id, req.headers as Record<string, unknown>, Buffer.isBuffer(body) ? undefined : body, req.rawBody),
  }),
  defineRoute({
    method: 'GET', url: '/v1/tracking/poll-sources', summary: 'Polling sources', tags, auth: 'tracking:read',
    handler: ({ tx, ctx }) => feeds.listPollSources(tx, ctx),
  }),
  defineRoute({
    method: 'POST', url: '/v1/tracking/poll-sources', summary: 'Poll a URL for a carrier\'s tracking payloads every N minutes', tags, auth: 'tracking:admin', creates: true,
    body: z.strictObject({ carrier, format: z.enum(['tradelane', 'dhl', 'ups', 'ups_track_alert', 'fedex', 'usps', 'karrio']), url: z.string().url().max(2000).refine((u) => /^https?:\/\//.test(u), 'an http(s) URL'), interval_minutes: z.number().int().min(5).max(1440).default(30) }),
    handler: ({ tx, ctx, body }) => feeds.createPollSource(tx, ctx, body),
  }),
  defineRoute({
    method: 'DELETE', url: '/v1/tracking/poll-sources/:id', summary: 'Stop polling', tags, auth: 'tracking:admin',
    params: z.strictObject({ id: idParam('tps') }),
    handler: ({ tx, ctx, params }) => feeds.disablePollSource(tx, ctx, params.id),
  }),
  defineRoute({
    method: 'POST', url: '/v1/tracking/poll-sources/:id/run', summary: 'Poll now', tags, auth: 'tracking:admin',
    params: z.strictObject({ id: idParam('tps') }),
    async handler({ tx, ctx, params, services }) {
      const own = await tx.maybeOne(`SELECT id FROM tracking_poll_sources WHERE id = $1 AND org_id = $2`, [params.id, ctx.orgId]);
      if (!own) throw notFound('Poll source', params.id);
      return feeds.pollOnce(services, params.id, undefined, ctx.orgKind, tx);
    },
  }),
  defineRoute({
    method: 'GET', url: '/v1/tracking/public/:tracking_number', summary: 'Public tracking page data: tracking number + destination postcode', tags, auth: 'public',
    params: z.strictObject({ tracking_number: z.string().min(1).max(60) }),
    query: z.strictObject({ postcode: z.string().min(1).max(20) }),
    handler: ({ tx, params, query }) => publicTracking(tx, params.tracking_number, query.postcode),
  }),

  // ---------------------------------------------------------------- exceptions
  defineRoute({
    method: 'GET', url: '/v1/exceptions', summary: 'Exception queue (shipments you own or are a party to)', tags: ['exceptions'], auth: 'tracking:read',
    query: z.strictObject({ ...page, status: z.enum(['open', 'acknowledged', 'resolved', 'dismissed']).optional(), rule: z.enum(RULE_IDS).optional(), shipment_id: idParam('shp').optional(), mine: z.coerce.boolean().optional() }),
    handler: ({ tx, ctx, query }) => exc.listExceptions(tx, ctx, query),
  }),
  defineRoute({
    method: 'GET', url: '/v1/exceptions/settings', summary: 'Your exception rule settings (defaults from data/tracking)', tags: ['exceptions'], auth: 'tracking:read',
    handler: ({ tx, ctx, services }) => exc.getSettings(tx, ctx, services),
  }),
  defineRoute({
    method: 'PUT', url: '/v1/exceptions/settings', summary: 'Configure the exception rules for your shipments', tags: ['exceptions'], auth: 'tracking:admin',
    body: z.strictObject({ disabled: z.array(z.enum(RULE_IDS)).max(20).optional(), dwellHours: z.number().int().min(1).max(24 * 60).optional(), noScanDays: z.number().int().min(1).max(90).nullable().optional(), failedAttempts: z.number().int().min(1).max(10).optional() }),
    handler: ({ tx, ctx, body, services }) => exc.putSettings(tx, ctx, services, body),
  }),
  defineRoute({
    method: 'POST', url: '/v1/exceptions/sweep', summary: 'Operator: evaluate time-based rules for every shipment under way now', tags: ['exceptions'], auth: 'tracking:admin',
    async handler({ tx, ctx, services }) {
      if (ctx.orgKind !== 'operator') throw new AppError('forbidden', 403, 'Only the operator runs the sweep');
      return exc.sweepRules(tx, services);
    },
  }),
  defineRoute({
    method: 'GET', url: '/v1/exceptions/:id', summary: 'An exception with its timeline and comments', tags: ['exceptions'], auth: 'tracking:read',
    params: z.strictObject({ id: idParam('exc') }),
    handler: ({ tx, ctx, params }) => exc.getException(tx, ctx, params.id),
  }),
  defineRoute({
    method: 'PATCH', url: '/v1/exceptions/:id', summary: 'Assign, acknowledge, resolve, dismiss, reopen, or attribute the cause', tags: ['exceptions'], auth: 'tracking:write',
    params: z.strictObject({ id: idParam('exc') }),
    body: z.strictObject({ status: z.enum(['open', 'acknowledged', 'resolved', 'dismissed']).optional(), assignee: z.string().max(200).nullable().optional(), resolution: z.string().max(2000).optional(), cause: z.enum(['seller', 'carrier', 'authority', 'other']).optional() }),
    handler: ({ tx, ctx, params, body }) => exc.updateException(tx, ctx, params.id, body),
  }),
  defineRoute({
    method: 'POST', url: '/v1/exceptions/:id/comments', summary: 'Comment on an exception', tags: ['exceptions'], auth: 'tracking:write', creates: true,
    params: z.strictObject({ id: idParam('exc') }),
    body: z.strictObject({ body: z.string().min(1).max(4000) }),
    handler: ({ tx, ctx, params, body }) => exc.commentException(tx, ctx, params.id, body.body),
  }),

  // ---------------------------------------------------------------- contracts
  defineRoute({
    method: 'GET', url: '/v1/contracts', summary: 'SLA contracts you offered or are party to', tags: ['contracts'], auth: 'contracts:read',
    query: z.strictObject({ ...page, lane_id: idParam('lan').optional() }),
    handler: ({ tx, ctx, query }) => contracts.listContracts(tx, ctx, query),
  }),
  defineRoute({
    method: 'POST', url: '/v1/contracts', summary: 'Offer an SLA contract on a lane (carrier or operator)', tags: ['contracts'], auth: 'contracts:write', creates: true,
    body: z.strictObject({ name: z.string().min(1).max(200), lane_id: idParam('lan'), seller_org_id: orgId, carrier_org_id: orgId.optional(), valid_from: isoDate, valid_to: isoDate, terms, demurrage: tariff.optional() }),
    handler: ({ tx, ctx, body }) => contracts.createContract(tx, ctx, body as any),
  }),
  defineRoute({
    method: 'GET', url: '/v1/contracts/deposits', summary: 'Your SLA deposit balances (ledger deposit accounts)', tags: ['contracts'], auth: 'contracts:read',
    query: z.strictObject({ currency: currency.optional() }),
    handler: ({ tx, ctx, query }) => contracts.listDeposits(tx, ctx, query.currency),
  }),
  defineRoute({
    method: 'POST', url: '/v1/contracts/deposits', summary: 'Post (top up) your SLA deposit', tags: ['contracts'], auth: 'contracts:admin', creates: true,
    body: z.strictObject({ amount: minor.refine((n) => n > 0, 'must be positive'), currency, reference: z.string().max(100).optional() }),
    handler: ({ tx, ctx, body }) => contracts.postDeposit(tx, ctx, body),
  }),
  defineRoute({
    method: 'GET', url: '/v1/contracts/breaches', summary: 'SLA evaluations of delivered shipments (breaches, compensations, disputes)', tags: ['contracts'], auth: 'contracts:read',
    query: z.strictObject({ ...page, status: z.enum(['met', 'excluded', 'penalised', 'insufficient_deposit', 'disputed', 'upheld', 'reversed']).optional(), breached: z.coerce.boolean().optional() }),
    handler: ({ tx, ctx, query }) => contracts.listEvaluations(tx, ctx, query),
  }),
  defineRoute({
    method: 'GET', url: '/v1/contracts/breaches/:id', summary: 'One SLA evaluation with its computation', tags: ['contracts'], auth: 'contracts:read',
    params: z.strictObject({ id: idParam('slb') }),
    handler: ({ tx, ctx, params }) => contracts.getEvaluation(tx, ctx, params.id),
  }),
  defineRoute({
    method: 'POST', url: '/v1/contracts/breaches/:id/dispute', summary: 'Dispute an SLA outcome (seller or carrier)', tags: ['contracts'], auth: 'contracts:write',
    params: z.strictObject({ id: idParam('slb') }),
    body: z.strictObject({ reason: z.string().min(1).max(2000) }),
    handler: ({ tx, ctx, params, body }) => contracts.disputeEvaluation(tx, ctx, params.id, body.reason),
  }),
  defineRoute({
    method: 'POST', url: '/v1/contracts/breaches/:id/resolve', summary: 'Operator: uphold or reverse a disputed outcome', tags: ['contracts'], auth: 'contracts:admin',
    params: z.strictObject({ id: idParam('slb') }),
    body: z.strictObject({ outcome: z.enum(['uphold', 'reverse']), note: z.string().max(2000).optional() }),
    handler: ({ tx, ctx, params, body }) => contracts.resolveEvaluation(tx, ctx, params.id, body.outcome, body.note),
  }),
  defineRoute({
    method: 'GET', url: '/v1/contracts/milestones', summary: 'Milestone payments (reached, released)', tags: ['contracts'], auth: 'contracts:read',
    query: z.strictObject({ ...page, status: z.enum(['reached', 'released']).optional() }),
    handler: ({ tx, ctx, query }) => contracts.listMilestones(tx, ctx, query),
  }),
  defineRoute({
    method: 'POST', url: '/v1/contracts/milestones/:id/accept', summary: 'Accept a milestone: the agreed part of the carrier\'s fee is released', tags: ['contracts'], auth: 'contracts:write',
    params: z.strictObject({ id: idParam('msp') }),
    handler: ({ tx, ctx, params }) => contracts.acceptMilestone(tx, ctx, params.id),
  }),
  defineRoute({
    method: 'GET', url: '/v1/contracts/:id', summary: 'One SLA contract', tags: ['contracts'], auth: 'contracts:read',
    params: z.strictObject({ id: idParam('slc') }),
    handler: ({ tx, ctx, params }) => contracts.getContract(tx, ctx, params.id),
  }),
  defineRoute({
    method: 'POST', url: '/v1/contracts/:id/end', summary: 'End a contract (the offering organisation)', tags: ['contracts'], auth: 'contracts:write',
    params: z.strictObject({ id: idParam('slc') }),
    handler: ({ tx, ctx, params }) => contracts.endContract(tx, ctx, params.id),
  }),

  // ---------------------------------------------------------------- scorecards
  defineRoute({
    method: 'GET', url: '/v1/scorecards', summary: 'Provider scorecards by lane and period (operator: all; provider: its own)', tags: ['scorecards'], auth: 'tracking:read',
    query: z.strictObject({ carrier_org_id: orgId.optional(), lane_id: idParam('lan').optional(), period: z.enum(['month', 'quarter', 'all']).default('month'), from: isoDate.optional(), to: isoDate.optional() }),
    handler: ({ tx, ctx, query }) => scorecards(tx, ctx, query),
  }),
  defineRoute({
    method: 'GET', url: '/v1/scorecards/reliability', summary: 'Reliability 0..1 of a provider (optionally on a lane), as routing uses it', tags: ['scorecards'], auth: 'tracking:read',
    query: z.strictObject({ carrier_org_id: orgId.optional(), lane_id: idParam('lan').optional() }),
    async handler({ tx, ctx, query }) {
      const carrierOrgId = ctx.orgKind === 'operator' ? query.carrier_org_id ?? ctx.orgId : ctx.orgId;
      if (ctx.orgKind !== 'operator' && query.carrier_org_id && query.carrier_org_id !== ctx.orgId) throw new AppError('forbidden', 403, 'Scorecards are visible to the operator and to the provider itself');
      return { carrier_org_id: carrierOrgId, lane_id: query.lane_id ?? null, reliability: await providerReliability(tx, carrierOrgId, query.lane_id) };
    },
  }),
];
