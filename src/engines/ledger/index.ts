/** Ledger engine: pure transfer planning (TigerBeetle semantics), invariants, FX, fees, statements, reconciliation. */
export {
  planTransfers, transferContentHash, chainsOf, postedBalance,
  type AccountFlags, type AccountState, type TransferInput, type TransferKind, type TransferResult, type PendingStatus,
  type PendingTransferState, type ExistingTransfer, type AppliedTransfer, type LedgerState, type Plan, type FailureCode,
} from './transfers.ts';
export { checkInvariants, journalTotals, type InvariantReport, type JournalTotals } from './invariants.ts';
export { convertMinor, applyBasisPoints, parseRate } from './money.ts';
export { commissionFor, type FeeRules, type SellerTier, type CommissionQuote } from './fees.ts';
export { buildStatement, type Statement, type StatementLine, type StatementPosting } from './statement.ts';
export { reconcile, type ReconItem, type ReconDifference, type ReconResult } from './reconcile.ts';
