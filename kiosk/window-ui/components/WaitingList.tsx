// The waiting list of the window's services in the order call-next takes them, with priority and
// appointment marks and waiting times ticking; a ticket can be called out of turn, and a number
// typed in can be called or given a priority class.
import { useEffect, useState } from 'preact/hooks';
import type { Ticket } from '../api.ts';
import css from '../console.module.css';
import { className, clock, duration, serviceName } from '../format.ts';
import { useUi } from '../ui-context.ts';

interface Props {
  tickets: Ticket[];
  offset: number;
  classes: string[];
  busy: boolean;
  canCall: boolean;
  onCallNext(): void;
  onCall(ticket: Ticket): void;
  onNumber(number: string, what: 'call' | 'priority', cls: string): void;
}

function useNow(offset: number): number {
  const [now, setNow] = useState(() => Date.now() + offset);
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now() + offset), 1000);
    return () => clearInterval(id);
  }, [offset]);
  return now;
}

export function WaitingList(p: Props) {
  const { t, lang } = useUi();
  const now = useNow(p.offset);
  const form = (e: Event) =>
    new FormData((e.currentTarget as HTMLElement).closest('form') as HTMLFormElement);
  return (
    <section class={css.panel} aria-labelledby="list-title">
      <div class={css.listHead}>
        <h2 id="list-title">
          {t.t('list.title')} <span class={css.muted}>{t.t('list.count', { n: p.tickets.length })}</span>
        </h2>
        <button
          type="button"
          data-primary
          class={css.callNext}
          onClick={p.onCallNext}
          disabled={p.busy || !p.canCall}
          aria-keyshortcuts="N"
          data-testid="call-next"
        >
          {t.t('act.callNext')} <kbd>N</kbd>
        </button>
      </div>
      <form
        class={css.row}
        onSubmit={(e) => {
          e.preventDefault();
          const f = form(e);
          p.onNumber(String(f.get('number')).trim().toUpperCase(), 'call', '');
        }}
      >
        <label>
          {t.t('act.numberLabel')}
          <input name="number" id="call-number" required maxLength={8} autocomplete="off" />
        </label>
        <button type="submit" disabled={p.busy || !p.canCall}>
          {t.t('act.call')}
        </button>
        <label>
          {t.t('act.priority')}
          <select name="cls" id="priority-class">
            {['normal', ...p.classes].map((c) => (
              <option key={c} value={c}>
                {className(t, c)}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          disabled={p.busy}
          onClick={(e) => {
            const f = form(e);
            p.onNumber(String(f.get('number')).trim().toUpperCase(), 'priority', String(f.get('cls')));
          }}
        >
          {t.t('act.setPriority')}
        </button>
      </form>
      {p.tickets.length === 0 ? (
        <p class={css.muted}>{t.t('list.empty')}</p>
      ) : (
        <table class={css.table} data-testid="queue">
          <thead>
            <tr>
              <th scope="col">{t.t('list.position')}</th>
              <th scope="col">{t.t('list.number')}</th>
              <th scope="col">{t.t('list.service')}</th>
              <th scope="col">{t.t('list.flags')}</th>
              <th scope="col">{t.t('list.waited')}</th>
              <th scope="col">
                <span class="visually-hidden">{t.t('act.call')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {p.tickets.map((tk, i) => (
              <tr key={tk.id} data-number={tk.number} data-priority={tk.priority ? 'true' : 'false'}>
                <td>{tk.position ?? i + 1}</td>
                <td class={css.num}>{tk.number}</td>
                <td>{serviceName(lang, tk)}</td>
                <td>
                  {tk.priority && <span class={css.badge}>{className(t, tk.priorityClass)}</span>}
                  {tk.slotAt !== null && (
                    <span class={css.badgeAlt}>{t.t('list.appointment', { time: clock(tk.slotAt) })}</span>
                  )}
                </td>
                <td data-testid="waited">{duration(t, now - tk.queuedAt)}</td>
                <td>
                  <button
                    type="button"
                    disabled={p.busy || !p.canCall}
                    onClick={() => p.onCall(tk)}
                    aria-label={`${t.t('act.call')} ${tk.number}`}
                  >
                    {t.t('act.call')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
