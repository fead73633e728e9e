// Failed MQTT logins counted per address (injectable clock, no timing).
import { describe, expect, it } from 'vitest';
import { AuthThrottle } from '../../src/broker/auth-throttle.ts';

describe('auth throttle', () => {
  it('blocks an address after `limit` failures in the window, for blockS, and spares known-good pairs', () => {
    let t = 0;
    const th = new AuthThrottle({ limit: 3, windowS: 60, blockS: 120, now: () => t });
    th.succeeded('10.0.0.9', 'p1'); // a device behind the same address as the attacker
    expect([th.failed('10.0.0.9', 'x'), th.failed('10.0.0.9', 'x'), th.failed('10.0.0.9', 'x')]).toEqual([
      false,
      false,
      true,
    ]);
    expect(th.admit('10.0.0.9', 'x')).toEqual({ ok: false, retryInS: 120 });
    expect(th.admit('10.0.0.9', 'p1')).toEqual({ ok: true });
    expect(th.admit('10.0.0.8', 'x')).toEqual({ ok: true }); // other addresses are not affected
    expect(th.blockedCount()).toBe(1);
    th.failed('10.0.0.9', 'p1'); // a failure of the known pair withdraws its pass
    expect(th.admit('10.0.0.9', 'p1').ok).toBe(false);
    t += 121_000;
    expect(th.admit('10.0.0.9', 'x')).toEqual({ ok: true });
    expect(th.blockedCount()).toBe(0);
  });

  it('failures spread wider than the window do not block', () => {
    let t = 0;
    const th = new AuthThrottle({ limit: 3, windowS: 60, blockS: 120, now: () => t });
    for (let i = 0; i < 10; i++) {
      expect(th.failed('10.0.0.9', 'x')).toBe(false);
      t += 31_000;
    }
  });
});
