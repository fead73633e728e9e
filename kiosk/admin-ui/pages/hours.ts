// Opening hours as the form edits them: one text per weekday ("08:30-12:00, 14:00-17:30"), and the
// presets of the station head (工作日, 错时 staggered hours, 全年无休 open every day).
import type { Hours } from '../api.ts';

export const WEEKDAYS = ['1', '2', '3', '4', '5', '6', '0'] as const;

export function hoursToText(h: Hours): Record<string, string> {
  return Object.fromEntries(WEEKDAYS.map((d) => [d, (h[d] ?? []).join(', ')]));
}

/** The form's texts back to hours; the service checks each interval and says which is wrong. */
export function textToHours(text: Record<string, string>): Hours {
  return Object.fromEntries(
    WEEKDAYS.map((d) => [
      d,
      (text[d] ?? '')
        .split(/[,，;；\s]+/)
        .map((s) => s.trim().replace(/[–—~～]/g, '-'))
        .filter(Boolean),
    ]),
  ) as Hours;
}

const week = (f: (d: string) => string[]) => Object.fromEntries(WEEKDAYS.map((d) => [d, f(d)])) as Hours;
const weekday = (d: string) => d !== '0' && d !== '6';

export const PRESETS = {
  weekdays: week((d) => (weekday(d) ? ['08:30-12:00', '13:30-17:30'] : [])),
  staggered: week((d) => (weekday(d) ? ['08:30-12:00', '13:30-19:00'] : d === '6' ? ['09:00-12:00'] : [])),
  allYear: week(() => ['09:00-17:00']),
};

export function hoursSummary(h: Hours, dayName: (d: string) => string, closed: string): string {
  const parts = WEEKDAYS.filter((d) => (h[d] ?? []).length > 0).map(
    (d) => `${dayName(d)} ${(h[d] ?? []).join(' ')}`,
  );
  return parts.length ? parts.join('；') : closed;
}
