import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { KioskBus } from '../../src/events.ts';
import { residentCard } from '../queue/helpers.ts';
import { ADMIN_PASSWORD, login, TEST_STAFF_COST, type TestApp, testApp } from './helpers.ts';

const card = (bus: KioskBus, at: number) =>
  bus.emit('card.read', {
    card: residentCard('110101195001010017', '1950-01-01'),
    maskedName: '张*明',
    maskedId: '110101********0017',
    expired: false,
    at,
  });

let t: TestApp | undefined;
let dir: string | undefined;
afterEach(async () => {
  await t?.app.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('restart of the kiosk service', () => {
  it('keeps every ticket, the numbering, staff sessions and the ID-hash key', async () => {
    const first = await testApp();
    dir = first.dir;
    const cookie = await login(first.app);
    const issued = [];
    for (let i = 0; i < 3; i++) {
      issued.push(
        (
          await first.app.inject({
            method: 'POST',
            url: '/api/tickets',
            payload: { serviceId: 'general', identity: 'anonymous' },
          })
        ).json(),
      );
    }
    await first.app.inject({ method: 'POST', url: '/api/windows/4/call-next', headers: { cookie } });
    card(first.bus, first.clock.now());
    const byCard = (
      await first.app.inject({
        method: 'POST',
        url: '/api/tickets',
        payload: { serviceId: 'elderly-care', identity: 'card' },
      })
    ).json();
    await first.app.close();

    const config = loadConfig({ dataDir: dir, adminPassword: ADMIN_PASSWORD }, {});
    const bus = new KioskBus();
    const app = await buildApp({ config, bus, clock: first.clock, staffCost: TEST_STAFF_COST });
    t = { ...first, app };
    const list = await app.inject({
      method: 'GET',
      url: '/api/tickets?serviceId=general',
      headers: { cookie },
    });
    expect(list.statusCode).toBe(200); // the session survived
    expect(list.json().tickets.map((x: { number: string; state: string }) => [x.number, x.state])).toEqual([
      ['J001', 'called'],
      ['J002', 'waiting'],
      ['J003', 'waiting'],
    ]);
    const follow = await app.inject({ method: 'GET', url: `/api/follow/${issued[2].token}` });
    expect(follow.json()).toMatchObject({ ticket: { number: 'J003' }, peopleAhead: 1 });
    const next = await app.inject({
      method: 'POST',
      url: '/api/tickets',
      payload: { serviceId: 'general', identity: 'anonymous' },
    });
    expect(next.json().ticket.number).toBe('J004');
    expect(app.kiosk.staff.count('admin')).toBe(1); // no second admin created
    // Same card after the restart: the same keyed hash finds the same open ticket.
    card(bus, first.clock.now());
    const again = await app.inject({
      method: 'POST',
      url: '/api/tickets',
      payload: { serviceId: 'elderly-care', identity: 'card' },
    });
    expect(again.json()).toMatchObject({ reused: true, ticket: { id: byCard.ticket.id, number: 'B001' } });
  });
});
