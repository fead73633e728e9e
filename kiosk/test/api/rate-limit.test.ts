import { describe, expect, it } from 'vitest';
import { LoginLimiter } from '../../src/auth/rate-limit.ts';

describe('login limiter', () => {
  it('blocks a name from an address after max failures, for the rest of the window', () => {
    let now = 0;
    const l = new LoginLimiter(3, 60_000, () => now);
    for (let i = 0; i < 3; i++) {
      expect(l.retryAfterS('10.0.0.1', 'li')).toBe(0);
      l.fail('10.0.0.1', 'li');
      now += 1000;
    }
    expect(l.retryAfterS('10.0.0.1', 'LI')).toBe(57); // the first failure leaves the window at 60 s
    expect(l.retryAfterS('10.0.0.2', 'li')).toBe(0); // another address
    expect(l.retryAfterS('10.0.0.1', 'wang')).toBe(0); // another name
    now = 60_001;
    expect(l.retryAfterS('10.0.0.1', 'li')).toBe(0);
  });

  it('blocks an address trying many names (4 × max)', () => {
    let now = 0;
    const l = new LoginLimiter(2, 60_000, () => now);
    for (let i = 0; i < 8; i++) l.fail('10.0.0.9', `user${i}`);
    expect(l.retryAfterS('10.0.0.9', 'fresh')).toBeGreaterThan(0);
    now = 61_000;
    expect(l.retryAfterS('10.0.0.9', 'fresh')).toBe(0);
  });

  it('a success clears the name’s failures', () => {
    const l = new LoginLimiter(2, 60_000, () => 0);
    l.fail('a', 'li');
    l.succeed('a', 'li');
    l.fail('a', 'li');
    expect(l.retryAfterS('a', 'li')).toBe(0);
  });
});
