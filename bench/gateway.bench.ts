// Gateway benchmark (DESIGN.md "Performance targets"):
//   - SOS press → durably stored and PUBACKed, p99, while 10,000 devices heartbeat every 30 s
//   - gateway ingest rate vs the raw aedes broker's QoS 1 rate, measured in the same run, on a
//     realistic mix (heartbeats, door events, SOS) from devices the real SQLite registry authenticates
//   - no event lost or stored twice
// The broker under test runs in a child process (this file with `--child raw|gateway`), the
// devices in this process: 10,000 light raw-socket MQTT 3.1.1 clients for the heartbeats and
// MQTT.js clients for the measured presses.
// Run alone: `npx tsx bench/run.ts gateway` (or `npm run bench -- gateway`).
//   LINLI_BENCH_PROF=DIR: CPU profiles of each broker child during its throughput window only
//   (DIR/<raw|gateway>-throughput-<pid>.cpuprofile); read them with `npx tsx bench/prof-top.ts FILE`.
//   LINLI_BENCH_DEVICES=N: the heartbeating fleet (default 10,000; 0 skips it).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { MqttClient } from 'mqtt';
import {
  deviceClient as client,
  FLEET_SECRET,
  HB_INTERVAL_S,
  percentile,
  FLEET_SITE as SITE,
  startFleet,
} from './fleet.ts';
import type { BenchResult } from './types.ts';

const BACKGROUND = Number(process.env.LINLI_BENCH_DEVICES ?? 10_000);
const PRESSES = 400;
const PRESS_SPREAD_S = 12;
const TP_CLIENTS = 400;
const TP_WINDOW = 5;
const TP_SECONDS = 8;
/** The throughput mix (the rest SOS): a station's traffic is mostly heartbeats. */
const MIX = { hb: 0.8, door: 0.18 };

// ---------------------------------------------------------------- child: the broker under test

/** The measured window, bracketed by the load side with SIGUSR2: the child's CPU time in it (every
 *  run), and with LINLI_BENCH_PROF its CPU profile. */
async function windowOnSignal(mode: string): Promise<void> {
  const dir = process.env.LINLI_BENCH_PROF;
  let session: import('node:inspector/promises').Session | undefined;
  if (dir) {
    const { Session } = await import('node:inspector/promises');
    session = new Session();
    session.connect();
    await session.post('Profiler.enable');
  }
  let started: NodeJS.CpuUsage | undefined;
  process.on('SIGUSR2', async () => {
    if (!started) {
      await session?.post('Profiler.start');
      started = process.cpuUsage();
      process.stdout.write('WINDOW START\n');
      return;
    }
    const cpu = process.cpuUsage(started);
    started = undefined;
    let profile: string | undefined;
    if (session && dir) {
      const result = await session.post('Profiler.stop');
      profile = join(dir, `${mode}-throughput-${process.pid}.cpuprofile`);
      writeFileSync(profile, JSON.stringify(result.profile));
    }
    process.stdout.write(`WINDOW END ${JSON.stringify({ cpuUs: cpu.user + cpu.system, profile })}\n`);
  });
}

async function child(mode: string): Promise<void> {
  await windowOnSignal(mode);
  if (mode === 'raw') {
    const { Aedes } = await import('aedes');
    const { createServer } = await import('node:net');
    const broker = await Aedes.createBroker();
    const server = createServer((s) => broker.handle(s));
    server.listen(0, '127.0.0.1', () => {
      process.stdout.write(
        `READY ${JSON.stringify({ port: (server.address() as { port: number }).port })}\n`,
      );
    });
    return;
  }
  const { startGateway, silentLogger } = await import('../gateway/src/index.ts');
  const dataDir = process.argv[4]!;
  // the real registry and its authentication (SQLite, hashed credentials), no stub
  const gw = await startGateway({
    config: {
      site: SITE,
      dataDir,
      // per-device rate limits lifted for the closed-loop throughput clients only: each keeps
      // TP_WINDOW messages in flight, far above what one device sends (the limit guards that)
      mqtt: { port: 0, wsPort: -1, host: '127.0.0.1', rateLimitPerS: 10_000, rateBurst: 10_000 },
      http: { port: -1 },
    },
    env: process.env.LINLI_GW_ASYNC_FSYNC ? { LINLI_GW_ASYNC_FSYNC: process.env.LINLI_GW_ASYNC_FSYNC } : {},
    log: silentLogger,
    noHttp: true,
  });
  const prepared = await gw.registry.prepareSecret(FLEET_SECRET);
  const ids = [
    ...Array.from({ length: BACKGROUND }, (_, i) => `hb-${i}`),
    ...Array.from({ length: PRESSES }, (_, i) => `press-${i}`),
    ...Array.from({ length: TP_CLIENTS }, (_, i) => `tp-${i}`),
  ];
  for (let i = 0; i < ids.length; i += 2000)
    gw.registry.provisionEach(
      ids.slice(i, i + 2000).map((id) => ({
        device: {
          id,
          site: SITE,
          kind: 'pendant' as const,
          heartbeatIntervalS: HB_INTERVAL_S,
          offlineTimeoutS: 600,
        },
        prepared,
      })),
    );
  const { monitorEventLoopDelay } = await import('node:perf_hooks');
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  if (process.env.LINLI_BENCH_STALLS) {
    let last = performance.now();
    const t0 = last;
    setInterval(() => {
      const now = performance.now();
      if (now - last > 60)
        process.stderr.write(`stall ${(now - last).toFixed(0)} ms at +${((now - t0) / 1000).toFixed(1)} s\n`);
      last = now;
    }, 10).unref();
  }
  process.stdout.write(`READY ${JSON.stringify({ port: gw.ports.mqtt })}\n`);
  process.on('SIGTERM', async () => {
    const m = gw.engine.metrics;
    const hist = (await m.render())
      .split('\n')
      .filter((l) => l.startsWith('linli_gateway_store_latency_seconds_bucket'));
    process.stdout.write(
      `LOOP p50 ${(loop.percentile(50) / 1e6).toFixed(1)} p99 ${(loop.percentile(99) / 1e6).toFixed(1)} max ${(loop.max / 1e6).toFixed(1)} ms\n`,
    );
    process.stdout.write(
      `STORE ${hist.map((l) => l.replace('linli_gateway_store_latency_seconds_bucket', '')).join(' ')}\n`,
    );
    const stats = {
      stored: m.eventsStored.samples(),
      refused: m.refused.samples(),
      duplicates: m.duplicates.samples(),
      batches: m.batchSize.total,
    };
    process.stdout.write(`STATS ${JSON.stringify(stats)}\n`);
    gw.stop().then(() => process.exit(0));
  });
}

// ---------------------------------------------------------------- load side

function spawnChild(
  mode: string,
  dataDir = '',
): Promise<{ proc: ChildProcess; port: number; lines: string[] }> {
  const file = fileURLToPath(import.meta.url);
  const proc = spawn(process.execPath, ['--import', 'tsx', file, '--child', mode, dataDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`${mode} broker did not start`)), 30_000);
    proc.stdout!.on('data', (b: Buffer) => {
      buf += b.toString();
      let i = buf.indexOf('\n');
      while (i >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        lines.push(line);
        if (line.startsWith('READY ')) {
          clearTimeout(timer);
          resolve({ proc, port: (JSON.parse(line.slice(6)) as { port: number }).port, lines });
        }
        i = buf.indexOf('\n');
      }
    });
    proc.once('exit', (c) => reject(new Error(`${mode} broker exited ${c}`)));
  });
}

type Broker = { proc: ChildProcess; lines: string[] };

/** Open or close the measured window of a broker child; at the close, its CPU time in the window. */
async function markWindow(
  broker: Broker,
  edge: 'START' | 'END',
): Promise<{ cpuUs: number; profile?: string }> {
  const tag = `WINDOW ${edge}`;
  const seen = broker.lines.length;
  broker.proc.kill('SIGUSR2');
  const deadline = Date.now() + 30_000;
  const answer = () => broker.lines.slice(seen).find((l) => l.startsWith(tag));
  while (!answer() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const line = answer();
  if (!line) throw new Error(`broker child did not answer ${tag}`);
  if (edge === 'START') return { cpuUs: 0 };
  const end = JSON.parse(line.slice(tag.length + 1)) as { cpuUs: number; profile?: string };
  if (end.profile) console.log(`    CPU profile: ${end.profile}`);
  return end;
}

function stopChild(proc: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null) return resolve();
    const t = setTimeout(() => proc.kill('SIGKILL'), 15_000);
    proc.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    proc.kill('SIGTERM');
  });
}

/** QoS 1 throughput: TP_CLIENTS clients keep TP_WINDOW publishes in flight for TP_SECONDS.
 *  Returns the acknowledged rate and the broker child's CPU time per acknowledged message (a
 *  figure the machine's load moves far less than the rate). */
async function throughput(
  broker: Broker & { port: number },
  label: string,
  acked: Set<string>,
): Promise<{ rate: number; cpuUsPerMsg: number }> {
  const port = broker.port;
  const clients: MqttClient[] = [];
  for (let i = 0; i < TP_CLIENTS; i += 50)
    clients.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(50, TP_CLIENTS - i) }, (_, k) => client(port, `tp-${i + k}`)),
      )),
    );
  await markWindow(broker, 'START');
  let done = 0;
  let stop = false;
  const started = performance.now();
  await new Promise<void>((resolve) => {
    let inflight = 0;
    clients.forEach((c, ci) => {
      const id = `tp-${ci}`;
      let n = 0;
      const send = () => {
        if (stop) {
          if (inflight === 0) resolve();
          return;
        }
        // the realistic mix: heartbeats, door events, now and then an SOS
        const roll = Math.random();
        const kind = roll < MIX.hb ? 'hb' : 'evt';
        const type =
          roll < MIX.hb ? 'hb' : roll < MIX.hb + MIX.door ? (n % 2 ? 'door.open' : 'door.close') : 'sos';
        const eventId = `${label}-${n++}`;
        const payload =
          kind === 'hb'
            ? JSON.stringify({ ts: Date.now(), battery: 90 })
            : JSON.stringify({ id: eventId, seq: n, ts: Date.now(), type });
        inflight++;
        c.publish(`linli/v1/${SITE}/dev/${id}/${kind}`, payload, { qos: 1 }, (err) => {
          inflight--;
          if (!err) {
            done++;
            if (kind === 'evt') acked.add(`${id}/${eventId}`);
          }
          send();
        });
      };
      for (let k = 0; k < TP_WINDOW; k++) send();
    });
    setTimeout(() => {
      stop = true;
    }, TP_SECONDS * 1000);
  });
  const rate = done / ((performance.now() - started) / 1000);
  const { cpuUs } = await markWindow(broker, 'END');
  await Promise.all(clients.map((c) => c.endAsync()));
  return { rate, cpuUsPerMsg: cpuUs / Math.max(1, done) };
}

/** PRESSES devices each press once, spread over PRESS_SPREAD_S; latency publish → PUBACK. */
async function presses(port: number, acked: Set<string>): Promise<number[]> {
  const lat: number[] = [];
  const clients: MqttClient[] = [];
  for (let i = 0; i < PRESSES; i += 50)
    clients.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(50, PRESSES - i) }, (_, k) => client(port, `press-${i + k}`)),
      )),
    );
  await Promise.all(
    clients.map(
      (c, i) =>
        new Promise<void>((resolve) => {
          setTimeout(
            () => {
              const id = `press-${i}`;
              const t0 = performance.now();
              c.publish(
                `linli/v1/${SITE}/dev/${id}/evt`,
                JSON.stringify({ id: 'sos-1', seq: 1, ts: Date.now(), type: 'sos' }),
                { qos: 1 },
                (err) => {
                  if (!err) {
                    lat.push(performance.now() - t0);
                    acked.add(`${id}/sos-1`);
                  }
                  resolve();
                },
              );
            },
            (i / PRESSES) * PRESS_SPREAD_S * 1000,
          );
        }),
    ),
  );
  await Promise.all(clients.map((c) => c.endAsync()));
  return lat.sort((a, b) => a - b);
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

export async function run(): Promise<BenchResult[]> {
  const log = (m: string) => console.log(`    ${m}`);
  // 1. raw aedes QoS 1 rate (no hooks, no store), under the same heartbeating fleet; measured
  //    before and after the gateway, the better of the two is the baseline (the machine's load
  //    from other work varies)
  const rawRun = async () => {
    const raw = await spawnChild('raw');
    const rawFleet = await startFleet(raw.port, BACKGROUND);
    const tp = await throughput(raw, 'raw', new Set());
    rawFleet.stop();
    await stopChild(raw.proc);
    log(
      `raw aedes QoS 1: ${tp.rate.toFixed(0)} msg/s, ${tp.cpuUsPerMsg.toFixed(1)} µs CPU per message (${rawFleet.connected} devices heartbeating; load ${load()})`,
    );
    return tp;
  };
  const rawBefore = await rawRun();

  // 2. the gateway with 10,000 heartbeating devices
  const dataDir = mkdtempSync(join(tmpdir(), 'linli-gw-bench-'));
  const gw = await spawnChild('gateway', dataDir);
  const t0 = performance.now();
  const fleet = await startFleet(gw.port, BACKGROUND);
  log(
    `${fleet.connected}/${BACKGROUND} devices connected in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const acked = new Set<string>();
  const lat = await presses(gw.port, acked);
  const p50 = percentile(lat, 50);
  const p99 = percentile(lat, 99);
  log(
    `SOS press → stored + PUBACK: p50 ${p50.toFixed(1)} ms, p90 ${percentile(lat, 90).toFixed(1)}, p95 ${percentile(lat, 95).toFixed(1)}, p99 ${p99.toFixed(1)} ms, max ${lat.at(-1)?.toFixed(1)} (${lat.length} presses)`,
  );
  const gwTp = await throughput(gw, 'tp', acked);
  const gwRate = gwTp.rate;
  log(
    `gateway ingest: ${gwRate.toFixed(0)} msg/s, ${gwTp.cpuUsPerMsg.toFixed(1)} µs CPU per message; heartbeats sent ${fleet.heartbeats}; load ${load()}`,
  );
  fleet.stop();
  await stopChild(gw.proc);
  for (const l of gw.lines) if (/^(STATS|LOOP|STORE) /.test(l)) log(l);

  // 3. nothing lost, nothing twice
  const rawAfter = await rawRun();
  const rawBest = rawAfter.rate > rawBefore.rate ? rawAfter : rawBefore;
  const rawRate = rawBest.rate;

  const { openDb } = await import('../gateway/src/db/open.ts');
  const db = openDb(join(dataDir, 'gateway.db'));
  const rows = db.prepare('SELECT device_id, event_id FROM events').all() as {
    device_id: string;
    event_id: string;
  }[];
  const alerts = (db.prepare("SELECT COUNT(*) AS n FROM alerts WHERE type = 'sos'").get() as { n: number }).n;
  db.close();
  rmSync(dataDir, { recursive: true, force: true });
  const stored = new Set(rows.map((r) => `${r.device_id}/${r.event_id}`));
  const lost = [...acked].filter((k) => !stored.has(k)).length;
  const twice = rows.length - stored.size;
  log(
    `acknowledged ${acked.size}, stored ${rows.length}, lost ${lost}, stored twice ${twice}, sos alerts ${alerts}`,
  );

  const ratio = (gwRate / rawRate) * 100;
  const devices = `${fleet.connected.toLocaleString('en')} devices heartbeating every ${HB_INTERVAL_S} s`;
  return [
    {
      name: `SOS press → stored + PUBACK p99 (${devices})`,
      value: Math.round(p99 * 10) / 10,
      unit: 'ms',
      target: '≤ 50 ms',
      pass: p99 <= 50 && fleet.connected === BACKGROUND,
      detail: `p50 ${p50.toFixed(1)} ms, max ${lat.at(-1)?.toFixed(1)} ms, ${lat.length} presses from distinct devices over ${PRESS_SPREAD_S} s`,
    },
    {
      name: 'gateway ingest rate vs raw aedes QoS 1, realistic mix through the real registry',
      value: Math.round(ratio),
      unit: '%',
      target: '≥ 50 %',
      pass: ratio >= 50,
      baseline: `raw aedes QoS 1: ${Math.round(rawRate).toLocaleString('en')} msg/s; gateway: ${Math.round(gwRate).toLocaleString('en')} msg/s`,
      detail: `mix ${MIX.hb * 100} % heartbeats, ${MIX.door * 100} % door events, ${Math.round((1 - MIX.hb - MIX.door) * 100)} % SOS, QoS 1; devices authenticated by the SQLite registry; ${TP_CLIENTS} clients × ${TP_WINDOW} publishes in flight for ${TP_SECONDS} s against each broker (per-device rate limit lifted for them), both with the ${devices}; raw measured before and after the gateway, the better run counts; broker CPU per message in the window: gateway ${gwTp.cpuUsPerMsg.toFixed(1)} µs, raw aedes ${rawBest.cpuUsPerMsg.toFixed(1)} µs; load average ${load()}`,
    },
    {
      name: 'events lost or stored twice',
      value: lost + twice,
      unit: 'events',
      target: '0',
      pass: lost + twice === 0 && acked.size > 0,
      detail: `${acked.size} acknowledged, ${rows.length} stored`,
    },
  ];
}

if (process.argv[2] === '--child') await child(process.argv[3] ?? 'gateway');
