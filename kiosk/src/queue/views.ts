// What callers see: services from their rows, the public and staff views of a ticket, the
// staff's ticket list and the resident's follow page (by the token of their QR code).
import { callText } from './announce.ts';
import type { QueueEngine } from './engine.ts';
import { parseHours } from './hours.ts';
import type { PublicTicket, Service, ServiceRow, StaffTicket, TicketRow } from './types.ts';

export function toService(r: ServiceRow): Service {
  return {
    id: r.id,
    nameZh: r.name_zh,
    nameEn: r.name_en,
    prefix: r.prefix,
    rangeStart: r.range_start,
    rangeEnd: r.range_end,
    dailyCap: r.daily_cap,
    hours: parseHours(JSON.parse(r.hours)),
    idRequired: r.id_required === 1,
    expectedServiceS: r.expected_service_s,
    active: r.active === 1,
    sort: r.sort,
  };
}

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

export function listTickets(
  e: QueueEngine,
  filter: {
    day?: string;
    state?: string;
    serviceId?: string;
    windowId?: number;
    limit?: number;
  },
) {
  const day = filter.day ?? e.today();
  const rows = e
    .stmt(
      `SELECT * FROM tickets WHERE day = ? AND (? IS NULL OR state = ?) AND (? IS NULL OR service_id = ?)
         AND (? IS NULL OR window_id = ?) ORDER BY arrived_at, rowid LIMIT ?`,
    )
    .all(
      day,
      filter.state ?? null,
      filter.state ?? null,
      filter.serviceId ?? null,
      filter.serviceId ?? null,
      filter.windowId ?? null,
      filter.windowId ?? null,
      filter.limit ?? 1000,
    ) as TicketRow[];
  const svcs = new Map(e.services(true).map((s) => [s.id, s]));
  return rows.map((r) => e.staffView(r, svcs.get(r.service_id)));
}

/** The resident's own ticket: state, people ahead, estimated wait, the call text, whether to rate. */
export function followView(e: QueueEngine, token: string) {
  e.today();
  const r = e.rowByToken(token);
  const ahead = e.peopleAhead(r);
  const text = r.window_id !== null && r.state === 'called' ? callText(r.number, r.window_id) : null;
  return {
    ticket: e.publicView(r),
    peopleAhead: ahead,
    estimatedWaitMin: r.state === 'waiting' ? e.estimateWaitMin(r.service_id, ahead) : 0,
    canRate: r.state === 'done' && r.rating === null,
    callText: text?.zh ?? null,
    callTextEn: text?.en ?? null,
  };
}
