// The admin screen's catalogues: English has every key and keeps the placeholders of the Chinese.
import { missingKeys } from '@linli/shared/ui/i18n.ts';
import { describe, expect, it } from 'vitest';
import { en } from '../admin-ui/i18n/en.ts';
import { zhCN } from '../admin-ui/i18n/zh-CN.ts';

const holes = (s: string | undefined) => [...(s ?? '').matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('admin screen catalogues', () => {
  it('English has every key, with the same placeholders', () => {
    expect(missingKeys(en, zhCN)).toEqual([]);
    for (const [k, v] of Object.entries(en.strings))
      expect(holes(v), k).toEqual(holes((zhCN.strings as Record<string, string>)[k]));
  });
});
