// A logger that writes at most `perMinute` lines per key and minute, then one line with the
// number it left out: a flood of bad clients cannot fill the disk with log lines.
import type { Logger } from './ingest/refusals.ts';

export class ThrottledLog {
  private window = 0;
  private readonly written = new Map<string, number>();
  private readonly dropped = new Map<string, number>();

  constructor(
    private readonly log: Logger,
    private readonly perMinute = 20,
    private readonly now: () => number = Date.now,
  ) {}

  info(key: string, msg: string, fields?: Record<string, unknown>): void {
    if (this.admit(key)) this.log.info(msg, fields);
  }

  warn(key: string, msg: string, fields?: Record<string, unknown>): void {
    if (this.admit(key)) this.log.warn(msg, fields);
  }

  private admit(key: string): boolean {
    const minute = Math.floor(this.now() / 60_000);
    if (minute !== this.window) {
      for (const [k, count] of this.dropped) this.log.warn('log lines left out', { key: k, count });
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
