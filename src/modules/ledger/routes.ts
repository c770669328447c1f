import { z } from 'zod';
import { defineRoute, type RouteDef } from '../../http/route.ts';
import { recordAudit } from '../../kernel/audit.ts';
import type { AuthContext } from '../../kernel/context.ts';
import type { Executor } from '../../kernel/db.ts';
import { AppError, badRequest, notFound, unauthenticated } from '../../kernel/errors.ts';
import type { TransferInput } from '../../engines/ledger/index.ts';
import { ACCOUNT_KINDS, createTransfers, ensureAccount, PLATFORM, PLATFORM_KINDS, publicAccount, verifyLedger, type AccountKind } from './core.ts';
import { providerRegistry } from './providers.ts';
import * as svc from './service.ts';
import { listReconciliations, runReconciliation, settlementStatement, statementCsv, statementPdf, visibleOrgs } from './statements.ts';

const tags = ['ledger'];
const currency = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code like "EUR"');
const minor = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const orderId = z.string().min(1).max(100).regex(/^[A-Za-z0-9_.:\-]+$/, 'an order id');
const reference = { reference_type: z.string().min(1).max(50), reference_id: z.string().min(1).max(100), reason: z.string().min(1).max(500), transfer_id: z.string().max(128).optional() };

const transferSchema = z.strictObject({
  id: z.string().min(1).max(128),
  kind: z.enum(['posted', 'pending', 'post_pending', 'void_pending']),
  debit_account_id: z.string().max(64).optional(),
  credit_account_id: z.string().max(64).optional(),
  amount: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  pending_id: z.string().max(128).optional(),
  timeout_seconds: z.number().int().min(1).max(365 * 86400).optional(),
  linked: z.boolean().optional(),
  reason: z.string().min(1).max(500),
  reference_type: z.string().max(50).optional(),
  reference_id: z.string().max(100).optional(),
});

const publicTransfer = (t: any) => ({
  id: t.id, kind: t.kind, debit_account_id: t.debit_account_id, credit_account_id: t.credit_account_id, currency: t.currency, amount: t.amount,
  pending_id: t.pending_id, pending_status: t.pending_status, timeout_at: t.timeout_at, linked_group: t.linked_group, reason: t.reason,
  reference_type: t.reference_type, reference_id: t.reference_id, fx_rate_id: t.fx_rate_id, fx_rate: t.fx_rate, created_at: t.created_at, seq: t.seq,
});

async function listTransfers(tx: Executor, ctx: AuthContext, q: any) {
  const orgs = visibleOrgs(ctx);
  const params: unknown[] = [orgs];
  const where = ['(t.debit_org_id = ANY($1) OR t.credit_org_id = ANY($1))'];
  const add = (sql: string, v: unknown) => { params.push(v); where.push(sql.replace('?', `$${params.length}`)); };
  if (q.account_id) {
    params.push(q.account_id);
    where.push(`(t.debit_account_id = $${params.length} OR t.credit_account_id = $${params.length})`);
  }
  if (q.kind) add('t.kind = ?', q.kind);
  if (q.currency) add('t.currency = ?', q.currency);
  if (q.reference_id) add('t.reference_id = ?', q.reference_id);
  if (q.pending_status) add('t.pending_status = ?', q.pending_status);
  if (q.from) add('t.created_at >= ?', q.from);
  if (q.to) add('t.created_at < ?', q.to);
  if (q.cursor) add('t.seq < ?', Number(q.cursor));
  const rows = await tx.query(`SELECT t.* FROM ledger_transfers t WHERE ${where.join(' AND ')} ORDER BY t.seq DESC LIMIT ${q.limit + 1}`, params);
  const more = rows.length > q.limit;
  const data = (more ? rows.slice(0, q.limit) : rows).map(publicTransfer);
  return { data, next_cursor: more ? String(data[data.length - 1].seq) : null };
}

export const ledgerRoutes: RouteDef[] = [
  // ---------------------------------------------------------------- accounts and balances
  defineRoute({
    method: 'GET', url: '/v1/ledger/accounts', summary: 'Accounts and balances visible to the organisation', tags, auth: 'ledger:read',
    query: z.strictObject({ currency: currency.optional(), kind: z.enum(ACCOUNT_KINDS).optional() }),
    async handler({ tx, ctx, query }) {
      const rows = await tx.query(`SELECT * FROM ledger_accounts WHERE org_id = ANY($1) AND ($2::text IS NULL OR currency = $2) AND ($3::text IS NULL OR kind = $3) ORDER BY org_id, kind, currency`,
        [visibleOrgs(ctx), query.currency ?? null, query.kind ?? null]);
      return { data: rows.map((r: any) => publicAccount(r)) };
    },
  }),
  defineRoute({
    method: 'POST', url: '/v1/ledger/accounts', summary: 'Open an account (operator: for the platform or any organisation)', tags, auth: 'ledger:admin', creates: true,
    body: z.strictObject({ kind: z.enum(ACCOUNT_KINDS), currency, org_id: z.string().max(64).optional(), name: z.string().max(200).optional() }),
    async handler({ tx, ctx, body }) {
      const owner = PLATFORM_KINDS.includes(body.kind) ? PLATFORM : body.org_id ?? ctx.orgId;
      if (owner !== ctx.orgId) svc.assertOperator(ctx);
      const a = await ensureAccount(tx, owner, body.kind as AccountKind, body.currency, body.name);
      await recordAudit(tx, ctx, { action: 'ledger.account.open', entityType: 'ledger_account', entityId: a.id, after: { org_id: owner, kind: a.kind, currency: a.currency } });
      return publicAccount(a);
    },
  }),
  defineRoute({
    method: 'GET', url: '/v1/ledger/accounts/:id', summary: 'One account with its balances', tags, auth: 'ledger:read',
    params: z.strictObject({ id: z.string().max(64) }),
    async handler({ tx, ctx, params }) {
      const a = await tx.maybeOne(`SELECT * FROM ledger_accounts WHERE id = $1 AND org_id = ANY($2)`, [params.id, visibleOrgs(ctx)]);
      if (!a) throw notFound('Account', params.id);
      return publicAccount(a as any);
    },
  }),
  defineRoute({
    method: 'GET', url: '/v1/ledger/balances', summary: 'Balances per account kind and currency, including what is held in escrow', tags, auth: 'ledger:read',
    async handler({ tx, ctx }) {
      const accounts = (await tx.query(`SELECT * FROM ledger_accounts WHERE org_id = ANY($1) ORDER BY kind, currency`, [visibleOrgs(ctx)])).map((a: any) => publicAccount(a));
      const escrow = await tx.query(
        `SELECT currency, count(*)::int AS orders, COALESCE(sum(amount - released - refunded), 0)::bigint AS held FROM ledger_escrows
          WHERE status IN ('held','partially_released') AND ($1 OR org_id = $2 OR buyer_org_id = $2) GROUP BY currency ORDER BY currency`, [ctx.orgKind === 'operator', ctx.orgId]);
      return { accounts, escrow_held: escrow };
    },
  }),
  // ---------------------------------------------------------------- transfers
  defineRoute({
    method: 'GET', url: '/v1/ledger/transfers', summary: 'Transfer explorer: transfers touching the organisation\'s accounts', tags, auth: 'ledger:read',
    query: z.strictObject({
      account_id: z.string().max(64).optional(), kind: z.enum(['posted', 'pending', 'post_pending', 'void_pending', 'expire_pending']).optional(),
      currency: currency.optional(), reference_id: z.string().max(100).optional(), pending_status: z.enum(['pending', 'posted', 'voided', 'expired']).optional(),
      from: z.string().datetime({ offset: true }).optional(), to: z.string().datetime({ offset: true }).optional(),
      limit: z.coerce.number().int().min(1).max(500).default(50), cursor: z.string().regex(/^\d+$/).optional(),
    }),
    handler: ({ tx, ctx, query }) => listTransfers(tx, ctx, query),
  }),
  defineRoute({
    method: 'GET', url: '/v1/ledger/transfers/:id', summary: 'One transfer', tags, auth: 'ledger:read',
    params: z.strictObject({ id: z.string().max(128) }),
    async handler({ tx, ctx, params }) {
      const t = await tx.maybeOne(`SELECT * FROM ledger_transfers WHERE id = $1 AND (debit_org_id = ANY($2) OR credit_org_id = ANY($2))`, [params.id, visibleOrgs(ctx)]);
      if (!t) throw notFound('Transfer', params.id);
      return publicTransfer(t);
    },
  }),
  defineRoute({
    method: 'POST', url: '/v1/ledger/transfers', summary: 'Create a batch of transfers (operator adjustments): idempotent ids, linked chains, two-phase', tags, auth: 'ledger:admin',
    body: z.strictObject({ transfers: z.array(transferSchema).min(1).max(1000) }),
    async handler({ tx, ctx, body }) {
      svc.assertOperator(ctx);
      const inputs: TransferInput[] = body.transfers.map((t) => ({
        id: t.id, kind: t.kind, debitAccountId: t.debit_account_id, creditAccountId: t.credit_account_id, amount: t.amount, pendingId: t.pending_id,
        timeoutSeconds: t.timeout_seconds, linked: t.linked, reason: t.reason, referenceType: t.reference_type ?? null, referenceId: t.reference_id ?? null,
      }));
      const results = await createTransfers(tx, inputs);
      const created = results.filter((r) => r.status === 'created').length;
      if (created) await recordAudit(tx, ctx, { action: 'ledger.transfers.create', entityType: 'ledger_transfer_batch', entityId: inputs[0].id, after: { created, ids: results.filter((r) => r.status === 'created').map((r) => r.id).slice(0, 100) } });
      return { results };
    },
  }),
  defineRoute({
    method: 'GET', url: '/v1/ledger/verify', summary: 'Check both invariants: balances sum to zero per currency; every balance equals its journal', tags, auth: 'ledger:admin',
    async handler({ tx, ctx }) { svc.assertOperator(ctx); return verifyLedger(tx); },
  }),
  // ---------------------------------------------------------------- FX
  defineRoute({
    method: 'GET', url: '/v1/ledger/fx-rates', summary: 'Recorded FX rate snapshots', tags, auth: 'ledger:read',
    query: z.strictObject({ base: currency.optional(), quote: currency.optional() }),
    async handler({ tx, query }) {
      return { data: await tx.query(`SELECT * FROM ledger_fx_rates WHERE ($1::text IS NULL OR base = $1) AND ($2::text IS NULL OR quote = $2) ORDER BY rate_date DESC, created_at DESC LIMIT 200`, [query.base ?? null, query.quote ?? null]) };
    },
  }),
  defineRoute({
    method: 'POST', url: '/v1/ledger/fx-rates', summary: 'Record an FX rate snapshot (exact decimal string)', tags, auth: 'ledger:admin', creates: true,
    body: z.strictObject({ source: z.string().min(1).max(200), date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), base: currency, quote: currency, rate: z.string().max(40), spread: z.string().max(20).optional() }),
    async handler({ tx, ctx, body }) { svc.assertOperator(ctx); return svc.createFxRate(tx, ctx, body); },
  }),
  defineRoute({
    method: 'POST', url: '/v1/ledger/fx/conversions', summary: 'Convert a balance to another currency at a recorded rate (two linked transfers via fx_position)', tags, auth: 'ledger:write', creates: true,
    body: z.strictObject({ rate_id: z.string().max(64), amount: minor, kind: z.enum(['seller_payable', 'buyer_funds']).optional(), conversion_id: z.string().max(100).optional() }),
    handler: ({ tx, ctx, body }) => svc.convertCurrency(tx, ctx, body),
  }),
  // ---------------------------------------------------------------- escrow and order money
  defineRoute({
    method: 'GET', url: '/v1/ledger/escrows', summary: 'Order escrows of the organisation (as seller or buyer)', tags, auth: 'ledger:read',
    query: z.strictObject({ status: z.enum(['awaiting_payment', 'held', 'partially_released', 'released', 'refunded', 'cancelled']).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }),
    handler: ({ tx, ctx, query }) => svc.listEscrows(tx, ctx, query),
  }),
  defineRoute({
    method: 'GET', url: '/v1/ledger/orders/:order_id', summary: 'Order money: escrow state and timeline of every posting', tags, auth: 'ledger:read',
    params: z.strictObject({ order_id: orderId }),
    handler: ({ tx, ctx, params }) => svc.getEscrow(tx, ctx, params.order_id),
  }),
  defineRoute({
    method: 'POST', url: '/v1/ledger/orders/:order_id/confirm-receipt', summary: 'Buyer confirms receipt (released when the carrier also confirmed delivery)', tags, auth: 'ledger:write',
    params: z.strictObject({ order_id: orderId }),
    handler: ({ tx, ctx, params, services }) => svc.confirmReceipt(tx, ctx, services, params.order_id),
  }),
  defineRoute({
    method: 'POST', url: '/v1/ledger/orders/:order_id/carrier-delivered', summary: 'Record carrier-confirmed delivery (operator; the tracking module calls recordCarrierDelivery)', tags, auth: 'ledger:admin',
    params: z.strictObject({ order_id: orderId }), body: z.strictObject({ delivered_at: z.string().datetime({ offset: true }).optional() }),
    async handler({ tx, ctx, params, body, services }) {
      svc.assertOperator(ctx);
      const r = await svc.recordCarrierDelivery(tx, services, params.order_id, body.delivered_at ? new Date(body.delivered_at) : new Date());
      await recordAudit(tx, ctx, { action: 'ledger.escrow.carrier_delivered', entityType: 'order', entityId: params.order_id, after: r });
      return r;
    },
  }),
  defineRoute({
    method: 'POST', url: '/v1/ledger/orders/:order_id/disputes', summary: 'Open a dispute: the escrow is held until resolved', tags, auth: 'ledger:write',
    params: z.strictObject({ order_id: orderId }), body: z.strictObject({ reason: z.string().min(1).max(1000) }),
    handler: ({ tx, ctx, params, body }) => svc.openDispute(tx, ctx, params.order_id, body.reason),
  }),
  defineRoute({
    method: 'POST', url: '/v1/ledger/orders/:order_id/disputes/resolve', summary: 'Resolve a dispute (operator): release, refund or continue', tags, auth: 'ledger:admin',
    params: z.strictObject({ order_id: orderId }), body: z.strictObject({ outcome: z.enum(['release', 'refund', 'continue']), note: z.string().max(1000).optional() }),
    async handler({ tx, ctx, params, body, services }) { svc.assertOperator(ctx); return svc.resolveDispute(tx, ctx, services, params.order_id, body.outcome, body.note); },
  }),
  defineRoute({
    method: 'POST', url: '/v1/ledger/orders/:order_id/release', summary: 'Release escrow, fully or partly (partial shipments) — operator', tags, auth: 'ledger:admin',
    params: z.strictObject({ order_id: orderId }), body: z.strictObject({ amount: minor.optional(), reason: z.string().max(500).optional() }),
    async handler({ tx, ctx, params, body, services }) {
      svc.assertOperator(ctx);
      const r = await svc.releaseEscrow(tx, services, params.order_id, { amount: body.amount, reason: body.reason });
      await recordAudit(tx, ctx, { action: 'ledger.escrow.release', entityType: 'order', entityId: params.order_id, after: r });
      return r;
    },
  }),
  defineRoute({
    method: 'POST', url: '/v1/ledger/orders/:order_id/cancel', summary: 'Cancel: void what is held and refund the buyer (seller of the order or operator)', tags, auth: 'ledger:write',
    params: z.strictObject({ order_id: orderId }), body: z.strictObject({ reason: z.string().min(1).max(500) }),
    async handler({ tx, ctx, params, body, services }) {
      const e = await tx.maybeOne(`SELECT org_id FROM ledger_escrows WHERE order_id = $1`, [params.order_id]);
      if (!e || (e.org_id !== ctx.orgId && ctx.orgKind !== 'operator')) throw notFound('Order escrow', params.order_id);
      const r = await svc.cancelEscrow(tx, services, params.order_id, body.reason);
      await recordAudit(tx, ctx, { action: 'ledger.escrow.cancel', entityType: 'order', entityId: params.order_id, after: r });
      return r;
    },
  }),
  // ---------------------------------------------------------------- fees, charges, deposits, penalties (operator postings)
  defineRoute({
    method: 'PUT', url: '/v1/ledger/sellers/:org_id/terms', summary: 'Set a seller\'s fee tier (operator)', tags, auth: 'ledger:admin',
    params: z.strictObject({ org_id: z.string().max(64) }), body: z.strictObject({ tier: z.enum(['basic', 'pro', 'enterprise']).optional(), seller_since: z.string().datetime({ offset: true }).optional() }),
    async handler({ tx, ctx, params, body }) { svc.assertOperator(ctx); return svc.setSellerTerms(tx, ctx, params.org_id, body); },
  }),
  defineRoute({
    method: 'GET', url: '/v1/ledger/fees', summary: 'The platform fee policy in force and the organisation\'s tier', tags, auth: 'ledger:read',
    async handler({ tx, ctx, services }) { return { rules: svc.feeRules(services), terms: ctx.orgKind === 'seller' ? await svc.sellerTerms(tx, ctx.orgId) : null }; },
  }),
  defineRoute({
    method: 'POST', url: '/v1/ledger/postings', summary: 'Post a carrier charge, warehouse fee, deposit or SLA penalty (operator)', tags, auth: 'ledger:admin', creates: true,
    body: z.strictObject({ type: z.enum(['carrier_charge', 'warehouse_fee', 'deposit', 'penalty']), currency, amount: minor, seller_org_id: z.string().max(64).optional(), provider_org_id: z.string().max(64), ...reference }),
    async handler({ tx, ctx, body }) {
      svc.assertOperator(ctx);
      const base = { currency: body.currency, amount: body.amount, reason: body.reason, referenceType: body.reference_type, referenceId: body.reference_id, transferId: body.transfer_id };
      const need = () => { if (!body.seller_org_id) throw badRequest('seller_org_id is required for this posting', 'seller_org_id'); return body.seller_org_id; };
      const r = body.type === 'carrier_charge' ? await svc.postCarrierCharge(tx, { ...base, sellerOrgId: need(), carrierOrgId: body.provider_org_id })
        : body.type === 'warehouse_fee' ? await svc.postWarehouseFee(tx, { ...base, sellerOrgId: need(), warehouseOrgId: body.provider_org_id })
          : body.type === 'deposit' ? await svc.recordDeposit(tx, { ...base, providerOrgId: body.provider_org_id })
            : await svc.penaliseDeposit(tx, { ...base, providerOrgId: body.provider_org_id, beneficiaryOrgId: need() });
      await recordAudit(tx, ctx, { action: `ledger.posting.${body.type}`, entityType: 'ledger_transfer', entityId: r.transfer_id, after: { ...body } });
      return r;
    },
  }),
  // ---------------------------------------------------------------- bank accounts, payouts, statements
  defineRoute({
    method: 'GET', url: '/v1/ledger/bank-accounts', summary: 'Payout bank accounts (masked)', tags, auth: 'ledger:read',
    handler: ({ tx, ctx }) => svc.listBankAccounts(tx, ctx),
  }),
  defineRoute({
    method: 'PUT', url: '/v1/ledger/bank-accounts/:currency', summary: 'Set the payout bank account for a currency (stored encrypted)', tags, auth: 'ledger:admin',
    params: z.strictObject({ currency }), body: z.strictObject({ holder: z.string().min(1).max(200), bank_name: z.string().min(1).max(200), account: z.string().min(6).max(60) }),
    handler: ({ tx, ctx, params, body, services }) => svc.setBankAccount(tx, ctx, services, { ...body, currency: params.currency }),
  }),
  defineRoute({
    method: 'GET', url: '/v1/ledger/payouts', summary: 'Payouts of the organisation', tags, auth: 'ledger:read',
    handler: ({ tx, ctx }) => svc.listPayouts(tx, ctx),
  }),
  defineRoute({
    method: 'POST', url: '/v1/ledger/payouts', summary: 'Pay out the available seller balance to the bank account', tags, auth: 'ledger:admin', creates: true,
    body: z.strictObject({ currency, amount: minor.optional() }),
    handler: ({ tx, ctx, body, services }) => svc.requestPayout(tx, ctx, services, body),
  }),
  ...(['json', 'csv', 'pdf'] as const).map((format) => defineRoute({
    method: 'GET', url: format === 'json' ? '/v1/ledger/statements' : `/v1/ledger/statements.${format}`,
    summary: `Settlement statement for a period (${format.toUpperCase()})`, tags, auth: 'ledger:read',
    produces: format === 'json' ? undefined : format === 'csv' ? 'text/csv' : 'application/pdf',
    query: z.strictObject({ currency, from: z.string().datetime({ offset: true }), to: z.string().datetime({ offset: true }), org_id: z.string().max(64).optional() }),
    async handler({ tx, ctx, query, reply }) {
      const st = await settlementStatement(tx, ctx, query);
      if (format === 'json') return st;
      const name = `statement-${st.org_id}-${st.currency}-${st.from.slice(0, 10)}`;
      if (format === 'csv') return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}.csv"`).send(statementCsv(st));
      const label = st.org_id === PLATFORM ? 'Tradelane platform 平台账户' : `Organisation 机构 ${st.org_id}`;
      return reply.type('application/pdf').header('content-disposition', `attachment; filename="${name}.pdf"`).send(await statementPdf(st, label));
    },
  })),
  // ---------------------------------------------------------------- reconciliation
  defineRoute({
    method: 'POST', url: '/v1/ledger/reconciliations', summary: 'Reconcile a payment-provider report (CSV body) against the ledger (operator)', tags, auth: 'ledger:admin', rawBody: true,
    query: z.strictObject({ provider: z.string().max(40).default('sandbox') }),
    async handler({ tx, ctx, query, req }) {
      svc.assertOperator(ctx);
      if (!req.rawBody?.length) throw badRequest('Send the provider report as the text/csv request body', 'body');
      return runReconciliation(tx, ctx, query.provider, req.rawBody.toString('utf8'));
    },
  }),
  defineRoute({
    method: 'GET', url: '/v1/ledger/reconciliations', summary: 'Reconciliation results', tags, auth: 'ledger:admin',
    async handler({ tx, ctx }) { svc.assertOperator(ctx); return listReconciliations(tx); },
  }),
  // ---------------------------------------------------------------- payments
  defineRoute({
    method: 'POST', url: '/v1/payments', summary: 'Pay an order (buyer): the provider authorises and captures; the capture webhook puts the amount in escrow', tags: ['payments'], auth: 'ledger:write', creates: true,
    body: z.strictObject({ order_id: orderId, seller_org_id: z.string().max(64), currency, amount: minor, tax_amount: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(), provider: z.string().max(40).optional() }),
    handler: ({ tx, ctx, body, services }) => svc.startCheckout(tx, ctx, services, body),
  }),
  defineRoute({
    method: 'GET', url: '/v1/payments/:id', summary: 'One payment', tags: ['payments'], auth: 'ledger:read',
    params: z.strictObject({ id: z.string().max(64) }),
    async handler({ tx, ctx, params }) {
      const p = await tx.maybeOne(`SELECT * FROM ledger_payments WHERE id = $1 AND (org_id = $2 OR seller_org_id = $2 OR $3)`, [params.id, ctx.orgId, ctx.orgKind === 'operator']);
      if (!p) throw notFound('Payment', params.id);
      return { ...p, total: p.amount + p.tax_amount };
    },
  }),
  defineRoute({
    method: 'POST', url: '/v1/payments/webhooks/:provider', summary: 'Provider webhooks (signed); duplicates are acknowledged and ignored', tags: ['payments'], auth: 'public', rawBody: true,
    params: z.strictObject({ provider: z.string().max(40) }),
    async handler({ tx, params, req, services }) {
      const p = providerRegistry(services).get(params.provider);
      if (!p) throw notFound('Payment provider', params.provider);
      const raw = req.rawBody ?? Buffer.alloc(0);
      if (!p.verifyWebhook(req.headers as any, raw)) throw unauthenticated('Webhook signature is missing or invalid');
      let ev;
      try { ev = p.parseWebhook(raw); } catch { throw badRequest('Webhook body is not a valid provider event'); }
      const fresh = await tx.query(`INSERT INTO ledger_provider_events (provider, event_id, type) VALUES ($1,$2,$3) ON CONFLICT DO NOTHING RETURNING event_id`, [p.name, ev.id, ev.type]);
      if (fresh.length === 0) return { received: true, duplicate: true };
      const result = await svc.handleProviderEvent(tx, services, p.name, ev);
      return { received: true, duplicate: false, result };
    },
  }),
  defineRoute({
    method: 'GET', url: '/v1/payments/providers/:provider/report.csv', summary: 'The provider\'s own settlement report (sandbox), for reconciliation', tags: ['payments'], auth: 'ledger:admin', produces: 'text/csv',
    params: z.strictObject({ provider: z.string().max(40) }),
    async handler({ tx, ctx, params, services, reply }) {
      svc.assertOperator(ctx);
      const p = providerRegistry(services).get(params.provider);
      if (!p?.report) throw notFound('Provider report', params.provider);
      return reply.type('text/csv; charset=utf-8').send(await p.report(tx));
    },
  }),
];

export { AppError };
