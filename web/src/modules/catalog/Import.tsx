import { useState, type ChangeEvent } from 'react';
import { Link } from 'react-router-dom';
import { api, ApiError, useAction } from '../../shell/api';
import { useT } from '../../shell/i18n';
import { Button, Card, ErrorBanner, Field, Notice, PageHeader, Table } from '../../shell/ui';

interface RowError { line: number; column: string | null; sku: string | null; message: string }
interface Report {
  dry_run: boolean; encoding: string; delimiter: string; rows: number; ok: boolean; applied: boolean;
  products: { create: number; update: number }; skus: { create: number; update: number }; errors: RowError[]; warnings: string[];
}

const TEMPLATE = 'product_key,sku,title_en,title_zh-CN,description_en,brand,origin_country,hs_code,weight,weight_unit,length,width,height,dim_unit,price_USD,price_EUR,lithium_battery,radio_equipment,electrical,food_contact,option_colour\n';

/** base64 of bytes, in chunks (large files would overflow String.fromCharCode's argument list). */
function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/**
 * CSV import: a dry run lists every bad row with its line and reason; each bad line can be fixed
 * here and checked again; the real import is all-or-nothing. Files in GBK or UTF-16 are read by
 * the server; once fixed here the text is sent as UTF-8.
 */
export function ImportPage() {
  const t = useT();
  const [text, setText] = useState('');
  const [bytes, setBytes] = useState<Uint8Array | null>(null);
  const [fileName, setFileName] = useState('');
  const [report, setReport] = useState<Report | null>(null);
  const [fixes, setFixes] = useState<Record<number, string>>({});

  const body = () => (bytes ? { csv_base64: toBase64(bytes) } : { csv: text });

  const run = useAction(async (dryRun: boolean, payload?: object) => {
    try {
      const r = await api.request<Report>('POST', `/v1/catalog/imports?dry_run=${dryRun}`, { body: payload ?? body() });
      setReport(r);
      if (bytes && r.encoding) {
        // From now on the text (decoded like the server did) is what we edit and send.
        const label = r.encoding.replace(/ \(BOM\)$/, '');
        setText(new TextDecoder(label).decode(bytes).replace(/^\uFEFF/, ''));
        setBytes(null);
      }
      const lines = (bytes ? new TextDecoder(r.encoding.replace(/ \(BOM\)$/, '')).decode(bytes).replace(/^\uFEFF/, '') : text).split(/\r?\n/);
      setFixes(Object.fromEntries([...new Set(r.errors.map((e) => e.line))].map((l) => [l, lines[l - 1] ?? ''])));
    } catch (e) {
      if (e instanceof ApiError && e.problem.report) {
        setReport(e.problem.report as Report);
        return;
      }
      throw e;
    }
  });

  const onFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const f = e.target.files?.[0];
    if (!f) return;
    setFileName(f.name);
    setBytes(new Uint8Array(await f.arrayBuffer()));
    setReport(null);
  };

  const applyFix = (line: number) => {
    const lines = text.split(/\r?\n/);
    lines[line - 1] = fixes[line] ?? lines[line - 1];
    const next = lines.join('\n');
    setText(next);
    void run.run(true, { csv: next });
  };

  const errorLines = [...new Set(report?.errors.map((e) => e.line) ?? [])];
  return (
    <div className="page">
      <PageHeader title={t('catalog.import.title')} description={t('catalog.import.description')} />
      <Card title={t('catalog.import.file')}>
        <div className="form">
          <Field label={t('catalog.import.chooseFile')} hint={t('catalog.import.fileHint')}>
            <input type="file" name="csv-file" accept=".csv,.txt,text/csv,text/plain" onChange={(e) => void onFile(e)} />
          </Field>
          {fileName && <p className="muted small">{fileName}</p>}
          <Field label={t('catalog.import.orPaste')}>
            <textarea name="csv-text" rows={8} value={bytes ? '' : text} placeholder={TEMPLATE} onChange={(e) => { setBytes(null); setText(e.target.value); }} spellCheck={false} className="mono" />
          </Field>
          <div className="button-row">
            <Button onClick={() => void run.run(true)} loading={run.pending} disabled={!bytes && !text.trim()}>{t('catalog.import.check')}</Button>
            <Button variant="primary" onClick={() => void run.run(false)} loading={run.pending} disabled={!bytes && !text.trim()}>{t('catalog.import.run')}</Button>
            <a className="btn btn-ghost" href={`data:text/csv;charset=utf-8,${encodeURIComponent(TEMPLATE)}`} download="catalogue-template.csv">{t('catalog.import.template')}</a>
          </div>
        </div>
      </Card>
      <ErrorBanner error={run.error} />
      {report && (
        <Card title={report.dry_run ? t('catalog.import.dryRunReport') : t('catalog.import.report')}>
          <p data-testid="import-summary">
            {t('catalog.import.summary', { rows: report.rows, create: report.products.create, update: report.products.update, skus: report.skus.create + report.skus.update, encoding: report.encoding })}
          </p>
          {report.applied && <Notice tone="success"><span data-testid="import-applied">{t('catalog.import.applied', { n: report.products.create + report.products.update })}</span> <Link to="/catalog">{t('catalog.title')}</Link></Notice>}
          {report.ok && !report.applied && <Notice tone="success"><span data-testid="import-clean">{t('catalog.import.clean')}</span></Notice>}
          {!report.ok && !report.applied && <Notice tone="warning">{t('catalog.import.notApplied', { n: report.errors.length })}</Notice>}
          {report.warnings.map((w) => <p key={w} className="muted small">{w}</p>)}
          {report.errors.length > 0 && (
            <Table caption={t('catalog.import.errors')} rows={report.errors} rowKey={(e) => `${e.line}:${e.column}:${e.message}`}
              columns={[
                { key: 'line', header: t('catalog.import.line'), render: (e) => e.line },
                { key: 'column', header: t('catalog.import.column'), render: (e) => (e.column ? <code>{e.column}</code> : '') },
                { key: 'sku', header: t('catalog.skuCode'), render: (e) => e.sku ?? '' },
                { key: 'message', header: t('catalog.import.reason'), render: (e) => <span data-testid="import-error">{e.message}</span> },
              ]} />
          )}
          {errorLines.length > 0 && text && (
            <div className="form">
              <h3>{t('catalog.import.fixRows')}</h3>
              {errorLines.map((line) => (
                <div key={line} className="form form-inline">
                  <Field label={t('catalog.import.lineN', { n: line })}>
                    <input name={`fix-line-${line}`} className="mono" size={80} value={fixes[line] ?? ''} onChange={(e) => setFixes({ ...fixes, [line]: e.target.value })} />
                  </Field>
                  <Button onClick={() => applyFix(line)}>{t('catalog.import.applyFix')}</Button>
                </div>
              ))}
            </div>
          )}
        </Card>
      )}
    </div>
  );
}
