// The display board (a TV, 1920×1080, no input): the current call large, the last call at each
// window, the waiting count per service, date and time. Chinese first, English under it. The
// spoken text of the call is in an aria-live region (and its data-spoken), so the call is
// readable and testable whether or not sound plays. Never a resident's name: the public stream
// and snapshot carry none.
import { useEffect, useState } from 'preact/hooks';
import css from './board.module.css';
import { type BoardState, useBoard } from './board-state.ts';
import { en, zh } from './i18n/index.ts';

function useNow(offset: number): number {
  const [now, setNow] = useState(() => Date.now() + offset);
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now() + offset), 1000);
    return () => clearInterval(id);
  }, [offset]);
  return now;
}

function Clock({ at, timeZone }: { at: number; timeZone: string }) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      weekday: 'short',
      hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const wd = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(parts.weekday ?? '');
  const date = zh.t('board.date', {
    y: parts.year ?? '',
    m: Number(parts.month),
    d: Number(parts.day),
    w: zh.t('board.weekdays')[wd] ?? '',
  });
  return (
    <div class={css.clock}>
      <time class={css.time} data-testid="time">
        {parts.hour}:{parts.minute}:{parts.second}
      </time>
      <span class={css.date}>{date}</span>
    </div>
  );
}

function Current({ s }: { s: BoardState }) {
  const c = s.current;
  return (
    <section class={css.current} aria-labelledby="now-title">
      <h2 id="now-title" class={css.label}>
        {zh.t('board.now')} <span lang="en">{en.t('board.now')}</span>
        {c?.recall && (
          <strong class={css.recall} data-testid="recall">
            {zh.t('board.recall')} {en.t('board.recall')}
          </strong>
        )}
      </h2>
      {c ? (
        <div
          key={c.seq}
          class={css.flash}
          data-testid="current"
          data-number={c.number}
          data-window={c.windowId}
        >
          <p class={css.number}>{c.number}</p>
          <p class={css.toWindow}>{zh.t('board.toWindow', { window: c.windowId })}</p>
          <p class={css.en} lang="en">
            {en.t('board.toWindow', { window: c.windowId })}
          </p>
        </div>
      ) : (
        <p class={css.none}>
          {zh.t('board.none')} <span lang="en">{en.t('board.none')}</span>
        </p>
      )}
      <p
        class="visually-hidden"
        aria-live="assertive"
        data-testid="spoken"
        data-spoken={c?.text ?? ''}
        data-count={s.announced}
      >
        {c?.text ?? ''}
      </p>
    </section>
  );
}

function Windows({ s }: { s: BoardState }) {
  const windows = s.snapshot?.windows ?? [];
  const calls = s.snapshot?.recentCalls ?? [];
  return (
    <section class={css.windows} aria-labelledby="win-title">
      <h2 id="win-title" class={css.label}>
        {zh.t('board.windows')} <span lang="en">{en.t('board.windows')}</span>
      </h2>
      <ul>
        {windows.map((w) => {
          const last = calls.find((c) => c.windowId === w.id)?.number ?? w.current?.number;
          return (
            <li key={w.id} data-testid={`window-${w.id}`} data-number={last ?? ''}>
              <span class={css.winName}>{zh.t('board.window', { window: w.id })}</span>
              <span class={css.winNumber}>{last ?? zh.t('board.windowIdle')}</span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function Queues({ s }: { s: BoardState }) {
  const services = s.snapshot?.services ?? [];
  return (
    <section class={css.queues} aria-labelledby="q-title">
      <h2 id="q-title" class={css.label}>
        {zh.t('board.queues')} <span lang="en">{en.t('board.queues')}</span>
      </h2>
      <ul>
        {services.map((q) => (
          <li key={q.serviceId} data-testid={`queue-${q.serviceId}`} data-waiting={q.waiting}>
            <span class={css.svcName}>
              <span class={css.prefix}>{q.prefix}</span> {q.nameZh}
            </span>
            <span class={css.svcCount}>{zh.t('board.waiting', { n: q.waiting })}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function Board() {
  const s = useBoard();
  const now = useNow(s.offset);
  return (
    <main
      class={css.board}
      data-stale={s.stale ? 'true' : 'false'}
      data-ready={s.snapshot ? 'true' : 'false'}
    >
      <header class={css.header}>
        <h1 class={css.title}>
          {zh.t('board.title')} <span lang="en">{en.t('board.title')}</span>
        </h1>
        <Clock at={now} timeZone={s.timeZone} />
      </header>
      {s.stale && (
        <p class={css.stale} role="status" data-testid="stale">
          {zh.t('board.stale')} <span lang="en">{en.t('board.stale')}</span>
        </p>
      )}
      <div class={css.body}>
        <Current s={s} />
        <Windows s={s} />
      </div>
      <Queues s={s} />
    </main>
  );
}
