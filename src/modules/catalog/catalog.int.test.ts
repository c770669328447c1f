import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMarketRuleSets } from '../../engines/market-access/load.ts';
import { newParty, dbLabel, testRuntime, type Party, type TestRuntime } from '../../../test/helpers.ts';
import { identityModule } from '../identity/index.ts';
import { webhooksModule } from '../webhooks/index.ts';
import { catalogModule, checkSkusForMarket, checkSkuSetsForMarket, getSkus, notifyExpiringCertificates, recheckForRuleChange } from './index.ts';
import { catalogDemo } from './demo.ts';

const earbuds = (code = 'EB-1') => ({
  handle: `h-${code}`,
  brand: 'Lumen', origin_country: 'CN',
  content: { en: { title: 'Bluetooth wireless earbuds', bullets: ['BT 5.3'] }, 'zh-cn': { title: '蓝牙无线耳机' } },
  compliance: { radio_equipment: true, electrical: true, lithium_battery: 'UN3481' as const },
  skus: [{ code, hs_code: '8518.30', national_codes: { US: '8518.30.2000' }, weight: { value: '1.5', unit: 'oz' }, dimensions: { length: 2.5, width: 2, height: 1, unit: 'in' }, prices: { USD: 3499, EUR: 3299 } }],
});

describe(`catalogue (${dbLabel})`, () => {
  let rt: TestRuntime;
  let a: Party;
  let b: Party;
  const post = (p: Party, url: string, payload?: unknown, headers: Record<string, string> = {}) => rt.app.inject({ method: 'POST', url, headers: { ...p.headers, ...headers }, payload: payload as any });
  const get = (p: Party, url: string) => rt.app.inject({ method: 'GET', url, headers: p.headers });

  beforeAll(async () => {
    rt = await testRuntime({ modules: [identityModule, webhooksModule, catalogModule] });
    a = await newParty(rt, 'seller');
    b = await newParty(rt, 'seller');
  });
  afterAll(() => rt?.dispose());

  it('creates a product with SKUs; units normalised to g and mm; locale tags canonical; HS edition recorded', async () => {
    const res = await post(a, '/v1/catalog/products', earbuds('EB-1'));
    expect(res.statusCode, res.body).toBe(201);
    const p = res.json();
    expect(p.id).toMatch(/^prod_/);
    expect(Object.keys(p.content).sort()).toEqual(['en', 'zh-CN']);
    const sku = p.skus[0];
    expect(sku.id).toMatch(/^sku_/);
    expect(sku).toMatchObject({ code: 'EB-1', hs_code: '851830', hs_edition: 'HS 2022', weight_grams: 43, dims_mm: { l: 64, w: 51, h: 25 }, national_codes: { US: '8518302000' }, prices: { USD: 3499, EUR: 3299 } });
    expect(p.compliance).toMatchObject({ radio_equipment: true, lithium_battery: 'UN3481', food_contact: false });
    // audit + event
    const audit = await rt.db.one(`SELECT * FROM audit_log WHERE entity_id = $1 AND action = 'catalog.product.create'`, [p.id]);
    expect(audit.org_id).toBe(a.orgId);
    expect(await rt.db.maybeOne(`SELECT 1 FROM outbox WHERE type = 'catalog.product.created' AND entity_id = $1`, [p.id])).toBeTruthy();
  });

  it('SKU codes are unique per organisation (case-insensitive), not across organisations', async () => {
    const dup = await post(a, '/v1/catalog/products', earbuds('eb-1'));
    expect(dup.statusCode).toBe(400);
    expect(dup.json().errors).toContainEqual(expect.objectContaining({ field: 'skus.0.code' }));
    const other = await post(b, '/v1/catalog/products', earbuds('EB-1'));
    expect(other.statusCode).toBe(201);
  });

  it('rejects unknown HS codes, headings, impossible units, missing English title, bad locales, currencies and national codes — each as a field error', async () => {
    const res = await post(a, '/v1/catalog/products', {
      content: { 'xx-!!': { title: 'x' }, 'zh-CN': { title: '耳机' } },
      skus: [
        { code: 'BAD-1', hs_code: '999999', weight: { value: 2, unit: 'stone' }, prices: { XXY: 100 } },
        { code: 'BAD-2', hs_code: '8518', dimensions: { length: -1, width: 1, height: 1, unit: 'cm' } },
        { code: 'BAD-3', hs_code: '851830', national_codes: { US: '6110202020', ZZ: '1234' }, weight: { value: 50, unit: 'kg' }, prices: { USD: 12.5 } },
      ],
    });
    expect(res.statusCode).toBe(400);
    const errors = Object.fromEntries(res.json().errors.map((e: any) => [e.field, e.message]));
    expect(errors['content.en.title']).toMatch(/English title/);
    expect(errors['content.xx-!!']).toMatch(/BCP 47/);
    expect(errors['skus.0.hs_code']).toMatch(/999999 does not exist in HS 2022/);
    expect(errors['skus.0.weight']).toMatch(/unknown weight unit "stone"/);
    expect(errors['skus.0.prices.XXY']).toMatch(/ISO 4217/);
    expect(errors['skus.1.hs_code']).toMatch(/heading, not a declarable code/);
    expect(errors['skus.1.dimensions']).toMatch(/positive/);
    expect(errors['skus.2.national_codes.US']).toMatch(/starts with 611020/);
    expect(errors['skus.2.national_codes.ZZ']).toMatch(/No national code format/);
    expect(errors['skus.2.prices.USD']).toMatch(/integer/);
    expect(await rt.db.maybeOne(`SELECT 1 FROM catalog_skus WHERE code LIKE 'BAD-%'`)).toBeUndefined();
  });

  it('another organisation\'s product is a 404 everywhere', async () => {
    const p = (await post(a, '/v1/catalog/products', earbuds('EB-TEN'))).json();
    expect((await get(b, `/v1/catalog/products/${p.id}`)).statusCode).toBe(404);
    expect((await rt.app.inject({ method: 'PATCH', url: `/v1/catalog/products/${p.id}`, headers: b.headers, payload: { brand: 'x' } })).statusCode).toBe(404);
    expect((await post(b, `/v1/catalog/products/${p.id}/listings`, { market: 'EU' })).statusCode).toBe(404);
    expect((await rt.app.inject({ method: 'PATCH', url: `/v1/catalog/skus/${p.skus[0].id}`, headers: b.headers, payload: { hs_code: '851830' } })).statusCode).toBe(404);
    const own = await rt.app.inject({ method: 'PATCH', url: `/v1/catalog/skus/${p.skus[0].id}`, headers: a.headers, payload: { weight: { value: '0.1', unit: 'kg' }, dimensions: null } });
    expect(own.json()).toMatchObject({ weight_grams: 100, dims_mm: null, hs_code: '851830' });
    const badUnit = await rt.app.inject({ method: 'PATCH', url: `/v1/catalog/skus/${p.skus[0].id}`, headers: a.headers, payload: { dimensions: { length: 1, width: 1, height: 1, unit: 'ft' } } });
    expect(badUnit.json().errors[0]).toMatchObject({ field: 'dimensions', message: expect.stringMatching(/unknown length unit "ft"/) });
    const list = await get(b, '/v1/catalog/products?q=EB-TEN');
    expect(list.json().data).toEqual([]);
    expect((await getSkus(rt.db, b.orgId, ['EB-TEN'])).size).toBe(0);
  });

  it('listing needs en and zh-CN titles (a field error), then stores the check with rule ids, bilingual reasons and sources', async () => {
    const p = (await post(a, '/v1/catalog/products', { ...earbuds('EB-LIST'), content: { en: { title: 'Wireless earbuds' } } })).json();
    const refused = await post(a, `/v1/catalog/products/${p.id}/listings`, { market: 'EU' });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors).toEqual([expect.objectContaining({ field: 'content.zh-CN.title', message: expect.stringMatching(/Simplified Chinese/) })]);
    await rt.app.inject({ method: 'PATCH', url: `/v1/catalog/products/${p.id}`, headers: a.headers, payload: { content: { en: { title: 'Wireless earbuds' }, 'zh-CN': { title: '无线耳机' } } } });
    const listed = await post(a, `/v1/catalog/products/${p.id}/listings`, { market: 'eu' });
    expect(listed.statusCode, listed.body).toBe(201);
    const l = listed.json();
    expect(l.id).toMatch(/^lst_/);
    expect(l.status).toBe('allowed_with_conditions');
    expect(l.rule_ids).toEqual(expect.arrayContaining(['EU-RED-CE', 'EU-BATTERIES', 'ALL-LIB-UN3481']));
    const red = l.reasons.find((r: any) => r.rule_id === 'EU-RED-CE');
    expect(red.zh).toMatch(/[\u4e00-\u9fff]/);
    expect(red.source).toMatch(/2014\/53\/EU|eur-lex/i);
    // dropping the zh-CN title of a listed product is refused
    const drop = await rt.app.inject({ method: 'PATCH', url: `/v1/catalog/products/${p.id}`, headers: a.headers, payload: { content: { en: { title: 'Wireless earbuds' } } } });
    expect(drop.statusCode).toBe(400);
    expect(drop.json().errors[0].field).toBe('content.zh-CN.title');
    // a certificate discharges the RED condition: the listing is re-checked in the same transaction
    const cert = await post(a, `/v1/catalog/products/${p.id}/certificates`, { type: 'EU_DECLARATION_OF_CONFORMITY', issuer: 'Lab', number: 'DoC-1', markets: ['EU'], expiry: '2099-12-31' });
    expect(cert.statusCode, cert.body).toBe(201);
    const after = (await get(a, `/v1/catalog/products/${p.id}`)).json();
    const eu = after.listings.find((x: any) => x.market === 'EU');
    expect(eu.reasons.map((r: any) => r.rule_id)).not.toContain('EU-RED-CE');
    expect(eu.skus['EB-LIST'].satisfied.map((f: any) => f.ruleId)).toContain('EU-RED-CE');
    expect(after.certificates[0]).toMatchObject({ type: 'EU_DECLARATION_OF_CONFORMITY', markets: ['EU'], expiry: '2099-12-31' });
    // unknown market is a field error
    const bad = await post(a, `/v1/catalog/products/${p.id}/listings`, { market: 'ZZ' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('market');
  });

  it('a cosmetic is blocked in Japan without a marketing licence; the order hub check says so per SKU', async () => {
    const p = (await post(a, '/v1/catalog/products', {
      content: { en: { title: 'Lip gloss' }, 'zh-CN': { title: '唇彩' } }, origin_country: 'CN', compliance: { cosmetic: true, liquid: true },
      skus: [{ code: 'LIP-1', hs_code: '330410', weight: { value: 100, unit: 'g' }, prices: { JPY: 2200 } }],
    })).json();
    const jp = (await post(a, `/v1/catalog/products/${p.id}/listings`, { market: 'JP' })).json();
    expect(jp.status).toBe('blocked');
    expect(jp.rule_ids).toContain('JP-COSMETICS-LICENCE');
    const r = await checkSkusForMarket(rt.db, a.orgId, ['LIP-1', 'EB-1', 'NOPE'], 'JP');
    expect(r.status).toBe('blocked');
    expect(r.perSku['LIP-1'].status).toBe('blocked');
    expect(r.perSku['EB-1'].status).toBe('allowed_with_conditions'); // Giteki certification, battery transport
    expect(r.perSku.NOPE.blocks[0].ruleId).toBe('CATALOG-UNKNOWN-SKU');
    expect(r.reasons).toContainEqual(expect.stringMatching(/^LIP-1: \[JP-COSMETICS-LICENCE\]/));
    const skus = await getSkus(rt.db, a.orgId, ['lip-1', 'EB-1']);
    expect(skus.get('lip-1')).toMatchObject({ code: 'LIP-1', hsCode: '330410', title: { en: 'Lip gloss', 'zh-CN': '唇彩' }, originCountry: 'CN', weightGrams: 100, prices: { JPY: 2200 }, attributes: { cosmetic: true, liquid: true } });
    expect(skus.get('EB-1')!.dimsMm).toEqual({ l: 64, w: 51, h: 25 });
    await expect(checkSkusForMarket(rt.db, a.orgId, ['LIP-1'], 'XX')).rejects.toThrow(/Unknown market/);
    // many orders' SKU sets at once (order intake batches): each set answered exactly as alone
    const sets = [['EB-1'], ['LIP-1', 'EB-1', 'NOPE'], ['nope', 'eb-1'], ['EB-1', 'LIP-1']];
    const together = await checkSkuSetsForMarket(rt.db, a.orgId, sets, 'JP');
    for (let i = 0; i < sets.length; i++) expect(together[i]).toEqual(await checkSkusForMarket(rt.db, a.orgId, sets[i], 'JP'));
    expect(together.map((t) => t.status)).toEqual(['allowed_with_conditions', 'blocked', 'blocked', 'blocked']);
  });

  it('HS browse and search; classification assistant; confirmation audited with the suggestion it came from', async () => {
    const chapters = (await get(a, '/v1/catalog/hs')).json();
    expect(chapters.data.length).toBeGreaterThan(90);
    const h8518 = (await get(a, '/v1/catalog/hs?prefix=8518')).json();
    expect(h8518.data.map((n: any) => n.code)).toContain('851830');
    expect(h8518.path.map((n: any) => n.code)).toEqual(['85', '8518']);
    const found = (await get(a, '/v1/catalog/hs/search?q=' + encodeURIComponent('earphones headphones'))).json();
    expect(found.data.some((h: any) => h.code.startsWith('8518'))).toBe(true);
    const cls = await post(a, '/v1/catalog/classify', { title: '蓝牙无线耳机' });
    expect(cls.statusCode).toBe(201);
    const c = cls.json();
    expect(c.id).toMatch(/^cls_/);
    expect(c.headings[0].legal_text.length).toBeGreaterThan(10);
    const suggestion = c.suggestions.find((s: any) => s.code.startsWith('8518')) ?? c.suggestions[0];
    expect(suggestion.matched.length).toBeGreaterThan(0);
    const p = (await post(a, '/v1/catalog/products', { content: { en: { title: 'Earbuds' } }, skus: [{ code: 'EB-CLS' }] })).json();
    const notOffered = await post(a, `/v1/catalog/skus/${p.skus[0].id}/hs-confirmation`, { hs_code: '010121', classification_id: c.id });
    expect(notOffered.statusCode).toBe(400);
    const unknown = await post(a, `/v1/catalog/skus/${p.skus[0].id}/hs-confirmation`, { hs_code: '123456' });
    expect(unknown.statusCode).toBe(400);
    const ok = await post(a, `/v1/catalog/skus/${p.skus[0].id}/hs-confirmation`, { hs_code: suggestion.code, classification_id: c.id });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ hs_code: suggestion.code, hs_source: 'assistant', hs_edition: 'HS 2022' });
    const audit = await rt.db.one(`SELECT diff FROM audit_log WHERE entity_id = $1 AND action = 'catalog.sku.hs_confirm'`, [p.skus[0].id]);
    expect(audit.diff.suggestion[1]).toMatchObject({ classification_id: c.id, code: suggestion.code, rank: suggestion.rank });
    // another organisation cannot use this classification
    const pb = (await post(b, '/v1/catalog/products', { content: { en: { title: 'Earbuds' } }, skus: [{ code: 'EB-CLS-B' }] })).json();
    expect((await post(b, `/v1/catalog/skus/${pb.skus[0].id}/hs-confirmation`, { hs_code: suggestion.code, classification_id: c.id })).statusCode).toBe(404);
  });

  it('images are stored content-addressed under <dataDir>/documents and served only to the owner', async () => {
    const p = (await post(a, '/v1/catalog/products', { content: { en: { title: 'Lamp' } }, skus: [{ code: 'IMG-1' }] })).json();
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c626001000000ffff03000006000557bfabd40000000049454e44ae426082', 'hex');
    const up = await post(a, `/v1/catalog/products/${p.id}/images`, { filename: 'lamp.png', content_type: 'image/png', data_base64: png.toString('base64'), alt: 'lamp' });
    expect(up.statusCode, up.body).toBe(201);
    const doc = up.json();
    const { createHash } = await import('node:crypto');
    expect(doc.sha256).toBe(createHash('sha256').update(png).digest('hex'));
    const { existsSync } = await import('node:fs');
    expect(existsSync(`${rt.config.dataDir}/documents/${doc.sha256.slice(0, 2)}/${doc.sha256}`)).toBe(true);
    const served = await get(a, doc.url);
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('image/png');
    expect(served.rawPayload.equals(png)).toBe(true);
    expect((await get(b, doc.url)).statusCode).toBe(404);
    const lying = await post(a, `/v1/catalog/products/${p.id}/images`, { content_type: 'image/jpeg', data_base64: png.toString('base64') });
    expect(lying.statusCode).toBe(400);
    const notImage = await post(a, `/v1/catalog/products/${p.id}/images`, { content_type: 'image/png', data_base64: Buffer.from('hello').toString('base64') });
    expect(notImage.statusCode).toBe(400);
  });

  describe('CSV import', () => {
    const header = 'product_key,sku,title_en,title_zh-CN,description_en,brand,origin_country,hs_code,weight,weight_unit,length,width,height,dim_unit,price_USD,price_EUR,lithium_battery,radio_equipment,food_contact,available_from,option_colour';
    const goodRows = [
      'CSV-CASE,CSV-CASE-RED,Phone case,手机壳,"Slim case,\nwith a quoted newline",Lumen,CN,392690,30,g,16,8,1,cm,12.99,11.50,,no,no,46027,red',
      'CSV-CASE,CSV-CASE-BLU,Phone case,手机壳,"Slim case,\nwith a quoted newline",Lumen,CN,392690,30,g,16,8,1,cm,12.99,11.50,,no,no,46027,blue',
      'CSV-SPAT,CSV-SPAT-1,Silicone spatula,硅胶铲,,Lumen Home,CN,3924.10,0.35,kg,32,12,5,cm,18.99,,,,yes,2026/3/1,',
    ];
    const badRows = [
      'CSV-PB,CSV-PB-1,Power bank,移动电源,,Lumen,CN,999999,210,g,10,6,2,cm,25.99,,UN3480,no,no,,',
      'CSV-EB,CSV-EB-1,Earbuds,耳机,,Lumen,CN,851830,48,stone,6,4,3,cm,34.999,,UN9999,maybe,no,31/31/2026,',
    ];
    const importCsv = (body: string | Buffer, query = '', contentType = 'text/csv') =>
      rt.app.inject({ method: 'POST', url: `/v1/catalog/imports${query}`, headers: { ...a.headers, 'content-type': contentType }, payload: body });

    it('dry run reports every bad row with line and reason, and writes nothing', async () => {
      const csv = [header, ...goodRows, ...badRows].join('\n');
      const res = await importCsv(csv, '?dry_run=true');
      expect(res.statusCode).toBe(200);
      const r = res.json();
      expect(r.ok).toBe(false);
      expect(r.rows).toBe(5);
      // lines: header 1, two rows with a quoted newline take 2–3 and 4–5, spatula 6, power bank 7, earbuds 8
      const byLine = (line: number) => r.errors.filter((e: any) => e.line === line);
      expect(byLine(7)).toEqual([expect.objectContaining({ column: 'hs_code', sku: 'CSV-PB-1', message: expect.stringMatching(/999999 does not exist/) })]);
      const eb = byLine(8).map((e: any) => e.column).sort();
      expect(eb).toEqual(['available_from', 'lithium_battery', 'price_USD', 'radio_equipment', 'weight']);
      expect(r.errors.every((e: any) => e.line >= 7)).toBe(true);
      expect(await rt.db.maybeOne(`SELECT 1 FROM catalog_skus WHERE code LIKE 'CSV-%'`)).toBeUndefined();
    });

    it('a real run is all-or-nothing; after fixing the bad rows it imports, then re-import updates', async () => {
      const bad = await importCsv([header, ...goodRows, ...badRows].join('\r\n'));
      expect(bad.statusCode).toBe(422);
      expect(bad.json().report.errors.length).toBeGreaterThan(0);
      expect(await rt.db.maybeOne(`SELECT 1 FROM catalog_skus WHERE code LIKE 'CSV-%'`)).toBeUndefined();
      const fixed = [
        'CSV-PB,CSV-PB-1,Power bank,移动电源,,Lumen,CN,850760,210,g,10,6,2,cm,25.99,,UN3480,no,no,,',
        'CSV-EB,CSV-EB-1,Earbuds,耳机,,Lumen,CN,851830,1.7,oz,6,4,3,cm,34.99,,UN3481,yes,no,2026-01-31,',
      ];
      const ok = await importCsv([header, ...goodRows, ...fixed].join('\r\n'));
      expect(ok.statusCode, ok.body).toBe(201);
      expect(ok.json()).toMatchObject({ applied: true, products: { create: 4, update: 0 }, skus: { create: 5, update: 0 } });
      const skus = await getSkus(rt.db, a.orgId, ['CSV-CASE-RED', 'CSV-SPAT-1', 'CSV-EB-1']);
      expect(skus.get('CSV-CASE-RED')).toMatchObject({ hsCode: '392690', weightGrams: 30, dimsMm: { l: 160, w: 80, h: 10 }, prices: { USD: 1299, EUR: 1150 }, options: { colour: 'red' } });
      expect(skus.get('CSV-SPAT-1')).toMatchObject({ hsCode: '392410', weightGrams: 350, attributes: { foodContact: true } });
      expect(skus.get('CSV-EB-1')).toMatchObject({ weightGrams: 48, attributes: { radioEquipment: true, lithiumBattery: 'UN3481' } });
      const product = (await get(a, `/v1/catalog/products/${skus.get('CSV-CASE-RED')!.productId}`)).json();
      expect(product.skus).toHaveLength(2);
      expect(product.available_from).toBe('2026-01-05'); // Excel serial 46027
      expect(product.content.en.description).toBe('Slim case,\nwith a quoted newline');
      // re-import: same keys update instead of duplicating
      const again = await importCsv([header, goodRows[2].replace('18.99', '17.99').replace('0.35,kg', '0.4,kg').replace(',yes,2026', ',no,2026')].join('\n'));
      expect(again.json()).toMatchObject({ applied: true, products: { create: 0, update: 1 }, skus: { create: 0, update: 1 } });
      const updated = (await getSkus(rt.db, a.orgId, ['CSV-SPAT-1'])).get('CSV-SPAT-1')!;
      expect(updated).toMatchObject({ weightGrams: 400, prices: { USD: 1799 } });
      expect(updated.attributes.foodContact).toBeUndefined(); // "no" in the file clears the flag
    });

    it('partial mode writes the good products and lists the skipped ones', async () => {
      const res = await importCsv([header, goodRows[2].replace(/CSV-SPAT/g, 'CSV-PART'), badRows[0].replace(/CSV-PB/g, 'CSV-PART-BAD')].join('\n'), '?mode=partial');
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ applied: true, products: { create: 1 }, skipped_products: ['CSV-PART-BAD'] });
    });

    it('reads GBK, UTF-16 with BOM (tab separated, Excel "Unicode text") and UTF-8 with BOM; semicolons', async () => {
      const rows = (suffix: string, sep = ',') => [
        ['product_key', 'sku', 'title_en', 'title_zh-CN', 'hs_code', 'weight', 'weight_unit'].join(sep),
        [`ENC-${suffix}`, `ENC-${suffix}-1`, 'Desk lamp', '护眼台灯', '940521', '1.1', 'kg'].join(sep),
      ].join('\r\n');
      for (const [suffix, bytes, sep] of [
        ['GBK', iconv.encode(rows('GBK'), 'gbk'), ','],
        ['U16', Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(rows('U16', '\t'), 'utf-16le')]), '\t'],
        ['BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(rows('BOM', ';'))]), ';'],
      ] as const) {
        const res = await importCsv(bytes as Buffer);
        expect(res.statusCode, `${suffix}: ${res.body}`).toBe(201);
        expect(res.json().delimiter).toBe(sep === '\t' ? 'tab' : sep);
        const sku = (await getSkus(rt.db, a.orgId, [`ENC-${suffix}-1`])).get(`ENC-${suffix}-1`)!;
        expect(sku.title['zh-CN']).toBe('护眼台灯');
        expect(sku.weightGrams).toBe(1100);
      }
    });

    it('malformed CSV: unclosed quote, missing columns, header only', async () => {
      const unclosed = await importCsv(`${header}\n${goodRows[2]}\nX,Y,"unterminated,title\n`, '?dry_run=true');
      expect(unclosed.json().errors[0]).toMatchObject({ message: expect.stringMatching(/not valid CSV/) });
      const noSku = await importCsv('title_en,hs_code\nLamp,940521\n', '?dry_run=true');
      expect(noSku.json().errors[0]).toMatchObject({ line: 1, column: 'sku' });
      const headerOnly = await importCsv(`${header}\n`, '?dry_run=true');
      expect(headerOnly.json().errors[0].message).toMatch(/no rows/);
      const json = await importCsv(JSON.stringify({ csv: `${header}\n${goodRows[2]}` }), '?dry_run=true', 'application/json');
      expect(json.json()).toMatchObject({ ok: true, products: { update: 1 } }); // same handle: an update
    });

    it('a product key of an archived product is a row error, not a crash', async () => {
      const p = (await post(a, '/v1/catalog/products', { handle: 'CSV-ARCH', content: { en: { title: 'Old' } }, skus: [{ code: 'CSV-ARCH-OLD' }] })).json();
      await rt.app.inject({ method: 'DELETE', url: `/v1/catalog/products/${p.id}`, headers: a.headers });
      const res = await importCsv('product_key,sku,title_en\nCSV-ARCH,CSV-ARCH-NEW,New\n');
      expect(res.statusCode).toBe(422);
      expect(res.json().report.errors[0]).toMatchObject({ line: 2, column: 'product_key', message: expect.stringMatching(/archived/) });
    });

    it('export reads back through the import without errors', async () => {
      const exp = await get(a, '/v1/catalog/export');
      expect(exp.statusCode).toBe(200);
      expect(exp.headers['content-type']).toMatch(/text\/csv/);
      expect(exp.body.charCodeAt(0)).toBe(0xfeff);
      expect(exp.body).toContain('CSV-CASE-RED');
      const back = await importCsv(exp.rawPayload, '?dry_run=true');
      expect(back.json().errors).toEqual([]);
      expect(back.json().products.create).toBe(0);
    });
  });

  it('rule changes: only affected listings are re-checked and the seller is notified when a status changes', async () => {
    const p = (await post(a, '/v1/catalog/products', earbuds('EB-RULES'))).json();
    await post(a, `/v1/catalog/products/${p.id}/listings`, { market: 'GB' });
    const cosmetic = (await post(a, '/v1/catalog/products', { content: { en: { title: 'Brush' }, 'zh-CN': { title: '刷子' } }, origin_country: 'CN', skus: [{ code: 'BRUSH-R', hs_code: '960329' }] })).json();
    await post(a, `/v1/catalog/products/${cosmetic.id}/listings`, { market: 'GB' });
    await recheckForRuleChange(rt.db); // baseline: the shipped rules
    const rules = loadMarketRuleSets();
    const gb = rules.find((s) => s.market === 'GB')!;
    gb.rules.push({ id: 'GB-TEST-AUDIO-BAN', kind: 'prohibited', effect: 'block', match: [{ hsPrefixes: ['8518'] }], reason: { en: 'Test ban on audio equipment', zh: '测试：禁止音频设备' }, source: 'test', as_of: '2026-11-21' });
    const r = await recheckForRuleChange(rt.db, rules);
    expect(r.rules_added).toContain('GB:GB-TEST-AUDIO-BAN');
    expect(r.status_changed).toContainEqual(expect.objectContaining({ market: 'GB', from: 'allowed_with_conditions', to: 'blocked' }));
    expect(r.listings_checked).toBeLessThan(r.listings_active); // the brush listing was not touched
    const ev = await rt.db.one(`SELECT * FROM outbox WHERE type = 'catalog.listing.status_changed' AND org_id = $1 AND payload->>'to' = 'blocked'`, [a.orgId]);
    expect(ev.payload.rule_ids).toContain('GB-TEST-AUDIO-BAN');
    expect((await checkSkusForMarket(rt.db, a.orgId, ['EB-RULES'], 'GB')).status).toBe('blocked');
    // back to the shipped rules
    const back = await recheckForRuleChange(rt.db, loadMarketRuleSets());
    expect(back.rules_removed).toContain('GB:GB-TEST-AUDIO-BAN');
    expect((await checkSkusForMarket(rt.db, a.orgId, ['EB-RULES'], 'GB')).status).toBe('allowed_with_conditions');
  });

  it('certificate expiry: one notice per certificate, 30 days ahead', async () => {
    const p = (await post(a, '/v1/catalog/products', earbuds('EB-EXP'))).json();
    const soon = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    const later = new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10);
    const c1 = (await post(a, `/v1/catalog/products/${p.id}/certificates`, { type: 'FCC_CERTIFICATION', issuer: 'TCB', number: 'FCC-1', markets: ['US'], expiry: soon })).json();
    await post(a, `/v1/catalog/products/${p.id}/certificates`, { type: 'UN38_3_TEST_SUMMARY', issuer: 'Lab', number: 'UN-1', expiry: later });
    const first = await notifyExpiringCertificates(rt.db);
    expect(first).toContain(c1.id);
    expect(await notifyExpiringCertificates(rt.db)).not.toContain(c1.id);
    const events = await rt.db.query(`SELECT payload FROM outbox WHERE type = 'catalog.certificate.expiring' AND entity_id = $1`, [c1.id]);
    expect(events).toHaveLength(1);
    expect(events[0].payload).toMatchObject({ number: 'FCC-1', days_left: 10, expiry: soon });
    // in 70 days the second certificate comes within 30 days
    const inSeventy = await notifyExpiringCertificates(rt.db, new Date(Date.now() + 70 * 86_400_000));
    expect(inSeventy.length).toBe(1);
    // the daily job is queued
    expect(await rt.db.maybeOne(`SELECT 1 FROM jobs WHERE kind = 'catalog.certificates.expiry_scan'`)).toBeTruthy();
  });

  it('publishes its routes in OpenAPI with their permissions', async () => {
    const doc = (await rt.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(doc.paths['/v1/catalog/products'].post['x-permission']).toBe('catalog:write');
    expect(doc.paths['/v1/catalog/classify'].post.requestBody.content['application/json'].schema.required).toContain('title');
    expect(doc.paths['/v1/catalog/skus/{id}/hs-confirmation']).toBeTruthy();
  });

  it('demo data: realistic products with listings allowed, with conditions and blocked', async () => {
    const demo = await newParty(rt, 'seller', 'Demo seller');
    await catalogDemo(rt, { seller: { orgId: demo.orgId, userId: demo.userId, email: demo.email, password: demo.password, name: 'Demo' } });
    const matrix = (await get(demo, '/v1/catalog/compliance-matrix')).json();
    expect(matrix.data.length).toBeGreaterThanOrEqual(10);
    const statuses = new Set(matrix.data.flatMap((r: any) => Object.values(r.markets).filter(Boolean).map((c: any) => c.status)));
    expect([...statuses].sort()).toEqual(['allowed', 'allowed_with_conditions', 'blocked']);
    const lip = matrix.data.find((r: any) => r.handle === 'LM-BEAUTY-LIP6');
    expect(lip.markets.JP.status).toBe('blocked');
    expect(await notifyExpiringCertificates(rt.db)).toHaveLength(1); // the earbuds' EU DoC
  });
});
