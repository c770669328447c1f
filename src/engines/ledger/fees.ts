import { applyBasisPoints } from './money.ts';

/** Platform fee policy (data/ledger/fees.json): commission per seller tier, commission-free start. */
export type SellerTier = 'basic' | 'pro' | 'enterprise';

export interface FeeRules {
  source: string;
  as_of: string;
  version: string;
  tiers: Record<SellerTier, { commission_bps: number; min_commission_minor: Record<string, number>; description: string }>;
  new_seller_commission_free_days: number;
  auto_release_days_after_delivery: number;
  payout_minimum_minor: Record<string, number>;
}

export interface CommissionQuote {
  commission: number;
  rule: string;
  basisPoints: number;
  commissionFree: boolean;
}

/**
 * Commission for releasing `amount` to a seller. Rounding: half up on the basis-point product; the
 * tier's minimum applies per release and never exceeds the amount released.
 */
export function commissionFor(rules: FeeRules, input: { amount: number; currency: string; tier: SellerTier; sellerSince: Date; at: Date }): CommissionQuote {
  const tier = rules.tiers[input.tier];
  if (!tier) throw new Error(`unknown seller tier "${input.tier}"`);
  const freeUntil = input.sellerSince.getTime() + rules.new_seller_commission_free_days * 86_400_000;
  if (input.at.getTime() < freeUntil) {
    return { commission: 0, basisPoints: 0, commissionFree: true, rule: `new seller: commission-free for ${rules.new_seller_commission_free_days} days (${rules.version})` };
  }
  const pct = applyBasisPoints(input.amount, tier.commission_bps);
  const min = tier.min_commission_minor[input.currency] ?? 0;
  const commission = Math.min(input.amount, Math.max(pct, min));
  return { commission, basisPoints: tier.commission_bps, commissionFree: false, rule: `${input.tier}: ${tier.commission_bps / 100} % (min ${min} minor units) (${rules.version})` };
}
