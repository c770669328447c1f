// Shapes of the market-access rules data (data/market-access/*.json) and of the engine's
// inputs and outputs. Plain data only.

export type LithiumBatteryUn = 'UN3480' | 'UN3481' | 'UN3090' | 'UN3091';

export interface ProductAttributes {
  lithiumBattery?: LithiumBatteryUn;
  liquid?: boolean;
  magnet?: boolean;
  powder?: boolean;
  foodContact?: boolean;
  cosmetic?: boolean;
  medical?: boolean;
  radioEquipment?: boolean;
  childrens?: boolean;
  /** mains- or battery-powered electrical/electronic product (PSE, KC, RCM, Safety Mark …) */
  electrical?: boolean;
  /** food, drink or food supplement for human consumption */
  food?: boolean;
}

export interface Product {
  hsCode: string; // 6+ digits, dots allowed
  originCountry: string; // ISO 3166-1 alpha-2
  attributes: ProductAttributes;
  weightGrams?: number;
  title?: string;
}

export interface Certificate {
  type: string; // e.g. "EU_DECLARATION_OF_CONFORMITY", "FCC_CERTIFICATION"
  issuer: string;
  number: string;
  scope?: {
    markets?: string[]; // markets the certificate is valid for; absent = any
    hsPrefixes?: string[]; // products covered, by HS prefix; absent = any
  };
  issuedAt?: string; // YYYY-MM-DD
  expiry?: string | null; // YYYY-MM-DD inclusive; null/absent = no expiry
}

export type RuleKind = 'prohibited' | 'licence' | 'certification' | 'marking' | 'registration' | 'labelling' | 'transport';

/** One alternative way for a rule to apply; all given fields must hold. */
export interface RuleMatch {
  hsPrefixes?: string[]; // any prefix
  excludeHsPrefixes?: string[];
  attributes?: Partial<Record<Exclude<keyof ProductAttributes, 'lithiumBattery'>, boolean>>;
  lithiumBattery?: LithiumBatteryUn[];
  originCountries?: string[];
}

export interface Bilingual {
  en: string;
  zh: string;
}

export interface MarketRule {
  id: string;
  kind: RuleKind;
  /** block: the product cannot enter (unless satisfiedBy); condition: it can, once met */
  effect: 'block' | 'condition';
  /** The rule applies when ANY of these matches. */
  match: RuleMatch[];
  /** Alternatives (OR) of certificate-type groups (AND) that discharge the rule. */
  satisfiedBy?: string[][];
  reason: Bilingual;
  source: string;
  as_of: string; // YYYY-MM-DD
  effective_from?: string;
  effective_to?: string;
}

export interface MarketRuleSet {
  market: string; // "EU", "GB", … or "*" for rules that apply to every destination
  name: string;
  version: string;
  as_of: string;
  labelling?: { languages: string[]; note: Bilingual; source: string; as_of: string };
  rules: MarketRule[];
}

export interface Finding {
  ruleId: string;
  kind: RuleKind;
  effect: MarketRule['effect'];
  reason: Bilingual;
  source: string;
  as_of: string;
  /** certificate types that would discharge it (alternatives of AND-groups) */
  satisfiedBy?: string[][];
  /** certificates used to discharge it (only in `satisfied`) */
  certificates?: { type: string; number: string; issuer: string; expiry: string | null }[];
  /** why a certificate the seller holds did not count (expired, other market, other products) */
  certificateNotes?: Bilingual[];
}

export interface MarketAccessResult {
  market: string;
  date: string;
  status: 'allowed' | 'allowed_with_conditions' | 'blocked';
  blocks: Finding[];
  conditions: Finding[];
  satisfied: Finding[];
  labelling?: MarketRuleSet['labelling'];
  rulesVersion: string[];
}
