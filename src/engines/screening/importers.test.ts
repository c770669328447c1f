// Importers run on the real list files shipped in data/sanctions/raw (gunzipped, sha256-checked).
import { describe, expect, it } from 'vitest';
import {
  importBisDplTsv,
  importEuDerivedJson,
  importOfacSdnCsv,
  importOfacXml,
  importUkOfsiConListCsv,
  importUnConsolidatedXml,
  parseOfacRemarks,
} from './index';
import { readListFile, readListVersions } from './load';
import { parseXml } from './xml';

const versions = readListVersions();
const version = (id: string) => versions.find((v) => v.listId === id)!;
const file = (id: string, suffix: string) => {
  const v = version(id);
  return readListFile(v, v.files.find((f) => f.path.endsWith(suffix))!.path);
};
const countTypes = (es: { type: string }[]) => es.reduce<Record<string, number>>((m, e) => ({ ...m, [e.type]: (m[e.type] ?? 0) + 1 }), {});

describe('OFAC SDN CSV (sdn.csv + alt.csv + add.csv + sdn_comments.csv)', () => {
  const entities = importOfacSdnCsv({
    sdn: file('us_ofac_sdn', 'sdn.csv.gz'),
    alt: file('us_ofac_sdn', 'alt.csv.gz'),
    add: file('us_ofac_sdn', 'add.csv.gz'),
    comments: file('us_ofac_sdn', 'sdn_comments.csv.gz'),
  });
  it('imports every entry with its type', () => {
    expect(entities).toHaveLength(14965);
    expect(countTypes(entities)).toEqual({ organisation: 6884, person: 6854, vessel: 851, aircraft: 376 });
  });
  it('joins aliases, weak aliases from remarks, addresses and programmes', () => {
    const bnc = entities.find((e) => e.id === 'us_ofac_sdn:306')!;
    expect(bnc.names[0]).toEqual({ value: 'BANCO NACIONAL DE CUBA', kind: 'primary' });
    expect(bnc.names).toContainEqual({ value: 'NATIONAL BANK OF CUBA', kind: 'alias' });
    expect(bnc.names).toContainEqual({ value: 'BNC', kind: 'weak' });
    expect(bnc.countries).toContain('Switzerland');
    expect(bnc.programmes).toEqual(['CUBA']);
    expect(JSON.parse(bnc.sourceRecord).sdn[1]).toBe('BANCO NACIONAL DE CUBA');
  });
  it('parses DOB, nationality and identifiers out of the remarks', () => {
    const tsepkin = entities.find((e) => e.id === 'us_ofac_sdn:36875')!;
    expect(tsepkin.type).toBe('person');
    expect(tsepkin.dob).toContain('1965-09-15');
    expect(tsepkin.countries).toContain('Russia');
    const vessel = entities.find((e) => e.id === 'us_ofac_sdn:29486')!;
    expect(vessel.type).toBe('vessel');
    expect(vessel.identifiers).toContainEqual({ kind: 'imo', value: '9590008' });
  });
});

describe('parseOfacRemarks', () => {
  it('reads dates in all OFAC shapes, passports with country and single-quoted weak aliases', () => {
    const f = parseOfacRemarks("DOB 19 Aug 1961; alt. DOB circa 1960; DOB Aug 1962; DOB 1960 to 1962; nationality Iran; Passport A1234567 (Iran); IMO 9187629; a.k.a. 'ABU X'.");
    expect(f.dob).toEqual(['1961-08-19', '1962-08', '1960 to 1962']);
    expect(f.countries).toEqual(['Iran']);
    expect(f.identifiers).toContainEqual({ kind: 'passport', value: 'A1234567', country: 'Iran' });
    expect(f.identifiers).toContainEqual({ kind: 'imo', value: '9187629' });
    expect(f.weakAliases).toEqual(['ABU X']);
  });
});

describe('OFAC XML (consolidated non-SDN list)', () => {
  const { entities, publishDate } = importOfacXml(file('us_ofac_cons', '.xml.gz'), 'us_ofac_cons');
  it('imports all entries and the publish date stated in the file', () => {
    expect(publishDate).toBe('2026-01-08');
    expect(entities).toHaveLength(442);
    expect(countTypes(entities)).toEqual({ person: 79, organisation: 363 });
  });
  it('builds "LAST, First" names for individuals with strong aliases', () => {
    const h = entities.find((e) => e.id === 'us_ofac_cons:9639')!;
    expect(h.names.map((n) => n.value)).toEqual(['HANIYA, Ismail Abdul Salah', 'HANIYA, Ismail', 'HANIYYA, Ismaeel']);
    expect(h.dob).toEqual(['1962']);
    expect(h.programmes).toEqual(['NS-PLC']);
    expect(h.sourceRecord).toContain('<uid>9639</uid>');
  });
});

describe('UN consolidated XML', () => {
  const { entities, dateGenerated } = importUnConsolidatedXml(file('un_sc', '.xml.gz'));
  it('imports individuals and entities with the generation date', () => {
    expect(dateGenerated.startsWith('2026-02-27')).toBe(true);
    expect(entities).toHaveLength(1003);
    expect(countTypes(entities)).toEqual({ person: 730, organisation: 273 });
  });
  it('keeps original-script names (366 Arabic NAME_ORIGINAL_SCRIPT values) and countries', () => {
    const arabic = entities.filter((e) => e.names.some((n) => n.script === 'Arabic'));
    expect(arabic.length).toBeGreaterThanOrEqual(366);
    const essabar = entities.find((e) => e.id === 'un_sc:QDi.083')!;
    expect(essabar.names).toContainEqual({ value: 'زكريا الصبار', kind: 'alias', script: 'Arabic' });
    expect(essabar.dob).toEqual(['1977-04-03']);
    const badege = entities.find((e) => e.id === 'un_sc:CDi.001')!;
    expect(badege.names[0]!.value).toBe('ERIC BADEGE');
    expect(badege.countries).toEqual(['Democratic Republic of the Congo', 'Rwanda']);
    expect(badege.dob).toEqual(['1971']);
  });
});

describe('EU consolidated list (derived JSON)', () => {
  const { entities, generated } = importEuDerivedJson(file('eu_fsf', 'all.json.gz'));
  it('imports only EU designations, with non-Latin aliases tagged by script', () => {
    expect(generated.startsWith('2026-01-28')).toBe(true);
    expect(entities).toHaveLength(5795);
    const tsepkin = entities.find((e) => e.id === 'eu_fsf:136829')!;
    expect(tsepkin.names).toContainEqual({ value: 'Олег Владимирович ЦЕПКИН', kind: 'alias', script: 'Cyrillic' });
    const kim = entities.find((e) => e.id === 'eu_fsf:5603')!;
    expect(kim.names.find((n) => n.script === 'Hangul')?.value).toBe('김동운');
  });
});

describe('BIS Denied Persons List (tab-separated)', () => {
  const entities = importBisDplTsv(file('us_bis_dpl', 'dpl.txt.gz'));
  it('merges address rows per party and infers the type', () => {
    expect(entities).toHaveLength(461);
    const ash = entities.find((e) => e.names[0]!.value === 'I. ASH')!;
    expect(ash.id).toBe('us_bis_dpl:fe1e8cb8df19'); // sha1("I. ASH|06/19/2003")
    expect(ash.type).toBe('person');
    expect(ash.typeInferred).toBe(true);
    expect(entities.filter((e) => e.type === 'organisation').length).toBeGreaterThan(50);
  });
});

describe('UK OFSI ConList CSV (2018, historical)', () => {
  const { entities, lastUpdated } = importUkOfsiConListCsv(file('gb_hmt_2018', '.csv.gz'));
  it('groups alias rows by Group ID', () => {
    expect(lastUpdated).toBe('2018-04-13');
    expect(entities).toHaveLength(2106);
    const g = entities.find((e) => e.sourceId === '13349')!;
    expect(g.type).toBe('person');
    expect(g.names.some((n) => n.value.startsWith('AL-QAHTANI'))).toBe(true);
    expect(g.dob).toContain('1980');
  });
});

describe('list files and versions', () => {
  it('every list names its publication date, source URL and file hashes', () => {
    for (const v of versions) {
      expect(v.publicationDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(v.sourceUrl).toMatch(/^https:\/\//);
      for (const f of v.files) expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
  });
  it('refuses a file whose hash does not match lists.json', () => {
    const v = { ...version('us_bis_dpl'), files: [{ path: 'raw/us_bis_dpl/dpl.txt.gz', sha256: '0'.repeat(64) }] };
    expect(() => readListFile(v, 'raw/us_bis_dpl/dpl.txt.gz')).toThrow(/sha256/);
  });
  it('the XML reader decodes entities and rejects unbalanced documents', () => {
    expect(parseXml('<a x="1 &amp; 2"><b>T&#233;st &lt;</b></a>').children[0]!.text).toBe('Tést <');
    expect(() => parseXml('<a><b></a>')).toThrow();
  });
});
