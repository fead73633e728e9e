// Press → stored at the center (issue #11): a community center (`tsx gateway/src/server.ts`,
// role center, its own process and SQLite file) and a station gateway (bench/station-child.ts,
// its own process: the real engine, store, outbox and uplink over MQTT + webhook; device
// authentication through the in-memory directory of bench/fleet.ts, as in gateway.bench.ts)
// carrying LINLI_BENCH_DEVICES (default 10,000) raw-socket devices heartbeating every 30 s.
// PRESSES distinct pendants press once each, spread over PRESS_SPREAD_S; the latency is from the
// publish of the press at the station to the center's `alert.changed` for that device on the
// center's live stream (emitted after the center's commit), both clocks in this process.
// Run alone: `npm run bench -- center-link`.
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  benchStation,
  type CenterProcess,
  centerStream,
  type StationProcess,
  startCenter,
  startStation,
} from './center-rig.ts';
import { deviceClients, FLEET_SITE, percentile, startFleet } from './fleet.ts';
import type { BenchResult } from './types.ts';

const DEVICES = Number(process.env.LINLI_BENCH_DEVICES ?? 10_000);
const PRESSES = 200;
const PRESS_SPREAD_S = 10;
const KEY = 'bench-center-link-hmac-key-0123456789';
const STATION = benchStation(FLEET_SITE, 'bench-link');

export async function run(): Promise<BenchResult[]> {
  const log = (m: string) => console.log(`    ${m}`);
  const load0 = loadavg()[0]!;
  let center: CenterProcess | undefined;
  let st: StationProcess | undefined;
  try {
    center = await startCenter({ key: KEY, admin: 'bench-center-link-admin-1', stations: [STATION] });
    st = await startStation(center, { ...STATION, hmacKey: KEY, devices: DEVICES });
    const seen = new Map<string, number>();
    const stream = await centerStream(center, (a, at) => {
      if (a.deviceId && !seen.has(a.deviceId)) seen.set(a.deviceId, at);
    });

    const t0 = performance.now();
    const fleet = await startFleet(st.port, DEVICES);
    const connectS = (performance.now() - t0) / 1000;
    log(`${fleet.connected}/${DEVICES} devices connected to the station in ${connectS.toFixed(1)} s`);

    const clients = await deviceClients(st.port, PRESSES, 'press');
    const pressedAt = new Map<string, number>();
    await Promise.all(
      clients.map(
        (c, i) =>
          new Promise<void>((resolve) => {
            setTimeout(
              () => {
                const id = `press-${i}`;
                pressedAt.set(id, performance.now());
                c.publish(
                  `linli/v1/${FLEET_SITE}/dev/${id}/evt`,
                  JSON.stringify({ id: 'sos-1', seq: 1, ts: Date.now(), type: 'sos' }),
                  { qos: 1 },
                  () => resolve(),
                );
              },
              (i / PRESSES) * PRESS_SPREAD_S * 1000,
            );
          }),
      ),
    );
    const deadline = performance.now() + 60_000;
    while (performance.now() < deadline && [...pressedAt.keys()].some((id) => !seen.has(id)))
      await new Promise((r) => setTimeout(r, 100));
    stream.abort();
    await Promise.all(clients.map((c) => c.endAsync()));
    fleet.stop();
    const lat = [...pressedAt]
      .filter(([id]) => seen.has(id))
      .map(([id, t]) => seen.get(id)! - t)
      .sort((a, b) => a - b);
    const missing = PRESSES - lat.length;
    const p50 = percentile(lat, 50);
    const p99 = percentile(lat, 99);
    const load1 = loadavg()[0]!;
    log(
      `press → stored at the center: p50 ${p50.toFixed(1)} ms, p95 ${percentile(lat, 95).toFixed(1)}, p99 ${p99.toFixed(1)}, max ${lat.at(-1)?.toFixed(1)} ms; ${lat.length}/${PRESSES} seen, load average ${load0.toFixed(1)} → ${load1.toFixed(1)}`,
    );
    const devices = `${fleet.connected.toLocaleString('en')} devices heartbeating every 30 s on the station`;
    return [
      {
        name: `SOS press → stored at the center p99 (station and center in separate processes, ${devices})`,
        value: Math.round(p99 * 10) / 10,
        unit: 'ms',
        target: '≤ 500 ms (best in class ≤ 200 ms)',
        pass: p99 <= 500 && missing === 0 && fleet.connected === DEVICES,
        detail: `p50 ${p50.toFixed(1)} ms, max ${lat.at(-1)?.toFixed(1)} ms, ${PRESSES} presses from distinct pendants over ${PRESS_SPREAD_S} s, ${missing} not seen at the center within 60 s; measured to the center's alert.changed on its live stream (after its commit); devices connected in ${connectS.toFixed(1)} s; load average ${load0.toFixed(1)} → ${load1.toFixed(1)}`,
      },
    ];
  } finally {
    await st?.stop();
    await center?.stop();
  }
}
