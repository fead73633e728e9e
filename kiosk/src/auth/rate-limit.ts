// Login rate limit: at most `max` failures per (address, username) and 4×max per address within
// a sliding window; while over it, further attempts are refused without checking the password.
export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  private recent(key: string): number[] {
    const t = this.now();
    const list = (this.failures.get(key) ?? []).filter((x) => t - x < this.windowMs);
    if (list.length) this.failures.set(key, list);
    else this.failures.delete(key);
    return list;
  }

  /** Seconds to wait, or 0 when an attempt is allowed. */
  retryAfterS(address: string, username: string): number {
    const pair = this.recent(`${address}|${username.toLowerCase()}`);
    const addr = this.recent(address);
    const blocked = [pair.length >= this.max ? pair : null, addr.length >= this.max * 4 ? addr : null].filter(
      (x): x is number[] => x !== null,
    );
    if (blocked.length === 0) return 0;
    const oldest = Math.max(...blocked.map((l) => l[l.length - this.max] ?? l[0] ?? 0));
    return Math.max(1, Math.ceil((oldest + this.windowMs - this.now()) / 1000));
  }

  fail(address: string, username: string): void {
    const t = this.now();
    for (const key of [`${address}|${username.toLowerCase()}`, address]) {
      const list = this.recent(key);
      list.push(t);
      this.failures.set(key, list);
    }
  }

  succeed(address: string, username: string): void {
    this.failures.delete(`${address}|${username.toLowerCase()}`);
  }
}
