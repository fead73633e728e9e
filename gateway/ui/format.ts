// Times, durations and names as the console shows them.
import type { Location } from './api.ts';
import type { Key, T } from './i18n/index.ts';

export function duration(t: T, ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return t.t('dur.none');
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return t.t('dur.s', { n: s });
  if (s < 3600) return t.t('dur.m', { m: Math.floor(s / 60), s: s % 60 });
  return t.t('dur.h', { h: Math.floor(s / 3600), m: Math.floor((s % 3600) / 60) });
}

/** Ticking age: mm:ss under an hour, then h:mm:ss. */
export function clock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const p = (n: number) => String(n).padStart(2, '0');
  const h = Math.floor(s / 3600);
  return h ? `${h}:${p(Math.floor((s % 3600) / 60))}:${p(s % 60)}` : `${p(Math.floor(s / 60))}:${p(s % 60)}`;
}

export function dateTime(lang: string, at: number | null | undefined): string {
  if (!at) return '—';
  return new Date(at).toLocaleString(lang, { hour12: false });
}

export function place(loc: Location | undefined): string {
  if (!loc) return '';
  const address = [loc.building, loc.unit, loc.room].filter(Boolean).join('-');
  return [address, loc.grid].filter(Boolean).join(' · ');
}

/** A name masked as on a shared screen: 张三明 → 张*明. */
export function mask(name: string | undefined): string {
  if (!name) return '';
  const cs = [...name];
  if (cs.length <= 1) return name;
  if (cs.length === 2) return `${cs[0]}*`;
  return `${cs[0]}${'*'.repeat(cs.length - 2)}${cs[cs.length - 1]}`;
}

/** A catalogue string for an open-ended code (alert type, outcome), else the code itself. */
export function named(t: T, prefix: string, code: string | null | undefined): string {
  if (!code) return '—';
  return t.maybe(`${prefix}.${code}`) ?? code;
}

export type { Key };
