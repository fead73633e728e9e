// The live alert queue: critical first, then the oldest; ticking ages; who has taken which alert.
import { useState } from 'preact/hooks';
import { type ActionRequest, api } from '../../api.ts';
import { PendingActions } from '../../components/pending-actions/PendingActions.tsx';
import { clock, named, place } from '../../format.ts';
import type { QueueItem } from '../../state/live-alerts.ts';
import { useNow, useUi } from '../../ui-context.ts';
import css from './queue.module.css';

interface Props {
  items: QueueItem[];
  /** At the center: the action requests by alert */
  actions?: Map<string, ActionRequest[]>;
}

export function Queue({ items, actions }: Props) {
  const { t, role, site } = useUi();
  const center = role === 'center';
  const now = useNow(1000);
  const [busy, setBusy] = useState<string>();
  const take = async (id: string) => {
    setBusy(id);
    await api.ack(id).catch(() => {}); // the stream brings the new state (or who was faster)
    setBusy(undefined);
  };
  return (
    <main class={css.page}>
      <h1>{t.t('queue.title')}</h1>
      {center && site && <p class={css.muted}>{t.t('site.filtered', { site })}</p>}
      {items.length === 0 ? (
        <p class={css.empty}>{t.t('queue.empty')}</p>
      ) : (
        <table class={css.table}>
          <thead>
            <tr>
              {center && <th scope="col">{t.t('queue.station')}</th>}
              <th scope="col">{t.t('queue.type')}</th>
              <th scope="col">{t.t('queue.where')}</th>
              <th scope="col">{t.t('queue.resident')}</th>
              <th scope="col">{t.t('queue.age')}</th>
              <th scope="col">{t.t('queue.state')}</th>
              <th scope="col">
                <span class={css.hidden}>{t.t('queue.open')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map(({ alert: a, location, residentName }) => (
              <tr
                key={a.id}
                class={`${css.row} ${css[a.severity] ?? ''} ${a.state === 'raised' ? css.untaken : ''}`}
                data-alert={a.id}
                data-type={a.type}
                data-state={a.state}
                data-site={a.site}
                data-device={a.deviceId}
              >
                {center && (
                  <td>
                    <strong>{a.site}</strong>
                  </td>
                )}
                <td>
                  <span class={css.badge}>{t.t(`severity.${a.severity}`)}</span>{' '}
                  <strong>{named(t, 'type', a.type)}</strong>
                  {a.count > 1 && <span class={css.count}> · {t.t('queue.count', { n: a.count })}</span>}
                </td>
                <td>
                  {place(location) || a.deviceId}
                  <div class={css.muted}>{a.deviceId}</div>
                </td>
                <td>{residentName ?? '—'}</td>
                <td class={css.age}>{clock(now - a.raisedAt)}</td>
                <td data-testid="taken">
                  {a.state === 'acknowledged' ? (
                    <span class={css.taken}>
                      {t.t('queue.takenBy', {
                        user: a.acknowledgedBy === 'system' ? t.t('by.system') : (a.acknowledgedBy ?? ''),
                      })}
                    </span>
                  ) : (
                    <span class={css.waiting}>{t.t('queue.waiting')}</span>
                  )}
                  <PendingActions actions={actions?.get(a.id)} />
                </td>
                <td>
                  <div class={css.actions}>
                    {a.state === 'raised' && !actions?.get(a.id)?.some((r) => r.state === 'pending') && (
                      <button type="button" data-primary disabled={busy === a.id} onClick={() => take(a.id)}>
                        {t.t('queue.ack')}
                      </button>
                    )}
                    <a href={`#/alert/${encodeURIComponent(a.id)}`} class={css.open}>
                      {t.t('queue.open')}
                    </a>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
