// The display board's picture of the queue: per service lengths and estimated waits, the windows
// and their current numbers, and the last calls with their spoken text.
import { callText } from './announce.ts';
import type { QueueEngine } from './engine.ts';
import { hoursToday, isOpen } from './hours.ts';
import { localParts } from './time.ts';
import type { WindowRow } from './types.ts';

export interface ServiceQueue {
  serviceId: string;
  nameZh: string;
  nameEn: string;
  prefix: string;
  open: boolean;
  hoursToday: string[];
  waiting: number;
  priorityWaiting: number;
  estimatedWaitMin: number;
}

export interface QueueSnapshot {
  day: string;
  at: number;
  services: ServiceQueue[];
  windows: {
    id: number;
    name: string;
    staffed: boolean;
    current: { number: string; state: string } | null;
  }[];
  recentCalls: { number: string; windowId: number; serviceId: string; calledAt: number; text: string }[];
}

export function buildSnapshot(e: QueueEngine): QueueSnapshot {
  const day = e.today();
  const now = e.clock.now();
  const at = localParts(now, e.config.timeZone);
  const counts = new Map(
    (
      e
        .stmt(
          `SELECT service_id, COUNT(*) AS n, SUM(priority_class != 'normal') AS p FROM tickets
           WHERE day = ? AND state = 'waiting' GROUP BY service_id`,
        )
        .all(day) as { service_id: string; n: number; p: number }[]
    ).map((r) => [r.service_id, r]),
  );
  const services = e.services().map((s) => {
    const c = counts.get(s.id);
    const waiting = c?.n ?? 0;
    return {
      serviceId: s.id,
      nameZh: s.nameZh,
      nameEn: s.nameEn,
      prefix: s.prefix,
      open: isOpen(s.hours, at),
      hoursToday: hoursToday(s.hours, at),
      waiting,
      priorityWaiting: c?.p ?? 0,
      estimatedWaitMin: e.estimateWaitMin(s.id, waiting),
    };
  });
  const current = e
    .stmt(`SELECT window_id, number, state FROM tickets WHERE day = ? AND state IN ('called', 'serving')`)
    .all(day) as { window_id: number; number: string; state: string }[];
  const windows = (e.stmt('SELECT * FROM windows WHERE active = 1 ORDER BY id').all() as WindowRow[]).map(
    (w) => {
      const c = current.find((x) => x.window_id === w.id);
      return {
        id: w.id,
        name: w.name,
        staffed: w.staff_id !== null,
        current: c ? { number: c.number, state: c.state } : null,
      };
    },
  );
  const recent = e
    .stmt(
      `SELECT number, window_id, service_id, called_at FROM tickets WHERE day = ? AND called_at IS NOT NULL
       AND window_id IS NOT NULL ORDER BY called_at DESC LIMIT 10`,
    )
    .all(day) as { number: string; window_id: number; service_id: string; called_at: number }[];
  return {
    day,
    at: now,
    services,
    windows,
    recentCalls: recent.map((r) => ({
      number: r.number,
      windowId: r.window_id,
      serviceId: r.service_id,
      calledAt: r.called_at,
      text: callText(r.number, r.window_id).zh,
    })),
  };
}
