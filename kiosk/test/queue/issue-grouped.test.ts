// Issue requests of one event-loop turn share one transaction (issue.ts, group-transaction.ts).
import { afterEach, describe, expect, it } from 'vitest';
import { QueueError } from '../../src/queue/errors.ts';
import { TicketStore } from '../../src/queue/ticket-store.ts';
import { admin, identity, makeEngine, type TestEngine } from './helpers.ts';

let t: TestEngine;
afterEach(() => t?.close());

const walFrames = (e: TestEngine) =>
  (e.db.pragma('wal_checkpoint(PASSIVE)') as { log: number }[])[0]?.log ?? 0;

describe('grouped issuing', () => {
  it('answers each request after one shared commit, numbers contiguous, events after the commit', async () => {
    t = makeEngine();
    const seenAtEvent: number[] = [];
    t.bus.on('ticket.issued', () => {
      // The event goes out only once the ticket is committed (visible outside the transaction).
      seenAtEvent.push(t.db.inTransaction ? -1 : 1);
    });
    const results = await Promise.all(
      Array.from({ length: 5 }, () => t.engine.issueGrouped({ serviceId: 'general', source: 'anonymous' })),
    );
    expect(results.map((r) => r.ticket.number)).toEqual(['J001', 'J002', 'J003', 'J004', 'J005']);
    expect(results.map((r) => r.peopleAhead)).toEqual([0, 1, 2, 3, 4]);
    expect(seenAtEvent).toEqual([1, 1, 1, 1, 1]);
    expect(t.engine.issuing.batches).toBe(1);
    // Time-ordered ids (UUID version 7), so new tickets append to their indexes.
    for (const r of results)
      expect(r.ticket.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    t.reopen();
    expect(t.engine.listTickets({}).length).toBe(5);
  });

  it('a refused request is rolled back alone; the same person twice in one turn gets one ticket', async () => {
    t = makeEngine();
    t.db.prepare("UPDATE services SET daily_cap = 2 WHERE id = 'general'").run();
    t.reopen();
    const person = identity(7);
    const results = await Promise.allSettled([
      t.engine.issueGrouped({ serviceId: 'general', source: 'anonymous' }),
      t.engine.issueGrouped({ serviceId: 'elderly-care', source: 'card', identity: person }),
      t.engine.issueGrouped({ serviceId: 'general', source: 'anonymous' }),
      t.engine.issueGrouped({ serviceId: 'general', source: 'anonymous' }),
      t.engine.issueGrouped({ serviceId: 'elderly-care', source: 'card', identity: person }),
    ]);
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    const refused = (results[3] as PromiseRejectedResult).reason;
    expect(refused).toBeInstanceOf(QueueError);
    expect((refused as QueueError).code).toBe('DAILY_CAP');
    const ok = results.filter((r) => r.status === 'fulfilled').map((r) => r.value);
    expect(ok.map((r) => [r.ticket.number, r.reused])).toEqual([
      ['J001', false],
      ['B001', false],
      ['J002', false],
      ['B001', true],
    ]);
    expect(t.engine.listTickets({}).length).toBe(3);
    expect(t.events.filter((e) => e.type === 'ticket.issued')).toHaveLength(3);
  });

  it('writes fewer WAL pages per ticket than one commit each', async () => {
    t = makeEngine();
    t.db.prepare("UPDATE services SET daily_cap = 999 WHERE id = 'general'").run();
    t.reopen();
    for (let i = 0; i < 20; i++) t.engine.issue({ serviceId: 'general', source: 'anonymous' });
    t.db.pragma('wal_checkpoint(TRUNCATE)');
    for (let i = 0; i < 40; i++) t.engine.issue({ serviceId: 'general', source: 'anonymous' });
    const single = walFrames(t);
    t.db.pragma('wal_checkpoint(TRUNCATE)');
    await Promise.all(
      Array.from({ length: 40 }, () => t.engine.issueGrouped({ serviceId: 'general', source: 'anonymous' })),
    );
    const grouped = walFrames(t);
    expect(grouped * 4).toBeLessThan(single);
  });
});

describe('the snapshot from the kept counts', () => {
  it('gives the waiting and priority counts a scan of the day gives', () => {
    t = makeEngine();
    const classes = [undefined, 'pregnancy', undefined, undefined, 'pregnancy'];
    for (let i = 0; i < 40; i++) {
      const serviceId = i % 3 === 0 ? 'elderly-care' : 'general';
      const priorityClass = classes[i % classes.length];
      const res = t.engine.issue(
        priorityClass ? { serviceId, source: 'staff', priorityClass } : { serviceId, source: 'staff' },
        admin,
      );
      // Appointments of either class.
      if (i % 7 === 0)
        t.db.prepare('UPDATE tickets SET slot_at = ? WHERE id = ?').run(t.clock.now(), res.ticket.id);
    }
    t.engine.callNext(4, admin);
    t.engine.callNext(1, admin);
    const day = t.engine.today();
    const scanned = t.db
      .prepare(
        `SELECT service_id, COUNT(*) AS n, SUM(priority_class != 'normal') AS p FROM tickets
         WHERE day = ? AND state = 'waiting' GROUP BY service_id ORDER BY service_id`,
      )
      .all(day);
    const snap = t.engine.snapshot();
    const fromSnapshot = snap.services
      .filter((s) => s.waiting > 0)
      .map((s) => ({ service_id: s.serviceId, n: s.waiting, p: s.priorityWaiting }))
      .sort((a, b) => a.service_id.localeCompare(b.service_id));
    expect(fromSnapshot).toEqual(scanned);
    expect(snap.windows.find((w) => w.id === 4)?.current).not.toBeNull();
    expect(snap.recentCalls.length).toBeGreaterThan(0);
  });
});

describe('TicketStore.insert', () => {
  it('returns the row exactly as stored (every default)', () => {
    t = makeEngine();
    const store = new TicketStore(t.db);
    const returned = store.insert({
      id: '0190d7a2-0000-7000-8000-000000000001',
      token: 'tok-0123456789abcdefghij',
      day: '2026-11-23',
      serviceId: 'general',
      seq: 7,
      number: 'J007',
      priorityClass: 'normal',
      source: 'anonymous',
      idHash: null,
      idMasked: null,
      nameMasked: null,
      appointmentId: null,
      slotAt: null,
      arrivedAt: 1,
      queuedAt: 2,
      orderAt: 3,
      transferredFrom: null,
    });
    expect(returned).toEqual(store.row('0190d7a2-0000-7000-8000-000000000001'));
  });
});
