import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { residentCard } from '../queue/helpers.ts';
import { login, type TestApp, testApp } from './helpers.ts';

let t: TestApp;
afterEach(async () => t?.close());

const ID = '110101194901010012';
function placeCard(t: TestApp, opts: { birth?: string; expired?: boolean } = {}) {
  t.bus.emit('card.read', {
    card: residentCard(ID, opts.birth ?? '1949-01-01', opts.expired ? '2020-01-01' : 'long-term'),
    maskedName: '张*明',
    maskedId: '110101********0012',
    expired: opts.expired ?? false,
    at: t.clock.now(),
  });
}

describe('resident endpoints', () => {
  it('issues from the card just read (masked, priority by age), never storing the full ID number', async () => {
    t = await testApp();
    expect((await t.app.inject({ method: 'GET', url: '/api/kiosk/card' })).json()).toEqual({
      present: false,
    });
    placeCard(t);
    const card = (await t.app.inject({ method: 'GET', url: '/api/kiosk/card' })).json();
    expect(card).toMatchObject({
      present: true,
      nameMasked: '张*明',
      idMasked: '110101********0012',
      priority: true,
    });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/tickets',
      payload: { serviceId: 'social-security', identity: 'card' },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.ticket).toMatchObject({
      number: 'A001',
      priority: true,
      state: 'waiting',
      serviceZh: '社会保障',
    });
    expect(body.ticket).not.toHaveProperty('idMasked');
    // The card session is used up by the ticket; a second read for the same service returns the same ticket.
    expect((await t.app.inject({ method: 'GET', url: '/api/kiosk/card' })).json().present).toBe(false);
    placeCard(t);
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/tickets',
      payload: { serviceId: 'social-security', identity: 'card' },
    });
    expect(again.statusCode).toBe(200);
    expect(again.json().reused).toBe(true);
    expect(again.json().ticket.id).toBe(body.ticket.id);
    // Staff see the masked identity.
    const cookie = await login(t.app);
    const staffView = await t.app.inject({
      method: 'GET',
      url: `/api/tickets/${body.ticket.id}`,
      headers: { cookie },
    });
    expect(staffView.json().ticket).toMatchObject({
      idMasked: '110101********0012',
      priorityClass: 'elderly',
    });
    // Nowhere in the database files is the full number.
    for (const f of readdirSync(t.dir).filter((x) => x.startsWith('kiosk.sqlite'))) {
      expect(readFileSync(join(t.dir, f)).includes(Buffer.from(ID))).toBe(false);
    }
  });

  it('refuses without a card, with an expired card, and anonymous tickets where an ID is required', async () => {
    t = await testApp();
    const post = (payload: object) => t.app.inject({ method: 'POST', url: '/api/tickets', payload });
    const none = await post({ serviceId: 'general', identity: 'card' });
    expect(none.statusCode).toBe(422);
    expect(none.json().error.code).toBe('NO_CARD');
    placeCard(t, { expired: true });
    const expired = await post({ serviceId: 'general', identity: 'card' });
    expect(expired.statusCode).toBe(422);
    expect(expired.json().error).toMatchObject({
      code: 'CARD_EXPIRED',
      zh: '身份证已过有效期，请到人工窗口办理',
    });
    const anon = await post({ serviceId: 'household', identity: 'anonymous' });
    expect(anon.json().error.code).toBe('ID_REQUIRED');
    // The card session ends after its time.
    placeCard(t);
    t.clock.advance(121_000);
    expect((await post({ serviceId: 'general', identity: 'card' })).json().error.code).toBe('NO_CARD');
    // Lifted from the reader, another card found, or a failed read: the session ends at once.
    for (const end of [
      () => t.bus.emit('card.removed', { at: t.clock.now() }),
      () => t.bus.emit('card.placed', { at: t.clock.now() }),
      () => t.bus.emit('card.error', { code: 'READ_FAILED', zh: '请重新放置身份证', en: 'x', at: 1 }),
    ]) {
      placeCard(t);
      expect((await t.app.inject({ method: 'GET', url: '/api/kiosk/card' })).json().present).toBe(true);
      end();
      expect((await t.app.inject({ method: 'GET', url: '/api/kiosk/card' })).json().present).toBe(false);
      expect((await post({ serviceId: 'general', identity: 'card' })).json().error.code).toBe('NO_CARD');
    }
  });

  it('issues tickets and shows the card only to the kiosk addresses; phones may follow and rate', async () => {
    t = await testApp();
    const phone = '192.168.1.23';
    const fromPhone = await t.app.inject({
      method: 'POST',
      url: '/api/tickets',
      remoteAddress: phone,
      payload: { serviceId: 'general', identity: 'anonymous' },
    });
    expect(fromPhone.statusCode).toBe(403);
    expect(fromPhone.json().error).toMatchObject({ code: 'FORBIDDEN', zh: '请在自助终端上取号' });
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/kiosk/card', remoteAddress: phone })).statusCode,
    ).toBe(403);
    const issued = (
      await t.app.inject({
        method: 'POST',
        url: '/api/tickets',
        payload: { serviceId: 'general', identity: 'anonymous' },
      })
    ).json();
    const follow = await t.app.inject({
      method: 'GET',
      url: `/api/follow/${issued.token}`,
      remoteAddress: phone,
    });
    expect(follow.statusCode).toBe(200);
  });

  it('DELETE /api/kiosk/card ends the card session at once, from the kiosk only', async () => {
    t = await testApp();
    placeCard(t);
    const card = () => t.app.inject({ method: 'GET', url: '/api/kiosk/card' });
    expect((await card()).json().present).toBe(true);
    const fromPhone = await t.app.inject({
      method: 'DELETE',
      url: '/api/kiosk/card',
      remoteAddress: '192.168.1.23',
    });
    expect(fromPhone.statusCode).toBe(403);
    expect((await card()).json().present).toBe(true);
    const del = await t.app.inject({ method: 'DELETE', url: '/api/kiosk/card' });
    expect(del.statusCode).toBe(200);
    expect(del.json()).toEqual({ ok: true });
    expect((await card()).json()).toEqual({ present: false });
    const issue = await t.app.inject({
      method: 'POST',
      url: '/api/tickets',
      payload: { serviceId: 'general', identity: 'card' },
    });
    expect(issue.json().error.code).toBe('NO_CARD');
  });

  it('tells the UIs the rating levels, reasons, classes and outcomes', async () => {
    t = await testApp();
    const meta = (await t.app.inject({ method: 'GET', url: '/api/meta' })).json();
    expect(meta.ratingLevels[0]).toEqual({ rating: 5, zh: '非常满意', reasonRequired: false });
    expect(meta.ratingLevels[4]).toEqual({ rating: 1, zh: '非常不满意', reasonRequired: true });
    expect(meta.ratingReasons).toContainEqual({ code: 'long-wait', zh: '等候时间过长' });
    expect(meta.outcomes).toEqual(['resolved', 'follow-up', 'referred']);
    expect(meta.priorityClasses).toContain('disability');
  });

  it('a malformed card record is dropped without throwing into the reader', async () => {
    t = await testApp();
    const bad = { ...residentCard(ID, '1949-01-01'), idNumber: undefined } as unknown as ReturnType<
      typeof residentCard
    >;
    expect(() =>
      t.bus.emit('card.read', { card: bad, maskedName: '张*明', maskedId: '', expired: false, at: 1 }),
    ).not.toThrow();
    expect((await t.app.inject({ method: 'GET', url: '/api/kiosk/card' })).json()).toEqual({
      present: false,
    });
    expect(t.app.kiosk.cards.dropped).toBe(1);
  });

  it('follows the own ticket by its token, then rates it once after it is done', async () => {
    t = await testApp();
    const issued = (
      await t.app.inject({
        method: 'POST',
        url: '/api/tickets',
        payload: { serviceId: 'general', identity: 'anonymous' },
      })
    ).json();
    await t.app.inject({
      method: 'POST',
      url: '/api/tickets',
      payload: { serviceId: 'general', identity: 'anonymous' },
    });
    const follow = await t.app.inject({ method: 'GET', url: `/api/follow/${issued.token}` });
    expect(follow.json()).toMatchObject({
      ticket: { number: 'J001', state: 'waiting' },
      peopleAhead: 0,
      canRate: false,
    });
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/follow/AAAAAAAAAAAAAAAAAAAAAAAA' })).statusCode,
    ).toBe(404);
    const cookie = await login(t.app);
    const called = await t.app.inject({
      method: 'POST',
      url: '/api/windows/4/call-next',
      headers: { cookie },
    });
    expect(called.json().ticket.number).toBe('J001');
    expect((await t.app.inject({ method: 'GET', url: `/api/follow/${issued.token}` })).json().callText).toBe(
      '请J001号到4号窗口办理',
    );
    const early = await t.app.inject({
      method: 'POST',
      url: `/api/follow/${issued.token}/rating`,
      payload: { rating: 5 },
    });
    expect(early.json().error.code).toBe('BAD_STATE');
    await t.app.inject({
      method: 'POST',
      url: `/api/tickets/${issued.ticket.id}/finish`,
      headers: { cookie },
      payload: { outcome: 'resolved' },
    });
    const low = await t.app.inject({
      method: 'POST',
      url: `/api/follow/${issued.token}/rating`,
      payload: { rating: 1 },
    });
    expect(low.json().error.code).toBe('REASON_REQUIRED');
    const ok = await t.app.inject({
      method: 'POST',
      url: `/api/follow/${issued.token}/rating`,
      payload: { rating: 1, reason: 'slow', comment: '太慢' },
    });
    expect(ok.statusCode).toBe(200);
    const bad = await t.app.inject({ method: 'GET', url: '/api/admin/ratings/bad', headers: { cookie } });
    expect(bad.json().ratings[0]).toMatchObject({ number: 'J001', rating: 1, reasonText: '办理效率低' });
  });

  it('a scanned appointment code checks the resident in and reports on the bus', async () => {
    t = await testApp();
    const cookie = await login(t.app);
    const booked = await t.app.inject({
      method: 'POST',
      url: '/api/appointments',
      headers: { cookie },
      payload: { serviceId: 'elderly-care', day: '2026-11-23', time: '10:15' },
    });
    expect(booked.statusCode).toBe(201);
    const results: Record<string, unknown>[] = [];
    t.bus.on('queue.checkin', (p) => results.push(p));
    t.bus.emit('scan', { source: 'serial', code: booked.json().appointment.code, at: t.clock.now() });
    t.bus.emit('scan', { source: 'serial', code: 'WRONGCODE1', at: t.clock.now() });
    expect(results[0]).toMatchObject({ ok: true, ticket: { number: 'B001', appointment: true } });
    expect(results[1]).toMatchObject({ ok: false, code: 'APPOINTMENT_UNKNOWN' });
    // Typed at the kiosk instead: the same ticket.
    const typed = await t.app.inject({
      method: 'POST',
      url: '/api/appointments/check-in',
      payload: { code: booked.json().appointment.code },
    });
    expect(typed.json()).toMatchObject({ reused: true, ticket: { number: 'B001' } });
  });
});
