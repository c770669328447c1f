import { useEffect, useState, type FormEvent } from 'react';
import { api, fieldError, useAction, useResource } from '../../shell/api';
import { useT } from '../../shell/i18n';
import { useSession } from '../../shell/session';
import { Button, Card, DateTime, DetailList, ErrorBanner, Field, Loading, Notice, PageHeader } from '../../shell/ui';

interface Organisation { id: string; name: string; kind: string; country: string | null; created_at: string }

/** The current organisation: its details, editable by admins. */
export function OrganisationPage() {
  const t = useT();
  const session = useSession();
  const org = useResource<Organisation>('/v1/organisation');
  const canEdit = session.can('identity:admin');
  const [name, setName] = useState('');
  const [country, setCountry] = useState('');
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (org.data) { setName(org.data.name); setCountry(org.data.country ?? ''); }
  }, [org.data]);
  const save = useAction(async () => {
    const next = await api.patch<Organisation>('/v1/organisation', { name: name.trim(), ...(country ? { country: country.toUpperCase() } : {}) });
    org.setData(next);
    setSaved(true);
    await session.refresh();
  });
  if (!org.data) return <div className="page">{org.error ? <ErrorBanner error={org.error} /> : <Loading />}</div>;
  return (
    <div className="page narrow">
      <PageHeader title={t('org.title')} description={org.data.name} />
      <Card>
        <DetailList items={[
          [t('org.kind'), t(`kind.${org.data.kind}`)],
          [t('org.id'), <code key="id">{org.data.id}</code>],
          [t('common.created'), <DateTime key="c" value={org.data.created_at} />],
        ]} />
      </Card>
      {canEdit && (
        <Card title={t('org.edit')}>
          <form className="form" noValidate onSubmit={(e: FormEvent) => { e.preventDefault(); setSaved(false); void save.run(); }}>
            {saved && <Notice tone="success" onDismiss={() => setSaved(false)}>{t('identity.profile.saved')}</Notice>}
            <ErrorBanner error={save.error} shownFields={['name', 'country']} />
            <Field label={t('org.name')} required error={fieldError(save.error, 'name')}>
              <input value={name} onChange={(e) => setName(e.target.value)} autoComplete="organization" />
            </Field>
            <Field label={t('org.country')} hint={t('org.countryHint')} error={fieldError(save.error, 'country')}>
              <input value={country} onChange={(e) => setCountry(e.target.value)} maxLength={2} className="input-short" />
            </Field>
            <Button type="submit" variant="primary" loading={save.pending}>{t('common.save')}</Button>
          </form>
        </Card>
      )}
    </div>
  );
}
