// A community center and station gateways as child processes, for the center benches and the
// soak run: the center is `gateway/src/server.ts` with role center on its own SQLite file (the
// stations' accounts provisioned before it starts); a station is bench/station-child.ts
// forwarding to it over MQTT + the signed webhook. Both can be asked for their memory use
// (bench/proc-stats.ts). Also the center's admin sign-in and its live stream.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { StationStore } from '../gateway/src/center/stations.ts';
import { migrate, openDb } from '../gateway/src/db/index.ts';
import { freePort, spawnReady, stopChild } from './fleet.ts';

export interface StationAccount {
  site: string;
  password: string;
  webhookSecret?: string;
}

/** A bench station's account at the center, its secrets made from `name`. */
export function benchStation(site: string, name: string): Required<StationAccount> {
  return { site, password: `${name}-password-0123456789`, webhookSecret: `${name}-webhook-0123456789` };
}

export interface CenterProcess {
  child: ChildProcess;
  mqttPort: number;
  httpPort: number;
  base: string;
  dir: string;
  admin: string;
  stop(): Promise<void>;
}

const STATS = ['--import', './bench/proc-stats.ts'];

/** A center with these station accounts; `env` adds LINLI_GW_* settings. LINLI_BENCH_PROF=<dir>:
 *  the center writes a CPU profile there. */
export async function startCenter(o: {
  key: string;
  admin: string;
  stations: StationAccount[];
  env?: Record<string, string>;
}): Promise<CenterProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'linli-bench-center-'));
  const db = openDb(join(dir, 'gateway.db'));
  migrate(db);
  const store = new StationStore(db, o.key);
  db.transaction(() => {
    for (const s of o.stations)
      store.add(s.site, {
        password: s.password,
        ...(s.webhookSecret ? { webhookSecret: s.webhookSecret } : {}),
      });
  })();
  db.close();
  const [mqttPort, httpPort] = [await freePort(), await freePort()];
  const { child } = await spawnReady(
    ['gateway/src/server.ts'],
    {
      LINLI_GW_ROLE: 'center',
      LINLI_GW_SITE: 'center',
      LINLI_GW_DATA_DIR: dir,
      LINLI_GW_HMAC_KEY: o.key,
      LINLI_GW_ADMIN_PASSWORD: o.admin,
      LINLI_GW_MQTT_HOST: '127.0.0.1',
      LINLI_GW_MQTT_PORT: String(mqttPort),
      LINLI_GW_WS_PORT: '-1',
      LINLI_GW_HTTP_HOST: '127.0.0.1',
      LINLI_GW_HTTP_PORT: String(httpPort),
      ...o.env,
    },
    /linli-gateway ready /,
    {
      ipc: true,
      nodeArgs: process.env.LINLI_BENCH_PROF
        ? [...STATS, '--cpu-prof', `--cpu-prof-dir=${process.env.LINLI_BENCH_PROF}`]
        : STATS,
    },
  );
  return {
    child,
    mqttPort,
    httpPort,
    base: `http://127.0.0.1:${httpPort}`,
    dir,
    admin: o.admin,
    async stop() {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface StationProcess {
  child: ChildProcess;
  port: number;
  dir: string;
  stop(): Promise<void>;
}

/** A station gateway forwarding to `center` (its account there), carrying `devices` pendants of
 *  the in-memory directory, or (registry: true) the devices already provisioned in `dir`. */
export async function startStation(
  center: CenterProcess,
  o: StationAccount & {
    webhookSecret: string;
    hmacKey: string;
    devices: number;
    registry?: boolean;
    dir?: string;
  },
): Promise<StationProcess> {
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'linli-bench-station-'));
  const { child, match } = await spawnReady(
    [
      'bench/station-child.ts',
      dir,
      String(center.mqttPort),
      String(center.httpPort),
      JSON.stringify({
        site: o.site,
        password: o.password,
        webhookSecret: o.webhookSecret,
        hmacKey: o.hmacKey,
        devices: o.devices,
        registry: o.registry ?? false,
      }),
    ],
    {},
    /READY (\{.*\})\n/,
    { ipc: true, nodeArgs: STATS },
  );
  return {
    child,
    port: (JSON.parse(match[1]!) as { port: number }).port,
    dir,
    async stop() {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface ProcStats {
  rss: number;
  heapUsed: number;
  outbox?: number | null;
  stored?: number;
}

/** A child's memory use (and what it registered), through bench/proc-stats.ts. */
export function procStats(child: ChildProcess, timeoutMs = 10_000): Promise<ProcStats | undefined> {
  return new Promise((resolve) => {
    if (!child.connected) return resolve(undefined);
    const t = setTimeout(() => {
      child.off('message', on);
      resolve(undefined);
    }, timeoutMs);
    const on = (m: unknown) => {
      const s = (m as { stats?: ProcStats }).stats;
      if (!s) return;
      clearTimeout(t);
      child.off('message', on);
      resolve(s);
    };
    child.on('message', on);
    child.send('stats');
  });
}

export async function centerLogin(center: CenterProcess): Promise<string> {
  const login = await fetch(`${center.base}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: center.admin }),
  });
  if (login.status !== 200) throw new Error(`center login ${login.status}`);
  return (login.headers.get('set-cookie') ?? '').split(';')[0]!;
}

export interface StreamedAlert {
  id?: string;
  deviceId?: string;
  type?: string;
  rev?: number;
  count?: number;
  lastAt?: number;
}

/** The center's live stream: `onAlert` for every alert.changed (with performance.now()). */
export async function centerStream(
  center: CenterProcess,
  onAlert: (a: StreamedAlert, at: number) => void,
): Promise<AbortController> {
  const cookie = await centerLogin(center);
  const abort = new AbortController();
  const res = await fetch(`${center.base}/api/stream`, { headers: { cookie }, signal: abort.signal });
  if (!res.ok || !res.body) throw new Error(`center stream ${res.status}`);
  void (async () => {
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        const at = performance.now();
        buf += decoder.decode(chunk, { stream: true });
        let i = buf.indexOf('\n\n');
        while (i >= 0) {
          const frame = buf.slice(0, i);
          buf = buf.slice(i + 2);
          if (frame.includes('event: alert.changed')) {
            const data = /data: (.*)/.exec(frame)?.[1];
            const a = data ? (JSON.parse(data) as { alert?: StreamedAlert }).alert : undefined;
            if (a) onAlert(a, at);
          }
          i = buf.indexOf('\n\n');
        }
      }
    } catch {
      // aborted at the end
    }
  })();
  return abort;
}

/** Poll `cond` every 100 ms until it holds; throws after timeoutMs naming `what`. */
export async function waitFor(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface StationView {
  site: string;
  reachable: boolean;
  lastSeen?: number;
  paths: Record<string, { up: boolean; lastSeen: number }>;
}

/** GET /api/center/stations as the admin. */
export async function centerStations(center: CenterProcess, cookie: string): Promise<StationView[]> {
  const res = await fetch(`${center.base}/api/center/stations`, { headers: { cookie } });
  if (!res.ok) throw new Error(`center stations ${res.status}`);
  return ((await res.json()) as { stations: StationView[] }).stations;
}
