// GET /metrics of the kiosk service: Prometheus text without a session, the devices' states, the
// printer's paper, print jobs, the hardware counters, waiting tickets per service, refusals.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runningDefaultMetrics } from '@linli/shared/service';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { KioskBus } from '../../src/events.ts';
import { silentLogger, startHardware } from '../../src/hardware/index.ts';
import { ADMIN_PASSWORD, testApp } from './helpers.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const l = Object.keys(labels)
    .sort()
    .map((k) => `${k}="${labels[k]}"`)
    .join(',');
  const line = text.split('\n').find((x) => x.startsWith(l ? `${name}{${l}} ` : `${name} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('GET /metrics (kiosk)', () => {
  it('answers without a session with device, print, queue and refusal figures', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'linli-kiosk-metrics-'));
    const bus = new KioskBus();
    const hw = await startHardware(
      { idcard: 'simulated', printer: 'simulated', scanner: 'none', dataDir: join(dir, 'print') },
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
    // one refusal to count
    expect((await app.inject({ method: 'POST', url: '/api/hardware/print-jobs/x/retry' })).statusCode).toBe(
      401,
    );
    const deadline = Date.now() + 10_000;
    let text = '';
    while (Date.now() < deadline) {
      const res = await app.inject({ method: 'GET', url: '/metrics' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      text = res.body;
      if (sample(text, 'linli_kiosk_device_connected', { device: 'printer' }) === 1) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(sample(text, 'linli_kiosk_device_connected', { device: 'printer' })).toBe(1);
    // the same as GET /api/hardware/health says
    for (const h of hw.health()) {
      for (const state of ['ok', 'warning', 'error', 'disconnected'])
        expect(
          sample(text, 'linli_kiosk_device_state', { device: h.device, state }),
          `${h.device} ${state}`,
        ).toBe(h.state === state ? 1 : 0);
      if (h.device === 'printer')
        for (const p of ['ok', 'near-end', 'out'])
          expect(sample(text, 'linli_kiosk_printer_paper', { state: p }), p).toBe(
            h.paper === undefined ? undefined : h.paper === p ? 1 : 0,
          );
    }
    expect(hw.health().map((h) => h.device)).toContain('printer');
    expect(sample(text, 'linli_kiosk_print_jobs', { state: 'failed' })).toBe(0);
    expect(text).toMatch(/^linli_kiosk_hardware_total\{counter="connects",device="printer"\} \d+$/m);
    const services = app.kiosk.engine.snapshot().services;
    expect(services.length).toBeGreaterThan(0);
    for (const s of services)
      expect(sample(text, 'linli_kiosk_queue_waiting', { service: s.serviceId })).toBe(0);
    expect(sample(text, 'linli_kiosk_http_refused_total', { code: 'UNAUTHENTICATED' })).toBe(1);
    expect(sample(text, 'linli_kiosk_sse_clients', { stream: 'public' })).toBe(0);
    // every family has HELP and TYPE (and prom-client's default process metrics are there too)
    expect(text).toMatch(/^# TYPE process_resident_memory_bytes gauge$/m);
    const types = [...text.matchAll(/^# TYPE (linli_\S+) (gauge|counter)$/gm)].map((m) => m[1]);
    expect(types).toEqual([
      'linli_kiosk_device_connected',
      'linli_kiosk_device_state',
      'linli_kiosk_printer_paper',
      'linli_kiosk_print_jobs',
      'linli_kiosk_hardware_total',
      'linli_kiosk_queue_waiting',
      'linli_kiosk_http_refused_total',
      'linli_kiosk_sse_clients',
    ]);
  });

  it('leaves no default process collectors behind after starting and stopping the app 5 times', async () => {
    const before = runningDefaultMetrics();
    for (let i = 0; i < 5; i++) {
      const t = await testApp();
      expect(runningDefaultMetrics()).toBe(before + 1);
      await t.close();
    }
    expect(runningDefaultMetrics()).toBe(before);
  }, 120_000); // five whole apps on a loaded machine
});
