// Local time of the station: the day (numbering, rollover), weekday and clock time (opening
// hours) in a configured IANA time zone. The clock is injected so tests can move it.
export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };

/** A clock tests can set and advance. */
export class ManualClock implements Clock {
  constructor(private t: number) {}
  now(): number {
    return this.t;
  }
  set(t: number | string): void {
    this.t = typeof t === 'string' ? Date.parse(t) : t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

export interface LocalParts {
  day: string; // YYYY-MM-DD
  weekday: number; // 0 = Sunday
  hour: number;
  minute: number;
  hhmm: string; // 'HH:MM'
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
    });
    formatters.set(tz, f);
  }
  return f;
}
const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

// Offsets of real time zones are whole minutes, so the parts are cached per minute.
const cache = new Map<string, { minute: number; parts: LocalParts }>();

export function localParts(ms: number, tz: string): LocalParts & { second: number } {
  const minute = Math.floor(ms / 60_000);
  const second = Math.floor(ms / 1000) - minute * 60;
  const hit = cache.get(tz);
  if (hit && hit.minute === minute) return { ...hit.parts, second };
  const parts = computeParts(ms, tz);
  cache.set(tz, { minute, parts });
  return { ...parts, second };
}

function computeParts(ms: number, tz: string): LocalParts {
  const p: Record<string, string> = {};
  for (const part of formatter(tz).formatToParts(new Date(ms))) p[part.type] = part.value;
  const hour = Number(p.hour) % 24;
  const minute = Number(p.minute);
  return {
    day: `${p.year}-${p.month}-${p.day}`,
    weekday: WEEKDAYS[p.weekday as string] ?? 0,
    hour,
    minute,
    hhmm: `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`,
  };
}

export function localDay(ms: number, tz: string): string {
  return localParts(ms, tz).day;
}

/** The instant of a local wall-clock time ('YYYY-MM-DD', 'HH:MM') in a time zone. */
export function zonedToUtc(day: string, hhmm: string, tz: string): number {
  const [y, mo, d] = day.split('-').map(Number) as [number, number, number];
  const [h, mi] = hhmm.split(':').map(Number) as [number, number];
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  let t = wall;
  for (let i = 0; i < 3; i++) {
    const lp = localParts(t, tz);
    const [ly, lmo, ld] = lp.day.split('-').map(Number) as [number, number, number];
    const asUtc = Date.UTC(ly, lmo - 1, ld, lp.hour, lp.minute, lp.second);
    t = wall - (asUtc - t);
  }
  return t;
}

/** 'HH:MM' local clock time of an instant. */
export function localHhmm(ms: number, tz: string): string {
  return localParts(ms, tz).hhmm;
}

export const DAY_RE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
export const HHMM_RE = /^([01]\d|2[0-3]):[0-5]\d$/;
