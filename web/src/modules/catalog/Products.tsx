import { useState } from 'react';
import { Link } from 'react-router-dom';
import { usePagedResource, useResource } from '../../shell/api';
import { useT } from '../../shell/i18n';
import { useSession } from '../../shell/session';
import { Button, Card, EmptyState, ErrorBanner, Field, PageHeader, StatusBadge, Table } from '../../shell/ui';
import { statusTone, type ListingStatus, type Product } from './types';

/** Product list: search (title in any language, SKU, handle, brand) and filters by market status and HS. */
export function ProductsPage() {
  const t = useT();
  const { can } = useSession();
  const [q, setQ] = useState('');
  const [market, setMarket] = useState('');
  const [listingStatus, setListingStatus] = useState('');
  const [missingHs, setMissingHs] = useState(false);
  const markets = useResource<{ data: { market: string; name: string }[] }>('/v1/catalog/markets');
  const products = usePagedResource<Product>('/v1/catalog/products', { q, market, listing_status: listingStatus, missing_hs: missingHs ? 'true' : undefined, limit: 50 });
  return (
    <div className="page">
      <PageHeader title={t('catalog.title')} description={t('catalog.description')}
        actions={can('catalog:write') && <>
          <Link className="btn btn-secondary" to="/catalog-import">{t('catalog.import.title')}</Link>
          <a className="btn btn-secondary" href="/v1/catalog/export">{t('catalog.export')}</a>
          <Link className="btn btn-primary" to="/catalog/new">{t('catalog.new')}</Link>
        </>} />
      <Card>
        <form className="form form-inline" role="search" onSubmit={(e) => e.preventDefault()}>
          <Field label={t('catalog.search')}><input name="q" type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder={t('catalog.searchHint')} /></Field>
          <Field label={t('catalog.market')}>
            <select name="market" value={market} onChange={(e) => setMarket(e.target.value)}>
              <option value="">{t('catalog.anyMarket')}</option>
              {markets.data?.data.map((m) => <option key={m.market} value={m.market}>{m.market} — {m.name}</option>)}
            </select>
          </Field>
          <Field label={t('catalog.listingStatus')}>
            <select name="listing_status" value={listingStatus} onChange={(e) => setListingStatus(e.target.value)}>
              <option value="">{t('catalog.anyStatus')}</option>
              {(['allowed', 'allowed_with_conditions', 'blocked', 'not_listed'] as const).map((s) => <option key={s} value={s} disabled={s === 'not_listed' && !market}>{t(`catalog.status.${s}`)}</option>)}
            </select>
          </Field>
          <label className="checkbox"><input type="checkbox" name="missing_hs" checked={missingHs} onChange={(e) => setMissingHs(e.target.checked)} /> {t('catalog.missingHs')}</label>
        </form>
      </Card>
      <ErrorBanner error={products.error} />
      <Card>
        <Table caption={t('catalog.title')} loading={products.loading} rows={products.items} rowKey={(p) => p.id}
          empty={<EmptyState title={t('catalog.none')} />}
          columns={[
            { key: 'title', header: t('catalog.product'), render: (p) => <>
              <Link to={`/catalog/${p.id}`} data-testid="product-title">{p.content.en?.title ?? p.handle ?? p.id}</Link>
              {p.content['zh-CN']?.title && <div className="muted small" lang="zh-CN">{p.content['zh-CN'].title}</div>}
            </> },
            { key: 'skus', header: t('catalog.skus'), render: (p) => <div className="chips">{p.skus.map((s) => <code key={s.id} className="chip">{s.code}</code>)}</div> },
            { key: 'hs', header: t('catalog.hsCode'), wide: true, render: (p) => [...new Set(p.skus.map((s) => s.hs_code ?? '—'))].join(', ') },
            { key: 'brand', header: t('catalog.brand'), wide: true, render: (p) => p.brand ?? '' },
            { key: 'markets', header: t('catalog.markets'), render: (p) => <div className="chips">{(p.listings ?? []).map((l) => (
              <StatusBadge key={l.market} status={l.status} tone={statusTone(l.status as ListingStatus)} label={`${l.market} · ${t(`catalog.status.${l.status}`)}`} />
            ))}</div> },
          ]} />
        {products.hasMore && <Button onClick={products.loadMore}>{t('common.loadMore')}</Button>}
      </Card>
    </div>
  );
}
