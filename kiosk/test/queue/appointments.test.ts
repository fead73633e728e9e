import { afterEach, describe, expect, it } from 'vitest';
import { Appointments } from '../../src/queue/appointments.ts';
import { QueueError } from '../../src/queue/errors.ts';
import { admin, MIN, makeEngine, type TestEngine } from './helpers.ts';

let t: TestEngine;
afterEach(() => t?.close());

const errCode = (fn: () => unknown) => {
  try {
    fn();
    return 'no error';
  } catch (err) {
    return err instanceof QueueError ? err.code : String(err);
  }
};

describe('appointments', () => {
  it('a checked-in appointment is called at its slot time ahead of walk-ins of the same service', () => {
    t = makeEngine({ queue: { policy: 'strict' } });
    const appts = new Appointments(t.engine, 'k'.repeat(20));
    const a = appts.book(
      {
        serviceId: 'general',
        day: '2026-11-23',
        time: '10:30',
        name: '王小明',
        idNumber: '11010119491001001X',
      },
      admin,
    );
    expect(a.code).toMatch(/^[A-Z2-9]{10}$/);
    expect(a.nameMasked).toBe('王*明');
    expect(a.idMasked).toBe('110101********001X');
    // Walk-ins arrive first.
    const w1 = t.engine.issue({ serviceId: 'general', source: 'anonymous' });
    t.clock.advance(5 * MIN);
    const w2 = t.engine.issue({ serviceId: 'general', source: 'anonymous' });
    t.clock.advance(5 * MIN); // 10:10: check in 20 min early
    const checked = appts.checkIn(`LINLI-APPT:${a.code.toLowerCase()}`);
    expect(checked.late).toBe(false);
    expect(checked.publicTicket.appointment).toBe(true);
    expect(appts.checkIn(a.code).ticket.id).toBe(checked.ticket.id); // second check-in: same ticket
    // Before the slot, walk-ins are called first.
    expect(t.engine.callNext(4, admin).id).toBe(w1.ticket.id);
    t.engine.finish(w1.ticket.id, 'resolved', admin);
    t.clock.set(Date.parse('2026-11-23T02:30:00Z')); // 10:30, the slot
    expect(t.engine.callNext(4, admin).id).toBe(checked.ticket.id);
    t.engine.finish(checked.ticket.id, 'resolved', admin);
    expect(t.engine.callNext(4, admin).id).toBe(w2.ticket.id);
    expect(appts.list('2026-11-23')[0]?.state).toBe('checked-in');
  });

  it('refuses unknown, cancelled, other-day and too-early codes; a late one becomes a walk-in', () => {
    t = makeEngine();
    const appts = new Appointments(t.engine, 'k'.repeat(20));
    expect(errCode(() => appts.checkIn('NOSUCHCODE'))).toBe('APPOINTMENT_UNKNOWN');
    expect(errCode(() => appts.checkIn('??'))).toBe('APPOINTMENT_UNKNOWN');
    const tomorrow = appts.book({ serviceId: 'general', day: '2026-11-24', time: '10:00' }, admin);
    expect(errCode(() => appts.checkIn(tomorrow.code))).toBe('APPOINTMENT_OTHER_DAY');
    const later = appts.book({ serviceId: 'general', day: '2026-11-23', time: '15:00' }, admin);
    expect(errCode(() => appts.checkIn(later.code))).toBe('APPOINTMENT_TOO_EARLY');
    const c = appts.book({ serviceId: 'general', day: '2026-11-23', time: '11:00' }, admin);
    appts.cancel(c.id, admin);
    expect(errCode(() => appts.checkIn(c.code))).toBe('APPOINTMENT_CANCELLED');
    const early = appts.book({ serviceId: 'general', day: '2026-11-23', time: '09:00' }, admin);
    const res = appts.checkIn(early.code); // 10:00, an hour late
    expect(res.late).toBe(true);
    expect(res.ticket.slotAt).toBeNull();
  });
});
