import { useEffect, useMemo, useState } from 'react';
import { useLocation, useParams } from 'react-router-dom';
import { api } from '../../shell/api';
import { useFormat, useT } from '../../shell/i18n';
import { LanguageSwitcher } from '../../shell/LanguageSwitcher';
import { CopyButton, ErrorBanner, Loading, StatusBadge } from '../../shell/ui';
import { fromBase64, leafHash, parseCheckpoint, toHex, verifyCheckpointSignature, verifyInclusion, type SignatureCheck } from './verify';

interface LoggedRecord {
  id: string; type: string; subject_id: string; content_sha256: string; public_metadata: Record<string, string | number | boolean | null>;
  recorded_at: string; entry: string; leaf_index: number | null; status: 'queued' | 'logged'; proof: string[] | null;
}
interface PassportView {
  passport: { id: string; gtin: string; batch: string; url: string; qr_svg: string; created_at: string; product: Record<string, any>; certifications: { type: string; number: string; issuer: string; valid_until?: string }[] };
  trademarks: { id: string; mark: string; office: string; registration_number: string; classes: number[]; record: LoggedRecord }[];
  history: LoggedRecord[];
  log: { origin: string; verifier_key: string; key_url: string; tree_size: number; root_hex: string; checkpoint: string };
}
type Verdict = 'verified' | 'failed' | 'pending';

/** Check every record in this browser: leaf hash → inclusion proof → root of the signed checkpoint. */
async function verifyAll(view: PassportView, verifierKey: string) {
  const cp = parseCheckpoint(view.log.checkpoint);
  const signature: SignatureCheck = await verifyCheckpointSignature(cp, verifierKey);
  const verdicts: Record<string, Verdict> = {};
  for (const r of [...view.history, ...view.trademarks.map((t) => t.record)]) {
    if (r.leaf_index === null || !r.proof) { verdicts[r.id] = 'pending'; continue; }
    const ok = await verifyInclusion(r.leaf_index, cp.size, await leafHash(r.entry), r.proof.map(fromBase64), cp.root);
    verdicts[r.id] = ok && signature !== 'invalid' ? 'verified' : 'failed';
  }
  return { signature, verdicts, size: cp.size, root: toHex(cp.root) };
}

/** Fields shown for a record come from the verified leaf bytes, not from the server's other fields. */
function entryFields(r: LoggedRecord) {
  try { return JSON.parse(r.entry) as { type: string; at: string; meta: Record<string, unknown> }; } catch { return { type: r.type, at: r.recorded_at, meta: {} }; }
}

export function PassportPage() {
  const t = useT();
  const fmt = useFormat();
  const params = useParams();
  const location = useLocation();
  const [view, setView] = useState<PassportView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [key, setKey] = useState('');
  const [result, setResult] = useState<Awaited<ReturnType<typeof verifyAll>> | null>(null);
  const dpp = params.id ?? new URLSearchParams(location.search).get('dpp');

  useEffect(() => {
    const url = dpp ? `/v1/trace/public/passports/${dpp}` : `/v1/trace/public/gtin/${params.gtin}/batch/${encodeURIComponent(params.batch ?? '')}`;
    api.get<PassportView>(url).then((v) => { setView(v); setKey(v.log.verifier_key); }, setError);
  }, [dpp, params.gtin, params.batch]);

  useEffect(() => {
    if (!view || !key) return;
    let live = true;
    verifyAll(view, key).then((r) => live && setResult(r), () => live && setResult(null));
    return () => { live = false; };
  }, [view, key]);

  const allVerified = useMemo(() => result && result.signature !== 'invalid' && Object.values(result.verdicts).every((v) => v !== 'failed'), [result]);

  const badge = (id: string) => {
    const v = result?.verdicts[id];
    if (!v) return <StatusBadge status="processing" label={t('trace.verifying')} />;
    return v === 'verified' ? <StatusBadge status="ok" tone="success" label={'✓ ' + t('trace.verified')} />
      : v === 'pending' ? <StatusBadge status="pending" label={t('trace.pendingLog')} />
      : <StatusBadge status="failed" tone="danger" label={'✗ ' + t('trace.notVerified')} />;
  };

  if (error) return <div className="auth-page"><main className="auth-main"><ErrorBanner error={error} /></main></div>;
  if (!view) return <Loading />;
  const p = view.passport;
  return (
    <div className="auth-page">
      <header className="auth-top"><strong>{t('trace.passportTitle')}</strong><LanguageSwitcher compact /></header>
      <main className="auth-main">
        <div className="auth-card" style={{ maxWidth: 640 }}>
          <h1>{p.product.name}</h1>
          {result && (
            <p className={`badge ${allVerified ? 'badge-success' : 'badge-danger'}`} style={{ whiteSpace: 'normal', display: 'block', padding: '8px 12px' }}>
              {allVerified ? '✓ ' + t('trace.allVerified', { size: result.size }) : '✗ ' + t('trace.someFailed')}
            </p>
          )}
          <dl className="detail-list">
            {p.product.brand && <><dt>{t('trace.brand')}</dt><dd>{p.product.brand}</dd></>}
            <dt>{t('trace.origin')}</dt><dd>{p.product.origin_country}{p.product.facility ? ` · ${p.product.facility}` : ''}</dd>
            {p.product.manufacturer && <><dt>{t('trace.manufacturer')}</dt><dd>{p.product.manufacturer}</dd></>}
            <dt>GTIN</dt><dd>{p.gtin}</dd>
            <dt>{t('trace.batch')}</dt><dd>{p.batch}</dd>
            {p.product.produced_on && <><dt>{t('trace.producedOn')}</dt><dd>{fmt.dateTime(p.product.produced_on, 'date')}</dd></>}
            {p.product.materials?.length ? <><dt>{t('trace.materials')}</dt><dd>{p.product.materials.join(', ')}</dd></> : null}
          </dl>
          {p.product.description && <p>{p.product.description}</p>}

          <h2>{t('trace.certifications')}</h2>
          {p.certifications.length === 0 ? <p>{t('trace.none')}</p> : (
            <ul>{p.certifications.map((c) => <li key={c.number}><strong>{c.type}</strong> {c.number} · {c.issuer}{c.valid_until ? ` · ${t('trace.validUntil', { date: fmt.dateTime(c.valid_until, 'date') })}` : ''}</li>)}</ul>
          )}

          {view.trademarks.length > 0 && <>
            <h2>{t('trace.trademarks')}</h2>
            <ul>{view.trademarks.map((tm) => <li key={tm.id}><strong>{tm.mark}</strong> · {tm.office} {tm.registration_number} · {t('trace.classes', { classes: tm.classes.join(', ') })} {badge(tm.record.id)}</li>)}</ul>
          </>}

          <h2>{t('trace.history')}</h2>
          <ol style={{ paddingInlineStart: 18 }}>
            {view.history.map((r) => {
              const e = entryFields(r);
              return (
                <li key={r.id} style={{ marginBottom: 10 }}>
                  <div><strong>{e.type}</strong> {badge(r.id)}</div>
                  <div className="muted">{fmt.dateTime(e.at)}</div>
                  <div>{Object.entries(e.meta).map(([k, v]) => `${k}: ${v}`).join(' · ')}</div>
                </li>
              );
            })}
          </ol>

          <details style={{ marginTop: 16 }}>
            <summary><strong>{t('trace.verifyYourself')}</strong></summary>
            <p>{t('trace.verifyExplain')}</p>
            <label className="field"><span>{t('trace.verifierKey')}</span>
              <input value={key} onChange={(e) => setKey(e.target.value)} spellCheck={false} style={{ width: '100%', fontFamily: 'monospace' }} />
            </label>
            <p className="muted">{t('trace.keyHint')} <a href={view.log.key_url}>{view.log.key_url}</a></p>
            <p>{t('trace.signature')}: <strong>{result ? t(`trace.sig_${result.signature}`) : '…'}</strong></p>
            <h3>{t('trace.checkpoint')}</h3>
            <pre style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all', fontSize: 12 }}>{view.log.checkpoint}</pre>
            <CopyButton text={view.log.checkpoint} />
            {[...view.history, ...view.trademarks.map((tm) => tm.record)].map((r) => (
              <div key={r.id} style={{ marginTop: 12 }}>
                <div><code>{r.id}</code> · {t('trace.leaf', { index: r.leaf_index ?? '—' })} {badge(r.id)}</div>
                <pre style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all', fontSize: 12 }}>{r.entry}</pre>
                {r.proof && <pre style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all', fontSize: 11 }}>{r.proof.join('\n')}</pre>}
                <a href={`/v1/trace/records/${r.id}/bundle`} download={`${r.id}.tlog-proof`}>{t('trace.downloadBundle')}</a>
              </div>
            ))}
            <p className="muted" style={{ marginTop: 12 }}>{t('trace.cliHint')}</p>
            <pre style={{ whiteSpace: 'pre-wrap', fontSize: 12 }}>tradelane verify --bundle trl_….tlog-proof --key "{view.log.verifier_key}"</pre>
          </details>
          <p style={{ marginTop: 16, textAlign: 'center' }}><img src={p.qr_svg} alt={t('trace.qrAlt')} width={160} height={160} /></p>
        </div>
      </main>
    </div>
  );
}
