// Serving and finishing (办理): the resident sits down (start), the business is finished with an
// outcome, moved to another service's queue (transfer) or cancelled; staff may change the
// priority class of a waiting ticket.
import { randomUUID } from 'node:crypto';
import type { QueueContext } from './context.ts';
import { QueueError } from './errors.ts';
import { checkClass } from './priority-class.ts';
import { emitTicket, transition } from './transition.ts';
import type { Actor, Outcome, StaffTicket } from './types.ts';
import { publicView } from './views.ts';

export class ServingService {
  constructor(private readonly ctx: QueueContext) {}

  /** The resident sat down at the window: called → serving. */
  startServing(ticketId: string, actor: Actor): StaffTicket {
    const { ctx } = this;
    const { row, now } = transition(ctx, ticketId, actor, ['called'], 'start', (t, at) => {
      ctx.store.change(t.id, ['called'], { state: 'serving', started_at: at });
    });
    return emitTicket(ctx, 'started', row, now);
  }

  finish(ticketId: string, outcome: Outcome, actor: Actor, note?: string): StaffTicket {
    const { ctx } = this;
    const { row, now } = transition(
      ctx,
      ticketId,
      actor,
      ['called', 'serving'],
      'finish',
      (t, at) => {
        ctx.store.change(
          t.id,
          ['called', 'serving'],
          { state: 'done', finished_at: at, outcome, note: note ?? null, staff_id: actor.staffId },
          { started_at: 'COALESCE(started_at, called_at)' },
        );
      },
      { detail: { outcome } },
    );
    ctx.waits.forget(row.service_id);
    return emitTicket(ctx, 'finished', row, now, { outcome });
  }

  cancel(ticketId: string, actor: Actor): StaffTicket {
    const { ctx } = this;
    const { row, now } = transition(ctx, ticketId, actor, ['waiting', 'called'], 'cancel', (t, at) => {
      ctx.store.change(t.id, ['waiting', 'called'], { state: 'cancelled', finished_at: at });
    });
    return emitTicket(ctx, 'cancelled', row, now);
  }

  setPriority(ticketId: string, priorityClass: string, actor: Actor): StaffTicket {
    const { ctx } = this;
    checkClass(ctx.config, priorityClass);
    const { row, now } = transition(
      ctx,
      ticketId,
      actor,
      ['waiting'],
      'priority',
      (t) => {
        ctx.store.change(t.id, ['waiting'], { priority_class: priorityClass });
      },
      { detail: { priorityClass } },
    );
    return emitTicket(ctx, 'priority', row, now);
  }

  /** Moves the resident to another service's queue, keeping the original arrival time and the QR token. */
  transfer(ticketId: string, serviceId: string, actor: Actor, note?: string): StaffTicket {
    const { ctx } = this;
    const target = ctx.services.get(serviceId);
    if (!target.active)
      throw new QueueError(
        'SERVICE_INACTIVE',
        `${target.nameZh}暂停办理`,
        `${target.nameEn} is not available`,
      );
    const day = ctx.today();
    const newId = randomUUID();
    const open = ['waiting', 'called', 'serving'] as const;
    const { row: old, now } = transition(
      ctx,
      ticketId,
      actor,
      open,
      'transfer',
      (t, at) => {
        if (t.service_id === serviceId)
          throw new QueueError('CONFLICT', '已经在这项业务的队列中', 'already in that queue');
        ctx.store.change(
          t.id,
          open,
          { state: 'transferred', finished_at: at, note: note ?? null },
          { started_at: 'COALESCE(started_at, called_at)' },
        );
        ctx.store.insert({
          id: newId,
          token: t.token,
          day,
          serviceId,
          seq: null,
          number: t.number,
          priorityClass: t.priority_class,
          source: 'transfer',
          idHash: t.id_hash,
          idMasked: t.id_masked,
          nameMasked: t.name_masked,
          appointmentId: null,
          slotAt: null,
          arrivedAt: t.arrived_at,
          queuedAt: at,
          orderAt: t.arrived_at,
          transferredFrom: t.id,
        });
        ctx.store.recordEvent(newId, 'transferred-in', at, null, actor.staffId, { from: t.id });
      },
      { detail: { to: serviceId } },
    );
    const row = ctx.store.row(newId);
    const svc = ctx.services.get(old.service_id);
    return emitTicket(ctx, 'transferred', row, now, { from: publicView(ctx, old, svc) });
  }
}
