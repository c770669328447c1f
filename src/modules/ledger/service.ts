import { screeningGate } from '../screening/index.ts';
import type { Services } from '../../http/services.ts';
import { recordAudit } from '../../kernel/audit.ts';
import type { AuthContext } from '../../kernel/context.ts';
import type { Db, Executor } from '../../kernel/db.ts';
import { AppError, badRequest, conflict, forbidden, illegalTransition, notFound, unprocessable } from '../../kernel/errors.ts';
import { emit } from '../../kernel/events.ts';
import { newId } from '../../kernel/ids.ts';
import { enqueue } from '../../kernel/jobs.ts';
import { isCurrency, minorUnits } from '../../kernel/money.ts';
import { commissionFor, convertMinor, type FeeRules, type SellerTier, type TransferInput } from '../../engines/ledger/index.ts';
import { assertPositiveMinor, createTransfersOrThrow, ensureAccount, platformAccount, PLATFORM } from './core.ts';
import { providerRegistry, type PaymentProvider, type ProviderEvent } from './providers.ts';

/**
 * Money flows other modules call through index.ts, each inside the caller's transaction:
 * checkout payment → escrow, release with commission, refund, carrier and warehouse charges,
 * deposits and SLA penalties, FX conversion, payouts. Every posting carries a reason and a
 * reference; transfer ids are derived from the business reference so a repeated call is a no-op.
 */

export const feeRules = (s: Services) => s.state.get('ledger.fees') as FeeRules;

function provider(s: Services, name: string): PaymentProvider {
  const p = providerRegistry(s).get(name);
  if (!p) throw badRequest(`Unknown payment provider "${name}"`, 'provider');
  return p;
}

const systemCtx = { requestId: 'ledger', userId: null };

// ---------------------------------------------------------------- seller terms
export async function sellerTerms(tx: Executor, sellerOrgId: string): Promise<{ org_id: string; tier: SellerTier; seller_since: Date }> {
  await tx.query(`INSERT INTO ledger_seller_terms (org_id) VALUES ($1) ON CONFLICT DO NOTHING`, [sellerOrgId]);
  return tx.one(`SELECT org_id, tier, seller_since FROM ledger_seller_terms WHERE org_id = $1`, [sellerOrgId]);
}

export async function setSellerTerms(tx: Executor, ctx: AuthContext, sellerOrgId: string, patch: { tier?: SellerTier; seller_since?: string }) {
  const before = await sellerTerms(tx, sellerOrgId);
  const row = await tx.one(
    `UPDATE ledger_seller_terms SET tier = COALESCE($2, tier), seller_since = COALESCE($3::timestamptz, seller_since), updated_at = now() WHERE org_id = $1 RETURNING org_id, tier, seller_since`,
    [sellerOrgId, patch.tier ?? null, patch.seller_since ?? null],
  );
  await recordAudit(tx, ctx, { action: 'ledger.seller_terms.update', entityType: 'seller_terms', entityId: sellerOrgId, before, after: row });
  return row;
}

// ---------------------------------------------------------------- checkout payment and escrow
export interface CheckoutInput {
  order_id: string;
  seller_org_id: string;
  currency: string;
  /** Goods and shipping in minor units: held in escrow for the seller. */
  amount: number;
  /** Duties and taxes collected at checkout (e.g. IOSS VAT), paid to tax_payable at capture. */
  tax_amount?: number;
  provider?: string;
}

const publicPayment = (p: any) => ({
  id: p.id, order_id: p.order_id, buyer_org_id: p.org_id, seller_org_id: p.seller_org_id, provider: p.provider, provider_ref: p.provider_ref,
  currency: p.currency, amount: p.amount, tax_amount: p.tax_amount, total: p.amount + p.tax_amount, status: p.status, failure_reason: p.failure_reason,
  created_at: p.created_at, updated_at: p.updated_at,
});

/**
 * The buyer pays an order: the provider authorises and captures; the capture arrives by webhook
 * and only then moves money (recordCapture). Returns the payment (status authorised or failed).
 */
export async function startCheckout(tx: Executor, ctx: AuthContext, s: Services, input: CheckoutInput) {
  if (!isCurrency(input.currency)) throw badRequest(`Unknown ISO 4217 currency "${input.currency}"`, 'currency');
  assertPositiveMinor(input.amount);
  const tax = input.tax_amount ?? 0;
  if (!Number.isSafeInteger(tax) || tax < 0) throw badRequest('tax_amount must be a non-negative integer number of minor units', 'tax_amount');
  if (input.seller_org_id === ctx.orgId) throw badRequest('A buyer cannot pay its own organisation', 'seller_org_id');
  const p = provider(s, input.provider ?? 'sandbox');
  const existing = await tx.maybeOne(`SELECT * FROM ledger_escrows WHERE order_id = $1 FOR UPDATE`, [input.order_id]);
  if (existing) {
    if (existing.buyer_org_id !== ctx.orgId) throw notFound('Order escrow', input.order_id);
    if (existing.status !== 'awaiting_payment') throw conflict(`Order ${input.order_id} is already paid`, { status: existing.status });
    const live = await tx.maybeOne(`SELECT id FROM ledger_payments WHERE order_id = $1 AND status IN ('authorising','authorised','captured')`, [input.order_id]);
    if (live) throw conflict(`Order ${input.order_id} has a payment in progress (${live.id})`);
  }
  const id = newId('pay');
  await tx.query(
    `INSERT INTO ledger_payments (id, org_id, seller_org_id, order_id, provider, currency, amount, tax_amount, status) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,'authorising')`,
    [id, ctx.orgId, input.seller_org_id, input.order_id, p.name, input.currency, input.amount, tax],
  );
  if (!existing) {
    await tx.query(
      `INSERT INTO ledger_escrows (order_id, org_id, buyer_org_id, currency, amount, tax_amount, status, payment_id) VALUES ($1,$2,$3,$4,$5,$6,'awaiting_payment',$7)`,
      [input.order_id, input.seller_org_id, ctx.orgId, input.currency, input.amount, tax, id],
    );
  } else {
    await tx.query(`UPDATE ledger_escrows SET amount = $2, tax_amount = $3, currency = $4, payment_id = $5, updated_at = now() WHERE order_id = $1`, [input.order_id, input.amount, tax, input.currency, id]);
  }
  await sellerTerms(tx, input.seller_org_id);
  const total = input.amount + tax;
  const auth = await p.authorise(tx, { reference: id, amount: total, currency: input.currency });
  if (auth.status === 'declined') {
    await tx.query(`UPDATE ledger_payments SET status = 'failed', provider_ref = $2, failure_reason = $3, updated_at = now() WHERE id = $1`, [id, auth.providerRef, auth.reason ?? 'declined']);
  } else {
    await tx.query(`UPDATE ledger_payments SET status = 'authorised', provider_ref = $2, updated_at = now() WHERE id = $1`, [id, auth.providerRef]);
    await p.capture(tx, { providerRef: auth.providerRef, reference: id, amount: total, currency: input.currency });
  }
  const row = await tx.one(`SELECT * FROM ledger_payments WHERE id = $1`, [id]);
  await recordAudit(tx, ctx, { action: 'ledger.payment.create', entityType: 'payment', entityId: id, after: publicPayment(row) });
  await emit(tx, ctx, { type: 'ledger.payment.' + (row.status === 'failed' ? 'failed' : 'authorised'), entityType: 'payment', entityId: id, orgId: ctx.orgId, audience: [input.seller_org_id], payload: { order_id: input.order_id, amount: total, currency: input.currency } });
  return publicPayment(row);
}

/**
 * Capture confirmed by the provider: cash in, taxes to tax_payable, and the order amount reserved
 * as a pending transfer buyer_funds → escrow (the escrow). Idempotent per payment.
 */
export async function recordCapture(tx: Executor, paymentId: string) {
  const pay = await tx.maybeOne(`SELECT * FROM ledger_payments WHERE id = $1 FOR UPDATE`, [paymentId]);
  if (!pay) throw notFound('Payment', paymentId);
  if (pay.status === 'captured') return publicPayment(pay);
  if (pay.status !== 'authorised' && pay.status !== 'authorising') throw illegalTransition('Payment', pay.status, 'captured', []);
  const escrow = await tx.one(`SELECT * FROM ledger_escrows WHERE order_id = $1 FOR UPDATE`, [pay.order_id]);
  const cur = pay.currency;
  const cash = await platformAccount(tx, 'provider_cash', cur);
  const buyer = await ensureAccount(tx, pay.org_id, 'buyer_funds', cur);
  const escrowAcc = await platformAccount(tx, 'escrow', cur);
  const ref = { referenceType: 'order', referenceId: pay.order_id };
  const chain: TransferInput[] = [
    { id: `${pay.id}.capture`, kind: 'posted', debitAccountId: cash.id, creditAccountId: buyer.id, amount: pay.amount + pay.tax_amount, reason: `payment captured by ${pay.provider}`, ...ref, linked: true },
  ];
  if (pay.tax_amount > 0) {
    const tax = await platformAccount(tx, 'tax_payable', cur);
    chain.push({ id: `${pay.id}.tax`, kind: 'posted', debitAccountId: buyer.id, creditAccountId: tax.id, amount: pay.tax_amount, reason: 'duties and taxes collected at checkout', ...ref, linked: true });
  }
  chain.push({ id: `${pay.id}.escrow`, kind: 'pending', debitAccountId: buyer.id, creditAccountId: escrowAcc.id, amount: pay.amount, reason: 'order amount held in escrow', ...ref });
  await createTransfersOrThrow(tx, chain);
  await tx.query(`UPDATE ledger_payments SET status = 'captured', updated_at = now() WHERE id = $1`, [pay.id]);
  await tx.query(`UPDATE ledger_escrows SET status = 'held', pending_transfer_id = $2, payment_id = $3, updated_at = now() WHERE order_id = $1`, [pay.order_id, `${pay.id}.escrow`, pay.id]);
  await emit(tx, systemCtx, { type: 'ledger.escrow.held', entityType: 'order', entityId: pay.order_id, orgId: escrow.org_id, audience: [pay.org_id], payload: { payment_id: pay.id, amount: pay.amount, tax_amount: pay.tax_amount, currency: cur } });
  return publicPayment({ ...pay, status: 'captured' });
}

async function lockEscrow(tx: Executor, orderId: string) {
  const e = await tx.maybeOne(`SELECT * FROM ledger_escrows WHERE order_id = $1 FOR UPDATE`, [orderId]);
  if (!e) throw notFound('Order escrow', orderId);
  return e;
}

const heldAmount = (e: any) => e.amount - e.released - e.refunded;

/**
 * Release (part of) the escrow to the seller: posts the pending transfer for `amount` (the rest is
 * held again as a new pending transfer), pays the seller its share and the platform its commission —
 * one linked chain, all or nothing.
 */
export async function releaseEscrow(tx: Executor, s: Services, orderId: string, opts: { amount?: number; reason?: string; force?: boolean; at?: Date } = {}) {
  const e = await lockEscrow(tx, orderId);
  if (!['held', 'partially_released'].includes(e.status)) throw illegalTransition('Escrow', e.status, 'released', []);
  if (e.dispute_open && !opts.force) throw unprocessable('escrow_disputed', `Order ${orderId} has an open dispute; its escrow is held until the dispute is resolved`);
  const held = heldAmount(e);
  const amount = opts.amount ?? held;
  assertPositiveMinor(amount);
  if (amount > held) throw unprocessable('exceeds_escrow', `Only ${held} minor units are held in escrow for order ${orderId}`, { held });
  const terms = await sellerTerms(tx, e.org_id);
  const fee = commissionFor(feeRules(s), { amount, currency: e.currency, tier: terms.tier, sellerSince: new Date(terms.seller_since), at: opts.at ?? new Date() });
  const seq = e.release_seq + 1;
  const escrowAcc = await platformAccount(tx, 'escrow', e.currency);
  const buyer = await ensureAccount(tx, e.buyer_org_id, 'buyer_funds', e.currency);
  const seller = await ensureAccount(tx, e.org_id, 'seller_payable', e.currency);
  const ref = { referenceType: 'order', referenceId: orderId };
  const rest = held - amount;
  const chain: TransferInput[] = [
    { id: `${orderId}.r${seq}.post`, kind: 'post_pending', pendingId: e.pending_transfer_id, amount, reason: opts.reason ?? 'escrow released', ...ref, linked: true },
  ];
  if (rest > 0) chain.push({ id: `${orderId}.r${seq}.hold`, kind: 'pending', debitAccountId: buyer.id, creditAccountId: escrowAcc.id, amount: rest, reason: 'remaining order amount held in escrow', ...ref, linked: true });
  if (amount - fee.commission > 0) chain.push({ id: `${orderId}.r${seq}.seller`, kind: 'posted', debitAccountId: escrowAcc.id, creditAccountId: seller.id, amount: amount - fee.commission, reason: 'order proceeds to seller', ...ref, linked: true });
  if (fee.commission > 0) {
    const revenue = await platformAccount(tx, 'platform_revenue', e.currency);
    chain.push({ id: `${orderId}.r${seq}.fee`, kind: 'posted', debitAccountId: escrowAcc.id, creditAccountId: revenue.id, amount: fee.commission, reason: `platform commission — ${fee.rule}`, ...ref, linked: true });
  }
  chain[chain.length - 1].linked = false;
  await createTransfersOrThrow(tx, chain);
  const status = rest > 0 ? 'partially_released' : 'released';
  await tx.query(
    `UPDATE ledger_escrows SET released = released + $2, commission = commission + $3, release_seq = $4, pending_transfer_id = $5, status = $6, updated_at = now() WHERE order_id = $1`,
    [orderId, amount, fee.commission, seq, rest > 0 ? `${orderId}.r${seq}.hold` : null, status],
  );
  await emit(tx, systemCtx, { type: 'ledger.escrow.released', entityType: 'order', entityId: orderId, orgId: e.org_id, audience: [e.buyer_org_id], payload: { amount, commission: fee.commission, commission_rule: fee.rule, currency: e.currency, status } });
  return { order_id: orderId, released: amount, commission: fee.commission, commission_rule: fee.rule, held_remaining: rest, status };
}

/** Cancellation: void what is still held and refund it (and the taxes, when nothing was released) through the provider. */
export async function cancelEscrow(tx: Executor, s: Services, orderId: string, reason = 'order cancelled') {
  const e = await lockEscrow(tx, orderId);
  if (e.status === 'awaiting_payment') {
    await tx.query(`UPDATE ledger_escrows SET status = 'cancelled', updated_at = now() WHERE order_id = $1`, [orderId]);
    await tx.query(`UPDATE ledger_payments SET status = 'failed', failure_reason = 'order cancelled before capture', updated_at = now() WHERE order_id = $1 AND status IN ('authorising','authorised')`, [orderId]);
    return { order_id: orderId, refunded: 0, status: 'cancelled' };
  }
  if (!['held', 'partially_released'].includes(e.status)) throw illegalTransition('Escrow', e.status, 'cancelled', []);
  const held = heldAmount(e);
  const pay = await tx.one(`SELECT * FROM ledger_payments WHERE id = $1`, [e.payment_id]);
  const buyer = await ensureAccount(tx, e.buyer_org_id, 'buyer_funds', e.currency);
  const cash = await platformAccount(tx, 'provider_cash', e.currency);
  const ref = { referenceType: 'order', referenceId: orderId };
  const taxRefund = e.released === 0 ? e.tax_amount : 0;
  const chain: TransferInput[] = [{ id: `${orderId}.cancel.void`, kind: 'void_pending', pendingId: e.pending_transfer_id, reason, ...ref, linked: true }];
  if (taxRefund > 0) {
    const tax = await platformAccount(tx, 'tax_payable', e.currency);
    chain.push({ id: `${orderId}.cancel.tax`, kind: 'posted', debitAccountId: tax.id, creditAccountId: buyer.id, amount: taxRefund, reason: 'taxes refunded on cancellation', ...ref, linked: true });
  }
  const refundId = newId('rfd');
  chain.push({ id: `${orderId}.cancel.refund`, kind: 'posted', debitAccountId: buyer.id, creditAccountId: cash.id, amount: held + taxRefund, reason: `refund to buyer: ${reason}`, ...ref });
  await createTransfersOrThrow(tx, chain);
  const p = provider(s, pay.provider);
  const r = await p.refund(tx, { paymentProviderRef: pay.provider_ref, reference: refundId, amount: held + taxRefund, currency: e.currency });
  await tx.query(`INSERT INTO ledger_refunds (id, org_id, payment_id, provider, provider_ref, currency, amount, status) VALUES ($1,$2,$3,$4,$5,$6,$7,'requested')`,
    [refundId, e.buyer_org_id, pay.id, pay.provider, r.providerRef, e.currency, held + taxRefund]);
  const status = e.released > 0 ? 'refunded' : 'cancelled';
  await tx.query(`UPDATE ledger_escrows SET refunded = refunded + $2, pending_transfer_id = NULL, status = $3, updated_at = now() WHERE order_id = $1`, [orderId, held, status]);
  if (e.released === 0) await tx.query(`UPDATE ledger_payments SET status = 'refunded', updated_at = now() WHERE id = $1`, [pay.id]);
  await emit(tx, systemCtx, { type: 'ledger.escrow.refunded', entityType: 'order', entityId: orderId, orgId: e.org_id, audience: [e.buyer_org_id], payload: { amount: held, tax_refunded: taxRefund, currency: e.currency, refund_id: refundId, reason } });
  return { order_id: orderId, refunded: held + taxRefund, refund_id: refundId, status };
}

/** Release when both confirmations are in and nothing is disputed. */
async function releaseIfConfirmed(tx: Executor, s: Services, orderId: string) {
  const e = await lockEscrow(tx, orderId);
  if (e.carrier_delivered_at && e.buyer_confirmed_at && !e.dispute_open && ['held', 'partially_released'].includes(e.status)) {
    return releaseEscrow(tx, s, orderId, { reason: 'delivery confirmed by carrier tracking and buyer' });
  }
  return null;
}

/** Tracking reports the order delivered: starts the automatic-release clock; releases when the buyer already confirmed. */
export async function recordCarrierDelivery(tx: Executor, s: Services, orderId: string, deliveredAt = new Date()) {
  const e = await lockEscrow(tx, orderId);
  if (e.carrier_delivered_at) return { order_id: orderId, status: e.status, auto_release_at: e.auto_release_at };
  const autoAt = new Date(deliveredAt.getTime() + feeRules(s).auto_release_days_after_delivery * 86_400_000);
  await tx.query(`UPDATE ledger_escrows SET carrier_delivered_at = $2, auto_release_at = $3, updated_at = now() WHERE order_id = $1`, [orderId, deliveredAt, autoAt]);
  await enqueue(tx, 'ledger.escrow.auto_release', { orderId }, { runAt: autoAt, dedupeKey: 'escrow-auto-release:' + orderId });
  const released = await releaseIfConfirmed(tx, s, orderId);
  return { order_id: orderId, status: released?.status ?? e.status, auto_release_at: autoAt };
}

export async function confirmReceipt(tx: Executor, ctx: AuthContext, s: Services, orderId: string) {
  const e = await lockEscrow(tx, orderId);
  if (e.buyer_org_id !== ctx.orgId) throw notFound('Order escrow', orderId);
  if (!e.buyer_confirmed_at) await tx.query(`UPDATE ledger_escrows SET buyer_confirmed_at = now(), updated_at = now() WHERE order_id = $1`, [orderId]);
  await recordAudit(tx, ctx, { action: 'ledger.escrow.buyer_confirmed', entityType: 'order', entityId: orderId, after: { buyer_confirmed: true } });
  const released = await releaseIfConfirmed(tx, s, orderId);
  return { order_id: orderId, buyer_confirmed: true, carrier_delivered: !!e.carrier_delivered_at, released: released?.released ?? 0, status: released?.status ?? e.status };
}

export async function openDispute(tx: Executor, ctx: AuthContext, orderId: string, reason: string) {
  const e = await lockEscrow(tx, orderId);
  if (e.buyer_org_id !== ctx.orgId && e.org_id !== ctx.orgId && ctx.orgKind !== 'operator') throw notFound('Order escrow', orderId);
  if (!['held', 'partially_released'].includes(e.status)) throw illegalTransition('Escrow', e.status, 'disputed', []);
  await tx.query(`UPDATE ledger_escrows SET dispute_open = true, dispute_reason = $2, updated_at = now() WHERE order_id = $1`, [orderId, reason]);
  await recordAudit(tx, ctx, { action: 'ledger.escrow.dispute_opened', entityType: 'order', entityId: orderId, after: { dispute_open: true, reason } });
  await emit(tx, ctx, { type: 'ledger.escrow.disputed', entityType: 'order', entityId: orderId, orgId: e.org_id, audience: [e.buyer_org_id], payload: { reason } });
  return { order_id: orderId, dispute_open: true };
}

/** Operator decision: release to the seller, refund the buyer, or lift the hold and continue. */
export async function resolveDispute(tx: Executor, ctx: AuthContext, s: Services, orderId: string, outcome: 'release' | 'refund' | 'continue', note?: string) {
  const e = await lockEscrow(tx, orderId);
  if (!e.dispute_open) throw unprocessable('no_open_dispute', `Order ${orderId} has no open dispute`);
  await tx.query(`UPDATE ledger_escrows SET dispute_open = false, updated_at = now() WHERE order_id = $1`, [orderId]);
  await recordAudit(tx, ctx, { action: 'ledger.escrow.dispute_resolved', entityType: 'order', entityId: orderId, before: { dispute_open: true }, after: { dispute_open: false, outcome, note: note ?? null } });
  if (outcome === 'release') return releaseEscrow(tx, s, orderId, { reason: `dispute resolved in the seller's favour${note ? ': ' + note : ''}` });
  if (outcome === 'refund') return cancelEscrow(tx, s, orderId, `dispute resolved in the buyer's favour${note ? ': ' + note : ''}`);
  return (await releaseIfConfirmed(tx, s, orderId)) ?? { order_id: orderId, dispute_open: false, status: e.status };
}

/** Job: N days after delivery without a dispute, release what is still held. */
export function autoReleaseJob(s: Services) {
  return async (job: { payload: { orderId: string } }, db: Db) => {
    await db.transaction(async (tx) => {
      const e = await tx.maybeOne(`SELECT * FROM ledger_escrows WHERE order_id = $1 FOR UPDATE`, [job.payload.orderId]);
      if (!e || e.dispute_open || !['held', 'partially_released'].includes(e.status) || !e.auto_release_at) return;
      await releaseEscrow(tx, s, e.order_id, { reason: `automatic release ${feeRules(s).auto_release_days_after_delivery} days after delivery without dispute` });
    });
  };
}

export async function getEscrow(tx: Executor, ctx: AuthContext, orderId: string) {
  const e = await tx.maybeOne(`SELECT * FROM ledger_escrows WHERE order_id = $1`, [orderId]);
  if (!e || (e.org_id !== ctx.orgId && e.buyer_org_id !== ctx.orgId && ctx.orgKind !== 'operator')) throw notFound('Order escrow', orderId);
  // Timeline: every transfer referencing the order, in journal order.
  const transfers = await tx.query(
    `SELECT t.id, t.kind, t.amount, t.currency, t.pending_status, t.reason, t.created_at, da.kind AS debit_kind, ca.kind AS credit_kind, t.pending_id
       FROM ledger_transfers t JOIN ledger_accounts da ON da.id = t.debit_account_id JOIN ledger_accounts ca ON ca.id = t.credit_account_id
      WHERE t.reference_type = 'order' AND t.reference_id = $1 ORDER BY t.seq`, [orderId]);
  const payments = await tx.query(`SELECT * FROM ledger_payments WHERE order_id = $1 ORDER BY created_at`, [orderId]);
  return {
    order_id: e.order_id, seller_org_id: e.org_id, buyer_org_id: e.buyer_org_id, currency: e.currency, amount: e.amount, tax_amount: e.tax_amount,
    held: ['held', 'partially_released'].includes(e.status) ? heldAmount(e) : 0, released: e.released, refunded: e.refunded, commission: e.commission,
    status: e.status, carrier_delivered_at: e.carrier_delivered_at, buyer_confirmed_at: e.buyer_confirmed_at, dispute_open: e.dispute_open,
    dispute_reason: e.dispute_reason, auto_release_at: e.auto_release_at, payments: payments.map(publicPayment), timeline: transfers,
  };
}

export async function listEscrows(tx: Executor, ctx: AuthContext, q: { status?: string; limit: number }) {
  const rows = await tx.query(
    `SELECT order_id, org_id AS seller_org_id, buyer_org_id, currency, amount, tax_amount, released, refunded, commission, status, dispute_open, carrier_delivered_at, buyer_confirmed_at, created_at
       FROM ledger_escrows WHERE ($1 OR org_id = $2 OR buyer_org_id = $2) AND ($3::text IS NULL OR status = $3) ORDER BY created_at DESC LIMIT ${q.limit}`,
    [ctx.orgKind === 'operator', ctx.orgId, q.status ?? null],
  );
  return { data: rows };
}

// ---------------------------------------------------------------- provider webhooks
/** Handle one verified provider event; the caller recorded its id, so duplicates never reach here. */
export async function handleProviderEvent(tx: Executor, s: Services, providerName: string, ev: ProviderEvent) {
  if (ev.type === 'payment.captured' || ev.type === 'payment.failed') {
    const pay = await tx.maybeOne(`SELECT * FROM ledger_payments WHERE id = $1 AND provider = $2`, [ev.reference, providerName]);
    if (!pay) throw notFound('Payment', ev.reference);
    if (ev.type === 'payment.captured') {
      if (ev.amount !== pay.amount + pay.tax_amount || ev.currency !== pay.currency) throw unprocessable('amount_mismatch', `Provider captured ${ev.amount} ${ev.currency}, payment is ${pay.amount + pay.tax_amount} ${pay.currency}`);
      return recordCapture(tx, pay.id);
    }
    await tx.query(`UPDATE ledger_payments SET status = 'failed', failure_reason = $2, updated_at = now() WHERE id = $1 AND status IN ('authorising','authorised')`, [pay.id, ev.reason ?? 'failed']);
    return { payment_id: pay.id, status: 'failed' };
  }
  if (ev.type === 'refund.succeeded' || ev.type === 'refund.failed') {
    await tx.query(`UPDATE ledger_refunds SET status = $2, updated_at = now() WHERE id = $1`, [ev.reference, ev.type === 'refund.succeeded' ? 'succeeded' : 'failed']);
    return { refund_id: ev.reference };
  }
  if (ev.type === 'payout.paid' || ev.type === 'payout.failed') {
    const po = await tx.maybeOne(`SELECT * FROM ledger_payouts WHERE id = $1 FOR UPDATE`, [ev.reference]);
    if (!po) throw notFound('Payout', ev.reference);
    if (po.status !== 'requested') return { payout_id: po.id, status: po.status };
    const paid = ev.type === 'payout.paid';
    await createTransfersOrThrow(tx, [{
      id: `${po.id}.${paid ? 'paid' : 'failed'}`, kind: paid ? 'post_pending' : 'void_pending', pendingId: po.transfer_id,
      reason: paid ? 'payout paid to bank account' : `payout failed: ${ev.reason ?? 'unknown'}`, referenceType: 'payout', referenceId: po.id,
    }]);
    await tx.query(`UPDATE ledger_payouts SET status = $2, updated_at = now() WHERE id = $1`, [po.id, paid ? 'paid' : 'failed']);
    await emit(tx, systemCtx, { type: `ledger.payout.${paid ? 'paid' : 'failed'}`, entityType: 'payout', entityId: po.id, orgId: po.org_id, payload: { amount: po.amount, currency: po.currency } });
    return { payout_id: po.id, status: paid ? 'paid' : 'failed' };
  }
  throw badRequest(`Unknown provider event type "${(ev as any).type}"`);
}

// ---------------------------------------------------------------- charges, deposits, penalties
export interface PostingInput {
  currency: string;
  amount: number;
  reason: string;
  referenceType: string;
  referenceId: string;
  /** Optional explicit id; by default derived from the reference, so a repeat is a no-op. */
  transferId?: string;
}

const postingId = (prefix: string, p: PostingInput) => p.transferId ?? `${prefix}:${p.referenceType}:${p.referenceId}`;

async function post(tx: Executor, id: string, debitId: string, creditId: string, p: PostingInput) {
  assertPositiveMinor(p.amount);
  const [r] = await createTransfersOrThrow(tx, [{ id, kind: 'posted', debitAccountId: debitId, creditAccountId: creditId, amount: p.amount, reason: p.reason, referenceType: p.referenceType, referenceId: p.referenceId }]);
  return { transfer_id: id, status: r.status };
}

/** A carrier's charge to a seller (shipping): seller_payable → carrier_payable. */
export async function postCarrierCharge(tx: Executor, input: PostingInput & { sellerOrgId: string; carrierOrgId: string }) {
  const seller = await ensureAccount(tx, input.sellerOrgId, 'seller_payable', input.currency);
  const carrier = await ensureAccount(tx, input.carrierOrgId, 'carrier_payable', input.currency);
  return post(tx, postingId('carrier', input), seller.id, carrier.id, input);
}

/** A warehouse's fee to a seller (storage, handling): seller_payable → warehouse_payable. */
export async function postWarehouseFee(tx: Executor, input: PostingInput & { sellerOrgId: string; warehouseOrgId: string }) {
  const seller = await ensureAccount(tx, input.sellerOrgId, 'seller_payable', input.currency);
  const wh = await ensureAccount(tx, input.warehouseOrgId, 'warehouse_payable', input.currency);
  return post(tx, postingId('warehouse', input), seller.id, wh.id, input);
}

/** A provider (carrier, warehouse) pays its security deposit: provider cash → deposit. */
export async function recordDeposit(tx: Executor, input: PostingInput & { providerOrgId: string }) {
  const cash = await platformAccount(tx, 'provider_cash', input.currency);
  const dep = await ensureAccount(tx, input.providerOrgId, 'deposit', input.currency);
  return post(tx, postingId('deposit', input), cash.id, dep.id, input);
}

/**
 * SLA penalty (for the tracking/SLA module): taken from the provider's deposit and paid to the
 * beneficiary (usually the seller). Fails with 422 insufficient_funds when the deposit is short.
 */
export async function penaliseDeposit(tx: Executor, input: PostingInput & { providerOrgId: string; beneficiaryOrgId: string }) {
  const dep = await ensureAccount(tx, input.providerOrgId, 'deposit', input.currency);
  const to = await ensureAccount(tx, input.beneficiaryOrgId, 'seller_payable', input.currency);
  const r = await post(tx, postingId('penalty', input), dep.id, to.id, input);
  await emit(tx, systemCtx, { type: 'ledger.deposit.penalised', entityType: input.referenceType, entityId: input.referenceId, orgId: input.providerOrgId, audience: [input.beneficiaryOrgId], payload: { amount: input.amount, currency: input.currency, reason: input.reason } });
  return r;
}

// ---------------------------------------------------------------- FX
export async function createFxRate(tx: Executor, ctx: AuthContext, input: { source: string; date: string; base: string; quote: string; rate: string; spread?: string }) {
  for (const [f, c] of [['base', input.base], ['quote', input.quote]] as const) if (!isCurrency(c)) throw badRequest(`Unknown ISO 4217 currency "${c}"`, f);
  if (input.base === input.quote) throw badRequest('base and quote must differ', 'quote');
  if (!/^\d+(\.\d+)?$/.test(input.rate) || /^0+(\.0+)?$/.test(input.rate)) throw badRequest('rate must be a positive exact decimal string', 'rate');
  if (input.spread !== undefined && !/^0(\.\d+)?$/.test(input.spread)) throw badRequest('spread must be a decimal fraction below 1, e.g. "0.005"', 'spread');
  const id = newId('fxr');
  const row = await tx.one(`INSERT INTO ledger_fx_rates (id, source, rate_date, base, quote, rate, spread) VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING *`,
    [id, input.source, input.date, input.base, input.quote, input.rate, input.spread ?? '0']);
  await recordAudit(tx, ctx, { action: 'ledger.fx_rate.create', entityType: 'fx_rate', entityId: id, after: row });
  return row;
}

/**
 * Convert an organisation's balance between currencies: two linked transfers through the
 * platform's fx_position accounts at a recorded rate snapshot (stored on both transfers).
 */
export async function convertCurrency(tx: Executor, ctx: AuthContext, input: { kind?: 'seller_payable' | 'buyer_funds'; amount: number; rate_id: string; conversion_id?: string }) {
  assertPositiveMinor(input.amount);
  const rate = await tx.maybeOne(`SELECT * FROM ledger_fx_rates WHERE id = $1`, [input.rate_id]);
  if (!rate) throw notFound('FX rate', input.rate_id);
  const kind = input.kind ?? 'seller_payable';
  const converted = convertMinor(input.amount, minorUnits(rate.base), minorUnits(rate.quote), rate.rate, rate.spread);
  if (converted <= 0) throw unprocessable('amount_too_small', 'The converted amount rounds to zero');
  const from = await ensureAccount(tx, ctx.orgId, kind, rate.base);
  const to = await ensureAccount(tx, ctx.orgId, kind, rate.quote);
  const fxFrom = await platformAccount(tx, 'fx_position', rate.base);
  const fxTo = await platformAccount(tx, 'fx_position', rate.quote);
  const id = input.conversion_id ?? newId('fxc');
  const common = { reason: `FX ${rate.base}→${rate.quote} at ${rate.rate} (spread ${rate.spread}, ${rate.source} ${new Date(rate.rate_date).toISOString().slice(0, 10)})`, referenceType: 'fx_conversion', referenceId: id, fxRateId: rate.id, fxRate: rate.rate };
  const results = await createTransfersOrThrow(tx, [
    { id: `${id}.sell`, kind: 'posted', debitAccountId: from.id, creditAccountId: fxFrom.id, amount: input.amount, ...common, linked: true },
    { id: `${id}.buy`, kind: 'posted', debitAccountId: fxTo.id, creditAccountId: to.id, amount: converted, ...common },
  ]);
  await recordAudit(tx, ctx, { action: 'ledger.fx.convert', entityType: 'fx_conversion', entityId: id, after: { from: rate.base, to: rate.quote, amount: input.amount, converted, rate: rate.rate, spread: rate.spread } });
  return { conversion_id: id, from_currency: rate.base, to_currency: rate.quote, amount: input.amount, converted, rate: rate.rate, spread: rate.spread, rate_id: rate.id, rounding: 'toward zero', status: results[0].status };
}

// ---------------------------------------------------------------- bank details and payouts
export async function setBankAccount(tx: Executor, ctx: AuthContext, s: Services, input: { currency: string; holder: string; bank_name: string; account: string }) {
  if (!isCurrency(input.currency)) throw badRequest(`Unknown ISO 4217 currency "${input.currency}"`, 'currency');
  const account = input.account.replace(/\s+/g, '');
  if (!/^[A-Z0-9]{6,34}$/i.test(account)) throw badRequest('account must be an IBAN or account number (6–34 letters and digits)', 'account');
  const last4 = account.slice(-4);
  await tx.query(
    `INSERT INTO ledger_bank_accounts (org_id, currency, holder, bank_name, account_sealed, account_last4) VALUES ($1,$2,$3,$4,$5,$6)
     ON CONFLICT (org_id, currency) DO UPDATE SET holder = EXCLUDED.holder, bank_name = EXCLUDED.bank_name, account_sealed = EXCLUDED.account_sealed, account_last4 = EXCLUDED.account_last4, updated_at = now()`,
    [ctx.orgId, input.currency, input.holder, input.bank_name, s.secrets.seal(account), last4],
  );
  await recordAudit(tx, ctx, { action: 'ledger.bank_account.set', entityType: 'bank_account', entityId: `${ctx.orgId}:${input.currency}`, after: { currency: input.currency, holder: input.holder, bank_name: input.bank_name, account: '…' + last4 } });
  return { currency: input.currency, holder: input.holder, bank_name: input.bank_name, account_masked: '•••• ' + last4 };
}

export async function listBankAccounts(tx: Executor, ctx: AuthContext) {
  const rows = await tx.query(`SELECT currency, holder, bank_name, account_last4, updated_at FROM ledger_bank_accounts WHERE org_id = $1 ORDER BY currency`, [ctx.orgId]);
  return { data: rows.map((r) => ({ currency: r.currency, holder: r.holder, bank_name: r.bank_name, account_masked: '•••• ' + r.account_last4, updated_at: r.updated_at })) };
}

/** Pay out (part of) the seller's payable balance: pending transfer now, posted when the provider confirms. */
export async function requestPayout(tx: Executor, ctx: AuthContext, s: Services, input: { currency: string; amount?: number; provider?: string }) {
  const bank = await tx.maybeOne(`SELECT * FROM ledger_bank_accounts WHERE org_id = $1 AND currency = $2`, [ctx.orgId, input.currency]);
  if (!bank) throw unprocessable('no_bank_account', `Add a ${input.currency} bank account before requesting a payout`);
  // denied-party screening before payout: the account holder (a hit refuses the payout)
  await screeningGate(tx, ctx, { what: 'Payout refused', name: bank.holder, role: 'organisation', reference: `payout-holder:${bank.id ?? bank.org_id}` });
  const acc = await ensureAccount(tx, ctx.orgId, 'seller_payable', input.currency);
  const available = acc.credits_posted - acc.debits_posted - acc.debits_pending;
  const amount = input.amount ?? available;
  if (amount <= 0) throw unprocessable('insufficient_funds', `Nothing available to pay out in ${input.currency}`, { available });
  assertPositiveMinor(amount);
  const min = feeRules(s).payout_minimum_minor[input.currency] ?? 0;
  if (amount < min) throw unprocessable('below_payout_minimum', `Payouts in ${input.currency} start at ${min} minor units`, { minimum: min });
  const p = provider(s, input.provider ?? 'sandbox');
  const id = newId('pot');
  const cash = await platformAccount(tx, 'provider_cash', input.currency);
  await createTransfersOrThrow(tx, [{ id: `${id}.hold`, kind: 'pending', debitAccountId: acc.id, creditAccountId: cash.id, amount, reason: `payout to ${bank.bank_name} •••• ${bank.account_last4}`, referenceType: 'payout', referenceId: id }]);
  const r = await p.payout(tx, { reference: id, amount, currency: input.currency, bank: { holder: bank.holder, bankName: bank.bank_name, account: s.secrets.open(bank.account_sealed) } });
  const row = await tx.one(
    `INSERT INTO ledger_payouts (id, org_id, provider, provider_ref, currency, amount, status, transfer_id, account_last4) VALUES ($1,$2,$3,$4,$5,$6,'requested',$7,$8) RETURNING *`,
    [id, ctx.orgId, p.name, r.providerRef, input.currency, amount, `${id}.hold`, bank.account_last4],
  );
  await recordAudit(tx, ctx, { action: 'ledger.payout.request', entityType: 'payout', entityId: id, after: { amount, currency: input.currency } });
  await emit(tx, ctx, { type: 'ledger.payout.requested', entityType: 'payout', entityId: id, orgId: ctx.orgId, payload: { amount, currency: input.currency } });
  return row;
}

export async function listPayouts(tx: Executor, ctx: AuthContext) {
  return { data: await tx.query(`SELECT * FROM ledger_payouts WHERE org_id = $1 ORDER BY created_at DESC LIMIT 200`, [ctx.orgId]) };
}

export function assertOperator(ctx: AuthContext) {
  if (ctx.orgKind !== 'operator') throw forbidden('Only the platform operator may do this');
}

export { PLATFORM, AppError };
