// peopleAhead() counts in SQL; it must equal the ticket's place in callOrder() over every
// waiting ticket, for each policy, with appointments (due and early) and ties in time.
import { afterEach, describe, expect, it } from 'vitest';
import { type Candidate, callOrder } from '../../src/queue/policy.ts';
import type { TicketRow } from '../../src/queue/types.ts';
import { admin, MIN, makeEngine, type TestEngine } from './helpers.ts';

let t: TestEngine;
afterEach(() => t?.close());

// A small deterministic generator, so a failure can be reproduced.
function rng(seed: number) {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x / 2 ** 31;
  };
}

describe.each(['strict', 'ratio', 'weighted'] as const)('people ahead under %s', (policy) => {
  it('equals the place in the full calling order', () => {
    t = makeEngine({ queue: { policy, normalPerPriority: 2, priorityWeight: 3, enforceHours: false } });
    const rand = rng(policy.length * 7919);
    for (let i = 0; i < 60; i++) {
      const r = rand();
      const res = t.engine.issue(
        r < 0.3
          ? { serviceId: 'general', source: 'staff', priorityClass: 'pregnancy' }
          : { serviceId: 'general', source: 'staff' },
        admin,
      );
      if (r > 0.9) {
        // Some appointment tickets: slots around now, some due, some early.
        const slot = t.clock.now() + Math.round((rand() - 0.5) * 40) * MIN;
        t.db.prepare('UPDATE tickets SET slot_at = ? WHERE id = ?').run(slot, res.ticket.id);
      }
      if (rand() < 0.7) t.clock.advance(Math.round(rand() * 3) * MIN); // several share a time
    }
    const rows = t.db
      .prepare("SELECT rowid AS tie, * FROM tickets WHERE state = 'waiting'")
      .all() as (TicketRow & { tie: number })[];
    const cands: Candidate[] = rows.map((r) => ({
      id: r.id,
      priority: r.priority_class !== 'normal',
      orderAt: r.order_at,
      slotAt: r.slot_at,
      tie: r.tie,
    }));
    const order = callOrder(cands, t.clock.now(), t.engine.policy).map((c) => c.id);
    for (const r of rows)
      expect([r.number, t.engine.peopleAhead(r)]).toEqual([r.number, order.indexOf(r.id)]);
    // And call-next follows the same order.
    const called: string[] = [];
    for (let i = 0; i < 10; i++) {
      const c = t.engine.callNext(4, admin);
      called.push(c.id);
      t.engine.finish(c.id, 'resolved', admin);
    }
    expect(called).toEqual(order.slice(0, 10));
  });
});

describe('waiting counts (migration 005)', () => {
  it('equal a count of the waiting tickets after every kind of ticket change', () => {
    t = makeEngine({ queue: { policy: 'ratio', normalPerPriority: 2, enforceHours: false } });
    const counted = () =>
      t.db
        .prepare(
          `SELECT service_id, day, CASE WHEN slot_at IS NOT NULL THEN 'appointment'
             WHEN priority_class != 'normal' THEN 'priority' ELSE 'normal' END AS class, COUNT(*) AS n
           FROM tickets WHERE state = 'waiting' GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
        )
        .all();
    const kept = () =>
      t.db.prepare('SELECT service_id, day, class, n FROM waiting_counts WHERE n > 0 ORDER BY 1, 2, 3').all();
    const rand = rng(4242);
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      const res = t.engine.issue(
        rand() < 0.3
          ? { serviceId: 'general', source: 'staff', priorityClass: 'pregnancy' }
          : { serviceId: rand() < 0.5 ? 'general' : 'elderly-care', source: 'staff' },
        admin,
      );
      ids.push(res.ticket.id);
      if (rand() < 0.1)
        t.db.prepare('UPDATE tickets SET slot_at = ? WHERE id = ?').run(t.clock.now() + MIN, res.ticket.id);
      t.clock.advance(MIN);
    }
    expect(kept()).toEqual(counted());
    const called = t.engine.callNext(4, admin);
    for (let i = 0; i < t.config.queue.noShowAfterRecalls; i++) t.engine.recall(called.id, admin);
    t.engine.noShow(called.id, admin);
    expect(kept()).toEqual(counted());
    t.engine.reactivate(called.id, admin);
    expect(kept()).toEqual(counted());
    t.engine.setPriority(ids[1] as string, 'pregnancy', admin);
    t.engine.cancel(ids[2] as string, admin);
    expect(kept()).toEqual(counted());
    const next = t.engine.callNext(4, admin);
    const other = next.serviceId === 'general' ? 'elderly-care' : 'general';
    t.engine.transfer(next.id, other, admin, 'to the other desk');
    expect(kept()).toEqual(counted());
    for (const table of ['ticket_events', 'ticket_prints'])
      t.db.prepare(`DELETE FROM ${table} WHERE ticket_id = ?`).run(ids[3]);
    t.db.prepare('DELETE FROM tickets WHERE id = ?').run(ids[3]);
    expect(kept()).toEqual(counted());
    expect(counted().length).toBeGreaterThan(1);
  });
});
