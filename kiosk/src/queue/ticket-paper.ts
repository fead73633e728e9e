// The paper ticket's way to the printer (issue #10 defect 15). Its bytes are stored in the same
// transaction as the ticket (ticket_prints), so a ticket never commits without its paper. Right
// after the commit, off the request path and batched with any other waiting paper, the kiosk's
// write-ahead log is synced (fdatasync in the thread pool: the tickets are on disk before their
// paper can come out), the paper is handed to the print queue under a job id chosen here (one
// print-store transaction, one fsync) and forgotten. Paper still stored at start (the process
// died in between) is handed again; the print queue takes a job id it already has as done, so
// nothing prints twice.
import { type FileHandle, open } from 'node:fs/promises';
import type { PrintJobInfo } from '../hardware/types.ts';
import type { QueueContext } from './context.ts';
import { timeOrderedId } from './ids.ts';
import { ticketBytes } from './print.ts';
import { localParts } from './time.ts';
import type { Service, TicketRow } from './types.ts';
import { followUrl } from './views.ts';

export type PrintOutcome = PrintJobInfo | { state: 'failed'; reason: string };

export class TicketPaper {
  private scheduled = false;
  private running = false;
  private again = false;
  private walFile: FileHandle | undefined;

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
    const jobId = timeOrderedId();
    this.ctx.store.addPrint(jobId, row.id, bytes, at);
    return jobId;
  }

  /**
   * After the ticket's commit: the paper is handed over shortly, off the request path, together
   * with any other paper waiting (one fsync of the kiosk's log, one write of the print queue).
   */
  schedule(): void {
    if (this.scheduled || !this.ctx.hardware) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.handOver().catch((err: unknown) => this.ctx.log?.error({ err }, 'print hand-over failed'));
    });
  }

  /** At start: hands every paper left stored by a crash. */
  resume(): Promise<number> {
    return this.handOver();
  }

  /** Hands every stored paper to the print queue; returns how many. One run at a time. */
  async handOver(): Promise<number> {
    if (this.running) {
      this.again = true;
      return 0;
    }
    this.running = true;
    let handed = 0;
    try {
      do {
        this.again = false;
        handed += await this.handOverOnce();
      } while (this.again);
    } finally {
      this.running = false;
    }
    return handed;
  }

  private async handOverOnce(): Promise<number> {
    const { ctx } = this;
    const hardware = ctx.hardware;
    if (!hardware) return 0;
    const pending = ctx.store.pendingPrints();
    if (pending.length === 0) return 0;
    // The tickets reach the disk before their paper can come out (the kiosk's database runs
    // synchronous=NORMAL: a commit is not synced by itself). The sync runs off the event loop.
    await this.syncLog();
    const requests = pending.map((paper) => ({
      jobId: paper.jobId,
      ticketId: paper.ticketId,
      bytes: paper.bytes,
    }));
    try {
      if (hardware.printAll) hardware.printAll(requests);
      else for (const request of requests) hardware.print(request);
    } catch (err) {
      // The tickets stand; their paper stays stored and is handed again next time.
      ctx.log?.error({ err, tickets: pending.length }, 'ticket print failed');
      return 0;
    }
    try {
      // The print queue's copy must survive a power cut before the ticket store's copy goes.
      await hardware.syncPrints?.();
    } catch (err) {
      ctx.log?.error({ err, tickets: pending.length }, 'print queue sync failed; ticket paper kept');
      return 0;
    }
    ctx.store.removePrints(pending.map((paper) => paper.jobId));
    return pending.length;
  }

  /** fdatasync of the database's write-ahead log, in the thread pool. */
  private async syncLog(): Promise<void> {
    const file = this.ctx.store.db.name;
    if (!file || file === ':memory:') return;
    this.walFile ??= await open(`${file}-wal`, 'r');
    await this.walFile.datasync();
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
