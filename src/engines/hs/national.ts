// National extensions of the HS: each destination declares longer codes whose first six
// digits are the HS subheading (US 10-digit HTS, EU 8-digit CN, CN 10-digit, ...). We can
// only check the shape and the HS root here: the national suffix needs the national tariff.

import { normalizeHsCode, type HsNomenclature } from './nomenclature.ts';

export interface NationalFormat {
  name: string;
  digits: number;
  display: string;
  source: string;
  as_of: string;
}

export interface NationalFormats {
  version: string;
  as_of: string;
  markets: Record<string, NationalFormat>;
}

export type NationalCodeProblem = 'unknown_market' | 'not_digits' | 'wrong_length' | 'hs6_unknown' | 'hs6_not_leaf';

export interface NationalCodeValidation {
  valid: boolean;
  market: string;
  code: string;
  hs6: string;
  expectedDigits: number | null;
  problems: NationalCodeProblem[];
  message: string;
}

export function validateNationalCode(
  nom: HsNomenclature,
  formats: NationalFormats,
  market: string,
  input: string,
): NationalCodeValidation {
  const code = normalizeHsCode(input);
  const format = formats.markets[market.toUpperCase()];
  const problems: NationalCodeProblem[] = [];
  const hs6 = code.slice(0, 6);
  if (!format) {
    return { valid: false, market, code, hs6, expectedDigits: null, problems: ['unknown_market'], message: `No national code format for ${market}` };
  }
  if (!/^\d+$/.test(code)) problems.push('not_digits');
  if (code.length !== format.digits) problems.push('wrong_length');
  const node = nom.nodes.get(hs6);
  // A heading without subheadings (e.g. 0501) is written with "00" as its 6-digit root.
  const headingLeaf = hs6.endsWith('00') && nom.nodes.get(hs6.slice(0, 4))?.children.length === 0;
  if (!node && !headingLeaf) problems.push('hs6_unknown');
  else if (node && node.children.length > 0) problems.push('hs6_not_leaf');
  const messages: Record<NationalCodeProblem, string> = {
    unknown_market: '',
    not_digits: 'only digits are allowed',
    wrong_length: `${format.name} has ${format.digits} digits, got ${code.length}`,
    hs6_unknown: `the first six digits ${hs6} are not an ${nom.edition} subheading`,
    hs6_not_leaf: `${hs6} is not a leaf subheading`,
  };
  return {
    valid: problems.length === 0,
    market: market.toUpperCase(),
    code,
    hs6,
    expectedDigits: format.digits,
    problems,
    message: problems.length === 0 ? `valid shape for ${format.name}` : problems.map((p) => messages[p]).join('; '),
  };
}
