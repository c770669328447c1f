import { useState, type ChangeEvent, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, fieldError, useAction, usePagedResource, useResource } from '../../shell/api';
import { useT } from '../../shell/i18n';
import { useSession } from '../../shell/session';
import { Button, Card, DateTime, DetailList, EmptyState, ErrorBanner, Field, Loading, Notice, PageHeader, StatusBadge, Table } from '../../shell/ui';
import type { ConsoleModule } from '../../shell/types';
import en from './i18n/en.json';
import zhCN from './i18n/zh-CN.json';

// ---------------------------------------------------------------- types (API shapes)
interface ReviewRow { id: string; party_id: string; party_name: string; party_role: string; party_status: string; entity_id: string; entity_name: string | null; entry_name: string | null; list_id: string; score: number; severity: string; status: string; created_at: string }
interface Comparison { field: string; query: unknown; entry: unknown }
interface ReviewDetail extends ReviewRow { comparison: Comparison[]; explanation: { tokens: { query: string; candidate: string; similarity: number; how: string }[]; features: { feature: string; delta: number; detail: string }[]; nameScore: number }; reason: string | null; decided_by: string | null; decided_at: string | null; list_version: { id: string; title: string; publication_date: string } | null; version_id: string }
interface PartyRow { id: string; name: string; type: string; role: string; status: string; countries: string[]; dob: string | null; reference: string | null; updated_at: string; last_screening_id: string | null }
interface ScreeningRow { id: string; source: string; decision: string; score: number; list_versions: { list_id: string; publication_date: string; version_id: string }[]; matches: { entity_id: string; primary_name: string; list_id: string; score: number; prior_decision: string }[]; reasons: string[]; error: string | null; created_at: string }
interface ListRow { list_id: string; title: string; publication_date: string; age_days: number; out_of_date: boolean; in_use: boolean; versions: { id: string; publication_date: string; storage: string; entity_count: number | null; imported_at: string; current: boolean; source: string }[] }

const TONE: Record<string, 'success' | 'warning' | 'danger' | 'info' | 'neutral'> = { clear: 'success', review: 'info', hold: 'warning', block: 'danger', insufficient: 'neutral', pending: 'neutral', error: 'danger', false_positive: 'success', confirmed_match: 'danger', superseded: 'neutral', open: 'warning' };
const Decision = ({ value }: { value: string }) => <StatusBadge status={value} tone={TONE[value]} />;
const show = (v: unknown) => (Array.isArray(v) ? (v.length ? v.join('; ') : '—') : v === null || v === undefined || v === '' ? '—' : String(v));

function Tabs() {
  const t = useT();
  return (
    <nav className="tabs" aria-label={t('screening.title')}>
      <Link to="/screening">{t('screening.queue')}</Link> · <Link to="/screening/parties">{t('screening.parties')}</Link> · <Link to="/screening/batch">{t('screening.batch')}</Link> · <Link to="/screening/lists">{t('screening.lists')}</Link>
    </nav>
  );
}

// ---------------------------------------------------------------- queue
function QueuePage() {
  const t = useT();
  const [status, setStatus] = useState('open');
  const page = usePagedResource<ReviewRow>('/v1/screening/reviews', { status });
  return (
    <div className="page">
      <PageHeader title={t('screening.title')} description={t('screening.queueHelp')} />
      <Tabs />
      <Field label={t('screening.status')}>
        <select value={status} onChange={(e) => setStatus(e.target.value)}>
          {['open', 'false_positive', 'confirmed_match', 'superseded'].map((s) => <option key={s} value={s}>{t(`screening.s.${s}`)}</option>)}
        </select>
      </Field>
      <ErrorBanner error={page.error} />
      <Table<ReviewRow>
        rows={page.items} loading={page.loading} rowKey={(r) => r.id}
        empty={<EmptyState title={t('screening.queueEmpty')} />}
        columns={[
          { key: 'party', header: t('screening.party'), render: (r) => <Link to={`/screening/reviews/${r.id}`}>{r.party_name}</Link> },
          { key: 'role', header: t('screening.role'), render: (r) => r.party_role, wide: true },
          { key: 'entry', header: t('screening.listEntry'), render: (r) => <>{r.entry_name ?? r.entity_id} <span className="muted">({r.list_id})</span></> },
          { key: 'score', header: t('screening.score'), render: (r) => r.score.toFixed(3), align: 'end' },
          { key: 'severity', header: t('screening.severity'), render: (r) => <Decision value={r.severity} /> },
          { key: 'created', header: t('screening.created'), render: (r) => <DateTime value={r.created_at} />, wide: true },
        ]}
      />
      {page.hasMore && <Button onClick={page.loadMore}>{t('screening.more')}</Button>}
    </div>
  );
}

// ---------------------------------------------------------------- one review item: side by side + decision
function ReviewPage() {
  const t = useT();
  const { id } = useParams();
  const session = useSession();
  const item = useResource<ReviewDetail>(`/v1/screening/reviews/${id}`);
  const [decision, setDecision] = useState<'false_positive' | 'confirmed_match'>('false_positive');
  const [reason, setReason] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const decide = useAction(async (e: FormEvent) => {
    e.preventDefault();
    const r = await api.post<ReviewDetail & { party: PartyRow }>(`/v1/screening/reviews/${id}/decision`, { decision, reason });
    setDone(t('screening.decided', { status: r.party.status }));
    item.reload();
  });
  if (!item.data) return <div className="page">{item.error ? <ErrorBanner error={item.error} /> : <Loading />}</div>;
  const r = item.data;
  return (
    <div className="page">
      <p className="breadcrumb"><Link to="/screening">← {t('screening.queue')}</Link></p>
      <PageHeader title={<>{r.comparison[0] ? show(r.comparison[0].query) : r.party_id} ↔ {r.entity_id}</>} description={<><Decision value={r.status} /> {t('screening.score')} {r.score.toFixed(3)} · <Decision value={r.severity} /></>} />
      {done && <Notice tone="success" onDismiss={() => setDone(null)}>{done}</Notice>}
      <Card title={t('screening.comparison')}>
        <div className="table-wrap">
          <table className="table">
            <thead><tr><th scope="col">{t('screening.field')}</th><th scope="col">{t('screening.party')}</th><th scope="col">{t('screening.listEntry')}</th></tr></thead>
            <tbody>
              {r.comparison.map((c) => (
                <tr key={c.field}><th scope="row">{t(`screening.f.${c.field}`)}</th><td>{show(c.query)}</td><td>{show(c.entry)}</td></tr>
              ))}
            </tbody>
          </table>
        </div>
        <p><Link to={`/screening/parties/${r.party_id}`}>{t('screening.partyHistory')}</Link></p>
      </Card>
      <Card title={t('screening.why')}>
        <ul>
          {r.explanation.tokens.map((tok, i) => <li key={i}>{tok.query} ↔ {tok.candidate}: {tok.similarity} ({tok.how})</li>)}
          {r.explanation.features.map((f, i) => <li key={`f${i}`}>{f.feature} {f.delta >= 0 ? '+' : ''}{f.delta}: {f.detail}</li>)}
        </ul>
      </Card>
      {r.status === 'open' ? (
        session.can('screening:admin') ? (
          <Card title={t('screening.decide')}>
            <form onSubmit={(e) => void decide.run(e)}>
              <ErrorBanner error={decide.error} shownFields={['reason']} />
              <Field label={t('screening.decision')} required>
                <select value={decision} onChange={(e) => setDecision(e.target.value as typeof decision)}>
                  <option value="false_positive">{t('screening.s.false_positive')}</option>
                  <option value="confirmed_match">{t('screening.s.confirmed_match')}</option>
                </select>
              </Field>
              <Field label={t('screening.reason')} required error={fieldError(decide.error, 'reason')} hint={t('screening.reasonHint')}>
                <textarea value={reason} onChange={(e) => setReason(e.target.value)} rows={3} required minLength={3} />
              </Field>
              <Button type="submit" variant="primary" loading={decide.pending}>{t('screening.record')}</Button>
            </form>
          </Card>
        ) : <Notice>{t('screening.needsAdmin')}</Notice>
      ) : (
        <Card title={t('screening.decision')}>
          <DetailList items={[[t('screening.decision'), <Decision value={r.status} />], [t('screening.reason'), show(r.reason)], [t('screening.by'), show(r.decided_by)], [t('screening.when'), <DateTime value={r.decided_at} />]]} />
        </Card>
      )}
    </div>
  );
}

// ---------------------------------------------------------------- parties
const ROLES = ['buyer', 'consignee', 'supplier', 'carrier', 'warehouse', 'broker', 'financier', 'beneficial_owner', 'organisation', 'other']; // as PARTY_ROLES on the server

function PartiesPage() {
  const t = useT();
  const nav = useNavigate();
  const session = useSession();
  const [q, setQ] = useState('');
  const page = usePagedResource<PartyRow>('/v1/screening/parties', { q: q || undefined });
  const [form, setForm] = useState({ name: '', type: 'organisation', role: 'buyer', dob: '', countries: '', identifiers: '' });
  const create = useAction(async (e: FormEvent) => {
    e.preventDefault();
    const split = (s: string) => s.split(/[;,]/).map((x) => x.trim()).filter(Boolean);
    const p = await api.post<PartyRow>('/v1/screening/parties', { name: form.name, type: form.type, role: form.role, dob: form.dob || undefined, countries: split(form.countries), identifiers: split(form.identifiers) });
    nav(`/screening/parties/${p.id}`);
  });
  const set = (k: keyof typeof form) => (e: ChangeEvent<HTMLInputElement | HTMLSelectElement>) => setForm({ ...form, [k]: e.target.value });
  return (
    <div className="page">
      <PageHeader title={t('screening.parties')} />
      <Tabs />
      <Field label={t('screening.search')}><input value={q} onChange={(e) => setQ(e.target.value)} /></Field>
      <ErrorBanner error={page.error} />
      <Table<PartyRow>
        rows={page.items} loading={page.loading} rowKey={(r) => r.id}
        columns={[
          { key: 'name', header: t('screening.name'), render: (r) => <Link to={`/screening/parties/${r.id}`}>{r.name}</Link> },
          { key: 'role', header: t('screening.role'), render: (r) => r.role },
          { key: 'type', header: t('screening.type'), render: (r) => r.type, wide: true },
          { key: 'countries', header: t('screening.f.countries'), render: (r) => show(r.countries), wide: true },
          { key: 'status', header: t('screening.status'), render: (r) => <Decision value={r.status} /> },
        ]}
      />
      {page.hasMore && <Button onClick={page.loadMore}>{t('screening.more')}</Button>}
      {session.can('screening:write') && (
        <Card title={t('screening.newParty')}>
          <form onSubmit={(e) => void create.run(e)}>
            <ErrorBanner error={create.error} shownFields={['name', 'dob']} />
            <Field label={t('screening.name')} required error={fieldError(create.error, 'name')}><input value={form.name} onChange={set('name')} required /></Field>
            <Field label={t('screening.type')}><select value={form.type} onChange={set('type')}>{['organisation', 'person', 'vessel', 'aircraft', 'entity'].map((x) => <option key={x}>{x}</option>)}</select></Field>
            <Field label={t('screening.role')}><select value={form.role} onChange={set('role')}>{ROLES.map((x) => <option key={x}>{x}</option>)}</select></Field>
            <Field label={t('screening.f.date_of_birth')} error={fieldError(create.error, 'dob')} hint="YYYY-MM-DD"><input value={form.dob} onChange={set('dob')} /></Field>
            <Field label={t('screening.f.countries')} hint="DE; CN"><input value={form.countries} onChange={set('countries')} /></Field>
            <Field label={t('screening.f.identifiers')}><input value={form.identifiers} onChange={set('identifiers')} /></Field>
            <Button type="submit" variant="primary" loading={create.pending}>{t('screening.createAndScreen')}</Button>
          </form>
        </Card>
      )}
    </div>
  );
}

function PartyPage() {
  const t = useT();
  const { id } = useParams();
  const party = useResource<PartyRow & { reviews: ReviewRow[] }>(`/v1/screening/parties/${id}`);
  const history = usePagedResource<ScreeningRow>(`/v1/screening/parties/${id}/screenings`);
  if (!party.data) return <div className="page">{party.error ? <ErrorBanner error={party.error} /> : <Loading />}</div>;
  const p = party.data;
  return (
    <div className="page">
      <p className="breadcrumb"><Link to="/screening/parties">← {t('screening.parties')}</Link></p>
      <PageHeader title={p.name} description={<Decision value={p.status} />} />
      <Card>
        <DetailList items={[[t('screening.role'), p.role], [t('screening.type'), p.type], [t('screening.f.date_of_birth'), show(p.dob)], [t('screening.f.countries'), show(p.countries)], [t('screening.reference'), show(p.reference)]]} />
      </Card>
      <Card title={t('screening.reviewItems')}>
        <Table<ReviewRow> rows={p.reviews} rowKey={(r) => r.id} columns={[
          { key: 'id', header: t('screening.listEntry'), render: (r) => <Link to={`/screening/reviews/${r.id}`}>{r.entity_id}</Link> },
          { key: 'score', header: t('screening.score'), render: (r) => r.score.toFixed(3), align: 'end' },
          { key: 'status', header: t('screening.status'), render: (r) => <Decision value={r.status} /> },
        ]} />
      </Card>
      <Card title={t('screening.history')}>
        <Table<ScreeningRow> rows={history.items} loading={history.loading} rowKey={(r) => r.id} columns={[
          { key: 'when', header: t('screening.when'), render: (r) => <DateTime value={r.created_at} /> },
          { key: 'source', header: t('screening.source'), render: (r) => r.source },
          { key: 'decision', header: t('screening.decision'), render: (r) => <Decision value={r.decision} /> },
          { key: 'score', header: t('screening.score'), render: (r) => Number(r.score).toFixed(3), align: 'end' },
          { key: 'lists', header: t('screening.listVersions'), render: (r) => r.list_versions.map((v) => `${v.list_id} ${v.publication_date}`).join(', '), wide: true },
        ]} />
      </Card>
    </div>
  );
}

// ---------------------------------------------------------------- batch
interface BatchResult { rows: number; counts: Record<string, number>; results: { row: number; name?: string; decision?: string; score?: number; error?: string; reasons?: string[]; matches?: { primary_name: string; list_id: string; score: number }[] }[] }

function BatchPage() {
  const t = useT();
  const [csv, setCsv] = useState('name,type,dob,countries,identifiers\n');
  const [result, setResult] = useState<BatchResult | null>(null);
  const run = useAction(async () => setResult(await api.post<BatchResult>('/v1/screening/checks/batch', { csv })));
  const onFile = async (e: ChangeEvent<HTMLInputElement>) => { const f = e.target.files?.[0]; if (f) setCsv(await f.text()); };
  return (
    <div className="page">
      <PageHeader title={t('screening.batch')} description={t('screening.batchHelp')} />
      <Tabs />
      <Field label={t('screening.csvFile')}><input type="file" accept=".csv,text/csv" onChange={(e) => void onFile(e)} /></Field>
      <Field label="CSV"><textarea value={csv} onChange={(e) => setCsv(e.target.value)} rows={8} /></Field>
      <ErrorBanner error={run.error} />
      <Button variant="primary" onClick={() => void run.run()} loading={run.pending}>{t('screening.screen')}</Button>
      {result && (
        <Card title={Object.entries(result.counts).map(([k, v]) => `${k}: ${v}`).join(' · ')}>
          <Table rows={result.results} rowKey={(r) => String(r.row)} columns={[
            { key: 'row', header: '#', render: (r) => r.row },
            { key: 'name', header: t('screening.name'), render: (r) => r.name ?? '—' },
            { key: 'decision', header: t('screening.decision'), render: (r) => (r.decision ? <Decision value={r.decision} /> : <span className="error">{r.error}</span>) },
            { key: 'best', header: t('screening.listEntry'), render: (r) => (r.matches?.[0] ? `${r.matches[0].primary_name} (${r.matches[0].list_id}) ${r.matches[0].score.toFixed(3)}` : show(r.reasons)) },
          ]} />
        </Card>
      )}
    </div>
  );
}

// ---------------------------------------------------------------- lists
function ListsPage() {
  const t = useT();
  const lists = useResource<{ data: ListRow[] }>('/v1/screening/lists');
  return (
    <div className="page">
      <PageHeader title={t('screening.lists')} description={t('screening.listsHelp')} />
      <Tabs />
      <ErrorBanner error={lists.error} />
      <Table<ListRow> rows={lists.data?.data} loading={lists.loading} rowKey={(r) => r.list_id} columns={[
        { key: 'list', header: t('screening.list'), render: (r) => <><strong>{r.list_id}</strong><br /><span className="muted">{r.title}</span></> },
        { key: 'date', header: t('screening.published'), render: (r) => <>{r.publication_date} {r.out_of_date && <StatusBadge status="out_of_date" tone="warning" label={t('screening.outOfDate', { days: r.age_days })} />}{!r.in_use && <StatusBadge status="not_in_use" tone="neutral" label={t('screening.notInUse')} />}</> },
        { key: 'versions', header: t('screening.versions'), render: (r) => r.versions.map((v) => `${v.publication_date}${v.current ? ' ✓' : ''} (${v.entity_count ?? '?'})`).join(', ') },
      ]} />
    </div>
  );
}


/** Denied-party screening: review queue with side-by-side comparison, parties and their history, batch upload, list versions. */
export const consoleModule: ConsoleModule = {
  name: 'screening',
  nav: [{ path: '/screening', label: { en: 'Screening', 'zh-CN': '合规筛查' }, permission: 'screening:read', order: 450 }],
  routes: [
    { path: '/screening', element: <QueuePage /> },
    { path: '/screening/reviews/:id', element: <ReviewPage /> },
    { path: '/screening/parties', element: <PartiesPage /> },
    { path: '/screening/parties/:id', element: <PartyPage /> },
    { path: '/screening/batch', element: <BatchPage /> },
    { path: '/screening/lists', element: <ListsPage /> },
  ],
  messages: { en, 'zh-CN': zhCN },
};
