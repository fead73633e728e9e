// The fleet set-up shared by the gateway, center-link, center-console and center benches and the
// soak run: a heartbeating device fleet of light raw-socket MQTT 3.1.1 clients (no library per
// connection), the in-memory device directory those devices authenticate against, child
// processes started and stopped, and percentiles.
import { type ChildProcess, spawn } from 'node:child_process';
import { connect as netConnect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import mqtt, { type MqttClient } from 'mqtt';
import type { DeviceRecord } from '../gateway/src/types.ts';
import { packet, str } from './mqtt-bytes.ts';

/** The site and shared device secret of the in-memory directory's fleet. */
export const FLEET_SITE = 'load';
/** ≥ 16 characters: the registry refuses shorter given secrets (gateway.bench provisions them). */
export const FLEET_SECRET = 'bench-secret-0123456';
export const HB_INTERVAL_S = 30;
export const REPO = fileURLToPath(new URL('../', import.meta.url));

// ------------------------------------------------------------ the in-memory directory

/** `n` pendants `hb-0…` on FLEET_SITE, and any `hb|press|tp-N` user with FLEET_SECRET accepted
 *  (a stub for the registry: no scrypt per connection). */
export function memoryDirectory(n: number, users = /^(hb|press|tp)-\d+$/) {
  const devices = new Map<string, DeviceRecord>();
  const rec = (id: string): DeviceRecord => {
    let d = devices.get(id);
    if (!d) {
      d = {
        id,
        site: FLEET_SITE,
        kind: 'pendant',
        location: {},
        heartbeatIntervalS: HB_INTERVAL_S,
        offlineTimeoutS: 600,
        retired: false,
        createdAt: Date.now(),
      };
      devices.set(id, d);
    }
    return d;
  };
  for (let i = 0; i < n; i++) rec(`hb-${i}`);
  return {
    authenticate: async (u: string, p: Buffer | string) =>
      users.test(u) && p.toString() === FLEET_SECRET ? rec(u) : undefined,
    get: (id: string) => devices.get(id),
    list: () => [...devices.values()],
    resident: () => undefined,
  };
}

// ------------------------------------------------------------ the raw-socket fleet

function connectPacket(clientId: string, user: string, pass: string, keepalive: number): Buffer {
  const vh = Buffer.concat([str('MQTT'), Buffer.from([4, 0xc2, keepalive >> 8, keepalive & 0xff])]);
  const body = Buffer.concat([vh, str(clientId), str(user), str(pass)]);
  return packet(0x10, body);
}
/** A PUBLISH packet: QoS 0, or QoS 1 with packet id `pid`. */
export function publishPacket(topic: string, payload: string, pid = 0): Buffer {
  const id = pid ? Buffer.from([pid >> 8, pid & 0xff]) : Buffer.alloc(0);
  const body = Buffer.concat([str(topic), id, Buffer.from(payload)]);
  return packet(pid ? 0x32 : 0x30, body);
}

export interface Fleet {
  connected: number;
  heartbeats: number;
  /** The connected sockets by device id (index i is `${prefix}-${i}`), for other traffic. */
  sockets: (Socket | undefined)[];
  /** Write a QoS 0 event from device i (door events in the soak run); false if not connected. */
  send(i: number, type: string, extra?: Record<string, unknown>): boolean;
  stop(): void;
}

export interface FleetOptions {
  site?: string;
  prefix?: string;
  /** The device's secret (default FLEET_SECRET for every device). */
  secretOf?: (id: string) => string;
  hbIntervalS?: number;
  /** Connects in flight (default 500). */
  window?: number;
}

/** `n` devices `${prefix}-0…` connected to `port`, each heartbeating every hbIntervalS
 *  (first beat at a random offset), QoS 0. */
export async function startFleet(port: number, n: number, o: FleetOptions = {}): Promise<Fleet> {
  const site = o.site ?? FLEET_SITE;
  const prefix = o.prefix ?? 'hb';
  const hbS = o.hbIntervalS ?? HB_INTERVAL_S;
  const timers: NodeJS.Timeout[] = [];
  const all: Socket[] = [];
  let seq = 0;
  const fleet: Fleet = {
    connected: 0,
    heartbeats: 0,
    sockets: new Array(n),
    send(i, type, extra = {}) {
      const s = fleet.sockets[i];
      if (!s?.writable) return false;
      const body = { id: `ev-${Date.now()}-${seq++}`, seq, ts: Date.now(), type, ...extra };
      s.write(publishPacket(`linli/v1/${site}/dev/${prefix}-${i}/evt`, JSON.stringify(body)));
      return true;
    },
    stop() {
      for (const t of timers) clearInterval(t);
      for (const s of all) s.destroy();
    },
  };
  const one = (i: number) =>
    new Promise<void>((resolve) => {
      const id = `${prefix}-${i}`;
      const s = netConnect(port, '127.0.0.1');
      all.push(s);
      s.setNoDelay(true);
      s.on('error', () => resolve());
      s.once('data', (b) => {
        if (b[0] === 0x20 && b[3] === 0) {
          fleet.connected++;
          fleet.sockets[i] = s;
          const topic = `linli/v1/${site}/dev/${id}/hb`;
          const beat = () => {
            if (s.writable) {
              s.write(publishPacket(topic, `{"ts":${Date.now()},"battery":90}`));
              fleet.heartbeats++;
            }
          };
          const start = setTimeout(
            () => {
              beat();
              timers.push(setInterval(beat, hbS * 1000));
            },
            Math.random() * hbS * 1000,
          );
          timers.push(start);
        }
        s.on('data', () => {});
        resolve();
      });
      s.once('connect', () =>
        s.write(connectPacket(`linli-${site}-${id}`, id, o.secretOf?.(id) ?? FLEET_SECRET, 90)),
      );
    });
  const window = o.window ?? 500;
  for (let i = 0; i < n; i += window) {
    await Promise.all(Array.from({ length: Math.min(window, n - i) }, (_, k) => one(i + k)));
  }
  return fleet;
}

/** An MQTT.js device client (the measured presses), clean session, no reconnect. */
export function deviceClient(
  port: number,
  id: string,
  o: { site?: string; secret?: string } = {},
): Promise<MqttClient> {
  const site = o.site ?? FLEET_SITE;
  const c = mqtt.connect(`mqtt://127.0.0.1:${port}`, {
    clientId: `linli-${site}-${id}`,
    username: id,
    password: o.secret ?? FLEET_SECRET,
    clean: true,
    reconnectPeriod: 0,
    connectTimeout: 60_000,
  });
  return new Promise((resolve, reject) => {
    c.once('connect', () => resolve(c));
    c.once('error', reject);
  });
}

/** `n` device clients `${prefix}-0…`, 50 connects at a time. */
export async function deviceClients(
  port: number,
  n: number,
  prefix: string,
  o: { site?: string; secretOf?: (id: string) => string } = {},
): Promise<MqttClient[]> {
  const out: MqttClient[] = [];
  for (let i = 0; i < n; i += 50)
    out.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(50, n - i) }, (_, k) => {
          const id = `${prefix}-${i + k}`;
          return deviceClient(port, id, { ...(o.site ? { site: o.site } : {}), secret: o.secretOf?.(id) });
        }),
      )),
    );
  return out;
}

// ------------------------------------------------------------ processes

export { freePort } from '@linli/shared/service';

/** `node --import tsx <args>` in the repo, resolved when its output matches `ready`. */
export function spawnReady(
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
  o: { timeoutMs?: number; ipc?: boolean; nodeArgs?: string[] } = {},
): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...(o.nodeArgs ?? []), ...args], {
    cwd: REPO,
    env: { ...process.env, ...env },
    stdio: o.ipc ? ['pipe', 'pipe', 'pipe', 'ipc'] : ['pipe', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`not ready:\n${out}`)), o.timeoutMs ?? 120_000);
    const onExit = (code: number | null) => reject(new Error(`exited ${code}:\n${out}`));
    child.stdout!.on('data', (c: Buffer) => {
      if (out.length < 100_000) out += c.toString();
      const m = ready.exec(out);
      if (m) {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve({ child, match: m });
      }
    });
    child.stderr!.on('data', (c: Buffer) => {
      if (out.length < 100_000) out += c.toString();
      if (process.env.LINLI_BENCH_VERBOSE) process.stderr.write(c);
    });
    child.once('exit', onExit);
  });
}

export const stopChild = (c: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (c.exitCode !== null || c.signalCode !== null) return resolve();
    const t = setTimeout(() => c.kill('SIGKILL'), 15_000);
    c.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    c.kill('SIGTERM');
  });

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
