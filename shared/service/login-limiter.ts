// One login limiter for every staff login (gateway consoles, kiosk staff): failures are counted
// per (account, address) and per address — never per account alone, so a stranger elsewhere can
// never lock an account (the admin of an alarm console) out. While a count is at its limit,
// further attempts from there are refused without checking the password until its window ends.
// Addresses shared by a station's staff (the station's own machine) are limited only per
// (account, address), so one person's typos cannot lock out the others. In memory: a restart
// forgives.

export interface LoginLimits {
  /** Failures of one account from one address within the window before that pair waits. */
  perAccountAddress: number;
  /** Failures from one address (any accounts) within the window before the address waits. */
  perAddress: number;
  windowMs: number;
  /** Addresses not limited as a whole, only per (account, address): e.g. the station's own
   *  machine, where several staff log in. */
  sharedAddresses?: readonly string[];
  /** Bound on remembered keys; the oldest are forgotten first (default 10,000). */
  maxKeys?: number;
}

interface Count {
  failures: number;
  resetAt: number;
}

export class LoginLimiter {
  private readonly counts = new Map<string, Count>();
  private readonly shared: ReadonlySet<string>;

  constructor(
    readonly limits: LoginLimits,
    private readonly now: () => number = Date.now,
  ) {
    if (!(limits.perAccountAddress >= 1 && limits.perAddress >= 1 && limits.windowMs >= 1))
      throw new RangeError('login limits must be at least 1');
    this.shared = new Set(limits.sharedAddresses ?? []);
  }

  /** Seconds to wait before another attempt of `account` from `address`, or 0 when allowed. */
  retryAfterS(address: string, account: string): number {
    const waits = this.keys(address, account).map(([key, limit]) => this.waitMs(key, limit));
    const wait = Math.max(0, ...waits);
    return wait > 0 ? Math.max(1, Math.ceil(wait / 1000)) : 0;
  }

  /** A failed attempt (wrong password, unknown account). */
  fail(address: string, account: string): void {
    const now = this.now();
    for (const [key] of this.keys(address, account)) {
      const c = this.live(key, now);
      if (c) c.failures++;
      else this.counts.set(key, { failures: 1, resetAt: now + this.limits.windowMs });
    }
    const max = this.limits.maxKeys ?? 10_000;
    while (this.counts.size > max) {
      const oldest = this.counts.keys().next().value;
      if (oldest === undefined) break;
      this.counts.delete(oldest);
    }
  }

  /** A successful login forgives that account's failures from that address (not the address's). */
  succeed(address: string, account: string): void {
    this.counts.delete(pairKey(address, account));
  }

  private keys(address: string, account: string): [string, number][] {
    const out: [string, number][] = [[pairKey(address, account), this.limits.perAccountAddress]];
    if (!this.shared.has(address)) out.push([`a\u0000${address}`, this.limits.perAddress]);
    return out;
  }

  private live(key: string, now: number): Count | undefined {
    const c = this.counts.get(key);
    if (c && c.resetAt <= now) {
      this.counts.delete(key);
      return undefined;
    }
    return c;
  }

  private waitMs(key: string, limit: number): number {
    const now = this.now();
    const c = this.live(key, now);
    return c && c.failures >= limit ? c.resetAt - now : 0;
  }
}

const pairKey = (address: string, account: string) =>
  `p\u0000${address}\u0000${account.normalize('NFC').toLowerCase()}`;
