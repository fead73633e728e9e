import { describe, expect, it } from 'vitest';
import {
  type LoginCount,
  type LoginCountStore,
  LoginLimiter,
  SharedLoginLimiter,
} from '../../service/index.ts';

const limits = { perAccountAddress: 3, perAddress: 10, windowMs: 60_000 };

describe('LoginLimiter', () => {
  it('never locks an account out from another address: failures count per (account, address)', () => {
    let now = 0;
    const l = new LoginLimiter(limits, () => now);
    for (let i = 0; i < 3; i++) l.fail('198.51.100.7', 'admin');
    expect(l.retryAfterS('198.51.100.7', 'admin')).toBe(60);
    expect(l.retryAfterS('198.51.100.7', 'ADMIN')).toBe(60); // the same account
    expect(l.retryAfterS('192.0.2.10', 'admin')).toBe(0); // the real admin elsewhere
    now = 30_000;
    expect(l.retryAfterS('198.51.100.7', 'admin')).toBe(30);
    now = 60_000;
    expect(l.retryAfterS('198.51.100.7', 'admin')).toBe(0);
  });

  it('limits an address trying many accounts, and only that address', () => {
    const l = new LoginLimiter(limits, () => 0);
    for (let i = 0; i < 10; i++) l.fail('198.51.100.7', `user${i}`);
    expect(l.retryAfterS('198.51.100.7', 'admin')).toBe(60);
    expect(l.retryAfterS('192.0.2.10', 'admin')).toBe(0);
  });

  it('a shared address (the station itself) is limited per account only', () => {
    const l = new LoginLimiter({ ...limits, sharedAddresses: ['127.0.0.1'] }, () => 0);
    for (let i = 0; i < 30; i++) l.fail('127.0.0.1', `window${i % 10}`);
    expect(l.retryAfterS('127.0.0.1', 'admin')).toBe(0);
    expect(l.retryAfterS('127.0.0.1', 'window1')).toBe(60);
  });

  it('success forgives the pair, not the address', () => {
    const l = new LoginLimiter({ ...limits, perAddress: 4 }, () => 0);
    for (let i = 0; i < 2; i++) l.fail('198.51.100.7', 'admin');
    l.fail('198.51.100.7', 'other');
    l.succeed('198.51.100.7', 'admin');
    l.fail('198.51.100.7', 'admin');
    expect(l.retryAfterS('198.51.100.7', 'admin')).toBe(60); // the address reached 4
    expect(l.retryAfterS('198.51.100.8', 'admin')).toBe(0);
  });

  it('remembers a bounded number of keys', () => {
    const l = new LoginLimiter({ ...limits, maxKeys: 100 }, () => 0);
    for (let i = 0; i < 1000; i++) l.fail(`10.0.${i >> 8}.${i & 255}`, 'admin');
    expect(l.retryAfterS('10.0.3.231', 'admin')).toBe(0);
  });
});

/** The smallest store: what SharedLoginLimiter needs of one (the center's is in PostgreSQL,
 *  gateway/test/center/center-pg-logins.test.ts). */
class MapCounts implements LoginCountStore {
  readonly counts = new Map<string, LoginCount>();
  async get(keys: string[], now: number) {
    const out = new Map<string, LoginCount>();
    for (const k of keys) {
      const c = this.counts.get(k);
      if (c && c.resetAt > now) out.set(k, { ...c });
    }
    return out;
  }
  async add(keys: string[], now: number, windowMs: number) {
    for (const k of keys) {
      const c = this.counts.get(k);
      if (c && c.resetAt > now) c.failures++;
      else this.counts.set(k, { failures: 1, resetAt: now + windowMs });
    }
  }
  async delete(key: string) {
    this.counts.delete(key);
  }
}

describe('SharedLoginLimiter: the same limits, counted in a store instances share', () => {
  it('two limiters on one store limit together, per (account, address) and per address', async () => {
    let now = 0;
    const store = new MapCounts();
    const [a, b] = [1, 2].map(() => new SharedLoginLimiter({ ...limits, perAddress: 5 }, store, () => now));
    await a!.fail('198.51.100.7', 'admin');
    await b!.fail('198.51.100.7', 'Admin');
    expect(await a!.retryAfterS('198.51.100.7', 'admin')).toBe(0);
    await a!.fail('198.51.100.7', 'admin');
    expect(await b!.retryAfterS('198.51.100.7', 'admin')).toBe(60);
    expect(await b!.retryAfterS('192.0.2.10', 'admin')).toBe(0);
    // the address: 3 so far, 2 more on other accounts reach its limit of 5
    await b!.fail('198.51.100.7', 'x');
    await a!.fail('198.51.100.7', 'y');
    expect(await a!.retryAfterS('198.51.100.7', 'z')).toBe(60);
    now = 59_500;
    expect(await b!.retryAfterS('198.51.100.7', 'admin')).toBe(1);
    now = 60_000;
    expect(await b!.retryAfterS('198.51.100.7', 'admin')).toBe(0);
  });

  it('success forgives the pair on every instance; a shared address is limited per account only', async () => {
    const store = new MapCounts();
    const [a, b] = [1, 2].map(
      () => new SharedLoginLimiter({ ...limits, sharedAddresses: ['127.0.0.1'] }, store, () => 0),
    );
    await a!.fail('127.0.0.1', 'admin');
    await a!.fail('127.0.0.1', 'admin');
    await b!.succeed('127.0.0.1', 'admin');
    await a!.fail('127.0.0.1', 'admin');
    expect(await b!.retryAfterS('127.0.0.1', 'admin')).toBe(0);
    for (let i = 0; i < 30; i++) await a!.fail('127.0.0.1', `window${i % 10}`);
    expect(await b!.retryAfterS('127.0.0.1', 'admin')).toBe(0);
    expect(await b!.retryAfterS('127.0.0.1', 'window1')).toBe(60);
    expect([...store.counts.keys()].some((k) => k.startsWith('a\u0000'))).toBe(false);
  });
});
