// The paper ticket's way to the printer (issue #10 defect 15). Its bytes are stored in the same
// transaction as the ticket (ticket_prints), so a ticket never commits without its paper. After
// the commit they are handed to the print queue under a job id chosen here, then forgotten;
// paper still stored at start (the process died between the two) is handed again, and the
// print queue takes a job id it already has as done, so nothing prints twice.
import { randomUUID } from 'node:crypto';
import type { PrintJobInfo } from '../hardware/types.ts';
import type { QueueContext } from './context.ts';
import { ticketBytes } from './print.ts';
import { localParts } from './time.ts';
import type { Service, TicketRow } from './types.ts';
import { followUrl } from './views.ts';

export type PrintOutcome = PrintJobInfo | { state: 'failed'; reason: string };

export class TicketPaper {
  constructor(private readonly ctx: QueueContext) {}

  /** The ticket's printed form. */
  bytes(row: TicketRow, svc: Service, peopleAhead: number, estimatedWaitMin: number): Buffer {
    const issuedAt = localParts(row.arrived_at, this.ctx.config.timeZone);
    return ticketBytes({
      number: row.number,
      serviceZh: svc.nameZh,
      serviceEn: svc.nameEn,
      priority: row.priority_class !== 'normal',
      peopleAhead,
      estimatedWaitMin,
      issuedAt: `${issuedAt.day} ${issuedAt.hhmm}`,
      followUrl: followUrl(this.ctx, row.token),
    });
  }

  /** Inside the ticket's transaction: stores its paper; returns the print job id it will have. */
  store(row: TicketRow, bytes: Buffer, at: number): string {
    const jobId = randomUUID();
    this.ctx.store.addPrint(jobId, row.id, bytes, at);
    return jobId;
  }

  /** Hands one stored paper to the print queue (after its ticket committed). */
  handOver(jobId: string, ticketId: string, bytes: Buffer): PrintOutcome {
    const { ctx } = this;
    if (!ctx.hardware) return { state: 'failed', reason: 'no printer configured' };
    try {
      const job = ctx.hardware.print({ jobId, ticketId, bytes });
      ctx.store.removePrint(jobId);
      return job;
    } catch (err) {
      // The ticket stands; its paper stays stored and is handed again at the next start.
      ctx.log?.error({ err, ticketId }, 'ticket print failed');
      return { state: 'failed', reason: err instanceof Error ? err.message : String(err) };
    }
  }

  /** At start: hands every paper left stored by a crash; returns how many were handed. */
  resume(): number {
    const { ctx } = this;
    if (!ctx.hardware) return 0;
    let handed = 0;
    for (const paper of ctx.store.pendingPrints()) {
      const outcome = this.handOver(paper.jobId, paper.ticketId, paper.bytes);
      if (outcome.state !== 'failed') handed++;
    }
    if (handed > 0) ctx.log?.warn({ handed }, 'paper of tickets issued before a crash handed to the printer');
    return handed;
  }

  /** Prints a ticket again now (staff reprint), outside any ticket transaction. */
  printNow(row: TicketRow, bytes: Buffer): PrintOutcome {
    const { ctx } = this;
    if (!ctx.hardware) return { state: 'failed', reason: 'no printer configured' };
    try {
      return ctx.hardware.print({ ticketId: row.id, bytes });
    } catch (err) {
      ctx.log?.error({ err, ticketId: row.id }, 'ticket print failed');
      return { state: 'failed', reason: err instanceof Error ? err.message : String(err) };
    }
  }
}
