import { z } from 'zod';
import { defineRoute, idParam, type RouteDef } from '../../http/route.ts';
import { pageQuery } from '../../kernel/pagination.ts';
import { marginsQuerySchema, quoteInputSchema } from './inputs.ts';
import * as svc from './service.ts';

const tags = ['landed-cost'];

export const landedCostRoutes: RouteDef[] = [
  defineRoute({
    method: 'POST', url: '/v1/landed-cost/quotes', tags, auth: 'landed_cost:write', creates: true,
    summary: 'Quote duties, import VAT/GST, fees and the low-value regime for a consignment; stored with every figure explained',
    body: quoteInputSchema,
    handler: ({ tx, ctx, body }) => svc.quote(tx, ctx, body),
  }),
  defineRoute({
    method: 'GET', url: '/v1/landed-cost/quotes', summary: 'Stored quotes, newest first', tags, auth: 'landed_cost:read',
    query: pageQuery,
    handler: ({ tx, ctx, query }) => svc.listQuotes(tx, ctx, query.limit, query.cursor),
  }),
  defineRoute({
    method: 'GET', url: '/v1/landed-cost/quotes/:id', summary: 'A stored quote with its input and full explanation', tags, auth: 'landed_cost:read',
    params: z.strictObject({ id: idParam('lcq') }),
    handler: ({ tx, ctx, params }) => svc.getQuote(tx, ctx, params.id),
  }),
  defineRoute({
    method: 'GET', url: '/v1/landed-cost/markets', summary: 'Supported markets with the source and as-of date of their data', tags, auth: 'landed_cost:read',
    handler: ({ tx }) => svc.listMarkets(tx),
  }),
  defineRoute({
    method: 'GET', url: '/v1/landed-cost/fx-snapshots', summary: 'Stored FX snapshots (ECB reference rates and others), newest first', tags, auth: 'landed_cost:read',
    query: z.strictObject({ ...pageQuery.shape, date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date yyyy-mm-dd').optional() }),
    handler: ({ tx, query }) => svc.listFxSnapshots(tx, query),
  }),
  defineRoute({
    method: 'GET', url: '/v1/landed-cost/margins', summary: 'Margin per catalogue SKU in a market: price − import charges − shipping', tags, auth: 'landed_cost:read',
    query: marginsQuerySchema,
    handler: ({ tx, ctx, query }) => svc.margins(tx, ctx, query),
  }),
];
