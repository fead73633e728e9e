// The hardware routes inside the kiosk app answer in the kiosk's one error shape
// ({error: {code, message, zh, en}}), like every other route (issue #10, defect 20).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { KioskBus } from '../../src/events.ts';
import { silentLogger, startHardware } from '../../src/hardware/index.ts';
import { ADMIN_PASSWORD, login } from './helpers.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('hardware routes in the kiosk app', () => {
  it('refuse in the one error shape, counted by code', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'linli-hw-routes-'));
    const bus = new KioskBus();
    const hw = await startHardware(
      { idcard: 'none', printer: 'none', scanner: 'none', dataDir: join(dir, 'print') },
      bus,
      { log: silentLogger },
    );
    const config = loadConfig({ dataDir: dir, adminPassword: ADMIN_PASSWORD, checkpointMs: 0 }, {});
    const app = await buildApp({ config, bus, hardware: hw });
    cleanups.push(async () => {
      await app.close();
      await hw.stop();
      rmSync(dir, { recursive: true, force: true });
    });
    const retry = (headers: Record<string, string> = {}) =>
      app.inject({ method: 'POST', url: '/api/hardware/print-jobs/nope/retry', headers });

    const anonymous = await retry();
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toEqual({
      error: expect.objectContaining({ code: 'UNAUTHENTICATED', message: expect.any(String) }),
    });

    const missing = await retry({ cookie: await login(app) });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({
      error: {
        code: 'PRINT_JOB_NOT_FOUND',
        message: expect.stringContaining('nope'),
        zh: '没有这个打印任务',
        en: expect.stringContaining('nope'),
      },
    });
    expect(app.kiosk.refusals.get('PRINT_JOB_NOT_FOUND')).toBe(1);
  });

  it('GET /api/health is not ok while a device is not configured, and says which', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'linli-hw-health-'));
    const bus = new KioskBus();
    const hw = await startHardware(
      { idcard: '', printer: 'none', scanner: 'none', dataDir: join(dir, 'print') },
      bus,
      { log: silentLogger },
    );
    const config = loadConfig({ dataDir: dir, adminPassword: ADMIN_PASSWORD, checkpointMs: 0 }, {});
    const app = await buildApp({ config, bus, hardware: hw });
    cleanups.push(async () => {
      await app.close();
      await hw.stop();
      rmSync(dir, { recursive: true, force: true });
    });
    const health = (await app.inject({ method: 'GET', url: '/api/health' })).json();
    expect(health).toMatchObject({
      ok: false,
      devices: [
        {
          device: 'idcard',
          state: 'error',
          connected: false,
          detail: expect.stringContaining('not configured'),
        },
      ],
    });
  });
});
