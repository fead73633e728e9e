// Calling (叫号): the next ticket in policy order or a chosen one, atomically (two windows never
// get the same ticket), recalls, 过号 (no-show) after enough recalls, and a no-show who comes back.
import { classHeads } from './ahead.ts';
import { callText } from './announce.ts';
import { policyOptions, type QueueContext } from './context.ts';
import { QueueError } from './errors.ts';
import { callOrder, nextStreak } from './policy.ts';
import { assertAtWindow, atWindow, emitTicket, refuseState, transition } from './transition.ts';
import type { Actor, StaffTicket, TicketRow, WindowRow } from './types.ts';
import { publicView, staffView } from './views.ts';

export class CallingService {
  constructor(private readonly ctx: QueueContext) {}

  /** Calls the next ticket for a window, atomically: two windows never get the same ticket. */
  callNext(windowId: number, actor: Actor): StaffTicket {
    const { ctx } = this;
    const day = ctx.today();
    const now = ctx.clock.now();
    const policy = policyOptions(ctx.config);
    const row = ctx.store.transaction(() => {
      const w = ctx.windows.active(windowId);
      assertAtWindow(w, actor);
      this.assertFree(windowId);
      const heads = classHeads(ctx.store.sql, ctx.windows.services(windowId), day, now, policy);
      const pick = callOrder(heads, now, policy, w.normal_streak)[0];
      if (!pick) throw new QueueError('QUEUE_EMPTY', '没有等候的号', 'nobody is waiting');
      this.markCalled(pick.id, w, actor, now);
      ctx.windows.setStreak(windowId, nextStreak(pick, w.normal_streak, now));
      ctx.store.audit(now, actor, 'ticket.call-next', `ticket:${pick.id}`, { windowId });
      return ctx.store.row(pick.id);
    });
    return this.afterCall(row, 'ticket.called', now);
  }

  /** Calls a specific waiting ticket (one the window serves). */
  callTicket(windowId: number, ticketId: string, actor: Actor): StaffTicket {
    const { ctx } = this;
    const day = ctx.today();
    const now = ctx.clock.now();
    const row = ctx.store.transaction(() => {
      const w = ctx.windows.active(windowId);
      assertAtWindow(w, actor);
      this.assertFree(windowId);
      const t = ctx.store.row(ticketId);
      if (t.state !== 'waiting' || t.day !== day) refuseState(t, 'call');
      if (!ctx.windows.services(windowId).includes(t.service_id))
        throw new QueueError(
          'NOT_SERVED_HERE',
          `${windowId}号窗口不办理这项业务`,
          `window ${windowId} does not serve ${t.service_id}`,
        );
      this.markCalled(t.id, w, actor, now);
      ctx.store.audit(now, actor, 'ticket.call', `ticket:${t.id}`, { windowId });
      return ctx.store.row(t.id);
    });
    return this.afterCall(row, 'ticket.called', now);
  }

  recall(ticketId: string, actor: Actor): StaffTicket {
    const { ctx } = this;
    const now = ctx.clock.now();
    const row = ctx.store.transaction(() => {
      const t = atWindow(ctx, ticketId, actor, ['called'], 'recall');
      ctx.store.change(t.id, ['called'], {}, { recalls: 'recalls + 1' });
      ctx.store.recordEvent(t.id, 'recalled', now, t.window_id, actor.staffId);
      ctx.store.audit(now, actor, 'ticket.recall', `ticket:${t.id}`);
      return ctx.store.row(t.id);
    });
    return this.afterCall(row, 'ticket.recalled', now);
  }

  /** 过号: the called resident did not come after the configured number of recalls. */
  noShow(ticketId: string, actor: Actor): StaffTicket {
    const { ctx } = this;
    const { row, now } = transition(ctx, ticketId, actor, ['called'], 'no-show', (t, at) => {
      const need = ctx.config.queue.noShowAfterRecalls;
      if (t.recalls < need)
        throw new QueueError(
          'RECALLS_NEEDED',
          `请先重呼${need}次（已重呼${t.recalls}次）`,
          `recall ${need} times first (recalled ${t.recalls})`,
          { recalls: t.recalls, needed: need },
        );
      ctx.store.change(t.id, ['called'], { state: 'no-show', finished_at: at });
    });
    return emitTicket(ctx, 'no-show', row, now);
  }

  /** A no-show resident who comes back: waiting again, queued behind those waiting now (any staff member). */
  reactivate(ticketId: string, actor: Actor): StaffTicket {
    const { ctx } = this;
    const day = ctx.today();
    const { row, now } = transition(
      ctx,
      ticketId,
      actor,
      ['no-show'],
      'reactivate',
      (t, at) => {
        if (t.day !== day) refuseState(t, 'reactivate');
        ctx.store.change(t.id, ['no-show'], {
          state: 'waiting',
          order_at: at,
          window_id: null,
          called_at: null,
          finished_at: null,
          recalls: 0,
        });
      },
      { anyWindow: true },
    );
    return emitTicket(ctx, 'reactivated', row, now);
  }

  /** Refuses a call while the window still has a called or serving ticket. */
  private assertFree(windowId: number): void {
    const busy = this.ctx.store.openAtWindow(windowId);
    if (busy !== undefined)
      throw new QueueError(
        'WINDOW_BUSY',
        `${windowId}号窗口还有${busy}号未办结`,
        `window ${windowId} still has ${busy} open`,
        { number: busy },
      );
  }

  /** waiting → called at the window; CONFLICT when another window took it first. */
  private markCalled(id: string, w: WindowRow, actor: Actor, now: number): void {
    const { store } = this.ctx;
    if (!store.markCalled(id, w.id, actor.staffId, now))
      throw new QueueError('CONFLICT', '这张号票刚被叫走', 'the ticket was just called elsewhere');
    store.recordEvent(id, 'called', now, w.id, actor.staffId);
  }

  /** Publishes the call (with the text the board speaks) and, for a first call, queue.changed. */
  private afterCall(row: TicketRow, type: 'ticket.called' | 'ticket.recalled', now: number): StaffTicket {
    const { ctx } = this;
    const svc = ctx.services.get(row.service_id);
    const windowId = row.window_id as number;
    const w = ctx.windows.find(windowId) as WindowRow;
    const text = callText(row.number, windowId);
    ctx.bus.emit(type, {
      ticket: publicView(ctx, row, svc),
      windowId,
      windowName: w.name,
      text: text.zh,
      textEn: text.en,
      recalls: row.recalls,
      at: now,
    });
    if (type === 'ticket.called') ctx.changed();
    return staffView(ctx, row, svc);
  }
}
