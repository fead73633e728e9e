// Calling (叫号): the next ticket in policy order or a chosen one, atomically (two windows never
// get the same ticket), recalls, 过号 (no-show) after enough recalls, and a no-show who comes back.
import { classHeads } from './ahead.ts';
import { callText } from './announce.ts';
import { writeAudit } from './audit.ts';
import type { QueueEngine } from './engine.ts';
import { QueueError } from './errors.ts';
import type { EngineInternals } from './internals.ts';
import { callOrder, nextStreak } from './policy.ts';
import { atWindow, emitTicket, transition } from './transition.ts';
import type { Actor, StaffTicket, TicketRow, WindowRow } from './types.ts';
import { assertAtWindow, windowRow, windowServices } from './windows.ts';

/** Calls the next ticket for a window, atomically: two windows never get the same ticket. */
export function callNext(e: QueueEngine, x: EngineInternals, windowId: number, actor: Actor): StaffTicket {
  const day = e.today();
  const now = e.clock.now();
  const row = e.db
    .transaction(() => {
      const w = windowRow(e, windowId);
      assertAtWindow(w, actor);
      assertFree(e, windowId);
      const heads = classHeads((q) => e.stmt(q), windowServices(e, windowId), day, now, e.policy);
      const pick = callOrder(heads, now, e.policy, w.normal_streak)[0];
      if (!pick) throw new QueueError('QUEUE_EMPTY', '没有等候的号', 'nobody is waiting');
      markCalled(e, pick.id, w, actor, now);
      e.stmt('UPDATE windows SET normal_streak = ? WHERE id = ?').run(
        nextStreak(pick, w.normal_streak, now),
        windowId,
      );
      writeAudit(e.db, now, actor, 'ticket.call-next', `ticket:${pick.id}`, { windowId });
      return e.row(pick.id);
    })
    .immediate();
  return afterCall(e, x, row, 'ticket.called', now);
}

/** Calls a specific waiting ticket (one the window serves). */
export function callTicket(
  e: QueueEngine,
  x: EngineInternals,
  windowId: number,
  ticketId: string,
  actor: Actor,
): StaffTicket {
  const day = e.today();
  const now = e.clock.now();
  const row = e.db
    .transaction(() => {
      const w = windowRow(e, windowId);
      assertAtWindow(w, actor);
      assertFree(e, windowId);
      const t = e.row(ticketId);
      if (t.state !== 'waiting' || t.day !== day) e.refuseState(t, 'call');
      if (!windowServices(e, windowId).includes(t.service_id))
        throw new QueueError(
          'NOT_SERVED_HERE',
          `${windowId}号窗口不办理这项业务`,
          `window ${windowId} does not serve ${t.service_id}`,
        );
      markCalled(e, t.id, w, actor, now);
      writeAudit(e.db, now, actor, 'ticket.call', `ticket:${t.id}`, { windowId });
      return e.row(t.id);
    })
    .immediate();
  return afterCall(e, x, row, 'ticket.called', now);
}

export function recall(e: QueueEngine, x: EngineInternals, ticketId: string, actor: Actor): StaffTicket {
  const now = e.clock.now();
  const row = e.db
    .transaction(() => {
      const t = atWindow(e, ticketId, actor, ['called'], 'recall');
      e.stmt('UPDATE tickets SET recalls = recalls + 1 WHERE id = ?').run(t.id);
      e.recordEvent(t.id, 'recalled', now, t.window_id, actor.staffId);
      writeAudit(e.db, now, actor, 'ticket.recall', `ticket:${t.id}`);
      return e.row(t.id);
    })
    .immediate();
  return afterCall(e, x, row, 'ticket.recalled', now);
}

/** 过号: the called resident did not come after the configured number of recalls. */
export function noShow(e: QueueEngine, x: EngineInternals, ticketId: string, actor: Actor): StaffTicket {
  const { row, now } = transition(e, ticketId, actor, ['called'], 'no-show', (t, at) => {
    const need = e.config.queue.noShowAfterRecalls;
    if (t.recalls < need)
      throw new QueueError(
        'RECALLS_NEEDED',
        `请先重呼${need}次（已重呼${t.recalls}次）`,
        `recall ${need} times first (recalled ${t.recalls})`,
        { recalls: t.recalls, needed: need },
      );
    e.stmt(`UPDATE tickets SET state = 'no-show', finished_at = ? WHERE id = ?`).run(at, t.id);
  });
  return emitTicket(e, x, 'no-show', row, now);
}

/** A no-show resident who comes back: waiting again, queued behind those waiting now. */
export function reactivate(e: QueueEngine, x: EngineInternals, ticketId: string, actor: Actor): StaffTicket {
  const day = e.today();
  const { row, now } = transition(
    e,
    ticketId,
    { ...actor, role: 'admin' },
    ['no-show'],
    'reactivate',
    (t, at) => {
      if (t.day !== day) e.refuseState(t, 'reactivate');
      e.stmt(
        `UPDATE tickets SET state = 'waiting', order_at = ?, window_id = NULL, called_at = NULL, finished_at = NULL,
           recalls = 0 WHERE id = ?`,
      ).run(at, t.id);
    },
  );
  return emitTicket(e, x, 'reactivated', row, now);
}

/** Refuses a call while the window still has a called or serving ticket. */
function assertFree(e: QueueEngine, windowId: number): void {
  const busy = e
    .stmt(`SELECT number FROM tickets WHERE window_id = ? AND state IN ('called', 'serving') LIMIT 1`)
    .get(windowId) as { number: string } | undefined;
  if (busy)
    throw new QueueError(
      'WINDOW_BUSY',
      `${windowId}号窗口还有${busy.number}号未办结`,
      `window ${windowId} still has ${busy.number} open`,
      { number: busy.number },
    );
}

/** waiting → called at the window; CONFLICT when another window took it first. */
function markCalled(e: QueueEngine, id: string, w: WindowRow, actor: Actor, now: number): void {
  const changes = e
    .stmt(
      `UPDATE tickets SET state = 'called', window_id = ?, staff_id = ?, called_at = ?,
         first_called_at = COALESCE(first_called_at, ?), recalls = 0 WHERE id = ? AND state = 'waiting'`,
    )
    .run(w.id, actor.staffId, now, now, id).changes;
  if (changes !== 1)
    throw new QueueError('CONFLICT', '这张号票刚被叫走', 'the ticket was just called elsewhere');
  e.recordEvent(id, 'called', now, w.id, actor.staffId);
}

/** Publishes the call (with the text the board speaks) and, for a first call, queue.changed. */
function afterCall(
  e: QueueEngine,
  x: EngineInternals,
  row: TicketRow,
  type: 'ticket.called' | 'ticket.recalled',
  now: number,
): StaffTicket {
  const svc = e.service(row.service_id);
  const windowId = row.window_id as number;
  const w = e.stmt('SELECT name FROM windows WHERE id = ?').get(windowId) as { name: string };
  const text = callText(row.number, windowId);
  e.bus.emit(type, {
    ticket: e.publicView(row, svc),
    windowId,
    windowName: w.name,
    text: text.zh,
    textEn: text.en,
    recalls: row.recalls,
    at: now,
  });
  if (type === 'ticket.called') x.changed();
  return e.staffView(row, svc);
}
