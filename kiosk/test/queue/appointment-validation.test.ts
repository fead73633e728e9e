// Issue #10 defect 17: appointments refuse impossible input (a day that does not exist, a past
// day, an ID number with a wrong check digit, an ID-required service without the number); a
// booking without the number is checked in with the card on the reader; staff may issue an
// ID-required ticket on a resident's behalf after checking the identity themselves (audited).
import { hmacIdNumber } from '@linli/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { Appointments } from '../../src/queue/appointments.ts';
import { readAudit } from '../../src/queue/audit.ts';
import { QueueError } from '../../src/queue/errors.ts';
import { admin, MIN, makeEngine, type TestEngine } from './helpers.ts';

const KEY = 'k'.repeat(20);
const GOOD_ID = '11010119491001001X';
let t: TestEngine;
afterEach(() => t?.close());

const errCode = (work: () => unknown): string => {
  try {
    work();
    return 'no error';
  } catch (err) {
    return err instanceof QueueError ? err.code : String(err);
  }
};

const card = (idNumber: string) => ({
  idHash: hmacIdNumber(KEY, idNumber),
  idMasked: '110101********001X',
  nameMasked: '王*明',
  birthDate: '1949-10-01',
});

describe('booking an appointment', () => {
  it('refuses a day that does not exist, a past day, a bad time and a wrong check digit', () => {
    t = makeEngine();
    const appts = new Appointments(t.engine, KEY);
    const book = (day: string, time: string, idNumber?: string) => () =>
      appts.book({ serviceId: 'general', day, time, ...(idNumber ? { idNumber } : {}) }, admin);
    expect(errCode(book('2026-02-30', '10:00'))).toBe('VALIDATION');
    expect(errCode(book('2026-13-01', '10:00'))).toBe('VALIDATION');
    expect(errCode(book('2026-11-24', '24:10'))).toBe('VALIDATION');
    expect(errCode(book('2026-11-22', '10:00'))).toBe('APPOINTMENT_PAST');
    expect(errCode(book('2026-11-24', '10:00', '110101194910010011'))).toBe('ID_INVALID');
    const ok = appts.book(
      { serviceId: 'general', day: '2026-11-24', time: '10:00', idNumber: GOOD_ID },
      admin,
    );
    expect(ok.idMasked).toMatch(/^110101/);
    expect(appts.list('2026-11-24').map((found) => found.id)).toEqual([ok.id]);
    expect(appts.list('2026-03-02')).toEqual([]);
  });

  it('needs the ID number for an ID-required service', () => {
    t = makeEngine();
    const appts = new Appointments(t.engine, KEY);
    expect(
      errCode(() => appts.book({ serviceId: 'social-security', day: '2026-11-23', time: '10:30' }, admin)),
    ).toBe('ID_REQUIRED');
    const booked = appts.book(
      { serviceId: 'social-security', day: '2026-11-23', time: '10:30', idNumber: GOOD_ID },
      admin,
    );
    const checkedIn = appts.checkIn(booked.code);
    expect(checkedIn.ticket).toMatchObject({ serviceId: 'social-security', idMasked: booked.idMasked });
  });
});

describe('checking in an ID-required appointment', () => {
  it('a booking made without the number (before this check) takes the card on the reader', () => {
    t = makeEngine();
    const appts = new Appointments(t.engine, KEY);
    const booked = appts.book({ serviceId: 'general', day: '2026-11-23', time: '10:30' }, admin);
    // As stored by the old code: an ID-required service, no number.
    t.db.prepare(`UPDATE appointments SET service_id = 'social-security' WHERE id = ?`).run(booked.id);
    expect(errCode(() => appts.checkIn(booked.code))).toBe('ID_REQUIRED');
    const res = appts.checkIn(booked.code, card(GOOD_ID));
    expect(res.ticket).toMatchObject({ serviceId: 'social-security', idMasked: '110101********001X' });
    expect(appts.get(booked.id).state).toBe('checked-in');
  });

  it('a card that is not the booked person is refused', () => {
    t = makeEngine();
    const appts = new Appointments(t.engine, KEY);
    const booked = appts.book(
      { serviceId: 'social-security', day: '2026-11-23', time: '10:30', idNumber: GOOD_ID },
      admin,
    );
    t.clock.advance(10 * MIN);
    expect(errCode(() => appts.checkIn(booked.code, card('11010519491231002X')))).toBe('ID_MISMATCH');
    expect(appts.checkIn(booked.code, card(GOOD_ID)).reused).toBe(false);
  });
});

describe('staff issuing for an ID-required service', () => {
  it('needs the staff member to confirm the identity check, and audits it', () => {
    t = makeEngine();
    expect(errCode(() => t.engine.issue({ serviceId: 'household', source: 'staff' }, admin))).toBe(
      'ID_REQUIRED',
    );
    // A resident cannot claim it: only a staff issue with a staff actor counts.
    expect(
      errCode(() =>
        t.engine.issue({ serviceId: 'household', source: 'anonymous', identityCheckedByStaff: true }),
      ),
    ).toBe('ID_REQUIRED');
    const res = t.engine.issue(
      { serviceId: 'household', source: 'staff', identityCheckedByStaff: true },
      admin,
    );
    expect(res.ticket).toMatchObject({ serviceId: 'household', source: 'staff' });
    const audit = readAudit(t.db, { action: 'ticket.issue' });
    expect(audit[0]).toMatchObject({
      staffId: admin.staffId,
      target: `ticket:${res.ticket.id}`,
      detail: { identityCheckedByStaff: true },
    });
  });
});
