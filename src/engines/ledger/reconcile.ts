/**
 * Reconciliation of a payment provider's report against our own record of provider operations.
 * Keyed by the provider's reference; amounts compared exactly in minor units.
 */
export interface ReconItem {
  providerRef: string;
  kind: string; // capture | refund | payout
  amount: number;
  currency: string;
  status?: string;
}

export type ReconDifference =
  | { type: 'missing_in_ledger'; providerRef: string; report: ReconItem }
  | { type: 'missing_in_report'; providerRef: string; ledger: ReconItem }
  | { type: 'amount_mismatch' | 'currency_mismatch' | 'kind_mismatch'; providerRef: string; report: ReconItem; ledger: ReconItem }
  | { type: 'duplicate_in_report'; providerRef: string; report: ReconItem };

export interface ReconResult {
  matched: number;
  differences: ReconDifference[];
  totals: Record<string, { report: number; ledger: number }>; // per currency
}

export function reconcile(report: ReconItem[], ledger: ReconItem[]): ReconResult {
  const differences: ReconDifference[] = [];
  const ours = new Map(ledger.map((l) => [l.providerRef, l]));
  const seen = new Set<string>();
  const totals: ReconResult['totals'] = {};
  const add = (c: string, side: 'report' | 'ledger', amount: number, kind: string) => {
    const t = (totals[c] ??= { report: 0, ledger: 0 });
    t[side] += kind === 'capture' ? amount : -amount; // net cash: captures in, refunds and payouts out
  };
  let matched = 0;
  for (const r of report) {
    add(r.currency, 'report', r.amount, r.kind);
    if (seen.has(r.providerRef)) {
      differences.push({ type: 'duplicate_in_report', providerRef: r.providerRef, report: r });
      continue;
    }
    seen.add(r.providerRef);
    const l = ours.get(r.providerRef);
    if (!l) differences.push({ type: 'missing_in_ledger', providerRef: r.providerRef, report: r });
    else if (l.kind !== r.kind) differences.push({ type: 'kind_mismatch', providerRef: r.providerRef, report: r, ledger: l });
    else if (l.currency !== r.currency) differences.push({ type: 'currency_mismatch', providerRef: r.providerRef, report: r, ledger: l });
    else if (l.amount !== r.amount) differences.push({ type: 'amount_mismatch', providerRef: r.providerRef, report: r, ledger: l });
    else matched++;
  }
  for (const l of ledger) {
    add(l.currency, 'ledger', l.amount, l.kind);
    if (!seen.has(l.providerRef)) differences.push({ type: 'missing_in_report', providerRef: l.providerRef, ledger: l });
  }
  return { matched, differences, totals };
}
