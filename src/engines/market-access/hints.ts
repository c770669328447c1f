// Attribute suggestions from the HS code, to pre-fill a listing's product flags (radio
// equipment, lithium battery, cosmetic …). The seller confirms: an HS code says what a product
// usually is, not what this one is.

import type { Bilingual, ProductAttributes } from './types.ts';

export interface AttributeHint {
  hsPrefixes: string[];
  attributes: ProductAttributes;
  note: Bilingual;
}

export interface AttributeHints {
  version: string;
  as_of: string;
  source: string;
  hints: AttributeHint[];
}

export function suggestAttributes(hsCode: string, hints: AttributeHints): { attributes: ProductAttributes; reasons: Bilingual[] } {
  const hs = hsCode.replace(/[^0-9]/g, '');
  const attributes: ProductAttributes = {};
  const reasons: Bilingual[] = [];
  for (const hint of hints.hints) {
    if (!hint.hsPrefixes.some((p) => hs.startsWith(p))) continue;
    Object.assign(attributes, hint.attributes);
    reasons.push(hint.note);
  }
  return { attributes, reasons };
}
