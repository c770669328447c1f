import { useEffect, useState } from 'react';
import { api, type Page } from '../../shell/api';
import { useT } from '../../shell/i18n';
import { Card, CopyButton, DateTime, ErrorBanner, PageHeader, StatusBadge, Table } from '../../shell/ui';

interface LogInfo { origin: string; verifier_key: string; tree_size: number; root_hex: string; checkpoint: string }
interface Passport { id: string; gtin: string; batch: string; url: string; qr_svg: string; created_at: string; product: { name: string } }
interface RecordRow { id: string; type: string; subject_id: string; recorded_at: string; leaf_index: number | null; status: string }

/** Traceability in the console: the log's key and checkpoint, your passports (QR) and records. */
export function TracePage() {
  const t = useT();
  const [log, setLog] = useState<LogInfo | null>(null);
  const [passports, setPassports] = useState<Passport[] | null>(null);
  const [records, setRecords] = useState<RecordRow[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api.get<LogInfo>('/v1/trace/log').then(setLog, setError);
    api.get<Page<Passport>>('/v1/trace/passports').then((p) => setPassports(p.data), setError);
    api.get<Page<RecordRow>>('/v1/trace/records', { limit: 50 }).then((p) => setRecords(p.data), setError);
  }, []);
  return (
    <>
      <PageHeader title={t('trace.title')} description={t('trace.description')} />
      {error ? <ErrorBanner error={error} /> : null}
      <Card title={t('trace.logCard')}>
        {log && <>
          <p>{t('trace.logSize', { size: log.tree_size })}</p>
          <p>{t('trace.verifierKey')}: <code style={{ wordBreak: 'break-all' }}>{log.verifier_key}</code> <CopyButton text={log.verifier_key} /></p>
          <pre style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all', fontSize: 12 }}>{log.checkpoint}</pre>
        </>}
      </Card>
      <Card title={t('trace.passports')}>
        <Table<Passport>
          rows={passports ?? []}
          loading={passports === null}
          rowKey={(p) => p.id}
          empty={t('trace.noPassports')}
          columns={[
            { key: 'c1', header: t('trace.product'), render: (p) => <a href={`/passport/${p.id}`}>{p.product.name}</a> },
            { key: 'c2', header: 'GTIN', render: (p) => p.gtin },
            { key: 'c3', header: t('trace.batch'), render: (p) => p.batch },
            { key: 'c4', header: 'QR', render: (p) => <a href={p.url}><img src={p.qr_svg} alt={t('trace.qrAlt')} width={72} height={72} /></a> },
          ]}
        />
      </Card>
      <Card title={t('trace.records')}>
        <Table<RecordRow>
          rows={records ?? []}
          loading={records === null}
          rowKey={(r) => r.id}
          empty={t('trace.noRecords')}
          columns={[
            { key: 'c5', header: t('trace.type'), render: (r) => r.type },
            { key: 'c6', header: t('trace.subject'), render: (r) => <code>{r.subject_id}</code> },
            { key: 'c7', header: t('trace.when'), render: (r) => <DateTime value={r.recorded_at} /> },
            { key: 'c8', header: t('trace.leafColumn'), render: (r) => (r.leaf_index ?? '—') },
            { key: 'c9', header: t('trace.state'), render: (r) => <StatusBadge status={r.status === 'logged' ? 'ok' : 'pending'} label={t(r.status === 'logged' ? 'trace.logged' : 'trace.pendingLog')} /> },
          ]}
        />
      </Card>
    </>
  );
}
