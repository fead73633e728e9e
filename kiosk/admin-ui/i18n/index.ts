// The admin screen's languages, in the order of the language switch. A language is one file.
import { type Language, type Translator, translator } from '@linli/shared/ui/i18n.ts';
import { en } from './en.ts';
import { type Key, zhCN } from './zh-CN.ts';

export type { Key };
export type T = Translator<Key>;
export const LANGUAGES: Language<Key>[] = [zhCN, en];
export const BASE = zhCN;

export function makeT(tag: string | null | undefined): T {
  return translator(LANGUAGES.find((l) => l.tag === tag) ?? BASE, BASE);
}
