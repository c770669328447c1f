// Public face of the exceptions engine: tracking exception rules, SLA breach/penalty, scorecards. Pure.
export * from './model.ts';
export { defaultSettings, demurrageFor, destinationDwell, evaluateRules, noScanDays, predictDelivery, tariffFor } from './rules.ts';
export { basisPoints, evaluateSla, milestoneAmount, validateTerms, type Milestone, type PenaltyFormula, type SlaEvaluation, type SlaFacts, type SlaTerms } from './sla.ts';
export { RELIABILITY_PRIOR, RELIABILITY_WEIGHTS, reliability, scorecard, type OutcomeCounts, type Scorecard } from './scorecard.ts';
