import { toDataURL } from 'qrcode';
import { useEffect, useState, type FormEvent } from 'react';
import { api, fieldError, useAction } from '../../shell/api';
import { LOCALES, matchLocale, useI18n, useT } from '../../shell/i18n';
import { useSession } from '../../shell/session';
import type { Locale } from '../../shell/types';
import { Button, Card, CopyButton, DetailList, ErrorBanner, Field, Notice, PageHeader, StatusBadge } from '../../shell/ui';

/** The signed-in user's own settings: name, language, two-factor sign-in. */
export function ProfilePage() {
  const { t, setLocale } = useI18n();
  const session = useSession();
  const me = session.me!;
  const [name, setName] = useState(me.user.name);
  const [language, setLanguage] = useState<Locale>(matchLocale(me.user.locale) ?? 'en');
  const [saved, setSaved] = useState(false);
  const save = useAction(async () => {
    await api.patch('/v1/me', { name: name.trim(), locale: language });
    setLocale(language);
    await session.refresh();
    setSaved(true);
  });
  return (
    <div className="page narrow">
      <PageHeader title={t('identity.profile.title')} description={me.user.email} />
      <Card title={t('identity.profile.details')}>
        <form className="form" noValidate onSubmit={(e: FormEvent) => { e.preventDefault(); setSaved(false); void save.run(); }}>
          {saved && <Notice tone="success" onDismiss={() => setSaved(false)}>{t('identity.profile.saved')}</Notice>}
          <ErrorBanner error={save.error} shownFields={['name', 'locale']} />
          <Field label={t('identity.auth.name')} required error={fieldError(save.error, 'name')}>
            <input value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" />
          </Field>
          <Field label={t('shell.language')} error={fieldError(save.error, 'locale')}>
            <select value={language} onChange={(e) => setLanguage(e.target.value as Locale)}>
              {LOCALES.map((l) => <option key={l.code} value={l.code} lang={l.code}>{l.label}</option>)}
            </select>
          </Field>
          <Button type="submit" variant="primary" loading={save.pending}>{t('common.save')}</Button>
        </form>
      </Card>
      <TwoFactorCard />
      <Card title={t('identity.profile.organisations')}>
        <DetailList items={me.organisations.map((o) => [o.name, <span key={o.id}>{t(`kind.${o.kind}`)} · {t(`role.${o.role}`)}</span>])} />
      </Card>
    </div>
  );
}

function TwoFactorCard() {
  const t = useT();
  const session = useSession();
  const enabled = session.me!.user.totp_enabled;
  const [setup, setSetup] = useState<{ secret: string; otpauth_uri: string } | null>(null);
  const [qr, setQr] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  useEffect(() => {
    if (!setup) return setQr(null);
    let live = true;
    toDataURL(setup.otpauth_uri, { errorCorrectionLevel: 'M', margin: 2, width: 220 }).then((url) => { if (live) setQr(url); }).catch(() => setQr(null));
    return () => { live = false; };
  }, [setup]);

  const begin = useAction(async () => {
    setMessage(null);
    setSetup(await api.post<{ secret: string; otpauth_uri: string }>('/v1/me/totp/setup'));
  });
  const enable = useAction(async () => {
    await api.post('/v1/me/totp/enable', { code: code.trim() });
    setSetup(null);
    setCode('');
    setMessage(t('identity.totp.enabled'));
    await session.refresh();
  });
  const disable = useAction(async () => {
    await api.post('/v1/me/totp/disable', { code: code.trim() });
    setCode('');
    setMessage(t('identity.totp.disabled'));
    await session.refresh();
  });

  return (
    <Card title={t('identity.totp.title')} actions={<StatusBadge status={enabled ? 'enabled' : 'disabled'} />}>
      {message && <Notice tone="success" onDismiss={() => setMessage(null)}>{message}</Notice>}
      {enabled ? (
        <form className="form form-inline" noValidate onSubmit={(e: FormEvent) => { e.preventDefault(); void disable.run(); }}>
          <p className="muted form-note">{t('identity.totp.onIntro')}</p>
          <ErrorBanner error={disable.error} shownFields={['code']} />
          <Field label={t('identity.auth.totpCode')} required error={fieldError(disable.error, 'code')}>
            <input value={code} onChange={(e) => setCode(e.target.value.replace(/\D/g, '').slice(0, 6))} inputMode="numeric" autoComplete="one-time-code" className="input-code" />
          </Field>
          <Button type="submit" variant="danger" loading={disable.pending} disabled={code.length !== 6}>{t('identity.totp.turnOff')}</Button>
        </form>
      ) : !setup ? (
        <>
          <p className="muted">{t('identity.totp.offIntro')}</p>
          <ErrorBanner error={begin.error} />
          <Button variant="primary" onClick={() => void begin.run()} loading={begin.pending}>{t('identity.totp.setUp')}</Button>
        </>
      ) : (
        <div className="totp-setup">
          <ol className="steps">
            <li>{t('identity.totp.step1')}</li>
            <li>{t('identity.totp.step2')}</li>
          </ol>
          <div className="totp-grid">
            <div className="qr">{qr ? <img src={qr} width={220} height={220} alt={t('identity.totp.qrAlt')} /> : <span className="muted">…</span>}</div>
            <div>
              <p className="small"><strong>{t('identity.totp.uri')}</strong></p>
              <div className="secret-row">
                <code className="secret-value" data-testid="otpauth-uri">{setup.otpauth_uri}</code>
                <CopyButton text={setup.otpauth_uri} />
              </div>
              <p className="small"><strong>{t('identity.totp.secret')}</strong></p>
              <div className="secret-row">
                <code className="secret-value">{setup.secret}</code>
                <CopyButton text={setup.secret} />
              </div>
            </div>
          </div>
          <form className="form form-inline" noValidate onSubmit={(e: FormEvent) => { e.preventDefault(); void enable.run(); }}>
            <ErrorBanner error={enable.error} shownFields={['code']} />
            <Field label={t('identity.auth.totpCode')} required error={fieldError(enable.error, 'code')}>
              <input value={code} onChange={(e) => setCode(e.target.value.replace(/\D/g, '').slice(0, 6))} inputMode="numeric" autoComplete="one-time-code" className="input-code" />
            </Field>
            <Button type="submit" variant="primary" loading={enable.pending} disabled={code.length !== 6}>{t('identity.totp.turnOn')}</Button>
            <Button variant="ghost" onClick={() => { setSetup(null); setCode(''); }}>{t('common.cancel')}</Button>
          </form>
        </div>
      )}
    </Card>
  );
}
