// What every page needs: the translator, the language tag, the signed-in user, and the clock.
import { createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import type { GatewayRole, User } from './api.ts';
import { makeT, type T } from './i18n/index.ts';

export interface Ui {
  t: T;
  lang: string;
  user: User | undefined;
  /** Station or center: the center shows every station and filters by site */
  role: GatewayRole;
  /** At the center: the site the queue and history are filtered to ('' = all) */
  site: string;
  setSite(site: string): void;
}

export const UiContext = createContext<Ui>({
  t: makeT('zh-CN'),
  lang: 'zh-CN',
  user: undefined,
  role: 'station',
  site: '',
  setSite: () => {},
});

export const useUi = () => useContext(UiContext);

/** The current time, re-rendering every `ms` (ticking age counters). */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}

/** The page in the URL hash: #/queue, #/alert/<id>, #/devices, #/history. */
export function useRoute(): string[] {
  const read = () => window.location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const on = () => setRoute(read());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}
