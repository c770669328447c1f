import { describe, expect, it } from 'vitest';
import { checkPostcode, isIsoCountry, mapShopifyOrder, mapWooCommerceOrder, normaliseCountry, normalisePhone, validateAddress } from './index';
import { fixture } from './_fixtures';
import { loadPostcodeTable } from './load';

const table = loadPostcodeTable();

describe('data/address/postcodes.json', () => {
  it('carries source and as_of and covers at least 30 markets', () => {
    expect(table.source).toMatch(/libaddressinput/);
    expect(table.as_of).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(Object.keys(table.countries).length + table.no_postcode.length).toBeGreaterThanOrEqual(30);
  });
  it.each(Object.entries(table.countries))('%s: every example matches its own pattern, keys are ISO codes', (country, rule) => {
    expect(isIsoCountry(country)).toBe(true);
    for (const example of rule.example.split(', ')) expect(checkPostcode(country, example, table), example).toMatchObject({ ok: true });
  });
});

describe('checkPostcode', () => {
  it('accepts real postcodes in messy casing/spacing and rejects wrong shapes', () => {
    expect(checkPostcode('GB', ' ec1y  8sy ', table)).toEqual({ ok: true, normalised: 'EC1Y 8SY' });
    expect(checkPostcode('CA', 'K1A 0B1', table)).toMatchObject({ ok: true });
    expect(checkPostcode('CA', 'D1A 0B1', table)).toMatchObject({ ok: false, reason: 'pattern_mismatch' }); // D never starts a Canadian FSA
    expect(checkPostcode('US', '1234', table)).toMatchObject({ ok: false, reason: 'pattern_mismatch', expected: '95014, 22162-1010' });
    expect(checkPostcode('KR', '110-061', table)).toMatchObject({ ok: false }); // pre-2015 format
    expect(checkPostcode('NL', '1043 AG', table)).toMatchObject({ ok: true });
    expect(checkPostcode('DE', '', table)).toMatchObject({ ok: false, reason: 'missing' });
    expect(checkPostcode('HK', '', table)).toMatchObject({ ok: true });
    expect(checkPostcode('ZZ', '123', table)).toMatchObject({ ok: false, reason: 'unknown_country' });
    expect(checkPostcode('AD', 'AD500', table)).toMatchObject({ ok: false, reason: 'no_rule' });
  });
});

describe('country and phone', () => {
  it('normalises names, alpha-3 and case', () => {
    expect(normaliseCountry('United States')).toBe('US');
    expect(normaliseCountry('nld')).toBe('NL');
    expect(normaliseCountry('br')).toBe('BR');
    expect(normaliseCountry('Atlantis')).toBeNull();
    expect(isIsoCountry('UK')).toBe(false);
  });
  it('E.164 with default country; extension dropped; validity reported separately', () => {
    expect(normalisePhone('+1 480-386-0930 ext. 73824')).toMatchObject({ ok: true, e164: '+14803860930', valid: true });
    expect(normalisePhone('555-625-1199', 'US')).toMatchObject({ ok: true, e164: '+15556251199', valid: false });
    expect(normalisePhone('020 7946 0018', 'GB')).toMatchObject({ ok: true, e164: '+442079460018' });
    expect(normalisePhone('138 0013 8000', 'CN')).toMatchObject({ ok: true, e164: '+8613800138000', valid: true });
    expect(normalisePhone('12', 'US')).toMatchObject({ ok: false });
    expect(normalisePhone('', 'US')).toEqual({ ok: false, reason: 'empty' });
  });
});

describe('validateAddress on mapped fixture addresses', () => {
  it('the Shopify sample ship-to is complete but its 555 phone is not a real number', () => {
    const order = mapShopifyOrder(fixture('shopify/sdk-fixture.order.json'));
    expect(order.ok && validateAddress(order.value.shipTo!, table)).toEqual([{ field: 'phone', code: 'not_valid', message: 'phone +15556251199 is possible but not a valid number' }]);
  });
  it('the WooCommerce sample ship-to passes', () => {
    const order = mapWooCommerceOrder(fixture('woocommerce/order.retrieve.response.json'));
    expect(order.ok && validateAddress(order.value.shipTo!, table)).toEqual([]);
  });
  it('reports every problem', () => {
    expect(validateAddress({ name: '', line1: '', city: 'Berlin', postcode: '1011', country: 'DE', phone: '12' }, table).map((i) => [i.field, i.code])).toEqual([
      ['name', 'required'],
      ['line1', 'required'],
      ['postcode', 'pattern_mismatch'],
      ['phone', 'not_possible'],
    ]);
    expect(validateAddress({ name: 'A', line1: 'B', city: 'C', country: 'UK' }, table)).toMatchObject([{ field: 'country', code: 'not_iso' }]);
  });
});
