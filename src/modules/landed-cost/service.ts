import { createHash } from 'node:crypto';
import type { AuthContext } from '../../kernel/context.ts';
import type { Executor } from '../../kernel/db.ts';
import { AppError, notFound, validationError, type FieldError } from '../../kernel/errors.ts';
import { newId } from '../../kernel/ids.ts';
import { toPage } from '../../kernel/pagination.ts';
import {
  compileLandedCostData, importFxRates, importTariffFile, LandedCostInputError, quoteLandedCost, supportedMarkets,
  type FxSnapshot, type LandedCostInput, type LandedCostQuote, type TariffFileFormat,
} from '../../engines/landed-cost/index.ts';
import { getSkus } from '../catalog/index.ts';
import { bundledFxSnapshots, currentData, rawWithTariff } from './data.ts';
import { quoteInputSchema, type MarginsQuery, type QuoteInput } from './inputs.ts';

const today = () => new Date().toISOString().slice(0, 10);
const dateText = (d: unknown) => (d instanceof Date ? d.toISOString().slice(0, 10) : String(d).slice(0, 10));

/** Engine field path ("lines[0].hsCode", "fx.rates.USD") → the API's field name ("lines.0.hs_code", "fx_snapshot_id"). */
export function apiField(engineField: string, fxField = 'fx_snapshot_id'): string {
  if (engineField === 'fx' || engineField.startsWith('fx.')) return fxField;
  const renamed: Record<string, string> = { unitValue: 'unit_value', hsCode: 'hs_code', adValoremPct: 'ad_valorem_pct' };
  return engineField
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .map((p) => renamed[p] ?? p.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase()))
    .join('.');
}

function parseInput(input: unknown): ReturnType<typeof quoteInputSchema.parse> {
  const r = quoteInputSchema.safeParse(input);
  if (r.success) return r.data;
  const errors = r.error.issues.map((i) => ({ field: i.path.map(String).join('.') || '(body)', message: i.message }));
  throw validationError(errors, `Invalid quote input: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
}

// FX snapshots are immutable once stored; the engine caches its plans by snapshot object, so one
// object per id is kept for the life of the process.
const fxObjects = new Map<string, FxSnapshot>();
function fxObject(row: any): FxSnapshot {
  let s = fxObjects.get(row.id);
  if (!s) {
    s = Object.freeze({ id: row.id, source: row.source, date: dateText(row.date), base: row.base, rates: Object.freeze({ ...row.rates }) }) as FxSnapshot;
    fxObjects.set(row.id, s);
  }
  return s;
}

/** The snapshot named by id, or the newest on or before `date` (none stored: undefined, and the engine says which rate is missing). */
export async function resolveFx(tx: Executor, opts: { id?: string; date: string }): Promise<FxSnapshot | undefined> {
  if (opts.id) {
    const cached = fxObjects.get(opts.id);
    if (cached) return cached;
    const row = await tx.maybeOne(`SELECT id, source, date, base, rates FROM fx_snapshots WHERE id = $1`, [opts.id]);
    if (!row) throw validationError([{ field: 'fx_snapshot_id', message: `unknown FX snapshot "${opts.id}"` }], `FX snapshot ${opts.id} was not found`);
    return fxObject(row);
  }
  const row = await tx.maybeOne(`SELECT id, source, date, base, rates FROM fx_snapshots WHERE date <= $1 ORDER BY date DESC, id LIMIT 1`, [opts.date]);
  return row ? fxObject(row) : undefined;
}

/** API input → engine input. Rejects mixed currencies: every amount of a quote is in sale_currency. */
export function toEngineInput(p: ReturnType<typeof quoteInputSchema.parse>, date: string, fx: FxSnapshot | undefined): LandedCostInput {
  const errors: FieldError[] = [];
  p.lines.forEach((l, i) => {
    if (l.currency && l.currency !== p.sale_currency) errors.push({ field: `lines.${i}.currency`, message: `all amounts of a quote must be in sale_currency ${p.sale_currency}; this line is in ${l.currency} (convert it first or quote it separately)` });
    if (l.national_extension && l.hs_code.replace(/[. ]/g, '').length !== 6) errors.push({ field: `lines.${i}.national_extension`, message: 'give national_extension only with a 6-digit hs_code' });
  });
  if (errors.length) throw validationError(errors, errors.map((e) => `${e.field}: ${e.message}`).join('; '));
  return {
    destinationCountry: p.destination_country,
    ...(p.destination_subdivision ? { destinationSubdivision: p.destination_subdivision } : {}),
    originCountry: p.origin_country,
    ...(p.ship_from_country ? { shipFromCountry: p.ship_from_country } : {}),
    date,
    saleCurrency: p.sale_currency,
    lines: p.lines.map((l) => ({
      hsCode: l.hs_code.replace(/[. ]/g, '') + (l.national_extension ?? ''),
      ...(l.description ? { description: l.description } : {}),
      quantity: l.quantity,
      unitValue: l.unit_value,
      ...(l.unit_weight_kg !== undefined ? { unitWeightKg: l.unit_weight_kg } : {}),
      ...(l.unit_volume_litres !== undefined ? { unitVolumeLitres: l.unit_volume_litres } : {}),
      ...(l.origin_country ? { originCountry: l.origin_country } : {}),
      ...(l.preferential_origin_claim ? { preferentialOriginClaim: true } : {}),
      ...(l.duty_rate_override ? { dutyRateOverride: { adValoremPct: l.duty_rate_override.ad_valorem_pct, reason: l.duty_rate_override.reason } } : {}),
      ...(l.tax_rate_pct !== undefined ? { taxRatePct: l.tax_rate_pct } : {}),
      ...(l.duty_surcharge_pct !== undefined ? { dutySurchargePct: l.duty_surcharge_pct } : {}),
    })),
    ...(p.shipping !== undefined ? { shipping: p.shipping } : {}),
    ...(p.insurance !== undefined ? { insurance: p.insurance } : {}),
    incoterm: p.incoterm,
    ...(p.transport_mode ? { transportMode: p.transport_mode } : {}),
    ...(p.buyer_type ? { buyerType: p.buyer_type } : {}),
    ...(p.registrations ? { registrations: p.registrations } : {}),
    ...(p.marketplace ? { marketplace: true } : {}),
    ...(fx ? { fx } : {}),
    ...(p.us_postal_ieepa_rate_pct !== undefined ? { usPostalIeepaRatePct: p.us_postal_ieepa_rate_pct } : {}),
  };
}

/** An engine input error as a 400 problem naming the API field; anything else is rethrown as is. */
function asProblem(err: unknown, fxField: string): unknown {
  if (!(err instanceof LandedCostInputError)) return err;
  const field = apiField(err.field, fxField);
  const message = err.message.startsWith(err.field + ': ') ? err.message.slice(err.field.length + 2) : err.message;
  return validationError([{ field, message }], `${field}: ${message}`);
}

const needsFx = (err: unknown) => err instanceof LandedCostInputError && (err.field === 'fx' || err.field.startsWith('fx.'));

/** Run the engine; its input errors become 400 problems naming the API field. */
function runEngine(data: Parameters<typeof quoteLandedCost>[0], input: LandedCostInput, fxField: string): LandedCostQuote {
  try {
    return quoteLandedCost(data, input);
  } catch (err) {
    throw asProblem(err, fxField);
  }
}

export interface StoredQuote {
  id: string;
  object: 'landed_cost_quote';
  reference: string | null;
  created_at: string;
  input: Record<string, unknown>;
  quote: LandedCostQuote;
}

const toStored = (r: any): StoredQuote => ({
  id: r.id, object: 'landed_cost_quote', reference: r.reference, created_at: r.created_at instanceof Date ? r.created_at.toISOString() : r.created_at, input: r.input, quote: r.result,
});

/**
 * Quote the landed cost of one consignment and store it (lcq_… id) with the engine's full
 * explanation. Called by POST /v1/landed-cost/quotes and by other modules (checkout, order intake)
 * inside their transaction. Bad input throws a 400 AppError whose `errors[0].field` names the field.
 */
export async function quote(tx: Executor, ctx: AuthContext, input: QuoteInput | unknown): Promise<StoredQuote> {
  const p = parseInput(input);
  const date = p.date ?? today();
  const { data } = await currentData(tx);
  const fxField = p.fx_snapshot_id ? 'fx_snapshot_id' : p.fx_date ? 'fx_date' : 'fx_snapshot_id';
  let result: LandedCostQuote;
  if (p.fx_snapshot_id || p.fx_date) {
    const fx = await resolveFx(tx, { id: p.fx_snapshot_id, date: p.fx_date ?? date });
    result = runEngine(data, toEngineInput(p, date, fx), fxField);
  } else {
    // No snapshot named: most quotes need no conversion (sale currency = destination currency and
    // thresholds in it), so the engine runs first without FX (microseconds); only when it asks for
    // a rate is the newest snapshot on or before the quote date read and the quote run again.
    const engineInput = toEngineInput(p, date, undefined);
    try {
      result = quoteLandedCost(data, engineInput);
    } catch (err) {
      if (!needsFx(err)) throw asProblem(err, fxField);
      const fx = await resolveFx(tx, { date });
      result = runEngine(data, { ...engineInput, ...(fx ? { fx } : {}) }, fxField);
    }
  }
  const id = newId('lcq');
  const stored = { ...p, date };
  const row = await tx.one(
    `INSERT INTO landed_cost_quotes (id, org_id, reference, destination_country, market, origin_country, quote_date, sale_currency, destination_currency, incoterm,
       fx_snapshot_id, landed_cost, import_charges, input, result, created_by)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16) RETURNING id, reference, created_at`,
    [id, ctx.orgId, p.reference ?? null, p.destination_country, result.market, p.origin_country, date, p.sale_currency, result.destinationCurrency, p.incoterm,
      result.fx?.snapshotId ?? null, result.totalsInSaleCurrency.landedCost, result.totalsInSaleCurrency.importCharges, JSON.stringify(stored), JSON.stringify(result), ctx.userId ?? ctx.apiKeyId],
  );
  return { id: row.id, object: 'landed_cost_quote', reference: row.reference, created_at: row.created_at instanceof Date ? row.created_at.toISOString() : row.created_at, input: stored, quote: result };
}

export async function getQuote(tx: Executor, ctx: AuthContext, id: string): Promise<StoredQuote> {
  const row = await tx.maybeOne(`SELECT id, reference, created_at, input, result FROM landed_cost_quotes WHERE id = $1 AND org_id = $2`, [id, ctx.orgId]);
  if (!row) throw notFound('Landed-cost quote', id);
  return toStored(row);
}

export async function listQuotes(tx: Executor, ctx: AuthContext, limit: number, cursor?: string) {
  const rows = await tx.query(
    `SELECT id, reference, destination_country, market, origin_country, quote_date, sale_currency, destination_currency, incoterm, fx_snapshot_id, landed_cost, import_charges, created_at
       FROM landed_cost_quotes WHERE org_id = $1 ${cursor ? 'AND id < $2' : ''} ORDER BY id DESC LIMIT ${limit + 1}`,
    cursor ? [ctx.orgId, cursor] : [ctx.orgId],
  );
  return toPage(rows.map((r) => ({ ...r, quote_date: dateText(r.quote_date) })), limit, (r: any) => r.id);
}

// ---- FX snapshots --------------------------------------------------------------------------

/** Store snapshots; an existing id is left as it is (snapshots are immutable). Returns how many were new. */
export async function storeFxSnapshots(tx: Executor, snapshots: FxSnapshot[]): Promise<number> {
  let added = 0;
  for (const s of snapshots) {
    const rows = await tx.query(
      `INSERT INTO fx_snapshots (id, source, date, base, rates) VALUES ($1,$2,$3,$4,$5) ON CONFLICT (id) DO NOTHING RETURNING id`,
      [s.id, s.source, s.date, s.base, JSON.stringify(s.rates)],
    );
    added += rows.length;
  }
  return added;
}

/** First start: the snapshots shipped in data/fx (worked-example rates). */
export async function seedBundledFx(tx: Executor): Promise<number> {
  return storeFxSnapshots(tx, bundledFxSnapshots());
}

/** ECB eurofxref CSV or XML (format detected from the content) → stored snapshots. */
export async function importFxFile(tx: Executor, content: string) {
  const format = content.replace(/^\uFEFF/, '').trimStart().startsWith('<') ? 'ecb-xml' : 'ecb-csv';
  const snapshots = importFxRates(format, content);
  const added = await storeFxSnapshots(tx, snapshots);
  return { format, snapshots: snapshots.length, added, newest: snapshots[0].date, oldest: snapshots[snapshots.length - 1].date };
}

export async function listFxSnapshots(tx: Executor, q: { limit: number; cursor?: string; date?: string }) {
  // cursor "<date>|<id>" (snapshots are ordered by date, newest first)
  const params: unknown[] = [];
  const where: string[] = [];
  if (q.date) { params.push(q.date); where.push(`date <= $${params.length}`); }
  if (q.cursor) {
    const [d, id] = q.cursor.split('|');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(d ?? '') || !id) throw validationError([{ field: 'query.cursor', message: 'not a cursor from this list' }]);
    params.push(d, id);
    where.push(`(date < $${params.length - 1} OR (date = $${params.length - 1} AND id > $${params.length}))`);
  }
  const rows = await tx.query(`SELECT id, source, date, base, rates, imported_at FROM fx_snapshots ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY date DESC, id LIMIT ${q.limit + 1}`, params);
  const page = toPage(rows.map((r) => ({ ...r, date: dateText(r.date), currencies: Object.keys(r.rates).length })), q.limit, (r: any) => `${r.date}|${r.id}`);
  return page;
}

// ---- Tariff imports and markets ----------------------------------------------------------

/**
 * Import a newer official tariff file (offline) and record its version. The file is parsed by the
 * engine's importer and compiled with the other rule data before anything is stored, so a file
 * the engine cannot use is rejected. The server uses it from its next start.
 */
export async function importTariff(tx: Executor, format: string, content: string, meta: { fileName: string; edition?: string; asOf?: string; sourceUrl?: string }) {
  if (format !== 'usitc-hts-json' && format !== 'usitc-hts-csv') throw new AppError('bad_request', 400, `unknown tariff format "${format}" (supported: usitc-hts-json, usitc-hts-csv)`, [{ field: 'format', message: 'usitc-hts-json or usitc-hts-csv' }]);
  const id = newId('tfi');
  const tariff = importTariffFile(format as TariffFileFormat, content, { edition: meta.edition ?? 'HTS (imported)', asOf: meta.asOf ?? '', id, sourceUrl: meta.sourceUrl });
  compileLandedCostData(rawWithTariff(tariff)); // throws if the engine cannot use it
  const sha = createHash('sha256').update(content).digest('hex');
  await tx.query(
    `INSERT INTO landed_cost_tariff_imports (id, market, format, edition, as_of, source, file_name, file_sha256, lines, tariff) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`,
    [id, tariff.market, format, tariff.edition, tariff.as_of, tariff.source, meta.fileName, sha, tariff.stats.lines, JSON.stringify(tariff)],
  );
  return { id, market: tariff.market, edition: tariff.edition, as_of: tariff.as_of, lines: tariff.stats.lines, records: tariff.stats.records, sha256: sha };
}

const daysSince = (isoDate: string) => (/^\d{4}-\d{2}-\d{2}/.test(isoDate) ? Math.floor((Date.now() - Date.parse(isoDate.slice(0, 10) + 'T00:00:00Z')) / 86_400_000) : null);

/** Supported markets with where their data comes from and how old it is (a stale table is visible). */
export async function listMarkets(tx: Executor) {
  const loaded = await currentData(tx);
  const { data } = loaded;
  const imports = await tx.query(`SELECT id, market, format, edition, as_of, source, file_name, lines, imported_at FROM landed_cost_tariff_imports ORDER BY imported_at DESC LIMIT 20`);
  const latestFx = await tx.maybeOne(`SELECT id, source, date FROM fx_snapshots ORDER BY date DESC, id LIMIT 1`);
  const markets = supportedMarkets(data).map((m) => {
    const t = data.markets.get(m.market)?.tariff?.meta;
    const fxRule = data.markets.get(m.market)?.fx;
    return {
      market: m.market,
      countries: m.countries,
      currency: m.currency,
      tax_name: m.taxName,
      tariff: t ? { id: t.id, edition: t.edition, source: t.source, source_url: t.sourceUrl, as_of: t.asOf, age_days: daysSince(t.asOf), hs_edition: t.hsEdition } : null,
      duty_rates: t ? 'tariff' : 'per line (duty_rate_override): no tariff schedule in data',
      fx_rule: fxRule ? { rule: fxRule.rule, max_age_days: fxRule.maxAgeDays, source: fxRule.ref.source } : null,
    };
  });
  return {
    data_version: loaded.version,
    rules: { file: 'data/tax/markets.json', schema_version: loaded.rules.schemaVersion, compiled: loaded.rules.compiled, age_days: daysSince(loaded.rules.compiled) },
    hs_mapping: { source: data.hs.source, as_of: data.hs.asOf },
    us_chapter99: { id: data.ch99Meta.id, source: data.ch99Meta.source, as_of: data.ch99Meta.asOf },
    latest_fx_snapshot: latestFx ? { ...latestFx, date: dateText(latestFx.date), age_days: daysSince(dateText(latestFx.date)) } : null,
    tariff_imports: imports,
    markets,
  };
}

// ---- Margins ---------------------------------------------------------------------------------

/**
 * Margin per catalogue SKU in one market, for one unit sold at its list price DDP:
 * margin = price − import charges (duty + import VAT/GST + fees, as quoted by the engine) − shipping.
 * SKUs that cannot be quoted carry an `error` (field, message) instead of a number: never a silent zero.
 */
export async function margins(tx: Executor, ctx: AuthContext, q: MarginsQuery) {
  const { data } = await currentData(tx);
  const marketCode = data.countryToMarket.get(q.market);
  if (!marketCode) throw validationError([{ field: 'query.market', message: `no landed-cost rules for ${q.market}; supported: ${[...data.countryToMarket.keys()].sort().join(', ')}` }]);
  const market = data.markets.get(marketCode)!;
  const currency = q.currency ?? market.memberCurrencies?.[q.market] ?? market.currency;
  const date = q.date ?? today();
  const fx = await resolveFx(tx, { date });
  const registrations = Object.fromEntries(q.registrations.map((k) => [k, 'registered']));
  const skus = await getSkus(tx, ctx.orgId, q.skus);
  const rows = q.skus.map((code) => {
    const s = skus.get(code);
    const base = { sku: code, title: s?.title ?? null, currency };
    const fail = (field: string, message: string) => ({ ...base, price: s?.prices?.[currency] ?? null, error: { field, message } });
    if (!s) return fail('skus', `SKU ${code} is not in the catalogue`);
    const price = s.prices?.[currency];
    if (price === undefined) return fail('currency', `SKU ${code} has no ${currency} price (prices in ${Object.keys(s.prices ?? {}).join(', ') || 'no currency'})`);
    const hsCode = s.nationalCodes?.[q.market] ?? s.nationalCodes?.[marketCode] ?? s.hsCode;
    if (!hsCode) return fail('hs_code', `SKU ${code} has no HS code`);
    const origin = s.originCountry ?? q.origin;
    if (!origin) return fail('origin', `SKU ${code} has no origin country (set it on the product or pass origin=)`);
    try {
      const result = quoteLandedCost(data, {
        destinationCountry: q.market, originCountry: origin, date, saleCurrency: currency, incoterm: q.incoterm, shipping: q.shipping, registrations,
        lines: [{ hsCode, quantity: 1, unitValue: price, ...(s.weightGrams ? { unitWeightKg: s.weightGrams / 1000 } : {}) }],
        ...(fx ? { fx } : {}),
      });
      const t = result.totalsInSaleCurrency;
      const margin = price - t.importCharges - q.shipping;
      return {
        ...base, price, hs_code: hsCode, origin, shipping: q.shipping,
        duty: t.duty, tax: t.tax, fees: t.fees, import_charges: t.importCharges, landed_cost: t.landedCost,
        margin, margin_pct: price > 0 ? Math.round((margin * 10_000) / price) / 100 : null,
        tax_collection: result.taxCollection, review: result.review,
        explanation: {
          duty: result.lines[0].duty.components.map((c) => ({ kind: c.kind, amount: c.amount, currency: c.currency, ...c.explanation })),
          tax: result.lines[0].tax.explanation, fees: result.lines[0].fees.map((f) => ({ amount: f.amount, currency: f.currency, ...f.explanation })),
          de_minimis: result.deMinimis, low_value_regime: result.lowValueRegime,
        },
      };
    } catch (err) {
      if (err instanceof LandedCostInputError) return fail(apiField(err.field), err.message);
      throw err;
    }
  });
  return { market: q.market, rules_market: marketCode, date, currency, incoterm: q.incoterm, fx_snapshot_id: fx?.id ?? null, formula: 'margin = price − (duty + tax + fees) − shipping, one unit at list price, DDP', data: rows };
}
