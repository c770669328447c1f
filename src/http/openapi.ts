import { z } from 'zod';
import type { RouteDef } from './route.ts';

const toSchema = (s: unknown) => {
  try {
    return z.toJSONSchema(s as z.ZodType, { target: 'draft-2020-12', unrepresentable: 'any', io: 'input' });
  } catch {
    return {};
  }
};

/** OpenAPI 3.1 document built from the routes' zod schemas (the schemas are the contract). */
export function buildOpenApi(routes: RouteDef[], info: { version: string; serverUrl: string }) {
  const paths: Record<string, any> = {};
  for (const r of routes) {
    const path = r.url.replace(/:([a-z_]+)/g, '{$1}');
    const op: any = {
      summary: r.summary,
      tags: r.tags,
      operationId: `${r.method.toLowerCase()}${path.replace(/[{}]/g, '').replace(/\/(\w)/g, (_, c) => c.toUpperCase()).replace(/[^A-Za-z0-9]/g, '')}`,
      'x-permission': r.auth,
      security: r.auth === 'public' ? [] : [{ bearer: [] }, { session: [] }],
      parameters: [] as any[],
      responses: {
        [r.creates ? '201' : '200']: { description: 'OK', content: { [r.produces ?? 'application/json']: r.response ? { schema: toSchema(r.response) } : {} } },
        default: { description: 'Problem (RFC 9457)', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } },
      },
    };
    if (r.params) {
      const js: any = toSchema(r.params);
      for (const [name, schema] of Object.entries(js.properties ?? {})) op.parameters.push({ name, in: 'path', required: true, schema });
    }
    if (r.query) {
      const js: any = toSchema(r.query);
      for (const [name, schema] of Object.entries(js.properties ?? {})) op.parameters.push({ name, in: 'query', required: (js.required ?? []).includes(name), schema });
    }
    if (r.creates) op.parameters.push({ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 200 }, description: 'Same key + same body replays the first response; same key + different body is a 422.' });
    if (r.body) op.requestBody = { required: true, content: { [r.rawBody ? 'application/json' : 'application/json']: { schema: toSchema(r.body) } } };
    (paths[path] ??= {})[r.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Tradelane API', version: info.version, description: 'Cross-border trade platform. Errors are application/problem+json (RFC 9457). Every route states the permission it needs in x-permission.' },
    servers: [{ url: info.serverUrl }],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'API key: tlk_<id>.<secret>' },
        session: { type: 'apiKey', in: 'cookie', name: 'tl_session' },
      },
      schemas: {
        Problem: {
          type: 'object',
          properties: {
            type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' }, instance: { type: 'string' }, request_id: { type: 'string' },
            errors: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } },
          },
        },
      },
    },
  };
}
