import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import client from 'prom-client';
import { z, ZodObject } from 'zod';
import { requirePermission, type AuthContext } from '../kernel/context.ts';
import { sha256Hex } from '../kernel/crypto.ts';
import { AppError, unauthenticated, unprocessable, validationError } from '../kernel/errors.ts';
import { ulid } from '../kernel/ids.ts';
import { resolveApiKey, resolveSession } from '../modules/identity/index.ts';
import type { TradelaneModule } from '../modules/module.ts';
import { SESSION_COOKIE } from './cookies.ts';
import { buildOpenApi } from './openapi.ts';
import { sendProblem, toProblem, zodToFieldErrors } from './problems.ts';
import { RateLimiter } from './rate-limit.ts';
import type { RouteDef } from './route.ts';
import type { Services } from './services.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const pkgVersion = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version as string;

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: Buffer;
    auth?: AuthContext;
    pendingSessionId?: string;
  }
}

const metricsRegistry = new client.Registry();
client.collectDefaultMetrics({ register: metricsRegistry });
const httpDuration = new client.Histogram({
  name: 'tradelane_http_request_duration_seconds', help: 'HTTP request duration', labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [metricsRegistry],
});

// Group commit (src/kernel/commit-groups.ts) of the database this process serves.
let commitGroupStats: { groups: number; members: number; resent: number } | undefined;
const groupCounter = (name: string, help: string, read: (s: NonNullable<typeof commitGroupStats>) => number) =>
  new client.Counter({ name, help, registers: [metricsRegistry], collect() { this.reset(); if (commitGroupStats) this.inc(read(commitGroupStats)); } });
groupCounter('tradelane_db_commit_groups_total', 'Round trips that committed whole one-round-trip transactions (group commit)', (s) => s.groups);
groupCounter('tradelane_db_commit_group_members_total', 'Transactions committed through group commits', (s) => s.members);
groupCounter('tradelane_db_commit_group_resent_total', 'Transactions sent again on their own after their group failed', (s) => s.resent);

interface Prior { request_hash: string; status_code: number; response: unknown }
/** Thrown inside the transaction when the Idempotency-Key was already used: answer with the stored response. */
class Replay extends Error {
  constructor(readonly prior: Prior) { super('idempotent replay'); }
}

function strict(schema: z.ZodType | undefined) {
  return schema instanceof ZodObject ? (schema as ZodObject<any>).strict() : schema;
}

function parsePart<T>(schema: z.ZodType<T> | undefined, value: unknown, part: string): T {
  if (!schema) return undefined as T;
  const r = schema.safeParse(value);
  if (!r.success) {
    const errors = zodToFieldErrors(r.error, part === 'body' ? '' : part);
    throw validationError(errors, `Invalid ${part === 'body' ? 'body' : part}: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
  }
  return r.data;
}

/** Build the HTTP app: every module's routes behind one auth, validation, idempotency and problem layer. */
export async function buildApp(services: Services, modules: TradelaneModule[]): Promise<{ app: FastifyInstance; routes: RouteDef[] }> {
  const app: FastifyInstance = Fastify({
    loggerInstance: services.log as any,
    bodyLimit: 1024 * 1024,
    requestIdHeader: 'x-request-id',
    genReqId: () => 'req_' + ulid(),
    trustProxy: process.env.TRUST_PROXY === '1',
    routerOptions: { ignoreTrailingSlash: true },
  });
  await app.register(cookie);

  // Keep the raw body (webhook signatures are computed over the exact bytes), then parse JSON.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body: Buffer, done) => {
    req.rawBody = body;
    if (body.length === 0) return done(null, undefined);
    try {
      done(null, JSON.parse(body.toString('utf8')));
    } catch (err: any) {
      err.statusCode = 400;
      err.code = 'FST_ERR_CTP_INVALID_JSON_BODY';
      done(err, undefined);
    }
  });
  // Raw bodies for CSV uploads, XML files and form-encoded pings (WooCommerce sends one when a webhook is saved).
  for (const type of ['text/csv', 'text/plain', 'application/xml', 'text/xml', 'application/x-www-form-urlencoded']) {
    app.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: 20 * 1024 * 1024 }, (req, body: Buffer, done) => { req.rawBody = body; done(null, body); });
  }

  app.setErrorHandler((err, req, reply) => {
    const problem = toProblem(err, req);
    if (problem.status >= 500) req.log.error({ err, reqId: req.id }, 'request failed');
    return sendProblem(reply, problem);
  });

  if (services.db.commitGroups) commitGroupStats = services.db.commitGroups;

  const perKey = new RateLimiter(services.config.rateLimitPerMinute);
  const perIp = new RateLimiter(services.config.rateLimitPerMinuteIp);
  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
    if (!req.url.startsWith('/v1/')) return;
    const auth = req.headers.authorization;
    const credential = auth?.startsWith('Bearer ') ? auth.slice(7, 40) : req.cookies?.[SESSION_COOKIE]?.slice(0, 24);
    // Per credential when there is one (a NAT'd office shares an IP), else per client IP.
    const wait = credential ? perKey.hit('k:' + credential) : perIp.hit('ip:' + req.ip);
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      return sendProblem(reply, toProblem(new AppError('rate_limited', 429, `Rate limit exceeded; retry in ${wait} s`), req));
    }
  });
  app.addHook('onResponse', async (req, reply) => {
    httpDuration.observe({ method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });

  async function authenticate(req: FastifyRequest, def: RouteDef): Promise<AuthContext | null> {
    const header = req.headers.authorization;
    let resolved = null;
    if (header) {
      if (!header.startsWith('Bearer ')) throw unauthenticated('Authorization must be "Bearer <api key>"');
      resolved = await resolveApiKey(services.db, header.slice(7).trim());
      if (!resolved) throw unauthenticated('The API key is unknown or revoked');
    } else {
      const token = req.cookies?.[SESSION_COOKIE];
      if (token) resolved = await resolveSession(services.db, token);
    }
    if (def.auth === 'public') {
      if (resolved?.mfaPending && resolved.ctx.sessionId) req.pendingSessionId = resolved.ctx.sessionId;
      return resolved && !resolved.mfaPending ? { ...resolved.ctx, requestId: req.id, ip: req.ip } : null;
    }
    if (!resolved) throw unauthenticated();
    if (resolved.mfaPending) throw new AppError('mfa_required', 401, 'Finish signing in with your two-factor code');
    const ctx: AuthContext = { ...resolved.ctx, requestId: req.id, ip: req.ip };
    if (def.auth === 'user') {
      if (!ctx.userId) throw unauthenticated('This route is for signed-in users, not API keys');
      return ctx;
    }
    if (!ctx.orgId) throw new AppError('no_organisation', 403, 'Choose or create an organisation first');
    requirePermission(ctx, def.auth);
    return ctx;
  }

  const routes: RouteDef[] = [];
  for (const m of modules) for (const r of m.routes ?? []) routes.push({ ...r, body: strict(r.body as any) as any, query: strict(r.query as any) as any });

  for (const def of routes) {
    app.route({
      method: def.method,
      url: def.url,
      handler: async (req: FastifyRequest, reply: FastifyReply) => {
        const ctx = await authenticate(req, def);
        const params = parsePart(def.params, req.params, 'path');
        const query = parsePart(def.query, req.query ?? {}, 'query');
        if (!def.rawBody && Buffer.isBuffer(req.body)) {
          throw new AppError('unsupported_media_type', 415, `Content-Type "${req.headers['content-type'] ?? ''}" is not accepted here; send application/json`);
        }
        const body = def.rawBody ? req.body : parsePart(def.body, req.body ?? (def.body ? {} : undefined), 'body');
        const run = (tx: any) => def.handler({ ctx: ctx as AuthContext, tx, body, query, params, req, reply, services });

        const idemKey = def.creates ? (req.headers['idempotency-key'] as string | undefined) : undefined;
        if (idemKey !== undefined) {
          if (idemKey.length === 0 || idemKey.length > 200) throw validationError([{ field: 'Idempotency-Key', message: 'must be 1–200 characters' }]);
          const scope = `${ctx?.orgId ?? 'public'}:${ctx?.userId ?? ctx?.apiKeyId ?? req.ip}:${def.method} ${def.url}`;
          const requestHash = sha256Hex(`${req.url}\n${req.rawBody?.toString('utf8') ?? ''}`);
          const sendPrior = (prior: Prior) => {
            if (prior.request_hash !== requestHash) throw unprocessable('idempotency_key_reused', 'This Idempotency-Key was used with a different request body');
            reply.header('idempotent-replayed', 'true').code(prior.status_code).send(prior.response);
            return reply;
          };
          const priorSql = `SELECT request_hash, status_code, response FROM idempotency_keys WHERE scope = $1 AND key = $2`;
          try {
            // The key's lookup travels in the transaction's first round trip and its record with COMMIT,
            // so a first request pays no extra round trip for idempotency. A use-case that only defers
            // writes makes no lookup: a repeated key fails its COMMIT on the record's primary key, and
            // is answered below from the first request's record.
            // The response is serialised once: the same JSON is recorded and sent.
            const json = await services.db.transaction(
              async (tx) => {
                const body = JSON.stringify((await run(tx)) ?? null);
                await tx.defer(
                  `INSERT INTO idempotency_keys (scope, key, request_hash, status_code, response) VALUES ($1,$2,$3,201,$4)`,
                  [scope, idemKey, requestHash, body],
                );
                return body;
              },
              { first: { sql: priorSql, params: [scope, idemKey], check(rows) { if (rows[0]) throw new Replay(rows[0]); } } },
            );
            return reply.code(201).type('application/json; charset=utf-8').send(json);
          } catch (err: any) {
            if (err instanceof Replay) return sendPrior(err.prior);
            // A request with the same key committed first (the loser's commit hit the key's primary
            // key, or its use-case tripped over what the winner created): answer as the winner did.
            const prior = await services.db.maybeOne<Prior>(priorSql, [scope, idemKey]);
            if (prior) return sendPrior(prior);
            throw err;
          }
        }

        const result = def.method === 'GET' ? await run(services.db) : await services.db.transaction(run);
        if (reply.sent) return reply;
        if (def.creates && reply.statusCode === 200) reply.code(201);
        return reply.send(result ?? { ok: true });
      },
    });
  }

  // Operations
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    try {
      await services.db.query('SELECT 1');
      return { status: 'ready', database: services.db.kind };
    } catch {
      return reply.code(503).send({ status: 'not ready' });
    }
  });
  app.get('/metrics', async (_req, reply) => reply.type(metricsRegistry.contentType).send(await metricsRegistry.metrics()));

  // API description
  let openapi: unknown;
  app.get('/openapi.json', async () => (openapi ??= buildOpenApi(routes, { version: pkgVersion, serverUrl: services.config.publicUrl })));
  const swaggerDir = join(root, 'node_modules/swagger-ui-dist');
  await app.register(fastifyStatic, { root: swaggerDir, prefix: '/docs/assets/', decorateReply: false });
  app.get('/docs', async (_req, reply) =>
    reply.type('text/html').send(`<!doctype html><html><head><meta charset="utf-8"><title>Tradelane API</title><link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="ui"></div><script src="/docs/assets/swagger-ui-bundle.js"></script><script>SwaggerUIBundle({url:'/openapi.json',dom_id:'#ui'})</script></body></html>`),
  );

  // Console and storefront (built by Vite into web/dist), with client-side routing fallback.
  const webDist = join(root, 'web/dist');
  if (existsSync(webDist)) await app.register(fastifyStatic, { root: webDist, prefix: '/', wildcard: false });
  app.setNotFoundHandler((req, reply) => {
    if (req.method === 'GET' && !req.url.startsWith('/v1/') && existsSync(join(webDist, 'index.html'))) {
      return reply.type('text/html').send(readFileSync(join(webDist, 'index.html')));
    }
    return sendProblem(reply, toProblem(new AppError('not_found', 404, `No route ${req.method} ${req.url.split('?')[0]}`), req));
  });

  return { app, routes };
}
