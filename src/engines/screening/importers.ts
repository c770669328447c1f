// Importers: pure functions from the official list file contents (strings) to SanctionedEntity[].
// One per raw format present in data/sanctions/raw. No I/O here; load.ts reads the files.
import { createHash } from 'node:crypto';
import { parse as parseCsv } from 'csv-parse/sync';
import { detectScript } from './normalize';
import type { EntityIdentifier, EntityName, EntityType, SanctionedEntity } from './types';
import { child, childText, childrenNamed, parseXml, type XmlElement } from './xml';

const MONTHS: Record<string, string> = {
  jan: '01', feb: '02', mar: '03', apr: '04', may: '05', jun: '06',
  jul: '07', aug: '08', sep: '09', oct: '10', nov: '11', dec: '12',
};

function uniq<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

function nameEntry(value: string, kind: EntityName['kind']): EntityName {
  const script = detectScript(value);
  return script === 'Latin' || script === 'Common' ? { value, kind } : { value, kind, script };
}

function dedupeNames(names: EntityName[]): EntityName[] {
  const seen = new Set<string>();
  const out: EntityName[] = [];
  for (const n of names) {
    const v = n.value.replace(/\s+/g, ' ').trim();
    if (!v || seen.has(v.toLowerCase())) continue;
    seen.add(v.toLowerCase());
    out.push({ ...n, value: v });
  }
  return out;
}

/** "19 Aug 1961" → 1961-08-19, "Aug 1961" → 1961-08, "circa 1960" → 1960, ranges kept. */
export function normaliseOfacDate(text: string): string {
  const t = text.trim().replace(/^circa\s+/i, '');
  let m = /^(\d{1,2}) ([A-Za-z]{3})[a-z]* (\d{4})$/.exec(t);
  if (m && MONTHS[m[2]!.toLowerCase()]) return `${m[3]}-${MONTHS[m[2]!.toLowerCase()]}-${m[1]!.padStart(2, '0')}`;
  m = /^([A-Za-z]{3})[a-z]* (\d{4})$/.exec(t);
  if (m && MONTHS[m[1]!.toLowerCase()]) return `${m[2]}-${MONTHS[m[1]!.toLowerCase()]}`;
  return t;
}

// Remark clauses that carry identifiers: label pattern → identifier kind.
const IDENTIFIER_LABELS: [RegExp, string][] = [
  [/^Passport(?: No\.?)?\s+/i, 'passport'],
  [/^(?:National ID No\.|National Foreign ID Number|Personal ID|Cedula No\.|Identification Number)\s+/i, 'national_id'],
  [/^(?:Vessel Registration Identification\s+)?IMO\s+/i, 'imo'],
  [/^MMSI\s+/i, 'mmsi'],
  [/^SWIFT\/BIC\s+/i, 'swift'],
  [/^Legal Entity Number\s+/i, 'lei'],
  [/^(?:Tax ID No\.|V\.A\.T\. Number|RFC)\s+/i, 'tax_id'],
  [/^(?:Registration Number|Registration ID|Business Registration Number|Company Number|UK Company Number|Commercial Registry Number|C\.R\. No\.|Trade License No\.|Chamber of Commerce Number|Enterprise Number|Business Number|Economic Register Number|Folio Mercantil No\.|Government Gazette Number|Central Registration System Number)\s+/i, 'registration'],
  [/^Aircraft Tail Number\s+/i, 'aircraft_tail'],
];

interface RemarkFacts {
  dob: string[];
  countries: string[];
  identifiers: EntityIdentifier[];
  weakAliases: string[];
}

/** Parse OFAC "Remarks" free text ("DOB 19 Aug 1961; nationality Iran; Passport X (Iran); a.k.a. 'Y'."). */
export function parseOfacRemarks(remarks: string): RemarkFacts {
  const facts: RemarkFacts = { dob: [], countries: [], identifiers: [], weakAliases: [] };
  for (const m of remarks.matchAll(/a\.k\.a\.,? '([^']+)'/g)) facts.weakAliases.push(m[1]!);
  for (const raw of remarks.split(/;\s+/)) {
    const clause = raw.trim().replace(/\.$/, '');
    let m: RegExpExecArray | null;
    if ((m = /^DOB\s+(.+)$/.exec(clause))) facts.dob.push(normaliseOfacDate(m[1]!));
    else if ((m = /^(?:nationality|citizen|Nationality of Registration)\s+(.+)$/.exec(clause))) facts.countries.push(m[1]!.trim());
    else if ((m = /^Vessel Flag\s+(.+)$/.exec(clause))) facts.countries.push(m[1]!.trim());
    else {
      for (const [label, kind] of IDENTIFIER_LABELS) {
        const lm = label.exec(clause);
        if (!lm) continue;
        const rest = clause.slice(lm[0].length);
        const idm = /^([^\s(][^(]*?)(?:\s+\(([^)]*)\))?(?:\s+\(.*)?$/.exec(rest);
        if (idm && /\d/.test(idm[1]!)) {
          facts.identifiers.push(idm[2] ? { kind, value: idm[1]!.trim(), country: idm[2] } : { kind, value: idm[1]!.trim() });
        }
        break;
      }
    }
  }
  return facts;
}

const OFAC_NULL = '-0-';
function ofacField(v: string | undefined): string {
  const t = (v ?? '').trim();
  return t === OFAC_NULL ? '' : t;
}

function ofacType(sdnType: string): EntityType {
  const t = sdnType.toLowerCase();
  if (t === 'individual') return 'person';
  if (t === 'vessel') return 'vessel';
  if (t === 'aircraft') return 'aircraft';
  return 'organisation';
}

function readCsv(text: string): string[][] {
  return parseCsv(text, { relax_quotes: true, relax_column_count: true, skip_empty_lines: true, bom: true }) as string[][];
}

/**
 * OFAC SDN legacy CSV set: sdn.csv (primary), alt.csv (aliases), add.csv (addresses),
 * sdn_comments.csv (remarks overflow). All joined on ent_num.
 */
export function importOfacSdnCsv(files: { sdn: string; alt?: string; add?: string; comments?: string }): SanctionedEntity[] {
  const altByEnt = new Map<string, string[][]>();
  for (const row of files.alt ? readCsv(files.alt) : []) {
    const list = altByEnt.get(row[0]!) ?? [];
    list.push(row);
    altByEnt.set(row[0]!, list);
  }
  const addByEnt = new Map<string, string[][]>();
  for (const row of files.add ? readCsv(files.add) : []) {
    const list = addByEnt.get(row[0]!) ?? [];
    list.push(row);
    addByEnt.set(row[0]!, list);
  }
  const commentByEnt = new Map<string, string>();
  for (const row of files.comments ? readCsv(files.comments) : []) commentByEnt.set(row[0]!, ofacField(row[1]));

  const out: SanctionedEntity[] = [];
  for (const row of readCsv(files.sdn)) {
    const [entNum, name, sdnType, program, , , , , , vesselFlag] = row.map(ofacField);
    if (!entNum || !/^\d+$/.test(entNum) || !name) continue;
    const remarks = ofacField(row[11]) + (commentByEnt.get(entNum) ?? '');
    const facts = parseOfacRemarks(remarks);
    const alts = altByEnt.get(entNum) ?? [];
    const adds = addByEnt.get(entNum) ?? [];
    const names = dedupeNames([
      nameEntry(name, 'primary'),
      ...alts.map((a) => nameEntry(ofacField(a[3]), ofacField(a[2]).toLowerCase().includes('weak') ? 'weak' : 'alias')),
      ...facts.weakAliases.map((w) => nameEntry(w, 'weak')),
    ]);
    const countries = uniq([...facts.countries, ...(vesselFlag ? [vesselFlag] : []), ...adds.map((a) => ofacField(a[4])).filter(Boolean)]);
    out.push({
      id: `us_ofac_sdn:${entNum}`,
      listId: 'us_ofac_sdn',
      sourceId: entNum,
      type: ofacType(sdnType ?? ''),
      names,
      dob: uniq(facts.dob),
      countries,
      identifiers: facts.identifiers,
      programmes: uniq((program ?? '').split(/\]\s*\[|[\[\]]/).map((p) => p.trim()).filter(Boolean)),
      sourceRecord: JSON.stringify({ sdn: row, alt: alts, add: adds }),
    });
  }
  return out;
}

function xmlOuter(el: XmlElement): string {
  // A compact re-serialisation of the record (verbatim values, element structure kept).
  const attrs = Object.entries(el.attributes).map(([k, v]) => ` ${k}="${v.replace(/"/g, '&quot;')}"`).join('');
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  if (!el.children.length) return el.text ? `<${el.name}${attrs}>${esc(el.text)}</${el.name}>` : `<${el.name}${attrs}/>`;
  return `<${el.name}${attrs}>${el.text ? esc(el.text) : ''}${el.children.map(xmlOuter).join('')}</${el.name}>`;
}

function ofacXmlName(el: XmlElement | undefined, individual: boolean): string {
  const last = childText(el, 'lastName');
  const first = childText(el, 'firstName');
  if (individual && first) return last ? `${last}, ${first}` : first;
  return [first, last].filter(Boolean).join(' ');
}

/** OFAC XML (`sdnList` schema: SDN.XML or CONSOLIDATED.XML). Returns entities and Publish_Date. */
export function importOfacXml(xml: string, listId: string): { entities: SanctionedEntity[]; publishDate: string } {
  const root = parseXml(xml);
  const pub = childText(child(root, 'publshInformation'), 'Publish_Date');
  const pm = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(pub);
  const entities: SanctionedEntity[] = [];
  for (const e of childrenNamed(root, 'sdnEntry')) {
    const uid = childText(e, 'uid');
    const type = ofacType(childText(e, 'sdnType'));
    const individual = type === 'person';
    const names: EntityName[] = [nameEntry(ofacXmlName(e, individual), 'primary')];
    for (const aka of childrenNamed(child(e, 'akaList'), 'aka')) {
      names.push(nameEntry(ofacXmlName(aka, individual), childText(aka, 'category') === 'weak' ? 'weak' : 'alias'));
    }
    const countries: string[] = [];
    for (const n of childrenNamed(child(e, 'nationalityList'), 'nationality')) countries.push(childText(n, 'country'));
    for (const n of childrenNamed(child(e, 'citizenshipList'), 'citizenship')) countries.push(childText(n, 'country'));
    for (const a of childrenNamed(child(e, 'addressList'), 'address')) countries.push(childText(a, 'country'));
    const flag = childText(child(e, 'vesselInfo'), 'vesselFlag');
    if (flag) countries.push(flag);
    const identifiers: EntityIdentifier[] = childrenNamed(child(e, 'idList'), 'id').map((id) => {
      const t = childText(id, 'idType');
      const kind = /passport/i.test(t) ? 'passport' : /imo/i.test(t) ? 'imo' : /registration|company/i.test(t) ? 'registration' : /tax/i.test(t) ? 'tax_id' : /national|cedula|identification/i.test(t) ? 'national_id' : /swift|bic/i.test(t) ? 'swift' : 'other';
      const c = childText(id, 'idCountry');
      return c ? { kind, value: childText(id, 'idNumber'), country: c } : { kind, value: childText(id, 'idNumber') };
    });
    entities.push({
      id: `${listId}:${uid}`,
      listId,
      sourceId: uid,
      type,
      names: dedupeNames(names),
      dob: uniq(childrenNamed(child(e, 'dateOfBirthList'), 'dateOfBirthItem').map((d) => normaliseOfacDate(childText(d, 'dateOfBirth'))).filter(Boolean)),
      countries: uniq(countries.filter(Boolean)),
      identifiers: identifiers.filter((i) => i.value),
      programmes: childrenNamed(child(e, 'programList'), 'program').map((p) => p.text),
      sourceRecord: xmlOuter(e),
    });
  }
  return { entities, publishDate: pm ? `${pm[3]}-${pm[1]}-${pm[2]}` : pub };
}

/** UN Security Council Consolidated List XML (CONSOLIDATED_LIST). */
export function importUnConsolidatedXml(xml: string): { entities: SanctionedEntity[]; dateGenerated: string } {
  const root = parseXml(xml);
  const entities: SanctionedEntity[] = [];
  const records = [
    ...childrenNamed(child(root, 'INDIVIDUALS'), 'INDIVIDUAL').map((r) => ({ r, person: true })),
    ...childrenNamed(child(root, 'ENTITIES'), 'ENTITY').map((r) => ({ r, person: false })),
  ];
  for (const { r, person } of records) {
    const ref = childText(r, 'REFERENCE_NUMBER');
    const primary = ['FIRST_NAME', 'SECOND_NAME', 'THIRD_NAME', 'FOURTH_NAME'].map((k) => childText(r, k)).filter(Boolean).join(' ');
    const names: EntityName[] = [nameEntry(primary, 'primary')];
    const original = childText(r, 'NAME_ORIGINAL_SCRIPT');
    if (original) names.push(nameEntry(original, 'alias'));
    for (const a of childrenNamed(r, person ? 'INDIVIDUAL_ALIAS' : 'ENTITY_ALIAS')) {
      const alias = childText(a, 'ALIAS_NAME');
      if (alias) names.push(nameEntry(alias, childText(a, 'QUALITY') === 'Low' ? 'weak' : 'alias'));
    }
    const dob: string[] = [];
    for (const d of childrenNamed(r, 'INDIVIDUAL_DATE_OF_BIRTH')) {
      const date = childText(d, 'DATE');
      const year = childText(d, 'YEAR');
      const from = childText(d, 'FROM_YEAR');
      const to = childText(d, 'TO_YEAR');
      if (date) dob.push(date.slice(0, 10));
      else if (year) dob.push(year);
      else if (from && to) dob.push(`${from} to ${to}`);
    }
    const countries = [
      ...childrenNamed(child(r, 'NATIONALITY'), 'VALUE').map((v) => v.text),
      ...childrenNamed(r, person ? 'INDIVIDUAL_ADDRESS' : 'ENTITY_ADDRESS').map((a) => childText(a, 'COUNTRY')),
    ];
    const identifiers: EntityIdentifier[] = [];
    for (const d of childrenNamed(r, 'INDIVIDUAL_DOCUMENT')) {
      const number = childText(d, 'NUMBER');
      if (!number) continue;
      const t = childText(d, 'TYPE_OF_DOCUMENT');
      const country = childText(d, 'ISSUING_COUNTRY') || childText(d, 'COUNTRY_OF_ISSUE');
      const kind = /passport/i.test(t) ? 'passport' : /national/i.test(t) ? 'national_id' : 'other';
      identifiers.push(country ? { kind, value: number, country } : { kind, value: number });
    }
    entities.push({
      id: `un_sc:${ref}`,
      listId: 'un_sc',
      sourceId: ref,
      type: person ? 'person' : 'organisation',
      names: dedupeNames(names),
      dob: uniq(dob),
      countries: uniq(countries.filter(Boolean)),
      identifiers,
      programmes: [childText(r, 'UN_LIST_TYPE')].filter(Boolean),
      sourceRecord: xmlOuter(r),
    });
  }
  return { entities, dateGenerated: root.attributes['dateGenerated'] ?? '' };
}

interface EuDerivedRecord {
  name: string;
  type: string;
  aliases: string[];
  birthdates: string[];
  identifiers: { type: string; number: string; country?: string }[];
  source: string[];
  source_id: string;
}

/**
 * EU consolidated list, third-party derived JSON (see data/sanctions/SOURCES.md): only records
 * whose `source` includes EU are EU designations; `source_id` is the EU logicalId.
 */
export function importEuDerivedJson(json: string): { entities: SanctionedEntity[]; generated: string } {
  const doc = JSON.parse(json) as { metadata: { generated: string }; entities: EuDerivedRecord[] };
  const entities: SanctionedEntity[] = [];
  for (const r of doc.entities) {
    if (!r.source.includes('EU')) continue;
    entities.push({
      id: `eu_fsf:${r.source_id}`,
      listId: 'eu_fsf',
      sourceId: r.source_id,
      type: r.type === 'individual' ? 'person' : 'organisation',
      names: dedupeNames([nameEntry(r.name, 'primary'), ...r.aliases.map((a) => nameEntry(a, 'alias'))]),
      dob: uniq(r.birthdates),
      countries: [],
      identifiers: r.identifiers
        .filter((i) => i.number)
        .map((i) => (i.country && i.country !== '00' ? { kind: i.type, value: i.number, country: i.country } : { kind: i.type, value: i.number })),
      programmes: [],
      sourceRecord: JSON.stringify(r),
    });
  }
  return { entities, generated: doc.metadata.generated };
}

// Words that mark a BIS DPL party as a business (the list itself has no type column).
const BIS_COMPANY_WORDS =
  /\b(INC|LLC|L\.L\.C|LTD|LIMITED|CORP|CORPORATION|CO|COMPANY|GMBH|S\.?A|AG|BV|PLC|ENTERPRISES?|INDUSTRIES|INTERNATIONAL|TRADING|GROUP|TECHNOLOG(Y|IES)|SYSTEMS|SERVICES|ELECTRONICS|AVIATION|AIRLINES?|IMPORT|EXPORT|SUPPLY|SUPPLIES|HOLDINGS?|PARTNERS|ASSOCIATES|LABORATOR(Y|IES)|INSTITUTE|FZE|FZCO|SARL|SRL|SPA)\b\.?/i;

/** US BIS Denied Persons List, legacy tab-separated file; address rows of one party are merged. */
export function importBisDplTsv(text: string): SanctionedEntity[] {
  const rows = parseCsv(text, { delimiter: '\t', relax_quotes: true, relax_column_count: true, skip_empty_lines: true, bom: true }) as string[][];
  const header = rows[0]!.map((h) => h.trim());
  const col = (name: string) => header.indexOf(name);
  const byKey = new Map<string, { name: string; effective: string; rows: string[][] }>();
  for (const row of rows.slice(1)) {
    const name = (row[col('Name')] ?? '').trim();
    if (!name) continue;
    const effective = (row[col('Effective_Date')] ?? '').trim();
    const key = `${name}|${effective}`;
    const group = byKey.get(key) ?? { name, effective, rows: [] };
    group.rows.push(row);
    byKey.set(key, group);
  }
  const out: SanctionedEntity[] = [];
  for (const [key, g] of byKey) {
    // Stable synthetic id: the list has no record number (same recipe as the shared normalized file).
    const id = createHash('sha1').update(key).digest('hex').slice(0, 12);
    out.push({
      id: `us_bis_dpl:${id}`,
      listId: 'us_bis_dpl',
      sourceId: id,
      type: BIS_COMPANY_WORDS.test(g.name) ? 'organisation' : 'person',
      typeInferred: true,
      names: [nameEntry(g.name, 'primary')],
      dob: [],
      countries: uniq(g.rows.map((r) => (r[col('Country')] ?? '').trim()).filter(Boolean)),
      identifiers: [],
      programmes: ['DPL'],
      sourceRecord: JSON.stringify(g.rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])))),
    });
  }
  return out;
}

/** "00/00/1980" → 1980, "12/03/1961" → 1961-03-12 (UK ConList DD/MM/YYYY with 00 for unknown). */
function ukDate(d: string): string {
  const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(d.trim());
  if (!m) return d.trim();
  if (m[2] === '00') return m[3]!;
  if (m[1] === '00') return `${m[3]}-${m[2]}`;
  return `${m[3]}-${m[2]}-${m[1]}`;
}

/** UK HM Treasury / OFSI ConList CSV (retired format); rows grouped by Group ID. */
export function importUkOfsiConListCsv(text: string): { entities: SanctionedEntity[]; lastUpdated: string } {
  const rows = readCsv(text);
  const lu = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec((rows[0]?.[1] ?? '').trim());
  const header = rows[1]!.map((h) => h.trim());
  const col = (name: string) => header.indexOf(name);
  const groups = new Map<string, string[][]>();
  for (const row of rows.slice(2)) {
    const gid = (row[col('Group ID')] ?? '').trim();
    if (!gid) continue;
    const list = groups.get(gid) ?? [];
    list.push(row);
    groups.set(gid, list);
  }
  const entities: SanctionedEntity[] = [];
  for (const [gid, grows] of groups) {
    const get = (r: string[], h: string) => (r[col(h)] ?? '').trim();
    const groupType = get(grows[0]!, 'Group Type');
    const type: EntityType = groupType === 'Individual' ? 'person' : groupType === 'Ship' ? 'vessel' : 'organisation';
    const names: EntityName[] = [];
    for (const r of grows) {
      const given = ['Name 1', 'Name 2', 'Name 3', 'Name 4', 'Name 5'].map((h) => get(r, h)).filter(Boolean).join(' ');
      const last = get(r, 'Name 6');
      const full = type === 'person' && given ? `${last}, ${given}` : [given, last].filter(Boolean).join(' ');
      const aliasType = get(r, 'Alias Type');
      names.push(nameEntry(full, aliasType === 'Prime Alias' ? 'primary' : aliasType === 'AKA' ? 'alias' : 'weak'));
    }
    names.sort((a, b) => (a.kind === 'primary' ? -1 : b.kind === 'primary' ? 1 : 0));
    const countries = grows.flatMap((r) => [get(r, 'Nationality'), get(r, 'Country')]).flatMap((c) => c.split(/\s*\d\)\s*/)).map((c) => c.trim()).filter(Boolean);
    const identifiers = grows.map((r) => get(r, 'Passport Details')).filter(Boolean).map((p) => ({ kind: 'passport', value: p }));
    entities.push({
      id: `gb_hmt_2018:${gid}`,
      listId: 'gb_hmt_2018',
      sourceId: gid,
      type,
      names: dedupeNames(names),
      dob: uniq(grows.map((r) => get(r, 'DOB')).filter(Boolean).map(ukDate)),
      countries: uniq(countries),
      identifiers: uniq(identifiers.map((i) => i.value)).map((value) => ({ kind: 'passport', value })),
      programmes: uniq(grows.map((r) => get(r, 'Regime')).filter(Boolean)),
      sourceRecord: JSON.stringify(grows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])))),
    });
  }
  return { entities, lastUpdated: lu ? `${lu[3]}-${lu[2]}-${lu[1]}` : '' };
}
