// Issuing tickets (取号): checks (service active, opening hours, ID card), one open ticket per
// person and service, contiguous numbers within the service's range and daily cap, the priority
// class, and the paper ticket. The ticket is written in one BEGIN IMMEDIATE transaction.
import { randomBytes, randomUUID } from 'node:crypto';
import type { PrintJobInfo } from '../hardware/types.ts';
import { writeAudit } from './audit.ts';
import type { QueueEngine } from './engine.ts';
import { QueueError } from './errors.ts';
import { hoursToday, isOpen } from './hours.ts';
import type { EngineInternals } from './internals.ts';
import { ticketBytes } from './print.ts';
import { autoClass, checkClass } from './priority-class.ts';
import { localParts } from './time.ts';
import type {
  Actor,
  PublicTicket,
  ResidentIdentity,
  Service,
  StaffTicket,
  TicketRow,
  TicketSource,
} from './types.ts';

export interface IssueRequest {
  serviceId: string;
  source: Exclude<TicketSource, 'transfer'>;
  identity?: ResidentIdentity;
  priorityClass?: string; // staff-given; else automatic from age
  slotAt?: number | null; // appointment slot
  appointmentId?: string;
  print?: boolean; // default true
}

export interface IssueResult {
  ticket: StaffTicket;
  publicTicket: PublicTicket;
  token: string;
  followUrl: string;
  peopleAhead: number;
  estimatedWaitMin: number;
  reused: boolean;
  print?: PrintJobInfo | { state: 'failed'; reason: string };
}

/** Issues a ticket (or returns the person's open ticket of that service); `inTx` runs inside the same transaction. */
export function issueTicket(
  e: QueueEngine,
  x: EngineInternals,
  req: IssueRequest,
  actor?: Actor,
  inTx?: (ticketId: string) => void,
): IssueResult {
  const day = e.today();
  const now = e.clock.now();
  if (req.priorityClass !== undefined) checkClass(e, req.priorityClass);
  const svc = e.service(req.serviceId);
  const { row, reused } = e.db
    .transaction(() => {
      if (!svc.active)
        throw new QueueError('SERVICE_INACTIVE', `${svc.nameZh}暂停取号`, `${svc.nameEn} is not available`);
      if (req.source !== 'staff' && e.config.queue.enforceHours) {
        const at = localParts(now, e.config.timeZone);
        if (!isOpen(svc.hours, at)) {
          const today = hoursToday(svc.hours, at);
          throw new QueueError(
            'SERVICE_CLOSED',
            `${svc.nameZh}现在不办理，今天办理时间：${today.join('、') || '休息'}`,
            `${svc.nameEn} is closed now; today's hours: ${today.join(', ') || 'closed'}`,
            { hoursToday: today },
          );
        }
      }
      if (svc.idRequired && !req.identity)
        throw new QueueError(
          'ID_REQUIRED',
          `${svc.nameZh}需要刷身份证取号`,
          `${svc.nameEn} needs an ID card`,
        );
      if (req.identity) {
        const open = e
          .stmt(
            `SELECT * FROM tickets WHERE id_hash = ? AND service_id = ? AND day = ?
               AND state IN ('waiting', 'called', 'serving') LIMIT 1`,
          )
          .get(req.identity.idHash, svc.id, day) as TicketRow | undefined;
        if (open) return { row: open, reused: true };
      }
      // Numbers are contiguous from the range start, so the count issued today is max − start + 1.
      const { m } = e
        .stmt('SELECT MAX(seq) AS m FROM tickets WHERE service_id = ? AND day = ?')
        .get(svc.id, day) as {
        m: number | null;
      };
      const seq = m === null ? svc.rangeStart : m + 1;
      const n = seq - svc.rangeStart;
      if (n >= svc.dailyCap || seq > svc.rangeEnd)
        throw new QueueError(
          'DAILY_CAP',
          `${svc.nameZh}今天的号已取完`,
          `${svc.nameEn}: no numbers left today`,
        );
      const digits = Math.max(3, String(svc.rangeEnd).length);
      const number = `${svc.prefix}${String(seq).padStart(digits, '0')}`;
      const cls = req.priorityClass ?? autoClass(e, req.identity, now);
      const id = randomUUID();
      const token = randomBytes(18).toString('base64url');
      e.stmt(
        `INSERT INTO tickets (id, token, day, service_id, seq, number, priority_class, source, id_hash, id_masked,
             name_masked, appointment_id, slot_at, state, arrived_at, queued_at, order_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'waiting', ?, ?, ?)`,
      ).run(
        id,
        token,
        day,
        svc.id,
        seq,
        number,
        cls,
        req.source,
        req.identity?.idHash ?? null,
        req.identity?.idMasked ?? null,
        req.identity?.nameMasked ?? null,
        req.appointmentId ?? null,
        req.slotAt ?? null,
        now,
        now,
        now,
      );
      e.recordEvent(id, 'issued', now, null, actor?.staffId ?? null, { source: req.source, cls });
      if (actor) writeAudit(e.db, now, actor, 'ticket.issue', `ticket:${id}`, { number, cls });
      inTx?.(id);
      return { row: e.row(id), reused: false };
    })
    .immediate();
  const peopleAhead = e.peopleAhead(row);
  const estimatedWaitMin = e.estimateWaitMin(row.service_id, peopleAhead);
  const publicTicket = e.publicView(row, svc);
  const result: IssueResult = {
    ticket: e.staffView(row, svc),
    publicTicket,
    token: row.token,
    followUrl: e.followUrl(row.token),
    peopleAhead,
    estimatedWaitMin,
    reused,
  };
  if (!reused) {
    e.bus.emit('ticket.issued', { ticket: publicTicket, peopleAhead, estimatedWaitMin, at: now });
    x.changed();
    if (req.print !== false) result.print = printTicket(e, x, row, svc, peopleAhead, estimatedWaitMin);
  }
  return result;
}

/** Prints the paper ticket; a printer failure is logged and reported, the ticket stands. */
function printTicket(
  e: QueueEngine,
  x: EngineInternals,
  row: TicketRow,
  svc: Service,
  peopleAhead: number,
  estimatedWaitMin: number,
): IssueResult['print'] {
  if (!e.hardware) return undefined;
  try {
    const lp = localParts(row.arrived_at, e.config.timeZone);
    const bytes = ticketBytes({
      number: row.number,
      serviceZh: svc.nameZh,
      serviceEn: svc.nameEn,
      priority: row.priority_class !== 'normal',
      peopleAhead,
      estimatedWaitMin,
      issuedAt: `${lp.day} ${lp.hhmm}`,
      followUrl: e.followUrl(row.token),
    });
    return e.hardware.print({ ticketId: row.id, bytes });
  } catch (err) {
    // The ticket stands without paper: the screen shows it and staff can reprint.
    x.log?.error({ err, ticketId: row.id }, 'ticket print failed');
    return { state: 'failed', reason: err instanceof Error ? err.message : String(err) };
  }
}

export function reprintTicket(
  e: QueueEngine,
  x: EngineInternals,
  ticketId: string,
  actor: Actor,
): IssueResult['print'] {
  const row = e.row(ticketId);
  const svc = e.service(row.service_id);
  writeAudit(e.db, e.clock.now(), actor, 'ticket.reprint', `ticket:${ticketId}`);
  if (!e.hardware) return { state: 'failed', reason: 'no printer configured' };
  const ahead = e.peopleAhead(row);
  return printTicket(e, x, row, svc, ahead, e.estimateWaitMin(row.service_id, ahead));
}
