import { useState, type FormEvent } from 'react';
import { api, fieldError, useAction, useResource } from '../../shell/api';
import { useT } from '../../shell/i18n';
import { CAPABILITIES, hasPermission, LEVELS, type Level } from '../../shell/permissions';
import { useSession } from '../../shell/session';
import { Button, Card, DateTime, EmptyState, ErrorBanner, Field, Fieldset, Notice, PageHeader, SecretOnce, StatusBadge, Table } from '../../shell/ui';

interface ApiKey { id: string; name: string; scopes: string[]; created_at: string; last_used_at: string | null; revoked_at: string | null }

/** API keys: created with a set of scopes, the key shown once, listed and revoked. */
export function ApiKeysPage() {
  const t = useT();
  const keys = useResource<{ data: ApiKey[] }>('/v1/api-keys');
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [showForm, setShowForm] = useState(false);
  const revoke = useAction(async (k: ApiKey) => {
    if (!window.confirm(t('identity.apiKeys.confirmRevoke', { name: k.name }))) return;
    await api.delete(`/v1/api-keys/${k.id}`);
    setNotice(t('identity.apiKeys.revoked', { name: k.name }));
    keys.reload();
  });
  return (
    <div className="page">
      <PageHeader
        title={t('identity.apiKeys.title')}
        description={t('identity.apiKeys.description')}
        actions={!showForm && <Button variant="primary" onClick={() => { setShowForm(true); setCreated(null); }}>{t('identity.apiKeys.new')}</Button>}
      />
      {notice && <Notice tone="success" onDismiss={() => setNotice(null)}>{notice}</Notice>}
      {created && <SecretOnce title={t('identity.apiKeys.createdTitle', { name: created.name })} value={created.key} onDone={() => setCreated(null)} />}
      {showForm && (
        <Card title={t('identity.apiKeys.new')}>
          <CreateKeyForm
            onCancel={() => setShowForm(false)}
            onCreated={(k) => { setCreated(k); setShowForm(false); keys.reload(); }}
          />
        </Card>
      )}
      <ErrorBanner error={keys.error ?? revoke.error} />
      <Card title={t('identity.apiKeys.list')}>
        <Table
          caption={t('identity.apiKeys.list')}
          loading={keys.loading}
          rows={keys.data?.data}
          rowKey={(k) => k.id}
          empty={<EmptyState title={t('identity.apiKeys.none')}>{t('identity.apiKeys.noneHint')}</EmptyState>}
          columns={[
            { key: 'name', header: t('identity.apiKeys.name'), render: (k) => <><strong data-testid="api-key-name">{k.name}</strong><div className="muted small"><code>{k.id}</code></div></> },
            { key: 'scopes', header: t('identity.apiKeys.scopes'), render: (k) => <div className="chips">{k.scopes.map((s) => <code key={s} className="chip">{s}</code>)}</div> },
            { key: 'status', header: t('common.status'), render: (k) => <StatusBadge status={k.revoked_at ? 'revoked' : 'active'} /> },
            { key: 'created', header: t('common.created'), wide: true, render: (k) => <DateTime value={k.created_at} /> },
            { key: 'used', header: t('identity.apiKeys.lastUsed'), wide: true, render: (k) => (k.last_used_at ? <DateTime value={k.last_used_at} /> : <span className="muted">{t('identity.apiKeys.never')}</span>) },
            { key: 'actions', header: <span className="visually-hidden">{t('common.actions')}</span>, align: 'end', render: (k) => !k.revoked_at && <Button size="sm" variant="danger" onClick={() => void revoke.run(k)} aria-label={t('identity.apiKeys.revokeName', { name: k.name })}>{t('identity.apiKeys.revoke')}</Button> },
          ]}
        />
      </Card>
    </div>
  );
}

function CreateKeyForm({ onCreated, onCancel }: { onCreated: (k: { name: string; key: string }) => void; onCancel: () => void }) {
  const t = useT();
  const session = useSession();
  const held = session.me?.permissions ?? [];
  const [name, setName] = useState('');
  const [levels, setLevels] = useState<Record<string, Level | ''>>({});
  const scopes = Object.entries(levels).filter(([, l]) => l).map(([c, l]) => `${c}:${l}`);
  const create = useAction(async () => {
    const r = await api.post<{ name: string; key: string }>('/v1/api-keys', { name: name.trim(), scopes });
    onCreated(r);
  });
  const readAll = () => setLevels(Object.fromEntries(CAPABILITIES.filter((c) => hasPermission(held, `${c}:read`)).map((c) => [c, 'read' as Level])));
  return (
    <form className="form" noValidate onSubmit={(e: FormEvent) => { e.preventDefault(); void create.run(); }}>
      <ErrorBanner error={create.error} shownFields={['name', 'scopes']} />
      <Field label={t('identity.apiKeys.name')} required hint={t('identity.apiKeys.nameHint')} error={fieldError(create.error, 'name')}>
        <input name="api-key-name" value={name} onChange={(e) => setName(e.target.value)} maxLength={100} autoComplete="off" />
      </Field>
      <Fieldset legend={t('identity.apiKeys.scopes')} hint={t('identity.apiKeys.scopesHint')} error={fieldError(create.error, 'scopes')}>
        <div className="button-row">
          <Button size="sm" onClick={readAll}>{t('identity.apiKeys.readAll')}</Button>
          <Button size="sm" variant="ghost" onClick={() => setLevels({})}>{t('identity.apiKeys.clear')}</Button>
        </div>
        <div className="table-wrap">
          <table className="table scope-table">
            <thead>
              <tr>
                <th scope="col">{t('identity.apiKeys.capability')}</th>
                <th scope="col" className="align-center">{t('level.none')}</th>
                {LEVELS.map((l) => <th key={l} scope="col" className="align-center">{t(`level.${l}`)}</th>)}
              </tr>
            </thead>
            <tbody>
              {CAPABILITIES.map((c) => (
                <tr key={c}>
                  <th scope="row">{t(`capability.${c}`)} <code className="muted small">{c}</code></th>
                  {(['', ...LEVELS] as const).map((l) => {
                    const allowed = l === '' || hasPermission(held, `${c}:${l}`);
                    return (
                      <td key={l || 'none'} className="align-center">
                        <input
                          type="radio"
                          name={`scope-${c}`}
                          value={l}
                          checked={(levels[c] ?? '') === l}
                          disabled={!allowed}
                          onChange={() => setLevels((s) => ({ ...s, [c]: l }))}
                          aria-label={`${t(`capability.${c}`)}: ${l ? t(`level.${l}`) : t('level.none')}`}
                        />
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p className="small">{t('identity.apiKeys.selected', { count: scopes.length })} {scopes.map((s) => <code key={s} className="chip">{s}</code>)}</p>
      </Fieldset>
      <div className="button-row">
        <Button type="submit" variant="primary" loading={create.pending} disabled={!name.trim() || scopes.length === 0}>{t('identity.apiKeys.create')}</Button>
        <Button variant="ghost" onClick={onCancel}>{t('common.cancel')}</Button>
      </div>
    </form>
  );
}
