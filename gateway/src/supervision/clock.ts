// Injectable clock so that supervision and escalation can be tested without waiting.
export interface Clock {
  now(): number;
  setInterval(fn: () => void, ms: number): { unref?(): unknown };
  clearInterval(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (h) => clearInterval(h as NodeJS.Timeout),
};

/** A manual clock for tests: time moves only when told; intervals never fire by themselves. */
export class ManualClock implements Clock {
  constructor(private t = Date.UTC(2026, 0, 1)) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): number {
    this.t += ms;
    return this.t;
  }
  set(t: number): void {
    this.t = t;
  }
  setInterval(): { unref(): void } {
    return { unref() {} };
  }
  clearInterval(): void {}
}
