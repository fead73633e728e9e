// A center fed by N simulated stations (firmware-sim station mode, docs/center-link.md): the
// center gateway (role center) in its own process, every station its own MQTT client with its
// account; supervision from each, then alert revisions at a fixed offered rate, each waited for
// until the center's `stored` receipt (sent after the durable commit). The same station load
// against a raw aedes broker (PUBACK only, nothing stored) is the baseline.
//   LINLI_BENCH_STATIONS (default 1000), LINLI_BENCH_CENTER_RATE (revisions/s, default 500)
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runStationLoad, type StationLoadReport } from '../firmware-sim/src/index.ts';
import { StationStore } from '../gateway/src/center/stations.ts';
import { migrate, openDb } from '../gateway/src/db/index.ts';
import type { BenchResult } from './types.ts';

const STATIONS = Number(process.env.LINLI_BENCH_STATIONS ?? 1000);
const RATE = Number(process.env.LINLI_BENCH_CENTER_RATE ?? 500);
const SECONDS = 10;
const KEY = 'bench-center-hmac-key-0123456789';
const ADMIN = 'bench-center-admin-1';
const REPO = fileURLToPath(new URL('../', import.meta.url));

const password = (site: string) => `bench-${site}-password-0123456789`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function spawnReady(args: string[], env: Record<string, string>, ready: RegExp): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: REPO,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`not ready:\n${out}`)), 60_000);
    const on = (c: Buffer) => {
      out += c.toString();
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout!.on('data', on);
    child.stderr!.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}:\n${out}`)));
  });
}

const stop = (c: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (c.exitCode !== null) return resolve();
    c.once('exit', () => resolve());
    c.kill('SIGTERM');
    setTimeout(() => c.kill('SIGKILL'), 10_000).unref();
  });

const line = (what: string, r: StationLoadReport) =>
  console.log(
    `    ${what}: ${r.connected}/${r.stations} stations connected in ${r.connectSeconds.toFixed(1)} s; ` +
      `${r.done}/${r.sent} at ${r.ratePerS.toFixed(0)}/s; p50 ${r.latencyMs.p50.toFixed(1)} p99 ${r.latencyMs.p99.toFixed(1)} ms`,
  );

export async function run(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'linli-bench-center-'));
  const sites = Array.from({ length: STATIONS }, (_, i) => `st${String(i + 1).padStart(4, '0')}`);
  try {
    const db = openDb(join(dir, 'gateway.db'));
    migrate(db);
    const store = new StationStore(db, KEY);
    db.transaction(() => {
      for (const site of sites) store.add(site, { password: password(site) });
    })();
    db.close();
    const [mqttPort, httpPort] = [await freePort(), await freePort()];
    const center = await spawnReady(
      ['gateway/src/server.ts'],
      {
        LINLI_GW_ROLE: 'center',
        LINLI_GW_SITE: 'center',
        LINLI_GW_DATA_DIR: dir,
        LINLI_GW_HMAC_KEY: KEY,
        LINLI_GW_MQTT_HOST: '127.0.0.1',
        LINLI_GW_MQTT_PORT: String(mqttPort),
        LINLI_GW_WS_PORT: '-1',
        LINLI_GW_HTTP_HOST: '127.0.0.1',
        LINLI_GW_HTTP_PORT: String(httpPort),
        LINLI_GW_ADMIN_PASSWORD: ADMIN,
        LINLI_GW_GROUP_COMMIT_MS: '2',
        LINLI_GW_ASYNC_FSYNC: 'true',
      },
      /linli-gateway ready/,
    );
    let report: StationLoadReport;
    let supervised = 0;
    try {
      report = await runStationLoad({
        url: `mqtt://127.0.0.1:${mqttPort}`,
        stations: sites.map((site) => ({ site, password: password(site) })),
        ratePerS: RATE,
        durationS: SECONDS,
        receipts: true,
      });
      const base = `http://127.0.0.1:${httpPort}`;
      const login = await fetch(`${base}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: ADMIN }),
      });
      const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
      const st = (await (await fetch(`${base}/api/center/stations`, { headers: { cookie } })).json()) as {
        stations: { reachable: boolean; paths: { mqtt?: { up: boolean } } }[];
      };
      supervised = st.stations.filter((s) => s.reachable && s.paths.mqtt?.up).length;
    } finally {
      await stop(center);
    }
    line('center', report);
    const child = spawn(process.execPath, ['--import', 'tsx', 'firmware-sim/src/broker/aedes-process.ts'], {
      cwd: REPO,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let rawReport: StationLoadReport;
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (c: Buffer) => {
          out += c.toString();
          const m = /LISTENING (\d+)/.exec(out);
          if (m) resolve(Number(m[1]));
        });
        child.once('exit', (code) => reject(new Error(`aedes exited ${code}`)));
      });
      rawReport = await runStationLoad({
        url: `mqtt://127.0.0.1:${port}`,
        stations: sites.map((site) => ({ site })),
        ratePerS: RATE,
        durationS: SECONDS,
        receipts: false,
      });
    } finally {
      await stop(child);
    }
    line('raw aedes', rawReport);
    const baseline = `raw aedes (PUBACK, nothing stored): ${rawReport.ratePerS.toFixed(0)} msg/s, p99 ${rawReport.latencyMs.p99.toFixed(1)} ms`;
    return [
      {
        name: `center: stations connected and supervised (${STATIONS} simulated stations)`,
        value: supervised,
        unit: 'stations',
        target: `= ${STATIONS}`,
        pass: supervised === STATIONS && report.connected === STATIONS,
        detail: `connected ${report.connected} in ${report.connectSeconds.toFixed(1)} s`,
      },
      {
        name: `center: alert ingest rate, revisions stored and receipted (${RATE}/s offered)`,
        value: Math.round(report.ratePerS),
        unit: 'msg/s',
        target: `${RATE}/s offered, all stored`,
        pass: report.done === report.sent,
        baseline,
        detail: `${report.done}/${report.sent} receipted`,
      },
      {
        name: 'center: revision → stored receipt p99',
        value: Number(report.latencyMs.p99.toFixed(1)),
        unit: 'ms',
        target: '≤ 500 ms',
        pass: report.latencyMs.p99 <= 500,
        baseline,
        detail: `p50 ${report.latencyMs.p50.toFixed(1)} ms, max ${report.latencyMs.max.toFixed(1)} ms`,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
