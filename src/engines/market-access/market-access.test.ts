import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadAttributeHints, loadMarketRuleSets } from './load.ts';
import {
  checkMarketAccess,
  diffRuleSets,
  needsRecheck,
  suggestAttributes,
  validateRuleSets,
  type Certificate,
  type MarketAccessResult,
  type MarketRuleSet,
  type Product,
} from './index.ts';

const rules = loadMarketRuleSets();
const DATE = '2026-11-21';
const ids = (fs: { ruleId: string }[]) => fs.map((f) => f.ruleId);
const cert = (type: string, extra: Partial<Certificate> = {}): Certificate => ({ type, issuer: 'Test Lab', number: `${type}-1`, expiry: '2030-12-31', ...extra });

const speaker: Product = { hsCode: '8518.22', originCountry: 'CN', attributes: { radioEquipment: true }, weightGrams: 800 };
const powerBank: Product = { hsCode: '850760', originCountry: 'CN', attributes: { lithiumBattery: 'UN3480', electrical: true }, weightGrams: 300 };
const toy: Product = { hsCode: '950300', originCountry: 'CN', attributes: { childrens: true } };
const lipstick: Product = { hsCode: '330410', originCountry: 'KR', attributes: { cosmetic: true } };
const tea: Product = { hsCode: '090230', originCountry: 'CN', attributes: { food: true } };
const hoodie: Product = { hsCode: '611020', originCountry: 'CN', attributes: {} };
const check = (p: Product, market: string, certificates: Certificate[] = [], date = DATE) => checkMarketAccess(p, market, rules, { date, certificates });

describe('rules data', () => {
  it('every rule has id, en + zh reason, source and as_of; all eight markets are present', () => {
    expect(validateRuleSets(rules)).toEqual([]);
    expect(rules.map((r) => r.market).sort()).toEqual(['*', 'AU', 'CA', 'EU', 'GB', 'JP', 'KR', 'SG', 'US']);
    for (const set of rules) for (const r of set.rules) expect(r.reason.zh).toMatch(/[\u4e00-\u9fff]/);
  });

  it('unknown market is an error, not a silent "allowed"', () => {
    expect(() => check(hoodie, 'XX')).toThrow(/No market-access rules/);
  });
});

describe('key rules per market', () => {
  it('EU: radio equipment needs CE + EU Declaration of Conformity (RED) and an EU responsible person', () => {
    const r = check(speaker, 'EU');
    expect(r.status).toBe('allowed_with_conditions');
    expect(ids(r.conditions)).toEqual(expect.arrayContaining(['EU-RED-CE', 'EU-GPSR-RESPONSIBLE']));
    const red = r.conditions.find((c) => c.ruleId === 'EU-RED-CE')!;
    expect(red.source).toMatch(/2014\/53\/EU/);
    expect(red.reason.zh).toMatch(/CE/);
    const ok = check(speaker, 'EU', [cert('EU_DECLARATION_OF_CONFORMITY'), cert('EU_RESPONSIBLE_PERSON')]);
    expect(ok.status).toBe('allowed');
    expect(ids(ok.satisfied)).toEqual(expect.arrayContaining(['EU-RED-CE', 'EU-GPSR-RESPONSIBLE']));
  });

  it('EU: cosmetics need CPNP; Russian steel is blocked; labelling languages are reported', () => {
    expect(ids(check(lipstick, 'EU').conditions)).toContain('EU-COSMETICS-CPNP');
    const steel = check({ hsCode: '732393', originCountry: 'RU', attributes: {} }, 'EU');
    expect(steel.status).toBe('blocked');
    expect(ids(steel.blocks)).toEqual(['EU-RU-IRON-STEEL']);
    expect(check(hoodie, 'EU').labelling?.languages.length).toBeGreaterThan(0);
  });

  it('GB: UKCA or CE declaration both discharge the radio rule', () => {
    expect(ids(check(speaker, 'GB').conditions)).toContain('GB-RADIO-UKCA');
    expect(ids(check(speaker, 'GB', [cert('EU_DECLARATION_OF_CONFORMITY')]).satisfied)).toContain('GB-RADIO-UKCA');
    expect(ids(check(speaker, 'GB', [cert('UK_DECLARATION_OF_CONFORMITY')]).satisfied)).toContain('GB-RADIO-UKCA');
  });

  it('US: FCC for radio, FDA for food and cosmetics, CPSIA for children, embargoes block', () => {
    expect(ids(check(speaker, 'US').conditions)).toContain('US-FCC-RADIO');
    expect(ids(check(tea, 'US').conditions)).toContain('US-FDA-FOOD-FACILITY');
    expect(ids(check(lipstick, 'US').conditions)).toContain('US-FDA-COSMETICS');
    expect(ids(check(toy, 'US').conditions)).toContain('US-CPSIA-CPC');
    expect(check(toy, 'US', [cert('CPSIA_CPC')]).status).toBe('allowed');
    expect(check({ ...hoodie, originCountry: 'IR' }, 'US').status).toBe('blocked');
    expect(ids(check({ hsCode: '030617', originCountry: 'RU', attributes: {} }, 'US').blocks)).toContain('US-RU-SEAFOOD-ALCOHOL-DIAMONDS');
    expect(ids(check({ hsCode: '520512', originCountry: 'CN', attributes: {} }, 'US').conditions)).toContain('US-UFLPA');
  });

  it('CA: ISED for radio; food is blocked until the importer holds an SFC licence', () => {
    expect(ids(check(speaker, 'CA').conditions)).toContain('CA-ISED-RADIO');
    expect(check(tea, 'CA').status).toBe('blocked');
    expect(check(tea, 'CA', [cert('CA_SFC_LICENCE')]).status).toBe('allowed');
    expect(check(hoodie, 'CA').labelling?.languages).toEqual(['en', 'fr']);
  });

  it('AU: RCM for radio and electrical; asbestos is prohibited whatever the paperwork', () => {
    expect(ids(check(speaker, 'AU').conditions)).toContain('AU-RCM-RADIO');
    const asbestos = check({ hsCode: '252400', originCountry: 'CN', attributes: {} }, 'AU', [cert('AU_RCM_REGISTRATION'), cert('FIREARMS_IMPORT_LICENCE')]);
    expect(asbestos.status).toBe('blocked');
  });

  it('JP: PSE for power banks, Giteki for radio; cosmetics need a marketing licence', () => {
    const pb = check(powerBank, 'JP');
    expect(ids(pb.conditions)).toEqual(expect.arrayContaining(['JP-PSE', 'ALL-LIB-UN3480']));
    expect(ids(check(speaker, 'JP').conditions)).toContain('JP-RADIO-GITEKI');
    expect(check(lipstick, 'JP').status).toBe('blocked');
    expect(check(lipstick, 'JP', [cert('JP_COSMETICS_MARKETING_LICENCE')]).status).toBe('allowed');
  });

  it('KR: KC mark for radio, electrical and children\'s products', () => {
    expect(ids(check(speaker, 'KR').conditions)).toContain('KR-KC-RADIO');
    expect(ids(check(powerBank, 'KR').conditions)).toContain('KR-KC-ELECTRICAL');
    expect(ids(check(toy, 'KR').conditions)).toContain('KR-KC-CHILDREN');
  });

  it('SG: IMDA registration for radio; chewing gum and vapes are prohibited', () => {
    expect(ids(check(speaker, 'SG').conditions)).toContain('SG-IMDA');
    expect(check({ hsCode: '170410', originCountry: 'US', attributes: { food: true } }, 'SG', [cert('SG_SFA_LICENCE')]).status).toBe('blocked');
    expect(ids(check({ hsCode: '854340', originCountry: 'CN', attributes: {} }, 'SG').blocks)).toContain('SG-VAPES');
  });

  it('lithium batteries: UN3480 needs both UN 38.3 summary and DG declaration; UN3481 only the summary', () => {
    expect(ids(check(powerBank, 'US', [cert('UN38_3_TEST_SUMMARY')]).conditions)).toContain('ALL-LIB-UN3480');
    expect(ids(check(powerBank, 'US', [cert('UN38_3_TEST_SUMMARY'), cert('DG_DECLARATION')]).satisfied)).toContain('ALL-LIB-UN3480');
    const phone: Product = { hsCode: '851713', originCountry: 'CN', attributes: { lithiumBattery: 'UN3481', radioEquipment: true } };
    expect(ids(check(phone, 'US', [cert('UN38_3_TEST_SUMMARY')]).satisfied)).toContain('ALL-LIB-UN3481');
  });

  it('a product no rule touches is simply allowed', () => {
    expect(check(hoodie, 'SG')).toMatchObject({ status: 'allowed', blocks: [], conditions: [] });
  });
});

describe('certificates', () => {
  it('an expired certificate does not count, and the finding says why', () => {
    const expired = cert('FCC_CERTIFICATION', { number: 'FCC-2AB', expiry: '2026-01-31' });
    const r = check(speaker, 'US', [expired]);
    const fcc = r.conditions.find((c) => c.ruleId === 'US-FCC-RADIO')!;
    expect(fcc.certificateNotes?.[0].en).toMatch(/expired on 2026-01-31/);
    expect(fcc.certificateNotes?.[0].zh).toMatch(/过期/);
    // The same certificate still counts on a day before it expired.
    expect(ids(check(speaker, 'US', [expired], '2026-01-31').satisfied)).toContain('US-FCC-RADIO');
  });

  it('scope: a certificate for another market or other products does not count', () => {
    expect(ids(check(speaker, 'US', [cert('FCC_CERTIFICATION', { scope: { markets: ['CA'] } })]).conditions)).toContain('US-FCC-RADIO');
    expect(ids(check(speaker, 'US', [cert('FCC_CERTIFICATION', { scope: { hsPrefixes: ['8517'] } })]).conditions)).toContain('US-FCC-RADIO');
    expect(ids(check(speaker, 'US', [cert('FCC_CERTIFICATION', { scope: { markets: ['US'], hsPrefixes: ['8518'] } })]).satisfied)).toContain('US-FCC-RADIO');
  });

  it('a certificate is not valid before its issue date', () => {
    expect(ids(check(speaker, 'US', [cert('FCC_CERTIFICATION', { issuedAt: '2027-01-01' })]).conditions)).toContain('US-FCC-RADIO');
  });

  it('property: adding a certificate never makes a result worse', () => {
    const markets = ['EU', 'GB', 'US', 'CA', 'AU', 'JP', 'KR', 'SG'];
    const certTypes = [...new Set(rules.flatMap((s) => s.rules.flatMap((r) => (r.satisfiedBy ?? []).flat())))];
    const hsCodes = ['851822', '851713', '850760', '950300', '330410', '090230', '611020', '732393', '030617', '252400', '170410', '854340', '930200', '520512', '020130', '392410'];
    const arbProduct = fc.record({
      hsCode: fc.constantFrom(...hsCodes),
      originCountry: fc.constantFrom('CN', 'RU', 'IR', 'US', 'DE', 'KR'),
      attributes: fc.record(
        {
          lithiumBattery: fc.constantFrom('UN3480', 'UN3481', 'UN3090', 'UN3091'),
          liquid: fc.boolean(), magnet: fc.boolean(), powder: fc.boolean(), foodContact: fc.boolean(), cosmetic: fc.boolean(),
          medical: fc.boolean(), radioEquipment: fc.boolean(), childrens: fc.boolean(), electrical: fc.boolean(), food: fc.boolean(),
        },
        { requiredKeys: [] },
      ),
    }) as fc.Arbitrary<Product>;
    const arbCert = fc.record({
      type: fc.constantFrom(...certTypes),
      issuer: fc.constant('Lab'),
      number: fc.string({ minLength: 1, maxLength: 6 }),
      expiry: fc.option(fc.constantFrom('2025-06-30', '2026-11-20', '2026-11-21', '2028-01-01'), { nil: undefined }),
      scope: fc.option(fc.record({ markets: fc.subarray(markets, { minLength: 1 }) }), { nil: undefined }),
    }) as fc.Arbitrary<Certificate>;
    const rank = (r: MarketAccessResult) => ({ blocked: 0, allowed_with_conditions: 1, allowed: 2 })[r.status];
    fc.assert(
      fc.property(arbProduct, fc.constantFrom(...markets), fc.array(arbCert, { maxLength: 4 }), arbCert, (product, market, certs, extra) => {
        const before = check(product, market, certs);
        const after = check(product, market, [...certs, extra]);
        expect(rank(after)).toBeGreaterThanOrEqual(rank(before));
        // Open findings can only go away, never appear.
        expect(ids(before.blocks)).toEqual(expect.arrayContaining(ids(after.blocks)));
        expect(ids(before.conditions)).toEqual(expect.arrayContaining(ids(after.conditions)));
      }),
      { numRuns: 400 },
    );
  });
});

describe('rule versions', () => {
  const clone = (): MarketRuleSet[] => JSON.parse(JSON.stringify(rules));

  it('rules not yet in force, or no longer in force, do not apply', () => {
    const sets = clone();
    const us = sets.find((s) => s.market === 'US')!;
    us.rules.find((r) => r.id === 'US-CPSIA-CPC')!.effective_from = '2027-01-01';
    expect(ids(checkMarketAccess(toy, 'US', sets, { date: DATE }).conditions)).not.toContain('US-CPSIA-CPC');
    expect(ids(checkMarketAccess(toy, 'US', sets, { date: '2027-01-01' }).conditions)).toContain('US-CPSIA-CPC');
    us.rules.find((r) => r.id === 'US-FCC-RADIO')!.effective_to = '2026-01-01';
    expect(ids(checkMarketAccess(speaker, 'US', sets, { date: DATE }).conditions)).not.toContain('US-FCC-RADIO');
  });

  it('diffRuleSets finds added, removed and changed rules; needsRecheck picks the listings they touch', () => {
    const next = clone();
    const sg = next.find((s) => s.market === 'SG')!;
    sg.rules = sg.rules.filter((r) => r.id !== 'SG-CHEWING-GUM');
    const eu = next.find((s) => s.market === 'EU')!;
    const red = eu.rules.find((r) => r.id === 'EU-RED-CE')!;
    red.as_of = '2027-01-01';
    red.reason = { ...red.reason, en: red.reason.en + ' Updated.' };
    const kr = next.find((s) => s.market === 'KR')!;
    kr.rules.push({
      id: 'KR-TEST-MAGNET', kind: 'certification', effect: 'condition', match: [{ attributes: { magnet: true } }],
      satisfiedBy: [['KR_KC_CHILDREN']], reason: { en: 'Magnets', zh: '磁铁' }, source: 'test', as_of: '2027-01-01',
    });
    const d = diffRuleSets(rules, next);
    expect(d.removed.map((x) => x.rule.id)).toEqual(['SG-CHEWING-GUM']);
    expect(d.added.map((x) => x.rule.id)).toEqual(['KR-TEST-MAGNET']);
    expect(d.changed.map((c) => [c.id, c.fields])).toEqual([['EU-RED-CE', ['reason', 'as_of']]]);
    expect(d.markets).toEqual(['EU', 'KR', 'SG']);
    expect(needsRecheck(speaker, 'EU', d)).toBe(true);
    expect(needsRecheck(hoodie, 'EU', d)).toBe(false);
    expect(needsRecheck(speaker, 'US', d)).toBe(false);
    expect(needsRecheck({ hsCode: '170410', originCountry: 'US', attributes: {} }, 'SG', d)).toBe(true);
    expect(needsRecheck({ ...hoodie, attributes: { magnet: true } }, 'KR', d)).toBe(true);
    expect(diffRuleSets(rules, clone())).toMatchObject({ added: [], removed: [], changed: [], markets: [] });
  });
});

describe('attribute suggestions from the HS code', () => {
  const hints = loadAttributeHints();
  it('pre-fills flags that decide market-access rules, with reasons', () => {
    const phone = suggestAttributes('8517.13', hints);
    expect(phone.attributes).toMatchObject({ radioEquipment: true, electrical: true, lithiumBattery: 'UN3481' });
    expect(phone.reasons[0].zh).toMatch(/锂离子电池/);
    expect(suggestAttributes('850760', hints).attributes.lithiumBattery).toBe('UN3480');
    expect(suggestAttributes('950300', hints).attributes).toEqual({ childrens: true });
    expect(suggestAttributes('330410', hints).attributes.cosmetic).toBe(true);
    expect(suggestAttributes('090230', hints).attributes.food).toBe(true);
    expect(suggestAttributes('611020', hints)).toEqual({ attributes: {}, reasons: [] });
  });

  it('suggested flags feed straight into checkMarketAccess', () => {
    const product: Product = { hsCode: '851713', originCountry: 'CN', attributes: suggestAttributes('851713', hints).attributes };
    expect(ids(check(product, 'US').conditions)).toEqual(expect.arrayContaining(['US-FCC-RADIO', 'ALL-LIB-UN3481']));
  });
});

describe('rule HS prefixes exist in HS 2022', () => {
  it('every 2/4/6-digit prefix used by a rule or hint is a real HS 2022 code', async () => {
    const { readFileSync } = await import('node:fs');
    const csv = readFileSync(new URL('../../../data/hs/hs.csv', import.meta.url), 'utf8');
    const codes = new Set(csv.split('\n').slice(1).map((l) => l.split(',')[1]).filter(Boolean));
    const prefixes = rules.flatMap((s) => s.rules.flatMap((r) => r.match.flatMap((m) => [...(m.hsPrefixes ?? []), ...(m.excludeHsPrefixes ?? [])])));
    prefixes.push(...loadAttributeHints().hints.flatMap((h) => h.hsPrefixes));
    const unknown = prefixes.filter((p) => !codes.has(p));
    expect(unknown).toEqual([]);
  });
});
