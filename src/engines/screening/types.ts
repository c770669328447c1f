// Shared types of the denied-party screening engine.

export type EntityType = 'person' | 'organisation' | 'vessel' | 'aircraft';

export interface EntityIdentifier {
  /** passport, national_id, registration, tax_id, imo, mmsi, swift, lei, other … */
  kind: string;
  value: string;
  country?: string;
}

export interface EntityName {
  /** As published (case, punctuation and script preserved). */
  value: string;
  /** primary = the list's main name; alias = strong a.k.a./f.k.a.; weak = low-quality alias. */
  kind: 'primary' | 'alias' | 'weak';
  /** Set when the name is not in Latin script (e.g. 'Cyrillic', 'Arabic', 'Han', 'Hangul'). */
  script?: string;
}

/** Normalised list entry. One per list record; entries are not merged across lists. */
export interface SanctionedEntity {
  /** `<listId>:<sourceId>` */
  id: string;
  listId: string;
  sourceId: string;
  type: EntityType;
  /** True when the list gives no type and the importer inferred it (BIS DPL). */
  typeInferred?: boolean;
  names: EntityName[];
  /** Dates of birth/registration as given: YYYY-MM-DD, YYYY-MM, YYYY or "YYYY to YYYY". */
  dob: string[];
  /** Nationalities, citizenships, address countries, flags; free text as published. */
  countries: string[];
  identifiers: EntityIdentifier[];
  programmes: string[];
  /** The source record verbatim (CSV row(s), XML fragment or JSON object as text). */
  sourceRecord: string;
}

export interface ListVersion {
  listId: string;
  title: string;
  publisher: string;
  /** Publication date of the data (ISO date), as stated in or next to the file. */
  publicationDate: string;
  sourceUrl: string;
  /** Files the list was imported from, each with sha256 of its uncompressed bytes. */
  files: { path: string; sha256: string }[];
  /** True for snapshots that must not be relied on for screening (e.g. the 2018 UK list). */
  stale?: boolean;
  recordCount?: number;
  notes?: string;
}

export interface ScreeningQuery {
  name: string;
  type?: EntityType | 'entity';
  /** YYYY, YYYY-MM or YYYY-MM-DD */
  dob?: string;
  countries?: string[];
  /** Free-form identifier numbers (passport, registration, IMO …). */
  identifiers?: string[];
}

export interface ScreeningOptions {
  /** Score at/above which a match is reported as a hit needing a hold. Default 0.80. */
  holdThreshold?: number;
  /** Score at/above which the party is blocked. Default 0.97 (needs a corroborating DOB/ID). */
  blockThreshold?: number;
  /** Score at/above which a candidate is shown for review (below hold). Default hold − 0.12. */
  reviewThreshold?: number;
  /** Maximum matches returned. Default 10. */
  limit?: number;
}

export type Decision = 'clear' | 'review' | 'hold' | 'block' | 'insufficient';

export interface FeatureContribution {
  feature: string;
  /** Score change applied (+/−); 0 for informational entries. */
  delta: number;
  detail: string;
}

export interface TokenAlignment {
  query: string;
  candidate: string;
  similarity: number;
  how: string;
  weight: number;
}

export interface MatchExplanation {
  queryName: string;
  matchedName: string;
  matchedNameKind: EntityName['kind'];
  nameScore: number;
  tokens: TokenAlignment[];
  unmatchedQueryTokens: string[];
  unmatchedCandidateTokens: string[];
  features: FeatureContribution[];
}

export interface ScreeningMatch {
  entityId: string;
  listId: string;
  type: EntityType;
  primaryName: string;
  score: number;
  explanation: MatchExplanation;
}

export interface ScreeningResult {
  decision: Decision;
  matches: ScreeningMatch[];
  listVersions: { listId: string; publicationDate: string; sha256: string[] }[];
  reasons: string[];
}
