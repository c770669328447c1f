// Classification assistant: rank HS headings/subheadings for a product title (English or
// Chinese). Method, kept explainable on purpose:
//   1. Query analysis: Chinese runs are segmented (forward maximum matching over the glossary)
//      and translated to English product words; English glossary phrases ("phone case",
//      "hoodie") add tariff-language terms ("cases", "jerseys pullovers … knitted").
//   2. BM25 over one document per declarable leaf (6-digit subheading, or a heading without
//      subheadings). A document's fields are weighted: the subheading's own text 1.0, its
//      heading's text 0.3, the chapter's text 0.3 (BM25F-style weighted term frequencies).
//      A material the title names also puts that material's residual subheading ("other
//      articles of plastics") just below the best match.
//   3. Headings are ranked by their best subheading. Every result lists the query words that
//      matched it and how (direct word, English glossary, Chinese glossary, material).
// Weights and why each exists: ClassifierParams below.

import type { HsNomenclature, HsNode, HsSection } from './nomenclature.ts';
import { CJK, segmentChinese, stem, stripExclusions, terms, words, isStopword } from './text.ts';

export interface Glossary {
  version: string;
  as_of: string;
  source: string;
  /** commercial English phrase (1–3 words, lowercase) → tariff-language words */
  en: Record<string, string>;
  /** Chinese product word → English product words (which then pass through `en`) */
  zh: Record<string, string>;
  /** Modifier words and phrases (materials, genders, fabric construction) */
  attributes?: string[];
  /** material word → its residual "articles n.e.c." subheading */
  residuals?: Record<string, string>;
}

interface Doc {
  code: string; // leaf code
  heading: string; // 4-digit heading
  tf: Map<string, number>; // weighted term frequency
  length: number; // weighted length
}

export interface ClassifierIndex {
  nomenclature: HsNomenclature;
  docs: Doc[];
  postings: Map<string, { doc: number; tf: number }[]>;
  idf: Map<string, number>;
  avgLength: number;
  params: ClassifierParams;
  glossaryEn: Map<string, { terms: string[]; replaces: boolean }>; // phrase → stemmed tariff terms
  maxPhraseWords: number;
  glossaryZh: Map<string, string>;
  attributes: Set<string>; // glossary keys (normalised) that are modifiers
  mixedZh: [string, string][]; // zh glossary words containing Latin letters
  residuals: Map<string, number>; // normalised material word → doc number of its residual subheading
  zhWords: Set<string>;
  maxZhLength: number;
}

/**
 * Tunable weights (defaults below; set on dev items only, see bench/classify.ts):
 * - fieldWeight: BM25F weights of a leaf's own text, its heading's text and its chapter's text.
 * - expansion: weight of the terms a query gets from the glossary, relative to typed words.
 * - phraseWord: inside a multi-word glossary phrase the typed words are mostly modifiers
 *   ("phone" in "phone case"): the phrase's tariff wording carries the meaning. A glossary
 *   value starting with "=" replaces the typed word entirely ("silicone" must not match
 *   "Silicones in primary forms").
 * - attribute: materials and genders refine the choice between subheadings ("cotton" picks
 *   6110.20 within 6110) but must not decide the heading: without this, "polyester tote bag"
 *   ranks the raw fibre headings of chapter 55 above the bags of 4202.
 * - complement: words after "for", "with", "in" … (or 带/配/用于) describe what the product goes
 *   with or is used for, not what it is: "cover for car hood latch handle" is a cover.
 * - residualFactor: a material's residual subheading ("other articles of plastics") is offered
 *   at this fraction of the best score, since goods no heading names go by their material.
 */
export interface ClassifierParams {
  fieldWeight: { subheading: number; heading: number; chapter: number };
  bm25: { k1: number; b: number };
  expansion: number;
  phraseWord: number;
  attribute: number;
  complement: number;
  residualFactor: number;
}

export const DEFAULT_CLASSIFIER_PARAMS: ClassifierParams = {
  fieldWeight: { subheading: 1.0, heading: 0.3, chapter: 0.3 },
  bm25: { k1: 1.2, b: 0.75 },
  expansion: 1.0,
  phraseWord: 0.3,
  attribute: 0.35,
  complement: 0.5,
  residualFactor: 0.8,
};

const COMPLEMENT_MARKERS_EN = new Set(['for', 'with', 'without', 'in', 'into', 'on', 'to', 'from', 'including', 'featuring', 'fits', 'compatible']);
const COMPLEMENT_MARKERS_ZH = ['带', '配', '附', '含', '用于', '适用', '适合'];

export function buildClassifierIndex(nom: HsNomenclature, glossary: Glossary, params: ClassifierParams = DEFAULT_CLASSIFIER_PARAMS): ClassifierIndex {
  const FIELD_WEIGHT = params.fieldWeight;
  const docs: Doc[] = [];
  for (const node of nom.nodes.values()) {
    if (node.level === 2 || node.children.length > 0) continue; // leaves only
    const heading = node.level === 6 ? nom.nodes.get(node.parent!)! : node;
    const chapter = nom.nodes.get(node.code.slice(0, 2))!;
    const tf = new Map<string, number>();
    const add = (text: string, weight: number) => {
      for (const t of terms(stripExclusions(text))) tf.set(t, (tf.get(t) ?? 0) + weight);
    };
    if (node.level === 6) add(node.description, FIELD_WEIGHT.subheading);
    add(heading.description, node.level === 6 ? FIELD_WEIGHT.heading : FIELD_WEIGHT.subheading);
    add(chapter.description, FIELD_WEIGHT.chapter);
    let length = 0;
    for (const v of tf.values()) length += v;
    docs.push({ code: node.code, heading: heading.code, tf, length });
  }
  const postings = new Map<string, { doc: number; tf: number }[]>();
  docs.forEach((d, i) => {
    for (const [t, f] of d.tf) {
      let list = postings.get(t);
      if (!list) postings.set(t, (list = []));
      list.push({ doc: i, tf: f });
    }
  });
  const n = docs.length;
  const idf = new Map<string, number>();
  for (const [t, list] of postings) idf.set(t, Math.log(1 + (n - list.length + 0.5) / (list.length + 0.5)));
  const avgLength = docs.reduce((s, d) => s + d.length, 0) / n;

  const glossaryEn = new Map<string, { terms: string[]; replaces: boolean }>();
  let maxPhraseWords = 1;
  for (const [phrase, expansion] of Object.entries(glossary.en)) {
    const key = phraseKey(words(phrase));
    const replaces = expansion.startsWith('=');
    glossaryEn.set(key, { terms: terms(replaces ? expansion.slice(1) : expansion), replaces });
    maxPhraseWords = Math.max(maxPhraseWords, key.split(' ').length);
  }
  const glossaryZh = new Map(Object.entries(glossary.zh).map(([k, v]) => [k.toLowerCase(), v] as [string, string]));
  // Chinese words written with Latin letters ("T恤", "U盘") would be split apart by the run
  // splitter, so they are rewritten to their English meaning before the split.
  const mixedZh = [...glossaryZh.entries()].filter(([k]) => /[a-z0-9]/.test(k)).sort((a, b) => b[0].length - a[0].length);
  const zhWords = new Set(glossaryZh.keys());
  const maxZhLength = Math.max(1, ...[...zhWords].map((w) => w.length));
  const attributes = new Set((glossary.attributes ?? []).map((a) => phraseKey(words(a))));
  const docByCode = new Map(docs.map((d, i) => [d.code, i]));
  const residuals = new Map<string, number>();
  for (const [material, code] of Object.entries(glossary.residuals ?? {})) {
    const doc = docByCode.get(code);
    if (doc === undefined) throw new Error(`glossary residual ${material}: ${code} is not a leaf`);
    residuals.set(phraseKey(words(material)), doc);
  }
  return { nomenclature: nom, docs, postings, idf, avgLength, params, glossaryEn, maxPhraseWords, glossaryZh, attributes, mixedZh, residuals, zhWords, maxZhLength };
}

/** One weighted search term and where it came from, for the explanation. */
export interface QueryTerm {
  term: string; // stemmed
  weight: number;
  from: string; // the seller's word or phrase
  via: 'word' | 'glossary' | 'zh-glossary';
}

export interface AnalysedQuery {
  language: 'en' | 'zh' | 'mixed';
  terms: QueryTerm[];
  /** Chinese fragments not in the glossary (not understood) */
  unknownChinese: string[];
  /** residual "articles n.e.c." subheadings (doc numbers) of the materials named, with the word */
  materials: Map<number, string>;
}

/**
 * Glossary phrases are looked up singular-insensitively, so "chairs" finds the entry "chair".
 * Only plural endings are removed (not a full stem): a stem would let "coated" find "coat".
 */
function singular(w: string): string {
  if (w.length > 4 && w.endsWith('ies')) return w.slice(0, -3) + 'y';
  if (w.endsWith('sses') || /(x|ch|sh)es$/.test(w)) return w.slice(0, -2);
  if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us')) return w.slice(0, -1);
  return w;
}
const phraseKey = (ws: string[]) => ws.map(singular).join(' ');

/** Expand English words with glossary phrases (longest phrase first), then add the words themselves. */
function analyseEnglish(
  index: ClassifierIndex,
  ws: string[],
  fromOverride: string | null,
  via: QueryTerm['via'],
  out: QueryTerm[],
  baseWeight: number,
  materials: Map<number, string>,
) {
  let i = 0;
  while (i < ws.length) {
    let used = 0;
    let replaces = false;
    let scale = 1;
    for (let len = Math.min(index.maxPhraseWords, ws.length - i); len >= 1; len--) {
      const phrase = phraseKey(ws.slice(i, i + len));
      const expansion = index.glossaryEn.get(phrase);
      if (expansion) {
        scale = index.attributes.has(phrase) ? index.params.attribute : 1;
        for (const t of expansion.terms) {
          out.push({ term: t, weight: index.params.expansion * scale * baseWeight, from: fromOverride ?? ws.slice(i, i + len).join(' '), via: via === 'word' ? 'glossary' : via });
        }
        used = len;
        replaces = expansion.replaces;
        break;
      }
    }
    if (used === 0 && index.attributes.has(phraseKey([ws[i]]))) scale = index.params.attribute;
    const residual = index.residuals.get(phraseKey(ws.slice(i, i + Math.max(used, 1))));
    if (residual !== undefined && baseWeight === 1) materials.set(residual, fromOverride ?? ws.slice(i, i + Math.max(used, 1)).join(' '));
    // The typed words count too, unless the glossary says they mislead (see params.phraseWord).
    const span = Math.max(used, 1);
    const typedWeight = (replaces ? 0 : span > 1 ? index.params.phraseWord : 1) * scale * baseWeight;
    for (const w of ws.slice(i, i + span)) {
      if (typedWeight > 0 && !isStopword(w)) out.push({ term: stem(w), weight: typedWeight, from: fromOverride ?? w, via });
    }
    i += span;
  }
}

export function analyseQuery(index: ClassifierIndex, text: string): AnalysedQuery {
  let lower = text.toLowerCase();
  for (const [zh, en] of index.mixedZh) if (lower.includes(zh)) lower = lower.split(zh).join(` ${en} `);
  const runs = lower.match(/[\u3400-\u9fff]+|[a-z0-9]+(?:[-'][a-z0-9]+)*|[,;()/|]/g) ?? [];
  const out: QueryTerm[] = [];
  const unknownChinese: string[] = [];
  const materials = new Map<number, string>();
  let hasZh = false;
  let hasEn = false;
  let latin: string[] = [];
  let complement = false; // inside a "for …"/"with …" part of the title
  const weightNow = () => (complement ? index.params.complement : 1);
  const flushLatin = () => {
    if (latin.length) analyseEnglish(index, latin, null, 'word', out, weightNow(), materials);
    latin = [];
  };
  for (const run of runs) {
    if (/^[,;()/|]$/.test(run)) {
      flushLatin();
      complement = false; // a new part of the title starts
    } else if (CJK.test(run)) {
      hasZh = true;
      flushLatin();
      const seg = segmentChinese(run, index.zhWords, index.maxZhLength);
      unknownChinese.push(...seg.unknown);
      for (const tok of seg.tokens) {
        if (!tok.known) {
          if (COMPLEMENT_MARKERS_ZH.some((m) => tok.text.startsWith(m))) complement = true;
          continue;
        }
        analyseEnglish(index, words(index.glossaryZh.get(tok.text)!), tok.text, 'zh-glossary', out, weightNow(), materials);
      }
    } else {
      hasEn = true;
      for (const w of words(run.replace(/-/g, ' '))) {
        if (COMPLEMENT_MARKERS_EN.has(w) && latin.length + out.length > 0) {
          flushLatin();
          complement = true;
        } else latin.push(w);
      }
    }
  }
  flushLatin();
  // Merge duplicates: keep the highest-weighted occurrence of each term (a word given both by
  // the seller and by the glossary must not count twice); its source is the one explained.
  const merged = new Map<string, QueryTerm>();
  for (const t of out) {
    const prev = merged.get(t.term);
    if (!prev || t.weight > prev.weight) merged.set(t.term, t);
  }
  return {
    language: hasZh && hasEn ? 'mixed' : hasZh ? 'zh' : 'en',
    terms: [...merged.values()],
    unknownChinese,
    materials,
  };
}

export interface MatchedWord {
  term: string;
  from: string;
  /** 'material': offered as the residual heading of a material the title names */
  via: QueryTerm['via'] | 'material';
}

export interface SubheadingSuggestion {
  code: string;
  description: string;
  score: number;
  matched: MatchedWord[];
}

export interface HeadingSuggestion {
  code: string;
  description: string;
  score: number;
  matched: MatchedWord[];
  chapter: { code: string; description: string };
  section: { id: string; name: string };
  /** Legal text available for this heading (see `textSource`). */
  legalText: string;
  /** Chapter/section notes: not in the openly licensed data we ship (see docs). */
  notes: string | null;
  subheadings: SubheadingSuggestion[];
}

export interface Classification {
  query: string;
  language: AnalysedQuery['language'];
  terms: QueryTerm[];
  unknownChinese: string[];
  headings: HeadingSuggestion[];
  subheadings: SubheadingSuggestion[];
  textSource: string;
}

export interface ClassifyOptions {
  limit?: number; // headings returned (default 5)
  subheadingsPerHeading?: number; // default 3
}

/**
 * Score every leaf for the query (BM25F). Scores go into a flat array (fast for the long
 * postings of common words); which query terms matched is worked out afterwards, only for
 * the few documents that are returned.
 */
function scoreDocs(index: ClassifierIndex, q: AnalysedQuery): { ranked: number[]; scores: Float64Array } {
  const scores = new Float64Array(index.docs.length);
  const touched: number[] = [];
  for (const qt of q.terms) {
    const list = index.postings.get(qt.term);
    if (!list) continue;
    const idf = index.idf.get(qt.term)!;
    for (const { doc, tf } of list) {
      const d = index.docs[doc];
      const { k1, b } = index.params.bm25;
      const norm = (tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * d.length) / index.avgLength));
      if (scores[doc] === 0) touched.push(doc);
      scores[doc] += qt.weight * idf * norm;
    }
  }
  // Goods that no heading names go by their material's residual heading (e.g. 3926.90 "other
  // articles of plastics"): offer it just below the best match so it is always in view.
  if (q.materials.size > 0 && touched.length > 0) {
    let best = 0;
    for (const d of touched) if (scores[d] > best) best = scores[d];
    for (const doc of q.materials.keys()) {
      const floor = best * index.params.residualFactor;
      if (scores[doc] < floor) {
        if (scores[doc] === 0) touched.push(doc);
        scores[doc] = floor;
      }
    }
  }
  // Docs were built in code order, so the doc number breaks ties by code.
  touched.sort((a, b) => scores[b] - scores[a] || a - b);
  return { ranked: touched, scores };
}

function matchedTerms(index: ClassifierIndex, q: AnalysedQuery, doc: number): MatchedWord[] {
  const tf = index.docs[doc].tf;
  const matched: MatchedWord[] = q.terms.filter((t) => tf.has(t.term)).map((t) => ({ term: t.term, from: t.from, via: t.via }));
  const material = q.materials.get(doc);
  if (material !== undefined && !matched.some((m) => m.from === material)) matched.push({ term: material, from: material, via: 'material' });
  return matched;
}


export function classifyProduct(index: ClassifierIndex, text: string, options: ClassifyOptions = {}): Classification {
  const limit = options.limit ?? 5;
  const perHeading = options.subheadingsPerHeading ?? 3;
  const nom = index.nomenclature;
  const q = analyseQuery(index, text);
  const { ranked, scores } = scoreDocs(index, q);

  const subheadings: SubheadingSuggestion[] = ranked.slice(0, Math.max(limit * perHeading, 10)).map((doc) => {
    const node = nom.nodes.get(index.docs[doc].code)!;
    return { code: node.code, description: node.description, score: round(scores[doc]), matched: matchedTerms(index, q, doc) };
  });

  const headings: HeadingSuggestion[] = [];
  const byHeading = new Map<string, HeadingSuggestion>();
  for (const doc of ranked) {
    const d = index.docs[doc];
    let h = byHeading.get(d.heading);
    if (!h) {
      if (headings.length >= limit) {
        // All headings chosen; keep going only while they may still collect subheadings.
        if (perHeading === 0) break;
        continue;
      }
      h = headingSuggestion(nom, nom.nodes.get(d.heading)!, scores[doc], matchedTerms(index, q, doc));
      byHeading.set(d.heading, h);
      headings.push(h);
    }
    if (d.code.length === 6 && h.subheadings.length < perHeading) {
      h.subheadings.push({ code: d.code, description: nom.nodes.get(d.code)!.description, score: round(scores[doc]), matched: matchedTerms(index, q, doc) });
    }
    if (headings.length >= limit && headings.every((x) => x.subheadings.length >= Math.min(perHeading, nom.nodes.get(x.code)!.children.length))) break;
  }
  return {
    query: text,
    language: q.language,
    terms: q.terms,
    unknownChinese: q.unknownChinese,
    headings,
    subheadings,
    textSource: `${nom.edition} descriptions (UN Comtrade short texts, not the WCO legal heading texts)`,
  };
}

function headingSuggestion(nom: HsNomenclature, heading: HsNode, score: number, matched: MatchedWord[]): HeadingSuggestion {
  const chapter = nom.nodes.get(heading.code.slice(0, 2))!;
  const section: HsSection | undefined = nom.sectionById.get(heading.section);
  return {
    code: heading.code,
    description: heading.description,
    score: round(score),
    matched,
    chapter: { code: chapter.code, description: chapter.description },
    section: { id: heading.section, name: section?.name ?? '' },
    legalText: heading.description,
    notes: null,
    subheadings: [],
  };
}

const round = (x: number) => Math.round(x * 1000) / 1000;
