// What callers see: the public and staff views of a ticket, people ahead, the staff's ticket list
// and the resident's follow page (by the token of their QR code).
import { countAhead } from './ahead.ts';
import { callText } from './announce.ts';
import type { QueueContext } from './context.ts';
import type { TicketFilter } from './ticket-store.ts';
import type { PublicTicket, Service, StaffTicket, TicketRow } from './types.ts';

/** What anyone may see of a ticket (board, resident's phone, live stream). */
export function publicTicket(r: TicketRow, s: Service): PublicTicket {
  return {
    id: r.id,
    number: r.number,
    serviceId: r.service_id,
    serviceZh: s.nameZh,
    serviceEn: s.nameEn,
    priority: r.priority_class !== 'normal',
    appointment: r.slot_at !== null,
    state: r.state,
    windowId: r.window_id,
    day: r.day,
    arrivedAt: r.arrived_at,
    calledAt: r.called_at,
    finishedAt: r.finished_at,
    recalls: r.recalls,
    outcome: r.outcome,
    rating: r.rating,
  };
}

/** The public view plus what staff may see (masked identity, source, notes, rating details). */
export function staffTicket(pub: PublicTicket, r: TicketRow): StaffTicket {
  return {
    ...pub,
    priorityClass: r.priority_class,
    source: r.source,
    nameMasked: r.name_masked,
    idMasked: r.id_masked,
    queuedAt: r.queued_at,
    startedAt: r.started_at,
    staffId: r.staff_id,
    slotAt: r.slot_at,
    note: r.note,
    transferredFrom: r.transferred_from,
    ratingReason: r.rating_reason,
    ratingComment: r.rating_comment,
  };
}

export function publicView(ctx: QueueContext, r: TicketRow, svc?: Service): PublicTicket {
  return publicTicket(r, svc ?? ctx.services.get(r.service_id));
}

export function staffView(ctx: QueueContext, r: TicketRow, svc?: Service): StaffTicket {
  return staffTicket(publicView(ctx, r, svc), r);
}

export function followUrl(ctx: QueueContext, token: string): string {
  return `${ctx.config.publicUrl}/follow/${token}`;
}

/** Waiting tickets of the same service called before this one, in the policy's order. */
export function peopleAhead(ctx: QueueContext, r: TicketRow): number {
  return countAhead(ctx.store.sql, r, ctx.clock.now(), ctx.config.queue);
}

export function listTickets(ctx: QueueContext, filter: Partial<TicketFilter>): StaffTicket[] {
  const rows = ctx.store.list({ ...filter, day: filter.day ?? ctx.today() });
  const services = new Map(ctx.services.list(true).map((service) => [service.id, service]));
  return rows.map((found) => staffView(ctx, found, services.get(found.service_id)));
}

/** The resident's own ticket: state, people ahead, estimated wait, the call text, whether to rate. */
export function followView(ctx: QueueContext, token: string) {
  ctx.today();
  const r = ctx.store.rowByToken(token);
  const ahead = peopleAhead(ctx, r);
  const text = r.window_id !== null && r.state === 'called' ? callText(r.number, r.window_id) : null;
  return {
    ticket: publicView(ctx, r),
    peopleAhead: ahead,
    estimatedWaitMin: r.state === 'waiting' ? ctx.waits.estimateWaitMin(r.service_id, ahead) : 0,
    canRate: r.state === 'done' && r.rating === null,
    callText: text?.zh ?? null,
    callTextEn: text?.en ?? null,
  };
}
