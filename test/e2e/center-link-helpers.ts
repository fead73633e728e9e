// A station gateway and a community center as two real processes (tsx gateway/src/server.ts with
// role edge and role center), linked by the uplink (docs/center-link.md): the station's account is
// provisioned in the center's database before it starts, the station's devices in its own.
import { join } from 'node:path';
import { type SimDevice, startDevice } from '@linli/firmware-sim';
import { migrate, openDb, provisionStation } from '@linli/gateway';
import type { Registry } from '@linli/gateway/registry/index.ts';
import {
  freePort,
  type GatewayChild,
  HMAC_KEY,
  killed,
  provision,
  removeDir,
  secretOf,
  spawnGateway,
  tempDir,
} from './gateway-helpers.ts';

export const ADMIN_PASSWORD = 'center-link-admin-1';
/** A loaded 2-core machine starts tsx slowly. */
export const START_TIMEOUT_MS = 90_000;
const SECRETS = {
  password: 'link-station-password-0123456789',
  webhookSecret: 'link-station-webhook-0123456789',
};

export interface LinkOptions {
  site?: string;
  pendants?: string[];
  /** Extra LINLI_GW_* for the station / the center. */
  stationEnv?: Record<string, string>;
  centerEnv?: Record<string, string>;
  /** Point the station's MQTT uplink at a port where nothing listens (the webhook must carry). */
  deadMqtt?: boolean;
  /** More of the station's registry (residents, located devices), after the pendants */
  registry?: (r: Registry) => void;
  /** More station accounts at the center (site → its MQTT password and webhook secret) */
  moreStations?: Record<string, { password: string; webhookSecret: string }>;
}

/** Center + station processes; restartable, stopped and removed by close(). */
export class Link {
  center?: GatewayChild;
  station?: GatewayChild;
  readonly devices: SimDevice[] = [];
  private cookies = new Map<string, string>();

  private constructor(
    readonly site: string,
    readonly centerDir: string,
    readonly stationDir: string,
    readonly centerEnv: Record<string, string>,
    readonly stationEnv: Record<string, string>,
    readonly ports: { centerHttp: number; centerMqtt: number; stationHttp: number; stationMqtt: number },
  ) {}

  static async create(o: LinkOptions = {}): Promise<Link> {
    const site = o.site ?? 'st1';
    const centerDir = tempDir();
    const stationDir = tempDir();
    const db = openDb(join(centerDir, 'gateway.db'));
    migrate(db);
    await provisionStation(db, HMAC_KEY, site, SECRETS);
    for (const [other, secrets] of Object.entries(o.moreStations ?? {}))
      await provisionStation(db, HMAC_KEY, other, secrets);
    db.close();
    provision(stationDir, (r) => {
      for (const id of o.pendants ?? ['p1'])
        r.provision({ id, site, kind: 'pendant', secret: secretOf(id), heartbeatIntervalS: 3600 });
      o.registry?.(r);
    });
    const ports = {
      centerHttp: await freePort(),
      centerMqtt: await freePort(),
      stationHttp: await freePort(),
      stationMqtt: await freePort(),
    };
    const dead = o.deadMqtt ? await freePort() : undefined;
    const common = {
      LINLI_GW_MQTT_HOST: '127.0.0.1',
      LINLI_GW_WS_PORT: '-1',
      LINLI_GW_HTTP_HOST: '127.0.0.1',
      LINLI_GW_HMAC_KEY: HMAC_KEY,
      LINLI_GW_ADMIN_PASSWORD: ADMIN_PASSWORD,
    };
    const centerEnv = {
      ...common,
      LINLI_GW_ROLE: 'center',
      LINLI_GW_SITE: 'center',
      LINLI_GW_DATA_DIR: centerDir,
      LINLI_GW_MQTT_PORT: String(ports.centerMqtt),
      LINLI_GW_HTTP_PORT: String(ports.centerHttp),
      ...o.centerEnv,
    };
    const stationEnv = {
      ...common,
      LINLI_GW_SITE: site,
      LINLI_GW_DATA_DIR: stationDir,
      LINLI_GW_MQTT_PORT: String(ports.stationMqtt),
      LINLI_GW_HTTP_PORT: String(ports.stationHttp),
      LINLI_GW_UPLINK_MQTT_URL: `mqtt://127.0.0.1:${dead ?? ports.centerMqtt}`,
      LINLI_GW_UPLINK_USERNAME: site,
      LINLI_GW_UPLINK_PASSWORD: SECRETS.password,
      LINLI_GW_UPLINK_WEBHOOK_URL: `http://127.0.0.1:${ports.centerHttp}/api/center/v1/ingest`,
      LINLI_GW_UPLINK_WEBHOOK_KEY: SECRETS.webhookSecret,
      LINLI_GW_UPLINK_SUPERVISION_S: '2',
      LINLI_GW_UPLINK_ACK_TIMEOUT_S: '3',
      LINLI_GW_UPLINK_RETRY_BASE_MS: '200',
      LINLI_GW_UPLINK_RETRY_MAX_S: '2',
      ...o.stationEnv,
    };
    return new Link(site, centerDir, stationDir, centerEnv, stationEnv, ports);
  }

  async startCenter(): Promise<void> {
    this.center = await spawnGateway(this.centerEnv, START_TIMEOUT_MS);
    this.cookies.delete('center');
  }

  async startStation(): Promise<void> {
    this.station = await spawnGateway(this.stationEnv, START_TIMEOUT_MS);
    this.cookies.delete('station');
  }

  async stop(which: 'center' | 'station', signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this[which];
    this[which] = undefined;
    if (!child) return;
    child.proc.kill(signal);
    await killed(child.proc);
  }

  async device(id: string): Promise<SimDevice> {
    const d = await startDevice({
      url: `mqtt://127.0.0.1:${this.ports.stationMqtt}`,
      site: this.site,
      id,
      secret: secretOf(id),
      kind: 'pendant',
      heartbeatIntervalS: 0,
      reconnectPeriod: 150,
    });
    this.devices.push(d);
    return d;
  }

  base(which: 'center' | 'station'): string {
    return `http://127.0.0.1:${which === 'center' ? this.ports.centerHttp : this.ports.stationHttp}`;
  }

  /** An authenticated request to one end's API (admin login, cached per process start). */
  async api<T = Record<string, unknown>>(
    which: 'center' | 'station',
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> {
    let cookie = this.cookies.get(which);
    if (!cookie) {
      const login = await fetch(`${this.base(which)}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
      });
      if (login.status !== 200) throw new Error(`${which} login: ${login.status}`);
      cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
      this.cookies.set(which, cookie);
    }
    const res = await fetch(`${this.base(which)}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as T };
  }

  async alerts(which: 'center' | 'station'): Promise<AlertView[]> {
    const r = await this.api<{ alerts: AlertView[] }>(which, '/api/alerts?limit=1000');
    if (r.status !== 200) throw new Error(`${which} /api/alerts: ${r.status}`);
    return r.body.alerts;
  }

  async close(): Promise<void> {
    await Promise.all(this.devices.splice(0).map((d) => d.crash().catch(() => {})));
    await this.stop('station', 'SIGKILL');
    await this.stop('center', 'SIGKILL');
    removeDir(this.centerDir);
    removeDir(this.stationDir);
  }
}

export interface AlertView {
  id: string;
  site: string;
  type: string;
  state: string;
  rev: number;
  count: number;
  deviceId?: string;
  outcome?: string;
  resolvedBy?: string;
  acknowledgedBy?: string;
}

/** Poll `fn` until it returns a value (not undefined), or throw after `timeoutMs`. */
export async function until<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
