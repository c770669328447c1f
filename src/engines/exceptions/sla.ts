// SLA contract terms as data and the breach / penalty computation. Pure; integer minor units.

export interface PenaltyFormula {
  /** Flat amount once the contract is breached. */
  fixedMinor?: number;
  /** Per whole day late (after the grace days are exceeded, every late day counts). */
  perDayLateMinor?: number;
  /** Share of the freight charge, in basis points (1 % = 100 bp). */
  percentOfFreightBp?: number;
  /** Caps: the lower one applies. */
  capMinor?: number;
  capPercentOfFreightBp?: number;
}

export interface Milestone {
  /** Tracking stage whose first scan reaches the milestone, e.g. warehouse_receipt. */
  stage: string;
  /** Part of the carrier's fee released on acceptance, in basis points of the freight. */
  percentBp: number;
  label?: string;
}

export interface SlaTerms {
  currency: string;
  promisedTransitDays: number;
  /** Days late tolerated before the contract counts as breached (0 = any late day breaches). */
  breachThresholdDays: number;
  penalty: PenaltyFormula;
  exclusions: {
    /** Customs holds attributed to the seller (missing documents…) are taken out of the transit time. */
    sellerCustomsHolds: boolean;
    /** Shipments the operator flagged as force majeure are not penalised. */
    forceMajeure: boolean;
  };
  milestones: Milestone[];
}

export interface SlaFacts {
  pickedUpAt: string;
  deliveredAt: string;
  /** Freight charge of the shipment in the contract currency (for % formulas and caps); null = unknown. */
  freightMinor: number | null;
  /** Hours of customs hold attributed to the seller. */
  sellerHoldHours: number;
  forceMajeure: boolean;
}

export interface SlaEvaluation {
  elapsedHours: number;
  excludedHours: number;
  /** ceil((elapsed − excluded) / 24): a started day counts as a day. */
  transitDays: number;
  promisedDays: number;
  daysLate: number;
  breached: boolean;
  /** Why no penalty applies although late (force majeure), else null. */
  excludedBy: 'force_majeure' | null;
  penaltyMinor: number;
  currency: string;
  /** The computation, step by step, as shown to both parties. */
  steps: string[];
}

/** a × bp / 10 000, rounded half up (amounts are non-negative). */
export function basisPoints(amountMinor: number, bp: number): number {
  const n = BigInt(amountMinor) * BigInt(bp);
  const q = n / 10_000n;
  const r = n % 10_000n;
  const out = Number(r * 2n >= 10_000n ? q + 1n : q);
  if (!Number.isSafeInteger(out)) throw new Error('amount exceeds the safe integer range');
  return out;
}

export function validateTerms(t: SlaTerms): string[] {
  const errors: string[] = [];
  const nonNegInt = (v: number | undefined, f: string) => { if (v !== undefined && (!Number.isSafeInteger(v) || v < 0)) errors.push(`${f} must be a non-negative integer`); };
  if (!Number.isInteger(t.promisedTransitDays) || t.promisedTransitDays < 1) errors.push('promisedTransitDays must be a whole number ≥ 1');
  nonNegInt(t.breachThresholdDays, 'breachThresholdDays');
  nonNegInt(t.penalty.fixedMinor, 'penalty.fixedMinor');
  nonNegInt(t.penalty.perDayLateMinor, 'penalty.perDayLateMinor');
  nonNegInt(t.penalty.percentOfFreightBp, 'penalty.percentOfFreightBp');
  nonNegInt(t.penalty.capMinor, 'penalty.capMinor');
  nonNegInt(t.penalty.capPercentOfFreightBp, 'penalty.capPercentOfFreightBp');
  let total = 0;
  t.milestones.forEach((m, i) => { nonNegInt(m.percentBp, `milestones[${i}].percentBp`); total += m.percentBp; });
  if (total > 10_000) errors.push('milestones release more than 100 % of the freight');
  return errors;
}

/**
 * Breach and penalty for a delivered shipment.
 * transit = ceil((delivered − pickedUp − sellerHoldHours) / 24 h); daysLate = max(0, transit − promised);
 * breached when daysLate > breachThresholdDays; penalty = fixed + perDay × daysLate + freight × bp
 * (half up), then capped by min(capMinor, freight × capBp).
 */
export function evaluateSla(terms: SlaTerms, f: SlaFacts): SlaEvaluation {
  const steps: string[] = [];
  const elapsedHours = (Date.parse(f.deliveredAt) - Date.parse(f.pickedUpAt)) / 3_600_000;
  const excludedHours = terms.exclusions.sellerCustomsHolds ? Math.min(Math.max(0, f.sellerHoldHours), Math.max(0, elapsedHours)) : 0;
  const transitDays = Math.max(0, Math.ceil((elapsedHours - excludedHours) / 24 - 1e-9));
  steps.push(`picked up ${f.pickedUpAt}, delivered ${f.deliveredAt}: ${elapsedHours.toFixed(1)} h`);
  if (excludedHours > 0) steps.push(`− ${excludedHours.toFixed(1)} h customs hold attributed to the seller (excluded by the contract)`);
  steps.push(`transit = ceil(${(elapsedHours - excludedHours).toFixed(1)} h / 24) = ${transitDays} days; promised ${terms.promisedTransitDays} days`);
  const daysLate = Math.max(0, transitDays - terms.promisedTransitDays);
  const breached = daysLate > terms.breachThresholdDays;
  steps.push(`days late = ${daysLate}; breach when more than ${terms.breachThresholdDays} → ${breached ? 'breached' : 'not breached'}`);
  const base = { elapsedHours, excludedHours, transitDays, promisedDays: terms.promisedTransitDays, daysLate, breached, currency: terms.currency };
  if (!breached) return { ...base, excludedBy: null, penaltyMinor: 0, steps };
  if (terms.exclusions.forceMajeure && f.forceMajeure) {
    steps.push('force majeure flagged by the operator: no penalty');
    return { ...base, excludedBy: 'force_majeure', penaltyMinor: 0, steps };
  }
  const p = terms.penalty;
  let penalty = 0;
  if (p.fixedMinor) { penalty += p.fixedMinor; steps.push(`fixed ${p.fixedMinor}`); }
  if (p.perDayLateMinor) { penalty += p.perDayLateMinor * daysLate; steps.push(`+ ${daysLate} d × ${p.perDayLateMinor} = ${p.perDayLateMinor * daysLate}`); }
  if (p.percentOfFreightBp) {
    if (f.freightMinor === null) steps.push(`% of freight skipped: freight unknown`);
    else { const part = basisPoints(f.freightMinor, p.percentOfFreightBp); penalty += part; steps.push(`+ ${p.percentOfFreightBp / 100} % of freight ${f.freightMinor} = ${part} (half up)`); }
  }
  const caps: number[] = [];
  if (p.capMinor !== undefined) caps.push(p.capMinor);
  if (p.capPercentOfFreightBp !== undefined && f.freightMinor !== null) caps.push(basisPoints(f.freightMinor, p.capPercentOfFreightBp));
  const cap = caps.length ? Math.min(...caps) : null;
  if (cap !== null && penalty > cap) { steps.push(`capped at ${cap} (was ${penalty})`); penalty = cap; }
  if (!Number.isSafeInteger(penalty)) throw new Error('penalty exceeds the safe integer range');
  steps.push(`penalty = ${penalty} ${terms.currency} minor units`);
  return { ...base, excludedBy: null, penaltyMinor: penalty, steps };
}

/** Amount released for a milestone: freight × percentBp / 10 000, half up. */
export function milestoneAmount(freightMinor: number, m: Milestone): number {
  return basisPoints(freightMinor, m.percentBp);
}
