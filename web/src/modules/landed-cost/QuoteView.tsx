import { Link, useParams } from 'react-router-dom';
import { useResource } from '../../shell/api';
import { useT } from '../../shell/i18n';
import { Card, DateTime, DetailList, ErrorBanner, Loading, Money, PageHeader, StatusBadge } from '../../shell/ui';
import type { EngineQuote, Explanation, Figure, StoredQuote, Threshold } from './types';

/** Where a figure comes from: rule, rate, base, source and its date. */
export function Why({ e, currency }: { e: Explanation | undefined; currency?: string }) {
  const t = useT();
  if (!e) return null;
  const url = /^https?:\/\/\S+/.exec(e.source)?.[0];
  return (
    <div className="muted small lc-why">
      <span className="chip">{e.ruleId}</span>
      {e.rate && <> {t('landedCost.why.rate')}: <strong>{e.rate}</strong></>}
      {e.base !== undefined && currency && <> · {t('landedCost.why.base')}: <Money minor={e.base} currency={currency} /></>}
      {' · '}{t('landedCost.why.source')}: {url ? <a href={url} target="_blank" rel="noreferrer" className="break">{e.source}</a> : <span className="break">{e.source}</span>}
      {' · '}{t('landedCost.why.asOf')}: {e.asOf}
      {e.confidence && <> · {t('landedCost.why.confidence')}: {e.confidence}</>}
      {e.note && <div>{e.note}</div>}
    </div>
  );
}

function FigureRow({ label, f }: { label: string; f: Figure }) {
  return (
    <li>
      <div><strong>{label}</strong>: <Money minor={f.amount} currency={f.currency} /></div>
      <Why e={f.explanation} currency={f.currency} />
    </li>
  );
}

function ThresholdRow({ label, d }: { label: string; d: Threshold }) {
  const t = useT();
  return (
    <li>
      <div>
        <strong>{label}</strong>: <StatusBadge status={d.applies ? 'applies' : 'not_applies'} tone={d.applies ? 'success' : 'neutral'} label={d.applies ? t('landedCost.applies') : t('landedCost.notApplies')} />
        {d.threshold && <> · {t('landedCost.threshold')} <Money minor={d.threshold.amount} currency={d.threshold.currency} /></>}
        {d.compared !== undefined && d.threshold && <> · {t('landedCost.compared')} <Money minor={d.compared} currency={d.threshold.currency} /></>}
        {!d.ruleId && <span className="muted"> · {t('landedCost.noRule')}</span>}
      </div>
      <Why e={d.explanation ?? d.threshold?.explanation} currency={d.threshold?.currency} />
    </li>
  );
}

/** The full breakdown of one engine quote, every figure with its explanation. */
export function QuoteBreakdown({ q }: { q: EngineQuote }) {
  const t = useT();
  const cur = q.destinationCurrency;
  const totals = (tot: EngineQuote['totals'], c: string) => (
    <DetailList items={[
      [t('landedCost.totals.goods'), <Money minor={tot.goods} currency={c} />],
      [t('landedCost.totals.transport'), <Money minor={tot.transport} currency={c} />],
      [t('landedCost.totals.duty'), <Money minor={tot.duty} currency={c} />],
      [t('landedCost.totals.tax'), <Money minor={tot.tax} currency={c} />],
      [t('landedCost.totals.fees'), <Money minor={tot.fees} currency={c} />],
      [t('landedCost.totals.importCharges'), <strong><Money minor={tot.importCharges} currency={c} /></strong>],
      [t('landedCost.totals.payableAtCheckout'), <Money minor={tot.payableAtCheckout} currency={c} />],
      [t('landedCost.totals.payableAtImport'), <Money minor={tot.payableAtImport} currency={c} />],
      [t('landedCost.totals.landedCost'), <strong><Money minor={tot.landedCost} currency={c} /></strong>],
    ]} />
  );
  return (
    <>
      <div className="grid-2">
        <Card title={t('landedCost.totalsIn', { currency: cur })}>{totals(q.totals, cur)}</Card>
        {q.saleCurrency !== cur && <Card title={t('landedCost.totalsIn', { currency: q.saleCurrency })}>{totals(q.totalsInSaleCurrency, q.saleCurrency)}</Card>}
        <Card title={t('landedCost.collection')}>
          <DetailList items={[
            [t('landedCost.taxCollection'), <><StatusBadge status={q.taxCollection.collector} label={t(`landedCost.collector.${q.taxCollection.collector}`)} /> <span className="muted small">{t(`landedCost.when.${q.taxCollection.when}`)}</span><div className="muted small">{q.taxCollection.note}</div></>],
            [t('landedCost.dutyCollection'), <><StatusBadge status={q.dutyCollection.collector} label={t(`landedCost.collector.${q.dutyCollection.collector}`)} /> <span className="muted small">{t(`landedCost.when.${q.dutyCollection.when}`)}</span><div className="muted small">{q.dutyCollection.note}</div></>],
            [t('landedCost.valuation'), <>{q.valuation.basis}<Why e={q.valuation.explanation} /></>],
            [t('landedCost.intrinsicValue'), <Money minor={q.intrinsicValue} currency={cur} />],
            [t('landedCost.fx'), q.fx ? <>{q.fx.saleToDestination} <span className="muted small">({q.fx.snapshotId}, {q.fx.date}; {q.fx.source})</span><div className="muted small">{q.fx.rule}</div></> : t('landedCost.noFx')],
            [t('landedCost.rounding'), <span className="small">{q.rounding.duty}; {q.rounding.tax}<div className="muted">{q.rounding.source}</div></span>],
          ]} />
        </Card>
      </div>
      <Card title={t('landedCost.thresholds')}>
        <ul className="lc-list">
          <ThresholdRow label={t('landedCost.deMinimisDuty')} d={q.deMinimis.duty} />
          <ThresholdRow label={t('landedCost.deMinimisTax')} d={q.deMinimis.tax} />
          {q.lowValueRegime && (
            <li>
              <div>
                <strong>{t('landedCost.lowValueRegime')}</strong>: {q.lowValueRegime.name}{' '}
                <StatusBadge status={q.lowValueRegime.applies ? 'applies' : 'not_applies'} tone={q.lowValueRegime.applies ? 'success' : 'neutral'} label={q.lowValueRegime.applies ? t('landedCost.applies') : t('landedCost.notApplies')} />
                <span className="muted small"> · {t('landedCost.eligible')}: {q.lowValueRegime.eligible ? t('landedCost.yes') : t('landedCost.no')} · {t('landedCost.registered', { key: q.lowValueRegime.registrationKey })}: {q.lowValueRegime.registered ? t('landedCost.yes') : t('landedCost.no')}</span>
              </div>
              <Why e={q.lowValueRegime.explanation} />
            </li>
          )}
        </ul>
      </Card>
      {q.lines.map((l) => (
        <Card key={l.index} title={t('landedCost.lineTitle', { n: l.index + 1, code: l.hsCode })}>
          {l.description && <p>{l.description}</p>}
          {l.tariffLine && (
            <p className="small">
              {t('landedCost.tariffLine')}: <strong className="nowrap">{l.tariffLine.code}</strong> — {l.tariffLine.edition} ({t('landedCost.why.asOf')} {l.tariffLine.asOf})
              {l.tariffLine.mappedFrom && <span className="muted"> · {l.tariffLine.mappedFrom}</span>}
              {l.tariffLine.note && <span className="muted"> · {l.tariffLine.note}</span>}
            </p>
          )}
          <ul className="lc-list">
            <li><strong>{t('landedCost.totals.goods')}</strong>: <Money minor={l.goodsValue} currency={cur} /> · {t('landedCost.totals.transport')}: <Money minor={l.transportShare} currency={cur} /></li>
            <FigureRow label={t('landedCost.customsValue')} f={l.customsValue} />
            {l.duty.components.map((c, i) => <FigureRow key={i} label={`${t('landedCost.totals.duty')} (${t(`landedCost.dutyKind.${c.kind}`)})`} f={c} />)}
            {l.duty.components.length === 0 && <li><strong>{t('landedCost.totals.duty')}</strong>: <Money minor={0} currency={cur} /> {l.duty.relievedBy && <span className="muted small">— {t('landedCost.relievedBy', { rule: l.duty.relievedBy })}</span>}</li>}
            {l.fees.map((f, i) => <FigureRow key={i} label={t('landedCost.totals.fees')} f={f} />)}
            <li>
              <div>
                <strong>{t('landedCost.totals.tax')} {l.tax.ratePct}%</strong>: <Money minor={l.tax.amount} currency={cur} />
                <span className="muted small"> · {t('landedCost.taxOnGoods')} <Money minor={l.tax.onGoods} currency={cur} /> · {t('landedCost.taxOnTransport')} <Money minor={l.tax.onTransport} currency={cur} /> · {t(`landedCost.collectedAt.${l.tax.collectedAt}`)}</span>
                {l.tax.relievedBy && <span className="muted small"> · {t('landedCost.relievedBy', { rule: l.tax.relievedBy })}</span>}
              </div>
              <div className="muted small">{t('landedCost.taxBase')}: <Money minor={l.tax.base.goods} currency={cur} /> + <Money minor={l.tax.base.transport} currency={cur} /> + <Money minor={l.tax.base.duty} currency={cur} /> + <Money minor={l.tax.base.fees} currency={cur} /> = <Money minor={l.tax.base.total} currency={cur} /></div>
              <Why e={l.tax.explanation} currency={cur} />
            </li>
            <li><strong>{t('landedCost.lineTotal')}</strong>: <Money minor={l.total} currency={cur} /></li>
          </ul>
        </Card>
      ))}
      {q.review.length > 0 && (
        <Card title={t('landedCost.review')}>
          <ul>{q.review.map((r, i) => <li key={i}>{r}</li>)}</ul>
        </Card>
      )}
      <Card title={t('landedCost.dataSources')}>
        <ul className="small">{q.dataSources.map((d) => <li key={d.id}><strong>{d.edition}</strong> ({t('landedCost.why.asOf')} {d.asOf}) — <span className="muted break">{d.source}</span></li>)}</ul>
      </Card>
    </>
  );
}

/** A stored quote: its input summary and the breakdown. */
export function QuoteDetailPage() {
  const t = useT();
  const { id } = useParams();
  const q = useResource<StoredQuote>(`/v1/landed-cost/quotes/${id}`);
  if (q.loading && !q.data) return <div className="page"><Loading /></div>;
  if (!q.data) return <div className="page"><ErrorBanner error={q.error} /></div>;
  const { quote, input } = q.data;
  return (
    <div className="page">
      <nav className="breadcrumb"><Link to="/landed-cost/quotes">{t('landedCost.quotes')}</Link></nav>
      <PageHeader
        title={t('landedCost.quoteTitle', { origin: input.origin_country, destination: input.destination_country })}
        description={<>{q.data.id} · {input.incoterm} · {t('landedCost.date')} {quote.date} · <DateTime value={q.data.created_at} />{q.data.reference && <> · {q.data.reference}</>}</>}
      />
      <QuoteBreakdown q={quote} />
    </div>
  );
}
