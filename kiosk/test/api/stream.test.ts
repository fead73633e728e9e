import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { residentCard } from '../queue/helpers.ts';
import { login, type TestApp, testApp } from './helpers.ts';
import { SseClient } from './sse-client.ts';

let t: TestApp;
let clients: SseClient[] = [];
afterEach(async () => {
  for (const c of clients) c.close();
  clients = [];
  await t?.close();
});

async function listen(): Promise<string> {
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
}

describe('GET /api/stream', () => {
  it('forwards ticket and queue events; the call carries the spoken text', async () => {
    t = await testApp();
    const base = await listen();
    const sse = await SseClient.open(`${base}/api/stream`);
    clients.push(sse);
    const snapshot = await sse.next((e) => e.event === 'queue.snapshot');
    expect((snapshot.data as { services: unknown[] }).services).toHaveLength(9);
    const cookie = await login(t.app);
    await t.app.inject({
      method: 'POST',
      url: '/api/tickets',
      payload: { serviceId: 'general', identity: 'anonymous' },
    });
    await t.app.inject({ method: 'POST', url: '/api/windows/4/call-next', headers: { cookie } });
    const issued = await sse.next((e) => e.event === 'ticket.issued');
    expect(issued.data).toMatchObject({ ticket: { number: 'J001' }, peopleAhead: 0 });
    const called = await sse.next((e) => e.event === 'ticket.called');
    expect(called.data).toMatchObject({
      ticket: { number: 'J001', state: 'called' },
      windowId: 4,
      text: '请J001号到4号窗口办理',
      textEn: 'Number J001, please go to window 4',
    });
    const changed = await sse.next((e) => e.event === 'queue.changed');
    expect(changed.id).toMatch(/^\d+$/);
  });

  it('masks card reads, drops scanned codes, and filters by type prefix', async () => {
    t = await testApp();
    const base = await listen();
    const all = await SseClient.open(`${base}/api/stream`);
    const onlyTickets = await SseClient.open(`${base}/api/stream?types=ticket.`);
    clients.push(all, onlyTickets);
    await all.next((e) => e.event === 'queue.snapshot');
    t.bus.emit('card.read', {
      card: residentCard('110101194901010012', '1949-01-01'),
      maskedName: '张*明',
      maskedId: '110101********0012',
      expired: false,
      at: 1,
    });
    t.bus.emit('scan', { source: 'serial', code: 'SECRETCODE', at: 2 });
    t.bus.emit('device.health', {
      device: 'printer',
      connected: true,
      state: 'warning',
      paper: 'near-end',
      since: 3,
    });
    await t.app.inject({
      method: 'POST',
      url: '/api/tickets',
      payload: { serviceId: 'general', identity: 'anonymous' },
    });
    const card = await all.next((e) => e.event === 'card.read');
    expect(card.data).toEqual({ maskedName: '张*明', maskedId: '110101********0012', expired: false, at: 1 });
    await all.next((e) => e.event === 'device.health');
    await onlyTickets.next((e) => e.event === 'ticket.issued');
    const text = JSON.stringify(all.events);
    expect(text).not.toContain('110101194901010012');
    expect(text).not.toContain('张三明');
    expect(text).not.toContain('SECRETCODE');
    expect(onlyTickets.events.every((e) => e.event.startsWith('ticket.'))).toBe(true);
  });

  it('replays missed events after Last-Event-ID, and closes streams on shutdown', async () => {
    t = await testApp();
    const base = await listen();
    const first = await SseClient.open(`${base}/api/stream?types=ticket.`);
    clients.push(first);
    await t.app.inject({
      method: 'POST',
      url: '/api/tickets',
      payload: { serviceId: 'general', identity: 'anonymous' },
    });
    const e1 = await first.next((e) => e.event === 'ticket.issued');
    first.close();
    await t.app.inject({
      method: 'POST',
      url: '/api/tickets',
      payload: { serviceId: 'general', identity: 'anonymous' },
    });
    const again = await SseClient.open(`${base}/api/stream?types=ticket.`, {
      'last-event-id': String(e1.id),
    });
    clients.push(again);
    const missed = await again.next((e) => e.event === 'ticket.issued');
    expect((missed.data as { ticket: { number: string } }).ticket.number).toBe('J002');
    // A closed client is forgotten.
    await expect.poll(() => t.app.kiosk.live.clientCount).toBe(1);
    again.close();
    await expect.poll(() => t.app.kiosk.live.clientCount).toBe(0);
  });
});

describe('who may open the live streams', () => {
  it('GET /api/stream: the kiosk addresses and signed-in staff only (it carries card reads)', async () => {
    t = await testApp({ kioskAddresses: ['10.0.0.7'] });
    const stranger = await t.app.inject({ method: 'GET', url: '/api/stream', remoteAddress: '192.168.1.23' });
    expect(stranger.statusCode).toBe(403);
    expect(stranger.json().error).toMatchObject({ code: 'FORBIDDEN' });
    expect(t.app.kiosk.refusals.get('FORBIDDEN')).toBe(1);
    const base = await listen(); // 127.0.0.1 is not a kiosk address here
    await expect(SseClient.open(`${base}/api/stream`)).rejects.toThrow(/403/);
    const cookie = await login(t.app);
    const staff = await SseClient.open(`${base}/api/stream`, { cookie });
    clients.push(staff);
    t.bus.emit('card.read', {
      card: residentCard('110101194901010012', '1949-01-01'),
      maskedName: '张*明',
      maskedId: '110101********0012',
      expired: false,
      at: 1,
    });
    expect((await staff.next((e) => e.event === 'card.read')).data).toMatchObject({ maskedName: '张*明' });
  });

  it('GET /api/stream/public: open to anyone, ticket moves and queue figures only, nothing personal', async () => {
    t = await testApp({ kioskAddresses: ['10.0.0.7'] });
    const base = await listen();
    const pub = await SseClient.open(`${base}/api/stream/public`);
    clients.push(pub);
    await pub.next((e) => e.event === 'queue.snapshot');
    t.bus.emit('card.read', {
      card: residentCard('110101194901010012', '1949-01-01'),
      maskedName: '张*明',
      maskedId: '110101********0012',
      expired: false,
      at: 1,
    });
    t.bus.emit('card.error', { code: 'READ_FAILED', zh: '请重新放置身份证', en: 'x', at: 2 });
    t.bus.emit('scan', { source: 'serial', code: 'SECRETCODE', at: 2 });
    t.bus.emit('device.health', { device: 'printer', connected: true, state: 'ok', since: 3 });
    t.bus.emit('print.job', { jobId: 'j1', ticketId: 't1', state: 'printed', at: 4 });
    const cookie = await login(t.app);
    const issued = await t.app.inject({
      method: 'POST',
      url: '/api/staff/tickets',
      headers: { cookie },
      payload: { serviceId: 'general' },
    });
    expect(issued.statusCode).toBe(201);
    const id = issued.json().ticket.id;
    await t.app.inject({ method: 'POST', url: '/api/windows/4/call-next', headers: { cookie } });
    await t.app.inject({
      method: 'POST',
      url: `/api/tickets/${id}/finish`,
      headers: { cookie },
      payload: { outcome: 'referred', note: '转介到街道办' },
    });
    const called = await pub.next((e) => e.event === 'ticket.called');
    expect(called.data).toMatchObject({
      ticket: { number: 'J001' },
      windowId: 4,
      text: '请J001号到4号窗口办理',
    });
    const finished = await pub.next((e) => e.event === 'ticket.finished');
    expect(finished.data).toEqual({
      ticket: expect.objectContaining({ number: 'J001', state: 'done' }),
      at: expect.any(Number),
    });
    await pub.next((e) => e.event === 'queue.changed');
    const types = new Set(pub.events.map((e) => e.event));
    for (const banned of ['card.read', 'card.error', 'scan', 'device.health', 'print.job', 'ticket.rated'])
      expect(types.has(banned)).toBe(false);
    const text = JSON.stringify(pub.events);
    for (const secret of ['110101', '张*明', 'SECRETCODE', 'referred', '转介', 'idMasked', 'token'])
      expect(text).not.toContain(secret);
  });
});
