import { useState, type FormEvent, type ReactNode } from 'react';
import { Link, NavLink, useParams } from 'react-router-dom';
import { api, useAction, usePagedResource, useResource } from '../../shell/api';
import { useT } from '../../shell/i18n';
import { useSession } from '../../shell/session';
import { Button, Card, DateTime, DetailList, EmptyState, ErrorBanner, Field, Money, Notice, PageHeader, StatusBadge, Table } from '../../shell/ui';

// ---------------------------------------------------------------- API shapes
interface Lane {
  id: string; provider_org_id: string; code: string; name: string; status: string; version: number; valid_from: string; valid_to: string; suspended: boolean; suspended_reason: string | null;
  lane: {
    mode: string; origin: { country: string; warehouseIds?: string[] }; destination: { country: string; warehouseId?: string; zones: { zone: string }[] }; via?: string[];
    transit: { minDays: number; typicalDays: number; maxDays: number }; capacity?: { perDayKg?: number; perDayParcels?: number; perWeekKg?: number; perWeekParcels?: number };
    rateCard: { currency: string; weightBreaks: { zone: string; fromGrams: number; perKgMinor: number; perParcelMinor: number }[]; fuelSurchargeBp: number; minimumChargeMinor: number; volumetricDivisor: number };
    restrictions: { allowedBatteries?: string[]; liquids: boolean; magnets: boolean; maxWeightGrams?: number }; clearance: { ddp: boolean; dap: boolean; destinations: string[] };
  };
}
interface Quote { laneId: string; lane_name: string; mode: string; price: { currency: string; chargeableGrams: number; baseMinor: number; fuelMinor: number; peakMinor: number; remoteAreaMinor: number; totalMinor: number }; transit: { shipDate: string; typical: string; typicalDays: number } }
interface Exclusion { laneId: string; lane_name?: string; code: string; reason: string; warehouseId?: string }
interface Component { name: string; value: number; unit: string; weight: number; contribution: number }
interface Candidate { id: string; landedCostMinor: number; currency: string; deliveryDate: string; transitDays: number; emissionsKg: number; score: number; components: Component[]; parts: { warehouseId: string; legs: { laneId: string; mode: string }[] }[] }
interface Decision {
  id: string; order_ref: string; status: string; batch_run_id: string | null; winner_id: string | null; winner: Candidate | null; candidates: Candidate[]; excluded: Exclusion[];
  explanation: { summary: string; decisive: { name: string; advantage: number }[]; tradeOffs: { name: string; disadvantage: number }[] } | null;
  unroutable_reason: string | null; landed_cost_minor: number | null; currency: string; delivery_date: string | null; created_at: string;
}
interface Impact { orderId: string; status: string; before: { candidateId: string; deliveryDate: string }; after?: { candidateId: string; deliveryDate: string; laneIds: string[] }; costDeltaMinor?: number; deliveryDelayDays?: number; reason?: string }
interface Disruption { id: string; description: string; status: string; policy: string; created_at: string; report: { affected_lane_ids: string[]; impacts: Impact[]; untouched: string[]; totals: { rerouted: number; unroutable: number; costDeltaMinor: number; maxDelayDays: number; delayDaysSum: number; currency: string } } }
interface Booking { id: string; org_id: string; carrier_org_id: string; lane_id: string; status: string; order_refs: string[]; tracking_number: string | null; reject_reason: string | null; ship_date: string; parcels: number; quote: Quote; shipment: { service: { laneName: string }; consignee: { name: string; city: string; country: string } }; created_at: string }
interface BookingDetail extends Booking { documents: { id: string; kind: string; filename: string }[] }

const kg = (g: number) => `${(g / 1000).toFixed(1)} kg`;

function Tabs() {
  const t = useT();
  const session = useSession();
  const provider = ['carrier', 'warehouse', 'operator'].includes(session.organisation?.kind ?? '');
  const tabs: [string, string][] = [
    ['/logistics', t('logistics.tab.lanes')],
    ...(provider ? [] : ([['/logistics/quote', t('logistics.tab.quote')], ['/logistics/routing', t('logistics.tab.routing')], ['/logistics/batches', t('logistics.tab.batches')], ['/logistics/disruptions', t('logistics.tab.disruptions')]] as [string, string][])),
    ['/logistics/bookings', provider ? t('logistics.tab.incoming') : t('logistics.tab.shipments')],
  ];
  return (
    <nav className="button-row" aria-label={t('logistics.title')} style={{ marginBottom: 16, flexWrap: 'wrap' }}>
      {tabs.map(([to, label]) => <NavLink key={to} to={to} end className={({ isActive }) => `btn btn-sm ${isActive ? 'btn-primary' : 'btn-secondary'}`}>{label}</NavLink>)}
    </nav>
  );
}

function Page({ title, description, actions, children }: { title: string; description?: string; actions?: ReactNode; children: ReactNode }) {
  return <div className="page"><PageHeader title={title} description={description} actions={actions} /><Tabs />{children}</div>;
}

// ---------------------------------------------------------------- lanes
export function LanesPage() {
  const t = useT();
  const session = useSession();
  const [mine, setMine] = useState(false);
  const lanes = useResource<{ data: Lane[] }>('/v1/logistics/lanes', mine ? { mine: 'true' } : undefined);
  const provider = ['carrier', 'warehouse', 'operator'].includes(session.organisation?.kind ?? '');
  return (
    <Page title={t('logistics.title')} description={provider ? t('logistics.lanes.providerHint') : t('logistics.lanes.sellerHint')}
      actions={provider ? <Button size="sm" onClick={() => setMine(!mine)}>{mine ? t('logistics.lanes.all') : t('logistics.lanes.mine')}</Button> : undefined}>
      <ErrorBanner error={lanes.error} />
      <Card title={t('logistics.tab.lanes')}>
        <Table caption={t('logistics.tab.lanes')} loading={lanes.loading} rows={lanes.data?.data} rowKey={(l) => l.id} empty={<EmptyState title={t('logistics.lanes.none')} />}
          columns={[
            { key: 'name', header: t('logistics.lane'), render: (l) => <><Link to={`/logistics/lanes/${l.id}`}>{l.name}</Link><div className="muted small">{l.code} · v{l.version}</div></> },
            { key: 'route', header: t('logistics.route'), render: (l) => `${l.lane.origin.country} → ${l.lane.destination.country}${l.lane.destination.warehouseId ? ` (${l.lane.destination.warehouseId})` : ''}` },
            { key: 'mode', header: t('logistics.mode'), render: (l) => l.lane.mode.replace(/_/g, ' ') },
            { key: 'transit', header: t('logistics.transit'), render: (l) => t('logistics.days', { min: l.lane.transit.minDays, max: l.lane.transit.maxDays }) },
            { key: 'capacity', header: t('logistics.capacity'), wide: true, render: (l) => (l.lane.capacity?.perDayKg ? `${l.lane.capacity.perDayKg} kg/d` : '—') },
            { key: 'status', header: t('logistics.status'), render: (l) => <StatusBadge status={l.suspended ? 'suspended' : l.status} tone={l.suspended ? 'danger' : undefined} /> },
          ]} />
      </Card>
    </Page>
  );
}

export function LanePage() {
  const t = useT();
  const { id } = useParams();
  const session = useSession();
  const lane = useResource<Lane>(`/v1/logistics/lanes/${id}`);
  const own = lane.data?.provider_org_id === session.organisation?.id;
  const [csv, setCsv] = useState('zone,from_kg,per_kg,per_parcel\n');
  const [importResult, setImportResult] = useState<{ ok: boolean; applied: boolean; errors: { line: number; column?: string; message: string }[]; warnings: { line: number; message: string }[]; version: number } | null>(null);
  const importCsv = useAction(async (dryRun: boolean) => {
    const r = await api.post<any>(`/v1/logistics/lanes/${id}/rate-card/import`, { csv, dry_run: dryRun });
    setImportResult(r);
    if (r.applied) lane.reload();
  });
  const [cap, setCap] = useState({ perDayKg: '', perDayParcels: '' });
  const saveCap = useAction(async () => {
    await api.put(`/v1/logistics/lanes/${id}/capacity`, { ...(cap.perDayKg ? { perDayKg: Number(cap.perDayKg) } : {}), ...(cap.perDayParcels ? { perDayParcels: Number(cap.perDayParcels) } : {}) });
    lane.reload();
  });
  const suspend = useAction(async () => {
    if (lane.data!.suspended) await api.post(`/v1/logistics/lanes/${id}/resume`);
    else await api.post(`/v1/logistics/lanes/${id}/suspend`, { reason: t('logistics.lane.suspendedByProvider') });
    lane.reload();
  });
  const l = lane.data;
  return (
    <Page title={l?.name ?? t('logistics.lane')} actions={own && l ? <Button size="sm" variant={l.suspended ? 'primary' : 'danger'} loading={suspend.pending} onClick={() => void suspend.run()}>{l.suspended ? t('logistics.lane.resume') : t('logistics.lane.suspend')}</Button> : undefined}>
      <ErrorBanner error={lane.error ?? suspend.error} />
      {l && (
        <>
          <Card title={t('logistics.lane.details')}>
            <DetailList items={[
              [t('logistics.route'), `${l.lane.origin.country} → ${l.lane.destination.country}`],
              [t('logistics.mode'), l.lane.mode],
              [t('logistics.via'), (l.lane.via ?? []).join(', ') || '—'],
              [t('logistics.transit'), t('logistics.days', { min: l.lane.transit.minDays, max: l.lane.transit.maxDays })],
              [t('logistics.validity'), `${l.valid_from} — ${l.valid_to} (v${l.version})`],
              [t('logistics.clearance'), `${l.lane.clearance.ddp ? 'DDP ' : ''}${l.lane.clearance.dap ? 'DAP ' : ''}${l.lane.clearance.destinations.join(', ')}`],
              [t('logistics.restrictions'), `${t('logistics.batteries')}: ${(l.lane.restrictions.allowedBatteries ?? []).join(', ') || '—'}; ${t('logistics.liquids')}: ${l.lane.restrictions.liquids ? '✓' : '✗'}; ${t('logistics.magnets')}: ${l.lane.restrictions.magnets ? '✓' : '✗'}`],
              [t('logistics.capacity'), l.lane.capacity ? JSON.stringify(l.lane.capacity) : '—'],
              ...(l.suspended ? [[t('logistics.status'), <StatusBadge key="s" status="suspended" tone="danger" label={l.suspended_reason ?? ''} />] as [ReactNode, ReactNode]] : []),
            ]} />
          </Card>
          <Card title={t('logistics.rateCard')}>
            <p className="muted small">{t('logistics.rateCard.summary', { currency: l.lane.rateCard.currency, fuel: (l.lane.rateCard.fuelSurchargeBp / 100).toFixed(2), divisor: l.lane.rateCard.volumetricDivisor })}</p>
            <Table caption={t('logistics.rateCard')} rows={l.lane.rateCard.weightBreaks} rowKey={(b) => `${b.zone}-${b.fromGrams}`}
              columns={[
                { key: 'zone', header: t('logistics.zone') },
                { key: 'from', header: t('logistics.fromKg'), align: 'end', render: (b) => (b.fromGrams / 1000).toFixed(1) },
                { key: 'perKg', header: t('logistics.perKg'), align: 'end', render: (b) => <Money minor={b.perKgMinor} currency={l.lane.rateCard.currency} /> },
                { key: 'perParcel', header: t('logistics.perParcel'), align: 'end', render: (b) => <Money minor={b.perParcelMinor} currency={l.lane.rateCard.currency} /> },
              ]} />
          </Card>
          {own && (
            <div className="grid-2">
              <Card title={t('logistics.rateCard.import')}>
                <form className="form" onSubmit={(e: FormEvent) => { e.preventDefault(); void importCsv.run(true); }}>
                  <Field label={t('logistics.rateCard.csv')} hint={t('logistics.rateCard.csvHint')}>
                    <textarea rows={8} value={csv} onChange={(e) => setCsv(e.target.value)} spellCheck={false} style={{ fontFamily: 'monospace' }} />
                  </Field>
                  <div className="button-row">
                    <Button type="submit" loading={importCsv.pending}>{t('logistics.rateCard.dryRun')}</Button>
                    <Button variant="primary" loading={importCsv.pending} onClick={() => void importCsv.run(false)}>{t('logistics.rateCard.apply')}</Button>
                  </div>
                </form>
                <ErrorBanner error={importCsv.error} />
                {importResult && (importResult.ok
                  ? <Notice tone="success">{importResult.applied ? t('logistics.rateCard.applied', { version: importResult.version }) : t('logistics.rateCard.clean')}</Notice>
                  : <Notice tone="warning">{importResult.errors.map((e) => `${t('logistics.line')} ${e.line}: ${e.message}`).join(' · ')}</Notice>)}
              </Card>
              <Card title={t('logistics.capacity')}>
                <form className="form" onSubmit={(e: FormEvent) => { e.preventDefault(); void saveCap.run(); }}>
                  <Field label={t('logistics.capacity.perDayKg')}><input inputMode="numeric" value={cap.perDayKg} onChange={(e) => setCap({ ...cap, perDayKg: e.target.value })} /></Field>
                  <Field label={t('logistics.capacity.perDayParcels')}><input inputMode="numeric" value={cap.perDayParcels} onChange={(e) => setCap({ ...cap, perDayParcels: e.target.value })} /></Field>
                  <Button type="submit" variant="primary" loading={saveCap.pending}>{t('logistics.save')}</Button>
                </form>
                <ErrorBanner error={saveCap.error} />
              </Card>
            </div>
          )}
        </>
      )}
    </Page>
  );
}

// ---------------------------------------------------------------- quote calculator
export function QuotePage() {
  const t = useT();
  const [form, setForm] = useState({ origin: 'CN', destination: 'US', postcode: '60601', weight: '1.2', l: '30', w: '20', h: '15', value: '50.00', currency: 'USD', incoterm: 'DDP', date: '' });
  const [result, setResult] = useState<{ quotes: Quote[]; excluded: Exclusion[] } | null>(null);
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  const run = useAction(async () => {
    const [major, minor = ''] = form.value.split('.');
    setResult(await api.post('/v1/logistics/quotes', {
      ...(form.date ? { date: form.date } : {}),
      shipment: {
        origin: { country: form.origin }, destination: { country: form.destination, postcode: form.postcode }, incoterm: form.incoterm,
        parcels: [{ weightGrams: Math.round(Number(form.weight) * 1000), lengthCm: Number(form.l), widthCm: Number(form.w), heightCm: Number(form.h) }],
        declaredValue: { currency: form.currency, amountMinor: Number(major) * 100 + Number(minor.padEnd(2, '0').slice(0, 2)) },
      },
    }));
  });
  return (
    <Page title={t('logistics.tab.quote')} description={t('logistics.quote.hint')}>
      <Card>
        <form className="form" onSubmit={(e: FormEvent) => { e.preventDefault(); void run.run(); }}>
          <div className="grid-2">
            <Field label={t('logistics.origin')}><input value={form.origin} onChange={set('origin')} maxLength={2} /></Field>
            <Field label={t('logistics.destination')}><input value={form.destination} onChange={set('destination')} maxLength={2} /></Field>
            <Field label={t('logistics.postcode')}><input value={form.postcode} onChange={set('postcode')} /></Field>
            <Field label={t('logistics.weightKg')}><input value={form.weight} onChange={set('weight')} inputMode="decimal" /></Field>
            <Field label={t('logistics.dimensions')}><div className="button-row"><input value={form.l} onChange={set('l')} aria-label="L" /><input value={form.w} onChange={set('w')} aria-label="W" /><input value={form.h} onChange={set('h')} aria-label="H" /></div></Field>
            <Field label={t('logistics.declaredValue')}><div className="button-row"><input value={form.value} onChange={set('value')} inputMode="decimal" /><input value={form.currency} onChange={set('currency')} maxLength={3} /></div></Field>
            <Field label={t('logistics.incoterm')}><select value={form.incoterm} onChange={set('incoterm')}><option>DDP</option><option>DAP</option></select></Field>
            <Field label={t('logistics.date')}><input type="date" value={form.date} onChange={set('date')} /></Field>
          </div>
          <Button type="submit" variant="primary" loading={run.pending}>{t('logistics.quote.run')}</Button>
        </form>
        <ErrorBanner error={run.error} />
      </Card>
      {result && (
        <>
          <Card title={t('logistics.quote.eligible')}>
            <Table caption={t('logistics.quote.eligible')} rows={result.quotes} rowKey={(q) => q.laneId} empty={<EmptyState title={t('logistics.quote.noneEligible')} />}
              columns={[
                { key: 'lane', header: t('logistics.lane'), render: (q) => <Link to={`/logistics/lanes/${q.laneId}`}>{q.lane_name}</Link> },
                { key: 'mode', header: t('logistics.mode') },
                { key: 'chargeable', header: t('logistics.chargeable'), align: 'end', render: (q) => kg(q.price.chargeableGrams) },
                { key: 'base', header: t('logistics.base'), align: 'end', wide: true, render: (q) => <Money minor={q.price.baseMinor} currency={q.price.currency} /> },
                { key: 'fuel', header: t('logistics.fuel'), align: 'end', wide: true, render: (q) => <Money minor={q.price.fuelMinor} currency={q.price.currency} /> },
                { key: 'surcharges', header: t('logistics.surcharges'), align: 'end', wide: true, render: (q) => <Money minor={q.price.peakMinor + q.price.remoteAreaMinor} currency={q.price.currency} /> },
                { key: 'total', header: t('logistics.total'), align: 'end', render: (q) => <strong><Money minor={q.price.totalMinor} currency={q.price.currency} /></strong> },
                { key: 'delivery', header: t('logistics.delivery'), render: (q) => `${q.transit.typical} (${q.transit.typicalDays} d)` },
              ]} />
          </Card>
          <ExcludedCard rows={result.excluded} />
        </>
      )}
    </Page>
  );
}

function ExcludedCard({ rows }: { rows: Exclusion[] }) {
  const t = useT();
  return (
    <Card title={t('logistics.excluded')}>
      <Table caption={t('logistics.excluded')} rows={rows} rowKey={(e) => `${e.warehouseId ?? ''}:${e.laneId}`} empty={<EmptyState title={t('logistics.excluded.none')} />}
        columns={[
          { key: 'lane', header: t('logistics.lane'), render: (e) => e.lane_name ?? e.laneId },
          ...(rows.some((r) => r.warehouseId) ? [{ key: 'warehouseId', header: t('logistics.warehouse') }] : []),
          { key: 'code', header: t('logistics.reasonCode'), render: (e) => <StatusBadge status={e.code} tone="neutral" /> },
          { key: 'reason', header: t('logistics.reason') },
        ]} />
    </Card>
  );
}

// ---------------------------------------------------------------- routing decisions
export function DecisionsPage() {
  const t = useT();
  const list = usePagedResource<Decision>('/v1/logistics/routing/decisions');
  const [orderId, setOrderId] = useState('');
  const route = useAction(async () => {
    const d = await api.post<Decision>('/v1/logistics/routing/decisions', { order_id: orderId.trim() });
    list.reload();
    return d;
  });
  return (
    <Page title={t('logistics.tab.routing')} description={t('logistics.routing.hint')}>
      <Card title={t('logistics.routing.routeOrder')}>
        <form className="form" onSubmit={(e: FormEvent) => { e.preventDefault(); void route.run(); }}>
          <Field label={t('logistics.orderId')} hint={t('logistics.routing.orderIdHint')}><input value={orderId} onChange={(e) => setOrderId(e.target.value)} placeholder="ord_…" spellCheck={false} /></Field>
          <Button type="submit" variant="primary" loading={route.pending} disabled={!orderId.trim()}>{t('logistics.routing.route')}</Button>
        </form>
        <ErrorBanner error={route.error} />
      </Card>
      <Card title={t('logistics.routing.decisions')}>
        <ErrorBanner error={list.error} />
        <DecisionTable rows={list.items} loading={list.loading} />
        {list.hasMore && <Button onClick={list.loadMore}>{t('logistics.more')}</Button>}
      </Card>
    </Page>
  );
}

function DecisionTable({ rows, loading }: { rows: Decision[]; loading?: boolean }) {
  const t = useT();
  return (
    <Table caption={t('logistics.routing.decisions')} loading={loading} rows={rows} rowKey={(d) => d.id} empty={<EmptyState title={t('logistics.routing.none')} />}
      columns={[
        { key: 'order', header: t('logistics.order'), render: (d) => <Link to={`/logistics/routing/${d.id}`}>{d.order_ref}</Link> },
        { key: 'winner', header: t('logistics.winner'), render: (d) => d.winner_id ?? <span className="muted">{d.unroutable_reason}</span> },
        { key: 'cost', header: t('logistics.landedCost'), align: 'end', render: (d) => (d.landed_cost_minor == null ? '—' : <Money minor={d.landed_cost_minor} currency={d.currency} />) },
        { key: 'delivery', header: t('logistics.delivery'), render: (d) => d.delivery_date ?? '—' },
        { key: 'status', header: t('logistics.status'), render: (d) => <StatusBadge status={d.status} /> },
      ]} />
  );
}

export function DecisionPage() {
  const t = useT();
  const { id } = useParams();
  const d = useResource<Decision>(`/v1/logistics/routing/decisions/${id}`);
  const data = d.data;
  const componentNames = data?.candidates[0]?.components.map((c) => c.name) ?? [];
  return (
    <Page title={data ? t('logistics.routing.decisionFor', { order: data.order_ref }) : t('logistics.tab.routing')}>
      <ErrorBanner error={d.error} />
      {data && (
        <>
          <Card title={t('logistics.explanation')}>
            {data.explanation ? <p>{data.explanation.summary}</p> : <Notice tone="warning">{data.unroutable_reason}</Notice>}
            <DetailList items={[
              [t('logistics.status'), <StatusBadge key="s" status={data.status} />],
              [t('logistics.winner'), data.winner_id ?? '—'],
              [t('logistics.decisive'), data.explanation?.decisive.map((x) => `${x.name} (+${x.advantage.toFixed(2)})`).join(', ') || '—'],
              [t('logistics.tradeOffs'), data.explanation?.tradeOffs.map((x) => `${x.name} (−${x.disadvantage.toFixed(2)})`).join(', ') || '—'],
            ]} />
          </Card>
          <Card title={t('logistics.candidates')}>
            <Table caption={t('logistics.candidates')} rows={data.candidates} rowKey={(c) => c.id}
              columns={[
                { key: 'id', header: t('logistics.candidate'), render: (c) => <>{c.id === data.winner_id ? '★ ' : ''}{c.parts.map((p) => `${p.warehouseId}: ${p.legs.map((l) => l.mode).join(' → ')}`).join(' + ')}<div className="muted small">{c.id}</div></> },
                { key: 'cost', header: t('logistics.landedCost'), align: 'end', render: (c) => <Money minor={c.landedCostMinor} currency={c.currency} /> },
                { key: 'delivery', header: t('logistics.delivery'), render: (c) => `${c.deliveryDate} (${c.transitDays} d)` },
                ...componentNames.map((n) => ({ key: n, header: n, align: 'end' as const, wide: true, render: (c: Candidate) => c.components.find((x) => x.name === n)?.contribution.toFixed(2) ?? '' })),
                { key: 'score', header: t('logistics.score'), align: 'end', render: (c) => <strong>{c.score.toFixed(2)}</strong> },
              ]} />
          </Card>
          <ExcludedCard rows={data.excluded} />
        </>
      )}
    </Page>
  );
}

// ---------------------------------------------------------------- batch allocation
export function BatchPage() {
  const t = useT();
  const runs = useResource<{ data: { id: string; method: string; status: string; order_count: number; totals: any; created_at: string }[] }>('/v1/logistics/routing/batches');
  const [ids, setIds] = useState('');
  const [method, setMethod] = useState('heuristic');
  const [result, setResult] = useState<{ id: string; totals: any; decisions: Decision[] } | null>(null);
  const run = useAction(async () => {
    const order_ids = ids.split(/[\s,]+/).filter(Boolean);
    setResult(await api.post('/v1/logistics/routing/batches', { order_ids, method }));
    runs.reload();
  });
  return (
    <Page title={t('logistics.tab.batches')} description={t('logistics.batch.hint')}>
      <Card title={t('logistics.batch.run')}>
        <form className="form" onSubmit={(e: FormEvent) => { e.preventDefault(); void run.run(); }}>
          <Field label={t('logistics.batch.orderIds')}><textarea rows={4} value={ids} onChange={(e) => setIds(e.target.value)} placeholder="ord_… ord_…" spellCheck={false} /></Field>
          <Field label={t('logistics.batch.method')}><select value={method} onChange={(e) => setMethod(e.target.value)}><option value="heuristic">{t('logistics.batch.heuristic')}</option><option value="exact">{t('logistics.batch.exact')}</option></select></Field>
          <Button type="submit" variant="primary" loading={run.pending} disabled={!ids.trim()}>{t('logistics.batch.start')}</Button>
        </form>
        <ErrorBanner error={run.error} />
      </Card>
      {result && (
        <Card title={t('logistics.batch.totals')}>
          <DetailList items={[
            [t('logistics.batch.allocated'), `${result.totals.allocated} / ${result.totals.orders}`],
            [t('logistics.landedCost'), <Money key="m" minor={result.totals.landed_cost_minor} currency={result.totals.currency} />],
            [t('logistics.score'), `${result.totals.total_score} (${t('logistics.batch.unconstrained')}: ${result.totals.unconstrained_best_score})`],
          ]} />
          <DecisionTable rows={result.decisions} />
        </Card>
      )}
      <Card title={t('logistics.batch.history')}>
        <Table caption={t('logistics.batch.history')} loading={runs.loading} rows={runs.data?.data} rowKey={(r) => r.id} empty={<EmptyState title={t('logistics.batch.none')} />}
          columns={[
            { key: 'created_at', header: t('logistics.date'), render: (r) => <DateTime value={r.created_at} /> },
            { key: 'method', header: t('logistics.batch.method') },
            { key: 'orders', header: t('logistics.batch.allocated'), align: 'end', render: (r) => `${r.totals.allocated ?? '?'} / ${r.order_count}` },
            { key: 'cost', header: t('logistics.landedCost'), align: 'end', render: (r) => (r.totals.currency ? <Money minor={r.totals.landed_cost_minor} currency={r.totals.currency} /> : '—') },
          ]} />
      </Card>
    </Page>
  );
}

// ---------------------------------------------------------------- disruption simulator
export function DisruptionPage() {
  const t = useT();
  const list = useResource<{ data: Disruption[] }>('/v1/logistics/disruptions');
  const [form, setForm] = useState({ description: 'Red Sea closed to container traffic', via: 'red-sea', destination: '', policy: 'confirm' });
  const [current, setCurrent] = useState<Disruption | null>(null);
  const simulate = useAction(async () => {
    const d = await api.post<Disruption>('/v1/logistics/disruptions', {
      description: form.description, policy: form.policy,
      ...(form.via ? { via: form.via.split(/[\s,]+/).filter(Boolean) } : {}),
      ...(form.destination ? { destination_countries: form.destination.split(/[\s,]+/).filter(Boolean) } : {}),
    });
    setCurrent(d);
    list.reload();
  });
  const apply = useAction(async (id: string) => { setCurrent(await api.post<Disruption>(`/v1/logistics/disruptions/${id}/apply`)); list.reload(); });
  const discard = useAction(async (id: string) => { setCurrent(await api.post<Disruption>(`/v1/logistics/disruptions/${id}/discard`)); list.reload(); });
  const d = current;
  return (
    <Page title={t('logistics.tab.disruptions')} description={t('logistics.disruption.hint')}>
      <Card title={t('logistics.disruption.simulate')}>
        <form className="form" onSubmit={(e: FormEvent) => { e.preventDefault(); void simulate.run(); }}>
          <div className="grid-2">
            <Field label={t('logistics.disruption.description')}><input value={form.description} onChange={(e) => setForm({ ...form, description: e.target.value })} /></Field>
            <Field label={t('logistics.disruption.via')} hint={t('logistics.disruption.viaHint')}><input value={form.via} onChange={(e) => setForm({ ...form, via: e.target.value })} /></Field>
            <Field label={t('logistics.disruption.destinations')}><input value={form.destination} onChange={(e) => setForm({ ...form, destination: e.target.value.toUpperCase() })} placeholder="DE, NL" /></Field>
            <Field label={t('logistics.disruption.policy')}><select value={form.policy} onChange={(e) => setForm({ ...form, policy: e.target.value })}><option value="confirm">{t('logistics.disruption.confirm')}</option><option value="auto">{t('logistics.disruption.auto')}</option></select></Field>
          </div>
          <Button type="submit" variant="primary" loading={simulate.pending}>{t('logistics.disruption.run')}</Button>
        </form>
        <ErrorBanner error={simulate.error ?? apply.error ?? discard.error} />
      </Card>
      {d && (
        <Card title={d.description} actions={d.status === 'proposed' ? <div className="button-row"><Button variant="primary" size="sm" loading={apply.pending} onClick={() => void apply.run(d.id)}>{t('logistics.disruption.apply')}</Button><Button size="sm" onClick={() => void discard.run(d.id)}>{t('logistics.disruption.discard')}</Button></div> : <StatusBadge status={d.status} />}>
          <DetailList items={[
            [t('logistics.disruption.affectedLanes'), d.report.affected_lane_ids.length],
            [t('logistics.disruption.rerouted'), `${d.report.totals.rerouted} (${t('logistics.disruption.unroutable')}: ${d.report.totals.unroutable})`],
            [t('logistics.disruption.costImpact'), <Money key="c" minor={d.report.totals.costDeltaMinor} currency={d.report.totals.currency} />],
            [t('logistics.disruption.maxDelay'), t('logistics.disruption.daysValue', { days: d.report.totals.maxDelayDays })],
          ]} />
          <Table caption={t('logistics.disruption.impacts')} rows={d.report.impacts} rowKey={(i) => i.orderId} empty={<EmptyState title={t('logistics.disruption.noImpact')} />}
            columns={[
              { key: 'orderId', header: t('logistics.order') },
              { key: 'status', header: t('logistics.status'), render: (i) => <StatusBadge status={i.status} tone={i.status === 'rerouted' ? 'warning' : 'danger'} /> },
              { key: 'before', header: t('logistics.disruption.before'), render: (i) => <>{i.before.candidateId}<div className="muted small">{i.before.deliveryDate}</div></> },
              { key: 'after', header: t('logistics.disruption.after'), render: (i) => (i.after ? <>{i.after.candidateId}<div className="muted small">{i.after.deliveryDate}</div></> : i.reason) },
              { key: 'cost', header: t('logistics.disruption.costImpact'), align: 'end', render: (i) => (i.costDeltaMinor == null ? '—' : <Money minor={i.costDeltaMinor} currency={d.report.totals.currency} />) },
              { key: 'delay', header: t('logistics.disruption.delay'), align: 'end', render: (i) => (i.deliveryDelayDays == null ? '—' : `${i.deliveryDelayDays > 0 ? '+' : ''}${i.deliveryDelayDays} d`) },
            ]} />
        </Card>
      )}
      <Card title={t('logistics.disruption.history')}>
        <Table caption={t('logistics.disruption.history')} loading={list.loading} rows={list.data?.data} rowKey={(x) => x.id} empty={<EmptyState title={t('logistics.disruption.none')} />}
          columns={[
            { key: 'description', header: t('logistics.disruption.description'), render: (x) => <button className="btn btn-sm btn-secondary" onClick={() => setCurrent(x)}>{x.description}</button> },
            { key: 'status', header: t('logistics.status'), render: (x) => <StatusBadge status={x.status} /> },
            { key: 'rerouted', header: t('logistics.disruption.rerouted'), align: 'end', render: (x) => x.report.totals.rerouted },
            { key: 'created_at', header: t('logistics.date'), render: (x) => <DateTime value={x.created_at} /> },
          ]} />
      </Card>
    </Page>
  );
}

// ---------------------------------------------------------------- bookings / shipments
export function BookingsPage() {
  const t = useT();
  const session = useSession();
  const provider = ['carrier', 'warehouse', 'operator'].includes(session.organisation?.kind ?? '');
  const list = usePagedResource<Booking>('/v1/logistics/bookings', provider ? { role: 'carrier' } : { role: 'seller' });
  const [open, setOpen] = useState<string | null>(null);
  const detail = useResource<BookingDetail>(open ? `/v1/logistics/bookings/${open}` : null);
  const act = useAction(async (id: string, what: 'accept' | 'reject' | 'cancel' | 'documents') => {
    if (what === 'reject') {
      const reason = window.prompt(t('logistics.booking.rejectReason'));
      if (!reason) return;
      await api.post(`/v1/logistics/bookings/${id}/reject`, { reason });
    } else await api.post(`/v1/logistics/bookings/${id}/${what}`, {});
    list.reload();
    setOpen(id);
    detail.reload();
  });
  return (
    <Page title={provider ? t('logistics.tab.incoming') : t('logistics.tab.shipments')} description={provider ? t('logistics.booking.providerHint') : t('logistics.booking.sellerHint')}>
      <ErrorBanner error={list.error ?? act.error} />
      <Card>
        <Table caption={t('logistics.tab.shipments')} loading={list.loading} rows={list.items} rowKey={(b) => b.id} empty={<EmptyState title={t('logistics.booking.none')} />}
          columns={[
            { key: 'id', header: t('logistics.booking'), render: (b) => <button className="btn btn-sm btn-secondary" onClick={() => setOpen(b.id)}>{b.id.slice(0, 12)}…</button> },
            { key: 'orders', header: t('logistics.order'), render: (b) => b.order_refs.join(', ') },
            { key: 'lane', header: t('logistics.lane'), render: (b) => b.shipment.service.laneName },
            { key: 'to', header: t('logistics.consignee'), wide: true, render: (b) => `${b.shipment.consignee.name}, ${b.shipment.consignee.city} ${b.shipment.consignee.country}` },
            { key: 'price', header: t('logistics.total'), align: 'end', render: (b) => <Money minor={b.quote.price.totalMinor} currency={b.quote.price.currency} /> },
            { key: 'tracking', header: t('logistics.tracking'), render: (b) => b.tracking_number ?? '—' },
            { key: 'status', header: t('logistics.status'), render: (b) => <StatusBadge status={b.status} /> },
            { key: 'actions', header: '', render: (b) => (
              <div className="button-row">
                {provider && b.status === 'requested' && <><Button size="sm" variant="primary" onClick={() => void act.run(b.id, 'accept')}>{t('logistics.booking.accept')}</Button><Button size="sm" variant="danger" onClick={() => void act.run(b.id, 'reject')}>{t('logistics.booking.reject')}</Button></>}
                {!provider && b.status === 'requested' && <Button size="sm" onClick={() => void act.run(b.id, 'cancel')}>{t('logistics.booking.cancel')}</Button>}
              </div>
            ) },
          ]} />
        {list.hasMore && <Button onClick={list.loadMore}>{t('logistics.more')}</Button>}
      </Card>
      {detail.data && (
        <Card title={t('logistics.documents')} actions={!provider && ['requested', 'accepted'].includes(detail.data.status) ? <Button size="sm" loading={act.pending} onClick={() => void act.run(detail.data!.id, 'documents')}>{t('logistics.documents.generate')}</Button> : undefined}>
          {detail.data.reject_reason && <Notice tone="warning">{detail.data.reject_reason}</Notice>}
          {detail.data.documents.length === 0 ? <EmptyState title={t('logistics.documents.none')} /> : (
            <ul>{detail.data.documents.map((doc) => <li key={doc.id}><a href={`/v1/logistics/documents/${doc.id}`} target="_blank" rel="noreferrer">{t(`logistics.documents.${doc.kind}`)}</a> <span className="muted small">{doc.filename}</span></li>)}</ul>
          )}
        </Card>
      )}
    </Page>
  );
}
