import { useMemo, useState, type FormEvent } from 'react';
import { usePagedResource, useResource } from '../../shell/api';
import { useT } from '../../shell/i18n';
import { useSession } from '../../shell/session';
import { Button, Card, DateTime, EmptyState, ErrorBanner, Field, Loading, PageHeader } from '../../shell/ui';

interface AuditRow {
  id: number | string;
  actor_user_id: string | null;
  actor_api_key_id: string | null;
  action: string;
  entity_type: string;
  entity_id: string;
  diff: Record<string, [unknown, unknown]> | string | null;
  request_id: string | null;
  at: string;
}

const KNOWN_ACTIONS = [
  'organisation.create', 'organisation.update', 'member.update', 'member.remove', 'invitation.create', 'invitation.accept',
  'apikey.create', 'apikey.revoke', 'user.update', 'user.totp_enable', 'user.totp_disable', 'grant.create', 'grant.revoke',
  'webhook.create', 'webhook.update', 'webhook.delete', 'webhook.rotate_secret', 'webhook.redeliver',
];
const KNOWN_ENTITIES = ['organisation', 'user', 'invitation', 'api_key', 'grant', 'webhook_endpoint', 'webhook_delivery'];

type Filters = { action: string; entity_type: string; entity_id: string };

/** The organisation's audit log, newest first, filtered by action and entity, with field-level diffs. */
export function AuditPage() {
  const t = useT();
  const session = useSession();
  const [draft, setDraft] = useState<Filters>({ action: '', entity_type: '', entity_id: '' });
  const [applied, setApplied] = useState<Filters>(draft);
  const log = usePagedResource<AuditRow>('/v1/audit', { limit: 50, ...applied });
  const members = useResource<{ data: { user_id: string; name: string; email: string }[] }>(session.can('identity:read') ? '/v1/organisation/members' : null);
  const names = useMemo(() => new Map((members.data?.data ?? []).map((m) => [m.user_id, m.name])), [members.data]);
  const set = (k: keyof Filters) => (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [k]: e.target.value }));
  const submit = (e: FormEvent) => { e.preventDefault(); setApplied({ ...draft, action: draft.action.trim(), entity_type: draft.entity_type.trim(), entity_id: draft.entity_id.trim() }); };
  const clear = () => { const empty = { action: '', entity_type: '', entity_id: '' }; setDraft(empty); setApplied(empty); };
  const filtered = applied.action || applied.entity_type || applied.entity_id;

  return (
    <div className="page">
      <PageHeader title={t('identity.audit.title')} description={t('identity.audit.description')} />
      <Card>
        <form className="form form-inline" onSubmit={submit} role="search" aria-label={t('identity.audit.filters')}>
          <Field label={t('identity.audit.action')}>
            <input name="action" list="audit-actions" value={draft.action} onChange={set('action')} placeholder="apikey.create" />
          </Field>
          <datalist id="audit-actions">{KNOWN_ACTIONS.map((a) => <option key={a} value={a} />)}</datalist>
          <Field label={t('identity.audit.entityType')}>
            <input name="entity_type" list="audit-entities" value={draft.entity_type} onChange={set('entity_type')} placeholder="api_key" />
          </Field>
          <datalist id="audit-entities">{KNOWN_ENTITIES.map((a) => <option key={a} value={a} />)}</datalist>
          <Field label={t('identity.audit.entityId')}>
            <input name="entity_id" value={draft.entity_id} onChange={set('entity_id')} spellCheck={false} />
          </Field>
          <Button type="submit" variant="primary">{t('identity.audit.apply')}</Button>
          {filtered && <Button variant="ghost" onClick={clear}>{t('identity.audit.clear')}</Button>}
        </form>
      </Card>
      <ErrorBanner error={log.error} />
      {log.items.length === 0 && log.loading ? (
        <Loading />
      ) : log.items.length === 0 ? (
        <EmptyState title={filtered ? t('identity.audit.noMatches') : t('identity.audit.empty')} />
      ) : (
        <ol className="audit-list">
          {log.items.map((row) => (
            <li key={row.id} className="audit-entry">
              <div className="audit-head">
                <code className="chip chip-strong">{row.action}</code>
                <span>
                  <button type="button" className="link-button" onClick={() => { const f = { action: '', entity_type: row.entity_type, entity_id: row.entity_id }; setDraft(f); setApplied(f); }} title={t('identity.audit.showEntity')}>
                    {row.entity_type} <code>{row.entity_id}</code>
                  </button>
                </span>
                <span className="muted small">
                  {row.actor_user_id ? t('identity.audit.byUser', { name: names.get(row.actor_user_id) ?? row.actor_user_id }) : row.actor_api_key_id ? t('identity.audit.byKey', { id: row.actor_api_key_id }) : t('identity.audit.bySystem')}
                </span>
                <span className="audit-time small"><DateTime value={row.at} /></span>
              </div>
              <DiffView diff={row.diff} />
            </li>
          ))}
        </ol>
      )}
      {log.hasMore && (
        <div className="load-more">
          <Button onClick={log.loadMore} loading={log.loading}>{t('common.loadMore')}</Button>
        </div>
      )}
    </div>
  );
}

function show(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** A field-level diff { field: [before, after] } as a before/after table. */
export function DiffView({ diff }: { diff: AuditRow['diff'] }) {
  const t = useT();
  const parsed: Record<string, [unknown, unknown]> = typeof diff === 'string' ? safeParse(diff) : (diff ?? {});
  const fields = Object.entries(parsed);
  if (fields.length === 0) return <p className="muted small">{t('identity.audit.noChanges')}</p>;
  return (
    <div className="table-wrap">
      <table className="table diff-table">
        <thead>
          <tr>
            <th scope="col">{t('identity.audit.field')}</th>
            <th scope="col">{t('identity.audit.before')}</th>
            <th scope="col">{t('identity.audit.after')}</th>
          </tr>
        </thead>
        <tbody>
          {fields.map(([field, pair]) => {
            const [before, after] = Array.isArray(pair) ? pair : [undefined, pair];
            return (
              <tr key={field}>
                <th scope="row"><code>{field}</code></th>
                <td className="diff-before">{before === null || before === undefined ? <span className="muted">—</span> : <del><pre>{show(before)}</pre></del>}</td>
                <td className="diff-after">{after === null || after === undefined ? <span className="muted">—</span> : <ins><pre>{show(after)}</pre></ins>}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function safeParse(s: string): Record<string, [unknown, unknown]> {
  try {
    return JSON.parse(s);
  } catch {
    return { value: [null, s] };
  }
}
