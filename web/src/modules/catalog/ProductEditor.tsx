import { useEffect, useState, type FormEvent } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { api, fieldError, useAction, useResource } from '../../shell/api';
import { currencyExponent, minorToDecimalString } from '../../shell/format';
import { useI18n, useT } from '../../shell/i18n';
import { useSession } from '../../shell/session';
import { Button, Card, DateTime, ErrorBanner, Field, Loading, Notice, PageHeader, StatusBadge } from '../../shell/ui';
import { COMPLIANCE_FLAGS, LITHIUM, statusTone, type Certificate, type Listing, type Product } from './types';

interface SkuForm {
  id?: string; code: string; options: string; hs_code: string; national_codes: string;
  weight: string; weight_unit: string; length: string; width: string; height: string; dim_unit: string; prices: string;
}
interface LocaleForm { locale: string; title: string; description: string; bullets: string }
interface Suggestion { rank: number; code: string; description: string; score: number; matched: { term: string; from: string; via: string }[]; heading: { code: string; description: string; legal_text: string } | null }

const emptySku = (): SkuForm => ({ code: '', options: '', hs_code: '', national_codes: '', weight: '', weight_unit: 'g', length: '', width: '', height: '', dim_unit: 'mm', prices: '' });

/** "USD 12.99, EUR 11.50" ⇄ { USD: 1299, EUR: 1150 } using each currency's minor-unit exponent (exact, no floats). */
function parsePrices(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of text.split(/[,;\n]+/).map((s) => s.trim()).filter(Boolean)) {
    const m = /^([A-Za-z]{3})\s*(\d+)(?:\.(\d+))?$/.exec(part);
    if (!m) throw new Error(part);
    const cur = m[1].toUpperCase();
    const e = currencyExponent(cur) ?? 2;
    const frac = (m[3] ?? '').padEnd(e, '0');
    if (frac.length > e) throw new Error(part);
    out[cur] = Number(m[2] + frac);
  }
  return out;
}
const formatPrices = (p: Record<string, number>) => Object.entries(p).map(([c, v]) => `${c} ${minorToDecimalString(v, currencyExponent(c) ?? 2)}`).join(', ');
const pairs = (text: string, sep: string) => Object.fromEntries(text.split(/[,;\n]+/).map((s) => s.trim()).filter(Boolean).map((s) => { const i = s.indexOf(sep); return [s.slice(0, i).trim(), s.slice(i + 1).trim()]; }));
const unpairs = (o: Record<string, string>, sep: string) => Object.entries(o).map(([k, v]) => `${k}${sep}${v}`).join(', ');

function skuToForm(s: Product['skus'][number]): SkuForm {
  return {
    id: s.id, code: s.code, options: unpairs(s.options, '='), hs_code: s.hs_code ?? '', national_codes: unpairs(s.national_codes, ':'),
    weight: s.weight_grams ? String(s.weight_grams) : '', weight_unit: 'g',
    length: s.dims_mm ? String(s.dims_mm.l) : '', width: s.dims_mm ? String(s.dims_mm.w) : '', height: s.dims_mm ? String(s.dims_mm.h) : '', dim_unit: 'mm',
    prices: formatPrices(s.prices),
  };
}

function skuPayload(s: SkuForm) {
  return {
    code: s.code.trim(),
    options: pairs(s.options, '='),
    hs_code: s.hs_code.trim() || null,
    national_codes: pairs(s.national_codes, ':'),
    weight: s.weight.trim() ? { value: s.weight.trim(), unit: s.weight_unit } : null,
    dimensions: s.length.trim() || s.width.trim() || s.height.trim() ? { length: s.length.trim(), width: s.width.trim(), height: s.height.trim(), unit: s.dim_unit } : null,
    prices: parsePrices(s.prices),
  };
}

/** Create or edit a product: content in every locale, SKUs with HS codes (with the assistant), compliance flags, listings and certificates. */
export function ProductEditorPage() {
  const t = useT();
  const { locale: uiLocale } = useI18n();
  const { id } = useParams();
  const navigate = useNavigate();
  const { can } = useSession();
  const product = useResource<Product & { listings: Listing[]; certificates: Certificate[] }>(id ? `/v1/catalog/products/${id}` : null);
  const markets = useResource<{ data: { market: string; name: string }[] }>('/v1/catalog/markets');
  const [locales, setLocales] = useState<LocaleForm[]>([{ locale: 'en', title: '', description: '', bullets: '' }, { locale: 'zh-CN', title: '', description: '', bullets: '' }]);
  const [brand, setBrand] = useState('');
  const [origin, setOrigin] = useState('CN');
  const [handle, setHandle] = useState('');
  const [flags, setFlags] = useState<Record<string, boolean>>({});
  const [lithium, setLithium] = useState('');
  const [skus, setSkus] = useState<SkuForm[]>([emptySku()]);
  const [saved, setSaved] = useState(false);
  const [assistantFor, setAssistantFor] = useState<number | null>(null);

  useEffect(() => {
    const p = product.data;
    if (!p) return;
    const ls = Object.entries(p.content).map(([locale, c]) => ({ locale, title: c.title, description: c.description ?? '', bullets: (c.bullets ?? []).join('\n') }));
    for (const req of ['en', 'zh-CN']) if (!ls.some((l) => l.locale === req)) ls.push({ locale: req, title: '', description: '', bullets: '' });
    setLocales(ls);
    setBrand(p.brand ?? '');
    setOrigin(p.origin_country ?? '');
    setHandle(p.handle ?? '');
    setFlags(Object.fromEntries(COMPLIANCE_FLAGS.map((f) => [f, Boolean(p.compliance[f])])));
    setLithium((p.compliance.lithium_battery as string) ?? '');
    setSkus(p.skus.length ? p.skus.map(skuToForm) : [emptySku()]);
  }, [product.data]);

  const save = useAction(async (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    const content = Object.fromEntries(locales.filter((l) => l.title.trim() || l.description.trim()).map((l) => [l.locale.trim(), {
      title: l.title.trim(), ...(l.description.trim() ? { description: l.description } : {}), ...(l.bullets.trim() ? { bullets: l.bullets.split('\n').map((b) => b.trim()).filter(Boolean) } : {}),
    }]));
    const compliance = { ...Object.fromEntries(COMPLIANCE_FLAGS.map((f) => [f, Boolean(flags[f])])), lithium_battery: lithium || null };
    const fields = { content, compliance, ...(brand.trim() ? { brand: brand.trim() } : {}), ...(origin.trim() ? { origin_country: origin.trim().toUpperCase() } : {}), ...(handle.trim() ? { handle: handle.trim() } : {}) };
    if (!id) {
      const created = await api.post<Product>('/v1/catalog/products', { ...fields, skus: skus.filter((s) => s.code.trim()).map(skuPayload) });
      navigate(`/catalog/${created.id}`);
      return;
    }
    await api.patch(`/v1/catalog/products/${id}`, fields);
    for (const s of skus.filter((x) => x.code.trim())) {
      if (s.id) await api.patch(`/v1/catalog/skus/${s.id}`, skuPayload(s));
      else await api.post(`/v1/catalog/products/${id}/skus`, skuPayload(s));
    }
    setSaved(true);
    product.reload();
  });

  const setSku = (i: number, patch: Partial<SkuForm>) => setSkus((prev) => prev.map((s, j) => (j === i ? { ...s, ...patch } : s)));
  const setLocale = (i: number, patch: Partial<LocaleForm>) => setLocales((prev) => prev.map((l, j) => (j === i ? { ...l, ...patch } : l)));
  const err = (f: string) => fieldError(save.error, f);

  if (id && product.loading && !product.data) return <Loading />;
  const editable = can('catalog:write');
  return (
    <div className="page">
      <PageHeader title={id ? (product.data?.content.en?.title ?? t('catalog.product')) : t('catalog.new')} description={id ? <code>{id}</code> : undefined} />
      <ErrorBanner error={product.error} />
      {saved && <Notice tone="success" onDismiss={() => setSaved(false)}>{t('catalog.saved')}</Notice>}
      <form className="form" onSubmit={save.run} noValidate>
        <Card title={t('catalog.content')}>
          {locales.map((l, i) => (
            <fieldset key={i} className="fieldset" data-locale={l.locale}>
              <legend>
                <input aria-label={t('catalog.locale')} name={`locale-${i}`} value={l.locale} onChange={(e) => setLocale(i, { locale: e.target.value })} size={8} disabled={l.locale === 'en' || l.locale === 'zh-CN'} />
                {(l.locale === 'en' || l.locale === 'zh-CN') && <span className="muted small"> {t('catalog.requiredForListing')}</span>}
              </legend>
              <Field label={t('catalog.titleField')} error={err(`content.${l.locale}.title`) ?? err(`content.${l.locale}`)}>
                <input name={`title-${l.locale}`} value={l.title} onChange={(e) => setLocale(i, { title: e.target.value })} lang={l.locale} />
              </Field>
              <Field label={t('catalog.descriptionField')}><textarea name={`description-${l.locale}`} rows={3} value={l.description} onChange={(e) => setLocale(i, { description: e.target.value })} lang={l.locale} /></Field>
              <Field label={t('catalog.bullets')} hint={t('catalog.bulletsHint')}><textarea name={`bullets-${l.locale}`} rows={3} value={l.bullets} onChange={(e) => setLocale(i, { bullets: e.target.value })} lang={l.locale} /></Field>
            </fieldset>
          ))}
          <Button size="sm" onClick={() => setLocales((p) => [...p, { locale: '', title: '', description: '', bullets: '' }])}>{t('catalog.addLocale')}</Button>
        </Card>

        <Card title={t('catalog.details')}>
          <div className="grid-2">
            <Field label={t('catalog.handle')} error={err('handle')}><input name="handle" value={handle} onChange={(e) => setHandle(e.target.value)} /></Field>
            <Field label={t('catalog.brand')}><input name="brand" value={brand} onChange={(e) => setBrand(e.target.value)} /></Field>
            <Field label={t('catalog.origin')} error={err('origin_country')}><input name="origin_country" value={origin} maxLength={2} onChange={(e) => setOrigin(e.target.value.toUpperCase())} /></Field>
            <Field label={t('catalog.lithium')}>
              <select name="lithium_battery" value={lithium} onChange={(e) => setLithium(e.target.value)}>
                <option value="">{t('catalog.noBattery')}</option>
                {LITHIUM.map((u) => <option key={u} value={u}>{u}</option>)}
              </select>
            </Field>
          </div>
          <div className="chips" role="group" aria-label={t('catalog.compliance')}>
            {COMPLIANCE_FLAGS.map((f) => (
              <label key={f} className="checkbox chip"><input type="checkbox" name={`flag-${f}`} checked={Boolean(flags[f])} onChange={(e) => setFlags((p) => ({ ...p, [f]: e.target.checked }))} /> {t(`catalog.flag.${f}`)}</label>
            ))}
          </div>
        </Card>

        <Card title={t('catalog.skus')} actions={<Button size="sm" onClick={() => setSkus((p) => [...p, emptySku()])}>{t('catalog.addSku')}</Button>}>
          {skus.map((s, i) => {
            const pre = id ? '' : `skus.${i}.`;
            return (
              <fieldset key={s.id ?? i} className="fieldset" data-testid="sku-form">
                <legend>{s.code || t('catalog.newSku')}</legend>
                <div className="grid-2">
                  <Field label={t('catalog.skuCode')} error={err(`${pre}code`)}><input name={`sku-code-${i}`} value={s.code} onChange={(e) => setSku(i, { code: e.target.value })} /></Field>
                  <Field label={t('catalog.options')} hint={t('catalog.optionsHint')}><input name={`sku-options-${i}`} value={s.options} onChange={(e) => setSku(i, { options: e.target.value })} /></Field>
                  <Field label={t('catalog.hsCode')} error={err(`${pre}hs_code`)} hint={product.data?.skus.find((x) => x.id === s.id)?.hs_description ?? undefined}>
                    <input name={`sku-hs-${i}`} value={s.hs_code} onChange={(e) => setSku(i, { hs_code: e.target.value })} inputMode="numeric" />
                  </Field>
                  <Field label={t('catalog.nationalCodes')} hint={t('catalog.nationalCodesHint')} error={err(`${pre}national_codes`)}><input name={`sku-national-${i}`} value={s.national_codes} onChange={(e) => setSku(i, { national_codes: e.target.value })} /></Field>
                  <Field label={t('catalog.weight')} error={err(`${pre}weight`)}>
                    <span className="button-row"><input name={`sku-weight-${i}`} value={s.weight} onChange={(e) => setSku(i, { weight: e.target.value })} size={8} inputMode="decimal" />
                      <select aria-label={t('catalog.unit')} value={s.weight_unit} onChange={(e) => setSku(i, { weight_unit: e.target.value })}>{['g', 'kg', 'lb', 'oz'].map((u) => <option key={u}>{u}</option>)}</select></span>
                  </Field>
                  <Field label={t('catalog.dimensions')} error={err(`${pre}dimensions`)}>
                    <span className="button-row">
                      {(['length', 'width', 'height'] as const).map((k) => <input key={k} aria-label={t(`catalog.${k}`)} value={s[k]} onChange={(e) => setSku(i, { [k]: e.target.value })} size={5} inputMode="decimal" />)}
                      <select aria-label={t('catalog.unit')} value={s.dim_unit} onChange={(e) => setSku(i, { dim_unit: e.target.value })}>{['mm', 'cm', 'in'].map((u) => <option key={u}>{u}</option>)}</select>
                    </span>
                  </Field>
                  <Field label={t('catalog.prices')} hint={t('catalog.pricesHint')} error={err(`${pre}prices`)}><input name={`sku-prices-${i}`} value={s.prices} onChange={(e) => setSku(i, { prices: e.target.value })} /></Field>
                </div>
                <Button size="sm" onClick={() => setAssistantFor(assistantFor === i ? null : i)}>{t('catalog.assistant')}</Button>
                {assistantFor === i && (
                  <Assistant defaultTitle={locales.find((l) => l.locale === 'en')?.title || locales.find((l) => l.locale === 'zh-CN')?.title || ''}
                    onChoose={async (code, classificationId) => {
                      if (s.id) {
                        await api.post(`/v1/catalog/skus/${s.id}/hs-confirmation`, { hs_code: code, classification_id: classificationId });
                        product.reload();
                      }
                      setSku(i, { hs_code: code });
                      setAssistantFor(null);
                    }} />
                )}
              </fieldset>
            );
          })}
        </Card>
        <ErrorBanner error={save.error} shownFields={['content', 'handle', 'origin_country', 'skus', 'code', 'hs_code', 'weight', 'dimensions', 'prices', 'national_codes']} />
        {editable && <div className="button-row"><Button type="submit" variant="primary" loading={save.pending}>{t('common.save')}</Button></div>}
      </form>

      {id && product.data && <Listings productId={id} listings={product.data.listings} markets={markets.data?.data ?? []} zh={uiLocale === 'zh-CN'} onChange={product.reload} />}
      {id && product.data && <Certificates productId={id} certificates={product.data.certificates} onChange={product.reload} />}
    </div>
  );
}

function Assistant({ defaultTitle, onChoose }: { defaultTitle: string; onChoose: (code: string, classificationId: string) => Promise<void> }) {
  const t = useT();
  const [title, setTitle] = useState(defaultTitle);
  const [result, setResult] = useState<{ id: string; suggestions: Suggestion[]; unknown_chinese: string[] } | null>(null);
  const ask = useAction(async () => setResult(await api.post('/v1/catalog/classify', { title })));
  const choose = useAction(onChoose);
  return (
    <div className="card-body" data-testid="hs-assistant">
      <div className="form form-inline">
        <Field label={t('catalog.assistantTitle')}><input name="classify-title" value={title} onChange={(e) => setTitle(e.target.value)} /></Field>
        <Button onClick={() => void ask.run()} loading={ask.pending}>{t('catalog.suggest')}</Button>
      </div>
      <ErrorBanner error={ask.error ?? choose.error} />
      {result && (
        <ol className="suggestions">
          {result.suggestions.map((s) => (
            <li key={s.code}>
              <strong>{s.code}</strong> {s.description}
              <div className="muted small">{t('catalog.matched')}: {s.matched.map((m) => `${m.from} → ${m.term}`).join(', ')}</div>
              {s.heading && <details><summary className="small">{t('catalog.legalText')} {s.heading.code}</summary><p className="small">{s.heading.legal_text}</p></details>}
              <Button size="sm" onClick={() => void choose.run(s.code, result.id)}>{t('catalog.useCode')}</Button>
            </li>
          ))}
        </ol>
      )}
      {result && result.unknown_chinese.length > 0 && <p className="muted small">{t('catalog.unknownWords')}: {result.unknown_chinese.join('、')}</p>}
      <p className="muted small">{t('catalog.assistantNote')}</p>
    </div>
  );
}

function Listings({ productId, listings, markets, zh, onChange }: { productId: string; listings: Listing[]; markets: { market: string; name: string }[]; zh: boolean; onChange: () => void }) {
  const t = useT();
  const [market, setMarket] = useState('');
  const list = useAction(async () => { await api.post(`/v1/catalog/products/${productId}/listings`, { market }); onChange(); });
  const recheck = useAction(async (id: string) => { await api.post(`/v1/catalog/listings/${id}/check`); onChange(); });
  return (
    <Card title={t('catalog.listings')}>
      <div className="form form-inline">
        <Field label={t('catalog.market')}>
          <select name="listing-market" value={market} onChange={(e) => setMarket(e.target.value)}>
            <option value="">—</option>
            {markets.map((m) => <option key={m.market} value={m.market}>{m.market} — {m.name}</option>)}
          </select>
        </Field>
        <Button variant="primary" disabled={!market} onClick={() => void list.run()} loading={list.pending}>{t('catalog.listForMarket')}</Button>
      </div>
      <ErrorBanner error={list.error ?? recheck.error} />
      {listings.filter((l) => l.active).map((l) => (
        <section key={l.id} className="card-body" data-testid={`listing-${l.market}`}>
          <h3>{l.market} <StatusBadge status={l.status} tone={statusTone(l.status)} label={t(`catalog.status.${l.status}`)} /></h3>
          <p className="muted small">{t('catalog.checkedAt')} <DateTime value={l.checked_at} /> · <Button size="sm" variant="ghost" onClick={() => void recheck.run(l.id)}>{t('catalog.recheck')}</Button></p>
          <ul>
            {l.reasons.map((r, i) => (
              <li key={i}>
                <StatusBadge status={r.effect === 'block' ? 'blocked' : 'pending'} label={r.effect === 'block' ? t('catalog.block') : t('catalog.condition')} /> <code>{r.rule_id}</code> ({r.sku}) {zh ? r.zh : r.en}
                {r.satisfied_by && <div className="muted small">{t('catalog.satisfiedBy')}: {r.satisfied_by.map((g) => g.join(' + ')).join(' / ')}</div>}
                <div className="muted small">{r.source} · {r.as_of}</div>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </Card>
  );
}

function Certificates({ productId, certificates, onChange }: { productId: string; certificates: Certificate[]; onChange: () => void }) {
  const t = useT();
  const [form, setForm] = useState({ type: '', issuer: '', number: '', markets: '', expiry: '' });
  const add = useAction(async (e: FormEvent) => {
    e.preventDefault();
    await api.post(`/v1/catalog/products/${productId}/certificates`, {
      type: form.type.trim(), issuer: form.issuer.trim(), number: form.number.trim(),
      markets: form.markets.split(/[,\s]+/).filter(Boolean).map((m) => m.toUpperCase()), ...(form.expiry ? { expiry: form.expiry } : {}),
    });
    setForm({ type: '', issuer: '', number: '', markets: '', expiry: '' });
    onChange();
  });
  return (
    <Card title={t('catalog.certificates')}>
      <ul>
        {certificates.map((c) => (
          <li key={c.id}><code>{c.type}</code> {c.number} · {c.issuer} · {c.markets.join(', ') || t('catalog.allMarkets')} · {c.expiry ? <>{t('catalog.expires')} <DateTime value={c.expiry} style="date" /></> : t('catalog.noExpiry')}</li>
        ))}
      </ul>
      <form className="form form-inline" onSubmit={add.run}>
        <Field label={t('catalog.certType')} error={fieldError(add.error, 'type')}><input name="cert-type" value={form.type} onChange={(e) => setForm({ ...form, type: e.target.value })} placeholder="EU_DECLARATION_OF_CONFORMITY" /></Field>
        <Field label={t('catalog.issuer')}><input name="cert-issuer" value={form.issuer} onChange={(e) => setForm({ ...form, issuer: e.target.value })} /></Field>
        <Field label={t('catalog.number')}><input name="cert-number" value={form.number} onChange={(e) => setForm({ ...form, number: e.target.value })} /></Field>
        <Field label={t('catalog.markets')}><input name="cert-markets" value={form.markets} onChange={(e) => setForm({ ...form, markets: e.target.value })} placeholder="EU, GB" /></Field>
        <Field label={t('catalog.expiry')}><input type="date" name="cert-expiry" value={form.expiry} onChange={(e) => setForm({ ...form, expiry: e.target.value })} /></Field>
        <Button type="submit" loading={add.pending}>{t('catalog.addCertificate')}</Button>
      </form>
      <ErrorBanner error={add.error} shownFields={['type']} />
    </Card>
  );
}
