// Public face of the denied-party screening engine.
export { buildIndex, screen, DEFAULT_OPTIONS, FEATURE, NAME_ONLY_CEILING, type ScreeningIndex, type BuildOptions } from './screen';
export {
  importBisDplTsv,
  importEuDerivedJson,
  importOfacSdnCsv,
  importOfacXml,
  importUkOfsiConListCsv,
  importUnConsolidatedXml,
  parseOfacRemarks,
} from './importers';
export { analyseName, countryCode, detectScript, type AnalysedName } from './normalize';
export { compareNames, tokenSimilarity, osaDistance } from './matcher';
export { runEval, ratesAt, type EvalRow, type EvalOutcome } from './evaluate';
export type * from './types';
