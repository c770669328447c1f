// Everything this module uses from other modules, in one place (their index.ts only).
export { createTransfersOrThrow, ensureAccount, penaliseDeposit, postCarrierCharge, recordCarrierDelivery, recordDeposit } from '../ledger/index.ts';
export { getBooking, listLanes, publishedEngineLanes } from '../logistics/index.ts';
