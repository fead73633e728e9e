// What every admin page reads: the translator, the language, today's station day, and a helper
// that runs an action and reports its result (saved, or the service's refusal in words).
import { createContext } from 'preact';
import { useCallback, useContext, useEffect, useState } from 'preact/hooks';
import { ApiError } from './api.ts';
import { makeT, type T } from './i18n/index.ts';

export interface Ui {
  t: T;
  lang: string;
  today: string;
}

export const UiContext = createContext<Ui>({ t: makeT('zh-CN'), lang: 'zh-CN', today: '' });
export const useUi = () => useContext(UiContext);

/** The page in the URL hash: #/services, #/stats … */
export function useRoute(): string {
  const read = () => window.location.hash.replace(/^#\/?/, '').split('/')[0] || 'services';
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const on = () => setRoute(read());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

export type Status = { kind: 'ok' | 'error'; text: string } | null;

/** The words of a refusal in the current language (the service's sentence, then its details). */
export function reason(t: T, err: unknown): string {
  if (err instanceof ApiError) {
    const words = (t.lang.tag === 'zh-CN' ? err.zh : err.en) ?? err.message;
    return Array.isArray(err.details) ? `${words}: ${err.details.join('; ')}` : words;
  }
  return err instanceof Error ? err.message : String(err);
}

/** Loads `load()` now and whenever `reload()` is called or the deps change. */
export function useLoad<R>(load: () => Promise<R>, deps: unknown[] = []) {
  const { t } = useUi();
  const [data, setData] = useState<R>();
  const [error, setError] = useState<string>();
  const [n, setN] = useState(0);
  useEffect(() => {
    let live = true;
    load().then(
      (r) => {
        if (!live) return;
        setData(r);
        setError(undefined);
      },
      (err) => {
        if (live) setError(reason(t, err));
      },
    );
    return () => {
      live = false;
    };
  }, [n, ...deps]);
  return { data, error, reload: useCallback(() => setN((x) => x + 1), []) };
}

/** Runs an admin action; the status line says "saved" or the refusal. */
export function useAction() {
  const { t } = useUi();
  const [status, setStatus] = useState<Status>(null);
  const [busy, setBusy] = useState(false);
  const run = async (fn: () => Promise<unknown>, ok = t.t('common.saved')): Promise<boolean> => {
    setBusy(true);
    try {
      await fn();
      setStatus({ kind: 'ok', text: ok });
      return true;
    } catch (err) {
      setStatus({ kind: 'error', text: t.t('common.refused', { reason: reason(t, err) }) });
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { status, busy, run, setStatus };
}
