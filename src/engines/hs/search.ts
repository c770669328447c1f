// Word search over the nomenclature (for a browse/search box): digits browse by prefix,
// words run the same BM25 index as the classification assistant and return headings and
// subheadings in one ranked list.

import { browseHs, normalizeHsCode, type HsLevel } from './nomenclature.ts';
import { classifyProduct, type ClassifierIndex, type MatchedWord } from './classify.ts';

export interface HsSearchHit {
  code: string;
  level: HsLevel;
  description: string;
  score: number;
  matched: MatchedWord[];
}

export function searchHs(index: ClassifierIndex, query: string, options: { limit?: number } = {}): HsSearchHit[] {
  const limit = options.limit ?? 20;
  const compact = normalizeHsCode(query.trim());
  if (/^\d{1,6}$/.test(compact)) {
    return browseHs(index.nomenclature, compact)
      .slice(0, limit)
      .map((n) => ({ code: n.code, level: n.level, description: n.description, score: 0, matched: [] }));
  }
  const result = classifyProduct(index, query, { limit, subheadingsPerHeading: 0 });
  const hits: HsSearchHit[] = [];
  for (const h of result.headings) hits.push({ code: h.code, level: 4, description: h.description, score: h.score, matched: h.matched });
  for (const s of result.subheadings) hits.push({ code: s.code, level: s.code.length as HsLevel, description: s.description, score: s.score, matched: s.matched });
  // Headings first within equal score, so a heading precedes its own subheading.
  return hits.sort((a, b) => b.score - a.score || a.code.length - b.code.length || a.code.localeCompare(b.code)).slice(0, limit);
}
