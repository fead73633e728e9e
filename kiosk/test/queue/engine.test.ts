import { afterEach, describe, expect, it } from 'vitest';
import { QueueError } from '../../src/queue/errors.ts';
import { admin, identity, MIN, makeEngine, type TestEngine } from './helpers.ts';

let t: TestEngine;
afterEach(() => t?.close());

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    if (err instanceof QueueError) return err.code;
    throw err;
  }
  return 'no error';
};

describe('issuing', () => {
  it('numbers per service per day with the prefix and three digits', () => {
    t = makeEngine();
    const a1 = t.engine.issue({ serviceId: 'general', source: 'anonymous' });
    const a2 = t.engine.issue({ serviceId: 'general', source: 'anonymous' });
    const b1 = t.engine.issue({ serviceId: 'elderly-care', source: 'anonymous' });
    expect([a1.ticket.number, a2.ticket.number, b1.ticket.number]).toEqual(['J001', 'J002', 'B001']);
    expect(a2.peopleAhead).toBe(1);
    expect(a2.estimatedWaitMin).toBeGreaterThan(0);
    expect(a1.followUrl).toBe(`http://127.0.0.1:8090/follow/${a1.token}`);
    expect(a1.token).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const issued = t.events.filter((e) => e.type === 'ticket.issued');
    expect(issued).toHaveLength(3);
    expect(JSON.stringify(issued)).not.toContain('hash');
    expect(t.events.some((e) => e.type === 'queue.changed')).toBe(true);
  });

  it('one open ticket per person per service: a second read returns the same ticket', () => {
    t = makeEngine();
    const first = t.engine.issue({ serviceId: 'social-security', source: 'card', identity: identity(1) });
    const again = t.engine.issue({ serviceId: 'social-security', source: 'card', identity: identity(1) });
    expect(again.reused).toBe(true);
    expect(again.ticket.id).toBe(first.ticket.id);
    const other = t.engine.issue({ serviceId: 'elderly-care', source: 'card', identity: identity(1) });
    expect(other.reused).toBe(false);
    expect(first.ticket.idMasked).toBe('110101********0001');
  });

  it('refuses anonymous tickets for services needing an ID card, closed services, and beyond the daily cap', () => {
    t = makeEngine();
    expect(code(() => t.engine.issue({ serviceId: 'social-security', source: 'anonymous' }))).toBe(
      'ID_REQUIRED',
    );
    t.clock.set('2026-11-23T12:00:00Z'); // 20:00 local: after hours
    expect(code(() => t.engine.issue({ serviceId: 'legal', source: 'anonymous' }))).toBe('SERVICE_CLOSED');
    // Staff may still issue after hours.
    expect(t.engine.issue({ serviceId: 'legal', source: 'staff' }, admin).ticket.number).toBe('H001');
    t.clock.set('2026-11-23T02:00:00Z');
    t.db.prepare("UPDATE services SET daily_cap = 2 WHERE id = 'legal'").run();
    t.engine.invalidateServices();
    t.engine.issue({ serviceId: 'legal', source: 'anonymous' });
    expect(code(() => t.engine.issue({ serviceId: 'legal', source: 'anonymous' }))).toBe('DAILY_CAP');
    expect(code(() => t.engine.issue({ serviceId: 'nope', source: 'anonymous' }))).toBe('NOT_FOUND');
    expect(
      code(() => t.engine.issue({ serviceId: 'general', source: 'staff', priorityClass: 'vip' }, admin)),
    ).toBe('BAD_CLASS');
  });

  it('gives priority automatically from the configured age (default 70) on the local day', () => {
    t = makeEngine();
    const seventy = t.engine.issue({
      serviceId: 'general',
      source: 'card',
      identity: identity(1, '1956-11-23'),
    });
    const almost = t.engine.issue({
      serviceId: 'general',
      source: 'card',
      identity: identity(2, '1956-11-24'),
    });
    expect(seventy.ticket.priorityClass).toBe('elderly');
    expect(almost.ticket.priorityClass).toBe('normal');
    expect(seventy.publicTicket.priority).toBe(true);
  });
});

describe('calling', () => {
  function issueSeq(kinds: string): string[] {
    const numbers: string[] = [];
    for (const k of kinds) {
      const r = t.engine.issue(
        k === 'P'
          ? { serviceId: 'general', source: 'staff', priorityClass: 'disability' }
          : { serviceId: 'general', source: 'staff' },
        admin,
      );
      numbers.push(r.ticket.number);
      t.clock.advance(MIN);
    }
    return numbers;
  }
  function drain(windowId: number): string[] {
    const out: string[] = [];
    for (;;) {
      try {
        const c = t.engine.callNext(windowId, admin);
        out.push(c.number);
        t.engine.finish(c.id, 'resolved', admin);
      } catch (err) {
        if (err instanceof QueueError && err.code === 'QUEUE_EMPTY') return out;
        throw err;
      }
    }
  }

  it('strict policy through the engine', () => {
    t = makeEngine({ queue: { policy: 'strict' } });
    issueSeq('NNPNNNPN');
    expect(drain(4)).toEqual(['J003', 'J007', 'J001', 'J002', 'J004', 'J005', 'J006', 'J008']);
  });

  it('ratio policy (N=3) through the engine, the streak kept per window in the database', () => {
    t = makeEngine({ queue: { policy: 'ratio', normalPerPriority: 3 } });
    issueSeq('NNPNNNPN');
    const first = [t.engine.callNext(4, admin)];
    t.engine.finish(first[0]!.id, 'resolved', admin);
    t.reopen(); // the streak survives a restart
    expect([first[0]!.number, ...drain(4)]).toEqual([
      'J001',
      'J002',
      'J004',
      'J003',
      'J005',
      'J006',
      'J008',
      'J007',
    ]);
  });

  it('weighted policy through the engine', () => {
    t = makeEngine({ queue: { policy: 'weighted', priorityWeight: 3 } });
    issueSeq('NNPNNNPN');
    // Now 8 min after the first arrival: waits 8,7,6×3=18,5,4,3,2×3=6,1.
    expect(drain(4)).toEqual(['J003', 'J001', 'J002', 'J007', 'J004', 'J005', 'J006', 'J008']);
  });

  it('a window with an open ticket cannot call another; windows only call their services', () => {
    t = makeEngine();
    const g = t.engine.issue({ serviceId: 'general', source: 'anonymous' });
    t.engine.issue({ serviceId: 'general', source: 'anonymous' });
    expect(code(() => t.engine.callNext(1, admin))).toBe('QUEUE_EMPTY'); // window 1 does not serve general
    expect(code(() => t.engine.callTicket(1, g.ticket.id, admin))).toBe('NOT_SERVED_HERE');
    const c = t.engine.callNext(4, admin);
    expect(c.number).toBe('J001');
    expect(code(() => t.engine.callNext(4, admin))).toBe('WINDOW_BUSY');
    const called = t.events.find((e) => e.type === 'ticket.called');
    expect(called?.payload.text).toBe('请J001号到4号窗口办理');
  });

  it('window staff must be signed in at the window', () => {
    t = makeEngine();
    t.db
      .prepare(
        `INSERT INTO staff (id, username, display_name, role, password_hash, created_at) VALUES (2, 'li', '李', 'window', 'x', 0)`,
      )
      .run();
    const li = { staffId: 2, username: 'li', role: 'window' as const };
    t.engine.issue({ serviceId: 'general', source: 'anonymous' });
    expect(code(() => t.engine.callNext(4, li))).toBe('NOT_AT_WINDOW');
    t.engine.signIn(4, li);
    expect(t.engine.callNext(4, li).staffId).toBe(2);
    const audit = t.db.prepare("SELECT action FROM audit_log WHERE username = 'li' ORDER BY id").all();
    expect(audit).toEqual([{ action: 'window.sign-in' }, { action: 'ticket.call-next' }]);
  });

  it('recall, no-show only after the configured recalls, reactivation queues behind those waiting', () => {
    t = makeEngine({ queue: { noShowAfterRecalls: 2 } });
    const a = t.engine.issue({ serviceId: 'general', source: 'anonymous' });
    t.clock.advance(MIN);
    const b = t.engine.issue({ serviceId: 'general', source: 'anonymous' });
    t.engine.callNext(4, admin);
    expect(code(() => t.engine.noShow(a.ticket.id, admin))).toBe('RECALLS_NEEDED');
    t.engine.recall(a.ticket.id, admin);
    expect(t.engine.recall(a.ticket.id, admin).recalls).toBe(2);
    expect(t.events.filter((e) => e.type === 'ticket.recalled').map((e) => e.payload.text)).toEqual([
      '请J001号到4号窗口办理',
      '请J001号到4号窗口办理',
    ]);
    expect(t.engine.noShow(a.ticket.id, admin).state).toBe('no-show');
    t.clock.advance(MIN);
    expect(t.engine.reactivate(a.ticket.id, admin).state).toBe('waiting');
    expect(t.engine.callNext(4, admin).id).toBe(b.ticket.id); // b arrived before the reactivation
    t.engine.finish(b.ticket.id, 'resolved', admin);
    expect(t.engine.callNext(4, admin).id).toBe(a.ticket.id);
  });

  it('transfer keeps the number, the QR token and the original arrival time', () => {
    t = makeEngine({ queue: { policy: 'strict' } });
    const a = t.engine.issue({ serviceId: 'general', source: 'card', identity: identity(7) });
    t.clock.advance(5 * MIN);
    const e1 = t.engine.issue({ serviceId: 'employment', source: 'anonymous' });
    t.clock.advance(MIN);
    t.engine.callNext(4, admin);
    t.clock.advance(2 * MIN);
    const moved = t.engine.transfer(a.ticket.id, 'employment', admin);
    expect(moved.number).toBe('J001');
    expect(moved.serviceId).toBe('employment');
    expect(moved.arrivedAt).toBe(a.ticket.arrivedAt);
    expect(t.engine.row(a.ticket.id).state).toBe('transferred');
    // Same token follows the new ticket; it goes ahead of E001 (arrived later).
    expect(t.engine.followView(a.token).ticket.id).toBe(moved.id);
    expect(t.engine.followView(a.token).peopleAhead).toBe(0);
    expect(t.engine.callNext(2, admin).id).toBe(moved.id);
    void e1;
  });

  it('finish with an outcome, then the resident rates once; low ratings need a reason and are listed', () => {
    t = makeEngine();
    const a = t.engine.issue({ serviceId: 'general', source: 'anonymous' });
    expect(code(() => t.engine.rate(a.token, 5))).toBe('BAD_STATE');
    t.engine.callNext(4, admin);
    t.engine.startServing(a.ticket.id, admin);
    expect(t.engine.finish(a.ticket.id, 'follow-up', admin, 'bring hukou book').outcome).toBe('follow-up');
    expect(t.engine.followView(a.token).canRate).toBe(true);
    expect(code(() => t.engine.rate(a.token, 2))).toBe('REASON_REQUIRED');
    expect(code(() => t.engine.rate(a.token, 2, 'bogus'))).toBe('REASON_REQUIRED');
    expect(t.engine.rate(a.token, 2, 'long-wait', '等了很久').rating).toBe(2);
    expect(code(() => t.engine.rate(a.token, 5))).toBe('ALREADY_RATED');
    const bad = t.engine.badRatings({ open: true });
    expect(bad).toHaveLength(1);
    expect(bad[0]?.ratingText).toBe('不满意');
    expect(bad[0]?.reasonText).toBe('等候时间过长');
    t.engine.followUp(a.ticket.id, 'called back', admin);
    expect(t.engine.badRatings({ open: true })).toHaveLength(0);
  });
});

describe('durability and the day', () => {
  it('a restart loses no ticket and keeps numbering', () => {
    t = makeEngine();
    const ids = [1, 2, 3].map(() => t.engine.issue({ serviceId: 'general', source: 'anonymous' }).ticket.id);
    t.engine.callNext(4, admin);
    t.reopen();
    expect(t.engine.listTickets({}).map((x) => [x.number, x.state])).toEqual([
      ['J001', 'called'],
      ['J002', 'waiting'],
      ['J003', 'waiting'],
    ]);
    expect(t.engine.issue({ serviceId: 'general', source: 'anonymous' }).ticket.number).toBe('J004');
    expect(t.engine.row(ids[1]!).state).toBe('waiting');
  });

  it('rolls over at local midnight: open tickets expire, numbering restarts, appointments missed', () => {
    t = makeEngine({ queue: { enforceHours: false } });
    const a = t.engine.issue({ serviceId: 'general', source: 'anonymous' });
    const b = t.engine.issue({ serviceId: 'general', source: 'anonymous' });
    t.engine.callNext(4, admin);
    t.clock.set('2026-11-23T15:59:00Z'); // 23:59 local, same day
    expect(t.engine.issue({ serviceId: 'general', source: 'anonymous' }).ticket.number).toBe('J003');
    t.clock.set('2026-11-23T16:00:00Z'); // 00:00 local on the 24th
    const next = t.engine.issue({ serviceId: 'general', source: 'anonymous' });
    expect(next.ticket.number).toBe('J001');
    expect(next.ticket.day).toBe('2026-11-24');
    expect(t.engine.row(a.ticket.id).state).toBe('expired');
    expect(t.engine.row(b.ticket.id).state).toBe('expired');
    const roll = t.events.find((e) => e.type === 'queue.rollover' && e.payload.day === '2026-11-24');
    expect(roll?.payload).toMatchObject({ day: '2026-11-24', expired: 3 });
    // The window that held yesterday's ticket is free again.
    expect(t.engine.callNext(4, admin).id).toBe(next.ticket.id);
  });

  it('purges the masked identity and ID hash of tickets older than the retention period', () => {
    t = makeEngine({ retentionDays: 30, queue: { enforceHours: false } });
    const a = t.engine.issue({ serviceId: 'general', source: 'card', identity: identity(3) });
    t.clock.set('2026-12-22T02:00:00Z'); // 29 days later: kept
    t.engine.today();
    expect(t.engine.row(a.ticket.id).id_hash).toBe('hash-3');
    t.clock.set('2026-12-24T02:00:00Z'); // 31 days later: purged
    t.engine.today();
    const row = t.engine.row(a.ticket.id);
    expect([row.id_hash, row.id_masked, row.name_masked, row.number, row.state]).toEqual([
      null,
      null,
      null,
      'J001',
      'expired',
    ]);
  });

  it('the rollover is seen by a second engine on the same file', () => {
    t = makeEngine({ queue: { enforceHours: false }, timeZone: 'Asia/Shanghai' });
    const a = t.engine.issue({ serviceId: 'general', source: 'anonymous' });
    t.clock.set('2026-11-24T01:00:00Z');
    t.reopen();
    expect(t.engine.today()).toBe('2026-11-24');
    expect(t.engine.row(a.ticket.id).state).toBe('expired');
  });
});
