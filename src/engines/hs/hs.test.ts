import { beforeAll, describe, expect, it } from 'vitest';
import { loadHsEngineData } from './load.ts';
import {
  browseHs,
  classifyProduct,
  hsPath,
  searchHs,
  segmentChinese,
  stripExclusions,
  validateHsCode,
  validateNationalCode,
  type ClassifierIndex,
  type HsNomenclature,
  type NationalFormats,
} from './index.ts';

let nom: HsNomenclature;
let index: ClassifierIndex;
let formats: NationalFormats;

beforeAll(() => {
  const data = loadHsEngineData();
  nom = data.nomenclature;
  index = data.index;
  formats = data.nationalFormats;
});

describe('HS 2022 nomenclature', () => {
  it('loads the full tree: 21 sections, 96 chapters, 1,228 headings, 5,612 subheadings', () => {
    const count = (level: number) => [...nom.nodes.values()].filter((n) => n.level === level).length;
    expect(nom.sections).toHaveLength(21);
    expect(count(2)).toBe(96);
    expect(count(4)).toBe(1228);
    expect(count(6)).toBe(5612);
    expect(nom.sectionById.get('XVI')!.chapters).toEqual(['84', '85']);
  });

  it('validates codes and tells whether they are leaves', () => {
    const sub = validateHsCode(nom, '8517.13');
    expect(sub).toMatchObject({ valid: true, code: '851713', level: 6, isLeaf: true });
    expect(validateHsCode(nom, '8517')).toMatchObject({ valid: true, level: 4, isLeaf: false });
    // Undivided headings carry a "00" subheading in this data (0501 → 050100), so leaves are 6-digit
    expect(validateHsCode(nom, '0501')).toMatchObject({ valid: true, level: 4, isLeaf: false });
    expect(validateHsCode(nom, '050100')).toMatchObject({ valid: true, level: 6, isLeaf: true });
    expect(validateHsCode(nom, '85')).toMatchObject({ valid: true, level: 2, isLeaf: false });
    expect(validateHsCode(nom, '851700')).toMatchObject({ valid: false, reason: 'unknown' });
    expect(validateHsCode(nom, '85171')).toMatchObject({ valid: false, reason: 'format' });
    expect(validateHsCode(nom, 'abcd')).toMatchObject({ valid: false, reason: 'format' });
    // HS 2022 novelties exist (e-cigarettes 8543.40, smartphones 8517.13)
    expect(validateHsCode(nom, '854340').valid).toBe(true);
  });

  it('browses by prefix at the next level down', () => {
    expect(browseHs(nom, '')).toHaveLength(96);
    const ch85 = browseHs(nom, '85');
    expect(ch85.every((n) => n.level === 4 && n.code.startsWith('85'))).toBe(true);
    expect(ch85.map((n) => n.code)).toContain('8517');
    expect(browseHs(nom, '851').map((n) => n.code)).toEqual(['8510', '8511', '8512', '8513', '8514', '8515', '8516', '8517', '8518', '8519']);
    expect(browseHs(nom, '6110').map((n) => n.code)).toEqual(['611011', '611012', '611019', '611020', '611030', '611090']);
    expect(browseHs(nom, '61101').map((n) => n.code)).toEqual(['611011', '611012', '611019']);
  });

  it('gives the path from section to subheading', () => {
    const p = hsPath(nom, '611020');
    expect(p.section?.id).toBe('XI');
    expect(p.nodes.map((n) => n.code)).toEqual(['61', '6110', '611020']);
  });
});

describe('national tariff code shapes', () => {
  it('accepts US 10-digit HTS, EU 8-digit CN and CN 10-digit codes on a valid HS leaf', () => {
    expect(validateNationalCode(nom, formats, 'US', '6110.20.2020').valid).toBe(true);
    expect(validateNationalCode(nom, formats, 'EU', '6110 20 10').valid).toBe(true);
    expect(validateNationalCode(nom, formats, 'CN', '8517130000').valid).toBe(true);
    expect(validateNationalCode(nom, formats, 'JP', '851713000').valid).toBe(true);
  });

  it('rejects wrong length, unknown roots and non-leaf roots', () => {
    expect(validateNationalCode(nom, formats, 'US', '61102020').problems).toEqual(['wrong_length']);
    expect(validateNationalCode(nom, formats, 'EU', '85170000').problems).toContain('hs6_unknown');
    expect(validateNationalCode(nom, formats, 'CN', '851713000').problems).toEqual(['wrong_length']);
    expect(validateNationalCode(nom, formats, 'XX', '8517130000').problems).toEqual(['unknown_market']);
    expect(validateNationalCode(nom, formats, 'EU', '0501000').problems).toEqual(['wrong_length']);
    expect(validateNationalCode(nom, formats, 'EU', '05010000').valid).toBe(true); // heading leaf + 00
  });
});

describe('text helpers', () => {
  it('drops "other than …" clauses from tariff text before indexing', () => {
    const text = 'Jerseys; of textile materials (other than wool or fine animal hair, cotton or man-made fibres), knitted';
    expect(stripExclusions(text)).not.toMatch(/cotton/);
    expect(stripExclusions(text)).toMatch(/knitted/);
  });

  it('segments Chinese by forward maximum matching and reports unknown fragments', () => {
    const dict = new Set(['笔记本', '笔记本电脑', '电脑包', '女士']);
    expect(segmentChinese('女士笔记本电脑包', dict, 5)).toMatchObject({ words: ['女士', '笔记本电脑'], unknown: ['包'] });
    expect(segmentChinese('女士笔记本电脑包', dict, 5).tokens).toEqual([
      { text: '女士', known: true },
      { text: '笔记本电脑', known: true },
      { text: '包', known: false },
    ]);
  });
});

describe('search', () => {
  it('finds headings by words and browses by digits', () => {
    const hits = searchHs(index, 'jerseys pullovers');
    expect(hits[0].code.startsWith('6110')).toBe(true);
    expect(searchHs(index, '8517').map((h) => h.code)).toContain('851713');
    // Chinese queries go through the glossary: 自拍杆 (selfie stick) → 9620 monopods, bipods, tripods
    expect(searchHs(index, '自拍杆')[0].code).toBe('9620');
  });
});

describe('classification assistant', () => {
  const top = (q: string, n = 3) => classifyProduct(index, q).headings.slice(0, n).map((h) => h.code);
  const topSub = (q: string, n = 3) => classifyProduct(index, q).subheadings.slice(0, n).map((s) => s.code);

  it('English titles: commercial words reach the tariff wording', () => {
    expect(top("Women's cotton knit hoodie", 1)).toEqual(['6110']);
    expect(topSub("Women's cotton knit hoodie", 1)).toEqual(['611020']);
    expect(top('Bluetooth wireless earbuds', 1)).toEqual(['8518']);
    expect(top('silicone phone case for iPhone 15')).toContain('4202');
    expect(top('yoga mat', 1)).toEqual(['9506']);
    expect(top("men's running shoes textile upper rubber sole", 1)).toEqual(['6404']);
    expect(top('lipstick', 1)).toEqual(['3304']);
    expect(topSub('power bank 10000mAh lithium')).toContain('850760');
  });

  it('Chinese titles: segmented, translated through the glossary and explained', () => {
    const r = classifyProduct(index, '女士纯棉卫衣');
    expect(r.language).toBe('zh');
    expect(r.headings[0].code).toBe('6110');
    expect(r.subheadings[0].code).toBe('611020');
    const from = r.headings[0].matched.map((m) => m.from);
    expect(from).toContain('卫衣');
    expect(from).toContain('纯棉');
    expect(r.headings[0].matched.every((m) => m.via === 'zh-glossary')).toBe(true);
    expect(top('蓝牙耳机', 1)).toEqual(['8518']);
    expect(top('手机壳 硅胶')).toContain('4202');
    expect(top('儿童积木玩具', 1)).toEqual(['9503']);
  });

  it('mixed titles and unknown Chinese fragments are reported', () => {
    const r = classifyProduct(index, 'iPhone 15 手机壳 超薄');
    expect(r.language).toBe('mixed');
    expect(r.unknownChinese).toContain('超薄');
  });

  it('each suggestion carries the heading text, chapter and section for the explanation', () => {
    const h = classifyProduct(index, 'hoodie').headings[0];
    expect(h.legalText).toMatch(/Jerseys, pullovers/);
    expect(h.chapter.code).toBe('61');
    expect(h.section.id).toBe('XI');
    expect(h.subheadings.length).toBeGreaterThan(0);
    expect(h.subheadings.every((s) => s.code.startsWith(h.code))).toBe(true);
  });

  it('an empty or meaningless title gives no suggestions instead of noise', () => {
    expect(classifyProduct(index, '').headings).toEqual([]);
    expect(classifyProduct(index, 'xyzzy qwerty').headings).toEqual([]);
  });
});

describe('shipped data integrity', () => {
  it('eval set: every label is an HS 2022 leaf, every item cites its ruling, zh items are translations sharing the split', async () => {
    const { readFileSync } = await import('node:fs');
    const { HS_DATA_DIR, loadGlossary } = await import('./load.ts');
    const items = readFileSync(HS_DATA_DIR + 'eval/rulings.jsonl', 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    expect(items.length).toBeGreaterThanOrEqual(150);
    const byRuling = new Map<string, { split: string }>();
    for (const it of items) {
      expect(validateHsCode(nom, it.hs6)).toMatchObject({ valid: true, isLeaf: true });
      expect(it.heading).toBe(it.hs6.slice(0, 4));
      expect(it.source).toMatch(/CBP ruling (NY|HQ) /);
      expect(it.url).toMatch(/^https?:\/\//);
      expect(['dev', 'heldout']).toContain(it.split);
      if (it.lang === 'zh') {
        expect(it.translated_from).toBeTruthy();
        expect(it.title).toMatch(/[\u4e00-\u9fff]/);
      }
      const prev = byRuling.get(it.ruling);
      if (prev) expect(it.split).toBe(prev.split);
      else byRuling.set(it.ruling, it);
    }
    const heldout = items.filter((i) => i.split === 'heldout').length / items.length;
    expect(heldout).toBeGreaterThan(0.2);
    expect(heldout).toBeLessThan(0.4);
    // glossary: residual subheadings exist; zh entries all translate to something
    const g = loadGlossary();
    for (const code of Object.values(g.residuals ?? {})) expect(validateHsCode(nom, code)).toMatchObject({ valid: true, isLeaf: true });
    for (const v of Object.values(g.zh)) expect(v.trim().length).toBeGreaterThan(0);
  });
});
