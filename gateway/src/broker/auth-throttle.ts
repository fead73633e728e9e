// Failed MQTT authentications counted per remote address. An address with `limit` failures
// within `windowS` is refused at CONNECT, before any password is checked, for `blockS`
// seconds: a flood of wrong passwords costs no hashing and leaves the devices that
// authenticate alone. A (address, username) pair that authenticated recently is let through a
// block (devices behind the same NAT as the flooder) until it fails itself.

export interface AuthThrottleOptions {
  /** failures from one address within the window that trigger a block */
  limit: number;
  windowS: number;
  blockS: number;
  now?: () => number;
}

interface AddressState {
  failures: number;
  windowStart: number;
  blockedUntil: number;
}

/** Most addresses tracked; past it the oldest are forgotten (a spoofing flood cannot grow memory). */
const MAX_ADDRESSES = 10_000;
const GOOD_PAIR_TTL_MS = 24 * 3600_000;

export type ConnectVerdict = { ok: true } | { ok: false; retryInS: number };

export class AuthThrottle {
  private readonly addresses = new Map<string, AddressState>();
  private readonly good = new Map<string, number>();
  private readonly now: () => number;

  constructor(private readonly o: AuthThrottleOptions) {
    this.now = o.now ?? Date.now;
  }

  /** Before authentication: may this address (and username) try? */
  admit(address: string, username: string | undefined): ConnectVerdict {
    const s = this.addresses.get(address);
    const t = this.now();
    if (!s || s.blockedUntil <= t) return { ok: true };
    if (username !== undefined) {
      const at = this.good.get(`${address}\n${username}`);
      if (at !== undefined && t - at < GOOD_PAIR_TTL_MS) return { ok: true };
    }
    return { ok: false, retryInS: Math.ceil((s.blockedUntil - t) / 1000) };
  }

  /** A failed authentication; true when this failure blocks the address. */
  failed(address: string, username: string | undefined): boolean {
    if (username !== undefined) this.good.delete(`${address}\n${username}`);
    const t = this.now();
    let s = this.addresses.get(address);
    if (!s || (s.blockedUntil <= t && t - s.windowStart >= this.o.windowS * 1000)) {
      s = { failures: 0, windowStart: t, blockedUntil: 0 };
      this.addresses.delete(address);
      this.addresses.set(address, s);
      this.trim(this.addresses);
    }
    s.failures++;
    if (s.blockedUntil <= t && s.failures >= this.o.limit) {
      s.blockedUntil = t + this.o.blockS * 1000;
      s.windowStart = s.blockedUntil; // a new window starts when the block ends
      s.failures = 0;
      return true;
    }
    return false;
  }

  /** A successful authentication: remember the pair so that a block on the address spares it. */
  succeeded(address: string, username: string): void {
    const k = `${address}\n${username}`;
    this.good.delete(k);
    this.good.set(k, this.now());
    this.trim(this.good);
  }

  /** Addresses refused at CONNECT right now. */
  blockedCount(): number {
    const t = this.now();
    let n = 0;
    for (const s of this.addresses.values()) if (s.blockedUntil > t) n++;
    return n;
  }

  private trim(m: Map<string, unknown>): void {
    while (m.size > MAX_ADDRESSES) {
      const oldest = m.keys().next().value;
      if (oldest === undefined) break;
      m.delete(oldest);
    }
  }
}
