// The resident screens' catalogues: English is complete, Uyghur covers the main flow, is right
// to left and marked for a native speaker's review, and every translation keeps its placeholders.
import { missingKeys } from '@linli/shared/ui/i18n.ts';
import { describe, expect, it } from 'vitest';
import { en } from '../ui/i18n/en.ts';
import { ug } from '../ui/i18n/ug.ts';
import { zhCN } from '../ui/i18n/zh-CN.ts';

const holes = (s: string | undefined) => [...(s ?? '').matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('catalogues', () => {
  it('English has every key', () => {
    expect(missingKeys(en, zhCN)).toEqual([]);
  });

  it('Uyghur: right to left, marked for review, the main flow translated', () => {
    expect(ug.dir).toBe('rtl');
    expect(ug.review).toBe(true);
    const main = [
      'home.cardCue',
      'greet.hello',
      'greet.choose',
      'ticket.title',
      'ticket.ahead',
      'ticket.take',
      'ticket.photo',
      'err.cardUnreadable',
      'err.callStaff',
      'idle.title',
      'idle.continue',
    ] as const;
    for (const k of main) expect(ug.strings[k], k).toBeTruthy();
  });

  it('translations keep the placeholders of the Chinese text', () => {
    for (const lang of [en, ug])
      for (const [k, v] of Object.entries(lang.strings)) {
        if (k.startsWith('svc.')) continue;
        expect(holes(v), `${lang.tag} ${k}`).toEqual(holes((zhCN.strings as Record<string, string>)[k]));
      }
  });
});
