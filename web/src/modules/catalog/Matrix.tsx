import { Link } from 'react-router-dom';
import { useResource } from '../../shell/api';
import { useT } from '../../shell/i18n';
import { Card, ErrorBanner, Loading, PageHeader, StatusBadge } from '../../shell/ui';
import { statusTone, type ListingStatus } from './types';

interface Matrix {
  markets: string[];
  totals: Record<string, Record<string, number>>;
  data: { product_id: string; handle: string | null; title: string | null; title_zh: string | null; markets: Record<string, { status: ListingStatus; rule_ids: string[] } | null> }[];
}

/** The catalogue × markets: each listing's stored market-access status, with the rules behind it. */
export function MatrixPage() {
  const t = useT();
  const matrix = useResource<Matrix>('/v1/catalog/compliance-matrix');
  const m = matrix.data;
  return (
    <div className="page">
      <PageHeader title={t('catalog.matrix.title')} description={t('catalog.matrix.description')} />
      <ErrorBanner error={matrix.error} />
      {matrix.loading && !m && <Loading />}
      {m && (
        <Card>
          <div className="table-wrap">
            <table className="table" data-testid="compliance-matrix">
              <caption className="visually-hidden">{t('catalog.matrix.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('catalog.product')}</th>
                  {m.markets.map((mk) => <th key={mk} scope="col" className="align-center">{mk}</th>)}
                </tr>
              </thead>
              <tbody>
                {m.data.map((row) => (
                  <tr key={row.product_id}>
                    <th scope="row"><Link to={`/catalog/${row.product_id}`}>{row.title ?? row.handle}</Link>{row.title_zh && <div className="muted small" lang="zh-CN">{row.title_zh}</div>}</th>
                    {m.markets.map((mk) => {
                      const c = row.markets[mk];
                      return (
                        <td key={mk} className="align-center" title={c?.rule_ids.join(', ')}>
                          {c ? <StatusBadge status={c.status} tone={statusTone(c.status)} label={t(`catalog.status.${c.status}`)} /> : <span className="muted">—</span>}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row">{t('catalog.matrix.blocked')}</th>
                  {m.markets.map((mk) => <td key={mk} className="align-center">{m.totals[mk]?.blocked ?? 0}</td>)}
                </tr>
              </tfoot>
            </table>
          </div>
        </Card>
      )}
    </div>
  );
}
