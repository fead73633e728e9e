/// <reference lib="dom" />
// Button press on a station's pendant → the alert's row painted on the center's alarm console in
// headless Chromium (issue #14), p99, with the station carrying the 10,000-device load: the same
// rig as center-link.bench.ts — a center (role center) and a station gateway forwarding to it on
// both paths (uplink MQTT + signed webhook), each in its own process, LINLI_BENCH_DEVICES
// (default 10,000) raw-socket devices heartbeating every 30 s on the station — and the center
// operator's console signed in on the queue. Each press is from a distinct pendant, one at a
// time (a 100 ms pause between); the time is taken in the page at the first animation frame
// after the row appears (a MutationObserver), against the press time on the same wall clock.
// Target ≤ 500 ms (aim ≤ 200 ms). Run alone: `npm run bench -- center-console`.
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { MqttClient } from 'mqtt';
import { buildScreen } from '../scripts/build-ui.ts';
import { launch } from '../test/e2e/ui-helpers.ts';
import {
  benchStation,
  type CenterProcess,
  centerLogin,
  centerStations,
  type StationProcess,
  startCenter,
  startStation,
  waitFor,
} from './center-rig.ts';
import { deviceClients, FLEET_SITE, type Fleet, percentile, startFleet } from './fleet.ts';
import type { BenchResult } from './types.ts';

const PRESSES = Number(process.env.BENCH_CENTER_CONSOLE_PRESSES ?? 100);
const DEVICES = Number(process.env.LINLI_BENCH_DEVICES ?? 10_000);
const KEY = 'bench-center-console-hmac-key-0123456789';
const ADMIN = 'bench-center-console-admin-1';
const STATION = benchStation(FLEET_SITE, 'bench-console');

export async function run(): Promise<BenchResult[]> {
  const log = (m: string) => console.log(`    ${m}`);
  await buildScreen('console', { ifStale: true });
  const load0 = loadavg()[0]!;
  let center: CenterProcess | undefined;
  let st: StationProcess | undefined;
  let fleet: Fleet | undefined;
  let clients: MqttClient[] = [];
  const browser = await launch({ autoplay: false });
  try {
    center = await startCenter({ key: KEY, admin: ADMIN, stations: [STATION] });
    st = await startStation(center, { ...STATION, hmacKey: KEY, devices: DEVICES });
    const t0 = performance.now();
    fleet = await startFleet(st.port, DEVICES);
    const connectS = (performance.now() - t0) / 1000;
    log(`${fleet.connected}/${DEVICES} devices connected to the station in ${connectS.toFixed(1)} s`);
    // press-0 is a warm-up press (the first alert pays for lazy set-up on both sides), not counted
    clients = await deviceClients(st.port, PRESSES + 1, 'press');

    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${center.base}/`);
    await page.locator('input[name="username"], input[autocomplete="username"]').first().fill('admin');
    await page.locator('input[type="password"]').first().fill(ADMIN);
    await page.locator('button[type="submit"]').first().click();
    await page.locator('main h1').first().waitFor();
    await page.evaluate(() => {
      const w = window as unknown as { seen: Record<string, number> };
      w.seen = {};
      new MutationObserver(() => {
        for (const tr of document.querySelectorAll<HTMLElement>('tr[data-device]')) {
          const dev = tr.dataset.device!;
          if (w.seen[dev] !== undefined) continue;
          w.seen[dev] = 0;
          requestAnimationFrame(() => {
            w.seen[dev] = Date.now();
          });
        }
      }).observe(document.body, { childList: true, subtree: true });
    });
    // measured once the station's MQTT path to the center is up (not its start-up)
    const cookie = await centerLogin(center);
    const c = center;
    await waitFor(
      async () => (await centerStations(c, cookie)).some((s) => s.site === STATION.site && s.paths.mqtt?.up),
      "the station's MQTT path at the center",
    );

    const latencies: number[] = [];
    let warmUp = 0;
    for (const [i, client] of clients.entries()) {
      const id = `press-${i}`;
      const at0 = Date.now();
      await client.publishAsync(
        `linli/v1/${FLEET_SITE}/dev/${id}/evt`,
        JSON.stringify({ id: 'sos-1', seq: 1, ts: at0, type: 'sos' }),
        { qos: 1 },
      );
      await page.waitForFunction(
        (dev) => ((window as unknown as { seen: Record<string, number> }).seen[dev] ?? 0) > 0,
        id,
        { timeout: 30_000, polling: 20 },
      );
      const at = await page.evaluate(
        (dev) => (window as unknown as { seen: Record<string, number> }).seen[dev]!,
        id,
      );
      if (i === 0) warmUp = at - at0;
      else latencies.push(at - at0);
      await new Promise((r) => setTimeout(r, 100));
    }
    latencies.sort((a, b) => a - b);
    const p99 = percentile(latencies, 99);
    const load1 = loadavg()[0]!;
    const detail = `p50 ${percentile(latencies, 50)} ms, p95 ${percentile(latencies, 95)} ms, max ${latencies.at(-1)} ms; ${PRESSES} presses from distinct pendants one at a time (warm-up press ${warmUp} ms not counted); station (own process) carrying ${fleet.connected.toLocaleString('en')} devices heartbeating every 30 s (connected in ${connectS.toFixed(1)} s), center in its own process; load average ${load0.toFixed(1)} → ${load1.toFixed(1)}`;
    log(`press → center console p99 ${p99} ms (${detail})`);
    return [
      {
        name: `button press → alert row painted on the center console in Chromium p99 (station with ${fleet.connected.toLocaleString('en')} devices → center over MQTT)`,
        value: p99,
        unit: 'ms',
        target: '≤ 500 ms (aim ≤ 200 ms)',
        pass: p99 <= 500 && fleet.connected === DEVICES,
        detail,
      },
    ];
  } finally {
    await Promise.all(clients.map((c) => c.endAsync().catch(() => {})));
    fleet?.stop();
    await browser.close();
    await st?.stop();
    await center?.stop();
  }
}
