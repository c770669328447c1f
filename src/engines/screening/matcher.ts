// Token and name similarity. A name score is a weighted alignment of query tokens to candidate
// tokens: order-free (handles "LAST, First"), tolerant of missing middle names on the query side,
// strict about extra query words, with per-token similarity from spelling and transliteration keys.
import { makeToken, osaDistance, type AnalysedName, type AnalysedToken } from './normalize';
import type { TokenAlignment } from './types';

/** Similarity levels, in one place so explanations and tests can name them. */
export const SIM = {
  exact: 1,
  translitKey: 0.95,
  vowelKey: 0.82,
  nameVariant: 0.9,
  shortInsertion: 0.75,
  shortVowel: 0.75,
  skeleton: 0.85,
  initial: 0.8,
  compact: 0.97,
  compactKey: 0.94,
} as const;

/** Weight of a candidate word that the query did not mention (a dropped middle name costs little). */
/** Similarity lost per edit, relative to word length: one typo in 4 letters → 0.825, in 10 → 0.93. */
export const TYPO_COST = 0.7;
export const UNMATCHED_CANDIDATE_FACTOR = 0.25;
/** …but when the query has a single informative word, every other listed word counts more. */
export const UNMATCHED_CANDIDATE_FACTOR_SINGLE = 0.6;
export const UNMATCHED_CANDIDATE_FACTOR_REPLACED = 1;
export const PARTICLE_WEIGHT_FACTOR = 0.3;
export const INITIAL_WEIGHT = 0.3;

export { osaDistance };

/** Edits tolerated for a token of this length: none below 4 letters, then 1, 2 from 8, 3 from 13. */
export function editBudget(length: number): number {
  if (length < 4) return 0;
  if (length < 8) return 1;
  if (length < 13) return 2;
  return 3;
}

export interface TokenMatch {
  similarity: number;
  how: string;
}

/** Similarity of two analysed tokens; `acrossAbjad` allows consonant-skeleton matches. */
export function tokenSimilarity(q: AnalysedToken, c: AnalysedToken, acrossAbjad: boolean, variantOf?: (t: string) => number | undefined): TokenMatch {
  if (q.text === c.text) return { similarity: SIM.exact, how: 'exact' };
  if (q.role === 'number' || c.role === 'number') return { similarity: 0, how: 'number differs' };
  if (q.role === 'initial' || c.role === 'initial') {
    const [init, word] = q.role === 'initial' ? [q, c] : [c, q];
    return word.text.startsWith(init.text) ? { similarity: SIM.initial, how: 'initial' } : { similarity: 0, how: '' };
  }
  if (q.key === c.key) return { similarity: SIM.translitKey, how: 'transliteration' };
  let best: TokenMatch = { similarity: 0, how: '' };
  if (variantOf) {
    const a = variantOf(q.text);
    if (a !== undefined && a === variantOf(c.text)) best = { similarity: SIM.nameVariant, how: 'known name variant' };
  }
  // Spelling: edits on the written form or on the transliteration key, whichever is closer.
  const minLen = Math.min(q.text.length, c.text.length);
  const budget = editBudget(minLen);
  if (budget > 0) {
    const d = Math.min(osaDistance(q.text, c.text, budget), osaDistance(q.key, c.key, budget));
    if (d <= budget) {
      const len = Math.max(q.text.length, c.text.length);
      let sim = 1 - (TYPO_COST * d) / len;
      // First letters rarely carry typos; a differing first letter makes a spelling match weaker.
      if (q.text[0] !== c.text[0] && q.key[0] !== c.key[0]) sim -= 0.08;
      if (sim > best.similarity) best = { similarity: sim, how: `spelling (${d} edit${d > 1 ? 's' : ''})` };
    }
  } else if (minLen === 3 && Math.abs(q.text.length - c.text.length) === 1 && q.text[0] === c.text[0] && osaDistance(q.text, c.text, 1) <= 1) {
    // Short words: one letter dropped or added (Jon/John, Cho/Chol) counts, but not much.
    if (SIM.shortInsertion > best.similarity) best = { similarity: SIM.shortInsertion, how: 'spelling (1 letter, short word)' };
  }
  if (q.vowelKey === c.vowelKey && q.text[0] === c.text[0]) {
    // Vowels written differently (Mohammad/Muhammad, Abo/Abu); weaker for short words.
    const sim = minLen >= 5 ? SIM.vowelKey : SIM.shortVowel;
    if (sim > best.similarity) best = { similarity: sim, how: 'vowel variant' };
  }
  if (acrossAbjad && q.skeleton.length >= 2 && q.skeleton === c.skeleton && SIM.skeleton > best.similarity) {
    best = { similarity: SIM.skeleton, how: 'consonant skeleton (abjad)' };
  }
  return best;
}

export interface WeightedToken extends AnalysedToken {
  weight: number;
}

export interface NameComparison {
  score: number;
  tokens: TokenAlignment[];
  unmatchedQuery: string[];
  unmatchedCandidate: string[];
}

interface CandidatePair {
  qi: number[];
  cj: number[];
  similarity: number;
  how: string;
  weight: number;
}

const MIN_TOKEN_SIMILARITY = 0.6;

/**
 * Compare an analysed query name (weighted tokens) with an analysed candidate name.
 * score = Σ matched similarity·weight / (Σ query weights + 0.25·Σ unmatched candidate weights)
 */
export function compareNames(
  query: AnalysedName,
  queryTokens: WeightedToken[],
  candidate: AnalysedName,
  candidateTokens: WeightedToken[],
  variantOf?: (t: string) => number | undefined,
  /** Per-query memo of token similarities (one map per query token), shared across candidates. */
  cache?: Map<string, TokenMatch>[],
): NameComparison {
  const acrossAbjad = query.abjad !== candidate.abjad;
  const pairs: CandidatePair[] = [];
  const Q = queryTokens;
  const C = candidateTokens;
  for (let i = 0; i < Q.length; i++) {
    const memo = cache?.[i];
    for (let j = 0; j < C.length; j++) {
      let m: TokenMatch | undefined;
      if (memo) {
        const key = acrossAbjad ? `${C[j]!.text}|abjad` : C[j]!.text;
        m = memo.get(key);
        if (!m) {
          m = tokenSimilarity(Q[i]!, C[j]!, acrossAbjad, variantOf);
          memo.set(key, m);
        }
      } else m = tokenSimilarity(Q[i]!, C[j]!, acrossAbjad, variantOf);
      if (m.similarity >= MIN_TOKEN_SIMILARITY) pairs.push({ qi: [i], cj: [j], similarity: m.similarity, how: m.how, weight: Q[i]!.weight });
    }
  }
  // Split/joined words: "Jin Ping" ↔ "Jinping", "Abu Bakr" ↔ "Abubakr" (word counts then differ).
  if (C.length >= 2 && C.length !== Q.length) {
    for (let j = 0; j + 1 < C.length; j++) {
      const joined = makeToken(C[j]!.text + C[j + 1]!.text);
      for (let i = 0; i < Q.length; i++) {
        if (Q[i]!.text.length < 4) continue;
        const m = tokenSimilarity(Q[i]!, joined, acrossAbjad);
        if (m.similarity >= 0.88 && m.how !== 'vowel variant') pairs.push({ qi: [i], cj: [j, j + 1], similarity: m.similarity, how: `${m.how}, joined`, weight: Q[i]!.weight });
      }
    }
  }
  if (Q.length >= 2 && C.length !== Q.length) {
    for (let i = 0; i + 1 < Q.length; i++) {
      const joined = makeToken(Q[i]!.text + Q[i + 1]!.text);
      for (let j = 0; j < C.length; j++) {
        if (C[j]!.text.length < 4) continue;
        const m = tokenSimilarity(joined, C[j]!, acrossAbjad);
        if (m.similarity >= 0.88 && m.how !== 'vowel variant') pairs.push({ qi: [i, i + 1], cj: [j], similarity: m.similarity, how: `${m.how}, split`, weight: Q[i]!.weight + Q[i + 1]!.weight });
      }
    }
  }
  // Greedy alignment: best pairs first (ties: heavier first).
  pairs.sort((a, b) => b.similarity - a.similarity || b.weight - a.weight);
  const usedQ = new Uint8Array(Q.length);
  const usedC = new Uint8Array(C.length);
  const tokens: TokenAlignment[] = [];
  let matched = 0;
  for (const p of pairs) {
    if (p.qi.some((i) => usedQ[i]) || p.cj.some((j) => usedC[j])) continue;
    for (const i of p.qi) usedQ[i] = 1;
    for (const j of p.cj) usedC[j] = 1;
    matched += p.similarity * p.weight;
    tokens.push({
      query: p.qi.map((i) => Q[i]!.text).join(' '),
      candidate: p.cj.map((j) => C[j]!.text).join(' '),
      similarity: round3(p.similarity),
      how: p.how,
      weight: round3(p.weight),
    });
  }
  let denominator = 0;
  for (const t of Q) denominator += t.weight;
  const unmatchedQuery: string[] = [];
  const unmatchedCandidate: string[] = [];
  for (let i = 0; i < Q.length; i++) if (!usedQ[i]) unmatchedQuery.push(Q[i]!.text);
  const informativeQuery = Q.filter((t) => t.role === 'word' || t.role === 'number').length;
  // A listed word the query lacks is cheap (dropped middle name) — unless the query put another
  // word in its place: a replaced word is evidence of a different name, so it counts in full.
  const replaced = Q.some((t, i) => !usedQ[i] && t.role === 'word');
  const factor = replaced ? UNMATCHED_CANDIDATE_FACTOR_REPLACED : informativeQuery >= 2 ? UNMATCHED_CANDIDATE_FACTOR : UNMATCHED_CANDIDATE_FACTOR_SINGLE;
  for (let j = 0; j < C.length; j++) {
    if (usedC[j]) continue;
    unmatchedCandidate.push(C[j]!.text);
    denominator += factor * C[j]!.weight;
  }
  let score = denominator > 0 ? matched / denominator : 0;

  // Whole-name comparison ignoring spaces: "زكرياالصبار" ↔ "زكريا الصبار", "XiJinping" ↔ "Xi Jinping".
  if (query.compact.length >= 4 && query.compact === candidate.compact && score < SIM.compact) {
    score = SIM.compact;
    tokens.splice(0, tokens.length, { query: query.compact, candidate: candidate.compact, similarity: SIM.compact, how: 'same letters ignoring spaces', weight: 1 });
    unmatchedQuery.length = 0;
    unmatchedCandidate.length = 0;
  }
  return { score, tokens, unmatchedQuery, unmatchedCandidate };
}

export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
