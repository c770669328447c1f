import { useMemo, useState } from 'react';
import { api, useAction, usePagedResource, useResource, type Page } from '../../shell/api';
import { useT } from '../../shell/i18n';
import { useSession } from '../../shell/session';
import { Button, Card, DateTime, EmptyState, ErrorBanner, Field, Notice, PageHeader, StatusBadge, Table } from '../../shell/ui';

interface Warehouse { id: string; org_id: string; code: string; name: string; country: string; time_zone: string; capabilities: string[] }
interface StockRow { seller_org_id: string; sku: string; warehouse_id: string; warehouse_code: string; country: string; on_hand: number; reserved: number; available: number; in_transit: number; safety: number }
interface Movement { seq: number; sku: string; warehouse_id: string; kind: string; d_on_hand: number; d_reserved: number; d_in_transit: number; reference_id: string | null; reason: string | null; at: string }
interface Inbound { id: string; kind: string; reference: string; warehouse_id: string; warehouse_org_id: string; seller_org_id: string; status: string; expected_at: string | null; lines: Array<{ sku: string; qty: number; received: number; damaged: number }>; created_at: string }
interface Alert { id: string; sku: string; warehouse_id: string; kind: string; available: number; safety: number; opened_at: string }

const signed = (n: number) => (n > 0 ? `+${n}` : String(n));

/** The grid SKU × warehouse: each cell shows available / on hand (reserved, in transit); a click shows its movements. */
export function InventoryPage() {
  const t = useT();
  const warehouses = useResource<Page<Warehouse>>('/v1/warehouses');
  const stock = useResource<Page<StockRow>>('/v1/inventory/stock', { limit: 500 });
  const alerts = useResource<Page<Alert>>('/v1/inventory/alerts');
  const [cell, setCell] = useState<{ sku: string; warehouse_id: string } | null>(null);
  const movements = usePagedResource<Movement>(cell ? '/v1/inventory/movements' : null, cell ?? undefined);
  const whs = warehouses.data?.data ?? [];
  const grid = useMemo(() => {
    const bySku = new Map<string, Map<string, StockRow>>();
    for (const r of stock.data?.data ?? []) {
      const key = r.sku + (r.seller_org_id ? `\u0000${r.seller_org_id}` : '');
      if (!bySku.has(key)) bySku.set(key, new Map());
      bySku.get(key)!.set(r.warehouse_id, r);
    }
    return [...bySku].map(([key, cells]) => ({ key, sku: key.split('\u0000')[0], cells }));
  }, [stock.data]);
  return (
    <div className="page">
      <PageHeader title={t('inventory.title')} description={t('inventory.description')} />
      <ErrorBanner error={stock.error ?? warehouses.error} />
      {(alerts.data?.data.length ?? 0) > 0 && (
        <Notice tone="warning">{t('inventory.alerts')}: {alerts.data!.data.map((a) => `${a.sku} @ ${whs.find((w) => w.id === a.warehouse_id)?.code ?? a.warehouse_id} (${a.kind.replace('_', ' ')}, ${a.available}/${a.safety})`).join('; ')}</Notice>
      )}
      <Card title={t('inventory.grid')}>
        <Table rows={grid} rowKey={(r) => r.key} loading={stock.loading} empty={<EmptyState title={t('inventory.noStock')} />}
          columns={[
            { key: 'sku', header: 'SKU', render: (r) => r.sku },
            ...whs.map((w) => ({
              key: w.id, header: `${w.code} (${w.country})`, align: 'end' as const,
              render: (r: (typeof grid)[number]) => {
                const c = r.cells.get(w.id);
                if (!c) return <span className="muted">—</span>;
                return (
                  <button type="button" className="chip" onClick={() => setCell({ sku: c.sku, warehouse_id: w.id })} title={t('inventory.cellHint')}>
                    <strong>{c.available}</strong>/{c.on_hand}{c.reserved ? ` · ${t('inventory.reservedShort', { n: c.reserved })}` : ''}{c.in_transit ? ` · ${t('inventory.inTransitShort', { n: c.in_transit })}` : ''}{c.safety && c.available <= c.safety ? ' ⚠' : ''}
                  </button>
                );
              },
            })),
          ]} />
      </Card>
      {cell && (
        <Card title={t('inventory.movementsOf', { sku: cell.sku, warehouse: whs.find((w) => w.id === cell.warehouse_id)?.code ?? '' })} actions={<Button size="sm" onClick={() => setCell(null)}>{t('common.dismiss')}</Button>}>
          <Table rows={movements.items} rowKey={(m) => String(m.seq)} loading={movements.loading} columns={[
            { key: 'at', header: t('inventory.when'), render: (m) => <DateTime value={m.at} /> },
            { key: 'kind', header: t('inventory.kind'), render: (m) => m.kind },
            { key: 'on_hand', header: t('inventory.onHand'), align: 'end', render: (m) => signed(m.d_on_hand) },
            { key: 'reserved', header: t('inventory.reserved'), align: 'end', render: (m) => signed(m.d_reserved) },
            { key: 'transit', header: t('inventory.inTransit'), align: 'end', render: (m) => signed(m.d_in_transit) },
            { key: 'ref', header: t('inventory.reference'), wide: true, render: (m) => <span className="small">{m.reference_id} {m.reason}</span> },
          ]} />
          {movements.hasMore && <Button onClick={movements.loadMore}>{t('common.loadMore')}</Button>}
        </Card>
      )}
      <Card title={t('inventory.warehouses')}>
        <Table rows={whs} rowKey={(w) => w.id} columns={[
          { key: 'code', header: t('inventory.code') }, { key: 'name', header: t('inventory.name') }, { key: 'country', header: t('inventory.country') },
          { key: 'tz', header: t('inventory.timeZone'), wide: true, render: (w) => w.time_zone },
          { key: 'caps', header: t('inventory.capabilities'), wide: true, render: (w) => w.capabilities.join(', ') },
        ]} />
      </Card>
    </div>
  );
}

/** Inbound shipments: sellers announce ASNs; the receiving warehouse scans them in (quantities, damage, short shipments). */
export function InboundPage() {
  const t = useT();
  const { can, me } = useSession();
  const orgId = me?.current_org_id ?? undefined;
  const inbound = usePagedResource<Inbound>('/v1/inventory/inbound');
  const warehouses = useResource<Page<Warehouse>>('/v1/warehouses');
  const [form, setForm] = useState({ warehouse_id: '', reference: '', lines: '' });
  const [scan, setScan] = useState<Record<string, string>>({});
  const create = useAction(async () => {
    const lines = form.lines.split('\n').map((l) => l.split(/[,;\t]/).map((x) => x.trim())).filter((p) => p[0]).map(([sku, qty]) => ({ sku, qty: Number(qty) }));
    await api.post('/v1/inventory/inbound', { warehouse_id: form.warehouse_id, reference: form.reference, lines });
    setForm({ warehouse_id: '', reference: '', lines: '' });
    inbound.reload();
  });
  const receive = useAction(async (a: Inbound) => {
    const lines = a.lines.map((l) => ({ sku: l.sku, received: Number(scan[`${a.id}:${l.sku}`] ?? Math.max(0, l.qty - l.received - l.damaged)) }));
    await api.post(`/v1/inventory/inbound/${a.id}/receipts`, { lines, close: true });
    inbound.reload();
  });
  return (
    <div className="page">
      <PageHeader title={t('inventory.inbound')} description={t('inventory.inboundDescription')} />
      <ErrorBanner error={inbound.error ?? create.error ?? receive.error} />
      {can('inventory:write') && (
        <Card title={t('inventory.newAsn')}>
          <form className="form" onSubmit={(e) => { e.preventDefault(); void create.run(); }}>
            <Field label={t('inventory.warehouse')}>
              <select required value={form.warehouse_id} onChange={(e) => setForm({ ...form, warehouse_id: e.target.value })}>
                <option value="">—</option>
                {(warehouses.data?.data ?? []).map((w) => <option key={w.id} value={w.id}>{w.code} · {w.name}</option>)}
              </select>
            </Field>
            <Field label={t('inventory.reference')}><input required value={form.reference} onChange={(e) => setForm({ ...form, reference: e.target.value })} /></Field>
            <Field label={t('inventory.asnLines')} hint={t('inventory.asnLinesHint')}><textarea required rows={4} value={form.lines} onChange={(e) => setForm({ ...form, lines: e.target.value })} /></Field>
            <Button type="submit" variant="primary" loading={create.pending}>{t('inventory.announce')}</Button>
          </form>
        </Card>
      )}
      <Card>
        <Table rows={inbound.items} rowKey={(a) => a.id} loading={inbound.loading} empty={<EmptyState title={t('inventory.noInbound')} />} columns={[
          { key: 'ref', header: t('inventory.reference'), render: (a) => <>{a.reference} <span className="muted small">{a.kind}</span></> },
          { key: 'wh', header: t('inventory.warehouse'), render: (a) => (warehouses.data?.data ?? []).find((w) => w.id === a.warehouse_id)?.code ?? a.warehouse_id },
          { key: 'lines', header: t('inventory.lines'), render: (a) => a.lines.map((l) => (
            <div key={l.sku} className="small">{l.sku}: {l.received}{l.damaged ? `+${l.damaged}✗` : ''}/{l.qty}
              {a.status !== 'received' && a.status !== 'cancelled' && a.warehouse_org_id === orgId && (
                <input type="number" min={0} aria-label={t('inventory.received')} style={{ width: '5em', marginInlineStart: 8 }} value={scan[`${a.id}:${l.sku}`] ?? String(Math.max(0, l.qty - l.received - l.damaged))} onChange={(e) => setScan({ ...scan, [`${a.id}:${l.sku}`]: e.target.value })} />
              )}
            </div>)) },
          { key: 'expected', header: t('inventory.expected'), wide: true, render: (a) => <DateTime value={a.expected_at} style="date" /> },
          { key: 'status', header: t('common.status'), render: (a) => <StatusBadge status={a.status} /> },
          { key: 'act', header: t('common.actions'), render: (a) => a.status !== 'received' && a.status !== 'cancelled' && a.warehouse_org_id === orgId && can('inventory:write') ? <Button size="sm" onClick={() => void receive.run(a)}>{t('inventory.receive')}</Button> : null },
        ]} />
        {inbound.hasMore && <Button onClick={inbound.loadMore}>{t('common.loadMore')}</Button>}
      </Card>
    </div>
  );
}

/** The warehouse organisation's receipts: what was scanned in for which seller, with discrepancies. */
export function ReceiptsPage() {
  const t = useT();
  const receipts = usePagedResource<{ id: string; reference: string; seller_org_id: string; warehouse_id: string; lines: Array<{ sku: string; expected: number; received: number; damaged: number; discrepancy: number }>; discrepancies: number; note: string | null; created_at: string }>('/v1/inventory/receipts');
  return (
    <div className="page">
      <PageHeader title={t('inventory.receipts')} description={t('inventory.receiptsDescription')} />
      <ErrorBanner error={receipts.error} />
      <Card>
        <Table rows={receipts.items} rowKey={(r) => r.id} loading={receipts.loading} empty={<EmptyState title={t('inventory.noReceipts')} />} columns={[
          { key: 'at', header: t('inventory.when'), render: (r) => <DateTime value={r.created_at} /> },
          { key: 'ref', header: t('inventory.reference'), render: (r) => r.reference },
          { key: 'seller', header: t('inventory.seller'), wide: true, render: (r) => <span className="small">{r.seller_org_id}</span> },
          { key: 'lines', header: t('inventory.lines'), render: (r) => r.lines.map((l) => <div key={l.sku} className="small">{l.sku}: {l.received}{l.damaged ? ` + ${l.damaged} ${t('inventory.damaged')}` : ''} / {l.expected}{l.discrepancy ? ` (${signed(l.discrepancy)})` : ''}</div>) },
          { key: 'disc', header: t('inventory.discrepancies'), align: 'end', render: (r) => r.discrepancies ? <StatusBadge status="discrepancy" tone="warning" label={String(r.discrepancies)} /> : '0' },
          { key: 'note', header: t('inventory.note'), wide: true, render: (r) => r.note ?? '' },
        ]} />
        {receipts.hasMore && <Button onClick={receipts.loadMore}>{t('common.loadMore')}</Button>}
      </Card>
    </div>
  );
}
