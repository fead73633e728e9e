// A center fed by N simulated stations (firmware-sim station mode, docs/center-link.md): the
// center gateway (role center) in its own process, every station its own MQTT client with its
// own account, all in this one process; each station supervises every SUPERVISION_S. Phases:
//   1. connect all stations (connect time);
//   2. paced: RATE alert revisions/s offered for 10 s, each waited for until the center's
//      `stored` receipt (sent after the durable commit) → receipt latency;
//   3. closed loop: IN_FLIGHT revisions outstanding for 10 s → the ingest rate the center
//      sustains, stored and receipted;
//   4. supervision: every station seen, reachable, its MQTT path up, and no
//      center.station-unreachable raised, with the center's station timeout at TIMEOUT_S while
//      the run lasts several timeouts.
// The same stations against a raw aedes broker (PUBACK only, nothing stored) are the baseline.
//   LINLI_BENCH_STATIONS (default 1000), LINLI_BENCH_CENTER_RATE (revisions/s, default 500)
// Run alone: `npm run bench -- center.bench`.

import { readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { type ConnectedStations, connectStations, type StationLoadPhase } from '../firmware-sim/src/index.ts';
import {
  type CenterProcess,
  centerLogin,
  centerStations,
  procStats,
  startCenter,
  waitFor,
} from './center-rig.ts';
import { spawnReady, stopChild } from './fleet.ts';
import type { BenchResult } from './types.ts';

const STATIONS = Number(process.env.LINLI_BENCH_STATIONS ?? 1000);
const RATE = Number(process.env.LINLI_BENCH_CENTER_RATE ?? 500);
const IN_FLIGHT = 500;
const SECONDS = 10;
const SUPERVISION_S = 10;
const TIMEOUT_S = 30;
const KEY = 'bench-center-hmac-key-0123456789';
const ADMIN = 'bench-center-admin-1';

const password = (site: string) => `bench-${site}-password-0123456789`;
const fmt = (p: StationLoadPhase) =>
  `${p.done}/${p.sent} at ${p.ratePerS.toFixed(0)}/s; p50 ${p.latencyMs.p50.toFixed(1)} p99 ${p.latencyMs.p99.toFixed(1)} max ${p.latencyMs.max.toFixed(1)} ms`;
const log = (m: string) => console.log(`    ${m}`);

interface Run {
  connected: number;
  connectS: number;
  paced: StationLoadPhase;
  closed: StationLoadPhase;
}

async function phases(what: string, st: ConnectedStations): Promise<Run> {
  log(`${what}: ${st.connected}/${st.stations} stations connected in ${st.connectSeconds.toFixed(1)} s`);
  const paced = await st.paced(RATE, SECONDS);
  log(`${what} paced ${RATE}/s: ${fmt(paced)}`);
  const closed = await st.closedLoop(IN_FLIGHT, SECONDS);
  log(`${what} closed loop (${IN_FLIGHT} in flight): ${fmt(closed)}`);
  return { connected: st.connected, connectS: st.connectSeconds, paced, closed };
}

export async function run(): Promise<BenchResult[]> {
  const load0 = loadavg()[0]!;
  const sites = Array.from({ length: STATIONS }, (_, i) => `st${String(i + 1).padStart(4, '0')}`);
  let center: CenterProcess | undefined;
  let c: Run;
  let mem = '';
  let sup: {
    duringConnect: number;
    seen: number;
    reachable: number;
    mqttUp: number;
    unreachableAlerts: number;
    runS: number;
  };
  try {
    center = await startCenter({
      key: KEY,
      admin: ADMIN,
      stations: sites.map((site) => ({ site, password: password(site) })),
      env: {
        LINLI_GW_GROUP_COMMIT_MS: '2',
        LINLI_GW_ASYNC_FSYNC: 'true',
        LINLI_GW_CENTER_STATION_TIMEOUT_S: String(TIMEOUT_S),
        LINLI_GW_CENTER_CHECK_INTERVAL_S: '2',
      },
    });
    const t0 = performance.now();
    const st = await connectStations({
      url: `mqtt://127.0.0.1:${center.mqttPort}`,
      stations: sites.map((site) => ({ site, password: password(site) })),
      receipts: true,
      supervisionS: SUPERVISION_S,
    });
    const connectedAt = Date.now();
    try {
      // measured in the steady state: once the center has taken in every station's connect
      // and first supervision (its commits, the pending-action resends on subscribe)
      const cookie0 = await centerLogin(center);
      const cp = center;
      await waitFor(
        async () => (await centerStations(cp, cookie0)).every((s) => s.paths.mqtt?.up),
        'every station seen at the center',
        120_000,
      );
      log(
        `center: every station seen ${((Date.now() - connectedAt) / 1000).toFixed(1)} s after the last connect`,
      );
      c = await phases('center', st);
      // the run spans at least three station timeouts: a station whose supervision were lost
      // would have been reported unreachable by now
      const until = t0 + 3 * TIMEOUT_S * 1000;
      while (performance.now() < until) await new Promise((r) => setTimeout(r, 500));
      const stats = await procStats(center.child);
      const fds = readdirSync(`/proc/${center.child.pid}/fd`).length;
      mem = `center process with ${STATIONS} stations connected: RSS ${((stats?.rss ?? Number.NaN) / 2 ** 20).toFixed(0)} MB, heap used ${((stats?.heapUsed ?? Number.NaN) / 2 ** 20).toFixed(0)} MB, ${fds} open descriptors`;
      log(mem);
      const cookie = await centerLogin(center);
      const view = await centerStations(center, cookie);
      // read beside the running center (WAL: a reader does not block its writer)
      const db = new Database(join(center.dir, 'gateway.db'), { readonly: true });
      const count = (sql: string, ...a: number[]) => (db.prepare(sql).get(...a) as { n: number }).n;
      const UNREACH = "SELECT COUNT(*) AS n FROM alerts WHERE type = 'center.station-unreachable'";
      const unreachable = count(`${UNREACH} AND (raised_at >= ? OR last_at >= ?)`, connectedAt, connectedAt);
      const duringConnect = count(UNREACH) - unreachable;
      db.close();
      sup = {
        seen: view.filter((s) => s.lastSeen !== undefined).length,
        reachable: view.filter((s) => s.reachable).length,
        mqttUp: view.filter((s) => s.paths.mqtt?.up).length,
        unreachableAlerts: unreachable,
        duringConnect,
        runS: (performance.now() - t0) / 1000,
      };
      log(
        `supervision after ${sup.runS.toFixed(0)} s (timeout ${TIMEOUT_S} s, every ${SUPERVISION_S} s): ${sup.seen} seen, ${sup.reachable} reachable, ${sup.mqttUp} MQTT path up, ${sup.unreachableAlerts} station-unreachable alerts after all were connected (${sup.duringConnect} while connecting); ${st.supervisionSent} supervision messages`,
      );
    } finally {
      await st.close();
    }
  } finally {
    await center?.stop();
  }
  const aedes = await spawnReady(['firmware-sim/src/broker/aedes-process.ts'], {}, /LISTENING (\d+)/);
  let raw: Run;
  try {
    const st = await connectStations({
      url: `mqtt://127.0.0.1:${aedes.match[1]}`,
      stations: sites.map((site) => ({ site })),
      receipts: false,
      supervisionS: SUPERVISION_S,
    });
    try {
      raw = await phases('raw aedes', st);
    } finally {
      await st.close();
    }
  } finally {
    await stopChild(aedes.child);
  }
  const load1 = loadavg()[0]!;
  const loadNote = `load average ${load0.toFixed(1)} → ${load1.toFixed(1)}`;
  const rawRate = `raw aedes (PUBACK, nothing stored), same ${STATIONS} stations and ${IN_FLIGHT} in flight: ${raw.closed.ratePerS.toFixed(0)} msg/s, p99 ${raw.closed.latencyMs.p99.toFixed(1)} ms`;
  const supervised =
    sup.seen === STATIONS &&
    sup.reachable === STATIONS &&
    sup.mqttUp === STATIONS &&
    sup.unreachableAlerts === 0;
  return [
    {
      name: `center: stations connected and supervised (${STATIONS} simulated stations in one process)`,
      value: Math.min(sup.seen, sup.reachable, sup.mqttUp),
      unit: 'stations',
      target: `= ${STATIONS}, none unreachable`,
      pass: supervised && c.connected === STATIONS,
      baseline: `raw aedes: ${raw.connected} connected in ${raw.connectS.toFixed(1)} s`,
      detail: `connected ${c.connected} in ${c.connectS.toFixed(1)} s (50 connects in flight, each authenticated); after ${sup.runS.toFixed(0)} s with the center's station timeout at ${TIMEOUT_S} s and supervision every ${SUPERVISION_S} s: ${sup.seen} seen, ${sup.reachable} reachable, ${sup.mqttUp} with the MQTT path up, ${sup.unreachableAlerts} center.station-unreachable alerts raised after all stations were connected (${sup.duringConnect} for stations not yet connected ${TIMEOUT_S} s after the center started, each cleared on connect); ${mem}; ${loadNote}`,
    },
    {
      name: `center: alert ingest rate, revisions stored and receipted (${STATIONS} stations, ${IN_FLIGHT} in flight)`,
      value: Math.round(c.closed.ratePerS),
      unit: 'msg/s',
      target: 'informational (≥ 10 × a city’s peak, docs/capacity.md)',
      pass: c.closed.done === c.closed.sent,
      baseline: rawRate,
      detail: `${c.closed.done}/${c.closed.sent} receipted in the ${SECONDS} s closed loop, receipt p50 ${c.closed.latencyMs.p50.toFixed(1)} ms p99 ${c.closed.latencyMs.p99.toFixed(1)} ms; ${((c.closed.ratePerS / raw.closed.ratePerS) * 100).toFixed(0)} % of raw aedes; center with group commit 2 ms and asyncFsync (WAL fdatasync before the receipt); ${loadNote}`,
    },
    {
      name: `center: revision → stored receipt p99 (${RATE}/s offered by ${STATIONS} stations)`,
      value: Number(c.paced.latencyMs.p99.toFixed(1)),
      unit: 'ms',
      target: '≤ 500 ms',
      pass: c.paced.latencyMs.p99 <= 500 && c.paced.done === c.paced.sent,
      baseline: `raw aedes PUBACK at the same offered rate: p99 ${raw.paced.latencyMs.p99.toFixed(1)} ms`,
      detail: `${c.paced.done}/${c.paced.sent} receipted, p50 ${c.paced.latencyMs.p50.toFixed(1)} ms, max ${c.paced.latencyMs.max.toFixed(1)} ms; ${loadNote}`,
    },
  ];
}
