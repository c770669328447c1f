import type { FastifyReply, FastifyRequest } from 'fastify';
import { ZodError } from 'zod';
import { AppError, problemTypeBase, type FieldError } from '../kernel/errors.ts';

/** RFC 9457 problem document. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  request_id?: string;
  errors?: FieldError[];
  [k: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not found', 405: 'Method not allowed', 409: 'Conflict',
  413: 'Payload too large', 415: 'Unsupported media type', 422: 'Unprocessable content', 429: 'Too many requests', 500: 'Internal server error', 503: 'Service unavailable',
};

export function zodToFieldErrors(err: ZodError, prefix = ''): FieldError[] {
  return err.issues.map((i) => {
    const path = [prefix, ...i.path.map(String)].filter(Boolean).join('.');
    if (i.code === 'unrecognized_keys') {
      const keys = (i as any).keys as string[];
      return { field: keys.map((k) => (path ? `${path}.${k}` : k)).join(', '), message: `unknown field${keys.length > 1 ? 's' : ''}: ${keys.join(', ')}` };
    }
    return { field: path || '(body)', message: i.message };
  });
}

export function toProblem(err: unknown, req: FastifyRequest): Problem {
  const base = { instance: req.url, request_id: String(req.id) };
  if (err instanceof AppError) {
    return { type: problemTypeBase + err.code, title: TITLES[err.status] ?? 'Error', status: err.status, detail: err.message, ...base, ...(err.errors.length ? { errors: err.errors } : {}), ...err.extra };
  }
  if (err instanceof ZodError) {
    const errors = zodToFieldErrors(err);
    return { type: problemTypeBase + 'validation', title: TITLES[400], status: 400, detail: errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors, ...base };
  }
  const e = err as any;
  const code: string | undefined = e?.code;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return { type: problemTypeBase + 'payload_too_large', title: TITLES[413], status: 413, detail: 'The request body is larger than this endpoint accepts', ...base };
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return { type: problemTypeBase + 'unsupported_media_type', title: TITLES[415], status: 415, detail: `Content-Type "${req.headers['content-type'] ?? ''}" is not accepted; send application/json`, ...base };
  if (code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || e instanceof SyntaxError || code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (e?.statusCode === 400 && /JSON/i.test(e?.message)))
    return { type: problemTypeBase + 'malformed_json', title: TITLES[400], status: 400, detail: `The body is not valid JSON: ${e.message}`, errors: [{ field: '(body)', message: 'malformed JSON' }], ...base };
  if (e?.statusCode && e.statusCode >= 400 && e.statusCode < 500)
    return { type: problemTypeBase + 'bad_request', title: TITLES[e.statusCode] ?? 'Bad request', status: e.statusCode, detail: e.message, ...base };
  return { type: problemTypeBase + 'internal', title: TITLES[500], status: 500, detail: 'Something went wrong on our side; the request id helps us find it', ...base };
}

export function sendProblem(reply: FastifyReply, p: Problem) {
  return reply.code(p.status).type('application/problem+json').send(p);
}
