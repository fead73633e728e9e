// The ticket at this window now: number, service, state, recalls, the resident's masked name and
// ID number as the card read them, and the actions on it (recall, start, no-show, finish with an
// outcome, transfer to a service with a note).
import type { ServiceInfo, Ticket } from '../api.ts';
import css from '../console.module.css';
import { className, serviceName, sourceKey } from '../format.ts';
import { useUi } from '../ui-context.ts';

interface Props {
  ticket: Ticket | null;
  origin: Ticket | null;
  services: ServiceInfo[];
  outcomes: string[];
  busy: boolean;
  onRecall(): void;
  onStart(): void;
  onNoShow(): void;
  onFinish(outcome: string): void;
  onTransfer(serviceId: string, note: string): void;
}

export function CurrentTicket(p: Props) {
  const { t, lang } = useUi();
  const tk = p.ticket;
  const form = (e: Event) =>
    new FormData((e.currentTarget as HTMLElement).closest('form') as HTMLFormElement);
  return (
    <section class={css.panel} aria-labelledby="current-title">
      <h2 id="current-title">{t.t('current.title')}</h2>
      {!tk ? (
        <p class={css.muted} data-testid="current-none">
          {t.t('current.none')}
        </p>
      ) : (
        <div data-testid="current" data-number={tk.number} data-state={tk.state}>
          <p class={css.currentNumber}>{tk.number}</p>
          <p>
            {serviceName(lang, tk)} · {t.t(`current.state.${tk.state}` as 'current.state.called')}
            {tk.recalls > 0 && ` · ${t.t('current.recalls', { n: tk.recalls })}`}
            {tk.priority && <span class={css.badge}> {className(t, tk.priorityClass)}</span>}
          </p>
          <p data-testid="card">
            <strong>{t.t('current.card')}：</strong>
            {tk.nameMasked || tk.idMasked
              ? `${tk.nameMasked ?? ''} ${tk.idMasked ?? ''}`
              : t.t('current.cardNone', { source: t.t(sourceKey(tk)) })}
          </p>
          {tk.transferredFrom && (
            <p class={css.muted} data-testid="transferred-from">
              {t.t('current.transferredFrom', { service: p.origin ? serviceName(lang, p.origin) : '' })}
              {p.origin?.note && ` ${t.t('current.note', { note: p.origin.note })}`}
            </p>
          )}
          {tk.note && <p class={css.muted}>{t.t('current.note', { note: tk.note })}</p>}
        </div>
      )}
      <div class={css.actions}>
        <button type="button" onClick={p.onRecall} disabled={!tk || p.busy} aria-keyshortcuts="R">
          {t.t('act.recall')} <kbd>R</kbd>
        </button>
        <button
          type="button"
          onClick={p.onStart}
          disabled={tk?.state !== 'called' || p.busy}
          aria-keyshortcuts="S"
        >
          {t.t('act.start')} <kbd>S</kbd>
        </button>
        <button type="button" onClick={p.onNoShow} disabled={!tk || p.busy} aria-keyshortcuts="X">
          {t.t('act.noShow')} <kbd>X</kbd>
        </button>
      </div>
      <form class={css.row} onSubmit={(e) => e.preventDefault()}>
        <label>
          {t.t('act.outcome')}
          <select name="outcome" id="finish-outcome">
            {p.outcomes.map((o) => (
              <option key={o} value={o}>
                {t.maybe(`outcome.${o}`) ?? o}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          data-primary
          disabled={!tk || p.busy}
          aria-keyshortcuts="F"
          onClick={(e) => p.onFinish(String(form(e).get('outcome')))}
        >
          {t.t('act.finish')} <kbd>F</kbd>
        </button>
      </form>
      <form class={css.row} onSubmit={(e) => e.preventDefault()}>
        <label>
          {t.t('act.transferTo')}
          <select name="service" id="transfer-service">
            {p.services
              .filter((s) => s.id !== tk?.serviceId)
              .map((s) => (
                <option key={s.id} value={s.id}>
                  {s.prefix} {lang === 'zh-CN' ? s.nameZh : s.nameEn}
                </option>
              ))}
          </select>
        </label>
        <label>
          {t.t('act.transferNote')}
          <input name="note" id="transfer-note" maxLength={500} />
        </label>
        <button
          type="button"
          disabled={!tk || p.busy}
          aria-keyshortcuts="T"
          onClick={(e) => {
            const f = form(e);
            p.onTransfer(String(f.get('service')), String(f.get('note') ?? '').trim());
          }}
        >
          {t.t('act.transfer')}
        </button>
      </form>
    </section>
  );
}
