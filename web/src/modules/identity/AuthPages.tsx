import { useEffect, useState, type FormEvent } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { api, ApiError, fieldError, useAction } from '../../shell/api';
import { AuthLayout } from '../../shell/AuthLayout';
import { matchLocale, useI18n, useT } from '../../shell/i18n';
import { ORG_KINDS } from '../../shell/permissions';
import { useSession } from '../../shell/session';
import { Button, ErrorBanner, Field, Loading, Notice } from '../../shell/ui';

/** Only same-site paths are followed after sign-in (no open redirect). */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

/** After a successful sign-in: load the user, take their saved language, go where they were heading. */
function useFinishSignIn() {
  const session = useSession();
  const { setLocale } = useI18n();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  return async () => {
    const me = await session.refresh();
    const saved = matchLocale(me?.user.locale);
    if (saved) setLocale(saved);
    navigate(safeNext(params.get('next')), { replace: true });
  };
}

export function SignInPage() {
  const t = useT();
  const session = useSession();
  const [params] = useSearchParams();
  const finish = useFinishSignIn();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [step, setStep] = useState<'password' | 'totp'>('password');
  useEffect(() => {
    if (session.status === 'mfa') setStep('totp'); // reloaded between the two steps
  }, [session.status]);

  const login = useAction(async () => {
    const r = await api.post<{ mfa_required: boolean }>('/v1/auth/login', { email, password });
    if (r.mfa_required) setStep('totp');
    else await finish();
  });
  const totp = useAction(async () => {
    await api.post('/v1/auth/login/totp', { code: code.trim() });
    await finish();
  });

  if (session.status === 'loading') return <AuthLayout title={t('identity.auth.signIn')}><Loading /></AuthLayout>;
  if (session.status === 'signed-in') return <Navigate to={safeNext(params.get('next'))} replace />;

  if (step === 'totp') {
    return (
      <AuthLayout title={t('identity.auth.totpTitle')}>
        <p className="muted">{t('identity.auth.totpIntro')}</p>
        <form className="form" noValidate onSubmit={(e: FormEvent) => { e.preventDefault(); void totp.run(); }}>
          <ErrorBanner error={totp.error} shownFields={['code']} />
          <Field label={t('identity.auth.totpCode')} required error={fieldError(totp.error, 'code')}>
            <input value={code} onChange={(e) => setCode(e.target.value.replace(/\D/g, '').slice(0, 6))} inputMode="numeric" autoComplete="one-time-code" pattern="\d{6}" autoFocus className="input-code" />
          </Field>
          <Button type="submit" variant="primary" loading={totp.pending} disabled={code.length !== 6}>{t('identity.auth.verify')}</Button>
          <Button variant="ghost" onClick={() => { void session.signOut(); setStep('password'); setCode(''); }}>{t('identity.auth.useAnotherAccount')}</Button>
        </form>
      </AuthLayout>
    );
  }

  const wrong = login.error instanceof ApiError && login.error.code === 'invalid_credentials';
  return (
    <AuthLayout
      title={t('identity.auth.signIn')}
      footer={<p>{t('identity.auth.noAccount')} <Link to={`/signup${params.toString() ? `?${params}` : ''}`}>{t('identity.auth.signUp')}</Link></p>}
    >
      <form className="form" noValidate onSubmit={(e: FormEvent) => { e.preventDefault(); void login.run(); }}>
        {wrong ? <div className="banner banner-error" role="alert"><div className="banner-body">{t('identity.auth.wrongCredentials')}</div></div> : <ErrorBanner error={login.error} shownFields={['email', 'password']} />}
        <Field label={t('identity.auth.email')} required error={fieldError(login.error, 'email')}>
          <input type="email" name="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="username" autoFocus />
        </Field>
        <Field label={t('identity.auth.password')} required error={fieldError(login.error, 'password')}>
          <input type="password" name="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" />
        </Field>
        <Button type="submit" variant="primary" loading={login.pending}>{t('identity.auth.signIn')}</Button>
        <p className="small"><Link to="/forgot-password">{t('identity.auth.forgot')}</Link></p>
      </form>
    </AuthLayout>
  );
}

export function SignUpPage() {
  const t = useT();
  const { locale } = useI18n();
  const session = useSession();
  const [params] = useSearchParams();
  const finish = useFinishSignIn();
  const invited = params.get('next')?.startsWith('/accept-invitation') ?? false;
  const [form, setForm] = useState({ name: '', email: '', password: '', withOrg: !invited, orgName: '', kind: 'seller', country: '' });
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));
  const signup = useAction(async () => {
    await api.post('/v1/auth/signup', {
      name: form.name, email: form.email, password: form.password, locale,
      ...(form.withOrg ? { organisation: { name: form.orgName, kind: form.kind, ...(form.country ? { country: form.country.toUpperCase() } : {}) } } : {}),
    });
    await finish();
  });
  if (session.status === 'signed-in') return <Navigate to={safeNext(params.get('next'))} replace />;
  const err = (f: string) => fieldError(signup.error, f);
  return (
    <AuthLayout title={t('identity.auth.signUpTitle')} footer={<p>{t('identity.auth.haveAccount')} <Link to={`/login${params.toString() ? `?${params}` : ''}`}>{t('identity.auth.signIn')}</Link></p>}>
      <form className="form" noValidate onSubmit={(e: FormEvent) => { e.preventDefault(); void signup.run(); }}>
        <ErrorBanner error={signup.error} shownFields={['name', 'email', 'password', 'organisation']} />
        <Field label={t('identity.auth.name')} required error={err('name')}>
          <input value={form.name} onChange={set('name')} autoComplete="name" autoFocus />
        </Field>
        <Field label={t('identity.auth.email')} required error={err('email')}>
          <input type="email" value={form.email} onChange={set('email')} autoComplete="email" />
        </Field>
        <Field label={t('identity.auth.password')} required hint={t('identity.auth.passwordHint')} error={err('password')}>
          <input type="password" value={form.password} onChange={set('password')} autoComplete="new-password" minLength={10} />
        </Field>
        <label className="checkbox">
          <input type="checkbox" checked={form.withOrg} onChange={(e) => setForm((f) => ({ ...f, withOrg: e.target.checked }))} />
          {t('identity.auth.createOrg')}
        </label>
        {form.withOrg && (
          <div className="subform">
            <Field label={t('org.name')} required error={err('organisation.name')}>
              <input value={form.orgName} onChange={set('orgName')} autoComplete="organization" />
            </Field>
            <Field label={t('org.kind')} required hint={t('org.kindHint')} error={err('organisation.kind')}>
              <select value={form.kind} onChange={set('kind')}>
                {ORG_KINDS.map((k) => <option key={k} value={k}>{t(`kind.${k}`)}</option>)}
              </select>
            </Field>
            <Field label={t('org.country')} hint={t('org.countryHint')} error={err('organisation.country')}>
              <input value={form.country} onChange={set('country')} maxLength={2} autoComplete="country" className="input-short" />
            </Field>
          </div>
        )}
        {!form.withOrg && <p className="muted small">{t('identity.auth.noOrgHint')}</p>}
        <Button type="submit" variant="primary" loading={signup.pending}>{t('identity.auth.signUp')}</Button>
      </form>
    </AuthLayout>
  );
}

export function ForgotPasswordPage() {
  const t = useT();
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const action = useAction(async () => {
    await api.post('/v1/auth/password-reset', { email });
    setSent(true);
  });
  return (
    <AuthLayout title={t('identity.auth.forgotTitle')} footer={<p><Link to="/login">{t('identity.auth.backToSignIn')}</Link></p>}>
      {sent ? (
        <>
          <Notice tone="success">{t('identity.auth.resetSent')}</Notice>
          <p><Link to="/reset-password">{t('identity.auth.haveToken')}</Link></p>
        </>
      ) : (
        <form className="form" noValidate onSubmit={(e: FormEvent) => { e.preventDefault(); void action.run(); }}>
          <p className="muted">{t('identity.auth.forgotIntro')}</p>
          <ErrorBanner error={action.error} shownFields={['email']} />
          <Field label={t('identity.auth.email')} required error={fieldError(action.error, 'email')}>
            <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="email" autoFocus />
          </Field>
          <Button type="submit" variant="primary" loading={action.pending}>{t('identity.auth.sendReset')}</Button>
        </form>
      )}
    </AuthLayout>
  );
}

export function ResetPasswordPage() {
  const t = useT();
  const [params] = useSearchParams();
  const session = useSession();
  const [token, setToken] = useState(params.get('token') ?? '');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [done, setDone] = useState(false);
  const mismatch = confirm.length > 0 && confirm !== password;
  const action = useAction(async () => {
    await api.post('/v1/auth/password-reset/confirm', { token: token.trim(), password });
    setDone(true);
    await session.refresh(); // every session of the account was ended
  });
  return (
    <AuthLayout title={t('identity.auth.resetTitle')} footer={<p><Link to="/login">{t('identity.auth.backToSignIn')}</Link></p>}>
      {done ? (
        <Notice tone="success">{t('identity.auth.resetDone')} <Link to="/login">{t('identity.auth.signIn')}</Link></Notice>
      ) : (
        <form className="form" noValidate onSubmit={(e: FormEvent) => { e.preventDefault(); if (!mismatch) void action.run(); }}>
          <ErrorBanner error={action.error} shownFields={['token', 'password']} />
          <Field label={t('identity.auth.resetToken')} required hint={t('identity.auth.resetTokenHint')} error={fieldError(action.error, 'token')}>
            <input value={token} onChange={(e) => setToken(e.target.value)} autoComplete="off" spellCheck={false} />
          </Field>
          <Field label={t('identity.auth.newPassword')} required hint={t('identity.auth.passwordHint')} error={fieldError(action.error, 'password')}>
            <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" />
          </Field>
          <Field label={t('identity.auth.confirmPassword')} required error={mismatch ? t('identity.auth.passwordsDiffer') : undefined}>
            <input type="password" value={confirm} onChange={(e) => setConfirm(e.target.value)} autoComplete="new-password" />
          </Field>
          <Button type="submit" variant="primary" loading={action.pending} disabled={mismatch}>{t('identity.auth.setPassword')}</Button>
        </form>
      )}
    </AuthLayout>
  );
}

export function AcceptInvitationPage() {
  const t = useT();
  const session = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [token, setToken] = useState(params.get('token') ?? '');
  const action = useAction(async () => {
    const r = await api.post<{ org_id: string }>('/v1/invitations/accept', { token: token.trim() });
    await session.switchOrganisation(r.org_id);
    navigate('/', { replace: true });
  });
  const here = `/accept-invitation${params.toString() ? `?${params}` : ''}`;
  return (
    <AuthLayout title={t('identity.auth.invitationTitle')}>
      {session.status === 'loading' ? (
        <Loading />
      ) : session.status !== 'signed-in' ? (
        <>
          <p>{t('identity.auth.invitationSignIn')}</p>
          <div className="button-row">
            <Link className="btn btn-primary" to={`/login?next=${encodeURIComponent(here)}`}>{t('identity.auth.signIn')}</Link>
            <Link className="btn btn-secondary" to={`/signup?next=${encodeURIComponent(here)}`}>{t('identity.auth.signUp')}</Link>
          </div>
        </>
      ) : (
        <form className="form" noValidate onSubmit={(e: FormEvent) => { e.preventDefault(); void action.run(); }}>
          <p className="muted">{t('identity.auth.invitationAs', { email: session.me?.user.email ?? '' })}</p>
          <ErrorBanner error={action.error} shownFields={['token']} />
          <Field label={t('identity.auth.invitationToken')} required error={fieldError(action.error, 'token')}>
            <input value={token} onChange={(e) => setToken(e.target.value)} autoComplete="off" spellCheck={false} />
          </Field>
          <Button type="submit" variant="primary" loading={action.pending}>{t('identity.auth.acceptInvitation')}</Button>
        </form>
      )}
    </AuthLayout>
  );
}
