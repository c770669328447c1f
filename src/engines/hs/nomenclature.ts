// HS nomenclature as an in-memory tree: sections → chapters (2 digits) → headings (4) →
// subheadings (6). Built from plain rows (see load.ts for the CSV loader), so this file
// stays pure and can be fed test data directly.

export type HsLevel = 2 | 4 | 6;

export interface HsRow {
  section: string; // Roman numeral, e.g. "XVI"
  hscode: string; // 2, 4 or 6 digits, leading zeros kept
  description: string;
  parent: string; // '' for chapters
  level: HsLevel;
}

export interface SectionRow {
  section: string;
  name: string;
  first_chapter: string;
  last_chapter: string;
}

export interface HsNode {
  code: string;
  level: HsLevel;
  description: string;
  section: string;
  parent: string | null;
  children: string[]; // child codes, sorted
}

export interface HsSection {
  id: string; // Roman numeral
  name: string;
  firstChapter: string;
  lastChapter: string;
  chapters: string[];
}

export interface HsNomenclature {
  edition: string; // e.g. "HS 2022"
  sections: HsSection[];
  sectionById: Map<string, HsSection>;
  nodes: Map<string, HsNode>;
  chapters: string[];
}

/** Build the tree. Throws on structural errors (unknown parent, bad level) so bad data fails loudly. */
export function buildNomenclature(rows: readonly HsRow[], sectionRows: readonly SectionRow[], edition = 'HS 2022'): HsNomenclature {
  const nodes = new Map<string, HsNode>();
  for (const r of rows) {
    if (!/^\d+$/.test(r.hscode) || r.hscode.length !== r.level) {
      throw new Error(`HS row ${r.hscode}: code length does not match level ${r.level}`);
    }
    nodes.set(r.hscode, {
      code: r.hscode,
      level: r.level,
      description: r.description,
      section: r.section,
      parent: r.parent === '' ? null : r.parent,
      children: [],
    });
  }
  for (const node of nodes.values()) {
    if (node.parent === null) continue;
    const parent = nodes.get(node.parent);
    if (!parent) throw new Error(`HS ${node.code}: parent ${node.parent} missing`);
    parent.children.push(node.code);
  }
  for (const node of nodes.values()) node.children.sort();
  const chapters = [...nodes.values()].filter((n) => n.level === 2).map((n) => n.code).sort();
  const sections: HsSection[] = sectionRows.map((s) => ({
    id: s.section,
    name: s.name,
    firstChapter: s.first_chapter,
    lastChapter: s.last_chapter,
    chapters: chapters.filter((c) => nodes.get(c)!.section === s.section),
  }));
  return { edition, sections, sectionById: new Map(sections.map((s) => [s.id, s])), nodes, chapters };
}

/** Strip dots/spaces a seller may type ("8517.13", "8517 13"). */
export function normalizeHsCode(input: string): string {
  return input.replace(/[\s.\-]/g, '');
}

export type HsValidation =
  | { valid: true; code: string; level: HsLevel; isLeaf: boolean; node: HsNode }
  | { valid: false; code: string; reason: 'format' | 'unknown'; message: string };

/**
 * Validate an HS code (2, 4 or 6 digits). `isLeaf` tells whether the code is a declarable
 * end of the HS tree (a 6-digit subheading, or a heading with no subheadings such as 0501).
 */
export function validateHsCode(nom: HsNomenclature, input: string): HsValidation {
  const code = normalizeHsCode(input);
  if (!/^\d{2}(\d{2}(\d{2})?)?$/.test(code)) {
    return { valid: false, code, reason: 'format', message: 'An HS code has 2, 4 or 6 digits' };
  }
  const node = nom.nodes.get(code);
  if (!node) return { valid: false, code, reason: 'unknown', message: `${code} is not in ${nom.edition}` };
  return { valid: true, code, level: node.level, isLeaf: node.children.length === 0, node };
}

/** The path from section down to the node: section, chapter, heading, subheading (as far as the code goes). */
export function hsPath(nom: HsNomenclature, code: string): { section: HsSection | undefined; nodes: HsNode[] } {
  const path: HsNode[] = [];
  for (const len of [2, 4, 6]) {
    if (code.length < len) break;
    const n = nom.nodes.get(code.slice(0, len));
    if (n) path.push(n);
  }
  return { section: path[0] ? nom.sectionById.get(path[0].section) : undefined, nodes: path };
}

/**
 * Browse by prefix: '' lists chapters; '85' lists headings of chapter 85; '851' lists the
 * headings 8510–8519; '8517' lists its subheadings; '85171' the subheadings starting so.
 */
export function browseHs(nom: HsNomenclature, prefix: string): HsNode[] {
  const p = normalizeHsCode(prefix);
  if (!/^\d{0,6}$/.test(p)) return [];
  // Children are listed at the next level above the prefix length.
  const level: HsLevel = p.length < 2 ? 2 : p.length < 4 ? 4 : 6;
  const out: HsNode[] = [];
  for (const n of nom.nodes.values()) {
    if (n.level === level && n.code.startsWith(p)) out.push(n);
  }
  if (out.length === 0 && p.length === 6 && nom.nodes.has(p)) out.push(nom.nodes.get(p)!);
  return out.sort((a, b) => a.code.localeCompare(b.code));
}

/** All declarable leaves (6-digit subheadings and headings without subheadings). */
export function hsLeaves(nom: HsNomenclature): HsNode[] {
  return [...nom.nodes.values()].filter((n) => n.level > 2 && n.children.length === 0);
}
