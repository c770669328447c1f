import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { api, fieldError, useAction } from './api';
import { useT } from './i18n';
import { ORG_KINDS } from './permissions';
import { useSession } from './session';
import { Button, Card, ErrorBanner, Field, PageHeader } from './ui';

/** Create an organisation (you become its owner) and switch to it. */
export function CreateOrganisationForm({ onCreated }: { onCreated?: () => void }) {
  const t = useT();
  const session = useSession();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<string>('seller');
  const [country, setCountry] = useState('');
  const action = useAction(async () => {
    const org = await api.post<{ id: string }>('/v1/organisations', { name, kind, ...(country ? { country: country.toUpperCase() } : {}) });
    await session.switchOrganisation(org.id);
    onCreated?.();
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    void action.run();
  }
  return (
    <form onSubmit={submit} className="form" noValidate>
      <ErrorBanner error={action.error} shownFields={['name', 'kind', 'country']} />
      <Field label={t('org.name')} required error={fieldError(action.error, 'name')}>
        <input value={name} onChange={(e) => setName(e.target.value)} autoComplete="organization" />
      </Field>
      <Field label={t('org.kind')} required hint={t('org.kindHint')} error={fieldError(action.error, 'kind')}>
        <select value={kind} onChange={(e) => setKind(e.target.value)}>
          {ORG_KINDS.map((k) => <option key={k} value={k}>{t(`kind.${k}`)}</option>)}
        </select>
      </Field>
      <Field label={t('org.country')} hint={t('org.countryHint')} error={fieldError(action.error, 'country')}>
        <input value={country} onChange={(e) => setCountry(e.target.value)} maxLength={2} autoComplete="country" className="input-short" />
      </Field>
      <Button type="submit" variant="primary" loading={action.pending}>{t('org.create')}</Button>
    </form>
  );
}

export function CreateOrganisationPage() {
  const t = useT();
  const navigate = useNavigate();
  return (
    <div className="page narrow">
      <PageHeader title={t('org.newTitle')} description={t('org.newDescription')} />
      <Card>
        <CreateOrganisationForm onCreated={() => navigate('/')} />
      </Card>
    </div>
  );
}

/** Shown when the session acts for no organisation: pick one, or create the first. */
export function NoOrganisation() {
  const t = useT();
  const session = useSession();
  const orgs = session.me?.organisations ?? [];
  const choose = useAction((id: string) => session.switchOrganisation(id));
  return (
    <div className="page narrow">
      <PageHeader title={orgs.length ? t('org.chooseTitle') : t('org.firstTitle')} description={orgs.length ? t('org.chooseDescription') : t('org.firstDescription')} />
      <ErrorBanner error={choose.error} />
      {orgs.length > 0 && (
        <Card>
          <ul className="choice-list">
            {orgs.map((o) => (
              <li key={o.id}>
                <Button onClick={() => void choose.run(o.id)} loading={choose.pending}>
                  {o.name} <span className="muted">· {t(`kind.${o.kind}`)} · {t(`role.${o.role}`)}</span>
                </Button>
              </li>
            ))}
          </ul>
        </Card>
      )}
      <Card title={orgs.length ? t('org.newTitle') : undefined}>
        <CreateOrganisationForm />
      </Card>
    </div>
  );
}
