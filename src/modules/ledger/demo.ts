import type { Services } from '../../http/services.ts';
import { systemContext } from '../../kernel/context.ts';
import type { DemoOrgs } from '../module.ts';
import * as svc from './service.ts';

/**
 * Demo money: a fee tier, an FX snapshot, a carrier deposit, three paid orders in escrow (one
 * released with commission, one partly released), a carrier charge, a warehouse fee, an SLA
 * penalty and a payout bank account — so balances and escrow show on a fresh start.
 * The demo records the sandbox captures itself; the sandbox's own webhooks arrive later as
 * duplicates and are ignored.
 */
export async function ledgerDemo(s: Services, orgs: DemoOrgs) {
  const { seller, buyer, carrier, warehouse, operator } = orgs;
  if (!seller || !buyer || !carrier || !operator) return;
  const opCtx = systemContext(operator.orgId, 'operator', 'demo');
  const buyerCtx = systemContext(buyer.orgId, 'buyer', 'demo');
  const sellerCtx = systemContext(seller.orgId, 'seller', 'demo');
  const day = 86_400_000;
  await s.db.transaction(async (tx) => {
    await svc.setSellerTerms(tx, opCtx, seller.orgId, { tier: 'pro', seller_since: new Date(Date.now() - 200 * day).toISOString() });
    await svc.createFxRate(tx, opCtx, { source: 'demo snapshot (ECB euro reference rate style)', date: new Date().toISOString().slice(0, 10), base: 'EUR', quote: 'CNY', rate: '7.6512', spread: '0.004' });
    await svc.createFxRate(tx, opCtx, { source: 'demo snapshot (ECB euro reference rate style)', date: new Date().toISOString().slice(0, 10), base: 'USD', quote: 'EUR', rate: '0.9231', spread: '0.004' });
    await svc.recordDeposit(tx, { providerOrgId: carrier.orgId, currency: 'EUR', amount: 500_000, reason: 'carrier security deposit', referenceType: 'deposit', referenceId: 'DEMO-DEP-1' });
    const orders = [
      { order_id: 'DEMO-1001', amount: 12_900, tax_amount: 2_967 },
      { order_id: 'DEMO-1002', amount: 8_990, tax_amount: 2_068 },
      { order_id: 'DEMO-1003', amount: 24_000, tax_amount: 5_520 },
    ];
    for (const o of orders) {
      let pay = await svc.startCheckout(tx, buyerCtx, s, { ...o, seller_org_id: seller.orgId, currency: 'EUR' });
      for (let i = 0; pay.status === 'failed' && i < 5; i++) pay = await svc.startCheckout(tx, buyerCtx, s, { ...o, seller_org_id: seller.orgId, currency: 'EUR' });
      if (pay.status !== 'failed') await svc.recordCapture(tx, pay.id);
    }
    await svc.recordCarrierDelivery(tx, s, 'DEMO-1001', new Date(Date.now() - 2 * day));
    await svc.confirmReceipt(tx, buyerCtx, s, 'DEMO-1001');
    await svc.releaseEscrow(tx, s, 'DEMO-1003', { amount: 12_000, reason: 'first of two shipments delivered' });
    await svc.postCarrierCharge(tx, { sellerOrgId: seller.orgId, carrierOrgId: carrier.orgId, currency: 'EUR', amount: 1_250, reason: 'shipping DEMO-1001 (Shenzhen → Berlin)', referenceType: 'order', referenceId: 'DEMO-1001' });
    if (warehouse) await svc.postWarehouseFee(tx, { sellerOrgId: seller.orgId, warehouseOrgId: warehouse.orgId, currency: 'EUR', amount: 320, reason: 'pick & pack DEMO-1003', referenceType: 'order', referenceId: 'DEMO-1003' });
    await svc.penaliseDeposit(tx, { providerOrgId: carrier.orgId, beneficiaryOrgId: seller.orgId, currency: 'EUR', amount: 500, reason: 'SLA: promised 5 days, delivered in 7 (DEMO-1001)', referenceType: 'order', referenceId: 'DEMO-1001' });
    await svc.setBankAccount(tx, sellerCtx, s, { currency: 'EUR', holder: 'Shenzhen Lumen Electronics Co., Ltd.', bank_name: 'Bank of China (Hong Kong)', account: 'HK0012345678901234' });
  });
}
