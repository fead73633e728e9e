// POST /api/staff/tickets: staff issue a ticket on a resident's behalf. For a service that needs
// an ID card, only when the staff member says they checked the resident's identity document
// (identityChecked: true); that is recorded in the ticket's history and the audit log.
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addStaff, login, type TestApp, testApp } from './helpers.ts';

describe('staff issue a ticket for an ID-required service', () => {
  let t: TestApp;
  let admin: string;
  let win: { id: number; cookie: string };
  const issue = (payload: object, cookie?: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/staff/tickets',
      ...(cookie ? { headers: { cookie } } : {}),
      payload,
    });

  beforeAll(async () => {
    t = await testApp();
    admin = await login(t.app);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/admin/services',
      headers: { cookie: admin },
      payload: {
        id: 'housing',
        nameZh: '住房保障',
        nameEn: 'Housing',
        prefix: 'K',
        hours: { '1': ['08:30-12:00'] },
        idRequired: true,
      },
    });
    expect(created.statusCode).toBe(201);
    win = await addStaff(t.app, admin, 'wang', 'window');
  });
  afterAll(async () => t?.close());

  it('refuses without identityChecked, or with it false', async () => {
    for (const payload of [{ serviceId: 'housing' }, { serviceId: 'housing', identityChecked: false }]) {
      const res = await issue(payload, win.cookie);
      expect(res.statusCode, JSON.stringify(payload)).toBe(422);
      expect(res.json().error.code).toBe('ID_REQUIRED');
    }
  });

  it('refuses a caller without a session, whatever the body says', async () => {
    const res = await issue({ serviceId: 'housing', identityChecked: true });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBeTypeOf('string');
    const forged = await issue({ serviceId: 'housing', identityChecked: true }, 'linli_kiosk_session=forged');
    expect(forged.statusCode).toBe(401);
  });

  it('a window account issues it with identityChecked; history and audit log record who checked', async () => {
    const res = await issue({ serviceId: 'housing', identityChecked: true }, win.cookie);
    expect(res.statusCode).toBe(201);
    const ticket = res.json().ticket as { id: string; number: string; serviceId: string };
    expect(ticket.number).toMatch(/^K\d{3}$/);

    const db = new Database(`${t.dir}/kiosk.sqlite`, { readonly: true });
    try {
      const history = db
        .prepare('SELECT type, staff_id, data FROM ticket_events WHERE ticket_id = ?')
        .all(ticket.id) as { type: string; staff_id: number; data: string }[];
      expect(history).toHaveLength(1);
      expect(history[0]).toMatchObject({ type: 'issued', staff_id: win.id });
      expect(JSON.parse(history[0]!.data)).toMatchObject({ source: 'staff', identityCheckedByStaff: true });
    } finally {
      db.close();
    }

    const audit = await t.app.inject({
      method: 'GET',
      url: '/api/admin/audit?action=ticket.issue',
      headers: { cookie: admin },
    });
    const entries = audit
      .json()
      .entries.filter((e: { target: string }) => e.target === `ticket:${ticket.id}`);
    expect(entries).toEqual([
      expect.objectContaining({
        staffId: win.id,
        username: 'wang',
        action: 'ticket.issue',
        detail: expect.objectContaining({ number: ticket.number, identityCheckedByStaff: true }),
      }),
    ]);
  });
});
