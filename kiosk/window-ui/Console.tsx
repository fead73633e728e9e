// The console of one window: the current ticket and its actions, the waiting list, today's
// figures, the devices, today's no-shows and the keyboard shortcuts. Every action answers in one
// message line; a refusal because the queue moved under the console (409: another window took the
// ticket first) says so plainly and the list is fetched again.
import { useEffect, useRef, useState } from 'preact/hooks';
import {
  ApiError,
  api,
  type Meta,
  type ServiceInfo,
  type Staff,
  type Ticket,
  type WindowInfo,
} from './api.ts';
import { CurrentTicket } from './components/CurrentTicket.tsx';
import { Devices } from './components/Devices.tsx';
import { Figures } from './components/Figures.tsx';
import { NoShows } from './components/NoShows.tsx';
import { Shortcuts } from './components/Shortcuts.tsx';
import { WaitingList } from './components/WaitingList.tsx';
import css from './console.module.css';
import { LANGUAGES } from './i18n/index.ts';
import { shortcutOf } from './shortcuts.ts';
import { useConsole } from './state/useConsole.ts';
import { reason, useUi } from './ui-context.ts';

/** Refusals that mean the ticket is no longer where the console saw it. */
const MOVED = new Set(['CONFLICT', 'BAD_STATE', 'NOT_FOUND', 'NOT_SERVED_HERE']);

interface Message {
  kind: 'ok' | 'moved' | 'refused';
  text: string;
  code?: string;
}

interface Props {
  staff: Staff;
  win: WindowInfo;
  onLang(tag: string): void;
  onSignOut(): void;
  onSessionEnded(): void;
}

export function Console({ staff, win, onLang, onSignOut, onSessionEnded }: Props) {
  const { t, lang } = useUi();
  const data = useConsole(win);
  const [services, setServices] = useState<ServiceInfo[]>([]);
  const [meta, setMeta] = useState<Meta>({
    priorityClasses: [],
    outcomes: ['resolved', 'follow-up', 'referred'],
  });
  const [msg, setMsg] = useState<Message>();
  const busy = useRef(false);
  const [busyView, setBusyView] = useState(false);

  useEffect(() => {
    api.services().then(
      (r) => setServices(r.services),
      () => {},
    );
    api.meta().then(setMeta, () => {});
  }, []);
  useEffect(() => {
    if (data.sessionEnded) onSessionEnded();
  }, [data.sessionEnded, onSessionEnded]);

  const run = async (fn: () => Promise<{ ticket?: Ticket }>, done: (tk: Ticket | undefined) => string) => {
    if (busy.current) return;
    busy.current = true;
    setBusyView(true);
    try {
      const r = await fn();
      setMsg({ kind: 'ok', text: done(r.ticket) });
    } catch (err) {
      const code = err instanceof ApiError ? err.code : 'ERROR';
      if (err instanceof ApiError && err.status === 401) return onSessionEnded();
      const moved = MOVED.has(code);
      setMsg({
        kind: moved ? 'moved' : 'refused',
        code,
        text: t.t(moved ? 'msg.moved' : 'msg.refused', { reason: reason(t, err) }),
      });
    } finally {
      busy.current = false;
      setBusyView(false);
      await data.refresh().catch(() => {});
    }
  };

  const cur = data.current;
  const actions = {
    callNext: () =>
      run(
        () => api.callNext(win.id),
        (tk) => t.t('msg.done.call', { number: tk?.number ?? '' }),
      ),
    call: (tk: Ticket) =>
      run(
        () => api.call(win.id, tk.id),
        () => t.t('msg.done.call', { number: tk.number }),
      ),
    recall: () =>
      cur &&
      run(
        () => api.recall(cur.id),
        () => t.t('msg.done.recall', { number: cur.number }),
      ),
    start: () =>
      cur &&
      run(
        () => api.start(cur.id),
        () => t.t('msg.done.start', { number: cur.number }),
      ),
    noShow: () =>
      cur &&
      run(
        () => api.noShow(cur.id),
        () => t.t('msg.done.noShow', { number: cur.number }),
      ),
    finish: (outcome: string) =>
      cur &&
      run(
        () => api.finish(cur.id, outcome),
        () => t.t('msg.done.finish', { number: cur.number }),
      ),
    transfer: (serviceId: string, note: string) => {
      if (!cur) return;
      const s = services.find((x) => x.id === serviceId);
      const name = s ? (lang === 'zh-CN' ? s.nameZh : s.nameEn) : serviceId;
      return run(
        () => api.transfer(cur.id, serviceId, note || undefined),
        () => t.t('msg.done.transfer', { number: cur.number, service: name }),
      );
    },
    reactivate: (tk: Ticket) =>
      run(
        () => api.reactivate(tk.id),
        () => t.t('msg.done.reactivate', { number: tk.number }),
      ),
    byNumber: (number: string, what: 'call' | 'priority', cls: string) => {
      const tk = data.queue.find((x) => x.number === number) ?? (cur?.number === number ? cur : undefined);
      if (!tk) {
        setMsg({ kind: 'refused', text: t.t('msg.noSuchNumber', { number }) });
        return;
      }
      if (what === 'call') return actions.call(tk);
      return run(
        () => api.priority(tk.id, cls),
        () => t.t('msg.done.priority', { number }),
      );
    },
  };
  const keyed = useRef(actions);
  keyed.current = actions;

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const a = shortcutOf(e);
      if (!a) return;
      e.preventDefault();
      const act = keyed.current;
      if (a === 'callNext') void act.callNext();
      else if (a === 'recall') void act.recall();
      else if (a === 'start') void act.start();
      else if (a === 'noShow') void act.noShow();
      else if (a === 'finish')
        void act.finish(
          (document.getElementById('finish-outcome') as HTMLSelectElement | null)?.value ?? 'resolved',
        );
      else if (a === 'transfer') document.getElementById('transfer-service')?.focus();
      else if (a === 'number') document.getElementById('call-number')?.focus();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  return (
    <div class={css.page}>
      <header class={css.bar}>
        <h1>
          {t.t('app.title')} · <span data-testid="window-name">{t.t('bar.window', { name: win.name })}</span>
        </h1>
        <span>{t.t('bar.staff', { name: staff.displayName || staff.username })}</span>
        <label class={css.lang}>
          {t.t('lang.label')}
          <select value={lang} onChange={(e) => onLang((e.target as HTMLSelectElement).value)}>
            {LANGUAGES.map((l) => (
              <option key={l.tag} value={l.tag} lang={l.tag}>
                {l.name}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={onSignOut}>
          {t.t('bar.signOut')}
        </button>
      </header>
      {data.stale && (
        <p class={css.stale} role="status" data-testid="stale">
          {t.t('bar.stale')}
        </p>
      )}
      <p
        class={css.message}
        data-kind={msg?.kind ?? ''}
        data-code={msg?.code ?? ''}
        data-testid="message"
        role={msg && msg.kind !== 'ok' ? 'alert' : 'status'}
      >
        {msg?.text ?? ''}
      </p>
      <main class={css.grid}>
        <div class={css.col}>
          <CurrentTicket
            ticket={cur}
            origin={data.origin}
            services={services}
            outcomes={meta.outcomes}
            busy={busyView}
            onRecall={() => void actions.recall()}
            onStart={() => void actions.start()}
            onNoShow={() => void actions.noShow()}
            onFinish={(o) => void actions.finish(o)}
            onTransfer={(s, n) => void actions.transfer(s, n)}
          />
        </div>
        <div class={css.col}>
          <WaitingList
            tickets={data.queue}
            offset={data.offset}
            classes={meta.priorityClasses}
            busy={busyView}
            canCall={!cur}
            onCallNext={() => void actions.callNext()}
            onCall={(tk) => void actions.call(tk)}
            onNumber={(n, w, c) => void actions.byNumber(n, w, c)}
          />
          <NoShows
            tickets={data.noShows}
            busy={busyView}
            onReactivate={(tk) => void actions.reactivate(tk)}
          />
        </div>
        <div class={css.col}>
          <Figures f={data.figures} />
          <Devices devices={data.devices} lastCard={data.lastCard} />
          <Shortcuts />
        </div>
      </main>
    </div>
  );
}
