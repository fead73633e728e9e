import { afterEach, describe, expect, it } from 'vitest';
import { computeStats, csvField, statsCsv } from '../../src/queue/stats.ts';
import { zonedToUtc } from '../../src/queue/time.ts';
import { admin, makeEngine, type TestEngine } from './helpers.ts';

let t: TestEngine;
afterEach(() => t?.close());

/**
 * The fixture day, Monday 2026-11-23 (local times). Hand-computed figures below.
 *   J001 09:00 → called 09:05 (w4) → start 09:06 → done 09:16   wait 300  service 600  total 960   rated 5
 *   J002 09:02 → called 09:16 (w4) → start 09:17 → done 09:20   wait 840  service 180  total 1080  rated 4
 *   J003 09:10 → called 09:20 (w4) → recalled twice → no-show 09:23   wait 600
 *   J004 09:30 → called 09:40 (w4) → done 09:50 (never started)  wait 600  service 600  total 1200  rated 1 (attitude)
 *   E001 10:00 → called 10:01 (w2, staff 2) → start 10:01 → done 10:31  wait 60  service 1800  total 1860  rated 3
 *   E002 10:05 → cancelled 10:06
 */
function fixtureDay(): void {
  t = makeEngine({ queue: { policy: 'strict', noShowAfterRecalls: 2 } });
  t.db
    .prepare(
      `INSERT INTO staff (id, username, display_name, role, password_hash, created_at) VALUES (2, 'li', '李', 'window', 'x', 0)`,
    )
    .run();
  const li = { staffId: 2, username: 'li', role: 'window' as const };
  const at = (hhmm: string) => t.clock.set(zonedToUtc('2026-11-23', hhmm, 'Asia/Shanghai'));
  const issue = (hhmm: string, serviceId: string) => {
    at(hhmm);
    return t.engine.issue({ serviceId, source: 'anonymous' });
  };
  const j1 = issue('09:00', 'general');
  const j2 = issue('09:02', 'general');
  at('09:05');
  t.engine.callNext(4, admin);
  at('09:06');
  t.engine.startServing(j1.ticket.id, admin);
  const j3 = issue('09:10', 'general');
  at('09:16');
  t.engine.finish(j1.ticket.id, 'resolved', admin);
  t.engine.callNext(4, admin);
  at('09:17');
  t.engine.startServing(j2.ticket.id, admin);
  at('09:20');
  t.engine.finish(j2.ticket.id, 'resolved', admin);
  t.engine.callNext(4, admin);
  at('09:21');
  t.engine.recall(j3.ticket.id, admin);
  at('09:22');
  t.engine.recall(j3.ticket.id, admin);
  at('09:23');
  t.engine.noShow(j3.ticket.id, admin);
  const j4 = issue('09:30', 'general');
  at('09:40');
  t.engine.callNext(4, admin);
  at('09:50');
  t.engine.finish(j4.ticket.id, 'referred', admin);
  const e1 = issue('10:00', 'employment');
  at('10:01');
  t.engine.signIn(2, li);
  t.engine.callNext(2, li);
  t.engine.startServing(e1.ticket.id, li);
  const e2 = issue('10:05', 'employment');
  at('10:06');
  t.engine.cancel(e2.ticket.id, admin);
  at('10:31');
  t.engine.finish(e1.ticket.id, 'resolved', li);
  t.engine.rate(j1.token, 5);
  t.engine.rate(j2.token, 4);
  t.engine.rate(j4.token, 1, 'attitude');
  t.engine.rate(e1.token, 3);
}

describe('statistics on a fixture day', () => {
  it('match the hand-computed figures', () => {
    fixtureDay();
    const s = computeStats(t.db, '2026-11-23', '2026-11-23', 'Asia/Shanghai');
    expect(s.overall).toMatchObject({
      tickets: 6,
      done: 4,
      noShow: 1,
      cancelled: 1,
      wait: { count: 5, median: 600, p90: 840, max: 840 },
      service: { count: 4, median: 600, p90: 1800, max: 1800 },
      total: { count: 4, median: 1140, p90: 1860, max: 1860 },
      ratings: { '1': 1, '2': 0, '3': 1, '4': 1, '5': 1 },
      ratingMean: 3.25,
    });
    const general = s.byService.find((g) => g.key === 'general');
    expect(general).toMatchObject({
      label: '综合咨询',
      tickets: 4,
      done: 3,
      noShow: 1,
      wait: { count: 4, median: 600, p90: 840, max: 840 },
      service: { count: 3, median: 600, p90: 600, max: 600 },
      total: { count: 3, median: 1080, p90: 1200, max: 1200 },
      ratingMean: 3.33,
    });
    expect(s.byService.find((g) => g.key === 'employment')).toMatchObject({
      tickets: 2,
      done: 1,
      cancelled: 1,
      wait: { count: 1, median: 60, p90: 60, max: 60 },
      service: { median: 1800 },
      total: { median: 1860 },
    });
    expect(s.byWindow.map((g) => [g.key, g.tickets, g.wait.median])).toEqual([
      ['2', 1, 60],
      ['4', 4, 600],
    ]);
    expect(s.byStaff.map((g) => [g.key, g.label, g.done])).toEqual([
      ['1', 'Admin', 3],
      ['2', '李', 1],
    ]);
    expect(s.byDay).toHaveLength(1);
    expect(s.byDay[0]?.key).toBe('2026-11-23');
    expect(s.perHour.filter((h) => h.issued > 0)).toEqual([
      { hour: 9, issued: 4 },
      { hour: 10, issued: 2 },
    ]);
  });

  it('exports CSV with a BOM, a header and one row per group', () => {
    fixtureDay();
    const csv = statsCsv(computeStats(t.db, '2026-11-23', '2026-11-23', 'Asia/Shanghai'), 'service');
    expect(csv.startsWith('\uFEFFservice,label,tickets,done,no_show')).toBe(true);
    const lines = csv.slice(1).trim().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe(
      'general,综合咨询,4,3,1,0,0,0,600,840,840,600,600,600,1080,1200,1200,1,1,0,0,1,3.33',
    );
    const hours = statsCsv(computeStats(t.db, '2026-11-23', '2026-11-23', 'Asia/Shanghai'), 'hour');
    expect(hours).toContain('\r\n9,4\r\n10,2\r\n');
  });

  it('quotes CSV fields and defuses spreadsheet formulas', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField(-3)).toBe('-3');
    expect(csvField(null)).toBe('');
  });
});
