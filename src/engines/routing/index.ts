// Public face of the routing engine (pure: no I/O). Data loading lives in ./load.ts.
export type * from './types.ts';
export { MODES } from './types.ts';
export { minorUnitExponent, convertMinor, divRoundHalfUp, type FxTable } from './money.ts';
export { addDays, daysBetween, isoWeekday, nextDeparture } from './dates.ts';
export {
  quoteShipment,
  quoteLane,
  checkEligibility,
  priceShipment,
  freightForWeight,
  chargeableGrams,
  volumetricGrams,
  lengthPlusGirthCm,
  estimateTransit,
  zoneFor,
  toShipment,
  isExclusion,
  type QuoteOptions,
} from './quote.ts';
export { parseRateCardCsv, formatRateCardCsv, parseDecimal, RATE_CARD_CSV_COLUMNS, type CsvIssue, type RateCardCsvResult } from './ratecard-csv.ts';
export { emissionFactorFor, legEmissionsKg, type EmissionFactor, type EmissionFactors } from './emissions.ts';
export {
  priceBundle,
  isBundleError,
  type ServiceBundle,
  type ServiceTariff,
  type BundleComponent,
  type BundleQuote,
  type BundleLine,
  type BundleError,
} from './bundles.ts';
export {
  routeOrder,
  explain,
  packParcel,
  indexLanes,
  defaultDutyEstimate,
  DEFAULT_WEIGHTS,
  type Product,
  type Warehouse,
  type Order,
  type OrderLine,
  type ObjectiveWeights,
  type DutyContext,
  type RoutingContext,
  type Leg,
  type Part,
  type Candidate,
  type ComponentName,
  type ScoreComponent,
  type ResourceUse,
  type Explanation,
  type RouteResult,
  type LaneIndex,
} from './route.ts';
export {
  buildBatchProblem,
  solveBatchHeuristic,
  solveBatchExact,
  batchProblemToLp,
  checkSolution,
  solutionCost,
  optimalityGapPercent,
  type BatchProblem,
  type BatchOption,
  type BatchResource,
  type BatchSolution,
  type HighsSolver,
  type BuildBatchOptions,
  type HeuristicOptions,
  type ExactOptions,
} from './batch.ts';
export {
  applyDisruption,
  laneMatchesDisruption,
  rerouteAfterDisruption,
  type Disruption,
  type Allocation,
  type RerouteImpact,
  type DisruptionReport,
} from './disruption.ts';
export {
  generateDemoLanes,
  generateSyntheticNetwork,
  seededRandom,
  DEMO_WAREHOUSES,
  DEMO_PRODUCTS,
  DEMO_VALID_FROM,
  DEMO_VALID_TO,
  type SyntheticNetwork,
} from './demo-data.ts';
