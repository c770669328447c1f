import type { Services } from '../../http/services.ts';
import { loadFeeRules } from '../../engines/ledger/load.ts';
import type { TradelaneModule } from '../module.ts';
import { ledgerCli } from './cli.ts';
import { expirePendingTransfer } from './core.ts';
import { ledgerDemo } from './demo.ts';
import { initProviders, sandboxDeliveryJob } from './providers.ts';
import { ledgerRoutes } from './routes.ts';
import { ledgerMigrations } from './schema.ts';
import { autoReleaseJob } from './service.ts';

/** Money: double-entry ledger (TigerBeetle-style transfers), escrow, payments, fees, FX, payouts, statements, reconciliation. */
export const ledgerModule: TradelaneModule = {
  name: 'ledger',
  migrations: ledgerMigrations,
  routes: ledgerRoutes,
  jobs: (s: Services) => ({
    'ledger.pending.expire': async (job, db) => { await expirePendingTransfer(db, job.payload.transferId, { scheduled: true }); },
    'ledger.escrow.auto_release': autoReleaseJob(s) as any,
    'ledger.sandbox.deliver': sandboxDeliveryJob(s) as any,
  }),
  async init(s) {
    s.state.set('ledger.fees', loadFeeRules());
    await initProviders(s);
  },
  demo: ledgerDemo,
  cli: ledgerCli,
};

// The ledger's public face for other modules: call these inside your own transaction.
export {
  ensureAccount, platformAccount, createTransfers, createTransfersOrThrow, verifyLedger, PLATFORM, ACCOUNT_KINDS,
  type AccountKind, type AccountRow,
} from './core.ts';
export {
  startCheckout, recordCapture, releaseEscrow, cancelEscrow, recordCarrierDelivery, confirmReceipt, openDispute, resolveDispute,
  postCarrierCharge, postWarehouseFee, recordDeposit, penaliseDeposit, convertCurrency, createFxRate, requestPayout, sellerTerms, setSellerTerms,
  getEscrow, type CheckoutInput, type PostingInput,
} from './service.ts';
export { settlementStatement, statementCsv, statementPdf, runReconciliation } from './statements.ts';
export { SandboxProvider, seededRandom, type PaymentProvider, type ProviderEvent } from './providers.ts';
export type { TransferInput, TransferResult } from '../../engines/ledger/index.ts';
