// Public face of the HS engine (nomenclature, search, classification assistant, national codes).
// Pure: data comes in as plain objects. Load them with ./load.ts (fs) or build them yourself.

export {
  buildNomenclature,
  validateHsCode,
  normalizeHsCode,
  browseHs,
  hsPath,
  hsLeaves,
  type HsRow,
  type SectionRow,
  type HsNode,
  type HsSection,
  type HsLevel,
  type HsNomenclature,
  type HsValidation,
} from './nomenclature.ts';
export {
  validateNationalCode,
  type NationalFormat,
  type NationalFormats,
  type NationalCodeValidation,
  type NationalCodeProblem,
} from './national.ts';
export {
  buildClassifierIndex,
  DEFAULT_CLASSIFIER_PARAMS,
  type ClassifierParams,
  classifyProduct,
  analyseQuery,
  type Glossary,
  type ClassifierIndex,
  type Classification,
  type ClassifyOptions,
  type HeadingSuggestion,
  type SubheadingSuggestion,
  type MatchedWord,
  type QueryTerm,
  type AnalysedQuery,
} from './classify.ts';
export { searchHs, type HsSearchHit } from './search.ts';
export { segmentChinese, stripExclusions } from './text.ts';
