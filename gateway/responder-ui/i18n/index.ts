// The languages of the responder's page.
import { type Language, type Translator, translator } from '@linli/shared/ui/i18n.ts';
import { en } from './en.ts';
import { type Key, zhCN } from './zh-CN.ts';

export type { Key };
export type T = Translator<Key>;
export const LANGUAGES: Language<Key>[] = [zhCN, en];

export function makeT(tag: string): T {
  return translator(LANGUAGES.find((l) => l.tag === tag) ?? zhCN, zhCN);
}
