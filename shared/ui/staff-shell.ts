// What every staff screen's app shell does the same way (window console, admin): the language
// kept per screen in localStorage and set on <html lang> and the title, and the shared sign-in
// form's strings from the screen's catalogue (each catalogue has the `signin.*`, `lang.label` and
// `app.title` keys).
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { SignInStrings } from './components/sign-in/SignInForm.tsx';

type ShellKey =
  | 'app.title'
  | 'lang.label'
  | 'signin.title'
  | 'signin.username'
  | 'signin.password'
  | 'signin.submit'
  | 'signin.failed'
  | 'signin.limited'
  | 'signin.error';

interface ShellTranslator {
  t(key: ShellKey): string;
}

/** The screen's language (zh-CN first), remembered under `storageKey`; `make` builds its translator. */
export function useStaffLanguage<T extends ShellTranslator>(
  storageKey: string,
  make: (lang: string) => T,
): { lang: string; setLang: (lang: string) => void; t: T } {
  const [lang, setLang] = useState(() => localStorage.getItem(storageKey) ?? 'zh-CN');
  const t = useMemo(() => make(lang), [lang]);
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = t.t('app.title');
    localStorage.setItem(storageKey, lang);
  }, [lang, t]);
  return { lang, setLang, t };
}

/** The sign-in form's strings from the screen's catalogue. */
export function signInStrings(t: ShellTranslator): SignInStrings {
  return {
    title: t.t('signin.title'),
    username: t.t('signin.username'),
    password: t.t('signin.password'),
    submit: t.t('signin.submit'),
    failed: t.t('signin.failed'),
    limited: t.t('signin.limited'),
    error: t.t('signin.error'),
    langLabel: t.t('lang.label'),
  };
}
