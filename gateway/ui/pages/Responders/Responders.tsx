// A resident's neighbour responders (issue #15, docs/responders.md): who is notified, in order,
// and the resident's plan. Supervisors read; admins add, edit, reorder, remove and change the
// plan (the API refuses anyone else, and its refusal is shown in words). The month's volunteer
// hours download as CSV.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, type Plan, type Resident, type Responder } from '../../api.ts';
import type { T } from '../../i18n/index.ts';
import { useUi } from '../../ui-context.ts';
import { type ResponderFields, ResponderForm } from './ResponderForm.tsx';
import css from './responders.module.css';

/** An API error in words: the refusal by status, with the API's own message for a bad request. */
export function errorWords(t: T, e: unknown): string {
  if (!(e instanceof ApiError) || e.network) return t.t('responders.error.network');
  if (e.status === 401) return t.t('responders.error.session');
  if (e.status === 403) return t.t('responders.error.forbidden');
  if (e.status === 404) return t.t('responders.error.notFound');
  if (e.status === 400) return t.t('responders.error.invalid', { message: e.message });
  return t.t('responders.error.other', { status: e.status, message: e.message });
}

const thisMonth = () => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
};

export function Responders({ residentId }: { residentId: string }) {
  const { t, lang, user } = useUi();
  const admin = user?.role === 'admin';
  const [resident, setResident] = useState<Resident>();
  const [list, setList] = useState<Responder[]>();
  const [plan, setPlan] = useState<Plan>();
  const [error, setError] = useState('');
  const [done, setDone] = useState('');
  const [busy, setBusy] = useState(false);
  const [editing, setEditing] = useState<Responder>();
  const [month, setMonth] = useState(thisMonth);
  /** Bumped after an add: a fresh, empty form */
  const [round, setRound] = useState(0);

  const load = () =>
    api.responders(residentId).then(
      (r) => {
        setList(r.responders);
        setPlan(r.plan);
      },
      (e) => setError(errorWords(t, e)),
    );
  useEffect(() => {
    api.resident(residentId).then(
      (r) => setResident(r.resident),
      () => {},
    );
    load();
  }, [residentId]);

  /** One change through the API, then the list again; the refusal in words. */
  const change = async (what: () => Promise<unknown>, message: string) => {
    setBusy(true);
    setError('');
    setDone('');
    try {
      await what();
      setDone(message);
      return true;
    } catch (e) {
      setError(errorWords(t, e));
      return false;
    } finally {
      setBusy(false);
      await load();
    }
  };

  const save = async (f: ResponderFields) => {
    if (editing) {
      const { consent: _, ...patch } = f;
      if (await change(() => api.patchResponder(residentId, editing.id, patch), t.t('responders.saved')))
        setEditing(undefined);
      return;
    }
    const order = Math.max(0, ...(list ?? []).map((r) => r.order + 10));
    if (
      await change(
        () => api.addResponder(residentId, { ...f, order, consent: f.consent! }),
        t.t('responders.added', { name: f.name }),
      )
    )
      setRound((n) => n + 1);
  };
  /** Moves one up or down: the list is renumbered 10, 20, 30… and the changed ones patched. */
  const move = (i: number, by: -1 | 1) => {
    const next = [...(list ?? [])];
    const [r] = next.splice(i, 1);
    next.splice(i + by, 0, r!);
    return change(async () => {
      for (const [k, x] of next.entries())
        if (x.order !== (k + 1) * 10) await api.patchResponder(residentId, x.id, { order: (k + 1) * 10 });
    }, t.t('responders.reordered'));
  };
  const remove = (r: Responder) => {
    if (!window.confirm(t.t('responders.removeConfirm', { name: r.name }))) return;
    return change(() => api.removeResponder(residentId, r.id), t.t('responders.removed', { name: r.name }));
  };
  const savePlan = (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    const notes = String(f.get('notes') ?? '').trim();
    return change(
      () => api.setPlan(residentId, { immediate: f.get('immediate') === 'on', ...(notes ? { notes } : {}) }),
      t.t('responders.planSaved'),
    );
  };

  return (
    <main class={css.page}>
      <p>
        <button type="button" class={css.back} onClick={() => history.back()}>
          {t.t('responders.back')}
        </button>
      </p>
      <h1>{t.t('responders.title', { name: resident?.name ?? residentId })}</h1>
      <p class={css.hint}>{admin ? t.t('responders.hintAdmin') : t.t('responders.hintReadOnly')}</p>
      <div aria-live="polite">
        {error && (
          <p class={css.error} role="alert">
            {error}
          </p>
        )}
        {done && <p class={css.done}>{done}</p>}
      </div>
      {list && list.length === 0 && <p>{t.t('responders.none')}</p>}
      {list && list.length > 0 && (
        <table class={css.table}>
          <caption>{t.t('responders.listCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t.t('responders.order')}</th>
              <th scope="col">{t.t('responders.kind')}</th>
              <th scope="col">{t.t('responders.name')}</th>
              <th scope="col">{t.t('responders.phone')}</th>
              <th scope="col">{t.t('responders.hours')}</th>
              <th scope="col">{t.t('responders.consent')}</th>
              {admin && <th scope="col">{t.t('responders.actions')}</th>}
            </tr>
          </thead>
          <tbody>
            {list.map((r, i) => (
              <tr key={r.id} data-responder={r.id} class={r.active ? '' : css.inactive}>
                <td>{i + 1}</td>
                <td>{t.t(`responders.kind.${r.kind}`)}</td>
                <td>
                  {r.name}
                  {!r.active && ` · ${t.t('responders.inactive')}`}
                </td>
                <td>
                  <a href={`tel:${r.phone}`}>{r.phone}</a>
                </td>
                <td>{r.hours ?? t.t('responders.anyTime')}</td>
                <td>
                  {t.t('responders.consentText', {
                    by: r.consent.givenBy,
                    at: new Date(r.consent.at).toLocaleDateString(lang),
                    recordedBy: r.consent.recordedBy,
                  })}
                </td>
                {admin && (
                  <td class={css.rowButtons}>
                    <button
                      type="button"
                      disabled={busy || i === 0}
                      onClick={() => move(i, -1)}
                      aria-label={t.t('responders.up', { name: r.name })}
                    >
                      ↑
                    </button>
                    <button
                      type="button"
                      disabled={busy || i === list.length - 1}
                      onClick={() => move(i, 1)}
                      aria-label={t.t('responders.down', { name: r.name })}
                    >
                      ↓
                    </button>
                    <button type="button" disabled={busy} onClick={() => setEditing(r)}>
                      {t.t('responders.editButton')}
                    </button>
                    <button type="button" disabled={busy} onClick={() => remove(r)}>
                      {t.t('responders.remove')}
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {admin && list && (
        <ResponderForm
          key={editing ? editing.id : `new-${round}`}
          editing={editing}
          busy={busy}
          onSave={save}
          onCancel={() => setEditing(undefined)}
        />
      )}
      <section class={css.card} aria-labelledby="plan-h">
        <h2 id="plan-h">{t.t('responders.plan')}</h2>
        {plan &&
          (admin ? (
            <form class={css.form} onSubmit={savePlan} key={`${plan.immediate}${plan.notes}`}>
              <label class={css.check}>
                <input type="checkbox" name="immediate" defaultChecked={plan.immediate} />
                {t.t('responders.immediate')}
              </label>
              <label class={css.wide}>
                {t.t('responders.notes')}
                <textarea name="notes" rows={3} maxLength={500} defaultValue={plan.notes ?? ''} />
              </label>
              <div class={css.buttons}>
                <button type="submit" disabled={busy}>
                  {t.t('responders.savePlan')}
                </button>
              </div>
            </form>
          ) : (
            <dl class={css.facts}>
              <dt>{t.t('responders.immediate')}</dt>
              <dd>{plan.immediate ? t.t('detail.yes') : t.t('detail.no')}</dd>
              <dt>{t.t('responders.notes')}</dt>
              <dd>{plan.notes ?? '—'}</dd>
            </dl>
          ))}
      </section>
      <section class={css.card} aria-labelledby="hours-h">
        <h2 id="hours-h">{t.t('responders.hoursTitle')}</h2>
        <div class={css.form}>
          <label>
            {t.t('responders.month')}
            <input
              type="month"
              value={month}
              onInput={(e) => setMonth((e.target as HTMLInputElement).value)}
            />
          </label>
          {/^\d{4}-\d\d$/.test(month) && (
            <a class={css.download} href={api.hoursCsvUrl(month)} download={`volunteer-hours-${month}.csv`}>
              {t.t('responders.download', { month })}
            </a>
          )}
        </div>
      </section>
    </main>
  );
}
