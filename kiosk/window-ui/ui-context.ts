// What every part of the console reads: the translator and the language.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { makeT, type T } from './i18n/index.ts';

export const UiContext = createContext<{ t: T; lang: string }>({ t: makeT('zh-CN'), lang: 'zh-CN' });
export const useUi = () => useContext(UiContext);
