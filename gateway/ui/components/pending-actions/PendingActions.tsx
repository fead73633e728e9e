// At the center: what an operator asked a station to do about an alert and has not yet seen done —
// "sent to the station, waiting" (who, what, since when) until the station's new revision
// arrives; a request the station refused, with its reason, in words.
import type { ActionRequest } from '../../api.ts';
import { clock, named } from '../../format.ts';
import { useNow, useUi } from '../../ui-context.ts';
import css from './pending-actions.module.css';

export function PendingActions({ actions }: { actions: ActionRequest[] | undefined }) {
  const { t } = useUi();
  const now = useNow(1000);
  const shown = (actions ?? []).filter((a) => a.state === 'pending' || a.state === 'refused');
  if (shown.length === 0) return null;
  const what = (a: ActionRequest) =>
    a.action === 'resolve'
      ? t.t('pending.resolve', { outcome: named(t, 'outcome', a.outcome) })
      : t.t(`pending.${a.action}`);
  return (
    <ul class={css.list} data-testid="pending-actions" aria-live="polite">
      {shown.map((a) =>
        a.state === 'pending' ? (
          <li key={a.id} class={css.pending} data-action={a.action} data-state="pending">
            {t.t('pending.waiting', { user: a.by, what: what(a), since: clock(now - a.at) })}
          </li>
        ) : (
          <li key={a.id} class={css.refused} data-action={a.action} data-state="refused">
            {t.t('pending.refused', {
              user: a.by,
              what: what(a),
              reason: t.maybe(`refusal.${a.reason}`) ?? a.reason ?? '—',
            })}
          </li>
        ),
      )}
    </ul>
  );
}
