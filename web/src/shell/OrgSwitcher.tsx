import { useNavigate } from 'react-router-dom';
import { useAction } from './api';
import { useT } from './i18n';
import { useSession } from './session';

/** Switch the session to another organisation the user belongs to (POST /v1/session/organisation). */
export function OrgSwitcher() {
  const t = useT();
  const session = useSession();
  const navigate = useNavigate();
  const orgs = session.me?.organisations ?? [];
  const action = useAction(async (orgId: string) => {
    await session.switchOrganisation(orgId);
    navigate('/'); // the page in view belonged to the other organisation
  });
  if (!session.me) return null;
  return (
    <div className="org-switch">
      <label>
        <span className="visually-hidden">{t('shell.organisation')}</span>
        <select
          name="organisation"
          dir="auto"
          aria-label={t('shell.organisation')}
          value={session.me.current_org_id ?? ''}
          disabled={action.pending}
          onChange={(e) => {
            if (e.target.value === '__new') navigate('/organisations/new');
            else if (e.target.value) void action.run(e.target.value);
          }}
        >
          {!session.me.current_org_id && <option value="">{t('org.none')}</option>}
          {orgs.map((o) => (
            <option key={o.id} value={o.id}>{o.name} — {t(`kind.${o.kind}`)}</option>
          ))}
          <option value="__new">{t('org.createAnother')}</option>
        </select>
      </label>
      {action.error ? <span className="field-error small" role="alert">{t('org.switchFailed')}</span> : null}
    </div>
  );
}
