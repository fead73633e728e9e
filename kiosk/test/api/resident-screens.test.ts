// The routes of the resident screens: the built pages (/, /follow/<token>), offline speech
// (espeak-ng → cached WAV, 503 without it), and the ticket scanned for a rating at the kiosk.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followTokenOf, ScannedTickets } from '../../src/api/scanned-ticket.ts';
import { screenRoutes } from '../../src/api/screens.ts';
import { SpeechCache, SpeechUnavailable } from '../../src/api/speech.ts';
import { type TestApp, testApp } from './helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(async () => {
  await t.close();
});

describe('pages', () => {
  it('serves the kiosk at / and the phone page at /follow/<token>, no-store and without a Referer', async () => {
    const dist = mkdtempSync(join(tmpdir(), 'linli-dist-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<p>kiosk</p>');
    writeFileSync(join(dist, 'follow.html'), '<p>phone</p>');
    writeFileSync(join(dist, 'assets/a-1.js'), 'x');
    const app = Fastify();
    await screenRoutes(app, [{ base: '/', dist: `${dist}/`, pages: { '/follow/:token': 'follow.html' } }]);
    const home = await app.inject('/');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('kiosk');
    const follow = await app.inject('/follow/AbCdEfGhIjKlMnOpQrStUvWx');
    expect(follow.statusCode).toBe(200);
    expect(follow.body).toContain('phone');
    expect(follow.headers['referrer-policy']).toBe('no-referrer');
    expect(follow.headers['cache-control']).toBe('no-store');
    const asset = await app.inject('/assets/a-1.js');
    expect(asset.headers['cache-control']).toContain('immutable');
    await app.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it('says how to build when the UI is not built', async () => {
    const app = Fastify();
    await screenRoutes(app, [
      { base: '/', dist: join(tmpdir(), 'linli-no-such-dist/'), pages: { '/follow/:token': 'follow.html' } },
    ]);
    const res = await app.inject('/follow/AbCdEfGhIjKlMnOpQrStUvWx');
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('npm run build');
    await app.close();
  });
});

describe('speech', () => {
  it.runIf(existsSync('/usr/bin/espeak-ng'))(
    'synthesizes Mandarin to a WAV once and serves it from the cache',
    async () => {
      const res = await t.app.inject({
        url: `/api/speech?lang=zh-CN&text=${encodeURIComponent('请A001号到3号窗口')}`,
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('audio/wav');
      expect(res.rawPayload.subarray(0, 4).toString()).toBe('RIFF');
      const cached = readdirSync(join(t.dir, 'speech'));
      expect(cached).toHaveLength(1);
      const again = await t.app.inject({
        url: `/api/speech?lang=zh-CN&text=${encodeURIComponent('请A001号到3号窗口')}`,
      });
      expect(again.rawPayload.equals(res.rawPayload)).toBe(true);
      expect(readdirSync(join(t.dir, 'speech'))).toEqual(cached);
    },
  );

  it('refuses long texts and unknown languages', async () => {
    expect((await t.app.inject({ url: `/api/speech?text=${'长'.repeat(201)}` })).statusCode).toBe(400);
    expect((await t.app.inject({ url: '/api/speech?text=hi&lang=xx' })).statusCode).toBe(400);
  });

  it('fails clearly without espeak-ng', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'linli-speech-'));
    const cache = new SpeechCache(dir, 'espeak-ng-not-installed');
    await expect(cache.file('你好', 'cmn')).rejects.toThrow(SpeechUnavailable);
    await expect(cache.file('你好', 'cmn')).rejects.toThrow(/not installed/);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('rating by scanning the ticket', () => {
  it('recognises the follow URL in a scanned code, and only that', () => {
    expect(followTokenOf('http://192.168.1.20:8090/follow/AbCdEfGhIjKlMnOpQrStUvWx')).toBe(
      'AbCdEfGhIjKlMnOpQrStUvWx',
    );
    expect(followTokenOf('LINLI-APPT:ABCDEFGHJK')).toBeUndefined();
  });

  it('hands the scanned ticket token to the kiosk screen once; it is not taken for an appointment', async () => {
    const checkins: unknown[] = [];
    const off = t.bus.on('queue.checkin', (e) => checkins.push(e));
    t.bus.emit('scan', {
      source: 'serial',
      code: 'http://kiosk.test/follow/AbCdEfGhIjKlMnOpQrStUvWx',
      at: 0,
    });
    const first = await t.app.inject('/api/kiosk/scanned-ticket');
    expect(first.json()).toEqual({ token: 'AbCdEfGhIjKlMnOpQrStUvWx' });
    expect((await t.app.inject('/api/kiosk/scanned-ticket')).json()).toEqual({ token: null });
    expect(checkins).toEqual([]);
    off();
  });

  it('forgets a scan after a minute', () => {
    let now = 0;
    const tickets = new ScannedTickets(t.bus, () => now);
    tickets.start();
    t.bus.emit('scan', {
      source: 'serial',
      code: 'http://kiosk.test/follow/AbCdEfGhIjKlMnOpQrStUvWx',
      at: 0,
    });
    now = 61_000;
    expect(tickets.take()).toBeNull();
    tickets.stop();
  });

  it('answers only the kiosk itself', async () => {
    const res = await t.app.inject({ url: '/api/kiosk/scanned-ticket', remoteAddress: '192.168.1.77' });
    expect(res.statusCode).toBe(403);
  });
});
