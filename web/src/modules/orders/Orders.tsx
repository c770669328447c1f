import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api, useAction, usePagedResource, useResource, type Page } from '../../shell/api';
import { useT } from '../../shell/i18n';
import { useSession } from '../../shell/session';
import { Button, Card, DateTime, DetailList, EmptyState, ErrorBanner, Field, Money, PageHeader, StatusBadge, Table } from '../../shell/ui';

/** The order as GET /v1/orders returns it (the fields these pages use). */
export interface Order {
  id: string; channel: string; external_id: string | null; external_number: string | null; status: string; hold_reason: string | null; held_from: string | null; hold_detail: any;
  buyer: { name: string; email?: string; phone?: string }; ship_to: Record<string, string> | null; currency: string;
  totals: { subtotal: number; shipping: number; tax: number; discount: number; total: number }; payment_status: string; fulfilment_status: string;
  tags: string[]; note: string; parent_order_id: string | null; merged_into: string | null; placed_at: string; allowed_transitions: string[];
}
interface OrderDetail extends Order {
  lines: Array<{ id: string; line_no: number; sku: string; title: string; qty: number; shipped_qty: number; unit_price: number; line_total: number; currency: string }>;
  reservations: Array<{ id: string; sku: string; warehouse_id: string; qty: number; consumed: number; released: number; status: string }>;
  shipments: Array<{ id: string; warehouse_id: string; carrier: string | null; tracking_number: string | null; created_at: string; lines: Array<{ sku: string; qty: number }> }>;
  lineage: Array<{ kind: string; source_order_id: string; result_order_id: string }>;
}
interface TimelineEntry { seq: number; kind: string; from_state: string | null; to_state: string | null; detail: any; actor_org_id: string | null; at: string }
interface SavedView { id: string; name: string; filters: Record<string, string> }

const STATES = ['draft', 'pending_payment', 'accepted', 'allocated', 'partially_shipped', 'shipped', 'delivered', 'completed', 'on_hold', 'cancelled', 'returned', 'refunded', 'split', 'merged'];
const CHANNELS = ['storefront', 'api', 'csv', 'shopify', 'woocommerce', 'amazon', 'ebay'];
const HOLD_REASONS = ['screening', 'fraud', 'compliance', 'address', 'stock', 'manual'];

export function OrdersPage() {
  const t = useT();
  const { can } = useSession();
  const [filters, setFilters] = useState<Record<string, string>>({});
  const [search, setSearch] = useState('');
  const orders = usePagedResource<Order>('/v1/orders', filters);
  const views = useResource<Page<SavedView>>('/v1/orders/views');
  const candidates = useResource<Page<{ buyer_key: string; order_ids: string[]; buyer_name: string; country: string; total: number; currency: string }>>('/v1/orders/merge-candidates');
  const save = useAction(async () => {
    const name = window.prompt(t('orders.viewName'));
    if (!name) return;
    await api.post('/v1/orders/views', { name, filters });
    views.reload();
  });
  const merge = useAction(async (ids: string[]) => { await api.post('/v1/orders/merge', { order_ids: ids }); candidates.reload(); orders.reload(); });
  const set = (k: string, v: string) => setFilters((f) => { const n = { ...f }; if (v) n[k] = v; else delete n[k]; return n; });
  return (
    <div className="page">
      <PageHeader title={t('orders.title')} description={t('orders.description')} />
      <ErrorBanner error={orders.error ?? save.error ?? merge.error} />
      <Card>
        <form className="form form-inline" onSubmit={(e) => { e.preventDefault(); set('q', search); }}>
          <Field label={t('orders.search')}><input value={search} onChange={(e) => setSearch(e.target.value)} placeholder={t('orders.searchHint')} /></Field>
          <Field label={t('common.status')}>
            <select value={filters.status ?? ''} onChange={(e) => set('status', e.target.value)}>
              <option value="">{t('orders.all')}</option>
              {STATES.map((s) => <option key={s} value={s}>{s.replace(/_/g, ' ')}</option>)}
            </select>
          </Field>
          <Field label={t('orders.channel')}>
            <select value={filters.channel ?? ''} onChange={(e) => set('channel', e.target.value)}>
              <option value="">{t('orders.all')}</option>
              {CHANNELS.map((c) => <option key={c} value={c}>{c}</option>)}
            </select>
          </Field>
          <Field label={t('orders.holdReason')}>
            <select value={filters.hold_reason ?? ''} onChange={(e) => set('hold_reason', e.target.value)}>
              <option value="">{t('orders.all')}</option>
              {HOLD_REASONS.map((c) => <option key={c} value={c}>{c}</option>)}
            </select>
          </Field>
          <div className="button-row">
            <Button type="submit" variant="primary">{t('orders.apply')}</Button>
            {can('orders:write') && <Button onClick={() => void save.run()} loading={save.pending}>{t('orders.saveView')}</Button>}
          </div>
        </form>
        {(views.data?.data.length ?? 0) > 0 && (
          <div className="chips">
            <span className="muted small">{t('orders.savedViews')}</span>
            {views.data!.data.map((v) => <button key={v.id} type="button" className="chip" onClick={() => { setFilters(v.filters); setSearch(v.filters.q ?? ''); }}>{v.name}</button>)}
          </div>
        )}
      </Card>
      <Card>
        <Table rows={orders.items} rowKey={(o) => o.id} loading={orders.loading} empty={<EmptyState title={t('orders.none')} />}
          columns={[
            { key: 'number', header: t('orders.number'), render: (o) => <Link to={`/orders/${o.id}`}>{o.external_number ?? o.id}</Link> },
            { key: 'channel', header: t('orders.channel'), render: (o) => o.channel },
            { key: 'buyer', header: t('orders.buyer'), wide: true, render: (o) => <>{o.buyer.name} <span className="muted small">{o.ship_to?.country}</span></> },
            { key: 'total', header: t('orders.total'), align: 'end', render: (o) => <Money minor={o.totals.total} currency={o.currency} /> },
            { key: 'status', header: t('common.status'), render: (o) => <><StatusBadge status={o.status} />{o.hold_reason && <span className="muted small"> {o.hold_reason}</span>}</> },
            { key: 'at', header: t('common.created'), wide: true, render: (o) => <DateTime value={o.placed_at} /> },
          ]} />
        {orders.hasMore && <Button onClick={orders.loadMore}>{t('common.loadMore')}</Button>}
      </Card>
      {(candidates.data?.data.length ?? 0) > 0 && (
        <Card title={t('orders.mergeCandidates')}>
          <Table rows={candidates.data!.data} rowKey={(c) => c.buyer_key + c.currency}
            columns={[
              { key: 'buyer', header: t('orders.buyer'), render: (c) => `${c.buyer_name} (${c.country})` },
              { key: 'orders', header: t('orders.orders'), render: (c) => c.order_ids.map((id) => <Link key={id} to={`/orders/${id}`} className="chip">{id.slice(-6)}</Link>) },
              { key: 'total', header: t('orders.total'), align: 'end', render: (c) => <Money minor={c.total} currency={c.currency} /> },
              { key: 'act', header: t('common.actions'), render: (c) => can('orders:write') && <Button size="sm" onClick={() => void merge.run(c.order_ids)} loading={merge.pending}>{t('orders.merge')}</Button> },
            ]} />
        </Card>
      )}
    </div>
  );
}

export function OrderDetailPage() {
  const t = useT();
  const { id } = useParams();
  const { can } = useSession();
  const order = useResource<OrderDetail>(`/v1/orders/${id}`);
  const timeline = useResource<Page<TimelineEntry>>(`/v1/orders/${id}/timeline`);
  const [holdReason, setHoldReason] = useState('manual');
  const [parts, setParts] = useState<Record<string, number>>({});
  const act = useAction(async (path: string, body?: unknown) => {
    const r = await api.post<any>(`/v1/orders/${id}/${path}`, body ?? {});
    order.reload();
    timeline.reload();
    return r;
  });
  const o = order.data;
  if (!o) return <div className="page"><ErrorBanner error={order.error} /></div>;
  const allowed = o.allowed_transitions;
  const write = can('orders:write');
  const splitLines = o.lines.map((l) => ({ line_id: l.id, first: Math.min(l.qty, Math.max(0, parts[l.id] ?? Math.ceil(l.qty / 2))), qty: l.qty }));
  const split = () => act.run('split', { parts: [
    { lines: splitLines.filter((l) => l.first > 0).map((l) => ({ line_id: l.line_id, qty: l.first })) },
    { lines: splitLines.filter((l) => l.qty - l.first > 0).map((l) => ({ line_id: l.line_id, qty: l.qty - l.first })) },
  ] });
  return (
    <div className="page">
      <PageHeader title={`${t('orders.order')} ${o.external_number ?? o.id}`} description={<><StatusBadge status={o.status} /> {o.hold_reason && <strong>{t('orders.heldFor', { reason: o.hold_reason })}</strong>}</>}
        actions={write && (
          <div className="button-row">
            {(o.status === 'draft' || o.status === 'pending_payment') && <Button variant="primary" onClick={() => void act.run('accept')}>{t('orders.accept')}</Button>}
            {allowed.includes('allocated') && <Button onClick={() => void act.run('allocate')}>{t('orders.allocate')}</Button>}
            {o.status === 'on_hold' && <Button variant="primary" onClick={() => void act.run('release', {})}>{t('orders.release')}</Button>}
            {allowed.includes('on_hold') && (
              <span className="form-inline">
                <select aria-label={t('orders.holdReason')} value={holdReason} onChange={(e) => setHoldReason(e.target.value)}>{HOLD_REASONS.map((r) => <option key={r} value={r}>{r}</option>)}</select>
                <Button onClick={() => void act.run('hold', { reason: holdReason })}>{t('orders.hold')}</Button>
              </span>
            )}
            {['delivered', 'completed', 'returned', 'refunded'].filter((s) => allowed.includes(s)).map((s) => <Button key={s} onClick={() => void act.run('transitions', { to: s })}>{s}</Button>)}
            {allowed.includes('cancelled') && <Button variant="danger" onClick={() => { const reason = window.prompt(t('orders.cancelReason')); if (reason) void act.run('cancel', { reason }); }}>{t('orders.cancel')}</Button>}
          </div>
        )} />
      <ErrorBanner error={act.error} />
      {o.hold_detail && o.status === 'on_hold' && <Card title={t('orders.holdDetail')}><pre className="small">{JSON.stringify(o.hold_detail, null, 2)}</pre></Card>}
      <div className="grid-2">
        <Card title={t('orders.buyer')}>
          <DetailList items={[
            [t('orders.buyer'), `${o.buyer.name}${o.buyer.email ? ` <${o.buyer.email}>` : ''}`],
            [t('orders.shipTo'), o.ship_to ? [o.ship_to.name, o.ship_to.line1, o.ship_to.line2, `${o.ship_to.postcode ?? ''} ${o.ship_to.city}`, o.ship_to.country, o.ship_to.phone].filter(Boolean).join(', ') : '—'],
            [t('orders.channel'), `${o.channel} ${o.external_id ?? ''}`],
            [t('orders.payment'), o.payment_status],
            [t('orders.tags'), o.tags.join(', ') || '—'],
          ]} />
        </Card>
        <Card title={t('orders.total')}>
          <DetailList items={[
            [t('orders.subtotal'), <Money minor={o.totals.subtotal} currency={o.currency} />],
            [t('orders.shipping'), <Money minor={o.totals.shipping} currency={o.currency} />],
            [t('orders.tax'), <Money minor={o.totals.tax} currency={o.currency} />],
            [t('orders.discount'), <Money minor={o.totals.discount} currency={o.currency} />],
            [t('orders.total'), <strong><Money minor={o.totals.total} currency={o.currency} /></strong>],
          ]} />
        </Card>
      </div>
      <Card title={t('orders.lines')}>
        <Table rows={o.lines} rowKey={(l) => l.id} columns={[
          { key: 'sku', header: 'SKU', render: (l) => <>{l.sku} <span className="muted small">{l.title}</span></> },
          { key: 'qty', header: t('orders.qty'), align: 'end', render: (l) => `${l.shipped_qty}/${l.qty}` },
          { key: 'price', header: t('orders.unitPrice'), align: 'end', render: (l) => <Money minor={l.unit_price} currency={l.currency} /> },
          { key: 'total', header: t('orders.total'), align: 'end', render: (l) => <Money minor={l.line_total} currency={l.currency} /> },
          ...(write && allowed.includes('split') ? [{ key: 'split', header: t('orders.firstPart'), render: (l: OrderDetail['lines'][number]) => <input type="number" min={0} max={l.qty} aria-label={t('orders.firstPart')} value={splitLines.find((s) => s.line_id === l.id)!.first} onChange={(e) => setParts((p) => ({ ...p, [l.id]: Number(e.target.value) }))} style={{ width: '5em' }} /> }] : []),
        ]} />
        {write && allowed.includes('split') && <Button onClick={() => void split()}>{t('orders.split')}</Button>}
      </Card>
      <div className="grid-2">
        <Card title={t('orders.reservations')}>
          <Table rows={o.reservations} rowKey={(r) => r.id} columns={[
            { key: 'sku', header: 'SKU' }, { key: 'warehouse_id', header: t('orders.warehouse') },
            { key: 'qty', header: t('orders.qty'), align: 'end' }, { key: 'status', header: t('common.status'), render: (r) => <StatusBadge status={r.status} /> },
          ]} />
        </Card>
        <Card title={t('orders.lineage')}>
          {o.lineage.length === 0 ? <p className="muted">—</p> : (
            <ul>{o.lineage.map((l) => <li key={l.source_order_id + l.result_order_id}>{l.kind}: <Link to={`/orders/${l.source_order_id}`}>{l.source_order_id}</Link> → <Link to={`/orders/${l.result_order_id}`}>{l.result_order_id}</Link></li>)}</ul>
          )}
          {o.shipments.map((s) => <p key={s.id} className="small">{t('orders.shipment')} {s.carrier} {s.tracking_number} · {s.lines.map((l) => `${l.sku}×${l.qty}`).join(', ')} · <DateTime value={s.created_at} /></p>)}
        </Card>
      </div>
      <Card title={t('orders.timeline')}>
        <Table rows={timeline.data?.data} rowKey={(e) => String(e.seq)} loading={timeline.loading} columns={[
          { key: 'at', header: t('orders.when'), render: (e) => <DateTime value={e.at} /> },
          { key: 'kind', header: t('orders.event'), render: (e) => e.from_state || e.to_state ? <>{e.from_state ?? '∅'} → <StatusBadge status={e.to_state ?? ''} /></> : e.kind },
          { key: 'detail', header: t('orders.detail'), wide: true, render: (e) => <code className="small">{JSON.stringify(e.detail).slice(0, 300)}</code> },
        ]} />
      </Card>
    </div>
  );
}
