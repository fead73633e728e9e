// Serving and finishing (办理): the resident sits down (start), the business is finished with an
// outcome, moved to another service's queue (transfer) or cancelled; staff may change the
// priority class of a waiting ticket.
import { randomUUID } from 'node:crypto';
import type { QueueEngine } from './engine.ts';
import { QueueError } from './errors.ts';
import type { EngineInternals } from './internals.ts';
import { checkClass } from './priority-class.ts';
import { emitTicket, transition } from './transition.ts';
import type { Actor, Outcome, StaffTicket } from './types.ts';

/** The resident sat down at the window: called → serving. */
export function startServing(
  e: QueueEngine,
  x: EngineInternals,
  ticketId: string,
  actor: Actor,
): StaffTicket {
  const { row, now } = transition(e, ticketId, actor, ['called'], 'start', (t, at) => {
    e.stmt(`UPDATE tickets SET state = 'serving', started_at = ? WHERE id = ?`).run(at, t.id);
  });
  return emitTicket(e, x, 'started', row, now);
}

export function finish(
  e: QueueEngine,
  x: EngineInternals,
  ticketId: string,
  outcome: Outcome,
  actor: Actor,
  note?: string,
): StaffTicket {
  const { row, now } = transition(
    e,
    ticketId,
    actor,
    ['called', 'serving'],
    'finish',
    (t, at) => {
      e.stmt(
        `UPDATE tickets SET state = 'done', started_at = COALESCE(started_at, called_at), finished_at = ?,
             outcome = ?, note = ?, staff_id = ? WHERE id = ?`,
      ).run(at, outcome, note ?? null, actor.staffId, t.id);
    },
    { outcome },
  );
  x.forgetAverage(row.service_id);
  return emitTicket(e, x, 'finished', row, now, { outcome });
}

export function cancel(e: QueueEngine, x: EngineInternals, ticketId: string, actor: Actor): StaffTicket {
  const { row, now } = transition(e, ticketId, actor, ['waiting', 'called'], 'cancel', (t, at) => {
    e.stmt(`UPDATE tickets SET state = 'cancelled', finished_at = ? WHERE id = ?`).run(at, t.id);
  });
  return emitTicket(e, x, 'cancelled', row, now);
}

export function setPriority(
  e: QueueEngine,
  x: EngineInternals,
  ticketId: string,
  priorityClass: string,
  actor: Actor,
): StaffTicket {
  checkClass(e, priorityClass);
  const { row, now } = transition(
    e,
    ticketId,
    actor,
    ['waiting'],
    'priority',
    (t) => {
      e.stmt('UPDATE tickets SET priority_class = ? WHERE id = ?').run(priorityClass, t.id);
    },
    { priorityClass },
  );
  return emitTicket(e, x, 'priority', row, now);
}

/** Moves the resident to another service's queue, keeping the original arrival time and the QR token. */
export function transfer(
  e: QueueEngine,
  x: EngineInternals,
  ticketId: string,
  serviceId: string,
  actor: Actor,
  note?: string,
): StaffTicket {
  const target = e.service(serviceId);
  if (!target.active)
    throw new QueueError('SERVICE_INACTIVE', `${target.nameZh}暂停办理`, `${target.nameEn} is not available`);
  const day = e.today();
  let newId = '';
  const { row: old, now } = transition(
    e,
    ticketId,
    actor,
    ['waiting', 'called', 'serving'],
    'transfer',
    (t, at) => {
      if (t.service_id === serviceId)
        throw new QueueError('CONFLICT', '已经在这项业务的队列中', 'already in that queue');
      e.stmt(
        `UPDATE tickets SET state = 'transferred', finished_at = ?, started_at = COALESCE(started_at, called_at),
             note = ? WHERE id = ?`,
      ).run(at, note ?? null, t.id);
      newId = randomUUID();
      e.stmt(
        `INSERT INTO tickets (id, token, day, service_id, seq, number, priority_class, source, id_hash, id_masked,
             name_masked, state, arrived_at, queued_at, order_at, transferred_from)
             VALUES (?, ?, ?, ?, NULL, ?, ?, 'transfer', ?, ?, ?, 'waiting', ?, ?, ?, ?)`,
      ).run(
        newId,
        t.token,
        day,
        serviceId,
        t.number,
        t.priority_class,
        t.id_hash,
        t.id_masked,
        t.name_masked,
        t.arrived_at,
        at,
        t.arrived_at,
        t.id,
      );
      e.recordEvent(newId, 'transferred-in', at, null, actor.staffId, { from: t.id });
    },
    { to: serviceId },
  );
  const row = e.row(newId);
  const svc = e.service(old.service_id);
  return emitTicket(e, x, 'transferred', row, now, { from: e.publicView(old, svc) });
}
