import { parse } from 'csv-parse/sync';
import PDFDocument from 'pdfkit';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { recordAudit } from '../../kernel/audit.ts';
import type { AuthContext } from '../../kernel/context.ts';
import type { Executor } from '../../kernel/db.ts';
import { badRequest, notFound } from '../../kernel/errors.ts';
import { newId } from '../../kernel/ids.ts';
import { formatDecimal, isCurrency, parseDecimal } from '../../kernel/money.ts';
import { buildStatement, reconcile, type ReconItem, type StatementPosting } from '../../engines/ledger/index.ts';
import { PLATFORM } from './core.ts';

/** Organisations whose accounts the caller may see: its own; the operator also the platform's. */
export const visibleOrgs = (ctx: AuthContext) => (ctx.orgKind === 'operator' ? [ctx.orgId, PLATFORM] : [ctx.orgId]);

export interface StatementQuery { currency: string; from: string; to: string; org_id?: string }

/**
 * Settlement statement for one organisation and currency over [from, to): per account the opening
 * balance, every posting, the closing balance; the payouts of the period; what is still pending.
 */
export async function settlementStatement(ex: Executor, ctx: AuthContext, q: StatementQuery) {
  const orgId = q.org_id ?? ctx.orgId;
  if (!visibleOrgs(ctx).includes(orgId)) throw notFound('Organisation', orgId);
  if (!isCurrency(q.currency)) throw badRequest(`Unknown ISO 4217 currency "${q.currency}"`, 'currency');
  const from = new Date(q.from);
  const to = new Date(q.to);
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || to <= from) throw badRequest('from and to must be instants with from < to', 'to');
  const accounts = await ex.query(`SELECT * FROM ledger_accounts WHERE org_id = $1 AND currency = $2 ORDER BY kind`, [orgId, q.currency]);
  const sections = [];
  for (const a of accounts) {
    const opening = await ex.one(
      `SELECT COALESCE(sum(CASE WHEN credit_account_id = $1 THEN amount ELSE -amount END), 0)::bigint AS balance FROM ledger_transfers
        WHERE (debit_account_id = $1 OR credit_account_id = $1) AND kind IN ('posted','post_pending') AND created_at < $2`, [a.id, from]);
    const rows = await ex.query(
      `SELECT t.id, t.created_at, t.debit_account_id, t.credit_account_id, t.amount, t.reason, t.reference_type, t.reference_id, t.kind, da.kind AS debit_kind, ca.kind AS credit_kind
         FROM ledger_transfers t JOIN ledger_accounts da ON da.id = t.debit_account_id JOIN ledger_accounts ca ON ca.id = t.credit_account_id
        WHERE (t.debit_account_id = $1 OR t.credit_account_id = $1) AND t.kind IN ('posted','post_pending') AND t.created_at >= $2 AND t.created_at < $3
        ORDER BY t.seq`, [a.id, from, to]);
    const postings: StatementPosting[] = rows.map((r) => {
      const credit = r.credit_account_id === a.id;
      return {
        transferId: r.id, at: new Date(r.created_at).toISOString(), accountId: a.id, accountKind: a.kind, direction: credit ? 'credit' : 'debit', amount: r.amount,
        reason: r.reason, referenceType: r.reference_type, referenceId: r.reference_id, counterpartyKind: credit ? r.debit_kind : r.credit_kind,
      };
    });
    const st = buildStatement(opening.balance, postings);
    sections.push({ account_id: a.id, kind: a.kind, opening: st.opening, closing: st.closing, total_credits: st.totalCredits, total_debits: st.totalDebits,
      pending_in: a.credits_pending, pending_out: a.debits_pending, lines: st.lines });
  }
  const payouts = await ex.query(`SELECT id, amount, currency, status, account_last4, created_at FROM ledger_payouts WHERE org_id = $1 AND currency = $2 AND created_at >= $3 AND created_at < $4 ORDER BY created_at`, [orgId, q.currency, from, to]);
  return {
    org_id: orgId, currency: q.currency, from: from.toISOString(), to: to.toISOString(), generated_at: new Date().toISOString(),
    balance_convention: 'credits − debits (money held for the organisation is positive), integer minor units',
    opening: sections.reduce((s, x) => s + x.opening, 0), closing: sections.reduce((s, x) => s + x.closing, 0),
    accounts: sections, payouts,
  };
}

type StatementDoc = Awaited<ReturnType<typeof settlementStatement>>;

export function statementCsv(st: StatementDoc): string {
  const esc = (v: unknown) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const out = [['date', 'account_kind', 'account_id', 'transfer_id', 'direction', 'amount', 'balance', 'currency', 'reason', 'reference_type', 'reference_id', 'counterparty'].join(',')];
  for (const a of st.accounts) {
    out.push([st.from, a.kind, a.account_id, '', 'opening', '', formatDecimal(a.opening, st.currency), st.currency, 'opening balance', '', '', ''].map(esc).join(','));
    for (const l of a.lines) out.push([l.at, a.kind, a.account_id, l.transferId, l.direction, formatDecimal(l.signedAmount, st.currency), formatDecimal(l.runningBalance, st.currency), st.currency, l.reason, l.referenceType, l.referenceId, l.counterpartyKind].map(esc).join(','));
    out.push([st.to, a.kind, a.account_id, '', 'closing', '', formatDecimal(a.closing, st.currency), st.currency, 'closing balance', '', '', ''].map(esc).join(','));
  }
  for (const p of st.payouts) out.push([new Date(p.created_at).toISOString(), 'payout', p.id, p.id, p.status, formatDecimal(p.amount, st.currency), '', st.currency, `payout to •••• ${p.account_last4}`, 'payout', p.id, 'bank'].map(esc).join(','));
  return out.join('\n') + '\n';
}

export const CJK_FONT_PATH = fileURLToPath(new URL('../../../data/fonts/wqy-microhei.ttc', import.meta.url));
export const CJK_FONT_FAMILY = 'WenQuanYiMicroHei';

/** PDF with bilingual (English / 简体中文) headings; text is set in WenQuanYi Micro Hei so CJK renders. */
export function statementPdf(st: StatementDoc, orgLabel: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', margin: 40, info: { Title: `Settlement statement ${st.org_id} ${st.currency}`, Producer: 'Tradelane' } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    if (!existsSync(CJK_FONT_PATH)) return reject(new Error(`CJK font missing at ${CJK_FONT_PATH}`));
    doc.registerFont('cjk', CJK_FONT_PATH, CJK_FONT_FAMILY);
    doc.font('cjk');
    const money = (n: number) => `${formatDecimal(n, st.currency)} ${st.currency}`;
    doc.fontSize(16).text('Settlement statement 结算对账单');
    doc.fontSize(10).text(`${orgLabel} (${st.org_id})`);
    doc.text(`Period 期间: ${st.from} — ${st.to}`);
    doc.text(`Currency 币种: ${st.currency}    Generated 生成时间: ${st.generated_at}`);
    doc.text(`Opening 期初余额: ${money(st.opening)}    Closing 期末余额: ${money(st.closing)}`);
    doc.moveDown();
    for (const a of st.accounts) {
      doc.fontSize(12).text(`Account 账户: ${a.kind} (${a.account_id})`);
      doc.fontSize(9).text(`Opening 期初: ${money(a.opening)}   Credits 收入: ${money(a.total_credits)}   Debits 支出: ${money(a.total_debits)}   Closing 期末: ${money(a.closing)}   Pending 待结算: +${money(a.pending_in)} / −${money(a.pending_out)}`);
      for (const l of a.lines) {
        doc.text(`${l.at.slice(0, 19).replace('T', ' ')}  ${l.signedAmount >= 0 ? '+' : ''}${formatDecimal(l.signedAmount, st.currency).padStart(12)}  = ${formatDecimal(l.runningBalance, st.currency).padStart(12)}  ${l.reason}${l.referenceId ? ` [${l.referenceType} ${l.referenceId}]` : ''}`);
      }
      doc.moveDown(0.5);
    }
    doc.fontSize(12).text('Payouts 提现');
    doc.fontSize(9);
    if (st.payouts.length === 0) doc.text('— none 无 —');
    for (const p of st.payouts) doc.text(`${new Date(p.created_at).toISOString().slice(0, 10)}  ${money(p.amount)}  ${p.status}  •••• ${p.account_last4}  ${p.id}`);
    doc.moveDown().fontSize(8).text('Amounts in integer minor units of the currency, shown as decimals. 金额以货币最小单位精确记账。');
    doc.end();
  });
}

// ---------------------------------------------------------------- reconciliation
/** Parse a provider report (CSV: provider_ref,type,amount,currency[,reference,created_at]); amounts are decimal strings. */
export function parseProviderReport(csv: string): ReconItem[] {
  const rows = parse(csv, { columns: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
  return rows.map((r, i) => {
    if (!r.provider_ref || !r.type || !r.amount || !r.currency) throw badRequest(`report line ${i + 2}: provider_ref, type, amount and currency are required`, 'report');
    if (!isCurrency(r.currency)) throw badRequest(`report line ${i + 2}: unknown currency "${r.currency}"`, 'report');
    return { providerRef: r.provider_ref, kind: r.type, amount: parseDecimal(r.amount, r.currency, `report line ${i + 2} amount`), currency: r.currency };
  });
}

export async function runReconciliation(tx: Executor, ctx: AuthContext, provider: string, csv: string) {
  const report = parseProviderReport(csv);
  const ours: ReconItem[] = [
    ...(await tx.query(`SELECT provider_ref, amount + tax_amount AS amount, currency FROM ledger_payments WHERE provider = $1 AND status IN ('captured','refunded') AND provider_ref IS NOT NULL`, [provider]))
      .map((r) => ({ providerRef: r.provider_ref, kind: 'capture', amount: Number(r.amount), currency: r.currency })),
    ...(await tx.query(`SELECT provider_ref, amount, currency FROM ledger_refunds WHERE provider = $1 AND status <> 'failed'`, [provider]))
      .map((r) => ({ providerRef: r.provider_ref, kind: 'refund', amount: r.amount, currency: r.currency })),
    ...(await tx.query(`SELECT provider_ref, amount, currency FROM ledger_payouts WHERE provider = $1 AND status = 'paid'`, [provider]))
      .map((r) => ({ providerRef: r.provider_ref, kind: 'payout', amount: r.amount, currency: r.currency })),
  ];
  const result = reconcile(report, ours);
  const id = newId('rec');
  await tx.query(`INSERT INTO ledger_reconciliations (id, org_id, provider, matched, differences, totals, report_rows) VALUES ($1,$2,$3,$4,$5,$6,$7)`,
    [id, PLATFORM, provider, result.matched, JSON.stringify(result.differences), JSON.stringify(result.totals), report.length]);
  await recordAudit(tx, ctx, { action: 'ledger.reconciliation.run', entityType: 'reconciliation', entityId: id, after: { provider, matched: result.matched, differences: result.differences.length } });
  return { id, provider, report_rows: report.length, ledger_rows: ours.length, matched: result.matched, differences: result.differences, totals: result.totals };
}

export async function listReconciliations(tx: Executor) {
  return { data: await tx.query(`SELECT id, provider, matched, report_rows, jsonb_array_length(differences) AS difference_count, differences, totals, created_at FROM ledger_reconciliations ORDER BY created_at DESC LIMIT 50`) };
}
