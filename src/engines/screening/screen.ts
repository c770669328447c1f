// Index over all list names (built once) and the screen() call.
// Retrieval: every list token is reachable by its exact text, its transliteration key, its
// vowel-collapsed key, its consonant skeleton (abjad queries only), single-deletion variants of
// its key (one typo) and joined neighbours; a whole-name compact key catches dropped spaces.
// Candidates whose retrieved query weight cannot reach the review bar are never scored.
import {
  analyseName,
  countryCode,
  detectScript,
  foldIdentifier,
  germanRomanisation,
  osaWithin,
  skeletonOf,
  makeToken,
  parseDate,
  scriptsIn,
  type AnalysedName,
} from './normalize';
import {
  compareNames,
  INITIAL_WEIGHT,
  PARTICLE_WEIGHT_FACTOR,
  round3,
  SIM,
  type TokenMatch,
  type WeightedToken,
} from './matcher';
import type {
  Decision,
  EntityName,
  FeatureContribution,
  ListVersion,
  SanctionedEntity,
  ScreeningMatch,
  ScreeningOptions,
  ScreeningQuery,
  ScreeningResult,
} from './types';

export const DEFAULT_OPTIONS = {
  holdThreshold: 0.8,
  blockThreshold: 0.97,
  reviewGap: 0.12,
  limit: 10,
} as const;

/** Name evidence alone never reaches block: the name part is scaled to this ceiling. */
export const NAME_ONLY_CEILING = 0.95;

/** Feature deltas (see docs/screening.md). */
export const FEATURE = {
  dobExact: 0.05,
  dobYear: 0.03,
  dobConflict: -0.2,
  dobGap: -0.05,
  dobMonthConflict: -0.05,
  countryMatch: 0.02,
  countryConflict: -0.08,
  identifierMatch: 0.12,
  typeConflict: -0.2,
  weakAlias: -0.04,
} as const;

const MAX_NAME_LENGTH = 300;
const MAX_TOKENS = 16;
/** A single-word query for an organisation is too vague when that word names this many entries. */
const COMMON_TOKEN_ENTITY_COUNT = 5;
const INSUFFICIENT_CANDIDATES = 3;

interface IndexedName {
  entity: number;
  nameIndex: number;
  /** Set when this indexed form is a generated romanisation of the published name. */
  form?: string;
  kind: EntityName['kind'];
  analysed: AnalysedName;
  tokens: WeightedToken[];
}

interface PreparedEntity {
  entity: SanctionedEntity;
  dob: ReturnType<typeof parseDate>[];
  countries: Set<string>;
  identifiers: Map<string, string>; // folded value → kind
}

export interface ScreeningIndex {
  entities: PreparedEntity[];
  names: IndexedName[];
  listVersions: ListVersion[];
  /** token text → weight (0.15…1, rarer is heavier) */
  tokenWeight: Map<string, number>;
  /** token text → number of entities carrying it */
  tokenEntityCount: Map<string, number>;
  /** token text → name indices */
  postings: Map<string, number[]>;
  byKey: Map<string, string[]>;
  byVowelKey: Map<string, string[]>;
  bySkeleton: Map<string, string[]>;
  byDeletion: Map<string, string[]>;
  byCompact: Map<string, number[]>;
  /** consonant skeleton of the whole name (both orders for "LAST, First") → name indices: Arabic ↔ Latin */
  bySkeletonCompact: Map<string, number[]>;
  /** key prefix / suffix (3 letters) → words with keys of 7+ letters: reach two-typo words. */
  byKeyPrefix: Map<string, [text: string, key: string][]>;
  byKeySuffix: Map<string, [text: string, key: string][]>;
  /** word → name-variant group (Mohammed ≡ Muhammad ≡ Mehmet …), from data/sanctions/name-variants.json */
  variantGroup: Map<string, number>;
  entityCount: number;
}

export interface BuildOptions {
  /** Groups of spellings of one name, e.g. [["muhammad","mohammed","mehmet"], …]. */
  nameVariants?: string[][];
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) {
    if (list[list.length - 1] !== value) list.push(value);
  } else map.set(key, [value]);
}

function deletions(key: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < key.length; i++) out.push(key.slice(0, i) + key.slice(i + 1));
  return out;
}

function analyseFor(entityType: string, value: string): AnalysedName {
  return analyseName(value, { type: entityType === 'person' ? 'person' : 'organisation' });
}

/** Token weight from how many list entries carry it: rare words identify, common words don't. */
function weightFromCount(count: number, total: number): number {
  const idf = Math.log(total / Math.max(1, count)) / Math.log(total);
  return Math.min(1, Math.max(0.15, idf));
}

/** Build the screening index once over all lists. */
export function buildIndex(entities: SanctionedEntity[], listVersions: ListVersion[], options: BuildOptions = {}): ScreeningIndex {
  const variantGroup = new Map<string, number>();
  (options.nameVariants ?? []).forEach((group, i) => {
    for (const w of group) variantGroup.set(w, i);
  });
  const names: IndexedName[] = [];
  const prepared: PreparedEntity[] = [];
  const tokenEntities = new Map<string, number>();
  const analysedPerEntity: { analysed: AnalysedName; kind: EntityName['kind']; nameIndex: number; form?: string }[][] = [];
  entities.forEach((entity) => {
    const analysedNames: { analysed: AnalysedName; kind: EntityName['kind']; nameIndex: number; form?: string }[] = [];
    entity.names.forEach((n, nameIndex) => {
      analysedNames.push({ analysed: analyseFor(entity.type, n.value), kind: n.kind, nameIndex });
      const german = germanRomanisation(n.value);
      if (german) analysedNames.push({ analysed: analyseFor(entity.type, german), kind: n.kind, nameIndex, form: `German romanisation "${german}"` });
    });
    analysedPerEntity.push(analysedNames);
    const seen = new Set<string>();
    for (const a of analysedNames) for (const t of a.analysed.tokens) seen.add(t.text);
    for (const t of seen) tokenEntities.set(t, (tokenEntities.get(t) ?? 0) + 1);
    prepared.push({
      entity,
      dob: entity.dob.map(parseDate).filter(Boolean),
      countries: new Set(entity.countries.map(countryCode).filter((c): c is string => !!c)),
      identifiers: new Map(entity.identifiers.map((i) => [foldIdentifier(i.value), i.kind])),
    });
  });
  const total = entities.length;
  const tokenWeight = new Map<string, number>();
  for (const [t, n] of tokenEntities) tokenWeight.set(t, weightFromCount(n, total));

  const postings = new Map<string, number[]>();
  const byKey = new Map<string, string[]>();
  const byVowelKey = new Map<string, string[]>();
  const bySkeleton = new Map<string, string[]>();
  const byDeletion = new Map<string, string[]>();
  const byCompact = new Map<string, number[]>();
  const bySkeletonCompact = new Map<string, number[]>();
  const byKeyPrefix = new Map<string, [string, string][]>();
  const byKeySuffix = new Map<string, [string, string][]>();
  analysedPerEntity.forEach((analysedNames, entityIdx) => {
    for (const a of analysedNames) {
      const nameIdx = names.length;
      const tokens = a.analysed.tokens.map((t) => ({ ...t, weight: tokenWeightFor(t, tokenWeight) }));
      names.push({ entity: entityIdx, nameIndex: a.nameIndex, kind: a.kind, analysed: a.analysed, tokens, form: a.form });
      for (const t of tokens) push(postings, t.text, nameIdx);
      if (a.analysed.compact.length >= 4) push(byCompact, a.analysed.compact, nameIdx);
      for (const sk of wholeNameSkeletons(entities[entityIdx]!.names[a.nameIndex]!.value, a.analysed, entities[entityIdx]!.type)) {
        push(bySkeletonCompact, sk, nameIdx);
      }
    }
  });
  for (const text of postings.keys()) {
    const t = makeToken(text);
    push(byKey, t.key, text);
    if (t.vowelKey.length >= 3) push(byVowelKey, t.vowelKey, text);
    if (t.skeleton.length >= 2) push(bySkeleton, t.skeleton, text);
    if (t.key.length >= 4) for (const d of deletions(t.key)) push(byDeletion, d, text);
    if (t.key.length >= 7) {
      push(byKeyPrefix, t.key.slice(0, 3), [text, t.key] as [string, string]);
      push(byKeySuffix, t.key.slice(-3), [text, t.key] as [string, string]);
    }
  }
  return {
    entities: prepared,
    names,
    listVersions,
    tokenWeight,
    tokenEntityCount: tokenEntities,
    postings,
    byKey,
    byVowelKey,
    bySkeleton,
    byDeletion,
    byCompact,
    bySkeletonCompact,
    byKeyPrefix,
    byKeySuffix,
    variantGroup,
    entityCount: total,
  };
}

/** Whole-name consonant skeletons (≥ 5 consonants): the name as written, and "First LAST" for "LAST, First". */
function wholeNameSkeletons(value: string, analysed: AnalysedName, type: string): string[] {
  const out = new Set<string>();
  const own = skeletonOf(analysed.compact);
  if (own.length >= 5) out.add(own);
  const comma = value.indexOf(',');
  if (comma > 0 && !analysed.abjad) {
    const reordered = analyseFor(type, `${value.slice(comma + 1)} ${value.slice(0, comma)}`);
    const sk = skeletonOf(reordered.compact);
    if (sk.length >= 5) out.add(sk);
  }
  return [...out];
}

interface Scratch {
  reach: Float64Array;
  stamp: Int32Array;
  stampCounter: number;
}
// Per-index scratch buffers for retrieval (reset after each query): avoids allocating per call.
const scratchByIndex = new WeakMap<ScreeningIndex, Scratch>();
function scratchFor(index: ScreeningIndex): Scratch {
  let s = scratchByIndex.get(index);
  if (!s) {
    s = { reach: new Float64Array(index.names.length), stamp: new Int32Array(index.names.length), stampCounter: 0 };
    scratchByIndex.set(index, s);
  }
  if (s.stampCounter > 2_000_000_000) {
    s.stamp.fill(0);
    s.stampCounter = 0;
  }
  return s;
}

function tokenWeightFor(t: { text: string; role: string }, weights: Map<string, number>): number {
  if (t.role === 'initial') return INITIAL_WEIGHT;
  const w = weights.get(t.text) ?? 1;
  return t.role === 'particle' ? w * PARTICLE_WEIGHT_FACTOR : w;
}

/** Vocabulary words a query token could match (spelling, transliteration, typo, joined forms). */
function similarVocabulary(index: ScreeningIndex, tokenText: string, abjad: boolean, typos = true): Set<string> {
  const t = makeToken(tokenText);
  const found = new Set<string>();
  if (index.postings.has(t.text)) found.add(t.text);
  if (t.role === 'initial' || t.role === 'number') return found;
  for (const w of index.byKey.get(t.key) ?? []) found.add(w);
  for (const w of index.byVowelKey.get(t.vowelKey) ?? []) found.add(w);
  if (abjad) for (const w of index.bySkeleton.get(t.skeleton) ?? []) found.add(w);
  const group = index.variantGroup.get(t.text);
  if (group !== undefined) for (const [w, g] of index.variantGroup) if (g === group && index.postings.has(w)) found.add(w);
  if (!typos) return found;
  if (t.key.length >= 4) {
    for (const w of index.byDeletion.get(t.key) ?? []) found.add(w);
    for (const d of deletions(t.key)) {
      for (const w of index.byKey.get(d) ?? []) found.add(w);
      for (const w of index.byDeletion.get(d) ?? []) found.add(w);
    }
  }
  // Long unknown words: two typos, found through a shared start or end of the key.
  if (t.key.length >= 7 && !found.size) {
    for (const bucket of [index.byKeyPrefix.get(t.key.slice(0, 3)), index.byKeySuffix.get(t.key.slice(-3))]) {
      for (const [w, k] of bucket ?? []) {
        if (Math.abs(k.length - t.key.length) <= 2 && osaWithin(t.key, k, 2)) found.add(w);
      }
    }
  }
  return found;
}

interface PreparedQuery {
  analysed: AnalysedName;
  tokens: WeightedToken[];
  dob?: ReturnType<typeof parseDate>;
  countries: Set<string>;
  identifiers: Set<string>;
  type?: string;
}

function normaliseType(t: string | undefined): string | undefined {
  if (!t) return undefined;
  return t === 'entity' ? 'organisation' : t;
}

function scoreFeatures(q: PreparedQuery, e: PreparedEntity, nameKind: EntityName['kind']): FeatureContribution[] {
  const f: FeatureContribution[] = [];
  if (nameKind === 'weak') f.push({ feature: 'weak_alias', delta: FEATURE.weakAlias, detail: 'matched a low-quality alias' });
  if (q.type && q.type !== e.entity.type && !(e.entity.typeInferred && q.type !== 'vessel' && q.type !== 'aircraft')) {
    f.push({ feature: 'type_conflict', delta: FEATURE.typeConflict, detail: `query is ${q.type}, listed entry is ${e.entity.type}` });
  }
  if (q.dob && e.dob.length) {
    const qd = q.dob;
    let best: FeatureContribution | undefined;
    for (const d of e.dob) {
      if (!d) continue;
      let c: FeatureContribution;
      // Lists often give approximate years: a gap of a few years weakens, a generation apart contradicts.
      const gap = Math.max(0, qd.fromYear - d.toYear, d.fromYear - qd.toYear);
      const sameYear = gap === 0;
      if (gap > 5) c = { feature: 'dob_conflict', delta: FEATURE.dobConflict, detail: `born ${fmtSpan(qd)} vs listed ${fmtSpan(d)}` };
      else if (gap > 1) c = { feature: 'dob_gap', delta: FEATURE.dobGap, detail: `born ${fmtSpan(qd)} vs listed ${fmtSpan(d)} (${gap} years apart)` };
      else if (sameYear && qd.month && d.month && qd.day && d.day && qd.month === d.month && qd.day === d.day) c = { feature: 'dob_exact', delta: FEATURE.dobExact, detail: `same date of birth ${fmtSpan(d)}` };
      else if (sameYear && qd.month && d.month && qd.month !== d.month) c = { feature: 'dob_month_conflict', delta: FEATURE.dobMonthConflict, detail: `same year, different month (${fmtSpan(qd)} vs ${fmtSpan(d)})` };
      else if (sameYear) c = { feature: 'dob_year', delta: FEATURE.dobYear, detail: `birth year agrees (${fmtSpan(d)})` };
      else c = { feature: 'dob_near', delta: 0, detail: `birth year within one year (${fmtSpan(qd)} vs ${fmtSpan(d)})` };
      if (!best || c.delta > best.delta) best = c;
    }
    if (best) f.push(best);
  }
  if (q.countries.size && e.countries.size) {
    const shared = [...q.countries].filter((c) => e.countries.has(c));
    if (shared.length) f.push({ feature: 'country_match', delta: FEATURE.countryMatch, detail: `country ${shared.join(', ')} listed` });
    else f.push({ feature: 'country_conflict', delta: FEATURE.countryConflict, detail: `query ${[...q.countries].join(', ')} vs listed ${[...e.countries].join(', ')}` });
  }
  if (q.identifiers.size && e.identifiers.size) {
    // Equal after folding, or equal once a label such as "IMO" / "Passport No" is ignored.
    let hit: string | undefined;
    for (const id of q.identifiers) {
      for (const [listed, kind] of e.identifiers) {
        const [short, long] = id.length <= listed.length ? [id, listed] : [listed, id];
        if (id === listed || (short.length >= 6 && /\d/.test(short) && long.endsWith(short) && /^[A-Z]*$/.test(long.slice(0, -short.length)))) {
          hit = `${kind} ${listed}`;
          break;
        }
      }
      if (hit) break;
    }
    if (hit) f.push({ feature: 'identifier_match', delta: FEATURE.identifierMatch, detail: `${hit} matches` });
  }
  return f;
}

function fmtSpan(d: NonNullable<ReturnType<typeof parseDate>>): string {
  if (d.fromYear !== d.toYear) return `${d.fromYear}–${d.toYear}`;
  return [String(d.fromYear), d.month ? String(d.month).padStart(2, '0') : '', d.day ? String(d.day).padStart(2, '0') : ''].filter(Boolean).join('-');
}

function versionsOf(index: ScreeningIndex): ScreeningResult['listVersions'] {
  return index.listVersions.map((v) => ({ listId: v.listId, publicationDate: v.publicationDate, sha256: v.files.map((f) => f.sha256) }));
}

function result(index: ScreeningIndex, decision: Decision, matches: ScreeningMatch[], reasons: string[]): ScreeningResult {
  return { decision, matches, listVersions: versionsOf(index), reasons };
}

/** Screen one party against every list in the index. */
export function screen(index: ScreeningIndex, query: ScreeningQuery, options: ScreeningOptions = {}): ScreeningResult {
  const holdThreshold = options.holdThreshold ?? DEFAULT_OPTIONS.holdThreshold;
  const blockThreshold = options.blockThreshold ?? DEFAULT_OPTIONS.blockThreshold;
  const reviewThreshold = options.reviewThreshold ?? holdThreshold - DEFAULT_OPTIONS.reviewGap;
  const limit = Math.max(1, options.limit ?? DEFAULT_OPTIONS.limit);
  const reasons: string[] = [];

  const rawName = typeof query.name === 'string' ? query.name : '';
  if (rawName.length > MAX_NAME_LENGTH) {
    return result(index, 'insufficient', [], [`name is ${rawName.length} characters (limit ${MAX_NAME_LENGTH}): screen one party name at a time, without addresses or notes`]);
  }
  const type = normaliseType(query.type);
  const analysed = analyseName(rawName, { type: type ?? undefined });
  if (!analysed.tokens.length || !/[a-z]/.test(analysed.tokens.map((t) => t.text).join(''))) {
    return result(index, 'insufficient', [], ['name has no letters after normalisation: provide the party name']);
  }
  if (analysed.tokens.length > MAX_TOKENS) {
    return result(index, 'insufficient', [], [`name has ${analysed.tokens.length} words (limit ${MAX_TOKENS}): screen each party separately`]);
  }
  const scripts = scriptsIn(rawName);
  if (scripts.length > 1) reasons.push(`mixed scripts (${scripts.join(', ')}): each part transliterated separately`);

  const dob = query.dob ? parseDate(query.dob) : undefined;
  if (query.dob && !dob) reasons.push(`date of birth "${query.dob}" not understood (use YYYY, YYYY-MM or YYYY-MM-DD); ignored`);
  const countries = new Set<string>();
  for (const c of query.countries ?? []) {
    const code = countryCode(c);
    if (code) countries.add(code);
    else reasons.push(`country "${c}" not recognised; ignored`);
  }
  const identifiers = new Set((query.identifiers ?? []).map(foldIdentifier).filter((s) => s.length >= 4));

  // Query token weights: a word's own list frequency, or that of the list words it resembles.
  const candidatesPerToken: Set<string>[] = [];
  const tokens: WeightedToken[] = analysed.tokens.map((t) => {
    const similar = similarVocabulary(index, t.text, analysed.abjad);
    candidatesPerToken.push(similar);
    let weight = index.tokenWeight.get(t.text);
    if (weight === undefined) {
      weight = 1;
      for (const w of similar) weight = Math.min(weight, index.tokenWeight.get(w) ?? 1);
      if (!similar.size) weight = 1;
    }
    if (t.role === 'initial') weight = INITIAL_WEIGHT;
    else if (t.role === 'particle') weight *= PARTICLE_WEIGHT_FACTOR;
    return { ...t, weight };
  });
  const prepared: PreparedQuery = { analysed, tokens, dob, countries, identifiers, type };
  const totalWeight = tokens.reduce((s, t) => s + t.weight, 0);

  // Retrieval. A name can score at most (query weight its words explain) / (total query weight), so
  // only names that could reach the review bar are scored. The lightest (most common) query words
  // whose weights together stay below that bar are not used to find candidates — a name carrying
  // only those cannot qualify — which keeps "Mohammed"-sized posting lists out of the hot path;
  // their weight is added to every candidate as an optimistic bound instead.
  const minReach = (reviewThreshold - 0.05) * totalWeight;
  const order = tokens.map((_, i) => i).sort((a, b) => tokens[a]!.weight - tokens[b]!.weight);
  const nonEssential = new Set<number>();
  let optimistic = 0;
  // Initials cannot be looked up (any word with that first letter fits): always non-essential.
  for (const i of order) {
    if (tokens[i]!.role !== 'initial') continue;
    optimistic += tokens[i]!.weight;
    nonEssential.add(i);
  }
  for (const i of order) {
    if (nonEssential.has(i)) continue;
    if (optimistic + tokens[i]!.weight >= minReach) break;
    optimistic += tokens[i]!.weight;
    nonEssential.add(i);
  }
  const scratch = scratchFor(index);
  const touched: number[] = [];
  const addPostings = (words: Iterable<string>, weight: number) => {
    const stamp = ++scratch.stampCounter;
    for (const w of words) {
      for (const n of index.postings.get(w) ?? []) {
        if (scratch.stamp[n] === stamp) continue;
        scratch.stamp[n] = stamp;
        if (scratch.reach[n] === 0) touched.push(n);
        scratch.reach[n] += weight;
      }
    }
  };
  tokens.forEach((t, i) => {
    if (!nonEssential.has(i)) addPostings(candidatesPerToken[i]!, t.weight);
  });
  // Joined query words ("jin ping" → "jinping") and whole-name compact keys.
  for (let i = 0; i + 1 < tokens.length; i++) {
    const joined = tokens[i]!.text + tokens[i + 1]!.text;
    // Exact or transliteration-equal joins only: typo search on every word pair costs too much.
    addPostings(similarVocabulary(index, joined, analysed.abjad, false), tokens[i]!.weight + tokens[i + 1]!.weight);
  }
  const compactHits = new Set(index.byCompact.get(analysed.compact) ?? []);
  // Arabic script ↔ Latin for the whole name (spacing and word division differ: نصر الله ↔ Nasrallah).
  const skeletonHits = new Set<number>();
  const querySkeleton = skeletonOf(analysed.compact);
  if (querySkeleton.length >= 5) {
    for (const n of index.bySkeletonCompact.get(querySkeleton) ?? []) {
      if (index.names[n]!.analysed.abjad !== analysed.abjad) skeletonHits.add(n);
    }
  }
  for (const n of skeletonHits) compactHits.add(n);
  for (const n of compactHits) {
    if (scratch.reach[n] === 0) touched.push(n);
    scratch.reach[n] = totalWeight;
  }
  // Complete each candidate's reach with the common words it really carries.
  const reach = new Map<number, number>();
  for (const n of touched) {
    let r = scratch.reach[n]!;
    scratch.reach[n] = 0;
    if (r + optimistic < minReach) continue;
    if (optimistic > 0 && !compactHits.has(n)) {
      for (const i of nonEssential) {
        const q = tokens[i]!;
        const similar = candidatesPerToken[i]!;
        const carried = q.role === 'initial'
          ? index.names[n]!.tokens.some((t) => t.text.startsWith(q.text))
          : index.names[n]!.tokens.some((t) => similar.has(t.text));
        if (carried) r += q.weight;
      }
    }
    reach.set(n, r);
  }

  const variantOf = (w: string) => index.variantGroup.get(w);
  const similarityMemo = tokens.map(() => new Map<string, TokenMatch>());
  const bestPerEntity = new Map<number, ScreeningMatch>();
  for (const [n, r] of reach) {
    if (r < minReach) continue;
    const name = index.names[n]!;
    let cmp = compareNames(analysed, tokens, name.analysed, name.tokens, variantOf, similarityMemo);
    if (skeletonHits.has(n) && cmp.score < SIM.skeleton) {
      cmp = {
        score: SIM.skeleton,
        tokens: [{ query: analysed.compact, candidate: name.analysed.compact, similarity: SIM.skeleton, how: 'same consonants across scripts (whole name)', weight: 1 }],
        unmatchedQuery: [],
        unmatchedCandidate: [],
      };
    }
    const entity = index.entities[name.entity]!;
    const features = scoreFeatures(prepared, entity, name.kind);
    const score = Math.max(0, Math.min(1, NAME_ONLY_CEILING * cmp.score + features.reduce((s, f) => s + f.delta, 0)));
    const prev = bestPerEntity.get(name.entity);
    if (prev && prev.score >= score) continue;
    bestPerEntity.set(name.entity, {
      entityId: entity.entity.id,
      listId: entity.entity.listId,
      type: entity.entity.type,
      primaryName: entity.entity.names[0]?.value ?? '',
      score: round3(score),
      explanation: {
        queryName: rawName,
        matchedName: entity.entity.names[name.nameIndex]!.value + (name.form ? ` (as ${name.form})` : ''),
        matchedNameKind: name.kind,
        nameScore: round3(cmp.score),
        tokens: cmp.tokens,
        unmatchedQueryTokens: cmp.unmatchedQuery,
        unmatchedCandidateTokens: cmp.unmatchedCandidate,
        features,
      },
    });
  }
  const ranked = [...bestPerEntity.values()].filter((m) => m.score >= reviewThreshold).sort((a, b) => b.score - a.score || a.entityId.localeCompare(b.entityId));

  // One distinctive word is not enough to tell a person apart; a common word never is.
  const informative = tokens.filter((t) => t.role === 'word' || t.role === 'number');
  const cjkSingle = ['Han', 'Hangul'].includes(detectScript(rawName));
  const hasSecondary = !!dob || countries.size > 0 || identifiers.size > 0;
  // Joined-up full names ("زكرياالصبار" for "زكريا الصبار") are one word but not a single name.
  const compactFullName = [...compactHits].some((n) => index.names[n]!.tokens.length >= 2);
  const hasInitials = tokens.some((t) => t.role === 'initial');
  const singleWord = informative.length === 0 || (informative.length === 1 && !hasInitials && !cjkSingle && !compactFullName);
  const word = informative[0]?.text ?? tokens[0]!.text;
  const commonWord = (index.tokenEntityCount.get(word) ?? 0) >= COMMON_TOKEN_ENTITY_COUNT;
  if (singleWord && (word.length <= 2 || commonWord || (type !== 'organisation' && type !== 'vessel' && type !== 'aircraft' && !hasSecondary))) {
    const why = word.length <= 2
      ? `"${rawName.trim()}" is too short to screen`
      : commonWord
        ? `"${rawName.trim()}" is a single common word (on ${index.tokenEntityCount.get(word)} list entries)`
        : `"${rawName.trim()}" is a single name`;
    reasons.push(`${why}: provide the full name and at least one of date of birth, country or an identifier`);
    return result(index, 'insufficient', ranked.slice(0, INSUFFICIENT_CANDIDATES), reasons);
  }

  const matches = ranked.slice(0, limit);
  const top = matches[0]?.score ?? 0;
  let decision: Decision = 'clear';
  if (top >= blockThreshold) decision = 'block';
  else if (top >= holdThreshold) decision = 'hold';
  else if (top >= reviewThreshold) decision = 'review';
  if (matches.length) {
    const m = matches[0]!;
    reasons.push(`best match ${m.entityId} "${m.explanation.matchedName}" scored ${m.score} (hold ≥ ${holdThreshold}, block ≥ ${blockThreshold})`);
  } else reasons.push(`no list name scored ≥ ${round3(reviewThreshold)}`);
  if (ranked.length > limit) reasons.push(`${ranked.length - limit} further candidates ≥ review threshold not shown`);
  return result(index, decision, matches, reasons);
}
