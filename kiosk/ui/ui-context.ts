// What every component of the resident screens reads: the translator and the display preferences.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { makeT, type T } from './i18n/index.ts';
import { DEFAULT_PREFS, type Prefs } from './state/types.ts';

export interface Ui {
  t: T;
  prefs: Prefs;
  setPrefs(p: Partial<Prefs>): void;
}

export const UiContext = createContext<Ui>({ t: makeT('zh-CN'), prefs: DEFAULT_PREFS, setPrefs: () => {} });
export const useUi = (): Ui => useContext(UiContext);

/** A service's name in the current language: the catalogue's, else the service's own zh or en name. */
export function serviceName(
  t: T,
  s: {
    id?: string;
    serviceId?: string;
    nameZh?: string;
    nameEn?: string;
    serviceZh?: string;
    serviceEn?: string;
  },
): string {
  const id = s.id ?? s.serviceId ?? '';
  const zh = s.nameZh ?? s.serviceZh ?? id;
  const en = s.nameEn ?? s.serviceEn ?? zh;
  return t.maybe(`svc.${id}`) ?? (t.lang.tag === 'zh-CN' ? zh : en);
}
