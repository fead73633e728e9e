// The add / edit form of one responder. Adding asks for consent (who gave it, on which day), as
// the API requires; editing changes name, kind, phone and hours only.
import { useState } from 'preact/hooks';
import type { Responder, ResponderInput, ResponderKind } from '../../api.ts';
import { useUi } from '../../ui-context.ts';
import css from './responders.module.css';

export const KINDS: ResponderKind[] = ['family', 'volunteer', 'grid-worker'];

export type ResponderFields = Omit<ResponderInput, 'order' | 'consent'> & {
  consent?: ResponderInput['consent'];
};

const today = () => {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
};

export function ResponderForm({
  editing,
  busy,
  onSave,
  onCancel,
}: {
  editing?: Responder;
  busy: boolean;
  onSave(fields: ResponderFields): void;
  onCancel(): void;
}) {
  const { t } = useUi();
  const [consentDay] = useState(today);
  const submit = (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    const text = (k: string) => String(f.get(k) ?? '').trim();
    const fields: ResponderFields = {
      name: text('name'),
      kind: text('kind') as ResponderKind,
      phone: text('phone'),
      hours: text('hours') || null,
    };
    if (!editing) {
      const day = text('consentAt');
      fields.consent = {
        givenBy: text('consentBy'),
        at: day ? new Date(`${day}T12:00:00`).getTime() : Date.now(),
      };
    }
    onSave(fields);
  };
  const title = editing ? t.t('responders.edit', { name: editing.name }) : t.t('responders.add');
  return (
    <form class={css.form} onSubmit={submit} aria-label={title}>
      <h2>{title}</h2>
      <label>
        {t.t('responders.name')}
        <input name="name" required maxLength={64} defaultValue={editing?.name ?? ''} />
      </label>
      <label>
        {t.t('responders.kind')}
        <select name="kind">
          {KINDS.map((k) => (
            <option key={k} value={k} selected={k === (editing?.kind ?? 'volunteer')}>
              {t.t(`responders.kind.${k}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t.t('responders.phone')}
        <input
          name="phone"
          required
          inputMode="tel"
          pattern="\+?[0-9]{5,20}"
          defaultValue={editing?.phone ?? ''}
        />
      </label>
      <label>
        {t.t('responders.hours')}
        <input
          name="hours"
          placeholder="08:00-20:00"
          pattern="([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d"
          defaultValue={editing?.hours ?? ''}
        />
      </label>
      {!editing && (
        <fieldset class={css.consent}>
          <legend>{t.t('responders.consentRequired')}</legend>
          <label>
            {t.t('responders.consentBy')}
            <input name="consentBy" required maxLength={64} />
          </label>
          <label>
            {t.t('responders.consentAt')}
            <input name="consentAt" type="date" required defaultValue={consentDay} />
          </label>
        </fieldset>
      )}
      <div class={css.buttons}>
        <button type="submit" disabled={busy}>
          {editing ? t.t('responders.save') : t.t('responders.addSubmit')}
        </button>
        {editing && (
          <button type="button" onClick={onCancel}>
            {t.t('responders.cancel')}
          </button>
        )}
      </div>
    </form>
  );
}
