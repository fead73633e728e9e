// Durations and names as the console shows them.
import type { Ticket } from './api.ts';
import type { T } from './i18n/index.ts';

export function duration(t: T, ms: number | null): string {
  if (ms === null) return t.t('fig.none');
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? t.t('time.sec', { s }) : t.t('time.min', { m: Math.floor(s / 60), s: s % 60 });
}

export function serviceName(lang: string, x: { serviceZh: string; serviceEn: string }): string {
  return lang === 'zh-CN' ? x.serviceZh : x.serviceEn;
}

export function className(t: T, cls: string): string {
  return t.maybe(`class.${cls}`) ?? cls;
}

export function clock(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

export const sourceKey = (tk: Ticket) =>
  `current.source.${tk.appointment ? 'appointment' : tk.source}` as Parameters<T['t']>[0];
