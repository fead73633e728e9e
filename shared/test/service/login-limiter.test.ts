import { describe, expect, it } from 'vitest';
import { LoginLimiter } from '../../service/index.ts';

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
