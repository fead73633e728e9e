// The resident kiosk: one screen at a time (state/useKiosk.ts), the idle "continue?" screen in
// front of it when nobody has touched it for a while, spoken prompts, and the display modes.

import { ErrorBoundary } from '@linli/shared/ui/components/error-boundary/ErrorBoundary.tsx';
import { say, setSpeechEnabled } from '@linli/shared/ui/speech.ts';
import { useEffect, useMemo } from 'preact/hooks';
import { makeT, type T } from './i18n/index.ts';
import { Continue } from './pages/Continue/Continue.tsx';
import { Greeting } from './pages/Greeting/Greeting.tsx';
import { Home } from './pages/Home/Home.tsx';
import { NeedCard } from './pages/NeedCard/NeedCard.tsx';
import { Problem } from './pages/Problem/Problem.tsx';
import { Rate } from './pages/Rate/Rate.tsx';
import { Scan } from './pages/Scan/Scan.tsx';
import { Ticket } from './pages/Ticket/Ticket.tsx';
import { applyPrefs } from './prefs.ts';
import type { Screen } from './state/types.ts';
import { DEFAULT_PREFS } from './state/types.ts';
import { useIdle } from './state/useIdle.ts';
import { useKiosk } from './state/useKiosk.ts';
import { UiContext } from './ui-context.ts';

const params = new URLSearchParams(location.search);
const IDLE_MS = Number(params.get('idle') ?? 60) * 1000;
const WARN_MS = Number(params.get('warn') ?? 30) * 1000;

/** What the screen says aloud when it appears (never the resident's name). */
function spoken(t: T, s: Screen): string {
  switch (s.name) {
    case 'greet':
      return `${t.t('greet.choose')}${s.priority ? `。${t.t('greet.priority')}` : ''}`;
    case 'needCard':
      return t.t('home.cardCue');
    case 'ticket':
      return s.print === 'photo'
        ? t.t('ticket.photo')
        : t.t('ticket.say', { number: s.issued.ticket.number, n: s.issued.peopleAhead });
    case 'problem':
      return t.t('err.title');
    case 'scan':
      return t.t(s.purpose === 'appointment' ? 'scan.title' : 'rate.scanTitle');
    case 'rate':
      return t.t('rate.title');
    default:
      return '';
  }
}

export function KioskApp() {
  const k = useKiosk();
  const t = useMemo(() => makeT(k.prefs.lang), [k.prefs.lang]);
  const personal = k.screen.name !== 'home' || JSON.stringify(k.prefs) !== JSON.stringify(DEFAULT_PREFS);
  const idle = useIdle(personal, IDLE_MS, WARN_MS, k.goHome);

  useEffect(() => applyPrefs(k.prefs, t), [k.prefs, t]);
  useEffect(() => setSpeechEnabled(k.prefs.sound), [k.prefs.sound]);
  const text = idle.warning ? t.t('idle.title') : spoken(t, k.screen);
  useEffect(() => say(text, t.lang.tag), [text, t]);

  const s = k.screen;
  let page: preact.JSX.Element;
  if (idle.warning)
    page = (
      <Continue
        secondsLeft={idle.secondsLeft}
        totalSeconds={idle.totalSeconds}
        onContinue={idle.keepAlive}
        onLeave={k.goHome}
      />
    );
  else if (s.name === 'greet')
    page = (
      <Greeting
        maskedName={s.maskedName}
        priority={s.priority}
        services={k.services}
        onPick={k.pick}
        onHome={k.goHome}
      />
    );
  else if (s.name === 'needCard') page = <NeedCard service={s.service} onHome={k.goHome} />;
  else if (s.name === 'ticket')
    page = <Ticket issued={s.issued} print={s.print} appointment={s.appointment} onDone={k.goHome} />;
  else if (s.name === 'problem')
    page = <Problem kind={s.kind} service={s.service} hours={s.hours} onBack={k.goHome} />;
  else if (s.name === 'scan') page = <Scan purpose={s.purpose} onHome={k.goHome} />;
  else if (s.name === 'rate')
    page = <Rate token={s.token} number={s.number} canRate={s.canRate} rated={s.rated} onDone={k.goHome} />;
  else
    page = (
      <Home
        services={k.services}
        readerOk={k.readerOk}
        printerOk={k.printerOk}
        onPick={k.pick}
        onAppointment={() => k.setScreen({ name: 'scan', purpose: 'appointment' })}
        onRate={() => k.setScreen({ name: 'scan', purpose: 'rate' })}
      />
    );

  return (
    <UiContext.Provider value={{ t, prefs: k.prefs, setPrefs: k.setPrefs }}>
      <ErrorBoundary message={t.t('err.broken')} onReset={k.goHome}>
        {page}
      </ErrorBoundary>
      {k.stale && (
        <p
          role="status"
          data-testid="stale"
          style={{
            position: 'fixed',
            insetInlineStart: 0,
            insetBlockEnd: 0,
            margin: 0,
            padding: '12px 24px',
            background: 'var(--warn-bg)',
            color: 'var(--warn-text)',
            fontWeight: 700,
            border: '3px solid var(--warn-text)',
          }}
        >
          {t.t('err.network')}
        </p>
      )}
    </UiContext.Provider>
  );
}
