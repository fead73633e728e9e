// Issuing tickets (取号): checks (service active, opening hours, ID card), one open ticket per
// person and service, contiguous numbers within the service's range and daily cap, the priority
// class, and the paper ticket. The ticket is written in one BEGIN IMMEDIATE transaction; the
// kiosk's own issue requests (issueGrouped) share one transaction per event-loop turn, each in its
// savepoint, and are answered only after that commit (shared/service/group-transaction.ts).
import { GroupTransaction } from '@linli/shared/service/group-transaction.ts';
import type { QueueContext } from './context.ts';
import { QueueError } from './errors.ts';
import { hoursToday, isOpen } from './hours.ts';
import { followToken, timeOrderedId } from './ids.ts';
import { autoClass, checkClass } from './priority-class.ts';
import { type PrintOutcome, TicketPaper } from './ticket-paper.ts';
import { localParts } from './time.ts';
import { refuseState } from './transition.ts';
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
  /**
   * Staff issuing for an ID-required service without a card: the staff member confirms they
   * checked the resident's identity document themselves (recorded in history and audit log).
   */
  identityCheckedByStaff?: boolean;
}

export interface IssueResult {
  ticket: StaffTicket;
  publicTicket: PublicTicket;
  token: string;
  followUrl: string;
  peopleAhead: number;
  estimatedWaitMin: number;
  reused: boolean;
  print?: PrintOutcome;
}

/** What the transaction of one issue request decided (issue.ts keeps it until the commit). */
interface Issued {
  row: TicketRow;
  reused: boolean;
  ahead?: number;
  estimatedWaitMin?: number;
  jobId?: string;
}

interface IssueUnit {
  req: IssueRequest;
  svc: Service;
  day: string;
  now: number;
  actor?: Actor;
  inTx?: (ticketId: string) => void;
}

export class IssuingService {
  private readonly paper: TicketPaper;
  /** The kiosk's issue requests of one event-loop turn, committed together. */
  private readonly group: GroupTransaction<IssueUnit, Issued>;

  constructor(private readonly ctx: QueueContext) {
    this.paper = new TicketPaper(ctx);
    this.group = new GroupTransaction(ctx.store.db, (unit) => this.write(unit));
  }

  /** Issues a ticket (or returns the person's open ticket of that service); `inTx` runs inside the same transaction. */
  issue(req: IssueRequest, actor?: Actor, inTx?: (ticketId: string) => void): IssueResult {
    const unit = this.unit(req, actor, inTx);
    return this.finish(
      unit,
      this.ctx.store.transaction(() => this.write(unit)),
    );
  }

  /**
   * As issue(), sharing one transaction with the other requests of this event-loop turn (each in
   * its own savepoint: a refused request does not undo the others). Resolves after the commit.
   */
  async issueGrouped(req: IssueRequest, actor?: Actor): Promise<IssueResult> {
    const unit = this.unit(req, actor);
    return this.finish(unit, await this.group.submit(unit));
  }

  /** Group transactions committed so far (tests, figures). */
  get batches(): number {
    return this.group.batches;
  }

  /** Commits the issue requests still queued (engine stop). */
  flush(): void {
    this.group.close();
  }

  /** Checks that need no transaction; the day rolled over first. */
  private unit(req: IssueRequest, actor?: Actor, inTx?: (ticketId: string) => void): IssueUnit {
    const { ctx } = this;
    const day = ctx.today();
    const now = ctx.clock.now();
    if (req.priorityClass !== undefined) checkClass(ctx.config, req.priorityClass);
    const svc = ctx.services.get(req.serviceId);
    return { req, svc, day, now, ...(actor ? { actor } : {}), ...(inTx ? { inTx } : {}) };
  }

  /** Inside the transaction: the checks, the ticket, its history row and its paper. */
  private write(unit: IssueUnit): Issued {
    const { ctx } = this;
    const { store } = ctx;
    const { req, svc, day, now, actor, inTx } = unit;
    if (!svc.active)
      throw new QueueError('SERVICE_INACTIVE', `${svc.nameZh}暂停取号`, `${svc.nameEn} is not available`);
    if (req.source !== 'staff' && ctx.config.queue.enforceHours) {
      const closed = ctx.settings.closedOn(day, svc.id);
      if (closed)
        throw new QueueError(
          'SERVICE_CLOSED',
          `${svc.nameZh}今天不办理${closed.note ? `（${closed.note}）` : ''}`,
          `${svc.nameEn} is closed today${closed.note ? ` (${closed.note})` : ''}`,
          { hoursToday: [], closedDay: closed.day },
        );
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
    const staffChecked = req.source === 'staff' && actor !== undefined && req.identityCheckedByStaff === true;
    if (svc.idRequired && !req.identity && !staffChecked)
      throw new QueueError('ID_REQUIRED', `${svc.nameZh}需要刷身份证取号`, `${svc.nameEn} needs an ID card`);
    if (req.identity) {
      const open = store.openFor(req.identity.idHash, svc.id, day);
      if (open) return { row: open, reused: true } as const;
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
    const id = timeOrderedId();
    const inserted = store.insert({
      id,
      token: followToken(),
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
    const checked = svc.idRequired && !req.identity && staffChecked ? { identityCheckedByStaff: true } : {};
    store.recordEvent(id, 'issued', now, null, actor?.staffId ?? null, {
      source: req.source,
      cls,
      ...checked,
    });
    if (actor) store.audit(now, actor, 'ticket.issue', `ticket:${id}`, { number, cls, ...checked });
    inTx?.(id);
    // Read back only when inTx may have changed it; else the row is what was inserted.
    const created = inTx ? store.row(id) : inserted;
    const ahead = peopleAhead(ctx, created);
    const estimatedWaitMin = ctx.waits.estimateWaitMin(created.service_id, ahead);
    // The paper commits with the ticket (ticket-paper.ts): no ticket without its print job.
    const paper =
      req.print !== false && ctx.hardware
        ? this.paper.bytes(created, svc, ahead, estimatedWaitMin)
        : undefined;
    const jobId = paper ? this.paper.store(created, paper, now) : undefined;
    return { row: created, reused: false, ahead, estimatedWaitMin, ...(jobId ? { jobId } : {}) };
  }

  /** After the commit: the answer, the events and the paper handed on. */
  private finish(unit: IssueUnit, issued: Issued): IssueResult {
    const { ctx } = this;
    const { svc, now } = unit;
    const { row, reused } = issued;
    const ahead = issued.ahead ?? peopleAhead(ctx, row);
    const estimatedWaitMin = issued.estimatedWaitMin ?? ctx.waits.estimateWaitMin(row.service_id, ahead);
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
      if (issued.jobId) {
        // Durably queued with the ticket; handed to the print queue right after (ticket-paper.ts).
        result.print = { jobId: issued.jobId, ticketId: row.id, state: 'queued', createdAt: now };
        this.paper.schedule();
      }
    }
    return result;
  }

  reprint(ticketId: string, actor: Actor): IssueResult['print'] {
    const { ctx } = this;
    const row = ctx.store.row(ticketId);
    // A closed ticket (cancelled, done, no-show, transferred, expired) would print as a normal
    // one ("前面还有 0 人") and could be used to jump the queue: refused (issue #10 defect 16).
    if (!['waiting', 'called', 'serving'].includes(row.state)) refuseState(row, 'reprint');
    const svc = ctx.services.get(row.service_id);
    ctx.store.audit(ctx.clock.now(), actor, 'ticket.reprint', `ticket:${ticketId}`);
    if (!ctx.hardware) return { state: 'failed', reason: 'no printer configured' };
    const ahead = peopleAhead(ctx, row);
    const bytes = this.paper.bytes(row, svc, ahead, ctx.waits.estimateWaitMin(row.service_id, ahead));
    return this.paper.printNow(row, bytes);
  }

  /** At start: hands the paper of tickets issued just before a crash to the print queue. */
  resumePrints(): Promise<number> {
    return this.paper.resume();
  }
}
