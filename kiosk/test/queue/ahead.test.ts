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
