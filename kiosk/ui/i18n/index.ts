// The languages of the resident screens, in the order of the language switch. A language is one file.
import { type Language, type Translator, translator } from '@linli/shared/ui/i18n.ts';
import { en } from './en.ts';
import { ug } from './ug.ts';
import { type Key, zhCN } from './zh-CN.ts';

export type { Key };
export type T = Translator<Key>;
export const LANGUAGES: Language<Key>[] = [zhCN, en, ug];
export const BASE = zhCN;

export function languageOf(tag: string | null | undefined): Language<Key> {
  return LANGUAGES.find((l) => l.tag === tag) ?? BASE;
}

export function makeT(tag: string): T {
  return translator(languageOf(tag), BASE);
}
