import { Fragment, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api, useAction, usePagedResource, useResource } from '../../shell/api';
import { useFormat, useT } from '../../shell/i18n';
import { useSession } from '../../shell/session';
import { Button, Card, DateTime, DetailList, EmptyState, ErrorBanner, Loading, Notice, PageHeader, SecretOnce, StatusBadge } from '../../shell/ui';
import { EndpointForm, type Endpoint } from './Endpoints';

interface Attempt { attempted_at: string; status_code: number | null; response_body: string | null; duration_ms: number | null; error: string | null }
interface Delivery {
  id: string; event_id: string; event_type: string; status: string; attempts: number; last_status_code: number | null;
  created_at: string; updated_at: string; attempt_log?: Attempt[];
}

/** One endpoint: edit, rotate its secret, disable, and the delivery log with every attempt. */
export function EndpointDetailPage() {
  const t = useT();
  const { id } = useParams();
  const session = useSession();
  const canAdmin = session.can('webhooks:admin');
  // There is no GET /v1/webhooks/:id; the list is small, so take it from there.
  const list = useResource<{ data: Endpoint[] }>('/v1/webhooks');
  const endpoint = list.data?.data.find((e) => e.id === id);
  const [editing, setEditing] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const rotate = useAction(async () => {
    if (!window.confirm(t('webhooks.confirmRotate'))) return;
    const r = await api.post<{ secret: string }>(`/v1/webhooks/${id}/rotate-secret`);
    setSecret(r.secret);
  });
  const setActive = useAction(async (active: boolean) => {
    if (active) await api.patch(`/v1/webhooks/${id}`, { active: true });
    else {
      if (!window.confirm(t('webhooks.confirmDisable'))) return;
      await api.delete(`/v1/webhooks/${id}`);
    }
    setNotice(active ? t('webhooks.enabledNotice') : t('webhooks.disabledNotice'));
    list.reload();
  });

  if (!list.data) return <div className="page">{list.error ? <ErrorBanner error={list.error} /> : <Loading />}</div>;
  if (!endpoint) {
    return (
      <div className="page">
        <EmptyState title={t('webhooks.notFound')} action={<Link to="/webhooks">{t('webhooks.back')}</Link>} />
      </div>
    );
  }
  return (
    <div className="page">
      <p className="breadcrumb"><Link to="/webhooks">← {t('webhooks.title')}</Link></p>
      <PageHeader
        title={<span className="break">{endpoint.url}</span>}
        description={endpoint.description ?? undefined}
        actions={canAdmin && (
          <>
            <Button onClick={() => setEditing((e) => !e)}>{editing ? t('common.cancel') : t('common.edit')}</Button>
            <Button onClick={() => void rotate.run()} loading={rotate.pending}>{t('webhooks.rotate')}</Button>
            {endpoint.active
              ? <Button variant="danger" onClick={() => void setActive.run(false)} loading={setActive.pending}>{t('webhooks.disable')}</Button>
              : <Button variant="primary" onClick={() => void setActive.run(true)} loading={setActive.pending}>{t('webhooks.enable')}</Button>}
          </>
        )}
      />
      {notice && <Notice tone="success" onDismiss={() => setNotice(null)}>{notice}</Notice>}
      <ErrorBanner error={rotate.error ?? setActive.error} />
      {secret && <SecretOnce title={t('webhooks.newSecret')} value={secret} onDone={() => setSecret(null)} />}
      {editing ? (
        <Card title={t('common.edit')}>
          <EndpointForm
            initial={endpoint}
            submitLabel={t('common.save')}
            onCancel={() => setEditing(false)}
            onSubmit={async (input) => {
              await api.patch(`/v1/webhooks/${id}`, { ...input, description: input.description ?? '' });
              setEditing(false);
              setNotice(t('webhooks.saved'));
              list.reload();
            }}
          />
        </Card>
      ) : (
        <Card>
          <DetailList items={[
            [t('common.status'), <StatusBadge key="s" status={endpoint.active ? 'active' : 'disabled'} />],
            [t('webhooks.eventTypes'), <div key="e" className="chips">{endpoint.event_types.map((x) => <code key={x} className="chip">{x}</code>)}</div>],
            [t('common.created'), <DateTime key="c" value={endpoint.created_at} />],
            ['ID', <code key="i">{endpoint.id}</code>],
          ]} />
        </Card>
      )}
      <DeliveryLog endpointId={endpoint.id} canRedeliver={canAdmin} />
    </div>
  );
}

function DeliveryLog({ endpointId, canRedeliver }: { endpointId: string; canRedeliver: boolean }) {
  const t = useT();
  const f = useFormat();
  const log = usePagedResource<Delivery>(`/v1/webhooks/${endpointId}/deliveries`, { limit: 25 });
  const [open, setOpen] = useState<Set<string>>(new Set());
  const [notice, setNotice] = useState<string | null>(null);
  const redeliver = useAction(async (d: Delivery) => {
    await api.post(`/v1/webhooks/deliveries/${d.id}/redeliver`);
    setNotice(t('webhooks.redelivered', { event: d.event_type }));
    log.reload();
  });
  const toggle = (id: string) => setOpen((s) => { const n = new Set(s); if (n.has(id)) n.delete(id); else n.add(id); return n; });
  return (
    <Card title={t('webhooks.deliveries')} actions={<Button size="sm" onClick={log.reload} loading={log.loading}>{t('common.refresh')}</Button>}>
      {notice && <Notice tone="success" onDismiss={() => setNotice(null)}>{notice}</Notice>}
      <ErrorBanner error={log.error ?? redeliver.error} />
      {log.items.length === 0 ? (
        log.loading ? <Loading /> : <EmptyState title={t('webhooks.noDeliveries')}>{t('webhooks.noDeliveriesHint')}</EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">{t('webhooks.deliveries')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('webhooks.event')}</th>
                <th scope="col">{t('common.status')}</th>
                <th scope="col" className="align-end">{t('webhooks.attempts')}</th>
                <th scope="col" className="align-end">{t('webhooks.lastCode')}</th>
                <th scope="col" className="wide">{t('webhooks.updated')}</th>
                <th scope="col"><span className="visually-hidden">{t('common.actions')}</span></th>
              </tr>
            </thead>
            <tbody>
              {log.items.map((d) => (
                <Fragment key={d.id}>
                  <tr>
                    <td><code>{d.event_type}</code><div className="muted small"><code>{d.event_id}</code></div></td>
                    <td><StatusBadge status={d.status} /></td>
                    <td className="align-end">{f.number(d.attempts)}</td>
                    <td className="align-end">{d.last_status_code ?? '—'}</td>
                    <td className="wide"><DateTime value={d.updated_at} /></td>
                    <td className="align-end nowrap">
                      <Button size="sm" variant="ghost" aria-expanded={open.has(d.id)} aria-controls={`att-${d.id}`} onClick={() => toggle(d.id)}>
                        {open.has(d.id) ? t('webhooks.hideAttempts') : t('webhooks.showAttempts')}
                      </Button>
                      {canRedeliver && <Button size="sm" onClick={() => void redeliver.run(d)} disabled={redeliver.pending}>{t('webhooks.redeliver')}</Button>}
                    </td>
                  </tr>
                  {open.has(d.id) && (
                    <tr className="subrow" id={`att-${d.id}`}>
                      <td colSpan={6}><AttemptLog attempts={d.attempt_log ?? []} /></td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {log.hasMore && <div className="load-more"><Button onClick={log.loadMore} loading={log.loading}>{t('common.loadMore')}</Button></div>}
    </Card>
  );
}

function AttemptLog({ attempts }: { attempts: Attempt[] }) {
  const t = useT();
  const f = useFormat();
  if (attempts.length === 0) return <p className="muted small">{t('webhooks.noAttempts')}</p>;
  return (
    <ol className="attempt-list">
      {attempts.map((a, i) => (
        <li key={i}>
          <div className="attempt-head">
            <strong>#{i + 1}</strong>
            <DateTime value={a.attempted_at} />
            <StatusBadge status={a.status_code !== null && a.status_code >= 200 && a.status_code < 300 ? 'succeeded' : 'failed'} label={a.status_code ?? t('webhooks.noResponse')} />
            {a.duration_ms !== null && <span className="muted small">{f.number(a.duration_ms)} ms</span>}
          </div>
          {a.error && <p className="field-error small">{a.error}</p>}
          {a.response_body ? <pre className="response-body">{a.response_body}</pre> : !a.error && <p className="muted small">{t('webhooks.emptyBody')}</p>}
        </li>
      ))}
    </ol>
  );
}
