// One login limiter for every staff login (gateway consoles, kiosk staff): failures are counted
// per (account, address) and per address — never per account alone, so a stranger elsewhere can
// never lock an account (the admin of an alarm console) out. While a count is at its limit,
// further attempts from there are refused without checking the password until its window ends.
// Addresses shared by a station's staff (the station's own machine) are limited only per
// (account, address), so one person's typos cannot lock out the others.
//
// LoginLimiter counts in memory (a restart forgives). SharedLoginLimiter counts the same way in a
// LoginCountStore that several instances of a service share (the center's PostgreSQL database:
// gateway/src/center/pg/login-counts.ts), so attempts spread over instances are limited as if
// they had gone to one. Callers use either through LoginLimiting.

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
export type LoginCount = Count;

/** What a login route needs of a limiter (memory or shared). */
export interface LoginLimiting {
  /** Seconds to wait before another attempt of `account` from `address`, or 0 when allowed. */
  retryAfterS(address: string, account: string): number | Promise<number>;
  /** A failed attempt (wrong password, unknown account). */
  fail(address: string, account: string): void | Promise<void>;
  /** A successful login forgives that account's failures from that address (not the address's). */
  succeed(address: string, account: string): void | Promise<void>;
}

/** Where a SharedLoginLimiter counts: keys are opaque strings (they contain the address and the
 *  account name, normalised). */
export interface LoginCountStore {
  /** The counts of these keys whose window has not ended at `now` (others absent). */
  get(keys: string[], now: number): Promise<Map<string, LoginCount>>;
  /** One more failure on each key, atomically; a key without a live count starts at 1 with a
   *  window ending at now + windowMs. */
  add(keys: string[], now: number, windowMs: number): Promise<void>;
  delete(key: string): Promise<void>;
}

function checkLimits(limits: LoginLimits): void {
  if (!(limits.perAccountAddress >= 1 && limits.perAddress >= 1 && limits.windowMs >= 1))
    throw new RangeError('login limits must be at least 1');
}

/** The keys an attempt counts on, each with its limit. */
function limiterKeys(limits: LoginLimits, shared: ReadonlySet<string>, address: string, account: string) {
  const out: [string, number][] = [[pairKey(address, account), limits.perAccountAddress]];
  if (!shared.has(address)) out.push([`a\u0000${address}`, limits.perAddress]);
  return out;
}

const waitS = (waitMs: number) => (waitMs > 0 ? Math.max(1, Math.ceil(waitMs / 1000)) : 0);

export class LoginLimiter implements LoginLimiting {
  private readonly counts = new Map<string, Count>();
  private readonly shared: ReadonlySet<string>;

  constructor(
    readonly limits: LoginLimits,
    private readonly now: () => number = Date.now,
  ) {
    checkLimits(limits);
    this.shared = new Set(limits.sharedAddresses ?? []);
  }

  /** Seconds to wait before another attempt of `account` from `address`, or 0 when allowed. */
  retryAfterS(address: string, account: string): number {
    const waits = this.keys(address, account).map(([key, limit]) => this.waitMs(key, limit));
    return waitS(Math.max(0, ...waits));
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
    return limiterKeys(this.limits, this.shared, address, account);
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

/** The same limits as LoginLimiter, counted in a store that several instances share. Every call
 *  is a round trip to the store; only login attempts pay it. */
export class SharedLoginLimiter implements LoginLimiting {
  private readonly shared: ReadonlySet<string>;

  constructor(
    readonly limits: LoginLimits,
    private readonly store: LoginCountStore,
    private readonly now: () => number = Date.now,
  ) {
    checkLimits(limits);
    this.shared = new Set(limits.sharedAddresses ?? []);
  }

  async retryAfterS(address: string, account: string): Promise<number> {
    const now = this.now();
    const keys = limiterKeys(this.limits, this.shared, address, account);
    const counts = await this.store.get(
      keys.map(([k]) => k),
      now,
    );
    let wait = 0;
    for (const [key, limit] of keys) {
      const c = counts.get(key);
      if (c && c.resetAt > now && c.failures >= limit) wait = Math.max(wait, c.resetAt - now);
    }
    return waitS(wait);
  }

  async fail(address: string, account: string): Promise<void> {
    const keys = limiterKeys(this.limits, this.shared, address, account).map(([k]) => k);
    await this.store.add(keys, this.now(), this.limits.windowMs);
  }

  async succeed(address: string, account: string): Promise<void> {
    await this.store.delete(pairKey(address, account));
  }
}
