// The display board's picture of the queue: per service lengths and estimated waits, the windows
// and their current numbers, and the last calls with their spoken text.
import { callText } from './announce.ts';
import type { QueueContext } from './context.ts';
import { hoursToday, isOpen } from './hours.ts';
import { localParts } from './time.ts';

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

export function buildSnapshot(ctx: QueueContext): QueueSnapshot {
  const day = ctx.today();
  const now = ctx.clock.now();
  const at = localParts(now, ctx.config.timeZone);
  const counts = new Map(ctx.store.waitingCounts(day).map((count) => [count.service_id, count]));
  const services = ctx.services.list().map((service) => {
    const count = counts.get(service.id);
    const waiting = count?.n ?? 0;
    return {
      serviceId: service.id,
      nameZh: service.nameZh,
      nameEn: service.nameEn,
      prefix: service.prefix,
      open: !ctx.settings.closedOn(day, service.id) && isOpen(service.hours, at),
      hoursToday: hoursToday(service.hours, at),
      waiting,
      priorityWaiting: count?.p ?? 0,
      estimatedWaitMin: ctx.waits.estimateWaitMin(service.id, waiting),
    };
  });
  const current = ctx.store.atWindows(day);
  const windows = ctx.windows.activeRows().map((w) => {
    const open = current.find((ticket) => ticket.window_id === w.id);
    return {
      id: w.id,
      name: w.name,
      staffed: w.staff_id !== null,
      current: open ? { number: open.number, state: open.state } : null,
    };
  });
  const recent = ctx.store.recentCalls(day, 10);
  return {
    day,
    at: now,
    services,
    windows,
    recentCalls: recent.map((call) => ({
      number: call.number,
      windowId: call.window_id,
      serviceId: call.service_id,
      calledAt: call.called_at,
      text: callText(call.number, call.window_id).zh,
    })),
  };
}
