// The small parts of neighbour responders: signed links, availability hours, the volunteer-hours
// rule and its CSV, the notifier's signature and backoff.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isAvailable } from '../../src/responders/availability.ts';
import { creditedMinutes, hoursCsv } from '../../src/responders/hours.ts';
import { bearer, signLink, verifyLink } from '../../src/responders/link.ts';
import { backoffMs, signature } from '../../src/responders/notifier.ts';

const key = Buffer.alloc(32, 7);
const code = (fn: () => unknown) => {
  try {
    fn();
    return 'ok';
  } catch (e) {
    return (e as { code: string }).code;
  }
};

describe('responder links', () => {
  const claims = { alertId: 'al-1', responderId: 'rsp-0123456789ab', exp: 2_000 };
  it('verify what was signed, until the expiry', () => {
    const t = signLink(key, claims);
    expect(verifyLink(key, t, 1_999)).toEqual(claims);
    expect(code(() => verifyLink(key, t, 2_000))).toBe('LINK_EXPIRED');
  });
  it('refuse a changed payload or signature, another key, garbage', () => {
    const t = signLink(key, claims);
    const [p, s] = t.split('.') as [string, string];
    const other = Buffer.from(JSON.stringify(['al-2', claims.responderId, claims.exp])).toString('base64url');
    expect(code(() => verifyLink(key, `${other}.${s}`, 0))).toBe('LINK_INVALID');
    expect(code(() => verifyLink(key, `${p}.${s.slice(0, -2)}AA`, 0))).toBe('LINK_INVALID');
    expect(code(() => verifyLink(Buffer.alloc(32, 8), t, 0))).toBe('LINK_INVALID');
    // every one-character change of the signature, including the last character's unused bits
    for (let i = 0; i < s.length; i++)
      for (const c of ['A', 'B', 'g', '_'])
        if (s[i] !== c)
          expect(code(() => verifyLink(key, `${p}.${s.slice(0, i)}${c}${s.slice(i + 1)}`, 0))).toBe(
            'LINK_INVALID',
          );
    for (const bad of ['', '.', 'abc', `${p}.`, `.${s}`, `${p}.${s}.x`, 'x'.repeat(600)])
      expect(code(() => verifyLink(key, bad, 0))).toBe('LINK_INVALID');
  });
  it('read the token of a bearer header only', () => {
    expect(bearer('Bearer a.b')).toBe('a.b');
    expect(bearer('Basic a.b')).toBeUndefined();
    expect(bearer(undefined)).toBeUndefined();
  });
});

describe('availability hours (station time, +08:00)', () => {
  const at = (h: number, m = 0) => Date.UTC(2026, 11, 1, h - 8, m);
  it('a day range, a range over midnight, any time', () => {
    expect(isAvailable('08:00-20:00', at(8), 480)).toBe(true);
    expect(isAvailable('08:00-20:00', at(20), 480)).toBe(false);
    expect(isAvailable('20:00-08:00', at(23, 30), 480)).toBe(true);
    expect(isAvailable('20:00-08:00', at(7, 59), 480)).toBe(true);
    expect(isAvailable('20:00-08:00', at(12), 480)).toBe(false);
    expect(isAvailable(null, at(3), 480)).toBe(true);
    expect(isAvailable('00:00-00:00', at(3), 480)).toBe(true);
    expect(isAvailable('nonsense', at(3), 480)).toBe(false);
  });
});

describe('volunteer hours rule', () => {
  const min = 60_000;
  it('from "I\'m going" to the resolution; the "I\'m there" minimum; the cap; nothing without attending', () => {
    expect(creditedMinutes({ goingAt: 0, thereAt: null }, 45 * min)).toEqual({
      start: 0,
      minutes: 45,
      rule: 'going-to-resolved',
    });
    expect(creditedMinutes({ goingAt: 0, thereAt: 5 * min }, 10 * min)?.minutes).toBe(30);
    expect(creditedMinutes({ goingAt: null, thereAt: 0 }, 10 * min)?.rule).toBe('there-minimum');
    expect(creditedMinutes({ goingAt: 0, thereAt: null }, 600 * min)).toMatchObject({
      minutes: 240,
      rule: 'capped',
    });
    expect(creditedMinutes({ goingAt: null, thereAt: null }, 10 * min)).toBeUndefined();
  });
  it('CSV: header, station time, a cell that would be a formula is quoted harmless', () => {
    const csv = hoursCsv(
      [
        {
          alertId: 'al-1',
          responderId: 'rsp-1',
          responderName: '=cmd()',
          residentId: 'res-1',
          startAt: Date.UTC(2026, 11, 1, 0, 0),
          endAt: Date.UTC(2026, 11, 1, 0, 45),
          minutes: 45,
          rule: 'going-to-resolved',
        },
      ],
      480,
    );
    expect(csv.split('\r\n')[0]).toBe('responder_id,responder,alert_id,resident_id,start,end,minutes,rule');
    expect(csv.split('\r\n')[1]).toBe(
      "rsp-1,'=cmd(),al-1,res-1,2026-12-01 08:00,2026-12-01 08:45,45,going-to-resolved",
    );
  });
});

describe('notifier', () => {
  it('signs the timestamp, a dot and the body with HMAC-SHA256', () => {
    const want = createHmac('sha256', 'secret-0123456789').update('17.{"a":1}').digest('hex');
    expect(signature('secret-0123456789', '17', '{"a":1}')).toBe(`sha256=${want}`);
  });
  it('backs off 1, 2, 4 … s up to 60 s', () => {
    expect([1, 2, 3, 4, 7, 20].map(backoffMs)).toEqual([1000, 2000, 4000, 8000, 60_000, 60_000]);
  });
});

describe('responders config', () => {
  it('a notifier URL needs a signing secret of 16+ bytes; URLs must be http(s)', async () => {
    const { loadConfig } = await import('../../src/config.ts');
    const keyOf = (over: object) => {
      try {
        loadConfig({ responders: over }, {});
        return 'ok';
      } catch (e) {
        return (e as { key?: string; message: string }).key ?? (e as Error).message;
      }
    };
    expect(keyOf({ notifierUrl: 'http://127.0.0.1:8025/messages' })).toContain('responders.notifierSecret');
    expect(keyOf({ notifierUrl: 'ftp://x', notifierSecret: 's'.repeat(16) })).toContain(
      'responders.notifierUrl',
    );
    expect(keyOf({ notifierUrl: 'http://x/m', notifierSecret: 's'.repeat(16) })).toBe('ok');
    expect(keyOf({ publicUrl: 'javascript:alert(1)' })).toContain('responders.publicUrl');
  });
});
