/**
 * Message catalogues of the console: English and Simplified Chinese are complete in both
 * directions (shell and every module that ships i18n/*.json), Arabic only uses known keys,
 * placeholders match, and every key the code asks for exists.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CAPABILITIES, LEVELS, ORG_KINDS, ROLES } from '../../web/src/shell/permissions.ts';
import { interpolate, matchLocale } from '../../web/src/shell/i18n.tsx';

const web = fileURLToPath(new URL('../../web/src', import.meta.url));
type Catalogue = Record<string, string>;
const read = (file: string): Catalogue => JSON.parse(readFileSync(file, 'utf8'));

/** Every folder holding en.json + zh-CN.json: the shell and each module's i18n/. */
const catalogueDirs = [
  join(web, 'shell/i18n'),
  ...readdirSync(join(web, 'modules'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(web, 'modules', d.name, 'i18n/en.json')))
    .map((d) => join(web, 'modules', d.name, 'i18n')),
];

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe.each(catalogueDirs.map((d) => [relative(web, d), d]))('%s', (_name, dir) => {
  const en = read(join(dir, 'en.json'));
  const zh = read(join(dir, 'zh-CN.json'));
  const ar = existsSync(join(dir, 'ar.json')) ? read(join(dir, 'ar.json')) : {};

  it('every English key exists in zh-CN', () => {
    expect(Object.keys(en).filter((k) => !(k in zh))).toEqual([]);
  });
  it('every zh-CN key exists in English', () => {
    expect(Object.keys(zh).filter((k) => !(k in en))).toEqual([]);
  });
  it('Arabic uses only keys that exist in English (a smaller set is allowed)', () => {
    expect(Object.keys(ar).filter((k) => !(k in en))).toEqual([]);
  });
  it('no message is empty, and Chinese is translated (contains Chinese characters)', () => {
    for (const cat of [en, zh, ar]) for (const [k, v] of Object.entries(cat)) expect(v.trim(), k).not.toBe('');
    // Product names and technical words may stay Latin, but a Chinese message holds Chinese text
    // unless it is one of these few.
    const latinAllowed = new Set(['capability.webhooks', 'webhooks.title']);
    const untranslated = Object.entries(zh).filter(([k, v]) => !/[\u4e00-\u9fff]/.test(v) && !latinAllowed.has(k)).map(([k]) => k);
    expect(untranslated).toEqual([]);
  });
  it('placeholders ({name}) are the same in every language', () => {
    for (const [k, v] of Object.entries(en)) {
      expect(placeholders(zh[k] ?? v), `zh-CN ${k}`).toEqual(placeholders(v));
      if (k in ar) expect(placeholders(ar[k]), `ar ${k}`).toEqual(placeholders(v));
    }
  });
  it('module keys are prefixed with the module name', () => {
    const mod = /modules\/([^/]+)\/i18n$/.exec(dir)?.[1];
    if (!mod) return;
    const camel = mod.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()); // landed-cost → landedCost
    expect(Object.keys(en).filter((k) => !k.startsWith(mod + '.') && !k.startsWith(camel + '.'))).toEqual([]);
  });
});

describe('keys used by the code', () => {
  const merged: Catalogue = Object.assign({}, ...catalogueDirs.map((d) => read(join(d, 'en.json'))));
  const sources: string[] = [];
  (function walk(dir: string) {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.tsx?$/.test(e.name)) sources.push(readFileSync(p, 'utf8'));
    }
  })(web);

  it('every literal t("…") key exists in English', () => {
    const used = new Set<string>();
    for (const src of sources) for (const m of src.matchAll(/\bt\(\s*['"]([a-zA-Z0-9_]+(?:\.[a-zA-Z0-9_]+)+)['"]/g)) used.add(m[1]);
    expect(used.size).toBeGreaterThan(100);
    expect([...used].filter((k) => !(k in merged)).sort()).toEqual([]);
  });

  it('keys for translated server messages exist', () => {
    const used = new Set<string>();
    for (const src of sources) for (const m of src.matchAll(/'(error\.field\.[a-zA-Z]+)'/g)) used.add(m[1]);
    expect(used.size).toBeGreaterThan(5);
    expect([...used].filter((k) => !(k in merged))).toEqual([]);
  });

  it('keys built from domain lists exist (kinds, roles, capabilities, levels)', () => {
    const built = [
      ...ORG_KINDS.map((k) => `kind.${k}`),
      ...ROLES.map((r) => `role.${r}`),
      ...CAPABILITIES.map((c) => `capability.${c}`),
      ...[...LEVELS, 'none'].map((l) => `level.${l}`),
    ];
    expect(built.filter((k) => !(k in merged))).toEqual([]);
  });
});

describe('helpers', () => {
  it('fills placeholders and leaves unknown ones visible', () => {
    expect(interpolate('Invitation sent to {email}.', { email: 'a@b.c' })).toBe('Invitation sent to a@b.c.');
    expect(interpolate('{count} selected, {missing}', { count: 3 })).toBe('3 selected, {missing}');
  });
  it('maps browser and profile language tags to a console language', () => {
    expect(matchLocale('zh-Hans-CN')).toBe('zh-CN');
    expect(matchLocale('zh-TW')).toBe('zh-CN');
    expect(matchLocale('ar-EG')).toBe('ar');
    expect(matchLocale('en-GB')).toBe('en');
    expect(matchLocale('de-DE')).toBeNull();
    expect(matchLocale(undefined)).toBeNull();
  });
});
