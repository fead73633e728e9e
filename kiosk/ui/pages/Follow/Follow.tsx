// The resident's phone page (/follow/<token>, from the QR code on the ticket): the number, people
// ahead and the estimated wait, live; "it's your turn — window 3" when called (with vibration
// where the phone allows); the rating afterwards. No login and nothing personal beyond the ticket.
import { connectLive } from '@linli/shared/ui/live.ts';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, type FollowView } from '../../api.ts';
import { Rating } from '../../components/faces/Rating.tsx';
import { styles } from '../../components/screen/Screen.tsx';
import { TopBar } from '../../components/top-bar/TopBar.tsx';
import { serviceName, useUi } from '../../ui-context.ts';
import ticket from '../Ticket/ticket.module.css';
import follow from './follow.module.css';

export function Follow({ token }: { token: string }) {
  const { t } = useUi();
  const [view, setView] = useState<FollowView | null>(null);
  const [missing, setMissing] = useState(false);
  const [stale, setStale] = useState(false);
  const buzzed = useRef('');

  const load = useCallback(async () => {
    try {
      setView(await api.follow(token));
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) setMissing(true);
      else throw err;
    }
  }, [token]);

  useEffect(() => {
    let pending: ReturnType<typeof setTimeout> | undefined;
    const live = connectLive({
      url: '/api/stream?types=ticket.,queue.changed',
      types: [
        'ticket.called',
        'ticket.recalled',
        'ticket.started',
        'ticket.finished',
        'ticket.no-show',
        'ticket.issued',
        'ticket.cancelled',
        'ticket.transferred',
        'ticket.reactivated',
        'queue.changed',
      ],
      // Any change may move this ticket: read it again (at most every 300 ms).
      onEvent: () => {
        pending ??= setTimeout(() => {
          pending = undefined;
          void load().catch(() => setStale(true));
        }, 300);
      },
      resync: load,
      onStale: setStale,
    });
    return () => {
      if (pending) clearTimeout(pending);
      live.close();
    };
  }, [load]);

  const tk = view?.ticket;
  const called = tk?.state === 'called';
  useEffect(() => {
    if (!tk || !called) return;
    const key = `${tk.id}:${tk.windowId}:${(tk as { recalls?: number }).recalls ?? 0}`;
    if (buzzed.current === key) return;
    buzzed.current = key;
    navigator.vibrate?.([400, 200, 400, 200, 400]);
  }, [tk, called]);

  let body: preact.JSX.Element;
  if (missing)
    body = (
      <p class={styles.h1} role="alert">
        {t.t('follow.notFound')}
      </p>
    );
  else if (!view || !tk) body = <p class={styles.text}>…</p>;
  else {
    const state = tk.state;
    body = (
      <>
        {called && (
          <div class={follow.called} role="alert" data-testid="follow-called">
            <p class={follow.turn}>{t.t('follow.yourTurn')}</p>
            <p class={styles.lead}>{t.t('follow.goWindow', { window: tk.windowId ?? '' })}</p>
          </div>
        )}
        <div class={`${ticket.ticket} ${follow.card}`} data-testid="follow-ticket">
          <p class={ticket.service}>{serviceName(t, tk)}</p>
          <p class={`${ticket.number} ${follow.number}`} dir="ltr" data-testid="follow-number">
            {tk.number}
          </p>
          {state === 'waiting' && (
            <>
              <p class={ticket.ahead} data-testid="follow-ahead">
                {view.peopleAhead > 0
                  ? t.t('ticket.ahead', { n: view.peopleAhead })
                  : t.t('ticket.aheadNone')}
              </p>
              {view.peopleAhead > 0 && (
                <p class={ticket.wait}>{t.t('ticket.wait', { min: view.estimatedWaitMin })}</p>
              )}
            </>
          )}
        </div>
        {state === 'serving' && (
          <p class={styles.lead} role="status">
            {t.t('follow.serving', { window: tk.windowId ?? '' })}
          </p>
        )}
        {state === 'done' && (
          <>
            <p class={styles.lead} role="status" data-testid="follow-done">
              {t.t('follow.done')}
            </p>
            {view.canRate ? (
              <Rating token={token} number={tk.number} />
            ) : tk.rating != null ? (
              <p class={styles.text}>{t.t('rate.already')}</p>
            ) : null}
          </>
        )}
        {!['waiting', 'called', 'serving', 'done'].includes(state) && (
          <p class={styles.lead}>{t.t('follow.closed')}</p>
        )}
        <p class={styles.text}>{t.t('follow.updated')}</p>
      </>
    );
  }
  return (
    <>
      <main class={`${styles.main} ${follow.page}`} data-screen="follow" data-testid="follow">
        <h1 class={styles.h2}>{t.t('follow.title')}</h1>
        {stale && (
          <p class={styles.warn} role="status" data-testid="follow-stale">
            {t.t('follow.stale')}
          </p>
        )}
        {body}
      </main>
      <TopBar showSound={false} />
    </>
  );
}
