import { z } from 'zod';
import { defineRoute, idParam, type RouteDef } from '../../http/route.ts';
import * as svc from './service.ts';

const url = z.string().url().max(2000).refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL');
const eventTypes = z.array(z.string().regex(/^(\*|[a-z_]+(\.[a-z_]+)*(\.\*)?)$/, 'an event type like "orders.order.accepted", "orders.*" or "*"')).min(1).max(100);

export const webhookRoutes: RouteDef[] = [
  defineRoute({
    method: 'GET', url: '/v1/webhooks', summary: 'Webhook endpoints', tags: ['webhooks'], auth: 'webhooks:read',
    async handler({ tx, ctx }) { return { data: await svc.listEndpoints(tx, ctx) }; },
  }),
  defineRoute({
    method: 'POST', url: '/v1/webhooks', summary: 'Add an endpoint; the signing secret is shown once', tags: ['webhooks'], auth: 'webhooks:admin', creates: true,
    body: z.strictObject({ url, description: z.string().max(500).optional(), event_types: eventTypes }),
    handler: ({ tx, ctx, body, services }) => svc.createEndpoint(tx, ctx, services.secrets, body),
  }),
  defineRoute({
    method: 'GET', url: '/v1/webhooks/:id', summary: 'One webhook endpoint', tags: ['webhooks'], auth: 'webhooks:read',
    params: z.strictObject({ id: idParam('whe') }),
    handler: ({ tx, ctx, params }) => svc.getEndpoint(tx, ctx, params.id),
  }),
  defineRoute({
    method: 'PATCH', url: '/v1/webhooks/:id', summary: 'Change an endpoint', tags: ['webhooks'], auth: 'webhooks:admin',
    params: z.strictObject({ id: idParam('whe') }),
    body: z.strictObject({ url: url.optional(), description: z.string().max(500).optional(), event_types: eventTypes.optional(), active: z.boolean().optional() }),
    handler: ({ tx, ctx, params, body }) => svc.updateEndpoint(tx, ctx, params.id, body),
  }),
  defineRoute({
    method: 'DELETE', url: '/v1/webhooks/:id', summary: 'Disable an endpoint', tags: ['webhooks'], auth: 'webhooks:admin',
    params: z.strictObject({ id: idParam('whe') }),
    async handler({ tx, ctx, params }) { await svc.deleteEndpoint(tx, ctx, params.id); return { ok: true }; },
  }),
  defineRoute({
    method: 'POST', url: '/v1/webhooks/:id/rotate-secret', summary: 'Replace the signing secret (shown once)', tags: ['webhooks'], auth: 'webhooks:admin',
    params: z.strictObject({ id: idParam('whe') }),
    handler: ({ tx, ctx, params, services }) => svc.rotateSecret(tx, ctx, services.secrets, params.id),
  }),
  defineRoute({
    method: 'GET', url: '/v1/webhooks/:id/deliveries', summary: 'Delivery log with every attempt and response', tags: ['webhooks'], auth: 'webhooks:read',
    params: z.strictObject({ id: idParam('whe') }),
    query: z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50), cursor: z.string().max(60).optional() }),
    handler: ({ tx, ctx, params, query }) => svc.listDeliveries(tx, ctx, params.id, query.limit, query.cursor),
  }),
  defineRoute({
    method: 'POST', url: '/v1/webhooks/deliveries/:id/redeliver', summary: 'Send a delivery again', tags: ['webhooks'], auth: 'webhooks:admin',
    params: z.strictObject({ id: idParam('whd') }),
    handler: ({ tx, ctx, params }) => svc.redeliver(tx, ctx, params.id),
  }),
];
