// One alert: who needs help and where, the device, what happened, acknowledge and resolve.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { type ActionRequest, api, type AlertDetail as Detail, type Feedback } from '../../api.ts';
import { PendingActions } from '../../components/pending-actions/PendingActions.tsx';
import { dateTime, named, place } from '../../format.ts';
import { useUi } from '../../ui-context.ts';
import css from './alert-detail.module.css';

export const OUTCOMES = [
  'assisted',
  'ambulance',
  'family-reached',
  'false-alarm',
  'device-fault',
  'test',
] as const;

/** `rev` is the live stream's latest revision of this alert: a change reloads the detail, as does
 * a change of its action requests at the center (`actions`, from the live stream). */
export function AlertDetail({
  id,
  rev,
  actions,
}: {
  id: string;
  rev: number | undefined;
  actions?: ActionRequest[] | undefined;
}) {
  const { t, lang, role, user } = useUi();
  const supervisor = user?.role === 'supervisor' || user?.role === 'admin';
  const actionsKey = (actions ?? []).map((a) => `${a.id}:${a.state}`).join();
  const [d, setD] = useState<Detail | null>();
  const [feedback, setFeedback] = useState<Feedback[]>([]);
  const [error, setError] = useState<string>();
  const load = useCallback(() => {
    api.alert(id).then(
      async (r) => {
        // the live state of the device (battery, last seen) is on the devices route (a station's;
        // the center has the station's context only)
        const [live, fb] = await Promise.all([
          r.device && role !== 'center' ? api.device(r.device.id).catch(() => undefined) : undefined,
          role !== 'center' ? api.feedback(id) : [],
        ]);
        setFeedback(fb);
        setD(live ? { ...r, device: { ...r.device, ...live.device } } : r);
      },
      () => setD(null),
    );
  }, [id, role]);
  useEffect(load, [load, rev, actionsKey]);
  const act = async (f: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await f();
    } catch (e) {
      setError(t.t('detail.refused', { reason: (e as Error).message }));
    }
    load();
  };
  if (d === undefined) return <main class={css.page}>{t.t('detail.loading')}</main>;
  if (d === null)
    return (
      <main class={css.page}>
        <p>{t.t('detail.notFound')}</p>
        <a href="#/queue">{t.t('detail.back')}</a>
      </main>
    );
  const { alert: a, device, resident } = d;
  const yes = (b: boolean) => (b ? t.t('detail.yes') : t.t('detail.no'));
  const resolve = (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    const note = String(f.get('note') ?? '').trim();
    void act(() => api.resolve(a.id, String(f.get('outcome')), note || undefined));
  };
  const addNote = (e: Event) => {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const note = String(new FormData(form).get('note') ?? '').trim();
    if (note) void act(() => api.note(a.id, note)).then(() => form.reset());
  };
  return (
    <main class={css.page} data-alert={a.id} data-state={a.state}>
      <a href="#/queue">{t.t('detail.back')}</a>
      <h1 class={css[a.severity]}>
        {t.t(`severity.${a.severity}`)} · {named(t, 'type', a.type)}
      </h1>
      <p class={css.state} data-testid="detail-state">
        {t.t('detail.state', { state: t.t(`state.${a.state}`) })}
        {a.acknowledgedBy &&
          ` · ${t.t('detail.ackedBy', { user: a.acknowledgedBy, time: dateTime(lang, a.acknowledgedAt) })}`}
        {a.resolvedBy &&
          ` · ${t.t('detail.resolvedBy', { user: a.resolvedBy, time: dateTime(lang, a.resolvedAt), outcome: named(t, 'outcome', a.outcome) })}`}
      </p>
      {role === 'center' && <p class={css.state}>{t.t('detail.station', { site: a.site })}</p>}
      <PendingActions actions={d.actions} />
      {error && (
        <p role="alert" class={css.error}>
          {error}
        </p>
      )}
      <div class={css.actions}>
        {a.state === 'raised' &&
          !d.actions?.some((r) => r.action === 'acknowledge' && r.state === 'pending') && (
            <button type="button" data-primary class={css.ack} onClick={() => act(() => api.ack(a.id))}>
              {t.t('detail.ack')}
            </button>
          )}
        {(a.state === 'raised' || a.state === 'acknowledged') && (
          <form class={css.resolve} onSubmit={resolve} aria-label={t.t('detail.resolve')}>
            <label>
              {t.t('detail.outcome')}
              <select name="outcome" required>
                {OUTCOMES.map((o) => (
                  <option key={o} value={o}>
                    {t.t(`outcome.${o}`)}
                  </option>
                ))}
              </select>
            </label>
            <label class={css.grow}>
              {t.t('detail.note')}
              <input name="note" maxLength={2000} />
            </label>
            <button type="submit">{t.t('detail.resolve')}</button>
          </form>
        )}
      </div>
      <div class={css.columns}>
        <section class={css.card} aria-labelledby="resident-h">
          <h2 id="resident-h">{t.t('detail.resident')}</h2>
          {resident ? (
            <dl class={css.facts}>
              <dt>{t.t('detail.name')}</dt>
              <dd class={css.big}>{resident.name}</dd>
              <dt>{t.t('detail.age')}</dt>
              <dd>{resident.age ?? t.t('detail.unknown')}</dd>
              <dt>{t.t('detail.address')}</dt>
              <dd>{resident.address ?? t.t('detail.unknown')}</dd>
              <dt>
                {t.t('detail.building')} / {t.t('detail.unit')} / {t.t('detail.room')}
              </dt>
              <dd>
                {[device?.location.building, device?.location.unit, device?.location.room]
                  .map((x) => x ?? '—')
                  .join(' / ')}
              </dd>
              <dt>{t.t('detail.phone')}</dt>
              <dd>{resident.phone ? <a href={`tel:${resident.phone}`}>{resident.phone}</a> : '—'}</dd>
              <dt>{t.t('detail.contacts')}</dt>
              <dd>
                <ul class={css.contacts}>
                  {resident.emergencyContacts.map((c) => (
                    <li key={c.phone}>
                      {c.name}
                      {c.relation ? ` (${c.relation})` : ''} <a href={`tel:${c.phone}`}>{c.phone}</a>
                    </li>
                  ))}
                </ul>
              </dd>
              <dt>{t.t('detail.livesAlone')}</dt>
              <dd class={resident.livesAlone ? css.alone : ''}>{yes(resident.livesAlone)}</dd>
              <dt>{t.t('detail.notes')}</dt>
              <dd>{resident.notes ?? '—'}</dd>
            </dl>
          ) : (
            <p>{t.t('detail.noResident')}</p>
          )}
          {resident && role === 'station' && supervisor && (
            <p>
              <a href={`#/responders/${encodeURIComponent(resident.id)}`}>{t.t('responders.open')}</a>
            </p>
          )}
        </section>
        <section class={css.card} aria-labelledby="device-h">
          <h2 id="device-h">{t.t('detail.device')}</h2>
          {device && (
            <dl class={css.facts}>
              <dt>{t.t('devices.id')}</dt>
              <dd>{device.id}</dd>
              <dt>{t.t('detail.kind')}</dt>
              <dd>{named(t, 'kind', device.kind)}</dd>
              <dt>{t.t('detail.battery')}</dt>
              <dd>{typeof device.battery === 'number' ? `${device.battery}%` : '—'}</dd>
              <dt>{t.t('detail.lastSeen')}</dt>
              <dd>{dateTime(lang, device.lastSeen)}</dd>
              <dt>{t.t('detail.location')}</dt>
              <dd>{place(device.location) || '—'}</dd>
              <dt>{t.t('detail.grid')}</dt>
              <dd>{device.location.grid ?? '—'}</dd>
            </dl>
          )}
          <h2>{t.t('detail.timeline')}</h2>
          <ol class={css.timeline} data-testid="timeline">
            {[
              ...d.history.map((h) => ({
                at: h.at,
                key: `h-${h.rev}-${h.at}-${h.action}`,
                what: named(t, 'action', h.action),
                who:
                  h.by === 'system'
                    ? t.t('by.system')
                    : h.by.startsWith('responder:')
                      ? t.t('by.responder', { id: h.by.slice('responder:'.length) })
                      : h.by,
                note: h.note,
              })),
              ...feedback.map((f, i) => ({
                at: f.at,
                key: `f-${i}`,
                what: named(t, 'feedback', f.type),
                who: f.deliveredAt ? t.t('feedback.delivered') : t.t('feedback.pending'),
                note: undefined,
              })),
            ]
              .sort((x, y) => x.at - y.at)
              .map((e) => (
                <li key={e.key}>
                  <time>{dateTime(lang, e.at)}</time> <strong>{e.what}</strong> · {e.who}
                  {e.note && <div class={css.note}>{e.note}</div>}
                </li>
              ))}
          </ol>
          <form class={css.noteForm} onSubmit={addNote}>
            <label class={css.grow}>
              {t.t('detail.addNote')}
              <input name="note" maxLength={2000} />
            </label>
            <button type="submit">{t.t('detail.saveNote')}</button>
          </form>
        </section>
      </div>
    </main>
  );
}
