import type { FastifyReply, FastifyRequest } from 'fastify';
import { z, type ZodType } from 'zod';
import type { AuthContext } from '../kernel/context.ts';
import type { Executor } from '../kernel/db.ts';
import type { Services } from './services.ts';

/**
 * How a module declares an HTTP route. Every route states the permission it needs ("public" and
 * "user" are the only exceptions), its zod schemas (validated here and published as OpenAPI), and
 * whether it creates something (then Idempotency-Key is honoured and 201 returned).
 */
export type RouteAuth =
  | 'public' // no credentials
  | 'user' // a signed-in user, any organisation (profile, switch organisation)
  | string; // a permission, e.g. "orders:write"

export interface HandlerArgs<B, Q, P> {
  ctx: AuthContext;
  tx: Executor;
  body: B;
  query: Q;
  params: P;
  req: FastifyRequest;
  reply: FastifyReply;
  services: Services;
}

export interface RouteDef<B = any, Q = any, P = any> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  summary: string;
  tags: string[];
  auth: RouteAuth;
  body?: ZodType<B>;
  query?: ZodType<Q>;
  params?: ZodType<P>;
  response?: ZodType;
  /** Creating POST: honours Idempotency-Key, answers 201. */
  creates?: boolean;
  /** Raw body needed (signature verification of channel webhooks); body arrives as Buffer. */
  rawBody?: boolean;
  /** Content type the route returns when not JSON (documents, CSV, HTML). */
  produces?: string;
  handler(args: HandlerArgs<B, Q, P>): Promise<unknown>;
}

export function defineRoute<B = undefined, Q = undefined, P = undefined>(def: RouteDef<B, Q, P>): RouteDef<B, Q, P> {
  return def;
}

const ID_PREFIX = Symbol.for('tradelane.idPrefix');

/** A path parameter holding a Tradelane id with a given prefix (the tenancy test walks these). */
export function idParam(prefix: string) {
  const s = z.string().regex(new RegExp(`^${prefix}_[0-9A-HJKMNP-TV-Z]{26}$`), `must be a ${prefix}_… id`);
  (s as any)[ID_PREFIX] = prefix;
  return s;
}

export function idPrefixOf(schema: unknown): string | undefined {
  return (schema as any)?.[ID_PREFIX];
}
