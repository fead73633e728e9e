// Moving a ticket from one state to another at a window: the state and window checks, the change
// with its history row and audit entry in one BEGIN IMMEDIATE transaction, then the ticket.* event.
import { writeAudit } from './audit.ts';
import type { QueueEngine } from './engine.ts';
import { QueueError } from './errors.ts';
import type { EngineInternals } from './internals.ts';
import type { Actor, StaffTicket, TicketRow } from './types.ts';
import { assertAtWindow, windowRow } from './windows.ts';

/** Refuses an action the ticket's state does not allow. */
export function refuseState(t: TicketRow, action: string): never {
  throw new QueueError(
    'BAD_STATE',
    `${t.number}号当前状态（${t.state}）不能${action}`,
    `ticket ${t.number} is ${t.state}: cannot ${action}`,
    {
      state: t.state,
    },
  );
}

/** Loads a ticket at a window the actor is signed in at, checking its state. */
export function atWindow(
  e: QueueEngine,
  ticketId: string,
  actor: Actor,
  states: string[],
  action: string,
): TicketRow {
  const t = e.row(ticketId);
  if (!states.includes(t.state)) e.refuseState(t, action);
  if (t.window_id !== null) assertAtWindow(windowRow(e, t.window_id), actor);
  return t;
}

/**
 * Applies `apply` to a ticket in one of the `from` states, recording the `action` in the
 * ticket's history and the audit log, all in one transaction.
 */
export function transition(
  e: QueueEngine,
  ticketId: string,
  actor: Actor,
  from: string[],
  action: string,
  apply: (t: TicketRow, now: number) => void,
  detail?: unknown,
): { row: TicketRow; before: TicketRow; now: number } {
  const now = e.clock.now();
  e.today();
  const res = e.db
    .transaction(() => {
      const t = atWindow(e, ticketId, actor, from, action);
      apply(t, now);
      e.recordEvent(t.id, action, now, t.window_id, actor.staffId, detail);
      writeAudit(e.db, now, actor, `ticket.${action}`, `ticket:${t.id}`, detail ?? null);
      return { row: e.row(t.id), before: t };
    })
    .immediate();
  return { ...res, now };
}

/** Publishes ticket.<type> and queue.changed; returns the staff view. */
export function emitTicket(
  e: QueueEngine,
  x: EngineInternals,
  type: string,
  row: TicketRow,
  now: number,
  extra: Record<string, unknown> = {},
): StaffTicket {
  const svc = e.service(row.service_id);
  e.bus.emit(`ticket.${type}`, { ticket: e.publicView(row, svc), ...extra, at: now });
  x.changed();
  return e.staffView(row, svc);
}
