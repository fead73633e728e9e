// Today's no-shows of the window's services: each can go back to the queue (reactivate).
import type { Ticket } from '../api.ts';
import css from '../console.module.css';
import { useUi } from '../ui-context.ts';

export function NoShows(p: { tickets: Ticket[]; busy: boolean; onReactivate(t: Ticket): void }) {
  const { t } = useUi();
  return (
    <section class={css.panel} aria-labelledby="noshow-title">
      <h2 id="noshow-title">{t.t('noshow.title')}</h2>
      {p.tickets.length === 0 ? (
        <p class={css.muted}>{t.t('noshow.empty')}</p>
      ) : (
        <ul class={css.noShows} data-testid="no-shows">
          {p.tickets.map((tk) => (
            <li key={tk.id} data-number={tk.number}>
              <span class={css.num}>{tk.number}</span>
              <button
                type="button"
                disabled={p.busy}
                onClick={() => p.onReactivate(tk)}
                aria-label={`${t.t('act.reactivate')} ${tk.number}`}
              >
                {t.t('act.reactivate')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
