// Provider scorecards from outcomes and the reliability score routing consumes.

export interface OutcomeCounts {
  shipments: number;
  /** Delivered, returned or lost: shipments whose outcome is known. */
  completed: number;
  delivered: number;
  onTime: number;
  /** Delivered with a known promise (the denominator of the on-time rate). */
  deliveredWithPromise: number;
  damagedOrLost: number;
  withExceptions: number;
}

export interface Scorecard extends OutcomeCounts {
  onTimeRate: number | null;
  deliverySuccessRate: number | null;
  damageLossRate: number | null;
  exceptionRate: number | null;
}

const rate = (n: number, d: number) => (d > 0 ? Math.round((n / d) * 10_000) / 10_000 : null);

export function scorecard(c: OutcomeCounts): Scorecard {
  return {
    ...c,
    onTimeRate: rate(c.onTime, c.deliveredWithPromise),
    deliverySuccessRate: rate(c.delivered, c.completed),
    damageLossRate: rate(c.damagedOrLost, c.shipments),
    exceptionRate: rate(c.withExceptions, c.shipments),
  };
}

/** Weights of the reliability score; they sum to 1. */
export const RELIABILITY_WEIGHTS = { onTime: 0.5, success: 0.3, noDamage: 0.1, noException: 0.1 } as const;
/** A new provider starts near 0.8 and moves with evidence: the prior counts as this many shipments. */
export const RELIABILITY_PRIOR = { score: 0.8, weight: 5 } as const;

/**
 * Reliability 0..1 = weighted outcome score, shrunk toward the prior by the number of shipments
 * (Bayesian average), so one late parcel does not make a new carrier worthless.
 */
export function reliability(c: OutcomeCounts): number {
  const s = scorecard(c);
  if (c.shipments === 0) return RELIABILITY_PRIOR.score;
  const raw =
    RELIABILITY_WEIGHTS.onTime * (s.onTimeRate ?? RELIABILITY_PRIOR.score) +
    RELIABILITY_WEIGHTS.success * (s.deliverySuccessRate ?? RELIABILITY_PRIOR.score) +
    RELIABILITY_WEIGHTS.noDamage * (1 - (s.damageLossRate ?? 0)) +
    RELIABILITY_WEIGHTS.noException * (1 - (s.exceptionRate ?? 0));
  const n = c.shipments;
  const score = (raw * n + RELIABILITY_PRIOR.score * RELIABILITY_PRIOR.weight) / (n + RELIABILITY_PRIOR.weight);
  return Math.round(Math.min(1, Math.max(0, score)) * 10_000) / 10_000;
}
