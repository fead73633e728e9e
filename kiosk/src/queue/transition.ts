// Moving a ticket from one state to another at a window: the state and window checks, the change
// with its history row and audit entry in one BEGIN IMMEDIATE transaction, then the ticket.* event.
import type { QueueContext } from './context.ts';
import { QueueError } from './errors.ts';
import type { Actor, StaffTicket, TicketRow, TicketState, WindowRow } from './types.ts';
import { publicView, staffView } from './views.ts';

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

/** Refuses staff not signed in at the window (admins may act at any window). */
export function assertAtWindow(w: WindowRow, actor: Actor): void {
  if (actor.role === 'admin') return;
  if (w.staff_id !== actor.staffId)
    throw new QueueError('NOT_AT_WINDOW', `您未登录${w.id}号窗口`, `you are not signed in at window ${w.id}`);
}

export interface TransitionOptions {
  /** Any staff member may do it, not only the one at the ticket's window (reactivating a no-show). */
  anyWindow?: boolean;
  /** History and audit detail. */
  detail?: unknown;
}

/** Loads a ticket at a window the actor is signed in at, checking its state. */
export function atWindow(
  ctx: QueueContext,
  ticketId: string,
  actor: Actor,
  states: readonly TicketState[],
  action: string,
  anyWindow = false,
): TicketRow {
  const t = ctx.store.row(ticketId);
  if (!states.includes(t.state)) refuseState(t, action);
  if (t.window_id !== null && !anyWindow) assertAtWindow(ctx.windows.active(t.window_id), actor);
  return t;
}

/**
 * Applies `apply` to a ticket in one of the `from` states, recording the `action` in the
 * ticket's history and the audit log, all in one transaction.
 */
export function transition(
  ctx: QueueContext,
  ticketId: string,
  actor: Actor,
  from: readonly TicketState[],
  action: string,
  apply: (t: TicketRow, now: number) => void,
  options: TransitionOptions = {},
): { row: TicketRow; before: TicketRow; now: number } {
  const now = ctx.clock.now();
  ctx.today();
  const { store } = ctx;
  const res = store.transaction(() => {
    const t = atWindow(ctx, ticketId, actor, from, action, options.anyWindow);
    apply(t, now);
    store.recordEvent(t.id, action, now, t.window_id, actor.staffId, options.detail);
    store.audit(now, actor, `ticket.${action}`, `ticket:${t.id}`, options.detail ?? null);
    return { row: store.row(t.id), before: t };
  });
  return { ...res, now };
}

/** Publishes ticket.<type> and queue.changed; returns the staff view. */
export function emitTicket(
  ctx: QueueContext,
  type: string,
  row: TicketRow,
  now: number,
  extra: Record<string, unknown> = {},
): StaffTicket {
  const svc = ctx.services.get(row.service_id);
  ctx.bus.emit(`ticket.${type}`, { ticket: publicView(ctx, row, svc), ...extra, at: now });
  ctx.changed();
  return staffView(ctx, row, svc);
}
