import { useState, type FormEvent, type ReactNode } from 'react';
import { Link, NavLink, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { api, useAction, usePagedResource, useResource } from '../../shell/api';
import { useT } from '../../shell/i18n';
import { useSession } from '../../shell/session';
import { Button, Card, DateTime, DetailList, EmptyState, ErrorBanner, Field, Money, PageHeader, StatusBadge, Table } from '../../shell/ui';
import { ReadingsChart, RoutePicture } from './charts';

// ---------------------------------------------------------------- API shapes
interface Shipment {
  id: string; carrier: string; tracking_number: string; status: string; stage: string | null; customs: string | null;
  origin_country: string | null; destination_country: string | null; destination_postcode: string | null; lane_id: string | null; order_id: string | null;
  promised_delivery_at: string | null; predicted_delivery_at: string | null; delivered_at: string | null; last_event_at: string | null; event_count: number;
  freight: { amount: number; currency: string } | null; handling: { temperatureC?: { min: number; max: number }; humidityPct?: { min: number; max: number }; shockG?: number } | null;
  parties: Record<string, string | null>; force_majeure: boolean;
}
interface TrackingEvent { id: string; status: string; stage: string | null; customs: string | null; occurred_at: string | null; location: { city: string | null; country: string | null; lat: number | null; lon: number | null; code: string | null }; description: string; raw_status_code: string; source: string }
interface ExceptionRow { id: string; shipment_id: string; rule: string; severity: string; title: string; status: string; assignee: string | null; cause: string | null; owner_org_id: string; since: string; opened_at: string; facts: Record<string, any>; tracking_number?: string; resolution: string | null }
interface Note { id: string; kind: string; body: string; author_org_id: string | null; created_at: string }
interface Evaluation { id: string; shipment_id: string; tracking_number?: string; breached: boolean; days_late: number; penalty: { amount: number; currency: string }; status: string; computation: { steps: string[] }; dispute_reason: string | null; carrier_org_id: string; seller_org_id: string; created_at: string }
interface Milestone { id: string; tracking_number?: string; stage: string; label: string | null; percent_bp: number; amount: { amount: number; currency: string }; status: string; reached_at: string; seller_org_id: string }
interface ScoreRow { carrier_org_id: string; lane_id: string | null; period: string; shipments: number; delivered: number; onTimeRate: number | null; deliverySuccessRate: number | null; damageLossRate: number | null; exceptionRate: number | null; avg_dwell_hours: number | null; sla_breaches: number; reliability: number }
interface Reading { device_id: string; kind: string; recorded_at: string; value: Record<string, number> }

const STATUSES = ['pending', 'picked_up', 'in_transit', 'on_hold', 'out_for_delivery', 'ready_for_pickup', 'delivered', 'delivery_failed', 'delivery_delayed', 'return_to_sender', 'cancelled', 'unknown'];
const TONE: Record<string, 'success' | 'warning' | 'danger' | 'info' | 'neutral'> = {
  delivered: 'success', in_transit: 'info', picked_up: 'info', out_for_delivery: 'info', on_hold: 'warning', delivery_delayed: 'warning', delivery_failed: 'danger', return_to_sender: 'danger',
  open: 'warning', acknowledged: 'info', resolved: 'success', dismissed: 'neutral', penalised: 'danger', met: 'success', excluded: 'neutral', disputed: 'warning', upheld: 'danger', reversed: 'success', insufficient_deposit: 'danger', reached: 'warning', released: 'success',
  critical: 'danger', warning: 'warning', info: 'info',
};
const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)} %`);

function Tracked({ status }: { status: string }) {
  const t = useT();
  const key = `tracking.status.${status}`;
  const label = t(key);
  return <StatusBadge status={status} tone={TONE[status]} label={label === key ? status.replace(/_/g, ' ') : label} />;
}

function Tabs() {
  const t = useT();
  const tabs: [string, string][] = [['/tracking', t('tracking.tab.shipments')], ['/tracking/exceptions', t('tracking.tab.exceptions')], ['/tracking/sla', t('tracking.tab.sla')], ['/tracking/scorecards', t('tracking.tab.scorecards')]];
  return (
    <nav className="button-row" aria-label={t('tracking.title')} style={{ marginBottom: 16, flexWrap: 'wrap' }}>
      {tabs.map(([to, label]) => <NavLink key={to} to={to} end className={({ isActive }) => `btn btn-sm ${isActive ? 'btn-primary' : 'btn-secondary'}`}>{label}</NavLink>)}
    </nav>
  );
}

function Page({ title, description, children }: { title: string; description?: string; children: ReactNode }) {
  return <div className="page"><PageHeader title={title} description={description} /><Tabs />{children}</div>;
}

// ---------------------------------------------------------------- shipments
export function ShipmentsPage() {
  const t = useT();
  const [status, setStatus] = useState('');
  const [exceptionsOnly, setExceptionsOnly] = useState(false);
  const list = usePagedResource<Shipment>('/v1/tracking/shipments', { status: status || undefined, has_exception: exceptionsOnly ? 'true' : undefined });
  return (
    <Page title={t('tracking.title')} description={t('tracking.description')}>
      <div className="chips" role="group" aria-label={t('tracking.filter')}>
        <button type="button" className={`chip ${status === '' ? 'active' : ''}`} aria-pressed={status === ''} onClick={() => setStatus('')}>{t('tracking.all')}</button>
        {['in_transit', 'on_hold', 'out_for_delivery', 'delivered', 'delivery_failed', 'return_to_sender'].map((s) => (
          <button key={s} type="button" className={`chip ${status === s ? 'active' : ''}`} aria-pressed={status === s} onClick={() => setStatus(s)}>{t(`tracking.status.${s}`)}</button>
        ))}
        <label className="chip"><input type="checkbox" checked={exceptionsOnly} onChange={(e) => setExceptionsOnly(e.target.checked)} /> {t('tracking.withExceptions')}</label>
      </div>
      <ErrorBanner error={list.error} />
      <Card>
        <Table rows={list.items} rowKey={(s) => s.id} loading={list.loading} empty={<EmptyState title={t('tracking.none')} />}
          columns={[
            { key: 'tn', header: t('tracking.trackingNumber'), render: (s) => <Link to={`/tracking/${s.id}`}>{s.tracking_number}</Link> },
            { key: 'carrier', header: t('tracking.carrier') },
            { key: 'status', header: t('common.status'), render: (s) => <Tracked status={s.status} /> },
            { key: 'route', header: t('tracking.route'), wide: true, render: (s) => `${s.origin_country ?? '?'} → ${s.destination_country ?? '?'}` },
            { key: 'last', header: t('tracking.lastEvent'), wide: true, render: (s) => <DateTime value={s.last_event_at} /> },
            { key: 'promised', header: t('tracking.promised'), render: (s) => <DateTime value={s.promised_delivery_at} style="date" /> },
          ]} />
        {list.hasMore && <Button onClick={list.loadMore}>{t('common.loadMore')}</Button>}
      </Card>
    </Page>
  );
}

export function ShipmentPage() {
  const t = useT();
  const { id } = useParams();
  const shp = useResource<Shipment & { events: TrackingEvent[]; exceptions: ExceptionRow[] }>(`/v1/tracking/shipments/${id}`);
  const iot = useResource<{ handling: Shipment['handling']; data: Reading[] }>(`/v1/tracking/shipments/${id}/iot`);
  const s = shp.data;
  const events = s?.events ?? [];
  const points = events.filter((e) => e.location?.lat != null && e.location?.lon != null).map((e) => ({ lat: e.location.lat!, lon: e.location.lon!, at: e.occurred_at, source: 'scan' }))
    .concat((iot.data?.data ?? []).filter((r) => r.kind === 'gps').map((r) => ({ lat: r.value.lat!, lon: r.value.lon!, at: r.recorded_at, source: 'gps' })))
    .sort((a, b) => String(a.at).localeCompare(String(b.at)));
  const countries: string[] = [];
  for (const c of [s?.origin_country, ...events.map((e) => e.location?.country)]) if (c && countries[countries.length - 1] !== c) countries.push(c);
  const temps = (iot.data?.data ?? []).filter((r) => r.kind === 'temperature').map((r) => ({ at: r.recorded_at, value: r.value.celsius! }));
  const humidity = (iot.data?.data ?? []).filter((r) => r.kind === 'humidity').map((r) => ({ at: r.recorded_at, value: r.value.percent! }));
  return (
    <Page title={s ? `${s.carrier} ${s.tracking_number}` : t('tracking.shipment')}>
      <ErrorBanner error={shp.error} />
      {s && (
        <div className="grid-2">
          <Card title={t('tracking.summary')}>
            <DetailList items={[
              [t('common.status'), <Tracked status={s.status} />],
              [t('tracking.stage'), s.stage ? t(`tracking.stage.${s.stage}`) : '—'],
              [t('tracking.route'), `${s.origin_country ?? '?'} → ${s.destination_country ?? '?'} ${s.destination_postcode ?? ''}`],
              [t('tracking.promised'), <DateTime value={s.promised_delivery_at} style="date" />],
              [t('tracking.predicted'), <DateTime value={s.predicted_delivery_at} style="date" />],
              [t('tracking.delivered'), <DateTime value={s.delivered_at} />],
              [t('tracking.freight'), s.freight ? <Money minor={s.freight.amount} currency={s.freight.currency} /> : '—'],
              [t('tracking.order'), s.order_id ?? '—'],
            ]} />
          </Card>
          <Card title={t('tracking.routePicture')}>
            <RoutePicture points={points} countries={countries} label={t('tracking.routePicture')} />
          </Card>
        </div>
      )}
      {s && s.exceptions.length > 0 && (
        <Card title={t('tracking.tab.exceptions')}>
          <ul>{s.exceptions.map((e) => <li key={e.id}><StatusBadge status={e.severity} tone={TONE[e.severity]} /> <Link to={`/tracking/exceptions/${e.id}`}>{e.title}</Link> — {t(`tracking.excStatus.${e.status}`)}</li>)}</ul>
        </Card>
      )}
      {temps.length > 0 && (
        <Card title={t('tracking.temperature')}>
          <ReadingsChart series={temps} band={iot.data?.handling?.temperatureC} unit="°C" label={t('tracking.temperature')} />
        </Card>
      )}
      {humidity.length > 0 && (
        <Card title={t('tracking.humidity')}>
          <ReadingsChart series={humidity} band={iot.data?.handling?.humidityPct} unit="%" label={t('tracking.humidity')} />
        </Card>
      )}
      <Card title={t('tracking.timeline')}>
        <Table rows={[...events].reverse()} rowKey={(e) => e.id} loading={shp.loading}
          columns={[
            { key: 'at', header: t('tracking.when'), render: (e) => <DateTime value={e.occurred_at} /> },
            { key: 'status', header: t('common.status'), render: (e) => <Tracked status={e.status} /> },
            { key: 'desc', header: t('tracking.event'), render: (e) => e.description },
            { key: 'where', header: t('tracking.where'), render: (e) => [e.location?.city, e.location?.country].filter(Boolean).join(', ') || '—' },
            { key: 'raw', header: t('tracking.rawCode'), wide: true, render: (e) => <code>{e.raw_status_code}</code> },
            { key: 'src', header: t('tracking.source'), wide: true, render: (e) => e.source },
          ]} />
      </Card>
    </Page>
  );
}

// ---------------------------------------------------------------- exceptions
export function ExceptionsPage() {
  const t = useT();
  const [status, setStatus] = useState('open');
  const list = usePagedResource<ExceptionRow>('/v1/exceptions', { status: status || undefined });
  return (
    <Page title={t('tracking.exceptionsTitle')} description={t('tracking.exceptionsDescription')}>
      <div className="chips" role="group" aria-label={t('tracking.filter')}>
        {['open', 'acknowledged', 'resolved', 'dismissed', ''].map((s) => (
          <button key={s || 'all'} type="button" className={`chip ${status === s ? 'active' : ''}`} aria-pressed={status === s} onClick={() => setStatus(s)}>{s ? t(`tracking.excStatus.${s}`) : t('tracking.all')}</button>
        ))}
      </div>
      <ErrorBanner error={list.error} />
      <Card>
        <Table rows={list.items} rowKey={(e) => e.id} loading={list.loading} empty={<EmptyState title={t('tracking.noExceptions')} />}
          columns={[
            { key: 'sev', header: t('tracking.severity'), render: (e) => <StatusBadge status={e.severity} tone={TONE[e.severity]} label={t(`tracking.severity.${e.severity}`)} /> },
            { key: 'title', header: t('tracking.exception'), render: (e) => <Link to={`/tracking/exceptions/${e.id}`}>{e.title}</Link> },
            { key: 'tn', header: t('tracking.trackingNumber'), render: (e) => <Link to={`/tracking/${e.shipment_id}`}>{e.tracking_number}</Link> },
            { key: 'status', header: t('common.status'), render: (e) => <StatusBadge status={e.status} tone={TONE[e.status]} label={t(`tracking.excStatus.${e.status}`)} /> },
            { key: 'assignee', header: t('tracking.assignee'), wide: true, render: (e) => e.assignee ?? '—' },
            { key: 'since', header: t('tracking.since'), wide: true, render: (e) => <DateTime value={e.since} /> },
          ]} />
        {list.hasMore && <Button onClick={list.loadMore}>{t('common.loadMore')}</Button>}
      </Card>
    </Page>
  );
}

export function ExceptionPage() {
  const t = useT();
  const { id } = useParams();
  const { can } = useSession();
  const exc = useResource<ExceptionRow & { timeline: Note[] }>(`/v1/exceptions/${id}`);
  const [comment, setComment] = useState('');
  const [assignee, setAssignee] = useState('');
  const [resolution, setResolution] = useState('');
  const act = useAction(async (change: () => Promise<ExceptionRow & { timeline: Note[] }>) => { exc.setData(await change()); });
  const e = exc.data;
  const patch = (body: Record<string, unknown>) => act.run(() => api.patch(`/v1/exceptions/${id}`, body));
  const onComment = (ev: FormEvent) => { ev.preventDefault(); void act.run(() => api.post(`/v1/exceptions/${id}/comments`, { body: comment })).then(() => setComment('')); };
  const writable = can('tracking:write');
  return (
    <Page title={e?.title ?? t('tracking.exception')}>
      <ErrorBanner error={exc.error ?? act.error} />
      {e && (
        <div className="grid-2">
          <Card title={t('tracking.details')}>
            <DetailList items={[
              [t('common.status'), <StatusBadge status={e.status} tone={TONE[e.status]} label={t(`tracking.excStatus.${e.status}`)} />],
              [t('tracking.rule'), t(`tracking.rule.${e.rule}`)],
              [t('tracking.trackingNumber'), <Link to={`/tracking/${e.shipment_id}`}>{e.tracking_number}</Link>],
              [t('tracking.assignee'), e.assignee ?? '—'],
              [t('tracking.cause'), e.cause ?? '—'],
              [t('tracking.since'), <DateTime value={e.since} />],
            ]} />
            {e.facts.demurrage && <p><strong>{t('tracking.demurrage')}:</strong> <Money minor={e.facts.demurrage.amountMinor} currency={e.facts.demurrage.currency} /> <span className="muted small">({e.facts.demurrage.computation})</span></p>}
            {e.facts.documents_needed && <><strong>{t('tracking.documentsNeeded')}</strong><ul>{(e.facts.documents_needed as string[]).map((d) => <li key={d}>{d}</li>)}</ul></>}
            {e.facts.alternatives?.length > 0 && <><strong>{t('tracking.alternatives')}</strong><ul>{(e.facts.alternatives as any[]).map((a) => <li key={a.lane_id}>{a.mode} — <Money minor={a.price.amount} currency={a.price.currency} /> — <DateTime value={a.typical_delivery} style="date" /></li>)}</ul></>}
            {e.facts.contingency && <p><strong>{t('tracking.contingency')}:</strong> {t('tracking.replacementProposal')}</p>}
          </Card>
          {writable && (
            <Card title={t('tracking.actions')}>
              <form className="form form-inline" onSubmit={(ev) => { ev.preventDefault(); void patch({ assignee: assignee || null }); }}>
                <Field label={t('tracking.assignee')}><input value={assignee} onChange={(ev) => setAssignee(ev.target.value)} maxLength={200} /></Field>
                <Button type="submit" loading={act.pending}>{t('tracking.assign')}</Button>
              </form>
              <div className="button-row">
                {e.status === 'open' && <Button onClick={() => void patch({ status: 'acknowledged' })}>{t('tracking.acknowledge')}</Button>}
                {e.rule === 'customs_hold' && <Button onClick={() => void patch({ cause: 'seller' })}>{t('tracking.causedBySeller')}</Button>}
                {(e.status === 'resolved' || e.status === 'dismissed') && <Button onClick={() => void patch({ status: 'open' })}>{t('tracking.reopen')}</Button>}
              </div>
              {(e.status === 'open' || e.status === 'acknowledged') && (
                <form className="form" onSubmit={(ev) => { ev.preventDefault(); void patch({ status: 'resolved', resolution }); }}>
                  <Field label={t('tracking.resolution')}><textarea value={resolution} onChange={(ev) => setResolution(ev.target.value)} required maxLength={2000} /></Field>
                  <Button type="submit" variant="primary" loading={act.pending}>{t('tracking.resolve')}</Button>
                </form>
              )}
            </Card>
          )}
        </div>
      )}
      {e && (
        <Card title={t('tracking.timeline')}>
          <ol>{e.timeline.map((n) => <li key={n.id}><DateTime value={n.created_at} /> — <strong>{t(`tracking.note.${n.kind}`)}</strong>: {n.body}</li>)}</ol>
          {writable && (
            <form className="form" onSubmit={onComment}>
              <Field label={t('tracking.comment')}><textarea value={comment} onChange={(ev) => setComment(ev.target.value)} required maxLength={4000} /></Field>
              <Button type="submit" loading={act.pending}>{t('tracking.addComment')}</Button>
            </form>
          )}
        </Card>
      )}
    </Page>
  );
}

// ---------------------------------------------------------------- SLA breaches, compensations, milestones, deposits
export function SlaPage() {
  const t = useT();
  const { organisation, can } = useSession();
  const operator = organisation?.kind === 'operator';
  const breaches = usePagedResource<Evaluation>('/v1/contracts/breaches', { breached: 'true' });
  const milestones = usePagedResource<Milestone>('/v1/contracts/milestones');
  const deposits = useResource<{ data: { currency: string; balance: number }[] }>('/v1/contracts/deposits');
  const act = useAction(async (path: string, body: unknown) => { await api.post(path, body); breaches.reload(); milestones.reload(); deposits.reload(); });
  return (
    <Page title={t('tracking.slaTitle')} description={t('tracking.slaDescription')}>
      <ErrorBanner error={breaches.error ?? act.error} />
      {(deposits.data?.data.length ?? 0) > 0 && (
        <Card title={t('tracking.deposits')}>
          <ul>{deposits.data!.data.map((d) => <li key={d.currency}><Money minor={d.balance} currency={d.currency} /></li>)}</ul>
        </Card>
      )}
      <Card title={t('tracking.breaches')}>
        <Table rows={breaches.items} rowKey={(b) => b.id} loading={breaches.loading} empty={<EmptyState title={t('tracking.noBreaches')} />}
          columns={[
            { key: 'tn', header: t('tracking.trackingNumber'), render: (b) => <Link to={`/tracking/${b.shipment_id}`}>{b.tracking_number}</Link> },
            { key: 'late', header: t('tracking.daysLate'), align: 'end', render: (b) => b.days_late },
            { key: 'penalty', header: t('tracking.compensation'), align: 'end', render: (b) => <Money minor={b.penalty.amount} currency={b.penalty.currency} /> },
            { key: 'status', header: t('common.status'), render: (b) => <StatusBadge status={b.status} tone={TONE[b.status]} label={t(`tracking.slaStatus.${b.status}`)} /> },
            { key: 'how', header: t('tracking.computation'), wide: true, render: (b) => <details><summary>{t('tracking.show')}</summary><ol className="small">{b.computation.steps.map((s, i) => <li key={i}>{s}</li>)}</ol></details> },
            { key: 'act', header: t('common.actions'), render: (b) => (
              <div className="button-row">
                {!operator && can('contracts:write') && ['penalised', 'met', 'excluded', 'insufficient_deposit'].includes(b.status) && <Button size="sm" onClick={() => { const reason = window.prompt(t('tracking.disputeReason')); if (reason) void act.run(`/v1/contracts/breaches/${b.id}/dispute`, { reason }); }}>{t('tracking.dispute')}</Button>}
                {operator && b.status === 'disputed' && <><Button size="sm" onClick={() => void act.run(`/v1/contracts/breaches/${b.id}/resolve`, { outcome: 'uphold' })}>{t('tracking.uphold')}</Button><Button size="sm" variant="danger" onClick={() => void act.run(`/v1/contracts/breaches/${b.id}/resolve`, { outcome: 'reverse' })}>{t('tracking.reverse')}</Button></>}
              </div>
            ) },
          ]} />
      </Card>
      <Card title={t('tracking.milestones')}>
        <Table rows={milestones.items} rowKey={(m) => m.id} loading={milestones.loading} empty={<EmptyState title={t('tracking.noMilestones')} />}
          columns={[
            { key: 'tn', header: t('tracking.trackingNumber'), render: (m) => m.tracking_number ?? '—' },
            { key: 'label', header: t('tracking.milestone'), render: (m) => m.label ?? m.stage },
            { key: 'amount', header: t('tracking.amount'), align: 'end', render: (m) => <><Money minor={m.amount.amount} currency={m.amount.currency} /> <span className="muted small">({m.percent_bp / 100} %)</span></> },
            { key: 'status', header: t('common.status'), render: (m) => <StatusBadge status={m.status} tone={TONE[m.status]} label={t(`tracking.msStatus.${m.status}`)} /> },
            { key: 'act', header: t('common.actions'), render: (m) => m.status === 'reached' && m.seller_org_id === organisation?.id ? <Button size="sm" variant="primary" onClick={() => void act.run(`/v1/contracts/milestones/${m.id}/accept`, {})}>{t('tracking.acceptRelease')}</Button> : null },
          ]} />
      </Card>
    </Page>
  );
}

// ---------------------------------------------------------------- scorecards
export function ScorecardsPage() {
  const t = useT();
  const [period, setPeriod] = useState<'month' | 'quarter' | 'all'>('all');
  const cards = useResource<{ data: ScoreRow[] }>('/v1/scorecards', { period });
  return (
    <Page title={t('tracking.scorecardsTitle')} description={t('tracking.scorecardsDescription')}>
      <div className="chips" role="group" aria-label={t('tracking.period')}>
        {(['all', 'quarter', 'month'] as const).map((p) => <button key={p} type="button" className={`chip ${period === p ? 'active' : ''}`} aria-pressed={period === p} onClick={() => setPeriod(p)}>{t(`tracking.period.${p}`)}</button>)}
      </div>
      <ErrorBanner error={cards.error} />
      <Card>
        <Table rows={cards.data?.data} rowKey={(r) => `${r.carrier_org_id}:${r.lane_id}:${r.period}`} loading={cards.loading} empty={<EmptyState title={t('tracking.noScorecards')} />}
          columns={[
            { key: 'lane', header: t('tracking.lane'), render: (r) => r.lane_id ?? '—' },
            { key: 'period', header: t('tracking.period'), render: (r) => r.period },
            { key: 'n', header: t('tracking.shipments'), align: 'end', render: (r) => r.shipments },
            { key: 'ontime', header: t('tracking.onTime'), align: 'end', render: (r) => pct(r.onTimeRate) },
            { key: 'success', header: t('tracking.success'), align: 'end', render: (r) => pct(r.deliverySuccessRate) },
            { key: 'damage', header: t('tracking.damageLoss'), align: 'end', wide: true, render: (r) => pct(r.damageLossRate) },
            { key: 'exc', header: t('tracking.exceptionRate'), align: 'end', wide: true, render: (r) => pct(r.exceptionRate) },
            { key: 'dwell', header: t('tracking.avgDwell'), align: 'end', wide: true, render: (r) => (r.avg_dwell_hours === null ? '—' : `${r.avg_dwell_hours} h`) },
            { key: 'rel', header: t('tracking.reliability'), align: 'end', render: (r) => r.reliability.toFixed(2) },
          ]} />
      </Card>
    </Page>
  );
}

// ---------------------------------------------------------------- public tracking page
interface PublicView {
  tracking_number: string; carrier: string; status: string; stage: string | null; origin_country: string | null; destination_country: string | null;
  promised_delivery_at: string | null; predicted_delivery_at: string | null; delivered_at: string | null;
  timeline: { at: string | null; status: string; description: string; city: string | null; country: string | null }[];
  route: { points: { lat: number; lon: number; at: string | null; source: string }[]; countries: string[] };
}

export function PublicTrackingPage() {
  const t = useT();
  const { number } = useParams();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [tn, setTn] = useState(number ?? '');
  const [postcode, setPostcode] = useState(params.get('postcode') ?? '');
  const query = number && params.get('postcode') ? { postcode: params.get('postcode')! } : undefined;
  const view = useResource<PublicView>(query ? `/v1/tracking/public/${encodeURIComponent(number!)}` : null, query);
  const submit = (e: FormEvent) => { e.preventDefault(); navigate(`/track/${encodeURIComponent(tn.trim())}?postcode=${encodeURIComponent(postcode.trim())}`); };
  const v = view.data;
  return (
    <main className="page narrow" style={{ margin: '0 auto', padding: 16 }}>
      <PageHeader title={t('tracking.publicTitle')} description={t('tracking.publicDescription')} />
      <form className="form form-inline" onSubmit={submit}>
        <Field label={t('tracking.trackingNumber')} required><input value={tn} onChange={(e) => setTn(e.target.value)} required maxLength={60} /></Field>
        <Field label={t('tracking.postcode')} required><input value={postcode} onChange={(e) => setPostcode(e.target.value)} required maxLength={20} /></Field>
        <Button type="submit" variant="primary">{t('tracking.track')}</Button>
      </form>
      {view.error ? <EmptyState title={t('tracking.publicNotFound')} /> : null}
      {v && (
        <>
          <Card title={`${v.carrier} ${v.tracking_number}`}>
            <DetailList items={[
              [t('common.status'), <Tracked status={v.status} />],
              [t('tracking.route'), `${v.origin_country ?? '?'} → ${v.destination_country ?? '?'}`],
              [v.delivered_at ? t('tracking.delivered') : t('tracking.predicted'), <DateTime value={v.delivered_at ?? v.predicted_delivery_at} style={v.delivered_at ? 'datetime' : 'date'} />],
              [t('tracking.promised'), <DateTime value={v.promised_delivery_at} style="date" />],
            ]} />
          </Card>
          <Card title={t('tracking.routePicture')}><RoutePicture points={v.route.points} countries={v.route.countries} label={t('tracking.routePicture')} /></Card>
          <Card title={t('tracking.timeline')}>
            <ol>{v.timeline.map((e, i) => <li key={i}><DateTime value={e.at} /> — <Tracked status={e.status} /> {e.description}{e.city || e.country ? ` (${[e.city, e.country].filter(Boolean).join(', ')})` : ''}</li>)}</ol>
          </Card>
        </>
      )}
    </main>
  );
}
