// A logger that writes at most `perMinute` lines per key and minute, then one line with the
// number it left out (pino order after the key: fields, then the message): a flood of bad clients cannot fill the disk with log lines.
import type { LogFields, Logger } from '@linli/shared/service';

/** How the line with the number left out is written: the field that names the key, and the message. */
export interface LeftOutLine {
  field: string;
  msg: string;
}

export class ThrottledLog {
  private window = 0;
  private readonly written = new Map<string, number>();
  private readonly dropped = new Map<string, number>();

  constructor(
    private readonly log: Logger,
    private readonly perMinute = 20,
    private readonly now: () => number = Date.now,
    private readonly leftOut: LeftOutLine = { field: 'key', msg: 'log lines left out' },
  ) {}

  info(key: string, fields: LogFields, msg: string): void {
    if (this.admit(key)) this.log.info(fields, msg);
  }

  warn(key: string, fields: LogFields, msg: string): void {
    if (this.admit(key)) this.log.warn(fields, msg);
  }

  private admit(key: string): boolean {
    const minute = Math.floor(this.now() / 60_000);
    if (minute !== this.window) {
      for (const [key, count] of this.dropped)
        this.log.warn({ [this.leftOut.field]: key, count }, this.leftOut.msg);
      this.dropped.clear();
      this.written.clear();
      this.window = minute;
    }
    const n = this.written.get(key) ?? 0;
    if (n < this.perMinute) {
      this.written.set(key, n + 1);
      return true;
    }
    this.dropped.set(key, (this.dropped.get(key) ?? 0) + 1);
    return false;
  }
}
