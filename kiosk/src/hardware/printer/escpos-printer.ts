// ESC/POS printer driver over a byte line: real-time status (DLE EOT 1/2/4, one byte back each)
// and job bytes. Status replies are recognised by their fixed bits (bit 1 and bit 4 set, bits 0
// and 7 clear); any other byte from the printer is counted and ignored.
import { decodeStatusByte, type PrinterStatus, statusQuery } from '@linli/shared';
import type { ByteTransport } from '../transport/byte-transport.ts';
import { Waitress } from '../waitress.ts';

export interface PrinterTimeouts {
  status: number; // per DLE EOT byte (default 500 ms)
  write: number; // a whole job drained (default 15 s)
}
export const DEFAULT_PRINTER_TIMEOUTS: PrinterTimeouts = { status: 500, write: 15_000 };

export const isStatusByte = (b: number): boolean => (b & 0x93) === 0x12;
/** A reply to GS r 1 (paper sensor status): bits 4–7 clear (a DLE EOT reply has bit 4 set). */
export const isPaperSensorByte = (b: number): boolean => (b & 0xf0) === 0;

/** GS r 1: transmit paper sensor status — processed in sequence, after everything before it printed. */
export const PAPER_STATUS_QUERY = Buffer.from([0x1d, 0x72, 0x01]);

/** The statuses that keep a job in the queue, with the reason shown to staff. */
export function blockingReason(s: PrinterStatus): string | undefined {
  if (s.paperOut) return '打印机缺纸 / printer out of paper';
  if (s.coverOpen) return '打印机盖未关 / printer cover open';
  if (s.offline) return '打印机离线 / printer offline';
  if (s.error) return '打印机故障 / printer error';
  return undefined;
}

export class EscPosPrinter {
  private readonly waitress = new Waitress<number>();
  /** Replies to GS r 1 sent after jobs: each one says a job reached its end on paper. */
  private readonly confirmations = new Waitress<number>();
  /** This printer has answered GS r 1 at least once (so a missing answer means something). */
  confirms = false;
  private busy = false;
  /** Bytes from the printer that were not a status reply. */
  strayBytes = 0;

  constructor(
    private readonly line: ByteTransport,
    private readonly timeouts: PrinterTimeouts = DEFAULT_PRINTER_TIMEOUTS,
  ) {
    line.onData((chunk) => {
      for (const b of chunk) {
        if (isStatusByte(b)) {
          if (!this.waitress.offer(b)) this.strayBytes++;
        } else if (isPaperSensorByte(b) && this.confirmations.offer(b)) {
          this.confirms = true;
        } else this.strayBytes++;
      }
    });
    line.onClose((err) => {
      this.waitress.rejectAll(err ?? new Error(`${line.description} closed`));
      this.confirmations.rejectAll(err ?? new Error(`${line.description} closed`));
    });
  }

  get description(): string {
    return this.line.description;
  }

  /** Ask DLE EOT 1, 2 and 4 in turn. Throws TimeoutError when the printer does not answer. */
  async status(): Promise<PrinterStatus> {
    return this.exclusive(async () => {
      let s: Partial<PrinterStatus> = {};
      for (const n of [1, 2, 4] as const) {
        const waiting = this.waitress.waitFor(() => true, this.timeouts.status, `printer DLE EOT ${n}`);
        waiting.promise.catch(() => {});
        try {
          await this.line.write(statusQuery(n), this.timeouts.status);
        } catch (err) {
          waiting.cancel(err as Error);
          throw err;
        }
        s = decodeStatusByte(n, await waiting.promise, s);
      }
      return {
        offline: s.offline ?? false,
        coverOpen: s.coverOpen ?? false,
        paperNearEnd: s.paperNearEnd ?? false,
        paperOut: s.paperOut ?? false,
        error: s.error ?? false,
      };
    });
  }

  /** Send a job's bytes; resolves when drained to the device. */
  print(bytes: Buffer): Promise<void> {
    return this.exclusive(() => this.line.write(bytes, this.timeouts.write));
  }

  /**
   * Send a job's bytes followed by GS r 1; resolves when drained. `confirmed(ms)` then resolves
   * true when the printer answered it — the job reached its end on paper — within `ms`.
   */
  async printConfirmed(bytes: Buffer): Promise<{ confirmed(ms: number): Promise<boolean> }> {
    const waiting = this.confirmations.waitFor(() => true, this.timeouts.write, 'printer GS r 1');
    waiting.promise.catch(() => {});
    try {
      await this.print(Buffer.concat([bytes, PAPER_STATUS_QUERY]));
    } catch (err) {
      waiting.cancel(err as Error);
      throw err;
    }
    let answered = false;
    waiting.promise.then(
      () => {
        answered = true;
      },
      () => {},
    );
    return {
      confirmed: async (ms) => {
        if (answered) return true;
        const timer = new Promise<false>((resolve) => setTimeout(() => resolve(false), ms));
        const result = await Promise.race([
          waiting.promise.then(
            () => true,
            () => false,
          ),
          timer,
        ]);
        if (!result) waiting.cancel(new Error('no GS r 1 reply'));
        return result;
      },
    };
  }

  private async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.busy) throw new Error('EscPosPrinter: overlapping operations');
    this.busy = true;
    try {
      return await fn();
    } finally {
      this.busy = false;
    }
  }
}
