import { useState, type FormEvent } from 'react';
import { api, fieldError, useAction, useResource } from '../../shell/api';
import { useT } from '../../shell/i18n';
import { ROLES } from '../../shell/permissions';
import { useSession } from '../../shell/session';
import { Button, Card, DateTime, EmptyState, ErrorBanner, Field, Notice, PageHeader, StatusBadge, Table } from '../../shell/ui';

interface Member { user_id: string; email: string; name: string; role: string; extra_permissions: string[]; created_at: string }
interface Invitation { id: string; email: string; role: string; expires_at: string; accepted_at: string | null; created_at: string }

/** Members and roles, invitations by e-mail. Changing anything needs identity:admin. */
export function MembersPage() {
  const t = useT();
  const session = useSession();
  const isAdmin = session.can('identity:admin');
  const isOwner = session.me?.role === 'owner';
  const members = useResource<{ data: Member[] }>('/v1/organisation/members');
  const invitations = useResource<{ data: Invitation[] }>(isAdmin ? '/v1/organisation/invitations' : null);
  const [notice, setNotice] = useState<string | null>(null);
  // Only owners may hand out (or take away) the owner role.
  const assignable = ROLES.filter((r) => r !== 'owner' || isOwner);

  const changeRole = useAction(async (m: Member, role: string) => {
    await api.patch(`/v1/organisation/members/${m.user_id}`, { role });
    setNotice(t('identity.members.roleChanged', { name: m.name, role: t(`role.${role}`) }));
    members.reload();
    if (m.user_id === session.me?.user.id) await session.refresh();
  });
  const remove = useAction(async (m: Member) => {
    if (!window.confirm(t('identity.members.confirmRemove', { name: m.name }))) return;
    await api.delete(`/v1/organisation/members/${m.user_id}`);
    setNotice(t('identity.members.removed', { name: m.name }));
    members.reload();
  });

  return (
    <div className="page">
      <PageHeader title={t('identity.members.title')} description={t('identity.members.description')} />
      {notice && <Notice tone="success" onDismiss={() => setNotice(null)}>{notice}</Notice>}
      <ErrorBanner error={members.error ?? changeRole.error ?? remove.error} />
      <Card title={t('identity.members.members')}>
        <Table
          caption={t('identity.members.members')}
          loading={members.loading}
          rows={members.data?.data}
          rowKey={(m) => m.user_id}
          columns={[
            { key: 'name', header: t('identity.members.name'), render: (m) => <><strong>{m.name}</strong>{m.user_id === session.me?.user.id && <span className="muted"> ({t('identity.members.you')})</span>}<div className="muted small">{m.email}</div></> },
            {
              key: 'role', header: t('identity.members.role'),
              render: (m) =>
                isAdmin && (m.role !== 'owner' || isOwner) ? (
                  <select aria-label={t('identity.members.roleOf', { name: m.name })} value={m.role} disabled={changeRole.pending} onChange={(e) => void changeRole.run(m, e.target.value)}>
                    {(assignable.includes(m.role as never) ? assignable : [m.role, ...assignable]).map((r) => <option key={r} value={r}>{t(`role.${r}`)}</option>)}
                  </select>
                ) : (
                  <StatusBadge status={m.role} tone="info" label={t(`role.${m.role}`)} />
                ),
            },
            { key: 'extra', header: t('identity.members.extraPermissions'), wide: true, render: (m) => (m.extra_permissions?.length ? m.extra_permissions.map((p) => <code key={p} className="chip">{p}</code>) : <span className="muted">—</span>) },
            { key: 'since', header: t('identity.members.since'), wide: true, render: (m) => <DateTime value={m.created_at} style="date" /> },
            ...(isAdmin
              ? [{ key: 'actions', header: <span className="visually-hidden">{t('common.actions')}</span>, align: 'end' as const, render: (m: Member) =>
                  m.user_id !== session.me?.user.id && (m.role !== 'owner' || isOwner) ? (
                    <Button size="sm" variant="danger" onClick={() => void remove.run(m)} aria-label={t('identity.members.removeName', { name: m.name })}>{t('identity.members.remove')}</Button>
                  ) : null }]
              : []),
          ]}
        />
      </Card>
      {isAdmin ? (
        <>
          <Card title={t('identity.members.invite')}>
            <InviteForm roles={assignable} onInvited={(email) => { setNotice(t('identity.members.invited', { email })); invitations.reload(); }} />
          </Card>
          <Card title={t('identity.members.invitations')}>
            <ErrorBanner error={invitations.error} />
            <Table
              caption={t('identity.members.invitations')}
              loading={invitations.loading}
              rows={invitations.data?.data}
              rowKey={(i) => i.id}
              empty={<EmptyState title={t('identity.members.noInvitations')} />}
              columns={[
                { key: 'email', header: t('identity.auth.email'), render: (i) => <span data-testid="invitation-email">{i.email}</span> },
                { key: 'role', header: t('identity.members.role'), render: (i) => t(`role.${i.role}`) },
                { key: 'status', header: t('common.status'), render: (i) => <StatusBadge status={invitationStatus(i)} /> },
                { key: 'sent', header: t('identity.members.sent'), wide: true, render: (i) => <DateTime value={i.created_at} /> },
                { key: 'expires', header: t('identity.members.expires'), wide: true, render: (i) => (i.accepted_at ? <DateTime value={i.accepted_at} /> : <DateTime value={i.expires_at} />) },
              ]}
            />
          </Card>
        </>
      ) : (
        <p className="muted">{t('identity.members.adminOnly')}</p>
      )}
    </div>
  );
}

function invitationStatus(i: Invitation): string {
  if (i.accepted_at) return 'accepted';
  return new Date(i.expires_at).getTime() < Date.now() ? 'expired' : 'open';
}

function InviteForm({ roles, onInvited }: { roles: readonly string[]; onInvited: (email: string) => void }) {
  const t = useT();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState('member');
  const invite = useAction(async () => {
    await api.post('/v1/organisation/invitations', { email: email.trim(), role });
    onInvited(email.trim());
    setEmail('');
  });
  return (
    <form className="form form-inline" noValidate onSubmit={(e: FormEvent) => { e.preventDefault(); void invite.run(); }}>
      <ErrorBanner error={invite.error} shownFields={['email', 'role']} />
      <Field label={t('identity.auth.email')} required error={fieldError(invite.error, 'email')}>
        <input type="email" name="invite-email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="off" />
      </Field>
      <Field label={t('identity.members.role')} required error={fieldError(invite.error, 'role')}>
        <select name="invite-role" value={role} onChange={(e) => setRole(e.target.value)}>
          {roles.map((r) => <option key={r} value={r}>{t(`role.${r}`)}</option>)}
        </select>
      </Field>
      <Button type="submit" variant="primary" loading={invite.pending}>{t('identity.members.sendInvitation')}</Button>
      <p className="muted small form-note">{t('identity.members.inviteHint')}</p>
    </form>
  );
}
