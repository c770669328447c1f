import { Link } from 'react-router-dom';
import { useI18n } from './i18n';
import { useVisibleNav } from './Layout';
import { CAPABILITIES, levelOn } from './permissions';
import { useSession } from './session';
import { Card, DetailList, EmptyState, PageHeader, StatusBadge } from './ui';

/** Home: who you are acting as, and what this organisation can do here (a placeholder until capabilities add widgets). */
export function Dashboard() {
  const { t, pick } = useI18n();
  const { me, organisation } = useSession();
  const items = useVisibleNav();
  if (!me || !organisation) return null;
  const capabilities = CAPABILITIES.map((c) => ({ capability: c, level: levelOn(me.permissions, c) })).filter((c) => c.level);
  return (
    <div className="page">
      <PageHeader title={t('home.welcome', { name: me.user.name })} description={t('home.subtitle', { org: organisation.name })} />
      <div className="grid-2">
        <Card title={t('home.organisation')}>
          <DetailList
            items={[
              [t('org.name'), organisation.name],
              [t('org.kind'), t(`kind.${organisation.kind}`)],
              [t('org.country'), organisation.country ?? '—'],
              [t('home.yourRole'), <StatusBadge key="r" status={organisation.role} tone="info" label={t(`role.${organisation.role}`)} />],
            ]}
          />
        </Card>
        <Card title={t('home.whatYouCanDo')}>
          {items.length === 0 ? (
            <EmptyState title={t('home.nothingYet')}>{t('home.nothingYetHint')}</EmptyState>
          ) : (
            <ul className="tile-list">
              {items.map((n) => (
                <li key={n.path}>
                  <Link to={n.path} className="tile">{pick(n.label)}</Link>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
      <Card title={t('home.permissions')}>
        <p className="muted small">{t('home.permissionsHint')}</p>
        <ul className="capability-list" aria-label={t('home.permissions')}>
          {capabilities.map(({ capability, level }) => (
            <li key={capability}>
              <span>{t(`capability.${capability}`)}</span>
              <StatusBadge status={level!} tone={level === 'admin' ? 'success' : level === 'write' ? 'info' : 'neutral'} label={t(`level.${level}`)} />
            </li>
          ))}
        </ul>
      </Card>
    </div>
  );
}
