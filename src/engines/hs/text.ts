// Text handling shared by search and classification: English tokenising + Porter stemming,
// and Chinese segmentation by forward maximum matching over the glossary's Chinese words.

import { stemmer } from 'stemmer';

/** Words that carry no product meaning in tariff text or seller titles. */
const STOPWORDS = new Set(
  (
    'a an and are as at be by for from in into is it its of on or the to with without ' +
    'other others than n e c nec nes whether not elsewhere specified included including excluding ' +
    'thereof therefor such kind kinds used use heading headings chapter no etc also this that these ' +
    'new hot sale free shipping pcs pc set sets piece pieces lot style styles item items product products ' +
    'high quality best top premium fashion brand wholesale custom customized 2024 2025 2026 inch inches cm mm'
  ).split(' '),
);

export function stem(word: string): string {
  return stemmer(word);
}

/** Lowercase word list (no stemming, no stopword removal): used to find glossary phrases. */
export function words(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[’']/g, '')
    // "T-shirt" would lose its "t" as a one-letter word and then match every "shirt".
    .replace(/\bt[- ]?shirt/g, 'tshirt')
    .replace(/[^a-z0-9\u3400-\u9fff]+/g, ' ')
    .trim()
    .split(' ')
    .filter((w) => w.length > 0);
}

export function isStopword(word: string): boolean {
  return STOPWORDS.has(word) || /^\d+$/.test(word) || word.length < 2;
}

/** Stemmed content terms of a piece of English text. */
export function terms(text: string): string[] {
  return words(text)
    .filter((w) => !isStopword(w) && !/[\u3400-\u9fff]/.test(w))
    .map(stem);
}

/**
 * Tariff text often names what a provision does NOT cover: "(other than wool or fine animal
 * hair, cotton or man-made fibres)". Those words must not match a query for cotton, so we drop
 * "other than …" clauses (up to the next bracket, semicolon or comma) before indexing.
 */
export function stripExclusions(description: string): string {
  return description
    .replace(/\(\s*(other than|excluding|except)[^)]*\)/gi, ' ')
    .replace(/\b(other than|excluding|except)\b[^;,()]*/gi, ' ');
}

export const CJK = /[\u3400-\u9fff]/;

/**
 * Forward maximum matching: at each position take the longest dictionary word; characters that
 * start no dictionary word are skipped and reported, so the caller can say what was not understood.
 */
export function segmentChinese(
  text: string,
  dictionary: ReadonlySet<string>,
  maxWordLength: number,
): { words: string[]; unknown: string[]; tokens: { text: string; known: boolean }[] } {
  const found: string[] = [];
  const unknown: string[] = [];
  const tokens: { text: string; known: boolean }[] = [];
  let i = 0;
  let pendingUnknown = '';
  while (i < text.length) {
    let matched = '';
    for (let len = Math.min(maxWordLength, text.length - i); len >= 1; len--) {
      const candidate = text.slice(i, i + len);
      if (dictionary.has(candidate)) {
        matched = candidate;
        break;
      }
    }
    if (matched) {
      if (pendingUnknown) {
        unknown.push(pendingUnknown);
        tokens.push({ text: pendingUnknown, known: false });
      }
      pendingUnknown = '';
      found.push(matched);
      tokens.push({ text: matched, known: true });
      i += matched.length;
    } else {
      pendingUnknown += text[i];
      i += 1;
    }
  }
  if (pendingUnknown) {
    unknown.push(pendingUnknown);
    tokens.push({ text: pendingUnknown, known: false });
  }
  return { words: found, unknown, tokens };
}
