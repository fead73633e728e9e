// Service windows (窗口): the list, staff signing in and out, the checks every window action
// makes, and the window console's queue in call-next order.
import { writeAudit } from './audit.ts';
import type { QueueEngine } from './engine.ts';
import { QueueError } from './errors.ts';
import type { EngineInternals } from './internals.ts';
import { callOrder } from './policy.ts';
import type { Actor, StaffTicket, TicketRow, Window, WindowRow } from './types.ts';

export function listWindows(e: QueueEngine): Window[] {
  const rows = e
    .stmt(
      'SELECT w.*, s.display_name AS staff_name FROM windows w LEFT JOIN staff s ON s.id = w.staff_id ORDER BY w.id',
    )
    .all() as (WindowRow & { staff_name: string | null })[];
  const links = e.stmt('SELECT window_id, service_id FROM window_services').all() as {
    window_id: number;
    service_id: string;
  }[];
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    active: r.active === 1,
    staffId: r.staff_id,
    staffName: r.staff_name,
    serviceIds: links.filter((l) => l.window_id === r.id).map((l) => l.service_id),
  }));
}

/** An active window's row, else NOT_FOUND / WINDOW_INACTIVE. */
export function windowRow(e: QueueEngine, id: number): WindowRow {
  const w = e.stmt('SELECT * FROM windows WHERE id = ?').get(id) as WindowRow | undefined;
  if (!w) throw new QueueError('NOT_FOUND', `没有${id}号窗口`, `no window ${id}`);
  if (w.active !== 1)
    throw new QueueError('WINDOW_INACTIVE', `${id}号窗口未启用`, `window ${id} is not active`);
  return w;
}

/** The services a window serves. */
export function windowServices(e: QueueEngine, id: number): string[] {
  return (
    e.stmt('SELECT service_id FROM window_services WHERE window_id = ?').all(id) as {
      service_id: string;
    }[]
  ).map((r) => r.service_id);
}

/** Refuses staff not signed in at the window (admins may act at any window). */
export function assertAtWindow(w: WindowRow, actor: Actor): void {
  if (actor.role === 'admin') return;
  if (w.staff_id !== actor.staffId)
    throw new QueueError('NOT_AT_WINDOW', `您未登录${w.id}号窗口`, `you are not signed in at window ${w.id}`);
}

export function signIn(e: QueueEngine, x: EngineInternals, windowId: number, actor: Actor): Window {
  const now = e.clock.now();
  e.db
    .transaction(() => {
      const w = windowRow(e, windowId);
      if (w.staff_id !== null && w.staff_id !== actor.staffId && actor.role !== 'admin') {
        throw new QueueError('CONFLICT', `${windowId}号窗口已有人登录`, `window ${windowId} is taken`);
      }
      e.stmt('UPDATE windows SET staff_id = NULL WHERE staff_id = ?').run(actor.staffId);
      e.stmt('UPDATE windows SET staff_id = ? WHERE id = ?').run(actor.staffId, windowId);
      writeAudit(e.db, now, actor, 'window.sign-in', `window:${windowId}`);
    })
    .immediate();
  x.changed();
  return e.windows().find((w) => w.id === windowId) as Window;
}

export function signOut(e: QueueEngine, x: EngineInternals, windowId: number, actor: Actor): void {
  const now = e.clock.now();
  e.db
    .transaction(() => {
      const w = windowRow(e, windowId);
      assertAtWindow(w, actor);
      e.stmt('UPDATE windows SET staff_id = NULL WHERE id = ?').run(windowId);
      writeAudit(e.db, now, actor, 'window.sign-out', `window:${windowId}`);
    })
    .immediate();
  x.changed();
}

/** The waiting tickets a window can call, in the order call-next would take them (window console). */
export function windowQueue(e: QueueEngine, windowId: number): (StaffTicket & { position: number })[] {
  const day = e.today();
  const now = e.clock.now();
  const w = windowRow(e, windowId);
  const services = windowServices(e, windowId);
  if (services.length === 0) return [];
  const rows = e
    .stmt(
      `SELECT rowid AS tie, * FROM tickets WHERE day = ? AND state = 'waiting'
       AND service_id IN (SELECT service_id FROM window_services WHERE window_id = ?)`,
    )
    .all(day, windowId) as (TicketRow & { tie: number })[];
  const byId = new Map(rows.map((r) => [r.id, r]));
  const order = callOrder(
    rows.map((r) => ({
      id: r.id,
      priority: r.priority_class !== 'normal',
      orderAt: r.order_at,
      slotAt: r.slot_at,
      tie: r.tie,
    })),
    now,
    e.policy,
    w.normal_streak,
  );
  return order.map((c, i) => ({ ...e.staffView(byId.get(c.id) as TicketRow), position: i + 1 }));
}
