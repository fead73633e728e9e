// Opening hours per weekday: {"0": [], "1": ["08:30-17:30"], ...}, 0 = Sunday; several
// intervals a day allowed (staggered hours 错时, lunch breaks).
import type { Hours } from './api-types.ts';
import { QueueError } from './errors.ts';
import { HHMM_RE, type LocalParts } from './time.ts';

export type { Hours } from './api-types.ts';

const INTERVAL_RE = /^(\d{2}:\d{2})-(\d{2}:\d{2})$/;

/** Checks shape and that every interval is HH:MM-HH:MM with start < end; returns the normalised value. */
export function parseHours(value: unknown): Hours {
  const bad = (why: string): never => {
    throw new QueueError('BAD_HOURS', `营业时间格式错误：${why}`, `bad opening hours: ${why}`);
  };
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    bad('must be an object keyed 0..6');
  const v = value as Record<string, unknown>;
  const out = {} as Hours;
  for (const k of Object.keys(v)) if (!/^[0-6]$/.test(k)) bad(`unknown weekday key ${JSON.stringify(k)}`);
  for (const day of ['0', '1', '2', '3', '4', '5', '6'] as const) {
    const list = v[day] ?? [];
    if (!Array.isArray(list)) bad(`weekday ${day} must be a list`);
    const intervals: string[] = [];
    for (const item of list as unknown[]) {
      const m = typeof item === 'string' ? INTERVAL_RE.exec(item) : null;
      if (!m || !HHMM_RE.test(m[1] as string) || !HHMM_RE.test(m[2] as string))
        bad(`weekday ${day}: ${JSON.stringify(item)} is not HH:MM-HH:MM`);
      const [a, b] = [(m as RegExpExecArray)[1] as string, (m as RegExpExecArray)[2] as string];
      if (a >= b) bad(`weekday ${day}: ${a} is not before ${b}`);
      intervals.push(`${a}-${b}`);
    }
    out[day] = intervals.sort();
  }
  return out;
}

export function isOpen(hours: Hours, at: LocalParts): boolean {
  const list = hours[String(at.weekday) as keyof Hours] ?? [];
  return list.some((iv) => {
    const [a, b] = iv.split('-') as [string, string];
    return at.hhmm >= a && at.hhmm < b;
  });
}

export function hoursToday(hours: Hours, at: LocalParts): string[] {
  return hours[String(at.weekday) as keyof Hours] ?? [];
}
