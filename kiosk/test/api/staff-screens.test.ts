// The staff screens' routes (/window/, /board/ and their files; 503 without a build) and the
// window's figures for its console (GET /api/windows/:id/today), computed by hand.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { screenRoutes } from '../../src/api/screens.ts';
import { windowFigures } from '../../src/api/window-figures.ts';

describe('staff screen pages', () => {
  it('serves each screen at /<name>/ with its files, no-store; 503 saying how to build without one', async () => {
    const dist = mkdtempSync(join(tmpdir(), 'linli-dist-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<p>window console</p>');
    writeFileSync(join(dist, 'assets/w-1.js'), 'x');
    const app = Fastify();
    await screenRoutes(app, [
      { base: '/', dist: join(tmpdir(), 'linli-no-such-dist/') },
      { base: '/window/', dist: `${dist}/`, media: true },
      { base: '/board/', dist: join(tmpdir(), 'linli-no-such-board/') },
    ]);
    const page = await app.inject('/window/');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('window console');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect((await app.inject('/window')).headers.location).toBe('/window/');
    const asset = await app.inject('/window/assets/w-1.js');
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    expect((await app.inject('/window/assets/..%2F..%2Fetc%2Fpasswd')).statusCode).toBeGreaterThanOrEqual(
      400,
    );
    const board = await app.inject('/board/');
    expect(board.statusCode).toBe(503);
    expect(board.body).toContain('npm run build');
    await app.close();
    rmSync(dist, { recursive: true, force: true });
  });
});

describe('window figures', () => {
  it('counts and averages today’s tickets of the window', () => {
    const s = 1000;
    const rows = [
      // done: queued 0, first call 60 s, started 70 s, finished 370 s → wait 60, service 300; rated 5
      {
        state: 'done',
        queued_at: 0,
        first_called_at: 60 * s,
        called_at: 60 * s,
        started_at: 70 * s,
        finished_at: 370 * s,
        rating: 5,
      },
      // done, never started: wait 120, service = finish − call = 100; rated 2
      {
        state: 'done',
        queued_at: 0,
        first_called_at: 120 * s,
        called_at: 130 * s,
        started_at: null,
        finished_at: 230 * s,
        rating: 2,
      },
      // no-show: wait 30
      {
        state: 'no-show',
        queued_at: 0,
        first_called_at: 30 * s,
        called_at: 90 * s,
        started_at: null,
        finished_at: null,
        rating: null,
      },
      // transferred away: wait 0
      {
        state: 'transferred',
        queued_at: 10 * s,
        first_called_at: 10 * s,
        called_at: 10 * s,
        started_at: null,
        finished_at: 20 * s,
        rating: null,
      },
    ];
    expect(windowFigures(rows, 1, '2026-12-02')).toEqual({
      windowId: 1,
      day: '2026-12-02',
      called: 4,
      served: 2,
      noShow: 1,
      transferred: 1,
      avgWaitS: 52.5, // (60 + 120 + 30 + 0) / 4
      avgServiceS: 200, // (300 + 100) / 2
      ratings: { '1': 0, '2': 1, '3': 0, '4': 0, '5': 1 },
      ratingMean: 3.5,
    });
    expect(windowFigures([], 2, '2026-12-02')).toMatchObject({ served: 0, avgWaitS: null, ratingMean: null });
  });
});
