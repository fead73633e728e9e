// The alarm console: sign-in, then the live queue and the pages, under the top bar and the loud
// banners. A new critical alert nobody has taken sounds the alarm, flashes the title and turns
// the banner red until someone takes it.

import { ErrorBoundary } from '@linli/shared/ui/components/error-boundary/ErrorBoundary.tsx';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, type GatewayRole, type User } from './api.ts';
import { StatusBanners } from './components/status-banners/StatusBanners.tsx';
import { TopBar } from './components/top-bar/TopBar.tsx';
import { named } from './format.ts';
import { makeT } from './i18n/index.ts';
import { AlertDetail } from './pages/AlertDetail/AlertDetail.tsx';
import { Devices } from './pages/Devices/Devices.tsx';
import { History } from './pages/History/History.tsx';
import { Queue } from './pages/Queue/Queue.tsx';
import { Responders } from './pages/Responders/Responders.tsx';
import { SignIn } from './pages/SignIn/SignIn.tsx';
import { Stations } from './pages/Stations/Stations.tsx';
import { AlarmSound } from './state/alarm-sound.ts';
import { useLiveAlerts } from './state/live-alerts.ts';
import { UiContext, useRoute } from './ui-context.ts';

const LANG_KEY = 'linli.console.lang';

export function ConsoleApp() {
  const [lang, setLang] = useState(() => localStorage.getItem(LANG_KEY) ?? 'zh-CN');
  const t = useMemo(() => makeT(lang), [lang]);
  const [user, setUser] = useState<User | null>();
  const sound = useRef(new AlarmSound()).current;
  const [soundOn, setSoundOn] = useState(false);
  const [role, setRole] = useState<GatewayRole>('station');
  const [site, setSite] = useState('');
  const route = useRoute();
  const live = useLiveAlerts(!!user, role === 'center' ? site : '');

  useEffect(() => {
    api.me().then(
      (r) => {
        setRole(r.gateway?.role ?? 'station');
        setUser(r.user);
      },
      () => setUser(null),
    );
  }, []);
  useEffect(() => {
    if (live.sessionEnded) setUser(null);
  }, [live.sessionEnded]);
  useEffect(() => {
    document.documentElement.lang = lang;
    localStorage.setItem(LANG_KEY, lang);
  }, [lang]);

  const enableSound = async () => {
    const on = await sound.enable();
    setSoundOn(on);
    return on;
  };
  const untaken = live.items.filter((i) => i.alert.severity === 'critical' && i.alert.state === 'raised');
  const alarmType = untaken[0]?.alert.type;
  useEffect(() => {
    const base = t.t('app.title');
    if (!user || !alarmType) {
      sound.stop();
      document.title = base;
      return;
    }
    sound.start();
    const alarm = t.t('alarm.title', { type: named(t, 'type', alarmType) });
    let on = false;
    const id = setInterval(() => {
      on = !on;
      document.title = on ? alarm : base;
    }, 800);
    document.title = alarm;
    return () => clearInterval(id);
  }, [user, alarmType, t, sound]);
  useEffect(() => () => sound.stop(), [sound]);

  const signOut = async () => {
    await api.logout().catch(() => {});
    sound.stop();
    setUser(null);
  };

  const ui = { t, lang, user: user ?? undefined, role, site, setSite };
  let page = null;
  const name = route[0] || 'queue';
  if (user === undefined) page = null;
  else if (user === null)
    page = (
      <SignIn
        enableSound={enableSound}
        onLang={setLang}
        onSignedIn={(u, r) => {
          setRole(r);
          setUser(u);
          if (!window.location.hash) window.location.hash = '#/queue';
        }}
      />
    );
  else
    page = (
      <>
        <TopBar page={name} soundOn={soundOn} onSound={enableSound} onLang={setLang} onSignOut={signOut} />
        <StatusBanners
          untakenCritical={untaken.length}
          soundOn={soundOn}
          onSound={enableSound}
          stale={live.stale || !live.connected}
          syncedAt={live.syncedAt}
        />
        {name === 'alert' && route[1] ? (
          <AlertDetail
            id={route[1]}
            rev={live.items.find((i) => i.alert.id === route[1])?.alert.rev}
            actions={live.actions.get(route[1])}
          />
        ) : name === 'responders' && route[1] ? (
          <Responders residentId={route[1]} />
        ) : name === 'stations' && role === 'center' ? (
          <Stations changed={live.syncedAt} />
        ) : name === 'devices' ? (
          <Devices open={live.items} />
        ) : name === 'history' ? (
          <History />
        ) : (
          <Queue items={live.items} actions={live.actions} />
        )}
      </>
    );
  return (
    <UiContext.Provider value={ui}>
      <ErrorBoundary message={t.t('app.failed')}>{page}</ErrorBoundary>
    </UiContext.Provider>
  );
}
