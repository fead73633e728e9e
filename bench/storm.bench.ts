// Reconnect storm (issue #17): 10,000 devices connected to a broker, the broker process killed
// with SIGKILL (a power cut) and started again on the same port; every device reconnects at
// once (CONNECT with credentials, SUBSCRIBE to its cmd topic, retained status, retrying every
// 200–500 ms). Measured: from the restarted broker listening until every device is connected
// and subscribed again, and the PUBACK latency of SOS presses made during the storm by devices
// already back (for the gateway: stored in SQLite before the PUBACK, checked afterwards).
// Against the real gateway (SQLite registry, scrypt device credentials), raw aedes and
// Mosquitto (anonymous), each in its own process. `npm run bench -- storm`.
//   LINLI_BENCH_STORM_DEVICES (default 10,000), LINLI_BENCH_STORM_BROKERS (gateway,aedes,mosquitto),
//   LINLI_BENCH_STORM_V5=1 (the devices speak MQTT 5), LINLI_BENCH_PROF=DIR (CPU profile of the gateway during the storm),
//   LINLI_BENCH_ALLOC=DIR (its sampling allocation profile during the storm),
//   LINLI_BENCH_PERF=DIR (perf record of its main thread during the storm, by CPU time),
//   LINLI_BENCH_STORM_NODE_FLAGS (extra node flags for the gateway process, to try V8 settings),
//   LINLI_BENCH_STORM_GW_ENV (gateway settings as JSON, e.g. {"LINLI_GW_CONNECT_IN_FLIGHT":"128"}).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { freePort } from '@linli/shared/service';
import { type StormFleet, startStormFleet } from './storm-fleet.ts';
import type { BenchResult } from './types.ts';

const N = Number(process.env.LINLI_BENCH_STORM_DEVICES ?? 10_000);
const BROKERS = (process.env.LINLI_BENCH_STORM_BROKERS ?? 'gateway,aedes,mosquitto').split(',');
const VERSION: 4 | 5 = process.env.LINLI_BENCH_STORM_V5 ? 5 : 4;
const SITE = 'storm';
const SECRET = 'storm-bench-secret-0123';
const PRESS_EVERY_MS = 25;
const MOSQUITTO = '/usr/sbin/mosquitto';

// ---------------------------------------------------------------- child: the gateway

async function gatewayChild(port: number, dataDir: string): Promise<void> {
  const { startGateway, silentLogger } = await import('../gateway/src/index.ts');
  const gw = await startGateway({
    config: { site: SITE, dataDir, mqtt: { port, wsPort: -1, host: '127.0.0.1' }, http: { port: -1 } },
    // LINLI_BENCH_STORM_GW_ENV: gateway settings to try, as JSON ({"LINLI_GW_CONNECT_IN_FLIGHT":"128"})
    env: JSON.parse(process.env.LINLI_BENCH_STORM_GW_ENV ?? '{}') as Record<string, string>,
    log: silentLogger,
    noHttp: true,
  });
  if (gw.registry.list({ limit: 1 }).length === 0) {
    const prepared = await gw.registry.prepareSecret(SECRET);
    const items = Array.from({ length: N }, (_, i) => ({
      device: { id: `d${i}`, site: SITE, kind: 'pendant' as const },
      prepared,
    }));
    for (let i = 0; i < items.length; i += 2000) gw.registry.provisionEach(items.slice(i, i + 2000));
  }
  await profileUntilSignal(process.env.LINLI_BENCH_PROF, process.env.LINLI_BENCH_ALLOC);
  process.stdout.write('READY\n');
  process.on('SIGTERM', () => void gw.stop().then(() => process.exit(0)));
}

/** LINLI_BENCH_PROF=DIR: a CPU profile, LINLI_BENCH_ALLOC=DIR: a sampling allocation profile, of
 *  the storm only: from the broker listening until the parent's SIGUSR2 (every device back). */
async function profileUntilSignal(cpuDir: string | undefined, allocDir: string | undefined): Promise<void> {
  if (!cpuDir && !allocDir) return;
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  if (cpuDir) {
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  if (allocDir) {
    await session.post('HeapProfiler.enable');
    await session.post('HeapProfiler.startSampling', { samplingInterval: 16_384 });
  }
  process.once('SIGUSR2', async () => {
    if (cpuDir) {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(join(cpuDir, `storm-${process.pid}.cpuprofile`), JSON.stringify(profile));
    }
    if (allocDir) {
      const { profile } = await session.post('HeapProfiler.stopSampling');
      writeFileSync(join(allocDir, `storm-${process.pid}.heapprofile`), JSON.stringify(profile));
    }
    process.stdout.write('PROFILED\n');
  });
}

// ---------------------------------------------------------------- the brokers

interface Broker {
  proc: ChildProcess;
}

function spawnBroker(kind: string, port: number, dir: string): Promise<Broker> {
  let proc: ChildProcess;
  let ready: RegExp;
  if (kind === 'gateway') {
    const file = fileURLToPath(import.meta.url);
    const flags = (process.env.LINLI_BENCH_STORM_NODE_FLAGS ?? '').split(' ').filter(Boolean);
    if (process.env.LINLI_BENCH_PERF) flags.push('--perf-basic-prof'); // JS names for perf
    proc = spawn(process.execPath, [...flags, '--import', 'tsx', file, '--child', String(port), dir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    ready = /READY/;
  } else if (kind === 'aedes') {
    const file = fileURLToPath(new URL('../firmware-sim/src/broker/aedes-process.ts', import.meta.url));
    proc = spawn(process.execPath, ['--import', 'tsx', file, String(port)], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    ready = /LISTENING/;
  } else {
    const conf = join(dir, 'mosquitto.conf');
    writeFileSync(
      conf,
      `listener ${port} 127.0.0.1\nallow_anonymous true\nmax_connections -1\npersistence false\nlog_type error\n`,
    );
    proc = spawn(MOSQUITTO, ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
    ready = /./;
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${kind} did not start`)), 120_000);
    const done = () => {
      clearTimeout(timer);
      resolve({ proc });
    };
    if (kind === 'mosquitto') {
      // Mosquitto prints nothing when it listens: poll the port
      const poll = async () => {
        while (proc.exitCode === null) {
          if (await canConnect(port)) return done();
          await new Promise((r) => setTimeout(r, 10));
        }
      };
      void poll();
    } else {
      let out = '';
      proc.stdout!.on('data', (b: Buffer) => {
        out += b.toString();
        if (ready.test(out)) done();
      });
    }
    proc.once('exit', (c) => reject(new Error(`${kind} exited ${c}`)));
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    import('node:net').then(({ connect }) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
  });
}

function exited(proc: ChildProcess): Promise<void> {
  return new Promise((resolve) => (proc.exitCode !== null ? resolve() : proc.once('exit', () => resolve())));
}

async function waitFor(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = performance.now() + timeoutMs;
  while (!cond()) {
    if (performance.now() > end) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}

/** CPU seconds a process used so far: all threads, its main thread, and by thread name (Linux /proc). */
function cpuSeconds(pid: number | undefined): { all: number; main: number; byThread: Map<string, number> } {
  const parse = (stat: string) => {
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { name, s: (Number(f[11]) + Number(f[12])) / 100 }; // utime + stime, USER_HZ 100
  };
  const byThread = new Map<string, number>();
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        const t = parse(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8'));
        const name = tid === String(pid) ? 'main' : t.name;
        byThread.set(name, (byThread.get(name) ?? 0) + t.s);
      } catch {} // the thread ended meanwhile
    }
    return {
      all: parse(readFileSync(`/proc/${pid}/stat`, 'utf8')).s,
      main: byThread.get('main') ?? Number.NaN,
      byThread,
    };
  } catch {
    return { all: Number.NaN, main: Number.NaN, byThread };
  }
}

/** LINLI_BENCH_PERF=DIR: `perf record` of the gateway's main thread during the storm, by CPU
 *  time (the V8 profile samples wall time: a main thread preempted on a busy machine blames
 *  whatever it was running). Read it with `perf report -i FILE --no-children --sort sym`. */
function perfRecord(pid: number | undefined): ChildProcess | undefined {
  const dir = process.env.LINLI_BENCH_PERF;
  if (!dir || pid === undefined) return undefined;
  const out = join(dir, `storm-${pid}.perf.data`);
  const perf = spawn(
    'perf',
    ['record', '-q', '-e', 'cpu-clock', '-F', '2000', '-g', '-t', String(pid), '-o', out],
    { stdio: 'ignore' },
  );
  perf.once('error', (err) => console.log(`    perf record failed: ${err.message}`));
  return perf;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

interface StormFigures {
  kind: string;
  initialS: number;
  restartS: number;
  stormS: number;
  complete: boolean;
  ready: number;
  presses: number[];
  pressesSent: number;
  stored?: { acked: number; lost: number; twice: number };
  load: string;
  /** CPU seconds the broker used during the storm (all threads; main thread); the bench's own */
  cpu: { all: number; main: number; fleet: number };
  /** CONNACKs the devices received during the storm (N when nobody had to retry) */
  connects: number;
}

/** Presses from random devices that are back, every PRESS_EVERY_MS, until stopped. */
function pressDuringStorm(fleet: StormFleet, acked: Set<string>) {
  const lat: number[] = [];
  const pending: Promise<void>[] = [];
  let k = 0;
  const timer = setInterval(() => {
    for (let tries = 0; tries < 50; tries++) {
      const d = fleet.devices[Math.floor(Math.random() * fleet.devices.length)]!;
      if (!d.subscribed) continue;
      const id = `storm-${++k}`;
      pending.push(
        d.publish('evt', JSON.stringify({ id, seq: k, ts: Date.now(), type: 'sos' })).then((ms) => {
          if (Number.isNaN(ms)) return;
          lat.push(ms);
          acked.add(`${d.spec.id}/${id}`);
        }),
      );
      return;
    }
  }, PRESS_EVERY_MS);
  return {
    async stop(): Promise<{ lat: number[]; sent: number }> {
      clearInterval(timer);
      await Promise.race([Promise.all(pending), new Promise((r) => setTimeout(r, 10_000))]);
      return { lat: lat.sort((a, b) => a - b), sent: pending.length };
    },
  };
}

async function storm(kind: string): Promise<StormFigures> {
  const log = (m: string) => console.log(`    [${kind}] ${m}`);
  const dir = mkdtempSync(join(tmpdir(), `linli-storm-${kind}-`));
  const port = await freePort();
  try {
    let t = performance.now();
    let broker = await spawnBroker(kind, port, dir);
    log(`started in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const auth = kind === 'gateway';
    const fleet = startStormFleet(port, N, (i) => ({
      site: SITE,
      id: `d${i}`,
      version: VERSION,
      ...(auth ? { username: `d${i}`, password: SECRET } : {}),
    }));
    t = performance.now();
    const initial = await waitFor(() => fleet.ready() === N, 180_000);
    const initialS = (performance.now() - t) / 1000;
    log(`${fleet.ready()}/${N} connected in ${initialS.toFixed(1)} s${initial ? '' : ' (timed out)'}`);

    // power cut
    broker.proc.kill('SIGKILL');
    await exited(broker.proc);
    await waitFor(() => fleet.ready() === 0, 10_000);
    t = performance.now();
    broker = await spawnBroker(kind, port, dir);
    const restartS = (performance.now() - t) / 1000;
    const tListen = performance.now();
    const perf = kind === 'gateway' ? perfRecord(broker.proc.pid) : undefined;
    const cpu0 = cpuSeconds(broker.proc.pid);
    const fleetCpu0 = process.cpuUsage();
    const connects0 = fleet.devices.reduce((k, d) => k + d.connects, 0);
    const attempts0 = fleet.devices.reduce((k, d) => k + d.attempts, 0);
    const acked = new Set<string>();
    const presses = pressDuringStorm(fleet, acked);
    const complete = await waitFor(() => fleet.ready() === N, 120_000);
    const stormS = (performance.now() - tListen) / 1000;
    const cpu1 = cpuSeconds(broker.proc.pid);
    if (perf && perf.exitCode === null && perf.pid !== undefined) {
      perf.kill('SIGINT');
      await Promise.race([exited(perf), new Promise((r) => setTimeout(r, 30_000))]);
    }
    if (kind === 'gateway' && (process.env.LINLI_BENCH_PROF || process.env.LINLI_BENCH_ALLOC))
      broker.proc.kill('SIGUSR2'); // the storm's profile is written (profileUntilSignal)
    const fleetCpu = process.cpuUsage(fleetCpu0);
    const cpu = {
      all: cpu1.all - cpu0.all,
      main: cpu1.main - cpu0.main,
      fleet: (fleetCpu.user + fleetCpu.system) / 1e6,
    };
    const threads = [...cpu1.byThread]
      .map(([name, v]) => [name, v - (cpu0.byThread.get(name) ?? 0)] as const)
      .filter(([, v]) => v >= 0.05)
      .map(([name, v]) => `${name} ${v.toFixed(2)}`)
      .join(', ');
    const connects = fleet.devices.reduce((k, d) => k + d.connects, 0) - connects0;
    const attempts = fleet.devices.reduce((k, d) => k + d.attempts, 0) - attempts0;
    const load = loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
    const ready = fleet.ready();
    log(
      `restart ${restartS.toFixed(1)} s; storm: ${ready}/${N} back in ${stormS.toFixed(1)} s (load ${load})`,
    );
    log(
      `storm CPU: broker ${cpu.all.toFixed(2)} s (main thread ${cpu.main.toFixed(2)} s, ${((cpu.main * 1000) / N).toFixed(2)} ms/device), bench fleet ${cpu.fleet.toFixed(2)} s; ${connects} CONNACKs, ${attempts} TCP connects`,
    );
    log(`storm CPU by thread: ${threads}`);
    await new Promise((r) => setTimeout(r, 1000)); // presses go on a second after the storm
    const { lat, sent } = await presses.stop();
    log(
      `presses during the storm: ${lat.length}/${sent} acked, p50 ${percentile(lat, 50).toFixed(1)} p99 ${percentile(lat, 99).toFixed(1)} max ${lat.at(-1)?.toFixed(1)} ms`,
    );
    fleet.stop();
    broker.proc.kill('SIGTERM');
    const killer = setTimeout(() => broker.proc.kill('SIGKILL'), 20_000);
    await exited(broker.proc);
    clearTimeout(killer);
    let stored: StormFigures['stored'];
    if (kind === 'gateway') {
      const { openDb } = await import('../gateway/src/db/open.ts');
      const db = openDb(join(dir, 'gateway.db'));
      const rows = db
        .prepare("SELECT device_id, event_id FROM events WHERE event_id LIKE 'storm-%'")
        .all() as {
        device_id: string;
        event_id: string;
      }[];
      db.close();
      const keys = new Set(rows.map((r) => `${r.device_id}/${r.event_id}`));
      stored = {
        acked: acked.size,
        lost: [...acked].filter((k) => !keys.has(k)).length,
        twice: rows.length - keys.size,
      };
      log(`stored: ${JSON.stringify(stored)}`);
    }
    return {
      kind,
      initialS,
      restartS,
      stormS,
      complete,
      ready,
      presses: lat,
      pressesSent: sent,
      ...(stored ? { stored } : {}),
      load,
      cpu,
      connects,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<BenchResult[]> {
  const figures: StormFigures[] = [];
  for (const kind of BROKERS) {
    if (kind === 'mosquitto' && !existsSync(MOSQUITTO)) {
      console.log('    mosquitto not installed: skipped');
      continue;
    }
    figures.push(await storm(kind));
  }
  const proto = VERSION === 5 ? 'MQTT 5' : 'MQTT 3.1.1';
  const line = (f: StormFigures) =>
    `${f.kind}: ${f.complete ? '' : `${f.ready}/${N} after `}${f.stormS.toFixed(1)} s, SOS p99 ${percentile(f.presses, 99).toFixed(1)} ms (load ${f.load})`;
  const baseline = figures
    .filter((f) => f.kind !== 'gateway')
    .map(line)
    .join('; ');
  const out: BenchResult[] = [];
  const gw = figures.find((f) => f.kind === 'gateway');
  for (const f of figures) {
    const p99 = percentile(f.presses, 99);
    const who = f.kind === 'gateway' ? 'gateway (real registry and device credentials)' : `raw ${f.kind}`;
    out.push({
      name: `reconnect storm after kill -9: ${N.toLocaleString('en')} ${proto} devices back, ${who}`,
      value: Math.round(f.stormS * 10) / 10,
      unit: 's',
      target: f.kind === 'gateway' ? '≤ 10 s (aim 5 s)' : 'informational',
      pass: f.kind === 'gateway' ? f.complete && f.stormS <= 10 : f.complete,
      ...(f.kind === 'gateway' && baseline ? { baseline } : {}),
      detail: `from the restarted broker listening to every device connected and subscribed (${f.ready}/${N}); broker restart ${f.restartS.toFixed(1)} s; first connect ${f.initialS.toFixed(1)} s; broker CPU during the storm ${f.cpu.all.toFixed(1)} s (main thread ${f.cpu.main.toFixed(1)} s); load average ${f.load}`,
    });
    out.push({
      name: `SOS during the storm → ${f.kind === 'gateway' ? 'stored + ' : ''}PUBACK p99, ${who}`,
      value: Math.round(p99 * 10) / 10,
      unit: 'ms',
      target: f.kind === 'gateway' ? '≤ 1000 ms' : 'informational',
      pass:
        f.presses.length > 0 &&
        (f.kind !== 'gateway' ||
          (p99 <= 1000 && f.stored !== undefined && f.stored.lost + f.stored.twice === 0)),
      detail: `${f.presses.length}/${f.pressesSent} presses acked (one every ${PRESS_EVERY_MS} ms from a device already back); p50 ${percentile(f.presses, 50).toFixed(1)} ms, max ${f.presses.at(-1)?.toFixed(1)} ms${f.stored ? `; stored: lost ${f.stored.lost}, twice ${f.stored.twice}` : ''}`,
    });
  }
  if (gw) console.log(`    ${line(gw)}`);
  return out;
}

if (process.argv[2] === '--child') await gatewayChild(Number(process.argv[3]), process.argv[4]!);
