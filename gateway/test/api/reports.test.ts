import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketOf, median } from '../../src/api/routes/reports.ts';
import { makeApi, type TestApi } from './helpers.ts';

// 2026-03-01 00:00 China Standard Time
const DAY0 = Date.UTC(2026, 1, 28, 16, 0, 0);
const H = 3_600_000;

describe('report and history-search routes', () => {
  let api: TestApi;
  let op: string;
  beforeAll(async () => {
    api = await makeApi();
    op = await api.login('op');
    api.registry.createResident({ id: 'res1', name: '王秀英', livesAlone: true });
    const ins = api.t.db.prepare(
      `INSERT INTO alerts (id, rev, site, device_id, resident_id, type, severity, state, raised_at, last_at,
                           acknowledged_at, acknowledged_by, resolved_at, resolved_by, outcome)
       VALUES (?, 1, 's1', 'p1', ?, ?, ?, ?, ?, ?, ?, 'op', ?, 'op', ?)`,
    );
    ins.run(
      'a1',
      'res1',
      'sos',
      'critical',
      'resolved',
      DAY0 + H,
      DAY0 + H,
      DAY0 + H + 10_000,
      DAY0 + H + 60_000,
      'assisted',
    );
    ins.run(
      'a2',
      null,
      'sos',
      'critical',
      'resolved',
      DAY0 + 2 * H,
      DAY0 + 2 * H,
      DAY0 + 2 * H + 30_000,
      DAY0 + 2 * H + 90_000,
      'false-alarm',
    );
    ins.run('a3', null, 'door.forced', 'major', 'raised', DAY0 + 30 * H, DAY0 + 30 * H, null, null, null);
    ins.run('old', null, 'sos', 'critical', 'resolved', DAY0 - 40 * 24 * H, DAY0, DAY0, DAY0, 'test');
  });
  afterAll(() => api.close());
  const get = (url: string, cookie = op) => api.app.inject({ method: 'GET', url, headers: { cookie } });

  it('summarises counts and acknowledge/resolve times by type and by day', async () => {
    const res = await get(`/api/reports/summary?from=${DAY0}&to=${DAY0 + 48 * H}&bucket=day`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.total).toEqual({
      count: 3,
      ackMedianMs: 20_000,
      ackWorstMs: 30_000,
      resolveMedianMs: 75_000,
      resolveWorstMs: 90_000,
    });
    expect(body.byType).toEqual([
      {
        type: 'sos',
        count: 2,
        ackMedianMs: 20_000,
        ackWorstMs: 30_000,
        resolveMedianMs: 75_000,
        resolveWorstMs: 90_000,
      },
      {
        type: 'door.forced',
        count: 1,
        ackMedianMs: null,
        ackWorstMs: null,
        resolveMedianMs: null,
        resolveWorstMs: null,
      },
    ]);
    expect(body.bySite).toEqual([{ site: 's1', ...body.total }]);
    expect(body.buckets.map((b: { key: string; count: number }) => [b.key, b.count])).toEqual([
      ['2026-03-01', 2],
      ['2026-03-02', 1],
    ]);
    expect(body.outcomes).toEqual(
      expect.arrayContaining([
        { outcome: 'assisted', count: 1 },
        { outcome: 'false-alarm', count: 1 },
      ]),
    );
  });

  it('buckets by month', async () => {
    const res = await get(`/api/reports/summary?from=0&to=${DAY0 + 48 * H}&bucket=month`);
    expect(res.json().buckets.map((b: { key: string }) => b.key)).toEqual(['2026-01', '2026-03']);
  });

  it('searches history by type, outcome and part of the resident name', async () => {
    const ids = async (q: string) =>
      (await get(`/api/reports/alerts?from=0&to=${DAY0 + 48 * H}${q}`))
        .json()
        .alerts.map((a: { id: string }) => a.id);
    expect(await ids('')).toEqual(['a3', 'a2', 'a1', 'old']);
    expect(await ids('&type=door.forced')).toEqual(['a3']);
    expect(await ids('&outcome=false-alarm')).toEqual(['a2']);
    expect(await ids(`&resident=${encodeURIComponent('秀')}`)).toEqual(['a1']);
    expect(await ids('&resident=%25')).toEqual([]);
    const one = (await get(`/api/reports/alerts?from=0&to=${DAY0 + 48 * H}&type=sos&limit=1`)).json()
      .alerts[0];
    expect(one).toMatchObject({ id: 'a2', outcome: 'false-alarm', acknowledgedBy: 'op', residentName: null });
  });

  it('refuses without a session, below operator, and with a bad query', async () => {
    const url = `/api/reports/summary?from=0&to=1&bucket=day`;
    expect((await api.app.inject({ method: 'GET', url })).statusCode).toBe(401);
    expect((await get(url, await api.login('win'))).statusCode).toBe(403);
    const bad = await get('/api/reports/summary?from=0&to=1&bucket=week');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('VALIDATION');
  });

  it('median and bucket helpers', () => {
    expect(median([])).toBeNull();
    expect(median([3, 1, 2])).toBe(2);
    expect(bucketOf(DAY0, 'day', 480)).toBe('2026-03-01');
    expect(bucketOf(DAY0, 'day', 0)).toBe('2026-02-28');
  });
});
