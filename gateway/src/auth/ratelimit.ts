// Login rate limit: failures counted per key (username, client address) in a fixed window.
// In memory: a restart forgives, which is acceptable for a station gateway.

export interface LimitOptions {
  maxFailures: number;
  windowMs: number;
  /** Bound on remembered keys; the oldest are forgotten first. */
  maxKeys?: number;
}

export class FailureLimiter {
  private readonly hits = new Map<string, { count: number; resetAt: number }>();
  constructor(
    private readonly opts: LimitOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds to wait before another try, or 0 when allowed. */
  retryAfterS(key: string): number {
    const h = this.hits.get(key);
    const now = this.now();
    if (!h) return 0;
    if (h.resetAt <= now) {
      this.hits.delete(key);
      return 0;
    }
    return h.count >= this.opts.maxFailures ? Math.ceil((h.resetAt - now) / 1000) : 0;
  }

  fail(key: string): void {
    const now = this.now();
    const h = this.hits.get(key);
    if (h && h.resetAt > now) {
      h.count++;
      return;
    }
    this.hits.delete(key);
    this.hits.set(key, { count: 1, resetAt: now + this.opts.windowMs });
    const max = this.opts.maxKeys ?? 10_000;
    while (this.hits.size > max) {
      const oldest = this.hits.keys().next().value;
      if (oldest === undefined) break;
      this.hits.delete(oldest);
    }
  }

  reset(key: string): void {
    this.hits.delete(key);
  }
}
