// The board shows Chinese first and English under it: two translators over one set of keys.
import { type Translator, translator } from '@linli/shared/ui/i18n.ts';
import { en as enLang } from './en.ts';
import { type Key, zhCN } from './zh-CN.ts';

export type { Key };
export type T = Translator<Key>;
export const zh: T = translator(zhCN, zhCN);
export const en: T = translator(enLang, zhCN);
