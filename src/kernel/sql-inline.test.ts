import { PGlite } from '@electric-sql/pglite';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inlineParams, literal, splitPlaceholders } from './sql-inline.ts';

describe('placeholders', () => {
  it('finds $n outside quotes, identifiers, comments and dollar quotes', () => {
    const sql = `SELECT $1, '$2', E'it\\'s $3', "col$4", $5 -- $6\n /* $7 /* $8 */ */ $$ $9 $$, $tag$ $10 $tag$, $11::int, x$12`;
    expect(splitPlaceholders(sql).filter((p) => typeof p === 'number')).toEqual([0, 4, 10]);
  });

  it('names a missing parameter', () => {
    expect(() => inlineParams('SELECT $1, $2', ['a'])).toThrow(/\$2/);
  });

  it('refuses NUL, which no PostgreSQL text value can hold', () => {
    expect(() => literal('a\u0000b')).toThrow(/NUL/);
  });
});

// The inlined literal must mean exactly what the same value means as a real (extended-protocol) parameter.
describe('inlined literals read back as the parameter would', () => {
  let lite: PGlite;
  beforeAll(async () => { lite = await PGlite.create(); });
  afterAll(async () => { await lite.close(); });

  const viaParam = async (cast: string, v: unknown) => (await lite.query<{ v: unknown }>(`SELECT $1::${cast} AS v`, [v])).rows[0].v;
  const viaInline = async (cast: string, v: unknown) => ((await lite.exec(inlineParams(`SELECT $1::${cast} AS v`, [v])))[0].rows[0] as { v: unknown }).v;
  const same = (cast: string, arb: fc.Arbitrary<unknown>) =>
    fc.assert(fc.asyncProperty(arb, async (v) => { expect(await viaInline(cast, v)).toEqual(await viaParam(cast, v)); }), { numRuns: 150 });

  const text = fc.string({ unit: 'binary' }).filter((s) => !s.includes('\u0000'));
  const nasty = fc.stringMatching(/^[a-z'"\\$;\-/*{},\s]{0,30}$/);

  it('text, including quotes, backslashes, dollar signs and any Unicode', async () => {
    await same('text', fc.oneof(text, nasty));
  });
  it('text arrays, with NULLs, quotes and braces', async () => {
    await same('text[]', fc.array(fc.oneof(nasty, fc.constant(null)), { maxLength: 6 }));
  });
  it('jsonb documents', async () => {
    await same('jsonb', fc.jsonValue().map((j) => JSON.stringify(j)));
  });
  it('integers, numerics, booleans and timestamps', async () => {
    await same('int8', fc.integer());
    await same('numeric', fc.double({ noNaN: true, noDefaultInfinity: true }).map(String));
    await same('bool', fc.boolean());
    await same('timestamptz', fc.date({ min: new Date('1900-01-01'), max: new Date('2200-01-01'), noInvalidDate: true }));
  });
  it('bytea', async () => {
    await same('bytea', fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b)));
  });
  it('NULL', async () => {
    expect(await viaInline('text', null)).toBeNull();
    expect(await viaInline('text', undefined)).toBeNull();
  });
});
