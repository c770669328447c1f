// SLA contracts: a lane's promise as data (transit days, breach threshold, penalty formula, caps,
// exclusions, milestone payments). Carriers post deposits in the ledger; on delivery the
// evaluation runs and a penalty moves from the carrier's deposit to the seller; disputes go to the
// operator. Milestones (e.g. warehouse receipt) release the agreed part of the carrier's fee once
// the receiving party accepts.
import type { Services } from '../../http/services.ts';
import { recordAudit } from '../../kernel/audit.ts';
import type { AuthContext } from '../../kernel/context.ts';
import type { Executor } from '../../kernel/db.ts';
import { AppError, badRequest, forbidden, illegalTransition, notFound, unprocessable } from '../../kernel/errors.ts';
import { emit } from '../../kernel/events.ts';
import { shareRecord, visibleToSql } from '../../kernel/grants.ts';
import { newId } from '../../kernel/ids.ts';
import { isCurrency } from '../../kernel/money.ts';
import { toPage } from '../../kernel/pagination.ts';
import { createTransfersOrThrow, ensureAccount, penaliseDeposit, postCarrierCharge, recordCarrierDelivery, recordDeposit, listLanes } from './deps.ts';
import { evaluateSla, milestoneAmount, validateTerms, type DemurrageTariff, type SlaTerms } from '../../engines/exceptions/index.ts';
import { attempt, iso, isoDay } from './state.ts';

const ledgerCtx = { requestId: 'tracking', userId: null };

export function publicContract(r: any) {
  return {
    id: r.id, org_id: r.org_id, carrier_org_id: r.carrier_org_id, seller_org_id: r.seller_org_id, lane_id: r.lane_id, name: r.name, terms: r.terms,
    demurrage: r.demurrage, status: r.status, valid_from: isoDay(r.valid_from), valid_to: isoDay(r.valid_to), created_at: r.created_at, updated_at: r.updated_at,
  };
}

export interface ContractInput {
  name: string;
  lane_id: string;
  seller_org_id: string;
  carrier_org_id?: string;
  valid_from: string;
  valid_to: string;
  terms: SlaTerms;
  demurrage?: DemurrageTariff;
}

/** The lane's carrier (or the operator) offers the contract; the seller is granted read access. */
export async function createContract(tx: Executor, ctx: AuthContext, input: ContractInput) {
  const lane = (await listLanes(tx, ctx)).find((l) => l.id === input.lane_id);
  if (!lane) throw notFound('Lane', input.lane_id);
  const carrierOrgId = lane.provider_org_id;
  if (ctx.orgKind !== 'operator' && ctx.orgId !== carrierOrgId) throw forbidden('Only the lane\'s carrier or the operator offers an SLA contract on it');
  if (input.carrier_org_id && input.carrier_org_id !== carrierOrgId) throw badRequest('carrier_org_id must be the lane\'s provider', 'carrier_org_id');
  if (!isCurrency(input.terms.currency)) throw badRequest(`Unknown ISO 4217 currency "${input.terms.currency}"`, 'terms.currency');
  const errors = validateTerms(input.terms);
  if (errors.length) throw badRequest(errors.join('; '), 'terms');
  if (input.valid_from > input.valid_to) throw badRequest('valid_from must not be after valid_to', 'valid_from');
  const id = newId('slc');
  const row = await tx.one(
    `INSERT INTO tracking_contracts (id, org_id, carrier_org_id, seller_org_id, lane_id, name, terms, demurrage, valid_from, valid_to) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) RETURNING *`,
    [id, ctx.orgId, carrierOrgId, input.seller_org_id, input.lane_id, input.name, JSON.stringify(input.terms), input.demurrage ? JSON.stringify(input.demurrage) : null, input.valid_from, input.valid_to],
  );
  for (const org of new Set([input.seller_org_id, carrierOrgId])) {
    if (org !== ctx.orgId) await shareRecord(tx, ctx.orgId, { granteeOrgId: org, entityType: 'sla_contract', entityId: id, permissions: ['read'], reason: 'party to the SLA contract', createdBy: ctx.userId });
  }
  await recordAudit(tx, ctx, { action: 'contracts.contract.create', entityType: 'sla_contract', entityId: id, after: { lane_id: input.lane_id, seller_org_id: input.seller_org_id, terms: input.terms } });
  await emit(tx, ctx, { type: 'contracts.contract.created', entityType: 'sla_contract', entityId: id, orgId: ctx.orgId, audience: [input.seller_org_id, carrierOrgId].filter((o) => o !== ctx.orgId), payload: { lane_id: input.lane_id, promised_transit_days: input.terms.promisedTransitDays } });
  return publicContract(row);
}

export async function listContracts(tx: Executor, ctx: AuthContext, q: { limit: number; cursor?: string; lane_id?: string }) {
  const where = [visibleToSql('c', 'sla_contract', '$1')];
  const params: unknown[] = [ctx.orgId];
  if (q.lane_id) { params.push(q.lane_id); where.push(`c.lane_id = $${params.length}`); }
  if (q.cursor) { params.push(q.cursor); where.push(`c.id < $${params.length}`); }
  const rows = await tx.query(`SELECT c.* FROM tracking_contracts c WHERE ${where.join(' AND ')} ORDER BY c.id DESC LIMIT ${q.limit + 1}`, params);
  return toPage(rows.map(publicContract), q.limit, (r) => r.id);
}

async function loadContract(tx: Executor, ctx: AuthContext, id: string) {
  const r = await tx.maybeOne(`SELECT c.* FROM tracking_contracts c WHERE c.id = $1 AND ${visibleToSql('c', 'sla_contract', '$2')}`, [id, ctx.orgId]);
  if (!r) throw notFound('SLA contract', id);
  return r;
}

export async function getContract(tx: Executor, ctx: AuthContext, id: string) {
  return publicContract(await loadContract(tx, ctx, id));
}

export async function endContract(tx: Executor, ctx: AuthContext, id: string) {
  const r = await loadContract(tx, ctx, id);
  if (r.org_id !== ctx.orgId) throw forbidden('Only the organisation that offered the contract ends it');
  const row = await tx.one(`UPDATE tracking_contracts SET status = 'ended', updated_at = now() WHERE id = $1 RETURNING *`, [id]);
  await recordAudit(tx, ctx, { action: 'contracts.contract.end', entityType: 'sla_contract', entityId: id, before: { status: r.status }, after: { status: 'ended' } });
  return publicContract(row);
}

// ---------------------------------------------------------------- deposits (ledger)

/** A carrier posts (tops up) its SLA deposit: ledger provider cash → the carrier's deposit account. */
export async function postDeposit(tx: Executor, ctx: AuthContext, input: { amount: number; currency: string; reference?: string }) {
  if (ctx.orgKind !== 'carrier' && ctx.orgKind !== 'warehouse') throw forbidden('Deposits are posted by provider organisations (carriers, warehouses)');
  const ref = newId('dep');
  const r = await recordDeposit(tx, { providerOrgId: ctx.orgId, currency: input.currency, amount: input.amount, reason: `SLA deposit${input.reference ? ' ' + input.reference : ''}`, referenceType: 'sla_deposit', referenceId: ref });
  await recordAudit(tx, ctx, { action: 'contracts.deposit.post', entityType: 'sla_deposit', entityId: ref, after: { amount: input.amount, currency: input.currency } });
  return { id: ref, transfer_id: r.transfer_id, ...(await depositBalance(tx, ctx.orgId, input.currency)) };
}

export async function depositBalance(tx: Executor, orgId: string, currency: string) {
  const a = await ensureAccount(tx, orgId, 'deposit', currency);
  return { currency, balance: a.credits_posted - a.debits_posted };
}

/** Deposit balances of the caller in the currencies of its contracts (or the one asked for). */
export async function listDeposits(tx: Executor, ctx: AuthContext, currency?: string) {
  const currencies = currency ? [currency] : (await tx.query(`SELECT DISTINCT terms->>'currency' AS c FROM tracking_contracts WHERE carrier_org_id = $1`, [ctx.orgId])).map((r) => r.c);
  const out = [];
  for (const c of currencies) if (isCurrency(c)) out.push(await depositBalance(tx, ctx.orgId, c));
  return { data: out };
}

// ---------------------------------------------------------------- SLA evaluation on delivery

export function publicEvaluation(r: any) {
  return {
    id: r.id, shipment_id: r.shipment_id, contract_id: r.contract_id, seller_org_id: r.org_id, carrier_org_id: r.carrier_org_id, lane_id: r.lane_id,
    breached: r.breached, days_late: r.days_late, penalty: { amount: Number(r.penalty_minor), currency: r.currency }, status: r.status,
    computation: r.evaluation, transfer_id: r.transfer_id, dispute_reason: r.dispute_reason, resolution_note: r.resolution_note,
    tracking_number: r.tracking_number ?? undefined, created_at: r.created_at, updated_at: r.updated_at,
  };
}

/** Hours of customs holds the broker/operator attributed to the seller (exception since → resolution or delivery). */
async function sellerHoldHours(tx: Executor, shp: any): Promise<number> {
  const rows = await tx.query(`SELECT since, resolved_at FROM tracking_exceptions WHERE shipment_id = $1 AND rule = 'customs_hold' AND cause = 'seller'`, [shp.id]);
  let hours = 0;
  for (const r of rows) {
    const end = r.resolved_at ?? shp.delivered_at;
    if (end) hours += Math.max(0, (new Date(end).getTime() - new Date(r.since).getTime()) / 3_600_000);
  }
  return hours;
}

/**
 * Evaluate the shipment's SLA once it is delivered (subscriber of tracking.shipment.delivered,
 * idempotent): the active contract of (lane, carrier, seller) decides; a penalty is posted from the
 * carrier's deposit to the seller with the computation stored beside it.
 */
export async function evaluateDelivered(tx: Executor, s: Services, shipmentId: string) {
  const shp = await tx.maybeOne(`SELECT * FROM tracking_shipments WHERE id = $1 FOR UPDATE`, [shipmentId]);
  if (!shp || !shp.delivered_at) return null;
  if (shp.order_id) await attempt(tx, 'tl_escrow', () => recordCarrierDelivery(tx, s, shp.order_id, new Date(shp.delivered_at)));
  const done = await tx.maybeOne(`SELECT * FROM tracking_sla_evaluations WHERE shipment_id = $1`, [shipmentId]);
  if (done || !shp.lane_id || !shp.carrier_org_id) return done ? publicEvaluation(done) : null;
  const day = isoDay(shp.delivered_at);
  const c = await tx.maybeOne(
    `SELECT * FROM tracking_contracts WHERE lane_id = $1 AND carrier_org_id = $2 AND seller_org_id = $3 AND status = 'active' AND valid_from <= $4 AND valid_to >= $4 ORDER BY created_at DESC LIMIT 1`,
    [shp.lane_id, shp.carrier_org_id, shp.org_id, day],
  );
  if (!c) return null;
  const terms = c.terms as SlaTerms;
  const pickedUpAt = iso(shp.picked_up_at) ?? (shp.ship_date ? `${isoDay(shp.ship_date)}T00:00:00.000Z` : null);
  if (!pickedUpAt) return null;
  const freight = shp.freight_minor !== null && shp.freight_currency === terms.currency ? Number(shp.freight_minor) : null;
  const ev = evaluateSla(terms, { pickedUpAt, deliveredAt: iso(shp.delivered_at)!, freightMinor: freight, sellerHoldHours: await sellerHoldHours(tx, shp), forceMajeure: shp.force_majeure });
  const id = newId('slb');
  let status = !ev.breached ? 'met' : ev.excludedBy ? 'excluded' : ev.penaltyMinor > 0 ? 'penalised' : 'met';
  let transferId: string | null = null;
  await tx.query(
    `INSERT INTO tracking_sla_evaluations (id, org_id, shipment_id, contract_id, carrier_org_id, lane_id, evaluation, breached, days_late, penalty_minor, currency, status)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)`,
    [id, shp.org_id, shp.id, c.id, shp.carrier_org_id, shp.lane_id, JSON.stringify({ ...ev, terms }), ev.breached, ev.daysLate, ev.penaltyMinor, terms.currency, status],
  );
  if (status === 'penalised') {
    const posted = await attempt(tx, 'tl_penalty', () => penaliseDeposit(tx, {
      providerOrgId: shp.carrier_org_id, beneficiaryOrgId: shp.org_id, currency: terms.currency, amount: ev.penaltyMinor,
      reason: `SLA ${c.name}: promised ${ev.promisedDays} days, delivered in ${ev.transitDays} (${shp.tracking_number})`, referenceType: 'sla_evaluation', referenceId: id,
    }));
    if (posted.ok) transferId = posted.value.transfer_id;
    else if (posted.error instanceof AppError && posted.error.status === 422) status = 'insufficient_deposit';
    else throw posted.error;
    await tx.query(`UPDATE tracking_sla_evaluations SET status = $2, transfer_id = $3 WHERE id = $1`, [id, status, transferId]);
  }
  if (ev.breached) {
    await emit(tx, ledgerCtx, {
      type: 'contracts.sla.breached', entityType: 'sla_evaluation', entityId: id, orgId: shp.org_id, audience: [shp.carrier_org_id],
      payload: { shipment_id: shp.id, contract_id: c.id, days_late: ev.daysLate, penalty: { amount: ev.penaltyMinor, currency: terms.currency }, status, steps: ev.steps },
    });
  }
  return publicEvaluation(await tx.one(`SELECT * FROM tracking_sla_evaluations WHERE id = $1`, [id]));
}

const BREACH_SELECT = `SELECT b.*, s.tracking_number FROM tracking_sla_evaluations b JOIN tracking_shipments s ON s.id = b.shipment_id`;

/** Evaluations visible to the seller (owner), the carrier, and the operator (all). */
export async function listEvaluations(tx: Executor, ctx: AuthContext, q: { limit: number; cursor?: string; status?: string; breached?: boolean }) {
  const where = [ctx.orgKind === 'operator' ? 'true' : '(b.org_id = $1 OR b.carrier_org_id = $1)'];
  const params: unknown[] = [ctx.orgId];
  if (q.status) { params.push(q.status); where.push(`b.status = $${params.length}`); }
  if (q.breached !== undefined) { params.push(q.breached); where.push(`b.breached = $${params.length}`); }
  if (q.cursor) { params.push(q.cursor); where.push(`b.id < $${params.length}`); }
  const rows = await tx.query(`${BREACH_SELECT} WHERE ${where.join(' AND ')} ORDER BY b.id DESC LIMIT ${q.limit + 1}`, params);
  return toPage(rows.map(publicEvaluation), q.limit, (r) => r.id);
}

async function loadEvaluation(tx: Executor, ctx: AuthContext, id: string) {
  const r = await tx.maybeOne(`${BREACH_SELECT} WHERE b.id = $1 FOR UPDATE OF b`, [id]);
  if (!r || (ctx.orgKind !== 'operator' && r.org_id !== ctx.orgId && r.carrier_org_id !== ctx.orgId)) throw notFound('SLA evaluation', id);
  return r;
}

export async function getEvaluation(tx: Executor, ctx: AuthContext, id: string) {
  return publicEvaluation(await loadEvaluation(tx, ctx, id));
}

/** Carrier or seller disputes the outcome; the operator decides. */
export async function disputeEvaluation(tx: Executor, ctx: AuthContext, id: string, reason: string) {
  const r = await loadEvaluation(tx, ctx, id);
  if (r.org_id !== ctx.orgId && r.carrier_org_id !== ctx.orgId) throw forbidden('Only the seller or the carrier disputes an SLA outcome');
  if (!['penalised', 'met', 'excluded', 'insufficient_deposit'].includes(r.status)) throw illegalTransition('SLA evaluation', r.status, 'disputed', []);
  await tx.query(`UPDATE tracking_sla_evaluations SET status = 'disputed', dispute_reason = $2, updated_at = now() WHERE id = $1`, [id, reason]);
  await recordAudit(tx, ctx, { action: 'contracts.sla.dispute', entityType: 'sla_evaluation', entityId: id, orgId: r.org_id, before: { status: r.status }, after: { status: 'disputed', reason } });
  await emit(tx, ctx, { type: 'contracts.sla.disputed', entityType: 'sla_evaluation', entityId: id, orgId: r.org_id, audience: [r.carrier_org_id], payload: { reason, previous_status: r.status } });
  return getEvaluation(tx, ctx, id);
}

/**
 * Operator decision. `uphold` keeps the outcome; `reverse` returns a posted penalty from the
 * seller to the carrier's deposit (ledger transfer), or — for an outcome without penalty —
 * records that the carrier owes nothing more.
 */
export async function resolveEvaluation(tx: Executor, ctx: AuthContext, id: string, outcome: 'uphold' | 'reverse', note?: string) {
  if (ctx.orgKind !== 'operator') throw notFound('SLA evaluation', id);
  const r = await loadEvaluation(tx, ctx, id);
  if (r.status !== 'disputed') throw illegalTransition('SLA evaluation', r.status, outcome === 'uphold' ? 'upheld' : 'reversed', r.status === 'disputed' ? ['upheld', 'reversed'] : []);
  if (outcome === 'reverse' && r.transfer_id) {
    const from = await ensureAccount(tx, r.org_id, 'seller_payable', r.currency);
    const to = await ensureAccount(tx, r.carrier_org_id, 'deposit', r.currency);
    await createTransfersOrThrow(tx, [{ id: `penalty-reversal:sla_evaluation:${id}`, kind: 'posted', debitAccountId: from.id, creditAccountId: to.id, amount: Number(r.penalty_minor), reason: `SLA penalty reversed by the operator${note ? ': ' + note : ''}`, referenceType: 'sla_evaluation', referenceId: id }]);
  }
  const status = outcome === 'uphold' ? 'upheld' : 'reversed';
  await tx.query(`UPDATE tracking_sla_evaluations SET status = $2, resolution_note = $3, updated_at = now() WHERE id = $1`, [id, status, note ?? null]);
  await recordAudit(tx, ctx, { action: 'contracts.sla.resolve', entityType: 'sla_evaluation', entityId: id, orgId: r.org_id, before: { status: r.status }, after: { status, note: note ?? null } });
  await emit(tx, ctx, { type: `contracts.sla.${status}`, entityType: 'sla_evaluation', entityId: id, orgId: r.org_id, audience: [r.carrier_org_id], payload: { note: note ?? null } });
  return getEvaluation(tx, ctx, id);
}

// ---------------------------------------------------------------- milestone payments

export function publicMilestone(r: any) {
  return {
    id: r.id, shipment_id: r.shipment_id, contract_id: r.contract_id, carrier_org_id: r.carrier_org_id, seller_org_id: r.org_id, stage: r.stage, label: r.label,
    percent_bp: r.percent_bp, amount: { amount: Number(r.amount_minor), currency: r.currency }, status: r.status, reached_at: r.reached_at,
    accepted_by_org_id: r.accepted_by_org_id, transfer_id: r.transfer_id, released_at: r.released_at, tracking_number: r.tracking_number ?? undefined,
  };
}

/** Subscriber: a stage reached for the first time creates the contract's milestone for it (if any). */
export async function milestoneReached(tx: Executor, shipmentId: string, stage: string) {
  const shp = await tx.maybeOne(`SELECT * FROM tracking_shipments WHERE id = $1`, [shipmentId]);
  if (!shp?.lane_id || !shp.carrier_org_id || shp.freight_minor === null) return null;
  const c = await tx.maybeOne(`SELECT * FROM tracking_contracts WHERE lane_id = $1 AND carrier_org_id = $2 AND seller_org_id = $3 AND status = 'active' ORDER BY created_at DESC LIMIT 1`, [shp.lane_id, shp.carrier_org_id, shp.org_id]);
  const m = (c?.terms as SlaTerms | undefined)?.milestones.find((x) => x.stage === stage);
  if (!c || !m || shp.freight_currency !== c.terms.currency) return null;
  const at = await tx.maybeOne(`SELECT min(occurred_at) AS at FROM tracking_events WHERE shipment_id = $1 AND stage = $2`, [shipmentId, stage]);
  const row = await tx.maybeOne(
    `INSERT INTO tracking_milestones (id, org_id, shipment_id, contract_id, carrier_org_id, stage, label, percent_bp, amount_minor, currency, reached_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,COALESCE($11, now())) ON CONFLICT (shipment_id, stage) DO NOTHING RETURNING *`,
    [newId('msp'), shp.org_id, shp.id, c.id, shp.carrier_org_id, stage, m.label ?? stage, m.percentBp, milestoneAmount(Number(shp.freight_minor), m), c.terms.currency, at?.at ?? null],
  );
  if (row) await emit(tx, ledgerCtx, { type: 'contracts.milestone.reached', entityType: 'milestone', entityId: row.id, orgId: shp.org_id, audience: [shp.carrier_org_id, shp.warehouse_org_id].filter(Boolean), payload: { shipment_id: shp.id, stage, amount: Number(row.amount_minor), currency: row.currency } });
  return row;
}

const MS_SELECT = `SELECT m.*, s.tracking_number, s.warehouse_org_id FROM tracking_milestones m JOIN tracking_shipments s ON s.id = m.shipment_id`;

export async function listMilestones(tx: Executor, ctx: AuthContext, q: { limit: number; cursor?: string; status?: string }) {
  const where = [ctx.orgKind === 'operator' ? 'true' : '(m.org_id = $1 OR m.carrier_org_id = $1 OR s.warehouse_org_id = $1)'];
  const params: unknown[] = [ctx.orgId];
  if (q.status) { params.push(q.status); where.push(`m.status = $${params.length}`); }
  if (q.cursor) { params.push(q.cursor); where.push(`m.id < $${params.length}`); }
  const rows = await tx.query(`${MS_SELECT} WHERE ${where.join(' AND ')} ORDER BY m.id DESC LIMIT ${q.limit + 1}`, params);
  return toPage(rows.map(publicMilestone), q.limit, (r) => r.id);
}

/** The seller (or the receiving warehouse) accepts: the agreed part of the carrier's fee is posted seller → carrier. */
export async function acceptMilestone(tx: Executor, ctx: AuthContext, id: string) {
  const r = await tx.maybeOne(`${MS_SELECT} WHERE m.id = $1 FOR UPDATE OF m`, [id]);
  if (!r || (r.org_id !== ctx.orgId && r.warehouse_org_id !== ctx.orgId && r.carrier_org_id !== ctx.orgId)) throw notFound('Milestone', id);
  if (r.org_id !== ctx.orgId && r.warehouse_org_id !== ctx.orgId) throw forbidden('The seller or the receiving warehouse accepts a milestone');
  if (r.status !== 'reached') throw illegalTransition('Milestone', r.status, 'released', []);
  const posted = await postCarrierCharge(tx, { sellerOrgId: r.org_id, carrierOrgId: r.carrier_org_id, currency: r.currency, amount: Number(r.amount_minor), reason: `milestone ${r.label ?? r.stage} of ${r.tracking_number} accepted (${r.percent_bp / 100} % of freight)`, referenceType: 'milestone', referenceId: id })
    .catch((err) => { if (err instanceof AppError && err.status === 422) throw unprocessable('insufficient_funds', 'The seller\'s balance cannot cover this milestone payment yet', { milestone_id: id }); throw err; });
  await tx.query(`UPDATE tracking_milestones SET status = 'released', accepted_by_org_id = $2, transfer_id = $3, released_at = now() WHERE id = $1`, [id, ctx.orgId, posted.transfer_id]);
  await recordAudit(tx, ctx, { action: 'contracts.milestone.accept', entityType: 'milestone', entityId: id, orgId: r.org_id, before: { status: 'reached' }, after: { status: 'released', transfer_id: posted.transfer_id } });
  await emit(tx, ctx, { type: 'contracts.milestone.released', entityType: 'milestone', entityId: id, orgId: r.org_id, audience: [r.carrier_org_id], payload: { amount: Number(r.amount_minor), currency: r.currency, transfer_id: posted.transfer_id } });
  return publicMilestone(await tx.one(`${MS_SELECT} WHERE m.id = $1`, [id]));
}
