// Name analysis: script folding, transliteration, tokenisation, legal forms, phonetic keys.
// Everything here is deterministic and pure; the same analysis runs on list names (once, at
// index build) and on query names (per screen call), so both sides meet in the same space.
import anyAscii from 'any-ascii';
import { pinyin } from 'pinyin-pro';

export type TokenRole = 'word' | 'particle' | 'initial' | 'number';

export interface AnalysedToken {
  /** Folded ASCII form (lowercase letters/digits). */
  text: string;
  /** Transliteration-tolerant key (kh→h, y→i, w→v, doubled letters once, -off→-ov …). */
  key: string;
  /** key with every vowel run collapsed to "a": Mohammed ≈ Muhammad ≈ Mohamad. */
  vowelKey: string;
  /** Consonant skeleton, used only across an abjad (Arabic/Hebrew script written without vowels). */
  skeleton: string;
  role: TokenRole;
}

export interface AnalysedName {
  original: string;
  script: string;
  /** True when the name was written in Arabic/Hebrew script (vowels mostly absent). */
  abjad: boolean;
  tokens: AnalysedToken[];
  /** Legal-form / honorific tokens removed from comparison (kept for explanations). */
  removed: string[];
  /** Core tokens concatenated (order kept): catches dropped or inserted spaces. */
  compact: string;
}

const SCRIPT_TESTS: [string, RegExp][] = [
  ['Latin', /\p{Script=Latin}/u],
  ['Cyrillic', /\p{Script=Cyrillic}/u],
  ['Arabic', /\p{Script=Arabic}/u],
  ['Han', /\p{Script=Han}/u],
  ['Hangul', /\p{Script=Hangul}/u],
  ['Greek', /\p{Script=Greek}/u],
  ['Hebrew', /\p{Script=Hebrew}/u],
  ['Hiragana', /\p{Script=Hiragana}|\p{Script=Katakana}/u],
  ['Thai', /\p{Script=Thai}/u],
  ['Devanagari', /\p{Script=Devanagari}/u],
  ['Georgian', /\p{Script=Georgian}/u],
  ['Armenian', /\p{Script=Armenian}/u],
];

/** Dominant script of a string by letter count; 'Common' when it has no letters. */
export function detectScript(s: string): string {
  if (/^[\x00-\x7F]*$/.test(s)) return /[A-Za-z]/.test(s) ? 'Latin' : 'Common';
  const counts = new Map<string, number>();
  for (const ch of s) {
    for (const [name, re] of SCRIPT_TESTS) {
      if (re.test(ch)) {
        counts.set(name, (counts.get(name) ?? 0) + 1);
        break;
      }
    }
  }
  let best = 'Common';
  let bestCount = 0;
  for (const [name, c] of counts) if (c > bestCount) [best, bestCount] = [name, c];
  return best;
}

/** All scripts present (letters only), for mixed-script diagnostics. */
export function scriptsIn(s: string): string[] {
  if (/^[\x00-\x7F]*$/.test(s)) return /[A-Za-z]/.test(s) ? ['Latin'] : [];
  const found = new Set<string>();
  for (const ch of s) for (const [name, re] of SCRIPT_TESTS) if (re.test(ch)) found.add(name);
  return [...found];
}

// Arabic orthographic variants folded before romanising (hamza seats, alef forms, ta marbuta,
// alef maqsura, Persian kaf/yeh), harakat and tatweel removed.
function foldArabic(s: string): string {
  return s
    .replace(/[\u064B-\u065F\u0670\u0640]/g, '')
    .replace(/[\u0622\u0623\u0625\u0671]/g, '\u0627')
    .replace(/\u0629/g, '\u0647') // ta marbuta is often written as a plain ha
    .replace(/[\u0649\u06CC\u0626]/g, '\u064A')
    .replace(/\u0624/g, '\u0648')
    .replace(/\u06A9/g, '\u0643')
    .replace(/\u0621/g, '');
}

// Chinese legal-form suffixes (longest first), removed before romanising.
const HAN_LEGAL_FORMS = ['股份有限公司', '有限责任公司', '有限責任公司', '有限公司', '集团公司', '集團公司', '公司', '集团', '集團'];

function romaniseHan(run: string, personLike: boolean): string {
  const syllables = (pinyin(run, { toneType: 'none', type: 'array' }) as string[]).filter((s) => /[a-zü]/i.test(s));
  const latin = syllables.map((s) => s.replace(/ü/g, 'u').replace(/v/g, 'u'));
  // Chinese personal names: one-syllable family name + given name written as one word (Xi Jinping).
  if (personLike && latin.length >= 2 && latin.length <= 4) return ` ${latin[0]} ${latin.slice(1).join('')} `;
  return ` ${latin.join(' ')} `;
}

function romaniseHangul(run: string, personLike: boolean): string {
  const syl = [...run].map((c) => anyAscii(c).toLowerCase());
  if (personLike && syl.length >= 2 && syl.length <= 4) return ` ${syl[0]} ${syl.slice(1).join('')} `;
  return ` ${syl.join('')} `;
}

// Multi-word legal forms (after folding), longest first. Single-word forms in LEGAL_WORDS.
const LEGAL_PHRASES: string[][] = [
  'obshchestvo s ogranichennoi otvetstvennostiu',
  'obshchestvo s ogranichennoy otvetstvennostyu',
  'public joint stock company',
  'open joint stock company',
  'closed joint stock company',
  'limited liability company',
  'limited liability partnership',
  'joint stock company',
  'aktsionernoe obshchestvo',
  'aktsionernoye obshchestvo',
  'company limited',
  'sociedad anonima',
  'societe anonyme',
  'sociedad de responsabilidad limitada',
  'gesellschaft mit beschrankter haftung',
  'open joint stock',
  'closed joint stock',
  'public joint stock',
  'sanayi ve ticaret',
  'ltd sti',
  'ltd sirketi',
  'sdn bhd',
  'pte ltd',
  'pty ltd',
  'co ltd',
  'fz llc',
  'fz co',
].map((p) => p.split(' '));

const LEGAL_WORDS = new Set(
  (
    'ltd limited llc co company corp corporation inc incorporated plc llp lp gmbh ag kg mbh sa sas sarl srl spa bv nv ' +
    'jsc ojsc cjsc pjsc ao oao zao pao ooo tov pao fze fzco fzc fzllc sti as ab oy kk pte pty bhd tbk cv sal wll ' +
    'sirketi ticaret sanayi limitada ltda sae saog psc eood ood ead ou sasu spzoo zrt kft doo dd' +
    ' joint stock liability aktsionernoe aktsionernoye obshchestvo otvetstvennostyu ogranichennoy sociedad anonima'
  ).split(' '),
);

const HONORIFICS = new Set(
  ('mr mrs ms miss mister dr doctor prof eng engr ing gen col maj capt lt sgt brig adm mullah mulla maulana maulvi ' +
    'sheikh shaikh sheik shaykh haji hajji hadji alhaji sir the mv mt ss jr sr junior senior').split(' '),
);

// Connecting particles: kept, but they weigh little and may be missing on either side.
const PARTICLES = new Set('al el ul bin ibn ben bint binti de da del della der di du la le van von y e ould and of for und et ve'.split(' '));

// Common abbreviations in company names, written out so both spellings meet.
const ABBREVIATIONS: Record<string, string> = {
  intl: 'international', natl: 'national', mfg: 'manufacturing', bros: 'brothers', svcs: 'services',
  assn: 'association', dept: 'department', univ: 'university', engg: 'engineering', st: 'saint',
};

function sameLegalWord(word: string | undefined, legal: string): boolean {
  if (word === undefined) return false;
  return word === legal || (legal.length >= 4 && word[0] === legal[0] && osaWithin(word, legal, legal.length >= 9 ? 2 : 1));
}

const LONG_LEGAL_WORDS = [...LEGAL_WORDS].filter((w) => w.length >= 4);

/** "Compony", "Limitted", "Corrporation": a legal word with one typo (two from 9 letters). */
function isMisspeltLegalWord(w: string): boolean {
  if (w.length < 4) return false;
  for (const legal of LONG_LEGAL_WORDS) {
    if (Math.abs(legal.length - w.length) > 2 || legal[0] !== w[0]) continue;
    if (osaWithin(w, legal, legal.length >= 9 ? 2 : 1)) return true;
  }
  return false;
}

/** Optimal string alignment distance (Levenshtein + adjacent transposition), capped at max+1. */
export function osaDistance(a: string, b: string, max: number): number {
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > max) return max + 1;
  if (la === 0) return lb;
  if (lb === 0) return la;
  if (lb + 1 > rowSize) growRows(lb + 1);
  let prev2 = rowA;
  let prev = rowB;
  let cur = rowC;
  for (let j = 0; j <= lb; j++) prev[j] = j;
  for (let i = 1; i <= la; i++) {
    cur[0] = i;
    let rowMin = i;
    const ai = a.charCodeAt(i - 1);
    for (let j = 1; j <= lb; j++) {
      const bj = b.charCodeAt(j - 1);
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (ai === bj ? 0 : 1));
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj) v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return prev[lb]!;
}
// Reused dynamic-programming rows (single-threaded; no allocation per comparison).
let rowSize = 64;
let rowA = new Int32Array(rowSize);
let rowB = new Int32Array(rowSize);
let rowC = new Int32Array(rowSize);
function growRows(n: number): void {
  rowSize = n * 2;
  rowA = new Int32Array(rowSize);
  rowB = new Int32Array(rowSize);
  rowC = new Int32Array(rowSize);
}

/** True when the optimal-string-alignment distance of a and b is ≤ max. */
export function osaWithin(a: string, b: string, max: number): boolean {
  return osaDistance(a, b, max) <= max;
}

/** Transliteration-tolerant key of one folded ASCII token. */
export function translitKey(t: string): string {
  return t
    .replace(/([aeiou])ff$/, '$1v') // Russian -off/-eff endings (Smirnoff) are -ov/-ev
    .replace(/shch/g, 'sh')
    .replace(/tsch/g, 'ch')
    .replace(/sch/g, 'sh')
    .replace(/tch/g, 'ch')
    .replace(/chh/g, 'ch')
    .replace(/dzh|dj|zh/g, 'j')
    .replace(/kh/g, 'h')
    .replace(/gh/g, 'g')
    .replace(/ph/g, 'f')
    .replace(/th/g, 't')
    .replace(/dh/g, 'd')
    .replace(/ck/g, 'k')
    .replace(/ch/g, '\u0001')
    .replace(/[cq]/g, 'k')
    .replace(/\u0001/g, 'ch')
    .replace(/x/g, 'ks')
    .replace(/w/g, 'v')
    .replace(/y/g, 'i')
    .replace(/ou|oo/g, 'u')
    .replace(/ai/g, 'ei')
    .replace(/(.)\1+/g, '$1')
    .replace(/ah$/, 'a')
    .replace(/ie$/, 'i');
}

function vowelKey(key: string): string {
  return key.replace(/[aeiou]+/g, 'a');
}

export function skeletonOf(text: string): string {
  return text
    .replace(/q/g, 'k')
    .replace(/[aeiouyw]/g, '')
    .replace(/(.)\1+/g, '$1')
    .replace(/(.)h$/, '$1'); // final -h (ta marbuta, Abdullah/Abdulla) is often not written
}

// Tokens are immutable and repeat a lot (list vocabulary, common query words): memoise.
const tokenCache = new Map<string, AnalysedToken>();
const TOKEN_CACHE_LIMIT = 300_000;

export function makeToken(text: string): AnalysedToken {
  const cached = tokenCache.get(text);
  if (cached) return cached;
  const key = translitKey(text);
  const role: TokenRole = /^\d+$/.test(text) ? 'number' : text.length === 1 ? 'initial' : PARTICLES.has(text) ? 'particle' : 'word';
  const token: AnalysedToken = Object.freeze({ text, key, vowelKey: vowelKey(key), skeleton: skeletonOf(text), role });
  if (tokenCache.size >= TOKEN_CACHE_LIMIT) tokenCache.clear();
  tokenCache.set(text, token);
  return token;
}

export interface AnalyseOptions {
  /** 'person' keeps legal-form-looking words; anything else strips legal forms. */
  type?: string;
}

/** Full analysis of one name. */
export function analyseName(raw: string, opts: AnalyseOptions = {}): AnalysedName {
  const original = raw;
  const script = detectScript(raw);
  const isPerson = opts.type === 'person';
  let s = raw.normalize('NFKC');
  const removed: string[] = [];

  const ascii = /^[\x00-\x7F]*$/.test(s);
  // Chinese legal forms, then Han and Hangul runs romanised in name-shaped tokens.
  if (!ascii) for (const form of HAN_LEGAL_FORMS) {
    if (s.includes(form)) {
      s = s.split(form).join(' ');
      removed.push(form);
    }
  }
  const hanCount = (s.match(/\p{Script=Han}/gu) ?? []).length;
  const personLikeCjk = opts.type === 'person' || (opts.type === undefined && hanCount <= 4);
  s = s.replace(/\p{Script=Han}+/gu, (run) => romaniseHan(run, personLikeCjk));
  s = s.replace(/\p{Script=Hangul}+/gu, (run) => romaniseHangul(run, isPerson || (opts.type === undefined && run.length <= 4)));

  const abjad = !ascii && /\p{Script=Arabic}|\p{Script=Hebrew}/u.test(s);
  if (abjad) {
    s = foldArabic(s);
    // Arabic definite article written joined to the word: split it off as the particle "al".
    s = s.replace(/(^|\s)\u0627\u0644(?=\p{Script=Arabic}{2,})/gu, '$1al ');
  }
  s = (ascii ? s : anyAscii(s)).toLowerCase();
  s = s.replace(/\bm\s*[/.]\s*([vt])\b/g, 'm$1'); // M/V, M.T. vessel prefixes
  // Dotted letters: a legal form when they spell one (L.L.C. → llc, S.A. → sa), else initials (O.V. → o v).
  s = s.replace(/\b(?:[a-z]\.){2,}/g, (m) => {
    const joined = m.replace(/\./g, '');
    return LEGAL_WORDS.has(joined) ? joined : ` ${m.replace(/\./g, ' ')} `;
  });
  s = s.replace(/['`’‘ʼ]/g, '').replace(/[^a-z0-9]+/g, ' ').trim();
  let words = s ? s.split(' ') : [];

  words = words.map((w) => ABBREVIATIONS[w] ?? w);
  // Abd-/Abdul-/Abdel- compounds: "Abdulrahman" ≡ "Abd al-Rahman" ≡ "Abdel Rahman".
  words = words.flatMap((w) => {
    const m = /^abd(?:ul|el|al|oul|ol|ur|ar|u|ou)?([a-z]{4,})$/.exec(w);
    if (m && !/^abd(ul|el|al|ol)?lah$/.test(w) && !/^(ullah|allah|ellah)$/.test(m[1]!)) return ['abd', m[1]!];
    if (/^abd(ul|el|al|oul|ol|ou|u)$/.test(w)) return ['abd'];
    return [w];
  });

  // Honorifics anywhere; legal forms unless the name is a person's.
  const keep: string[] = [];
  for (let i = 0; i < words.length; i++) {
    if (!isPerson) {
      const phrase = LEGAL_PHRASES.find((p) => p.every((w, j) => sameLegalWord(words[i + j], w)));
      if (phrase) {
        removed.push(phrase.join(' '));
        i += phrase.length - 1;
        continue;
      }
      if (LEGAL_WORDS.has(words[i]!) || isMisspeltLegalWord(words[i]!)) {
        removed.push(words[i]!);
        continue;
      }
    }
    if (HONORIFICS.has(words[i]!)) {
      removed.push(words[i]!);
      continue;
    }
    keep.push(words[i]!);
  }
  // A name made only of removable words ("The Company Ltd") keeps them rather than vanish.
  if (!keep.length && words.length) {
    keep.push(...words);
    removed.length = 0;
  }
  const tokens = keep.map((w) => makeToken(w));
  // In Arabic script the article is written joined ("الصبار" romanises to "lsbr"), so the compact
  // form spells a separated article as "l" too.
  const compact = (abjad ? keep.map((w) => (w === 'al' ? 'l' : w)) : keep).join('');
  return { original, script, abjad, tokens, removed, compact };
}

// German (Duden-style) romanisation of Russian Cyrillic: lists and documents from German-speaking
// sources write Щукин as "Schtschukin", Зобнев as "Sobnew"; indexed as an extra form of Cyrillic names.
const GERMAN_CYRILLIC: Record<string, string> = {
  а: 'a', б: 'b', в: 'w', г: 'g', д: 'd', е: 'e', ё: 'jo', ж: 'sch', з: 's', и: 'i', й: 'j', к: 'k', л: 'l',
  м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'ch', ц: 'z', ч: 'tsch', ш: 'sch',
  щ: 'schtsch', ъ: '', ы: 'y', ь: '', э: 'e', ю: 'ju', я: 'ja', і: 'i', ї: 'ji', є: 'je', ґ: 'g', ў: 'w',
};

/** German romanisation of a Cyrillic name, or undefined when the name has no Cyrillic. */
export function germanRomanisation(name: string): string | undefined {
  if (!/\p{Script=Cyrillic}/u.test(name)) return undefined;
  let out = '';
  const lower = name.toLowerCase();
  for (let i = 0; i < lower.length; i++) {
    const ch = lower[i]!;
    const prevIsVowelOrStart = i === 0 || /[\s\-аеёиоуыэюяіїє]/.test(lower[i - 1]!);
    if (ch === 'е' && prevIsVowelOrStart) out += 'je';
    else if (ch === 'с' && /[аеёиоуыэюя]/.test(lower[i - 1] ?? '') && /[аеёиоуыэюя]/.test(lower[i + 1] ?? '')) out += 'ss';
    else out += GERMAN_CYRILLIC[ch] ?? ch;
  }
  return out;
}

// ---------- countries ----------

const COUNTRY_ALIASES: Record<string, string> = {
  'russian federation': 'RU', 'iran islamic republic of': 'IR', 'korea north': 'KP', 'north korea': 'KP',
  "democratic peoples republic of korea": 'KP', 'dprk': 'KP', 'korea south': 'KR', 'republic of korea': 'KR',
  'viet nam': 'VN', 'burma': 'MM', 'democratic republic of the congo': 'CD', 'congo democratic republic of the': 'CD',
  'republic of the congo': 'CG', 'syrian arab republic': 'SY', 'turkey': 'TR', 'uk': 'GB', 'great britain': 'GB',
  'usa': 'US', 'united states of america': 'US', 'lao peoples democratic republic': 'LA', 'palestine': 'PS',
  'west bank': 'PS', 'gaza': 'PS', 'ivory coast': 'CI', 'cote divoire': 'CI', 'czech republic': 'CZ',
  'macedonia': 'MK', 'moldova republic of': 'MD', 'tanzania united republic of': 'TZ', 'bolivia plurinational state of': 'BO',
  'venezuela bolivarian republic of': 'VE', 'the gambia': 'GM', 'gambia the': 'GM', 'bahamas the': 'BS', 'crimea': 'UA',
  'region crimea': 'UA', 'holland': 'NL', 'the netherlands': 'NL', 'uae': 'AE', 'emirates': 'AE',
};

let countryIndex: Map<string, string> | undefined;

function foldCountry(s: string): string {
  return anyAscii(s.normalize('NFKC')).toLowerCase().replace(/['’]/g, '').replace(/[^a-z0-9]+/g, ' ').trim();
}

function buildCountryIndex(): Map<string, string> {
  const map = new Map<string, string>();
  const display = new Intl.DisplayNames(['en'], { type: 'region' });
  const A = 'A'.charCodeAt(0);
  for (let i = 0; i < 26; i++) {
    for (let j = 0; j < 26; j++) {
      const code = String.fromCharCode(A + i, A + j);
      let name: string | undefined;
      try {
        name = display.of(code);
      } catch {
        name = undefined;
      }
      if (!name || name === code || /unknown/i.test(name)) continue;
      // Withdrawn codes canonicalise to their successor (SU → RU, DD → DE, YU → RS): skip them.
      if (Intl.getCanonicalLocales(`und-${code}`)[0] !== `und-${code}`) continue;
      const add = (k: string) => {
        if (!map.has(k)) map.set(k, code);
      };
      add(foldCountry(name));
      add(foldCountry(name.replace(/\s*\(.*\)\s*/g, ' ').trim()));
      const inParens = /\(([^)]+)\)/.exec(name);
      if (inParens) add(foldCountry(inParens[1]!));
      map.set(code.toLowerCase(), code);
    }
  }
  for (const [k, v] of Object.entries(COUNTRY_ALIASES)) map.set(k, v);
  return map;
}

/** Map a free-text country (name or ISO-2 code) to ISO 3166-1 alpha-2, or undefined. */
export function countryCode(text: string): string | undefined {
  countryIndex ??= buildCountryIndex();
  const f = foldCountry(text);
  if (!f) return undefined;
  const direct = countryIndex.get(f);
  if (direct) return direct;
  // "Tehran, Iran" / "Iran (since 2009)": try the parts.
  for (const part of text.split(/[,;()]/)) {
    const c = countryIndex.get(foldCountry(part));
    if (c) return c;
  }
  return undefined;
}

// ---------- dates ----------

export interface DateSpan {
  fromYear: number;
  toYear: number;
  month?: number;
  day?: number;
}

/** Parse YYYY, YYYY-MM, YYYY-MM-DD, "YYYY to YYYY", DD/MM/YYYY; undefined when unusable. */
export function parseDate(text: string): DateSpan | undefined {
  const t = text.trim();
  let m = /^(\d{4})-(\d{2})-(\d{2})/.exec(t);
  if (m) return { fromYear: +m[1]!, toYear: +m[1]!, month: +m[2]!, day: +m[3]! };
  m = /^(\d{4})-(\d{2})$/.exec(t);
  if (m) return { fromYear: +m[1]!, toYear: +m[1]!, month: +m[2]! };
  m = /^(\d{4})\s*(?:to|-)\s*(\d{4})$/.exec(t);
  if (m) return { fromYear: +m[1]!, toYear: +m[2]! };
  m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(t);
  if (m) return { fromYear: +m[3]!, toYear: +m[3]!, month: +m[2]! || undefined, day: +m[1]! || undefined };
  m = /(\d{4})/.exec(t);
  if (m) return { fromYear: +m[1]!, toYear: +m[1]! };
  return undefined;
}

/** Identifier comparison form: letters and digits only, upper case. */
export function foldIdentifier(s: string): string {
  return s.toUpperCase().replace(/[^A-Z0-9]/g, '');
}
