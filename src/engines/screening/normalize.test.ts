// Name analysis and token similarity: each transliteration / script / legal-form phenomenon.
import { describe, expect, it } from 'vitest';
import { compareNames, type WeightedToken } from './matcher';
import { analyseName, countryCode, detectScript, germanRomanisation, parseDate, translitKey } from './normalize';
import { tokenSimilarity } from './matcher';

const words = (name: string, type?: string) => analyseName(name, { type }).tokens.map((t) => t.text);
const weighted = (name: string, type?: string): [ReturnType<typeof analyseName>, WeightedToken[]] => {
  const a = analyseName(name, { type });
  return [a, a.tokens.map((t) => ({ ...t, weight: 1 }))];
};
const nameScore = (q: string, c: string, type?: string) => {
  const [qa, qt] = weighted(q, type);
  const [ca, ct] = weighted(c, type);
  return compareNames(qa, qt, ca, ct).score;
};
const sim = (a: string, b: string, abjad = false) => tokenSimilarity(analyseName(a).tokens[0]!, analyseName(b).tokens[0]!, abjad).similarity;

describe('script detection and transliteration', () => {
  it('detects the dominant script', () => {
    expect(detectScript('Олег ЦЕПКИН')).toBe('Cyrillic');
    expect(detectScript('زكريا الصبار')).toBe('Arabic');
    expect(detectScript('華信船務')).toBe('Han');
    expect(detectScript('김동운')).toBe('Hangul');
    expect(detectScript('Müller')).toBe('Latin');
    expect(detectScript('1234')).toBe('Common');
  });
  it('romanises Cyrillic, Greek and strips diacritics', () => {
    expect(words('Олег Владимирович ЦЕПКИН', 'person')).toEqual(['oleg', 'vladimirovich', 'tsepkin']);
    expect(words('José Müller-Lüdenscheidt', 'person')).toEqual(['jose', 'muller', 'ludenscheidt']);
    expect(words('Αλέξης', 'person')).toEqual(['alexis']);
  });
  it('writes Chinese names as pinyin without tones, family name apart from the given name', () => {
    expect(words('习近平', 'person')).toEqual(['xi', 'jinping']);
    expect(words('華信船務(香港)有限公司', 'organisation')).toEqual(['hua', 'xin', 'chuan', 'wu', 'xiang', 'gang']);
  });
  it('romanises Hangul syllable by syllable (family name first)', () => {
    expect(words('김동운', 'person')).toEqual(['gim', 'dongun']);
  });
  it('folds Arabic orthographic variants (hamza seats, ta marbuta, harakat) before romanising', () => {
    expect(analyseName('القاعدة').compact).toBe(analyseName('القاعده').compact);
    expect(words('أحمد')).toEqual(words('احمد'));
    expect(words('مُحَمَّد')).toEqual(words('محمد'));
    // joined article: the compact form survives a dropped space
    expect(analyseName('زكرياالصبار').compact).toBe(analyseName('زكريا الصبار').compact);
  });
  it('has a German romanisation for Cyrillic names', () => {
    expect(germanRomanisation('Виктор Викторович ЗОБНЕВ')).toBe('wiktor wiktorowitsch sobnew');
    expect(germanRomanisation('Latin')).toBeUndefined();
  });
});

describe('transliteration keys', () => {
  it('equates common romanisation variants', () => {
    expect(translitKey('sergei')).toBe(translitKey('sergey'));
    expect(translitKey('dmitrii')).toBe(translitKey('dmitri'));
    expect(translitKey('smirnoff')).toBe(translitKey('smirnov'));
    expect(translitKey('khalid')).toBe(translitKey('halid'));
    expect(translitKey('husayn')).toBe(translitKey('hussein'));
    expect(translitKey('podgornyy')).toBe(translitKey('podgorniy'));
    expect(translitKey('wiktorowitsch')).toBe(translitKey('viktorovich'));
  });
  it('scores Muhammad/Mohammed/Mohamad as vowel variants and typos by length', () => {
    expect(sim('Muhammad', 'Mohammed')).toBeGreaterThanOrEqual(0.8);
    expect(sim('Mohamad', 'Muhammad')).toBeGreaterThanOrEqual(0.8);
    expect(sim('Vladimirovich', 'Vladimirvich')).toBeGreaterThan(0.9); // one deletion in a long word
    expect(sim('Hlaing', 'Hliang')).toBeGreaterThan(0.85); // transposition
    expect(sim('Apex', 'Acex')).toBeLessThan(0.85); // one edit in a short word counts less
    expect(sim('Ivanov', 'Petrov')).toBe(0);
  });
  it('matches Arabic script to Latin by consonant skeleton only across scripts', () => {
    expect(sim('محمد', 'Muhammad', true)).toBeGreaterThanOrEqual(0.8);
    expect(sim('Mhmd', 'Muhammad', false)).toBe(0);
  });
});

describe('legal forms and honorifics', () => {
  it('removes company forms in many spellings and scripts', () => {
    expect(words('ANGLO-CARIBBEAN CO., LTD.')).toEqual(['anglo', 'caribbean']);
    expect(words('Vanessa L.L.C.')).toEqual(['vanessa']);
    expect(words('OOO "Romashka"')).toEqual(['romashka']);
    expect(words('Public Joint Stock Company Sberbank')).toEqual(['sberbank']);
    expect(words('Limited Liability Compony Taymir')).toEqual(['taymir']); // misspelt form
    expect(words('山东裕龙石化有限公司')).toEqual(['shan', 'dong', 'yu', 'long', 'shi', 'hua']);
    expect(words('Green Island Sociedad Anonima')).toEqual(words('GREEN ISLAND S.A.'));
  });
  it('keeps company-looking words in person names and keeps a name made only of such words', () => {
    expect(words('Co Ltd')).toEqual(['co', 'ltd']);
  });
  it('tells dotted legal forms from dotted initials and writes out abbreviations', () => {
    expect(words('O.V. TSEPKIN', 'person')).toEqual(['o', 'v', 'tsepkin']);
    expect(words('ACME S.A.')).toEqual(['acme']);
    expect(words('Acme Intl Trading & Co')).toEqual(['acme', 'international', 'trading']);
  });
  it('drops honorifics and vessel prefixes', () => {
    expect(words('Dr. Sheikh Ahmad')).toEqual(['ahmad']);
    expect(words('M/V OCEAN STAR')).toEqual(['ocean', 'star']);
  });
  it('splits Abd-compounds so Abdulrahman ≡ Abd al-Rahman', () => {
    expect(words('Abdulrahman')).toEqual(['abd', 'rahman']);
    expect(words('Abd al-Rahman')).toEqual(['abd', 'al', 'rahman']);
  });
});

describe('name comparison', () => {
  it('ignores token order ("LAST, First")', () => {
    expect(nameScore('Oleg Vladimirovich Tsepkin', 'TSEPKIN, Oleg Vladimirovich', 'person')).toBe(1);
  });
  it('tolerates a missing middle name but not an extra query word', () => {
    const dropped = nameScore('Min Hlaing', 'Min Aung Hlaing', 'person');
    const extra = nameScore('Min Aung Hlaing Tun', 'Min Aung Hlaing', 'person');
    expect(dropped).toBeGreaterThan(0.85);
    expect(extra).toBeLessThan(dropped);
  });
  it('matches initials weakly', () => {
    const s = nameScore('J. Smith', 'John Smith', 'person');
    expect(s).toBeGreaterThan(0.8);
    expect(s).toBeLessThan(1);
  });
  it('joins split words (pinyin with or without spaces)', () => {
    expect(nameScore('Xi Jin Ping', 'XI Jinping', 'person')).toBeGreaterThan(0.9);
    expect(nameScore('习近平', 'XI Jinping', 'person')).toBe(1);
  });
  it('scores different names low', () => {
    expect(nameScore('Tatiana Khoroshka', 'Olga Khoroshka', 'person')).toBeLessThan(0.6);
  });
});

describe('countries and dates', () => {
  it('maps country names and codes to ISO codes', () => {
    expect(countryCode('Russia')).toBe('RU');
    expect(countryCode('Russian Federation')).toBe('RU');
    expect(countryCode('Iran')).toBe('IR');
    expect(countryCode('Korea, North')).toBe('KP');
    expect(countryCode('Democratic Republic of the Congo')).toBe('CD');
    expect(countryCode('Burma')).toBe('MM');
    expect(countryCode('US')).toBe('US');
    expect(countryCode('Atlantis')).toBeUndefined();
  });
  it('parses list date shapes', () => {
    expect(parseDate('1961-08-19')).toEqual({ fromYear: 1961, toYear: 1961, month: 8, day: 19 });
    expect(parseDate('1960 to 1962')).toEqual({ fromYear: 1960, toYear: 1962 });
    expect(parseDate('1962')).toEqual({ fromYear: 1962, toYear: 1962 });
    expect(parseDate('unknown')).toBeUndefined();
  });
});
