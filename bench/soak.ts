// Soak run (issue #17): `npm run soak [-- --minutes 10] [--devices 10000] [--no-doc]`. Not part of
// `npm test` nor of `npm run bench`.
// A center (role center, own process) and a station gateway (own process, the real registry:
// every device provisioned and authenticated by its secret with scrypt) forwarding to it over
// MQTT + the signed webhook. On the station: DEVICES raw-socket devices heartbeating every 30 s
// (a tenth of them door contacts opening and closing about every 100 s, with a burst of 200
// doors at second 30 of every minute and a forced door every 20 s) and PRESS_POOL pendants
// (MQTT.js, QoS 1) pressing SOS about once a second with a burst of 20 presses at second 45 of
// every minute. Every minute a row: memory (RSS, V8 heap used) and open descriptors
// (/proc/<pid>/fd) of station and center, events/s, press → stored (PUBACK after the durable
// commit) p50/p99, press → at the center (the center's alert.changed on its live stream) p99,
// outbox depth. At the end a verdict on flatness (growth per minute by a least-squares line
// over the minutes after the first) and the table in docs/soak.md.
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { MqttClient } from 'mqtt';
import { migrate, openDb } from '../gateway/src/db/index.ts';
import { openRegistry } from '../gateway/src/registry/index.ts';
import {
  benchStation,
  type CenterProcess,
  centerStream,
  type ProcStats,
  procStats,
  type StationProcess,
  startCenter,
  startStation,
  waitFor,
} from './center-rig.ts';
import { deviceClients, type Fleet, percentile, REPO, startFleet } from './fleet.ts';

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    devices: { type: 'string', default: '10000' },
    'no-doc': { type: 'boolean', default: false },
  },
});
const MINUTES = Number(args.minutes);
const DEVICES = Number(args.devices);
if (!(MINUTES > 0) || !(DEVICES >= 100)) {
  console.error('usage: npm run soak -- [--minutes N (> 0)] [--devices N (≥ 100)] [--no-doc]');
  process.exit(2);
}
const SITE = 'soak';
const KEY = 'soak-hmac-key-0123456789abcdef';
const SECRET = 'soak-device-secret-0123456789';
const STATION = benchStation(SITE, 'soak-station');
const DOORS_FROM = Math.floor(DEVICES * 0.9); // dev-9000… are door contacts
const PRESS_POOL = 200;
const log = (m: string) => console.log(m);

interface Row {
  minute: number;
  load: number;
  sentPerS: number;
  storedPerS: number;
  presses: number;
  storedP50: number;
  storedP99: number;
  centerP99: number;
  centerMissing: number;
  outbox: number | null | undefined;
  station: ProcStats & { fds: number };
  center: ProcStats & { fds: number };
}

const fds = (pid: number | undefined) => {
  try {
    return pid ? readdirSync(`/proc/${pid}/fd`).length : Number.NaN;
  } catch {
    return Number.NaN;
  }
};
const mb = (b: number) => (b / 2 ** 20).toFixed(0);

/** Provision the fleet in the station's registry before it starts (one prepared secret hash
 *  shared by every device: provisioning stays quick, authentication is the real per-device check). */
async function provision(dir: string): Promise<void> {
  const db = openDb(join(dir, 'gateway.db'));
  migrate(db);
  const registry = openRegistry(db, { secretKey: KEY });
  const prepared = await registry.prepareSecret(SECRET);
  db.transaction(() => {
    for (let i = 0; i < DEVICES; i++)
      registry.provision(
        {
          id: `dev-${i}`,
          site: SITE,
          kind: i >= DOORS_FROM ? 'door-contact' : 'pendant',
          heartbeatIntervalS: 30,
          offlineTimeoutS: 600,
          location: { building: `B${Math.floor(i / 500) + 1}`, grid: `G${Math.floor(i / 2000) + 1}` },
        },
        undefined,
        prepared,
      );
    for (let i = 0; i < PRESS_POOL; i++)
      registry.provision(
        { id: `press-${i}`, site: SITE, kind: 'pendant', heartbeatIntervalS: 30 },
        undefined,
        prepared,
      );
  })();
  db.close();
}

function slope(ys: number[]): number {
  const n = ys.length;
  if (n < 2) return 0;
  const xm = (n - 1) / 2;
  const ym = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  ys.forEach((y, x) => {
    num += (x - xm) * (y - ym);
    den += (x - xm) ** 2;
  });
  return num / den;
}

async function main(): Promise<void> {
  const started = new Date();
  let center: CenterProcess | undefined;
  let st: StationProcess | undefined;
  let fleet: Fleet | undefined;
  let presses: MqttClient[] = [];
  const timers: NodeJS.Timeout[] = [];
  let stream: AbortController | undefined;
  try {
    center = await startCenter({ key: KEY, admin: 'soak-center-admin-1', stations: [STATION] });
    const dir = mkdtempSync(join(tmpdir(), 'linli-soak-station-'));
    let t = performance.now();
    await provision(dir);
    log(`provisioned ${DEVICES + PRESS_POOL} devices in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    st = await startStation(center, { ...STATION, hmacKey: KEY, devices: DEVICES, registry: true, dir });
    t = performance.now();
    fleet = await startFleet(st.port, DEVICES, { site: SITE, prefix: 'dev', secretOf: () => SECRET });
    const connectNote = `${fleet.connected}/${DEVICES} devices connected (real registry authentication, 500 connects in flight) in ${((performance.now() - t) / 1000).toFixed(1)} s at load average ${loadavg()[0]!.toFixed(1)}`;
    log(connectNote);
    presses = await deviceClients(st.port, PRESS_POOL, 'press', { site: SITE, secretOf: () => SECRET });

    // press → stored (PUBACK) and press → center (alert.changed with lastAt at or after the press)
    const pending = new Map<string, { perf: number; wall: number }>();
    let storedLat: number[] = [];
    let centerLat: number[] = [];
    let pressCount = 0;
    let sent = 0;
    stream = await centerStream(center, (a, at) => {
      const p = a.deviceId ? pending.get(a.deviceId) : undefined;
      if (!p || a.type !== 'sos' || (a.lastAt ?? 0) < p.wall - 1000) return;
      pending.delete(a.deviceId!);
      centerLat.push(at - p.perf);
    });
    const c = center;
    await waitFor(async () => (await procStats(c.child))?.rss !== undefined, 'the center');
    const seq = new Map<number, number>();
    const press = () => {
      const free = Array.from({ length: PRESS_POOL }, (_, i) => i).filter((i) => !pending.has(`press-${i}`));
      if (free.length === 0) return;
      const i = free[Math.floor(Math.random() * free.length)]!;
      const id = `press-${i}`;
      const n = (seq.get(i) ?? 0) + 1;
      seq.set(i, n);
      const perf = performance.now();
      const wall = Date.now();
      pending.set(id, { perf, wall });
      pressCount++;
      sent++;
      presses[i]!.publish(
        `linli/v1/${SITE}/dev/${id}/evt`,
        JSON.stringify({ id: `sos-${wall}-${n}`, seq: n, ts: wall, type: 'sos' }),
        { qos: 1 },
        (err) => {
          if (!err) storedLat.push(performance.now() - perf);
        },
      );
    };
    const door = (i: number, type: string) => {
      if (fleet!.send(i, type)) sent++;
    };
    const doorCount = DEVICES - DOORS_FROM;
    const randomDoor = () => DOORS_FROM + Math.floor(Math.random() * doorCount);
    // steady traffic: a press about every second, door open/close about every 100 s per door
    timers.push(setInterval(() => Math.random() < 0.5 && press(), 500));
    timers.push(
      setInterval(() => {
        for (let k = 0; k < doorCount / 100; k++) {
          const i = randomDoor();
          door(i, 'door.open');
          setTimeout(() => door(i, 'door.close'), 2000 + Math.random() * 8000).unref();
        }
      }, 1000),
    );
    timers.push(setInterval(() => door(randomDoor(), 'door.forced'), 20_000));
    // bursts inside every minute: 200 doors at +30 s, 20 presses within a second at +45 s
    const burst = (offsetS: number, fn: () => void) => {
      const first = setTimeout(() => {
        fn();
        timers.push(setInterval(fn, 60_000));
      }, offsetS * 1000);
      timers.push(first);
    };
    burst(30, () => {
      for (let k = 0; k < 200; k++) {
        const i = randomDoor();
        door(i, 'door.open');
        setTimeout(() => door(i, 'door.close'), 5000).unref();
      }
    });
    burst(45, () => {
      for (let k = 0; k < 20; k++) setTimeout(press, Math.random() * 1000).unref();
    });

    const rows: Row[] = [];
    const header =
      'min | load | sent/s | stored/s | presses | press→stored p50/p99 ms | press→center p99 ms | outbox | station RSS/heap MB, fds | center RSS/heap MB, fds';
    log(header);
    let lastStored = (await procStats(st.child))?.stored ?? 0;
    let lastHb = fleet.heartbeats;
    let lastAt = performance.now();
    for (let m = 1; m <= MINUTES; m++) {
      await new Promise((r) => setTimeout(r, 60_000 - ((performance.now() - lastAt) % 60_000)));
      const now = performance.now();
      const secs = (now - lastAt) / 1000;
      lastAt = now;
      const [ss, cs] = [await procStats(st.child), await procStats(center.child)];
      const s = storedLat.sort((a, b) => a - b);
      const cl = centerLat.sort((a, b) => a - b);
      // a press not at the center 30 s after it counts as missing
      let missing = 0;
      for (const [id, p] of pending)
        if (now - p.perf > 30_000) {
          pending.delete(id);
          missing++;
        }
      const hb = fleet.heartbeats - lastHb;
      lastHb = fleet.heartbeats;
      const row: Row = {
        minute: m,
        load: loadavg()[0]!,
        sentPerS: (sent + hb) / secs,
        storedPerS: ((ss?.stored ?? lastStored) - lastStored) / secs,
        presses: pressCount,
        storedP50: percentile(s, 50),
        storedP99: percentile(s, 99),
        centerP99: percentile(cl, 99),
        centerMissing: missing,
        outbox: ss?.outbox,
        station: { rss: ss?.rss ?? Number.NaN, heapUsed: ss?.heapUsed ?? Number.NaN, fds: fds(st.child.pid) },
        center: {
          rss: cs?.rss ?? Number.NaN,
          heapUsed: cs?.heapUsed ?? Number.NaN,
          fds: fds(center.child.pid),
        },
      };
      lastStored = ss?.stored ?? lastStored;
      rows.push(row);
      sent = 0;
      pressCount = 0;
      storedLat = [];
      centerLat = [];
      log(fmtRow(row).join(' | '));
    }
    const verdict = judge(rows);
    for (const v of verdict.lines) log(v);
    if (!args['no-doc']) {
      writeDoc(rows, verdict, started, fleet.connected, connectNote);
      log('table written to docs/soak.md');
    }
    process.exitCode = verdict.flat ? 0 : 1;
  } finally {
    for (const t of timers) clearInterval(t);
    stream?.abort();
    await Promise.all(presses.map((c) => c.endAsync().catch(() => {})));
    fleet?.stop();
    await st?.stop();
    await center?.stop();
  }
}

function fmtRow(r: Row): string[] {
  return [
    String(r.minute),
    r.load.toFixed(1),
    r.sentPerS.toFixed(0),
    r.storedPerS.toFixed(0),
    String(r.presses),
    `${r.storedP50.toFixed(1)} / ${r.storedP99.toFixed(1)}`,
    `${r.centerP99.toFixed(0)}${r.centerMissing ? ` (${r.centerMissing} missing)` : ''}`,
    String(r.outbox ?? '–'),
    `${mb(r.station.rss)} / ${mb(r.station.heapUsed)}, ${r.station.fds}`,
    `${mb(r.center.rss)} / ${mb(r.center.heapUsed)}, ${r.center.fds}`,
  ];
}

// Flat: after the first minute (warm-up), the least-squares growth per minute stays under
// 1 MB of heap, 2 MB of RSS and 0.5 descriptors per process.
function judge(rows: Row[]): { flat: boolean; lines: string[] } {
  const after = rows.length > 2 ? rows.slice(1) : rows;
  const lines: string[] = [];
  let flat = true;
  for (const who of ['station', 'center'] as const) {
    const heap = slope(after.map((r) => r[who].heapUsed / 2 ** 20));
    const rss = slope(after.map((r) => r[who].rss / 2 ** 20));
    const fd = slope(after.map((r) => r[who].fds));
    const ok = heap < 1 && rss < 2 && fd < 0.5;
    flat &&= ok;
    lines.push(
      `${who}: heap ${heap >= 0 ? '+' : ''}${heap.toFixed(2)} MB/min, RSS ${rss >= 0 ? '+' : ''}${rss.toFixed(2)} MB/min, fds ${fd >= 0 ? '+' : ''}${fd.toFixed(2)}/min → ${ok ? 'flat' : 'GROWING'}`,
    );
  }
  const p99s = after.map((r) => r.storedP99).filter(Number.isFinite);
  const c99s = after.map((r) => r.centerP99).filter(Number.isFinite);
  const missing = rows.reduce((a, r) => a + r.centerMissing, 0);
  lines.push(
    `press → stored p99 over the minutes: ${Math.min(...p99s).toFixed(1)}–${Math.max(...p99s).toFixed(1)} ms; press → center p99 ${Math.min(...c99s).toFixed(0)}–${Math.max(...c99s).toFixed(0)} ms; ${missing} presses not at the center within 30 s`,
  );
  flat &&= missing === 0;
  lines.push(
    `verdict: ${flat ? 'FLAT' : 'NOT FLAT'} over ${rows.length} minutes (growth per minute fitted after minute 1)`,
  );
  return { flat, lines };
}

function writeDoc(
  rows: Row[],
  verdict: { lines: string[] },
  started: Date,
  connected: number,
  connectNote: string,
): void {
  const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const doc = [
    '# Soak run',
    '',
    'Produced by `npm run soak -- --minutes N` (bench/soak.ts; not part of `npm test` nor `npm run bench`).',
    `Run: ${started.toISOString()}, ${rows.length} minutes, on ${machine}. The machine is shared: the load column is the 1-minute load average when the row was taken.`,
    '',
    `What runs: a center (role center) and a station gateway, each in its own process, the station forwarding over MQTT + the signed webhook. On the station ${connected.toLocaleString('en')} devices authenticated by the real registry (scrypt), heartbeating every 30 s (a tenth are door contacts opening and closing about every 100 s, 200 doors at once at second 30 of each minute, a forced door every 20 s), and ${PRESS_POOL} pendants pressing SOS about once a second with 20 presses within a second at second 45 of each minute.`,
    '',
    `Before the first minute: ${connectNote}.`,
    '',
    'Columns: sent/s is every message the load side published (heartbeats included); stored/s the events the station stored (heartbeats are supervision, not stored events); press→stored is publish → PUBACK, sent after the durable commit; press→center is publish → the center’s alert.changed on its live stream; outbox is the station’s backlog to the center at the minute; memory is RSS and V8 heap used; fds are /proc/<pid>/fd entries.',
    '',
    '| min | load | sent/s | stored/s | presses | press→stored p50 / p99 ms | press→center p99 ms | outbox | station RSS / heap MB, fds | center RSS / heap MB, fds |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${fmtRow(r).join(' | ')} |`),
    '',
    '## Verdict',
    '',
    ...verdict.lines.map((l) => `- ${l}`),
    '',
    'Flat means: after the first minute (warm-up), the least-squares growth per minute stays under 1 MB of heap, 2 MB of RSS and 0.5 descriptors for each process, and no press is missing at the center.',
    '',
  ].join('\n');
  writeFileSync(join(REPO, 'docs', 'soak.md'), doc);
}

await main();
process.exit(process.exitCode ?? 0);
