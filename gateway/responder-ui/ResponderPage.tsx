// What a neighbour, family member or grid worker needs in an emergency, and nothing else: who,
// where, what happened and how long ago, the notes, who else is coming; four big buttons.
import { BigButton } from '@linli/shared/ui/components/big-button/BigButton.tsx';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { type Action, ApiError, act, load, type ResponderView } from './api.ts';
import { type Key, makeT } from './i18n/index.ts';

const startLang = navigator.language.startsWith('zh') ? 'zh-CN' : 'en';

export function ResponderPage({ token }: { token: string }) {
  const [lang, setLang] = useState(startLang);
  const t = useMemo(() => makeT(lang), [lang]);
  const [view, setView] = useState<ResponderView | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState<Key | undefined>();

  useEffect(() => {
    document.documentElement.lang = t.lang.tag;
    document.title = t.t('app.title');
  }, [t]);

  const fail = (err: unknown) =>
    setError(!(err instanceof ApiError) ? 'generic' : err.network ? 'network' : err.code);
  useEffect(() => {
    load(token).then(setView, fail);
    const timer = setInterval(() => load(token).then(setView, fail), 15_000);
    return () => clearInterval(timer);
  }, [token]);

  const press = (a: Action) => {
    setBusy(true);
    act(token, a)
      .then((v) => {
        setView(v);
        setError(undefined);
        if (a === 'ambulance') setSent('sent.ambulance');
        if (a === 'false-alarm') setSent('sent.falseAlarm');
      }, fail)
      .finally(() => setBusy(false));
  };

  const errorKey: Key | undefined =
    error === undefined ? undefined : t.maybe(`err.${error}`) ? (`err.${error}` as Key) : 'err.generic';
  const header = (
    <header class="bar">
      <h1>{t.t('app.title')}</h1>
      <button type="button" class="lang" onClick={() => setLang(lang === 'en' ? 'zh-CN' : 'en')}>
        {t.t('lang.switch')}
      </button>
    </header>
  );
  if (!view)
    return (
      <main>
        {header}
        <p class={errorKey ? 'message error' : 'message'} role={errorKey ? 'alert' : 'status'}>
          {t.t(errorKey ?? 'loading')}
        </p>
      </main>
    );

  const min = Math.max(0, Math.floor((view.now - view.alert.raisedAt) / 60_000));
  const what = t.t(
    view.alert.type === 'sos' ? 'what.sos' : view.alert.type === 'fall' ? 'what.fall' : 'what.other',
  );
  const r = view.resident;
  const place = [
    r.building && t.t('place.building', { b: r.building }),
    r.unit && t.t('place.unit', { u: r.unit }),
    r.room && t.t('place.room', { r: r.room }),
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <main>
      {header}
      <section class="card" aria-labelledby="who">
        <h2 id="who" data-testid="resident">
          {r.name}
        </h2>
        <p class="place" data-testid="place">
          {place}
        </p>
        <p class="what">
          {what} · <span data-testid="ago">{min === 0 ? t.t('ago.now') : t.t('ago.min', { n: min })}</span>
        </p>
        {view.notes && (
          <div class="notes">
            <h3>{t.t('notes.title')}</h3>
            <p data-testid="notes">{view.notes}</p>
          </div>
        )}
      </section>
      <div aria-live="polite">
        {view.othersGoing > 0 && (
          <p class="message info" data-testid="others-going">
            {t.t('others.going', { n: view.othersGoing })}
          </p>
        )}
        {view.you.there ? (
          <p class="message ok" data-testid="you-state">
            {t.t('you.there')}
          </p>
        ) : view.you.going ? (
          <p class="message ok" data-testid="you-state">
            {t.t('you.going')}
          </p>
        ) : null}
        {sent && <p class="message info">{t.t(sent)}</p>}
        {errorKey && (
          <p class="message error" role="alert">
            {t.t(errorKey)}
          </p>
        )}
      </div>
      <div class="actions">
        {!view.you.going && !view.you.there && (
          <BigButton onClick={() => press('going')} disabled={busy} testId="going">
            {t.t('btn.going')}
          </BigButton>
        )}
        {!view.you.there && (
          <BigButton
            onClick={() => press('there')}
            disabled={busy}
            kind={view.you.going ? 'primary' : 'secondary'}
            testId="there"
          >
            {t.t('btn.there')}
          </BigButton>
        )}
        <BigButton onClick={() => press('ambulance')} disabled={busy} kind="secondary" testId="ambulance">
          {t.t('btn.ambulance')}
        </BigButton>
        <BigButton
          onClick={() => press('false-alarm')}
          disabled={busy}
          kind="quiet"
          size="normal"
          testId="false-alarm"
        >
          {t.t('btn.falseAlarm')}
        </BigButton>
      </div>
      <p class="hint">{t.t('call120')}</p>
    </main>
  );
}
