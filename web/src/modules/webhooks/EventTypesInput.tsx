import { useId, useState, type KeyboardEvent } from 'react';
import { useT } from '../../shell/i18n';
import { Button, translateServerMessage } from '../../shell/ui';

/** The pattern the server accepts (src/modules/webhooks/routes.ts). */
export const EVENT_TYPE_RE = /^(\*|[a-z_]+(\.[a-z_]+)*(\.\*)?)$/;

/** Suggestions: every capability's wildcard plus the event types known today. */
export const SUGGESTED_EVENT_TYPES = [
  '*',
  'identity.*', 'orders.*', 'inventory.*', 'catalog.*', 'logistics.*', 'tracking.*', 'customs.*', 'contracts.*', 'ledger.*', 'finance.*', 'screening.*', 'trace.*', 'storefront.*',
  'identity.organisation.created', 'identity.invitation.created', 'identity.api_key.created', 'identity.api_key.revoked',
];

/** A list of event types edited as chips; Enter or "Add" adds one, × removes it. */
export function EventTypesInput({ value, onChange, error, label }: { value: string[]; onChange: (next: string[]) => void; error?: string; label: string }) {
  const t = useT();
  const id = useId();
  const [draft, setDraft] = useState('');
  const draftValid = draft.trim() === '' || EVENT_TYPE_RE.test(draft.trim());
  function add(raw = draft) {
    const items = raw.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
    if (items.length === 0 || !items.every((s) => EVENT_TYPE_RE.test(s))) return;
    onChange([...new Set([...value, ...items])]);
    setDraft('');
  }
  function onKey(e: KeyboardEvent<HTMLInputElement>) {
    if (e.key === 'Enter' || e.key === ',') {
      e.preventDefault();
      add();
    }
  }
  const localError = !draftValid ? t('webhooks.eventTypeInvalid') : undefined;
  return (
    <div className={`field ${error || localError ? 'field-invalid' : ''}`}>
      <label htmlFor={id}>{label}<span className="required" aria-hidden="true"> *</span></label>
      <div className="chips" aria-live="polite">
        {value.map((v) => (
          <span key={v} className="chip chip-removable">
            <code>{v}</code>
            <button type="button" onClick={() => onChange(value.filter((x) => x !== v))} aria-label={t('webhooks.removeEventType', { type: v })}>×</button>
          </span>
        ))}
        {value.length === 0 && <span className="muted small">{t('webhooks.noEventTypes')}</span>}
      </div>
      <div className="input-with-button">
        <input id={id} name="event-type" list={`${id}-list`} value={draft} onChange={(e) => setDraft(e.target.value)} onKeyDown={onKey} placeholder="orders.*" spellCheck={false} aria-invalid={!!(error || localError) || undefined} aria-describedby={`${id}-hint`} />
        <datalist id={`${id}-list`}>{SUGGESTED_EVENT_TYPES.filter((s) => !value.includes(s)).map((s) => <option key={s} value={s} />)}</datalist>
        <Button size="sm" onClick={() => add()} disabled={!draft.trim() || !draftValid}>{t('webhooks.addEventType')}</Button>
      </div>
      <p className="field-hint" id={`${id}-hint`}>{t('webhooks.eventTypesHint')}</p>
      {(error || localError) && <p className="field-error" role="alert">{error ? translateServerMessage(t, error) : localError}</p>}
    </div>
  );
}
