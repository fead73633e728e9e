// What every part of the console reads: the translator and the language; and a refusal in words.
import { ApiError } from '@linli/shared/ui/http.ts';
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { makeT, type T } from './i18n/index.ts';

export const UiContext = createContext<{ t: T; lang: string }>({ t: makeT('zh-CN'), lang: 'zh-CN' });
export const useUi = () => useContext(UiContext);

/** The words of a refusal in the current language: the service's sentence, else the catalogue's. */
export function reason(t: T, err: unknown): string {
  if (!(err instanceof ApiError)) return String(err);
  if (err.network) return t.t('error.network');
  return (t.lang.tag === 'zh-CN' ? err.zh : err.en) ?? t.t('error.failed');
}
