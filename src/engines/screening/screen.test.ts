// screen() over the real lists: matching phenomena, explanations, bad input, thresholds and a
// recall/FPR floor on a sample of eval-dev (no timing assertions).
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { ratesAt, runEval, type EvalRow } from './evaluate';
import { screen, type ScreeningIndex, type ScreeningQuery } from './index';
import { loadScreeningIndex, SANCTIONS_DATA_DIR } from './load';

let index: ScreeningIndex;
beforeAll(() => {
  index = loadScreeningIndex();
});

const ids = (q: ScreeningQuery, threshold = 0.8) =>
  screen(index, q).matches.filter((m) => m.score >= threshold).map((m) => m.entityId);

describe('matching phenomena', () => {
  it.each<[string, ScreeningQuery, string]>([
    ['Cyrillic script', { name: 'Олег Владимирович ЦЕПКИН', type: 'person' }, 'us_ofac_sdn:36875'],
    ['German romanisation of Cyrillic', { name: 'Oleg Wladimirowitsch Zepkin', type: 'person' }, 'eu_fsf:136829'],
    ['Arabic script', { name: 'زكريا الصبار', type: 'person' }, 'un_sc:QDi.083'],
    ['Arabic without the space', { name: 'زكرياالصبار', type: 'person' }, 'un_sc:QDi.083'],
    ['Latin spelling of an Arabic-script listing', { name: 'Zakaria Essabar', type: 'person' }, 'un_sc:QDi.083'],
    ['Chinese characters with 有限公司', { name: '華信船務(香港)有限公司', type: 'entity' }, 'un_sc:KPe.059'],
    ['Hangul', { name: '김동운', type: 'person' }, 'eu_fsf:5603'],
    ['Muhammad/Mohammed', { name: 'Muhammad ABU TEIR', type: 'person' }, 'us_ofac_cons:9640'],
    ['"LAST, First" reordered', { name: 'Oleg Vladimirovich Tsepkin', type: 'person' }, 'us_ofac_sdn:36875'],
    ['missing middle name', { name: 'Min Hlaing', type: 'person' }, 'eu_fsf:128186'],
    ['typo', { name: 'TSEPKIN, Oleg Vladimirvich', type: 'person' }, 'us_ofac_sdn:36875'],
    ['case and punctuation', { name: 'banco-nacional de cuba', type: 'entity' }, 'us_ofac_sdn:306'],
    ['company form CO → COMPANY LIMITED', { name: 'Hong Kong Electronics Kish Company Limited', type: 'entity' }, 'us_ofac_sdn:11533'],
    ['joined words and LTD → LIMITED', { name: 'Huaxin Shipping Hong Kong Limited', type: 'entity' }, 'un_sc:KPe.059'],
    ['vessel prefix', { name: 'M/V SCF PRIMORYE', type: 'vessel' }, 'us_ofac_sdn:45555'],
    ['Arabic script vs a Latin-only listing ("LAST, First")', { name: 'حسن نصر الله', type: 'person' }, 'us_ofac_sdn:2686'],
    ['initials', { name: 'O.V. Tsepkin', type: 'person' }, 'us_ofac_sdn:36875'],
    ['joined article', { name: 'AlQaida', type: 'entity' }, 'un_sc:QDe.004'],
    ['"and" for "&"', { name: 'Chang An Shipping and Technology', type: 'entity' }, 'un_sc:KPe.055'],
  ])('%s', (_, query, expected) => {
    expect(ids(query)).toContain(expected);
  });

  it('does not match unrelated or namesake-like parties', () => {
    expect(screen(index, { name: 'Tatiana Khoroshka', type: 'person' }).decision).toBe('clear');
    expect(screen(index, { name: 'Brightwater Logistics GmbH', type: 'entity' }).decision).toBe('clear');
    expect(screen(index, { name: 'Иван Сергеевич Пономаренко-Шульц', type: 'person' }).decision).toBe('clear');
  });
});

describe('secondary features and explanations', () => {
  it('explains which words matched and how much each counted', () => {
    const m = screen(index, { name: 'TSEPKIN, Oleg Vladimirvich', type: 'person' }).matches.find((x) => x.entityId === 'us_ofac_sdn:36875')!;
    expect(m.explanation.matchedName).toBe('TSEPKIN, Oleg Vladimirovich');
    const typo = m.explanation.tokens.find((t) => t.query === 'vladimirvich')!;
    expect(typo.candidate).toBe('vladimirovich');
    expect(typo.how).toMatch(/spelling/);
    expect(typo.similarity).toBeLessThan(1);
    expect(m.explanation.tokens.every((t) => t.weight > 0)).toBe(true);
  });
  it('a matching date of birth blocks; a date a generation away drops below hold', () => {
    const same = screen(index, { name: 'Oleg Vladimirovich TSEPKIN', type: 'person', dob: '1965-09-15', countries: ['Russia'] });
    expect(same.decision).toBe('block');
    const top = same.matches[0]!;
    expect(top.explanation.features.map((f) => f.feature)).toContain('dob_exact');
    const other = screen(index, { name: 'Oleg Vladimirovich TSEPKIN', type: 'person', dob: '1990-01-01' });
    const m = other.matches.find((x) => x.entityId === 'us_ofac_sdn:36875')!;
    expect(m.explanation.features.find((f) => f.feature === 'dob_conflict')?.delta).toBeLessThan(0);
    expect(m.score).toBeLessThan(0.8);
  });
  it('name alone holds but never blocks', () => {
    const r = screen(index, { name: 'Oleg Vladimirovich TSEPKIN', type: 'person' });
    expect(r.decision).toBe('hold');
    expect(r.matches[0]!.score).toBeLessThan(0.97);
  });
  it('an identifier match (IMO) raises the score to block', () => {
    const r = screen(index, { name: 'MAKSIM GORKY', type: 'vessel', identifiers: ['IMO 9590008'] });
    expect(r.decision).toBe('block');
    expect(r.matches[0]!.explanation.features.map((f) => f.feature)).toContain('identifier_match');
  });
  it('a type conflict lowers the score', () => {
    const asCompany = screen(index, { name: 'Oleg Vladimirovich TSEPKIN', type: 'entity' }).matches[0]!;
    expect(asCompany.explanation.features.map((f) => f.feature)).toContain('type_conflict');
    expect(asCompany.score).toBeLessThan(0.8);
  });
  it('names the list versions used', () => {
    const r = screen(index, { name: 'Min Aung Hlaing', type: 'person' });
    const sdn = r.listVersions.find((v) => v.listId === 'us_ofac_sdn')!;
    expect(sdn.publicationDate).toBe('2024-05-03');
    expect(sdn.sha256[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(r.listVersions.map((v) => v.listId).sort()).toEqual(['eu_fsf', 'un_sc', 'us_bis_dpl', 'us_ofac_cons', 'us_ofac_sdn']);
  });
});

describe('bad input', () => {
  it.each(['', '   ', '!!!', '12345', '—'])('%j is insufficient', (name) => {
    const r = screen(index, { name });
    expect(r.decision).toBe('insufficient');
    expect(r.matches).toHaveLength(0);
    expect(r.reasons[0]).toMatch(/name/);
  });
  it('rejects very long input with a reason', () => {
    const r = screen(index, { name: 'Tsepkin '.repeat(60) });
    expect(r.decision).toBe('insufficient');
    expect(r.reasons[0]).toMatch(/characters/);
  });
  it('a one-letter name is insufficient', () => {
    expect(screen(index, { name: 'A' }).decision).toBe('insufficient');
  });
  it('a one-word common name is neither clear nor a flood of hits', () => {
    const r = screen(index, { name: 'Mohammed', type: 'person' });
    expect(r.decision).toBe('insufficient');
    expect(r.matches.length).toBeGreaterThan(0);
    expect(r.matches.length).toBeLessThanOrEqual(3);
    expect(r.reasons.join(' ')).toMatch(/date of birth/);
  });
  it('a one-word distinctive company name is screened normally', () => {
    const r = screen(index, { name: 'ROSOBORONEXPORT', type: 'entity' });
    expect(['hold', 'block']).toContain(r.decision);
  });
  it('mixed scripts are transliterated part by part and reported', () => {
    const r = screen(index, { name: 'Oleg Владимирович TSEPKIN', type: 'person' });
    expect(r.reasons.join(' ')).toMatch(/mixed scripts/);
    expect(r.matches.map((m) => m.entityId)).toContain('us_ofac_sdn:36875');
  });
  it('an unreadable DOB or unknown country is ignored with a reason', () => {
    const r = screen(index, { name: 'Min Aung Hlaing', type: 'person', dob: 'sometime', countries: ['Atlantis'] });
    expect(r.reasons.join(' ')).toMatch(/not understood/);
    expect(r.reasons.join(' ')).toMatch(/not recognised/);
    expect(r.decision).toBe('hold');
  });
});

describe('thresholds', () => {
  it('decisions follow the hold/block/review thresholds given', () => {
    const q: ScreeningQuery = { name: 'Oleg Vladimirovich TSEPKIN', type: 'person' };
    expect(screen(index, q, { holdThreshold: 0.99, blockThreshold: 1 }).decision).toBe('review');
    expect(screen(index, q, { holdThreshold: 0.5, blockThreshold: 0.9 }).decision).toBe('block');
    expect(screen(index, q, { holdThreshold: 0.99, reviewThreshold: 0.99, blockThreshold: 1 }).decision).toBe('clear');
  });
  it('limit caps the matches returned', () => {
    expect(screen(index, { name: 'Kim Chol', type: 'person', countries: ['North Korea'] }, { limit: 2, holdThreshold: 0.6 }).matches.length).toBeLessThanOrEqual(2);
  });
});

describe('regression on a sample of eval-dev', () => {
  it('keeps recall and false-positive rate above a floor', () => {
    const rows = gunzipSync(readFileSync(`${SANCTIONS_DATA_DIR}eval/eval-dev.jsonl.gz`))
      .toString('utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as EvalRow)
      .filter((_, i) => i % 3 === 0);
    const r = ratesAt(runEval(index, rows), 0.8);
    expect(r.tpCount).toBeGreaterThan(150);
    expect(r.recall).toBeGreaterThanOrEqual(0.96);
    expect(r.fprExclNamesake).toBeLessThanOrEqual(0.03);
  });
});
