// Statistics over a range of local days: wait, service and total time (median, p90, max, in
// seconds) per service, window, staff member and day; tickets per hour; outcomes; ratings.
//
// Definitions (docs/kiosk-queue.md):
//   wait    = first call − entering the service's queue   (every ticket that was called)
//   service = finish − start (start = call if never started)   (tickets done)
//   total   = finish − first arrival at the station (a transfer keeps it)   (tickets done)
//   median  = middle value, mean of the two middle ones for an even count
//   p90     = nearest rank: the ⌈0.9·n⌉-th smallest value
import type { Db } from '../db/open.ts';
import type { Dist, Stats, StatsGroup } from './api-types.ts';
import { localParts } from './time.ts';
import type { TicketRow } from './types.ts';

export type { Dist, Stats, StatsGroup } from './api-types.ts';

const round1 = (x: number) => Math.round(x * 10) / 10;

export function median(sorted: number[]): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const mid = Math.floor(n / 2);
  return n % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

export function dist(valuesMs: number[]): Dist {
  const s = valuesMs.map((v) => v / 1000).sort((a, b) => a - b);
  const m = median(s);
  const p = percentile(s, 90);
  return {
    count: s.length,
    median: m === null ? null : round1(m),
    p90: p === null ? null : round1(p),
    max: s.length ? round1(s[s.length - 1] as number) : null,
  };
}

function group(key: string, label: string, rows: TicketRow[]): StatsGroup {
  const count = (st: string) => rows.filter((r) => r.state === st).length;
  const done = rows.filter((r) => r.state === 'done');
  const ratings = { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 };
  let sum = 0;
  let n = 0;
  for (const r of rows) {
    if (r.rating !== null) {
      ratings[String(r.rating) as keyof typeof ratings]++;
      sum += r.rating;
      n++;
    }
  }
  return {
    key,
    label,
    tickets: rows.length,
    done: done.length,
    noShow: count('no-show'),
    cancelled: count('cancelled'),
    transferred: count('transferred'),
    expired: count('expired'),
    wait: dist(
      rows.filter((r) => r.first_called_at !== null).map((r) => (r.first_called_at as number) - r.queued_at),
    ),
    service: dist(
      done.map((r) => (r.finished_at as number) - ((r.started_at ?? r.called_at ?? r.finished_at) as number)),
    ),
    total: dist(done.map((r) => (r.finished_at as number) - r.arrived_at)),
    ratings,
    ratingMean: n ? Math.round((sum / n) * 100) / 100 : null,
  };
}

function groupBy(rows: TicketRow[], keyOf: (r: TicketRow) => string | null, labelOf: (k: string) => string) {
  const m = new Map<string, TicketRow[]>();
  for (const r of rows) {
    const k = keyOf(r);
    if (k === null) continue;
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return [...m.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, list]) => group(k, labelOf(k), list));
}

export function computeStats(db: Db, from: string, to: string, timeZone: string): Stats {
  const rows = db
    .prepare('SELECT * FROM tickets WHERE day >= ? AND day <= ? ORDER BY arrived_at')
    .all(from, to) as TicketRow[];
  const svc = new Map(
    (db.prepare('SELECT id, name_zh FROM services').all() as { id: string; name_zh: string }[]).map((s) => [
      s.id,
      s.name_zh,
    ]),
  );
  const win = new Map(
    (db.prepare('SELECT id, name FROM windows').all() as { id: number; name: string }[]).map((w) => [
      String(w.id),
      w.name,
    ]),
  );
  const staff = new Map(
    (db.prepare('SELECT id, display_name FROM staff').all() as { id: number; display_name: string }[]).map(
      (s) => [String(s.id), s.display_name],
    ),
  );
  const perHour = Array.from({ length: 24 }, (_, hour) => ({ hour, issued: 0 }));
  for (const r of rows) {
    if (r.source === 'transfer') continue;
    const h = perHour[localParts(r.arrived_at, timeZone).hour];
    if (h) h.issued++;
  }
  return {
    from,
    to,
    overall: group('all', '全部', rows),
    byService: groupBy(
      rows,
      (r) => r.service_id,
      (k) => svc.get(k) ?? k,
    ),
    byWindow: groupBy(
      rows,
      (r) => (r.window_id === null ? null : String(r.window_id)),
      (k) => win.get(k) ?? k,
    ),
    byStaff: groupBy(
      rows,
      (r) => (r.staff_id === null ? null : String(r.staff_id)),
      (k) => staff.get(k) ?? k,
    ),
    byDay: groupBy(
      rows,
      (r) => r.day,
      (k) => k,
    ),
    byHour: groupBy(
      rows,
      (r) => String(localParts(r.arrived_at, timeZone).hour).padStart(2, '0'),
      (k) => `${k}:00`,
    ),
    perHour,
  };
}

// ---- CSV ----------------------------------------------------------------------------------

export function csvField(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  // A leading = + - @ would be a formula in a spreadsheet: prefix it with a quote.
  const safe = /^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(header: string[], rows: unknown[][]): string {
  // UTF-8 byte order mark so spreadsheet programs read the Chinese text correctly.
  return `\uFEFF${[header, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n')}\r\n`;
}

export type CsvGroup = 'service' | 'window' | 'staff' | 'day' | 'hour';

export function statsCsv(stats: Stats, by: CsvGroup): string {
  if (by === 'hour')
    return toCsv(
      ['hour', 'issued'],
      stats.perHour.map((h) => [h.hour, h.issued]),
    );
  const groups = { service: stats.byService, window: stats.byWindow, staff: stats.byStaff, day: stats.byDay }[
    by
  ];
  const header = [
    by,
    'label',
    'tickets',
    'done',
    'no_show',
    'cancelled',
    'transferred',
    'expired',
    'wait_median_s',
    'wait_p90_s',
    'wait_max_s',
    'service_median_s',
    'service_p90_s',
    'service_max_s',
    'total_median_s',
    'total_p90_s',
    'total_max_s',
    'rating_5',
    'rating_4',
    'rating_3',
    'rating_2',
    'rating_1',
    'rating_mean',
  ];
  const rows = groups.map((g) => [
    g.key,
    g.label,
    g.tickets,
    g.done,
    g.noShow,
    g.cancelled,
    g.transferred,
    g.expired,
    g.wait.median,
    g.wait.p90,
    g.wait.max,
    g.service.median,
    g.service.p90,
    g.service.max,
    g.total.median,
    g.total.p90,
    g.total.max,
    g.ratings['5'],
    g.ratings['4'],
    g.ratings['3'],
    g.ratings['2'],
    g.ratings['1'],
    g.ratingMean,
  ]);
  return toCsv(header, rows);
}
