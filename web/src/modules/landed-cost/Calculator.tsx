import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { api, fieldError, useAction, useResource, type Page } from '../../shell/api';
import { useT } from '../../shell/i18n';
import { useSession } from '../../shell/session';
import { Button, Card, ErrorBanner, Field, PageHeader } from '../../shell/ui';
import { decimalToMinor } from './money';
import { QuoteBreakdown } from './QuoteView';
import type { StoredQuote } from './types';

interface LineForm { hs_code: string; description: string; quantity: string; unit_value: string; unit_weight_kg: string; origin_country: string; preferential: boolean; duty_pct: string; duty_reason: string }
const emptyLine = (): LineForm => ({ hs_code: '', description: '', quantity: '1', unit_value: '', unit_weight_kg: '', origin_country: '', preferential: false, duty_pct: '', duty_reason: '' });

const REGISTRATIONS = ['EU_IOSS', 'GB_VAT', 'AU_GST', 'NZ_GST', 'NO_VOEC', 'CH_VAT', 'SG_GST'];
const today = () => new Date().toISOString().slice(0, 10);

/** Calculator: a seller enters a shipment and sees the breakdown with every figure explained. */
export function CalculatorPage() {
  const t = useT();
  const session = useSession();
  const canWrite = session.can('landed_cost:write');
  const fx = useResource<Page<{ id: string; date: string; source: string }>>('/v1/landed-cost/fx-snapshots', { limit: 100 });
  const [form, setForm] = useState({
    destination_country: 'DE', destination_subdivision: '', origin_country: 'CN', date: today(), sale_currency: 'EUR', incoterm: 'DDP',
    transport_mode: '', shipping: '', insurance: '', marketplace: false, fx_snapshot_id: '', reference: '',
  });
  const [registrations, setRegistrations] = useState<Record<string, string>>({});
  const [lines, setLines] = useState<LineForm[]>([emptyLine()]);
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const [result, setResult] = useState<StoredQuote | null>(null);
  const submit = useAction(async () => {
    const errors: Record<string, string> = {};
    const money = (value: string, field: string) => {
      if (value.trim() === '') return undefined;
      const m = decimalToMinor(value, form.sale_currency);
      if (m === null) errors[field] = t('landedCost.badAmount', { currency: form.sale_currency });
      return m ?? undefined;
    };
    const body: Record<string, unknown> = {
      destination_country: form.destination_country.trim().toUpperCase(),
      origin_country: form.origin_country.trim().toUpperCase(),
      date: form.date,
      sale_currency: form.sale_currency.trim().toUpperCase(),
      incoterm: form.incoterm,
      ...(form.destination_subdivision ? { destination_subdivision: form.destination_subdivision.trim().toUpperCase() } : {}),
      ...(form.transport_mode ? { transport_mode: form.transport_mode } : {}),
      ...(form.marketplace ? { marketplace: true } : {}),
      ...(form.fx_snapshot_id ? { fx_snapshot_id: form.fx_snapshot_id } : {}),
      ...(form.reference ? { reference: form.reference } : {}),
      lines: lines.map((l, i) => ({
        hs_code: l.hs_code.trim(),
        ...(l.description ? { description: l.description } : {}),
        quantity: Number(l.quantity),
        unit_value: money(l.unit_value, `lines.${i}.unit_value`) ?? (errors[`lines.${i}.unit_value`] ??= t('landedCost.required'), 0),
        ...(l.unit_weight_kg ? { unit_weight_kg: Number(l.unit_weight_kg) } : {}),
        ...(l.origin_country ? { origin_country: l.origin_country.trim().toUpperCase() } : {}),
        ...(l.preferential ? { preferential_origin_claim: true } : {}),
        ...(l.duty_pct ? { duty_rate_override: { ad_valorem_pct: l.duty_pct, reason: l.duty_reason || 'entered in the console' } } : {}),
      })),
    };
    const shipping = money(form.shipping, 'shipping');
    const insurance = money(form.insurance, 'insurance');
    if (shipping !== undefined) body.shipping = shipping;
    if (insurance !== undefined) body.insurance = insurance;
    const regs = Object.fromEntries(Object.entries(registrations).filter(([, v]) => v.trim()));
    if (Object.keys(regs).length) body.registrations = regs;
    setLocalErrors(errors);
    if (Object.keys(errors).length) return;
    setResult(await api.post<StoredQuote>('/v1/landed-cost/quotes', body));
  });
  const err = (name: string) => localErrors[name] ?? fieldError(submit.error, name);
  const shownFields = ['destination_country', 'origin_country', 'date', 'sale_currency', 'shipping', 'insurance', 'fx_snapshot_id', 'fx_date', 'destination_subdivision',
    ...lines.flatMap((_, i) => ['hs_code', 'quantity', 'unit_value', 'unit_weight_kg', 'origin_country', 'currency', 'duty_rate_override', 'duty_rate_override.ad_valorem_pct'].map((f) => `lines.${i}.${f}`))];
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  const setLine = (i: number, patch: Partial<LineForm>) => setLines(lines.map((l, j) => (j === i ? { ...l, ...patch } : l)));
  const onSubmit = (e: FormEvent) => { e.preventDefault(); void submit.run(); };

  return (
    <div className="page">
      <PageHeader title={t('landedCost.calculator')} description={t('landedCost.calculatorHint')} actions={<Link to="/landed-cost/quotes">{t('landedCost.quotes')}</Link>} />
      <Card title={t('landedCost.shipment')}>
        <form className="form" onSubmit={onSubmit} noValidate>
          <div className="grid-2">
            <Field label={t('landedCost.destination')} error={err('destination_country')} required hint={t('landedCost.countryHint')}><input className="input-short" value={form.destination_country} onChange={set('destination_country')} maxLength={2} /></Field>
            <Field label={t('landedCost.subdivision')} error={err('destination_subdivision')} hint="CA-ON"><input className="input-short" value={form.destination_subdivision} onChange={set('destination_subdivision')} maxLength={6} /></Field>
            <Field label={t('landedCost.origin')} error={err('origin_country')} required><input className="input-short" value={form.origin_country} onChange={set('origin_country')} maxLength={2} /></Field>
            <Field label={t('landedCost.date')} error={err('date')} required><input type="date" value={form.date} onChange={set('date')} /></Field>
            <Field label={t('landedCost.saleCurrency')} error={err('sale_currency')} required><input className="input-short" value={form.sale_currency} onChange={set('sale_currency')} maxLength={3} /></Field>
            <Field label={t('landedCost.incoterm')} hint={t('landedCost.incotermHint')}>
              <select value={form.incoterm} onChange={set('incoterm')}><option value="DDP">DDP</option><option value="DAP">DAP</option></select>
            </Field>
            <Field label={t('landedCost.transportMode')}>
              <select value={form.transport_mode} onChange={set('transport_mode')}>
                <option value="">—</option>
                {['postal', 'courier', 'air', 'ocean', 'road'].map((m) => <option key={m} value={m}>{t(`landedCost.mode.${m}`)}</option>)}
              </select>
            </Field>
            <Field label={t('landedCost.shipping')} error={err('shipping')} hint={form.sale_currency}><input inputMode="decimal" value={form.shipping} onChange={set('shipping')} /></Field>
            <Field label={t('landedCost.insurance')} error={err('insurance')} hint={form.sale_currency}><input inputMode="decimal" value={form.insurance} onChange={set('insurance')} /></Field>
            <Field label={t('landedCost.fxSnapshot')} error={err('fx_snapshot_id') ?? err('fx_date')} hint={t('landedCost.fxSnapshotHint')}>
              <select value={form.fx_snapshot_id} onChange={set('fx_snapshot_id')}>
                <option value="">{t('landedCost.fxAuto')}</option>
                {fx.data?.data.map((s) => <option key={s.id} value={s.id}>{s.id} ({s.date})</option>)}
              </select>
            </Field>
            <Field label={t('landedCost.reference')}><input value={form.reference} onChange={set('reference')} maxLength={200} /></Field>
          </div>
          <label className="checkbox"><input type="checkbox" checked={form.marketplace} onChange={(e) => setForm({ ...form, marketplace: e.target.checked })} /> {t('landedCost.marketplace')}</label>
          <fieldset className="fieldset">
            <legend>{t('landedCost.registrations')}</legend>
            <p className="field-hint">{t('landedCost.registrationsHint')}</p>
            <div className="grid-2">
              {REGISTRATIONS.map((k) => (
                <Field key={k} label={t(`landedCost.registration.${k}`)} error={err(`registrations.${k}`)}>
                  <input value={registrations[k] ?? ''} onChange={(e) => setRegistrations({ ...registrations, [k]: e.target.value })} maxLength={40} />
                </Field>
              ))}
            </div>
          </fieldset>
          {lines.map((l, i) => (
            <fieldset className="fieldset" key={i}>
              <legend>{t('landedCost.lineN', { n: i + 1 })}</legend>
              <div className="grid-2">
                <Field label={t('landedCost.hsCode')} error={err(`lines.${i}.hs_code`)} required hint={t('landedCost.hsCodeHint')}><input className="input-code" value={l.hs_code} onChange={(e) => setLine(i, { hs_code: e.target.value })} /></Field>
                <Field label={t('landedCost.description')}><input value={l.description} onChange={(e) => setLine(i, { description: e.target.value })} /></Field>
                <Field label={t('landedCost.quantity')} error={err(`lines.${i}.quantity`)} required><input inputMode="numeric" value={l.quantity} onChange={(e) => setLine(i, { quantity: e.target.value })} /></Field>
                <Field label={t('landedCost.unitValue')} error={err(`lines.${i}.unit_value`) ?? err(`lines.${i}.currency`)} required hint={form.sale_currency}><input inputMode="decimal" value={l.unit_value} onChange={(e) => setLine(i, { unit_value: e.target.value })} /></Field>
                <Field label={t('landedCost.unitWeight')} error={err(`lines.${i}.unit_weight_kg`)}><input inputMode="decimal" value={l.unit_weight_kg} onChange={(e) => setLine(i, { unit_weight_kg: e.target.value })} /></Field>
                <Field label={t('landedCost.lineOrigin')} error={err(`lines.${i}.origin_country`)}><input className="input-short" value={l.origin_country} onChange={(e) => setLine(i, { origin_country: e.target.value })} maxLength={2} /></Field>
                <Field label={t('landedCost.dutyOverride')} error={err(`lines.${i}.duty_rate_override`) ?? err(`lines.${i}.duty_rate_override.ad_valorem_pct`)} hint={t('landedCost.dutyOverrideHint')}><input inputMode="decimal" value={l.duty_pct} onChange={(e) => setLine(i, { duty_pct: e.target.value })} /></Field>
                <Field label={t('landedCost.dutyOverrideReason')}><input value={l.duty_reason} onChange={(e) => setLine(i, { duty_reason: e.target.value })} /></Field>
              </div>
              <label className="checkbox"><input type="checkbox" checked={l.preferential} onChange={(e) => setLine(i, { preferential: e.target.checked })} /> {t('landedCost.preferential')}</label>
              {lines.length > 1 && <Button size="sm" variant="ghost" onClick={() => setLines(lines.filter((_, j) => j !== i))}>{t('landedCost.removeLine')}</Button>}
            </fieldset>
          ))}
          <div className="button-row">
            <Button onClick={() => setLines([...lines, emptyLine()])}>{t('landedCost.addLine')}</Button>
            <Button type="submit" variant="primary" loading={submit.pending} disabled={!canWrite}>{t('landedCost.quote')}</Button>
          </div>
          <ErrorBanner error={submit.error} shownFields={shownFields} />
        </form>
      </Card>
      {result && (
        <>
          <p>{t('landedCost.stored')} <Link to={`/landed-cost/quotes/${result.id}`}>{result.id}</Link></p>
          <QuoteBreakdown q={result.quote} />
        </>
      )}
    </div>
  );
}
