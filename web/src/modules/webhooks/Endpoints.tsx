import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { api, fieldError, useAction, useResource } from '../../shell/api';
import { useT } from '../../shell/i18n';
import { useSession } from '../../shell/session';
import { Button, Card, DateTime, EmptyState, ErrorBanner, Field, PageHeader, SecretOnce, StatusBadge, Table } from '../../shell/ui';
import { EventTypesInput } from './EventTypesInput';

export interface Endpoint { id: string; url: string; description: string | null; event_types: string[]; active: boolean; created_at: string }

/** Webhook endpoints: list and add (the signing secret is shown once). */
export function EndpointsPage() {
  const t = useT();
  const session = useSession();
  const canAdmin = session.can('webhooks:admin');
  const endpoints = useResource<{ data: Endpoint[] }>('/v1/webhooks');
  const [showForm, setShowForm] = useState(false);
  const [created, setCreated] = useState<{ url: string; secret: string } | null>(null);
  return (
    <div className="page">
      <PageHeader
        title={t('webhooks.title')}
        description={t('webhooks.description')}
        actions={canAdmin && !showForm && <Button variant="primary" onClick={() => { setShowForm(true); setCreated(null); }}>{t('webhooks.add')}</Button>}
      />
      {created && <SecretOnce title={t('webhooks.secretFor', { url: created.url })} value={created.secret} onDone={() => setCreated(null)} />}
      {showForm && (
        <Card title={t('webhooks.add')}>
          <EndpointForm
            submitLabel={t('webhooks.create')}
            onCancel={() => setShowForm(false)}
            onSubmit={async (input) => {
              const r = await api.post<Endpoint & { secret: string }>('/v1/webhooks', input);
              setCreated({ url: r.url, secret: r.secret });
              setShowForm(false);
              endpoints.reload();
            }}
          />
        </Card>
      )}
      <ErrorBanner error={endpoints.error} />
      <Card title={t('webhooks.endpoints')}>
        <Table
          caption={t('webhooks.endpoints')}
          loading={endpoints.loading}
          rows={endpoints.data?.data}
          rowKey={(e) => e.id}
          empty={<EmptyState title={t('webhooks.none')}>{t('webhooks.noneHint')}</EmptyState>}
          columns={[
            { key: 'url', header: t('webhooks.url'), render: (e) => <><Link to={`/webhooks/${e.id}`} className="break">{e.url}</Link>{e.description && <div className="muted small">{e.description}</div>}</> },
            { key: 'events', header: t('webhooks.eventTypes'), render: (e) => <div className="chips">{e.event_types.map((x) => <code key={x} className="chip">{x}</code>)}</div> },
            { key: 'status', header: t('common.status'), render: (e) => <StatusBadge status={e.active ? 'active' : 'disabled'} /> },
            { key: 'created', header: t('common.created'), wide: true, render: (e) => <DateTime value={e.created_at} /> },
            { key: 'open', header: <span className="visually-hidden">{t('common.actions')}</span>, align: 'end', render: (e) => <Link to={`/webhooks/${e.id}`} className="btn btn-sm btn-secondary">{t('webhooks.deliveries')}</Link> },
          ]}
        />
      </Card>
    </div>
  );
}

export interface EndpointInput { url: string; description?: string; event_types: string[] }

export function EndpointForm({ initial, submitLabel, onSubmit, onCancel }: {
  initial?: Partial<Endpoint>;
  submitLabel: string;
  onSubmit: (input: EndpointInput) => Promise<void>;
  onCancel?: () => void;
}) {
  const t = useT();
  const [url, setUrl] = useState(initial?.url ?? '');
  const [description, setDescription] = useState(initial?.description ?? '');
  const [eventTypes, setEventTypes] = useState<string[]>(initial?.event_types ?? []);
  const save = useAction(() => onSubmit({ url: url.trim(), ...(description.trim() ? { description: description.trim() } : {}), event_types: eventTypes }));
  return (
    <form className="form" noValidate onSubmit={(e: FormEvent) => { e.preventDefault(); void save.run(); }}>
      <ErrorBanner error={save.error} shownFields={['url', 'description', 'event_types']} />
      <Field label={t('webhooks.url')} required hint={t('webhooks.urlHint')} error={fieldError(save.error, 'url')}>
        <input type="url" name="webhook-url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://example.com/tradelane/webhooks" spellCheck={false} />
      </Field>
      <Field label={t('webhooks.descriptionLabel')} error={fieldError(save.error, 'description')}>
        <input value={description} onChange={(e) => setDescription(e.target.value)} maxLength={500} />
      </Field>
      <EventTypesInput label={t('webhooks.eventTypes')} value={eventTypes} onChange={setEventTypes} error={fieldError(save.error, 'event_types')} />
      <div className="button-row">
        <Button type="submit" variant="primary" loading={save.pending} disabled={!url.trim() || eventTypes.length === 0}>{submitLabel}</Button>
        {onCancel && <Button variant="ghost" onClick={onCancel}>{t('common.cancel')}</Button>}
      </div>
    </form>
  );
}
