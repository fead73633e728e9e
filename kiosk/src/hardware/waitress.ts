// Request/response over a serial line: a request registers a waiter with a matcher and an
// explicit time-out; incoming messages are offered to the waiters in order. A waiter that gets
// nothing in time fails with TimeoutError. (The "waitress" of zigbee-herdsman.)
import { TimeoutError } from '@linli/shared';

interface Waiter<T> {
  match: (msg: T) => boolean;
  resolve: (msg: T) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export interface Waiting<T> {
  promise: Promise<T>;
  cancel(reason?: Error): void;
}

export class Waitress<T> {
  private readonly waiters: Waiter<T>[] = [];
  /** Waiters that ran out of time, since creation. */
  timeouts = 0;

  /** Wait for the first message that `match` accepts, at most `timeoutMs`. */
  waitFor(match: (msg: T) => boolean, timeoutMs: number, what: string): Waiting<T> {
    let waiter!: Waiter<T>;
    const promise = new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.remove(waiter);
        this.timeouts++;
        reject(new TimeoutError(`${what}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      waiter = { match, resolve, reject, timer };
    });
    this.waiters.push(waiter);
    return {
      promise,
      cancel: (reason) => {
        if (this.remove(waiter)) waiter.reject(reason ?? new Error(`${what}: cancelled`));
      },
    };
  }

  /** Offer a message; true when a waiter took it. */
  offer(msg: T): boolean {
    const waiter = this.waiters.find((w) => w.match(msg));
    if (!waiter) return false;
    this.remove(waiter);
    waiter.resolve(msg);
    return true;
  }

  /** Fail every waiter (the line closed, a corrupt reply arrived). */
  rejectAll(err: Error): void {
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(err);
    }
  }

  get pending(): number {
    return this.waiters.length;
  }

  private remove(w: Waiter<T>): boolean {
    const i = this.waiters.indexOf(w);
    if (i < 0) return false;
    this.waiters.splice(i, 1);
    clearTimeout(w.timer);
    return true;
  }
}
