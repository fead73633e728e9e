import { afterEach, describe, expect, it } from 'vitest';
import { localDay, localParts, zonedToUtc } from '../../src/queue/time.ts';
import { admin, makeEngine, type TestEngine } from './helpers.ts';

let t: TestEngine | undefined;
afterEach(() => t?.close());

describe('station local time', () => {
  it('converts wall-clock times of a zone to instants and back', () => {
    expect(new Date(zonedToUtc('2026-11-23', '00:00', 'Asia/Shanghai')).toISOString()).toBe(
      '2026-11-22T16:00:00.000Z',
    );
    expect(new Date(zonedToUtc('2026-07-01', '09:30', 'Europe/Berlin')).toISOString()).toBe(
      '2026-07-01T07:30:00.000Z',
    );
    expect(new Date(zonedToUtc('2026-12-01', '09:30', 'Europe/Berlin')).toISOString()).toBe(
      '2026-12-01T08:30:00.000Z',
    );
    const p = localParts(Date.parse('2026-11-22T16:00:05Z'), 'Asia/Shanghai');
    expect(p).toMatchObject({ day: '2026-11-23', weekday: 1, hour: 0, minute: 0, second: 5, hhmm: '00:00' });
    expect(localDay(Date.parse('2026-11-22T15:59:59Z'), 'Asia/Shanghai')).toBe('2026-11-22');
  });

  it('rolls the queue over at midnight of the configured zone', () => {
    t = makeEngine({ timeZone: 'Europe/Berlin', queue: { enforceHours: false } });
    t.clock.set('2026-11-23T22:30:00Z'); // 23:30 in Berlin
    const a = t.engine.issue({ serviceId: 'general', source: 'anonymous' });
    expect(a.ticket.day).toBe('2026-11-23');
    t.clock.set('2026-11-23T22:59:59Z');
    expect(t.engine.issue({ serviceId: 'general', source: 'anonymous' }).ticket.number).toBe('J002');
    t.clock.set('2026-11-23T23:00:00Z'); // midnight in Berlin
    const next = t.engine.issue({ serviceId: 'general', source: 'anonymous' });
    expect([next.ticket.day, next.ticket.number]).toEqual(['2026-11-24', 'J001']);
    expect(t.engine.row(a.ticket.id).state).toBe('expired');
    expect(t.engine.callNext(4, admin).id).toBe(next.ticket.id);
  });
});
