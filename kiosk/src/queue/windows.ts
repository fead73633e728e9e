// Service windows (窗口): the list, staff signing in and out, and the window console's queue in
// call-next order.
import { policyOptions, type QueueContext } from './context.ts';
import { QueueError } from './errors.ts';
import { callOrder } from './policy.ts';
import { assertAtWindow } from './transition.ts';
import type { Actor, StaffTicket, TicketRow, Window } from './types.ts';
import { staffView } from './views.ts';

export class WindowService {
  constructor(private readonly ctx: QueueContext) {}

  list(): Window[] {
    return this.ctx.windows.list();
  }

  signIn(windowId: number, actor: Actor): Window {
    const { ctx } = this;
    const now = ctx.clock.now();
    ctx.store.transaction(() => {
      const w = ctx.windows.active(windowId);
      if (w.staff_id !== null && w.staff_id !== actor.staffId && actor.role !== 'admin') {
        throw new QueueError('CONFLICT', `${windowId}号窗口已有人登录`, `window ${windowId} is taken`);
      }
      ctx.windows.signIn(windowId, actor.staffId);
      ctx.store.audit(now, actor, 'window.sign-in', `window:${windowId}`);
    });
    ctx.changed();
    return this.list().find((w) => w.id === windowId) as Window;
  }

  signOut(windowId: number, actor: Actor): void {
    const { ctx } = this;
    const now = ctx.clock.now();
    ctx.store.transaction(() => {
      assertAtWindow(ctx.windows.active(windowId), actor);
      ctx.windows.signOut(windowId);
      ctx.store.audit(now, actor, 'window.sign-out', `window:${windowId}`);
    });
    ctx.changed();
  }

  /** The waiting tickets a window can call, in the order call-next would take them (window console). */
  queue(windowId: number): (StaffTicket & { position: number })[] {
    const { ctx } = this;
    const day = ctx.today();
    const now = ctx.clock.now();
    const w = ctx.windows.active(windowId);
    if (ctx.windows.services(windowId).length === 0) return [];
    const rows = ctx.store.waitingAtWindow(day, windowId);
    const byId = new Map(rows.map((found) => [found.id, found]));
    const order = callOrder(
      rows.map((found) => ({
        id: found.id,
        priority: found.priority_class !== 'normal',
        orderAt: found.order_at,
        slotAt: found.slot_at,
        tie: found.tie,
      })),
      now,
      policyOptions(ctx.config),
      w.normal_streak,
    );
    return order.map((candidate, index) => ({
      ...staffView(ctx, byId.get(candidate.id) as TicketRow),
      position: index + 1,
    }));
  }
}
