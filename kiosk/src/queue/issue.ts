// Issuing tickets (取号): checks (service active, opening hours, ID card), one open ticket per
// person and service, contiguous numbers within the service's range and daily cap, the priority
// class, and the paper ticket. The ticket is written in one BEGIN IMMEDIATE transaction.
import { randomBytes, randomUUID } from 'node:crypto';
import type { PrintJobInfo } from '../hardware/types.ts';
import type { QueueContext } from './context.ts';
import { QueueError } from './errors.ts';
import { hoursToday, isOpen } from './hours.ts';
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
import { followUrl, peopleAhead, publicView, staffView } from './views.ts';

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

export class IssuingService {
  constructor(private readonly ctx: QueueContext) {}

  /** Issues a ticket (or returns the person's open ticket of that service); `inTx` runs inside the same transaction. */
  issue(req: IssueRequest, actor?: Actor, inTx?: (ticketId: string) => void): IssueResult {
    const { ctx } = this;
    const { store } = ctx;
    const day = ctx.today();
    const now = ctx.clock.now();
    if (req.priorityClass !== undefined) checkClass(ctx.config, req.priorityClass);
    const svc = ctx.services.get(req.serviceId);
    const { row, reused } = store.transaction(() => {
      if (!svc.active)
        throw new QueueError('SERVICE_INACTIVE', `${svc.nameZh}暂停取号`, `${svc.nameEn} is not available`);
      if (req.source !== 'staff' && ctx.config.queue.enforceHours) {
        const at = localParts(now, ctx.config.timeZone);
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
        const open = store.openFor(req.identity.idHash, svc.id, day);
        if (open) return { row: open, reused: true };
      }
      // Numbers are contiguous from the range start, so the count issued today is max − start + 1.
      const max = store.maxSeq(svc.id, day);
      const seq = max === null ? svc.rangeStart : max + 1;
      if (seq - svc.rangeStart >= svc.dailyCap || seq > svc.rangeEnd)
        throw new QueueError(
          'DAILY_CAP',
          `${svc.nameZh}今天的号已取完`,
          `${svc.nameEn}: no numbers left today`,
        );
      const digits = Math.max(3, String(svc.rangeEnd).length);
      const number = `${svc.prefix}${String(seq).padStart(digits, '0')}`;
      const cls = req.priorityClass ?? autoClass(ctx.config, req.identity, now);
      const id = randomUUID();
      store.insert({
        id,
        token: randomBytes(18).toString('base64url'),
        day,
        serviceId: svc.id,
        seq,
        number,
        priorityClass: cls,
        source: req.source,
        idHash: req.identity?.idHash ?? null,
        idMasked: req.identity?.idMasked ?? null,
        nameMasked: req.identity?.nameMasked ?? null,
        appointmentId: req.appointmentId ?? null,
        slotAt: req.slotAt ?? null,
        arrivedAt: now,
        queuedAt: now,
        orderAt: now,
        transferredFrom: null,
      });
      store.recordEvent(id, 'issued', now, null, actor?.staffId ?? null, { source: req.source, cls });
      if (actor) store.audit(now, actor, 'ticket.issue', `ticket:${id}`, { number, cls });
      inTx?.(id);
      return { row: store.row(id), reused: false };
    });
    const ahead = peopleAhead(ctx, row);
    const estimatedWaitMin = ctx.waits.estimateWaitMin(row.service_id, ahead);
    const publicTicket = publicView(ctx, row, svc);
    const result: IssueResult = {
      ticket: staffView(ctx, row, svc),
      publicTicket,
      token: row.token,
      followUrl: followUrl(ctx, row.token),
      peopleAhead: ahead,
      estimatedWaitMin,
      reused,
    };
    if (!reused) {
      ctx.bus.emit('ticket.issued', { ticket: publicTicket, peopleAhead: ahead, estimatedWaitMin, at: now });
      ctx.changed();
      if (req.print !== false) result.print = this.print(row, svc, ahead, estimatedWaitMin);
    }
    return result;
  }

  reprint(ticketId: string, actor: Actor): IssueResult['print'] {
    const { ctx } = this;
    const row = ctx.store.row(ticketId);
    const svc = ctx.services.get(row.service_id);
    ctx.store.audit(ctx.clock.now(), actor, 'ticket.reprint', `ticket:${ticketId}`);
    if (!ctx.hardware) return { state: 'failed', reason: 'no printer configured' };
    const ahead = peopleAhead(ctx, row);
    return this.print(row, svc, ahead, ctx.waits.estimateWaitMin(row.service_id, ahead));
  }

  /** Prints the paper ticket; a printer failure is logged and reported, the ticket stands. */
  private print(row: TicketRow, svc: Service, ahead: number, estimatedWaitMin: number): IssueResult['print'] {
    const { ctx } = this;
    if (!ctx.hardware) return undefined;
    try {
      const issuedAt = localParts(row.arrived_at, ctx.config.timeZone);
      const bytes = ticketBytes({
        number: row.number,
        serviceZh: svc.nameZh,
        serviceEn: svc.nameEn,
        priority: row.priority_class !== 'normal',
        peopleAhead: ahead,
        estimatedWaitMin,
        issuedAt: `${issuedAt.day} ${issuedAt.hhmm}`,
        followUrl: followUrl(ctx, row.token),
      });
      return ctx.hardware.print({ ticketId: row.id, bytes });
    } catch (err) {
      // The ticket stands without paper: the screen shows it and staff can reprint.
      ctx.log?.error({ err, ticketId: row.id }, 'ticket print failed');
      return { state: 'failed', reason: err instanceof Error ? err.message : String(err) };
    }
  }
}
