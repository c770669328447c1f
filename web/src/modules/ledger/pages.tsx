import { useState, type FormEvent, type ReactNode } from 'react';
import { Link, NavLink, useParams } from 'react-router-dom';
import { api, ApiError, fieldError, useAction, usePagedResource, useResource } from '../../shell/api';
import { useT } from '../../shell/i18n';
import { useSession } from '../../shell/session';
import { Button, Card, DateTime, DetailList, EmptyState, ErrorBanner, Field, Money, Notice, PageHeader, StatusBadge, Table } from '../../shell/ui';

// ---------------------------------------------------------------- API shapes
export interface Account {
  id: string; org_id: string; currency: string; kind: string; name: string | null;
  debits_pending: number; debits_posted: number; credits_pending: number; credits_posted: number; balance: number; balance_with_pending: number;
}
export interface Transfer {
  id: string; kind: string; debit_account_id: string; credit_account_id: string; currency: string; amount: number; pending_id: string | null;
  pending_status: string | null; timeout_at: string | null; linked_group: string | null; reason: string; reference_type: string | null;
  reference_id: string | null; fx_rate: string | null; created_at: string; seq: number;
}
interface EscrowRow { order_id: string; seller_org_id: string; buyer_org_id: string; currency: string; amount: number; tax_amount: number; released: number; refunded: number; commission: number; status: string; dispute_open: boolean; created_at: string }
interface Escrow extends EscrowRow {
  held: number; carrier_delivered_at: string | null; buyer_confirmed_at: string | null; dispute_reason: string | null; auto_release_at: string | null;
  payments: { id: string; provider: string; status: string; amount: number; tax_amount: number; total: number; currency: string; created_at: string }[];
  timeline: { id: string; kind: string; amount: number; currency: string; pending_status: string | null; reason: string; created_at: string; debit_kind: string; credit_kind: string }[];
}

/** Sub-navigation shared by the ledger pages. */
function LedgerTabs() {
  const t = useT();
  const session = useSession();
  const operator = session.organisation?.kind === 'operator';
  const tabs: [string, string][] = [
    ['/ledger', t('ledger.tab.balances')], ['/ledger/transfers', t('ledger.tab.transfers')], ['/ledger/orders', t('ledger.tab.orders')],
    ['/ledger/statements', t('ledger.tab.statements')], ...(operator ? [['/ledger/reconciliation', t('ledger.tab.reconciliation')] as [string, string]] : []),
  ];
  return (
    <nav className="button-row" aria-label={t('ledger.title')} style={{ marginBottom: 16, flexWrap: 'wrap' }}>
      {tabs.map(([to, label]) => (
        <NavLink key={to} to={to} end className={({ isActive }) => `btn btn-sm ${isActive ? 'btn-primary' : 'btn-secondary'}`}>{label}</NavLink>
      ))}
    </nav>
  );
}

function Page({ title, description, actions, children }: { title: string; description?: string; actions?: ReactNode; children: ReactNode }) {
  return (
    <div className="page">
      <PageHeader title={title} description={description} actions={actions} />
      <LedgerTabs />
      {children}
    </div>
  );
}

const kindLabel = (t: (k: string) => string, kind: string) => {
  const key = `ledger.kind.${kind}`;
  const v = t(key);
  return v === key ? kind.replace(/_/g, ' ') : v;
};

// ---------------------------------------------------------------- balances
export function BalancesPage() {
  const t = useT();
  const session = useSession();
  const balances = useResource<{ accounts: Account[]; escrow_held: { currency: string; orders: number; held: number }[] }>('/v1/ledger/balances');
  const isSeller = session.organisation?.kind === 'seller';
  return (
    <Page title={t('ledger.title')} description={t('ledger.description')}>
      <ErrorBanner error={balances.error} />
      <Card title={t('ledger.escrowHeld')}>
        <Table
          caption={t('ledger.escrowHeld')}
          loading={balances.loading}
          rows={balances.data?.escrow_held}
          rowKey={(r) => r.currency}
          empty={<EmptyState title={t('ledger.noEscrow')} />}
          columns={[
            { key: 'currency', header: t('ledger.currency') },
            { key: 'orders', header: t('ledger.orders'), align: 'end' },
            { key: 'held', header: t('ledger.held'), align: 'end', render: (r) => <Money minor={Number(r.held)} currency={r.currency} /> },
          ]}
        />
      </Card>
      <Card title={t('ledger.accounts')}>
        <Table
          caption={t('ledger.accounts')}
          loading={balances.loading}
          rows={balances.data?.accounts}
          rowKey={(a) => a.id}
          empty={<EmptyState title={t('ledger.noAccounts')}>{t('ledger.noAccountsHint')}</EmptyState>}
          columns={[
            { key: 'kind', header: t('ledger.kind'), render: (a) => <>{kindLabel(t, a.kind)}{a.org_id === 'platform' && <div className="muted small">{t('ledger.platformAccount')}</div>}</> },
            { key: 'currency', header: t('ledger.currency') },
            { key: 'balance', header: t('ledger.balance'), align: 'end', render: (a) => <Money minor={a.balance} currency={a.currency} /> },
            { key: 'pin', header: t('ledger.pendingIn'), align: 'end', wide: true, render: (a) => <Money minor={a.credits_pending} currency={a.currency} /> },
            { key: 'pout', header: t('ledger.pendingOut'), align: 'end', wide: true, render: (a) => <Money minor={a.debits_pending} currency={a.currency} /> },
            { key: 'open', header: <span className="visually-hidden">{t('ledger.transfers')}</span>, align: 'end', render: (a) => <Link className="btn btn-sm btn-secondary" to={`/ledger/transfers?account_id=${a.id}`}>{t('ledger.transfers')}</Link> },
          ]}
        />
        <p className="muted small">{t('ledger.balanceConvention')}</p>
      </Card>
      {isSeller && <PayoutCard accounts={balances.data?.accounts ?? []} onDone={balances.reload} />}
    </Page>
  );
}

function PayoutCard({ accounts, onDone }: { accounts: Account[]; onDone: () => void }) {
  const t = useT();
  const session = useSession();
  const banks = useResource<{ data: { currency: string; holder: string; bank_name: string; account_masked: string }[] }>('/v1/ledger/bank-accounts');
  const payouts = useResource<{ data: { id: string; amount: number; currency: string; status: string; created_at: string }[] }>('/v1/ledger/payouts');
  const [currency, setCurrency] = useState('EUR');
  const [done, setDone] = useState<string | null>(null);
  const payable = accounts.find((a) => a.kind === 'seller_payable' && a.currency === currency);
  const request = useAction(async () => {
    const r = await api.post<{ id: string }>('/v1/ledger/payouts', { currency });
    setDone(r.id);
    payouts.reload();
    onDone();
  });
  return (
    <Card title={t('ledger.payouts')}>
      <DetailList items={(banks.data?.data ?? []).map((b) => [b.currency, `${b.holder} · ${b.bank_name} · ${b.account_masked}`] as [ReactNode, ReactNode])} />
      {session.can('ledger:admin') && (
        <form className="form" onSubmit={(e: FormEvent) => { e.preventDefault(); void request.run(); }}>
          <ErrorBanner error={request.error} />
          {done && <Notice tone="success">{t('ledger.payoutRequested', { id: done })}</Notice>}
          <Field label={t('ledger.currency')}>
            <select value={currency} onChange={(e) => setCurrency(e.target.value)}>
              {[...new Set(accounts.filter((a) => a.kind === 'seller_payable').map((a) => a.currency))].map((c) => <option key={c}>{c}</option>)}
            </select>
          </Field>
          <p>{t('ledger.available')}: {payable ? <Money minor={payable.balance_with_pending} currency={currency} /> : '—'}</p>
          <Button type="submit" variant="primary" loading={request.pending}>{t('ledger.requestPayout')}</Button>
        </form>
      )}
      <Table
        rows={payouts.data?.data}
        loading={payouts.loading}
        rowKey={(p) => p.id}
        empty={<EmptyState title={t('ledger.noPayouts')} />}
        columns={[
          { key: 'date', header: t('ledger.date'), render: (p) => <DateTime value={p.created_at} /> },
          { key: 'amount', header: t('ledger.amount'), align: 'end', render: (p) => <Money minor={p.amount} currency={p.currency} /> },
          { key: 'status', header: t('ledger.status'), render: (p) => <StatusBadge status={p.status === 'requested' ? 'pending' : p.status} /> },
        ]}
      />
    </Card>
  );
}

// ---------------------------------------------------------------- transfer explorer
export function TransfersPage() {
  const t = useT();
  const initial = new URLSearchParams(typeof location !== 'undefined' ? location.search : '');
  const [filters, setFilters] = useState({
    account_id: initial.get('account_id') ?? '', kind: '', currency: '', reference_id: initial.get('reference_id') ?? '', pending_status: '', from: '', to: '',
  });
  const [draft, setDraft] = useState(filters);
  const query = {
    ...filters, from: filters.from ? new Date(filters.from).toISOString() : '', to: filters.to ? new Date(filters.to).toISOString() : '', limit: 50,
  };
  const list = usePagedResource<Transfer>('/v1/ledger/transfers', query);
  const set = (k: keyof typeof draft) => (e: { target: { value: string } }) => setDraft({ ...draft, [k]: e.target.value });
  return (
    <Page title={t('ledger.tab.transfers')} description={t('ledger.transfersDescription')}>
      <Card title={t('ledger.filters')}>
        <form className="form" onSubmit={(e: FormEvent) => { e.preventDefault(); setFilters(draft); }}>
          <div className="grid-2">
            <Field label={t('ledger.account')}><input value={draft.account_id} onChange={set('account_id')} placeholder="acc_…" spellCheck={false} /></Field>
            <Field label={t('ledger.reference')}><input value={draft.reference_id} onChange={set('reference_id')} placeholder="ORD-…" spellCheck={false} /></Field>
            <Field label={t('ledger.transferKind')}>
              <select value={draft.kind} onChange={set('kind')}>
                <option value="">{t('ledger.any')}</option>
                {['posted', 'pending', 'post_pending', 'void_pending', 'expire_pending'].map((k) => <option key={k} value={k}>{t(`ledger.tk.${k}`)}</option>)}
              </select>
            </Field>
            <Field label={t('ledger.pendingStatus')}>
              <select value={draft.pending_status} onChange={set('pending_status')}>
                <option value="">{t('ledger.any')}</option>
                {['pending', 'posted', 'voided', 'expired'].map((k) => <option key={k} value={k}>{k}</option>)}
              </select>
            </Field>
            <Field label={t('ledger.currency')}><input value={draft.currency} onChange={(e) => setDraft({ ...draft, currency: e.target.value.toUpperCase() })} maxLength={3} placeholder="EUR" /></Field>
            <Field label={t('ledger.from')}><input type="datetime-local" value={draft.from} onChange={set('from')} /></Field>
            <Field label={t('ledger.to')}><input type="datetime-local" value={draft.to} onChange={set('to')} /></Field>
          </div>
          <div className="button-row">
            <Button type="submit" variant="primary">{t('ledger.apply')}</Button>
            <Button variant="ghost" onClick={() => { const empty = { account_id: '', kind: '', currency: '', reference_id: '', pending_status: '', from: '', to: '' }; setDraft(empty); setFilters(empty); }}>{t('ledger.clear')}</Button>
          </div>
        </form>
      </Card>
      <ErrorBanner error={list.error} />
      <Card title={t('ledger.transfers')}>
        <Table
          caption={t('ledger.transfers')}
          loading={list.loading}
          rows={list.items}
          rowKey={(x) => x.id}
          empty={<EmptyState title={t('ledger.noTransfers')} />}
          columns={[
            { key: 'at', header: t('ledger.date'), render: (x) => <DateTime value={x.created_at} /> },
            { key: 'id', header: t('ledger.transferId'), render: (x) => <><code className="break">{x.id}</code>{x.linked_group && <div className="muted small">{t('ledger.linked')}: {x.linked_group}</div>}</> },
            { key: 'kind', header: t('ledger.transferKind'), render: (x) => <>{t(`ledger.tk.${x.kind}`)}{x.pending_status && <> <StatusBadge status={x.pending_status} /></>}</> },
            { key: 'accounts', header: t('ledger.debitCredit'), wide: true, render: (x) => <span className="small"><code>{x.debit_account_id}</code> → <code>{x.credit_account_id}</code></span> },
            { key: 'amount', header: t('ledger.amount'), align: 'end', render: (x) => <Money minor={x.amount} currency={x.currency} /> },
            { key: 'reason', header: t('ledger.reason'), render: (x) => <>{x.reason}{x.reference_id && <div className="muted small">{x.reference_type} {x.reference_type === 'order' ? <Link to={`/ledger/orders/${encodeURIComponent(x.reference_id)}`}>{x.reference_id}</Link> : x.reference_id}</div>}{x.fx_rate && <div className="muted small">FX {x.fx_rate}</div>}</> },
          ]}
        />
        {list.hasMore && <Button onClick={list.loadMore} loading={list.loading}>{t('ledger.more')}</Button>}
      </Card>
    </Page>
  );
}

// ---------------------------------------------------------------- order money
export function OrdersPage() {
  const t = useT();
  const list = useResource<{ data: EscrowRow[] }>('/v1/ledger/escrows');
  return (
    <Page title={t('ledger.tab.orders')} description={t('ledger.ordersDescription')}>
      <ErrorBanner error={list.error} />
      <Card title={t('ledger.escrows')}>
        <Table
          caption={t('ledger.escrows')}
          loading={list.loading}
          rows={list.data?.data}
          rowKey={(e) => e.order_id}
          empty={<EmptyState title={t('ledger.noEscrow')} />}
          columns={[
            { key: 'order', header: t('ledger.order'), render: (e) => <Link to={`/ledger/orders/${encodeURIComponent(e.order_id)}`}>{e.order_id}</Link> },
            { key: 'amount', header: t('ledger.amount'), align: 'end', render: (e) => <Money minor={e.amount} currency={e.currency} /> },
            { key: 'released', header: t('ledger.released'), align: 'end', wide: true, render: (e) => <Money minor={e.released} currency={e.currency} /> },
            { key: 'status', header: t('ledger.status'), render: (e) => <>{<StatusBadge status={e.status} label={t(`ledger.es.${e.status}`)} />}{e.dispute_open && <> <StatusBadge status="blocked" label={t('ledger.disputed')} /></>}</> },
            { key: 'created', header: t('ledger.date'), wide: true, render: (e) => <DateTime value={e.created_at} /> },
          ]}
        />
      </Card>
    </Page>
  );
}

export function OrderMoneyPage() {
  const t = useT();
  const session = useSession();
  const { orderId = '' } = useParams();
  const e = useResource<Escrow>(`/v1/ledger/orders/${encodeURIComponent(orderId)}`);
  const [reason, setReason] = useState('');
  const org = session.organisation;
  const act = useAction(async (path: string, body: unknown = {}) => { await api.post(`/v1/ledger/orders/${encodeURIComponent(orderId)}/${path}`, body); e.reload(); });
  const d = e.data;
  const open = d && ['held', 'partially_released'].includes(d.status);
  return (
    <Page title={`${t('ledger.order')} ${orderId}`} description={t('ledger.orderDescription')}>
      <ErrorBanner error={e.error ?? act.error} />
      {d && (
        <>
          <Card title={t('ledger.escrow')}>
            <DetailList items={[
              [t('ledger.status'), <><StatusBadge status={d.status} label={t(`ledger.es.${d.status}`)} />{d.dispute_open && <> <StatusBadge status="blocked" label={t('ledger.disputed')} /> {d.dispute_reason}</>}</>],
              [t('ledger.amount'), <Money minor={d.amount} currency={d.currency} />],
              [t('ledger.taxes'), <Money minor={d.tax_amount} currency={d.currency} />],
              [t('ledger.held'), <Money minor={d.held} currency={d.currency} />],
              [t('ledger.released'), <Money minor={d.released} currency={d.currency} />],
              [t('ledger.commission'), <Money minor={d.commission} currency={d.currency} />],
              [t('ledger.refunded'), <Money minor={d.refunded} currency={d.currency} />],
              [t('ledger.carrierDelivered'), <DateTime value={d.carrier_delivered_at} />],
              [t('ledger.buyerConfirmed'), <DateTime value={d.buyer_confirmed_at} />],
              [t('ledger.autoRelease'), <DateTime value={d.auto_release_at} />],
            ]} />
            {open && (
              <div className="button-row" style={{ flexWrap: 'wrap' }}>
                {org?.id === d.buyer_org_id && !d.buyer_confirmed_at && <Button variant="primary" loading={act.pending} onClick={() => void act.run('confirm-receipt')}>{t('ledger.confirmReceipt')}</Button>}
                {org?.kind === 'operator' && !d.carrier_delivered_at && <Button loading={act.pending} onClick={() => void act.run('carrier-delivered')}>{t('ledger.markDelivered')}</Button>}
                {org?.kind === 'operator' && !d.dispute_open && <Button loading={act.pending} onClick={() => void act.run('release')}>{t('ledger.release')}</Button>}
                {org?.kind === 'operator' && d.dispute_open && <>
                  <Button loading={act.pending} onClick={() => void act.run('disputes/resolve', { outcome: 'release' })}>{t('ledger.resolveRelease')}</Button>
                  <Button loading={act.pending} onClick={() => void act.run('disputes/resolve', { outcome: 'refund' })}>{t('ledger.resolveRefund')}</Button>
                </>}
              </div>
            )}
            {open && !d.dispute_open && (org?.id === d.buyer_org_id || org?.id === d.seller_org_id) && (
              <form className="form" onSubmit={(ev: FormEvent) => { ev.preventDefault(); void act.run(org?.id === d.seller_org_id ? 'cancel' : 'disputes', { reason }); }}>
                <Field label={org?.id === d.seller_org_id ? t('ledger.cancelReason') : t('ledger.disputeReason')} error={fieldError(act.error, 'reason')}>
                  <input value={reason} onChange={(ev) => setReason(ev.target.value)} maxLength={500} />
                </Field>
                <Button type="submit" variant="danger" disabled={!reason.trim()} loading={act.pending}>{org?.id === d.seller_org_id ? t('ledger.cancelOrder') : t('ledger.openDispute')}</Button>
              </form>
            )}
          </Card>
          <Card title={t('ledger.timeline')}>
            <Table
              caption={t('ledger.timeline')}
              rows={d.timeline}
              rowKey={(x) => x.id}
              columns={[
                { key: 'at', header: t('ledger.date'), render: (x) => <DateTime value={x.created_at} /> },
                { key: 'what', header: t('ledger.transferKind'), render: (x) => <>{t(`ledger.tk.${x.kind}`)}{x.pending_status && <> <StatusBadge status={x.pending_status} /></>}</> },
                { key: 'flow', header: t('ledger.debitCredit'), render: (x) => <>{kindLabel(t, x.debit_kind)} → {kindLabel(t, x.credit_kind)}</> },
                { key: 'amount', header: t('ledger.amount'), align: 'end', render: (x) => <Money minor={x.amount} currency={x.currency} /> },
                { key: 'reason', header: t('ledger.reason'), render: (x) => x.reason },
              ]}
            />
          </Card>
          <Card title={t('ledger.payments')}>
            <Table
              rows={d.payments}
              rowKey={(p) => p.id}
              columns={[
                { key: 'id', header: 'ID', render: (p) => <code>{p.id}</code> },
                { key: 'provider', header: t('ledger.provider'), render: (p) => p.provider },
                { key: 'total', header: t('ledger.amount'), align: 'end', render: (p) => <Money minor={p.total} currency={p.currency} /> },
                { key: 'status', header: t('ledger.status'), render: (p) => <StatusBadge status={p.status === 'captured' ? 'succeeded' : p.status} label={p.status} /> },
              ]}
            />
          </Card>
        </>
      )}
    </Page>
  );
}

// ---------------------------------------------------------------- statements
export function StatementsPage() {
  const t = useT();
  const session = useSession();
  const monthStart = new Date();
  monthStart.setUTCDate(1);
  const [form, setForm] = useState({ currency: 'EUR', from: monthStart.toISOString().slice(0, 10), to: new Date(Date.now() + 86_400_000).toISOString().slice(0, 10), org_id: '' });
  const [shown, setShown] = useState<typeof form | null>(null);
  const q = shown ? { currency: shown.currency, from: new Date(shown.from + 'T00:00:00Z').toISOString(), to: new Date(shown.to + 'T00:00:00Z').toISOString(), org_id: shown.org_id || undefined } : undefined;
  const st = useResource<any>(shown ? '/v1/ledger/statements' : null, q);
  const qs = q ? new URLSearchParams(Object.entries(q).filter(([, v]) => v) as [string, string][]).toString() : '';
  return (
    <Page title={t('ledger.tab.statements')} description={t('ledger.statementsDescription')}>
      <Card title={t('ledger.period')}>
        <form className="form" onSubmit={(e: FormEvent) => { e.preventDefault(); setShown({ ...form }); }}>
          <div className="grid-2">
            <Field label={t('ledger.currency')}><input value={form.currency} maxLength={3} onChange={(e) => setForm({ ...form, currency: e.target.value.toUpperCase() })} /></Field>
            {session.organisation?.kind === 'operator' && (
              <Field label={t('ledger.owner')}>
                <select value={form.org_id} onChange={(e) => setForm({ ...form, org_id: e.target.value })}>
                  <option value="">{t('ledger.ownOrg')}</option>
                  <option value="platform">{t('ledger.platformAccount')}</option>
                </select>
              </Field>
            )}
            <Field label={t('ledger.from')}><input type="date" value={form.from} onChange={(e) => setForm({ ...form, from: e.target.value })} /></Field>
            <Field label={t('ledger.to')}><input type="date" value={form.to} onChange={(e) => setForm({ ...form, to: e.target.value })} /></Field>
          </div>
          <div className="button-row">
            <Button type="submit" variant="primary">{t('ledger.showStatement')}</Button>
            {shown && <a className="btn btn-secondary" href={`/v1/ledger/statements.csv?${qs}`} download>{t('ledger.downloadCsv')}</a>}
            {shown && <a className="btn btn-secondary" href={`/v1/ledger/statements.pdf?${qs}`} download>{t('ledger.downloadPdf')}</a>}
          </div>
        </form>
      </Card>
      <ErrorBanner error={st.error} />
      {st.data && (
        <>
          <Card title={t('ledger.summary')}>
            <DetailList items={[[t('ledger.opening'), <Money minor={st.data.opening} currency={st.data.currency} />], [t('ledger.closing'), <Money minor={st.data.closing} currency={st.data.currency} />]]} />
          </Card>
          {st.data.accounts.map((a: any) => (
            <Card key={a.account_id} title={`${kindLabel(t, a.kind)} — ${a.account_id}`}>
              <DetailList items={[
                [t('ledger.opening'), <Money minor={a.opening} currency={st.data.currency} />],
                [t('ledger.credits'), <Money minor={a.total_credits} currency={st.data.currency} />],
                [t('ledger.debits'), <Money minor={a.total_debits} currency={st.data.currency} />],
                [t('ledger.closing'), <Money minor={a.closing} currency={st.data.currency} />],
              ]} />
              <Table
                rows={a.lines}
                rowKey={(l: any) => l.transferId + l.direction}
                empty={<EmptyState title={t('ledger.noPostings')} />}
                columns={[
                  { key: 'at', header: t('ledger.date'), render: (l: any) => <DateTime value={l.at} /> },
                  { key: 'reason', header: t('ledger.reason'), render: (l: any) => <>{l.reason}{l.referenceId && <div className="muted small">{l.referenceType} {l.referenceId}</div>}</> },
                  { key: 'amount', header: t('ledger.amount'), align: 'end', render: (l: any) => <Money minor={l.signedAmount} currency={st.data.currency} /> },
                  { key: 'balance', header: t('ledger.balance'), align: 'end', render: (l: any) => <Money minor={l.runningBalance} currency={st.data.currency} /> },
                ]}
              />
            </Card>
          ))}
        </>
      )}
    </Page>
  );
}

// ---------------------------------------------------------------- reconciliation (operator)
interface ReconResult { id: string; provider: string; matched: number; report_rows: number; differences: { type: string; providerRef: string; report?: { amount: number; currency: string; kind: string }; ledger?: { amount: number; currency: string; kind: string } }[]; created_at?: string }

export function ReconciliationPage() {
  const t = useT();
  const [csv, setCsv] = useState('');
  const [result, setResult] = useState<ReconResult | null>(null);
  const history = useResource<{ data: (ReconResult & { difference_count: number })[] }>('/v1/ledger/reconciliations');
  const loadSandbox = useAction(async () => {
    const res = await fetch('/v1/payments/providers/sandbox/report.csv', { credentials: 'same-origin' });
    if (!res.ok) throw new ApiError(await res.json());
    setCsv(await res.text());
  });
  const run = useAction(async () => {
    const res = await fetch('/v1/ledger/reconciliations?provider=sandbox', { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'text/csv' }, body: csv });
    const body = await res.json();
    if (!res.ok) throw new ApiError(body);
    setResult(body);
    history.reload();
  });
  return (
    <Page title={t('ledger.tab.reconciliation')} description={t('ledger.reconDescription')}>
      <Card title={t('ledger.providerReport')}>
        <ErrorBanner error={loadSandbox.error ?? run.error} />
        <Field label={t('ledger.reportCsv')} hint="provider_ref,type,amount,currency[,reference,created_at]">
          <textarea rows={8} value={csv} onChange={(e) => setCsv(e.target.value)} spellCheck={false} style={{ fontFamily: 'monospace', width: '100%' }} />
        </Field>
        <Field label={t('ledger.reportFile')}>
          <input type="file" accept=".csv,text/csv" onChange={(e) => { const f = e.target.files?.[0]; if (f) void f.text().then(setCsv); }} />
        </Field>
        <div className="button-row">
          <Button onClick={() => void loadSandbox.run()} loading={loadSandbox.pending}>{t('ledger.loadSandbox')}</Button>
          <Button variant="primary" disabled={!csv.trim()} loading={run.pending} onClick={() => void run.run()}>{t('ledger.reconcile')}</Button>
        </div>
      </Card>
      {result && (
        <Card title={t('ledger.result')}>
          {result.differences.length === 0 ? <Notice tone="success">{t('ledger.allMatched', { n: result.matched })}</Notice> : <Notice tone="warning">{t('ledger.differencesFound', { n: result.differences.length, matched: result.matched })}</Notice>}
          <Table
            rows={result.differences}
            rowKey={(d) => d.type + d.providerRef}
            empty={null}
            columns={[
              { key: 'type', header: t('ledger.difference'), render: (d) => t(`ledger.diff.${d.type}`) },
              { key: 'ref', header: t('ledger.providerRef'), render: (d) => <code>{d.providerRef}</code> },
              { key: 'report', header: t('ledger.report'), align: 'end', render: (d) => d.report ? <Money minor={d.report.amount} currency={d.report.currency} /> : '—' },
              { key: 'ledger', header: t('ledger.ledger'), align: 'end', render: (d) => d.ledger ? <Money minor={d.ledger.amount} currency={d.ledger.currency} /> : '—' },
            ]}
          />
        </Card>
      )}
      <Card title={t('ledger.history')}>
        <Table
          rows={history.data?.data}
          loading={history.loading}
          rowKey={(r) => r.id}
          empty={<EmptyState title={t('ledger.noRecon')} />}
          columns={[
            { key: 'at', header: t('ledger.date'), render: (r) => <DateTime value={r.created_at} /> },
            { key: 'provider', header: t('ledger.provider'), render: (r) => r.provider },
            { key: 'rows', header: t('ledger.reportRows'), align: 'end', render: (r) => r.report_rows },
            { key: 'matched', header: t('ledger.matched'), align: 'end', render: (r) => r.matched },
            { key: 'diff', header: t('ledger.differences'), align: 'end', render: (r) => <StatusBadge status={r.difference_count ? 'failed' : 'ok'} label={String(r.difference_count)} /> },
          ]}
        />
      </Card>
    </Page>
  );
}
