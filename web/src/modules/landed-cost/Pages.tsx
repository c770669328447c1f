import { useMemo, useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { api, useAction, usePagedResource, useResource, type Page } from '../../shell/api';
import { useI18n, useT } from '../../shell/i18n';
import { Button, Card, DateTime, EmptyState, ErrorBanner, Field, Money, PageHeader, StatusBadge, Table } from '../../shell/ui';
import { decimalToMinor } from './money';
import { Why } from './QuoteView';
import type { Explanation, QuoteSummary } from './types';

/** Stored quotes, newest first. */
export function QuotesPage() {
  const t = useT();
  const list = usePagedResource<QuoteSummary>('/v1/landed-cost/quotes', { limit: 50 });
  return (
    <div className="page">
      <PageHeader title={t('landedCost.quotes')} actions={<Link to="/landed-cost">{t('landedCost.calculator')}</Link>} />
      <ErrorBanner error={list.error} />
      <Card>
        <Table
          caption={t('landedCost.quotes')}
          loading={list.loading}
          rows={list.items}
          rowKey={(q) => q.id}
          empty={<EmptyState title={t('landedCost.noQuotes')}><Link to="/landed-cost">{t('landedCost.calculator')}</Link></EmptyState>}
          columns={[
            { key: 'id', header: t('landedCost.quote'), render: (q) => <><Link to={`/landed-cost/quotes/${q.id}`} className="nowrap">{q.origin_country} → {q.destination_country}</Link>{q.reference && <div className="muted small">{q.reference}</div>}</> },
            { key: 'market', header: t('landedCost.market'), render: (q) => <>{q.market} · {q.incoterm}</> },
            { key: 'date', header: t('landedCost.date'), render: (q) => q.quote_date },
            { key: 'charges', header: t('landedCost.totals.importCharges'), align: 'end', render: (q) => <Money minor={q.import_charges} currency={q.sale_currency} /> },
            { key: 'landed', header: t('landedCost.totals.landedCost'), align: 'end', render: (q) => <Money minor={q.landed_cost} currency={q.sale_currency} /> },
            { key: 'created', header: t('common.created'), wide: true, render: (q) => <DateTime value={q.created_at} /> },
          ]}
        />
        {list.hasMore && <div className="load-more"><Button onClick={list.loadMore} loading={list.loading}>{t('common.loadMore')}</Button></div>}
      </Card>
    </div>
  );
}

interface MarginRow {
  sku: string; title: Record<string, string> | null; currency: string; price: number | null; shipping?: number;
  duty?: number; tax?: number; fees?: number; import_charges?: number; margin?: number; margin_pct?: number | null; hs_code?: string; origin?: string;
  tax_collection?: { collector: string; when: string };
  explanation?: { duty: (Explanation & { amount: number; currency: string; kind: string })[]; tax: Explanation };
  error?: { field: string; message: string };
}
interface MarginAnswer { market: string; currency: string; date: string; formula: string; fx_snapshot_id: string | null; data: MarginRow[] }

/** Margin per catalogue SKU × market: price − import charges − shipping. */
export function MarginsPage() {
  const t = useT();
  const { locale } = useI18n();
  // SKUs come from the catalogue's own list (its module exposes codes → details, not a listing).
  const products = useResource<Page<{ id: string; skus: { code: string }[] }>>('/v1/catalog/products', { limit: 100 });
  const codes = useMemo(() => (products.data?.data ?? []).flatMap((p) => p.skus.map((s) => s.code)).slice(0, 100), [products.data]);
  const [form, setForm] = useState({ market: 'DE', currency: '', shipping: '', registrations: 'EU_IOSS' });
  const [answer, setAnswer] = useState<MarginAnswer | null>(null);
  const run = useAction(async () => {
    const currency = form.currency.trim().toUpperCase();
    const shipping = form.shipping.trim() && currency ? decimalToMinor(form.shipping, currency) : 0;
    setAnswer(await api.get<MarginAnswer>('/v1/landed-cost/margins', {
      market: form.market.trim().toUpperCase(), skus: codes.join(','), ...(currency ? { currency } : {}), shipping: String(shipping ?? 0),
      ...(form.registrations.trim() ? { registrations: form.registrations.trim() } : {}),
    }));
  });
  const onSubmit = (e: FormEvent) => { e.preventDefault(); void run.run(); };
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  return (
    <div className="page">
      <PageHeader title={t('landedCost.margins')} description={t('landedCost.marginsHint')} />
      <Card>
        <form className="form-inline" onSubmit={onSubmit}>
          <Field label={t('landedCost.destination')}><input className="input-short" value={form.market} onChange={set('market')} maxLength={2} /></Field>
          <Field label={t('landedCost.priceCurrency')} hint={t('landedCost.priceCurrencyHint')}><input className="input-short" value={form.currency} onChange={set('currency')} maxLength={3} /></Field>
          <Field label={t('landedCost.shippingPerUnit')} hint={t('landedCost.shippingPerUnitHint')}><input inputMode="decimal" value={form.shipping} onChange={set('shipping')} /></Field>
          <Field label={t('landedCost.registrations')} hint="EU_IOSS, GB_VAT, AU_GST …"><input value={form.registrations} onChange={set('registrations')} /></Field>
          <Button type="submit" variant="primary" loading={run.pending} disabled={codes.length === 0}>{t('landedCost.compute')}</Button>
        </form>
        {!products.loading && codes.length === 0 && <p className="muted">{t('landedCost.noSkus')}</p>}
        <ErrorBanner error={run.error ?? products.error} />
      </Card>
      {answer && (
        <Card title={t('landedCost.marginsFor', { market: answer.market, currency: answer.currency, date: answer.date })}>
          <p className="muted small">{answer.formula}{answer.fx_snapshot_id && <> · FX {answer.fx_snapshot_id}</>}</p>
          <Table
            rows={answer.data}
            rowKey={(r) => r.sku}
            columns={[
              { key: 'sku', header: 'SKU', render: (r) => <><span className="nowrap">{r.sku}</span>{r.title && <div className="muted small">{r.title[locale] ?? r.title.en ?? Object.values(r.title)[0]}</div>}{r.hs_code && <div className="muted small">HS {r.hs_code} · {r.origin}</div>}</> },
              { key: 'price', header: t('landedCost.price'), align: 'end', render: (r) => (r.price === null ? '—' : <Money minor={r.price} currency={r.currency} />) },
              { key: 'duty', header: t('landedCost.totals.duty'), align: 'end', render: (r) => (r.duty === undefined ? '' : <><Money minor={r.duty} currency={r.currency} />{r.explanation?.duty.map((d, i) => <Why key={i} e={d} currency={d.currency} />)}</>) },
              { key: 'tax', header: t('landedCost.totals.tax'), align: 'end', render: (r) => (r.tax === undefined ? '' : <><Money minor={r.tax} currency={r.currency} /><Why e={r.explanation?.tax} /></>) },
              { key: 'fees', header: t('landedCost.totals.fees'), align: 'end', render: (r) => (r.fees === undefined ? '' : <Money minor={r.fees} currency={r.currency} />) },
              { key: 'shipping', header: t('landedCost.shipping'), align: 'end', render: (r) => (r.shipping === undefined ? '' : <Money minor={r.shipping} currency={r.currency} />) },
              { key: 'margin', header: t('landedCost.margin'), align: 'end', render: (r) => (r.error ? <StatusBadge status="error" label={`${r.error.field}: ${r.error.message}`} /> : <><strong><Money minor={r.margin!} currency={r.currency} /></strong>{r.margin_pct !== null && <div className="muted small">{r.margin_pct}%</div>}</>) },
            ]}
          />
        </Card>
      )}
    </div>
  );
}

interface MarketsAnswer {
  data_version: string;
  rules: { file: string; compiled: string; age_days: number | null };
  hs_mapping: { source: string; as_of: string };
  us_chapter99: { id: string; source: string; as_of: string };
  latest_fx_snapshot: { id: string; date: string; source: string; age_days: number | null } | null;
  tariff_imports: { id: string; edition: string; as_of: string; file_name: string; lines: number; imported_at: string }[];
  markets: { market: string; countries: string[]; currency: string; tax_name: string | null; tariff: { id: string; edition: string; source: string; as_of: string; age_days: number | null } | null; duty_rates: string; fx_rule: { rule: string; max_age_days: number; source: string } | null }[];
}

const STALE_DAYS = 365;

/** Market data dates (so a stale table is visible) and the FX snapshots. */
export function MarketDataPage() {
  const t = useT();
  const m = useResource<MarketsAnswer>('/v1/landed-cost/markets');
  const fx = usePagedResource<{ id: string; source: string; date: string; base: string; currencies: number; imported_at: string }>('/v1/landed-cost/fx-snapshots', { limit: 50 });
  return (
    <div className="page">
      <PageHeader title={t('landedCost.marketData')} description={t('landedCost.marketDataHint')} />
      <ErrorBanner error={m.error} />
      {m.data && (
        <Card title={t('landedCost.markets')}>
          <p className="small">
            {t('landedCost.rulesFile', { file: m.data.rules.file, date: m.data.rules.compiled })} · {t('landedCost.dataVersion')}: {m.data.data_version}
            {' · '}HS2022→HS2017: {m.data.hs_mapping.as_of} · US Chapter 99: {m.data.us_chapter99.as_of}
          </p>
          <Table
            rows={m.data.markets}
            rowKey={(x) => x.market}
            columns={[
              { key: 'market', header: t('landedCost.market'), render: (x) => <><strong>{x.market}</strong> <span className="muted small">{x.currency}{x.tax_name && ` · ${x.tax_name}`}</span><div className="muted small">{x.countries.join(' ')}</div></> },
              { key: 'tariff', header: t('landedCost.tariff'), render: (x) => (x.tariff ? <>{x.tariff.edition}<div className="muted small break">{x.tariff.source}</div></> : <span className="muted">{t('landedCost.noTariff')}</span>) },
              { key: 'asof', header: t('landedCost.why.asOf'), render: (x) => (x.tariff ? <>{x.tariff.as_of} {x.tariff.age_days !== null && x.tariff.age_days > STALE_DAYS && <StatusBadge status="stale" tone="warning" label={t('landedCost.stale', { days: x.tariff.age_days })} />}</> : '—') },
              { key: 'fx', header: t('landedCost.fxRule'), wide: true, render: (x) => <span className="small">{x.fx_rule?.rule} ({t('landedCost.maxAge', { days: x.fx_rule?.max_age_days ?? 0 })})</span> },
            ]}
          />
          {m.data.tariff_imports.length > 0 && (
            <>
              <h3>{t('landedCost.tariffImports')}</h3>
              <ul className="small">{m.data.tariff_imports.map((i) => <li key={i.id}>{i.edition} ({t('landedCost.why.asOf')} {i.as_of || '—'}) — {i.file_name}, {i.lines} · <DateTime value={i.imported_at} /></li>)}</ul>
            </>
          )}
          <p className="muted small">{t('landedCost.tariffImportHint')}</p>
        </Card>
      )}
      <Card title={t('landedCost.fxSnapshots')}>
        <ErrorBanner error={fx.error} />
        <Table
          loading={fx.loading}
          rows={fx.items}
          rowKey={(s) => s.id}
          empty={<EmptyState title={t('landedCost.noFx')}>{t('landedCost.fxImportHint')}</EmptyState>}
          columns={[
            { key: 'id', header: 'ID', render: (s) => <span className="nowrap">{s.id}</span> },
            { key: 'date', header: t('landedCost.date'), render: (s) => s.date },
            { key: 'base', header: t('landedCost.base'), render: (s) => <>{s.base} · {s.currencies}</> },
            { key: 'source', header: t('landedCost.why.source'), wide: true, render: (s) => <span className="small">{s.source}</span> },
          ]}
        />
        {fx.hasMore && <div className="load-more"><Button onClick={fx.loadMore} loading={fx.loading}>{t('common.loadMore')}</Button></div>}
        <p className="muted small">{t('landedCost.fxImportHint')}</p>
      </Card>
    </div>
  );
}
