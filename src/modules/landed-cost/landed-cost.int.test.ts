// Landed-cost module over HTTP on PGlite and (TEST_DATABASE_URL) PostgreSQL.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../demo.ts';
import { systemContext } from '../../kernel/context.ts';
import { DEFAULT_DATA_DIR } from '../../engines/landed-cost/index.ts';
import { dbLabel, newParty, testRuntime, type Party, type TestRuntime } from '../../../test/helpers.ts';
import { catalogModule } from '../catalog/index.ts';
import { createApiKey, identityModule } from '../identity/index.ts';
import { landedCostCli } from './cli.ts';
import { landedCostModule } from './index.ts';
import { readFileSync } from 'node:fs';

const examples: { id: string; inputs: any; expected: any }[] = JSON.parse(readFileSync(join(DEFAULT_DATA_DIR, 'tax/worked-examples.json'), 'utf8')).examples;
const ex = (id: string) => examples.find((e) => e.id === id)!;
const cents = (v: number) => Math.round(v * 100);

describe(`landed-cost API (${dbLabel})`, () => {
  let rt: TestRuntime;
  let a: Party;
  let b: Party;
  let demoSeller: Record<string, string>;
  const post = (p: Party | Record<string, string>, payload: unknown, extra: Record<string, string> = {}) =>
    rt.app.inject({ method: 'POST', url: '/v1/landed-cost/quotes', headers: { ...('headers' in p ? (p as Party).headers : p), ...extra }, payload: payload as any });
  const get = (p: Party | Record<string, string>, url: string) => rt.app.inject({ method: 'GET', url, headers: 'headers' in p ? (p as Party).headers : p });

  beforeAll(async () => {
    rt = await testRuntime({ modules: [identityModule, catalogModule, landedCostModule] });
    const orgs = await seedDemo(rt, rt.modules);
    const key = await rt.db.transaction((tx) => createApiKey(tx, systemContext(orgs.seller.orgId, 'seller', 'test'), { name: 'lc test', scopes: ['landed_cost:admin', 'catalog:read'] }));
    demoSeller = { authorization: `Bearer ${(key as any).key}` };
    a = await newParty(rt, 'seller', 'Quote Seller A');
    b = await newParty(rt, 'seller', 'Quote Seller B');
  }, 120_000);
  afterAll(() => rt?.dispose());

  const au2 = () => {
    const { inputs } = ex('AU-2');
    return {
      destination_country: 'AU', origin_country: 'US', date: '2011-01-01', sale_currency: 'USD', incoterm: 'DAP', fx_snapshot_id: 'au-2-example',
      shipping: cents(inputs.postage_and_insurance),
      lines: [{ hs_code: '851840', quantity: 1, unit_value: cents(inputs.goods_price), duty_rate_override: { ad_valorem_pct: inputs.duty_rate_pct, reason: 'ABF example' } }],
    };
  };

  describe('worked examples through the API, to the cent', () => {
    it('AU-2 (USD sale, FX snapshot seeded from data/fx, duty 5%, GST on VoTI)', async () => {
      const r = await post(a, au2());
      expect(r.statusCode, r.body).toBe(201);
      const { id, quote } = r.json();
      const e = ex('AU-2').expected;
      expect(id).toMatch(/^lcq_/);
      expect(quote.fx.snapshotId).toBe('au-2-example');
      expect(quote.lines[0].customsValue.amount).toBe(cents(e.customs_value_aud));
      expect(quote.lines[0].transportShare).toBe(cents(e.postage_and_insurance_aud));
      expect(quote.totals.duty).toBe(cents(e.duty_aud));
      expect(quote.lines[0].tax.base.total).toBe(cents(e.voti_aud));
      expect(quote.totals.tax).toBe(cents(e.gst_aud));
      expect(quote.totals.importCharges).toBe(cents(e.total_payable_aud));
    });
    it('EU-LVC-2 (IOSS, VAT on goods and on transport)', async () => {
      const { inputs, expected: e } = ex('EU-LVC-2');
      const r = await post(a, {
        destination_country: 'FR', origin_country: 'CN', date: '2021-07-01', sale_currency: 'EUR', incoterm: 'DDP', registrations: { EU_IOSS: 'IM2500000000' },
        shipping: cents(inputs.lines[1].price), lines: [{ hs_code: '6201.40', national_extension: '00', quantity: 1, unit_value: cents(inputs.lines[0].price) }],
      });
      expect(r.statusCode, r.body).toBe(201);
      const q = r.json().quote;
      expect(q.intrinsicValue).toBe(cents(e.intrinsic_value));
      expect([q.lines[0].tax.onGoods, q.lines[0].tax.onTransport]).toEqual(e.vat_per_line.map(cents));
      expect(q.totals.tax).toBe(cents(e.vat_total));
      expect(q.totals.payableAtCheckout).toBe(cents(e.invoice_total));
      expect(q.taxCollection.when).toBe('checkout');
    });
  });

  describe('stored quotes', () => {
    it('are retrievable with the full explanation and listed with cursor pagination', async () => {
      const created = (await post(a, au2())).json();
      const r = await get(a, `/v1/landed-cost/quotes/${created.id}`);
      expect(r.statusCode).toBe(200);
      const stored = r.json();
      expect(stored.quote).toEqual(created.quote);
      expect(stored.input).toMatchObject({ destination_country: 'AU', fx_snapshot_id: 'au-2-example' });
      const tax = stored.quote.lines[0].tax.explanation;
      expect(tax.ruleId).toBeTruthy();
      expect(tax.source).toBeTruthy();
      expect(tax.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(tax.rate).toBe('10%');
      for (const c of stored.quote.lines[0].duty.components) expect(c.explanation.ruleId).toBeTruthy();

      const page1 = (await get(a, '/v1/landed-cost/quotes?limit=1')).json();
      expect(page1.data).toHaveLength(1);
      expect(page1.data[0].id).toBe(created.id);
      expect(page1.next_cursor).toBe(created.id);
      const page2 = (await get(a, `/v1/landed-cost/quotes?limit=50&cursor=${page1.next_cursor}`)).json();
      expect(page2.data.length).toBeGreaterThanOrEqual(2);
      expect(page2.data.every((q: any) => q.id < created.id)).toBe(true);
      expect(page2.data).toContainEqual(expect.objectContaining({ market: 'AU', sale_currency: 'USD', destination_currency: 'AUD', import_charges: expect.any(Number) }));
    });
    it('Idempotency-Key replays the first quote', async () => {
      const headers = { 'idempotency-key': 'lc-' + Date.now() };
      const first = await post(a, au2(), headers);
      const second = await post(a, au2(), headers);
      expect(second.headers['idempotent-replayed']).toBe('true');
      expect(second.json().id).toBe(first.json().id);
    });
    it('another organisation gets 404 and does not see it in its list', async () => {
      const created = (await post(a, au2())).json();
      const r = await get(b, `/v1/landed-cost/quotes/${created.id}`);
      expect(r.statusCode).toBe(404);
      expect(r.json().type).toMatch(/not_found$/);
      const list = (await get(b, '/v1/landed-cost/quotes')).json();
      expect(list.data.map((q: any) => q.id)).not.toContain(created.id);
    });
    it('another module can quote inside its own transaction', async () => {
      const { quote } = await import('./index.ts');
      const q = await rt.db.transaction((tx) => quote(tx, systemContext(a.orgId, 'seller', 'checkout'), { ...au2(), reference: 'chk_test' }));
      expect(q.reference).toBe('chk_test');
      expect((await get(a, `/v1/landed-cost/quotes/${q.id}`)).json().quote.totals.importCharges).toBe(cents(ex('AU-2').expected.total_payable_aud));
    });
  });

  describe('bad input → 400 naming the field, nothing stored', () => {
    const eu = (over: Record<string, unknown> = {}, line: Record<string, unknown> = {}) => ({
      destination_country: 'DE', origin_country: 'CN', date: '2026-11-21', sale_currency: 'EUR', incoterm: 'DDP',
      lines: [{ hs_code: '61091000', quantity: 1, unit_value: 1500, ...line }], ...over,
    });
    const cases: [string, () => unknown, string, RegExp?][] = [
      ['unknown HS code', () => eu({}, { hs_code: '9999999999' }), 'lines.0.hs_code'],
      ['unknown market', () => eu({ destination_country: 'ZZ' }), 'destination_country', /ZZ/],
      ['FX snapshot without the needed rate', () => eu({ destination_country: 'AU', sale_currency: 'USD', fx_snapshot_id: 'ca-1-example', date: '2014-01-01' }, { duty_rate_override: { ad_valorem_pct: 5, reason: 'test' } }), 'fx_snapshot_id', /AUD/],
      ['no FX snapshot at all for the date', () => eu({ sale_currency: 'USD', fx_date: '1999-01-01' }), 'fx_date', /FX snapshot/],
      ['unknown FX snapshot id', () => eu({ sale_currency: 'USD', fx_snapshot_id: 'ecb-1800-01-01' }), 'fx_snapshot_id', /unknown/],
      ['negative unit value', () => eu({}, { unit_value: -100 }), 'lines.0.unit_value', /negative/],
      ['negative shipping', () => eu({ shipping: -1 }), 'shipping'],
      ['fractional minor units', () => eu({}, { unit_value: 12.5 }), 'lines.0.unit_value', /integer/],
      ['mixed currencies', () => ({ ...eu(), lines: [{ hs_code: '61091000', quantity: 1, unit_value: 1500, currency: 'EUR' }, { hs_code: '61091000', quantity: 1, unit_value: 900, currency: 'USD' }] }), 'lines.1.currency', /EUR/],
      ['missing duty rate where the market has no tariff', () => ({ ...eu({ destination_country: 'AU', sale_currency: 'AUD' }) }), 'lines.0.duty_rate_override'],
      ['unknown field', () => eu({ colour: 'red' }), 'colour'],
    ];
    for (const [name, body, field, message] of cases) {
      it(name, async () => {
        const before = await rt.db.one(`SELECT count(*)::int AS n FROM landed_cost_quotes WHERE org_id = $1`, [a.orgId]);
        const r = await post(a, body());
        expect(r.statusCode, r.body).toBe(400);
        expect(r.headers['content-type']).toContain('application/problem+json');
        const errors = r.json().errors as { field: string; message: string }[];
        expect(errors.map((e) => e.field).join(' ')).toContain(field);
        if (message) expect(errors.find((e) => e.field.includes(field))!.message).toMatch(message);
        const after = await rt.db.one(`SELECT count(*)::int AS n FROM landed_cost_quotes WHERE org_id = $1`, [a.orgId]);
        expect(after.n).toBe(before.n);
      });
    }
  });

  describe('FX snapshots, markets and tariff data', () => {
    it('bundled snapshots are seeded and listed; ECB import via the CLI adds snapshots a quote then uses', async () => {
      const seeded = (await get(a, '/v1/landed-cost/fx-snapshots')).json();
      expect(seeded.data.map((s: any) => s.id)).toEqual(expect.arrayContaining(['au-2-example', 'ca-1-example']));
      const dir = mkdtempSync(join(tmpdir(), 'lc-fx-'));
      const file = join(dir, 'eurofxref-hist.csv');
      writeFileSync(file, 'Date,USD,JPY,GBP,AUD,\n2026-11-20,1.0850,162.40,0.8650,1.6500,\n2026-11-19,1.0800,161.90,0.8640,1.6450,\n');
      await landedCostCli['fx import'].run(rt, [file]);
      const list = (await get(a, '/v1/landed-cost/fx-snapshots?limit=1')).json();
      expect(list.data[0]).toMatchObject({ id: 'ecb-2026-11-20', base: 'EUR', date: '2026-11-20' });
      expect(list.next_cursor).toBe('2026-11-20|ecb-2026-11-20');
      expect((await get(a, `/v1/landed-cost/fx-snapshots?limit=1&cursor=${encodeURIComponent(list.next_cursor)}`)).json().data[0].id).toBe('ecb-2026-11-19');
      // USD sale into Germany on 2026-11-21: the newest snapshot on or before the date is used
      const r = await post(a, { destination_country: 'DE', origin_country: 'CN', date: '2026-11-21', sale_currency: 'USD', incoterm: 'DAP', lines: [{ hs_code: '61091000', quantity: 1, unit_value: 20000 }] });
      expect(r.statusCode, r.body).toBe(201);
      expect(r.json().quote.fx).toMatchObject({ snapshotId: 'ecb-2026-11-20' });
      // 200.00 USD / 1.0850 = 184.33 EUR (half-up)
      expect(r.json().quote.lines[0].goodsValue).toBe(18433);
    });
    it('markets list the data source and as-of date of every market', async () => {
      const m = (await get(a, '/v1/landed-cost/markets')).json();
      const us = m.markets.find((x: any) => x.market === 'US');
      expect(us.tariff).toMatchObject({ id: 'us-hts-2026-rev10', as_of: '2026-06-08' });
      expect(us.tariff.age_days).toBeGreaterThan(0);
      const eu = m.markets.find((x: any) => x.market === 'EU');
      expect(eu.countries).toContain('DE');
      expect(eu.tariff.as_of.slice(0, 4)).toBe('2020'); // stale table is visible
      expect(m.markets.find((x: any) => x.market === 'AU').tariff).toBeNull();
      expect(m.rules.compiled).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(m.latest_fx_snapshot).toBeTruthy();
    });
    it('tariff import records the file version, and a bad file is rejected', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'lc-tariff-'));
      const file = join(dir, 'hts.json');
      writeFileSync(file, JSON.stringify([
        { htsno: '6109', indent: 0, description: 'T-shirts', general: '', special: '', other: '' },
        { htsno: '6109.10.00', indent: 1, description: 'Of cotton', general: '16.5%', special: 'Free (AU,BH)', other: '90%' },
        { htsno: '6109.10.00.12', indent: 2, description: 'Men\'s', units: ['doz.', 'kg'] },
      ]));
      await landedCostCli['tariff import'].run(rt, ['usitc-hts-json', file, '--edition', 'HTS test edition', '--as-of', '2026-11-01']);
      const m = (await get(a, '/v1/landed-cost/markets')).json();
      expect(m.tariff_imports[0]).toMatchObject({ market: 'US', edition: 'HTS test edition', as_of: '2026-11-01', file_name: 'hts.json', lines: 2 });
      writeFileSync(file, '{"not": "an array"}');
      await expect(landedCostCli['tariff import'].run(rt, ['usitc-hts-json', file])).rejects.toThrow(/array/);
    });
  });

  describe('demo data and margins', () => {
    it('the demo seller has the four demo quotes', async () => {
      const list = (await get(demoSeller, '/v1/landed-cost/quotes')).json();
      expect(list.data.map((q: any) => q.market).sort()).toEqual(['AU', 'EU', 'GB', 'US']);
      const us = list.data.find((q: any) => q.market === 'US');
      const full = (await get(demoSeller, `/v1/landed-cost/quotes/${us.id}`)).json().quote;
      expect(full.deMinimis.duty.applies).toBe(false); // USD 800 de minimis suspended
      expect(full.totals.duty).toBeGreaterThan(0);
    });
    it('margin per catalogue SKU = price − import charges − shipping; unknown SKUs carry an error', async () => {
      const r = await get(demoSeller, '/v1/landed-cost/margins?market=DE&skus=LM-CASE-IP15-CLR,LM-EB-P2-WHT,NO-SUCH-SKU&shipping=300&registrations=EU_IOSS&date=2026-11-21');
      expect(r.statusCode, r.body).toBe(200);
      const body = r.json();
      expect(body.currency).toBe('EUR');
      const [cas, buds, none] = body.data;
      for (const row of [cas, buds]) {
        expect(row.error).toBeUndefined();
        expect(row.margin).toBe(row.price - row.duty - row.tax - row.fees - 300);
        expect(row.tax).toBeGreaterThan(0);
        expect(row.explanation.tax.source).toBeTruthy();
      }
      expect(cas.price).toBe(1199);
      expect(none.error.field).toBe('skus');
      const bad = await get(demoSeller, '/v1/landed-cost/margins?market=ZZ&skus=LM-CASE-IP15-CLR');
      expect(bad.statusCode).toBe(400);
      expect(bad.json().errors[0].field).toBe('query.market');
    });
  });
});
