import {
  Children, cloneElement, isValidElement, useEffect, useId, useRef, useState,
  type ButtonHTMLAttributes, type ReactElement, type ReactNode,
} from 'react';
import { ApiError } from './api';
import { useFormat, useT } from './i18n';

/**
 * Small shared UI pieces so every capability's pages look and behave alike.
 * Styling lives in styles.css (CSS variables; logical properties so Arabic mirrors).
 */

// ---------- buttons ----------
type ButtonVariant = 'primary' | 'secondary' | 'danger' | 'ghost';

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: ButtonVariant;
  size?: 'sm' | 'md';
  /** Shows a busy state and disables the button. */
  loading?: boolean;
}

export function Button({ variant = 'secondary', size = 'md', loading, disabled, className, children, type = 'button', ...rest }: ButtonProps) {
  return (
    <button
      type={type}
      className={['btn', `btn-${variant}`, size === 'sm' ? 'btn-sm' : '', className ?? ''].join(' ').trim()}
      disabled={disabled || loading}
      aria-busy={loading || undefined}
      {...rest}
    >
      {loading && <span className="spinner" aria-hidden="true" />}
      {children}
    </button>
  );
}

// ---------- server messages ----------
/** Common validation messages from the server (English, from zod and the services) in the viewer's language. */
const SERVER_MESSAGES: [RegExp, string][] = [
  [/^Too small: expected string to have >=1 characters?$/, 'error.field.required'],
  [/^Invalid email address$/, 'error.field.email'],
  [/^(?:must be at least|Too small: expected string to have >=)\s?(\d+) characters$/, 'error.field.minLength'],
  [/^(?:must be at most|Too big: expected string to have <=)\s?(\d+) characters$/, 'error.field.maxLength'],
  [/^(?:Invalid URL|must be an http\(s\) URL)$/, 'error.field.url'],
  [/^Too small: expected array to have >=1 items?$/, 'error.field.chooseOne'],
  [/^wrong or expired$/, 'error.field.wrongOrExpired'],
  [/^unknown, used or expired$/, 'error.field.unknownUsedExpired'],
  [/^6 digits$/, 'error.field.sixDigits'],
  [/^ISO 3166-1 alpha-2 code/, 'error.field.country'],
];

export function translateServerMessage(t: (key: string, vars?: Record<string, string | number>) => string, message: string): string {
  for (const [re, key] of SERVER_MESSAGES) {
    const m = re.exec(message);
    if (m) return t(key, { n: m[1] ?? '' });
  }
  return message;
}

// ---------- form fields ----------
export interface FieldProps {
  label: ReactNode;
  /** One control (input, select, textarea); it receives id, aria-describedby and aria-invalid. */
  children: ReactElement;
  hint?: ReactNode;
  error?: string;
  required?: boolean;
  className?: string;
}

export function Field({ label, children, hint, error: rawError, required, className }: FieldProps) {
  const t = useT();
  const error = rawError ? translateServerMessage(t, rawError) : undefined;
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const child = Children.only(children);
  const control = isValidElement(child)
    ? cloneElement(child as ReactElement<Record<string, unknown>>, {
        id: (child.props as { id?: string }).id ?? id,
        'aria-describedby': [hintId, errorId].filter(Boolean).join(' ') || undefined,
        'aria-invalid': error ? true : undefined,
        required: required || (child.props as { required?: boolean }).required,
      })
    : child;
  const controlId = (child.props as { id?: string }).id ?? id;
  return (
    <div className={`field ${error ? 'field-invalid' : ''} ${className ?? ''}`}>
      <label htmlFor={controlId}>
        {label}
        {required && <span className="required" aria-hidden="true"> *</span>}
      </label>
      {control}
      {hint && <p className="field-hint" id={hintId}>{hint}</p>}
      {error && <p className="field-error" id={errorId} role="alert">{error}</p>}
    </div>
  );
}

/** A group of checkboxes or radios with a legend. */
export function Fieldset({ legend, children, error: rawError, hint }: { legend: ReactNode; children: ReactNode; error?: string; hint?: ReactNode }) {
  const t = useT();
  const error = rawError ? translateServerMessage(t, rawError) : undefined;
  return (
    <fieldset className={`fieldset ${error ? 'field-invalid' : ''}`}>
      <legend>{legend}</legend>
      {hint && <p className="field-hint">{hint}</p>}
      {children}
      {error && <p className="field-error" role="alert">{error}</p>}
    </fieldset>
  );
}

// ---------- errors and notices ----------
/** A readable error: a problem document's detail, its request id, and field errors not shown beside a field. */
export function ErrorBanner({ error, shownFields = [], onDismiss }: { error: unknown; shownFields?: string[]; onDismiss?: () => void }) {
  const t = useT();
  if (!error) return null;
  let title = t('error.generic');
  let detail = '';
  let requestId: string | undefined;
  let fields: { field: string; message: string }[] = [];
  if (error instanceof ApiError) {
    const key = `error.status.${error.status}`;
    const translated = t(key);
    title = translated === key ? error.problem.title : translated;
    detail = error.problem.detail ?? '';
    requestId = error.problem.request_id;
    fields = error.fieldErrors
      .filter((f) => !shownFields.some((s) => f.field === s || f.field.startsWith(s + '.')))
      .map((f) => ({ field: f.field, message: translateServerMessage(t, f.message) }));
    // Every field error already sits beside its field: say so instead of repeating them.
    if (error.fieldErrors.length > 0 && fields.length === 0) detail = t('error.fixFields');
    if (error.status === 0) detail = t('error.network');
  } else if (error instanceof Error) {
    detail = error.message;
  } else {
    detail = String(error);
  }
  return (
    <div className="banner banner-error" role="alert">
      <div className="banner-body">
        <strong>{title}</strong>
        {detail && <p>{detail}</p>}
        {fields.length > 0 && (
          <ul>
            {fields.map((f) => (
              <li key={f.field + f.message}>
                <code>{f.field}</code>: {f.message}
              </li>
            ))}
          </ul>
        )}
        {requestId && <p className="muted small">{t('error.requestId', { id: requestId })}</p>}
      </div>
      {onDismiss && (
        <button type="button" className="banner-close" onClick={onDismiss} aria-label={t('common.dismiss')}>×</button>
      )}
    </div>
  );
}

export function Notice({ tone = 'info', children, onDismiss }: { tone?: 'info' | 'success' | 'warning'; children: ReactNode; onDismiss?: () => void }) {
  const t = useT();
  return (
    <div className={`banner banner-${tone}`} role="status">
      <div className="banner-body">{children}</div>
      {onDismiss && (
        <button type="button" className="banner-close" onClick={onDismiss} aria-label={t('common.dismiss')}>×</button>
      )}
    </div>
  );
}

// ---------- layout pieces ----------
export function PageHeader({ title, description, actions }: { title: ReactNode; description?: ReactNode; actions?: ReactNode }) {
  useEffect(() => {
    if (typeof title === 'string') document.title = `${title} · Tradelane`;
  }, [title]);
  return (
    <header className="page-header">
      <div>
        <h1>{title}</h1>
        {description && <p className="muted">{description}</p>}
      </div>
      {actions && <div className="page-actions">{actions}</div>}
    </header>
  );
}

export function Card({ title, actions, children, className }: { title?: ReactNode; actions?: ReactNode; children: ReactNode; className?: string }) {
  return (
    <section className={`card ${className ?? ''}`}>
      {(title || actions) && (
        <div className="card-header">
          {title && <h2>{title}</h2>}
          {actions && <div className="card-actions">{actions}</div>}
        </div>
      )}
      <div className="card-body">{children}</div>
    </section>
  );
}

export function EmptyState({ title, children, action }: { title: ReactNode; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="empty-state">
      <p className="empty-title">{title}</p>
      {children && <p className="muted">{children}</p>}
      {action}
    </div>
  );
}

export function Loading({ label }: { label?: string }) {
  const t = useT();
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {label ?? t('common.loading')}
    </div>
  );
}

// ---------- table ----------
export interface Column<T> {
  key: string;
  header: ReactNode;
  render?: (row: T) => ReactNode;
  align?: 'start' | 'end' | 'center';
  /** Hide on narrow screens. */
  wide?: boolean;
}

export function Table<T>({ columns, rows, rowKey, empty, caption, loading }: {
  columns: Column<T>[];
  rows: T[] | undefined;
  rowKey: (row: T) => string;
  empty?: ReactNode;
  caption?: ReactNode;
  loading?: boolean;
}) {
  const t = useT();
  if (loading && (!rows || rows.length === 0)) return <Loading />;
  if (rows && rows.length === 0) return <>{empty ?? <EmptyState title={t('common.empty')} />}</>;
  return (
    <div className="table-wrap">
      <table className="table table-responsive">
        {caption && <caption className="visually-hidden">{caption}</caption>}
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} scope="col" className={[c.align ? `align-${c.align}` : '', c.wide ? 'wide' : ''].join(' ')}>{c.header}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {(rows ?? []).map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((c) => (
                <td key={c.key} className={[c.align ? `align-${c.align}` : '', c.wide ? 'wide' : ''].join(' ')} data-label={typeof c.header === 'string' ? c.header : undefined}>
                  <div className="cell">{c.render ? c.render(row) : String((row as Record<string, unknown>)[c.key] ?? '')}</div>
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

// ---------- values ----------
/** Integer minor units + ISO 4217 code, formatted exactly in the viewer's language. */
export function Money({ minor, currency }: { minor: number | bigint; currency: string }) {
  const f = useFormat();
  return <span className="money">{f.money(minor, currency)}</span>;
}

/** A timestamp in the viewer's time zone; the exact ISO value is in the tooltip. */
export function DateTime({ value, style }: { value: string | number | Date | null | undefined; style?: 'datetime' | 'date' | 'time' }) {
  const f = useFormat();
  if (value === null || value === undefined || value === '') return <span className="muted">—</span>;
  const iso = new Date(value).toISOString();
  return <time dateTime={iso} title={iso}>{f.dateTime(value, style)}</time>;
}

const TONES: Record<string, 'success' | 'warning' | 'danger' | 'info' | 'neutral'> = {
  active: 'success', succeeded: 'success', delivered: 'success', accepted: 'success', paid: 'success', enabled: 'success', ok: 'success', completed: 'success', open: 'info',
  pending: 'warning', retrying: 'warning', expired: 'neutral', processing: 'info', in_transit: 'info', draft: 'neutral',
  failed: 'danger', revoked: 'danger', cancelled: 'neutral', disabled: 'neutral', rejected: 'danger', blocked: 'danger', error: 'danger',
};

export function StatusBadge({ status, tone, label }: { status: string; tone?: 'success' | 'warning' | 'danger' | 'info' | 'neutral'; label?: ReactNode }) {
  const t = useT();
  const key = `status.${status}`;
  const translated = t(key);
  const text = label ?? (translated === key ? status.replace(/_/g, ' ') : translated);
  return <span className={`badge badge-${tone ?? TONES[status] ?? 'neutral'}`}>{text}</span>;
}

// ---------- secrets ----------
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Clipboard API needs a secure context; fall back to a hidden textarea.
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.appendChild(area);
    area.select();
    const ok = document.execCommand('copy');
    area.remove();
    return ok;
  }
}

export function CopyButton({ text, label }: { text: string; label?: string }) {
  const t = useT();
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const id = setTimeout(() => setCopied(false), 2000);
    return () => clearTimeout(id);
  }, [copied]);
  return (
    <Button size="sm" onClick={async () => setCopied(await copyText(text))} aria-live="polite">
      {copied ? t('common.copied') : (label ?? t('common.copy'))}
    </Button>
  );
}

/** A secret the server shows only once: big, selectable, with a copy button and a clear warning. */
export function SecretOnce({ title, value, onDone }: { title: ReactNode; value: string; onDone?: () => void }) {
  const t = useT();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <div className="secret-once" tabIndex={-1} ref={ref} role="region" aria-label={typeof title === 'string' ? title : undefined}>
      <p className="secret-title"><strong>{title}</strong></p>
      <p className="small">{t('secret.onlyOnce')}</p>
      <div className="secret-row">
        <code className="secret-value" data-testid="secret-value">{value}</code>
        <CopyButton text={value} />
      </div>
      {onDone && (
        <Button variant="primary" size="sm" onClick={onDone}>{t('secret.saved')}</Button>
      )}
    </div>
  );
}

/** Small key–value list (details panels). */
export function DetailList({ items }: { items: [ReactNode, ReactNode][] }) {
  return (
    <dl className="detail-list">
      {items.map(([k, v], i) => (
        <div key={i}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}
