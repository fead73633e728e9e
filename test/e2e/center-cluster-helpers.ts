// Several center instances behind one Mosquitto and one PostgreSQL (docs/center-cluster.md), as
// real processes: a PostgreSQL cluster (gateway/test/helpers/postgres.ts), Mosquitto with the
// files `center mosquitto-files --instances` writes, center instances in one share group (each its
// own data dir, one shared database with the station accounts), station gateways each with its
// pendants and an MQTT-only uplink to the broker. close() tears everything down.
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type SimDevice, startDevice } from '@linli/firmware-sim';
import { openDb, provisionStationIn, silentLogger } from '@linli/gateway';
import { centerInstanceAccounts, centerMosquittoFiles } from '@linli/gateway/center/mosquitto.ts';
import { PgStationStore } from '@linli/gateway/center/pg/stations.ts';
import { migratePg, openPg, pgClient } from '@linli/gateway/db/pg.ts';
import { mosquittoConf } from '@linli/gateway/registry/mosquitto.ts';
import { type RunningPostgres, startPostgres } from '../../gateway/test/helpers/postgres.ts';
import { ADMIN_PASSWORD, START_TIMEOUT_MS } from './center-link-helpers.ts';
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
import { startMosquitto } from './mosquitto-helpers.ts';

export const SHARE_GROUP = 'centers';
const CENTER_USER = 'linli-center';
const stationSecrets = (site: string) => ({
  password: `${site}-station-password-0123456789`,
  webhookSecret: `${site}-station-webhook-0123456789`,
});

interface Proc {
  env: Record<string, string>;
  child?: GatewayChild;
  http: number;
}

export interface ClusterOptions {
  centers: string[];
  /** site → its pendants */
  stations: Record<string, string[]>;
}

export class CenterCluster {
  pg: RunningPostgres | undefined;
  databaseUrl = '';
  mosq: ChildProcess | undefined;
  readonly dirs: string[] = [];
  readonly centers = new Map<string, Proc>();
  readonly stations = new Map<string, Proc & { dir: string; mqtt: number }>();
  readonly devices: SimDevice[] = [];
  brokerUrl = '';

  async start(o: ClusterOptions): Promise<void> {
    this.pg = await startPostgres();
    this.databaseUrl = await this.pg.newDatabase();
    const brokerDir = this.dir();
    const port = await freePort();
    this.brokerUrl = `mqtt://127.0.0.1:${port}`;
    const common = {
      LINLI_GW_MQTT_HOST: '127.0.0.1',
      LINLI_GW_WS_PORT: '-1',
      LINLI_GW_HTTP_HOST: '127.0.0.1',
      LINLI_GW_HMAC_KEY: HMAC_KEY,
      LINLI_GW_ADMIN_PASSWORD: ADMIN_PASSWORD,
    };
    // the station accounts in the shared database (made once, as `center station add` does
    // there); each center instance its own data dir
    const accounts = centerInstanceAccounts(CENTER_USER, o.centers, (u) => `${u}-broker-password-0123`);
    const pool = await openPg(this.databaseUrl, { max: 1 });
    let stationAccounts: { site: string; hash: string | null }[];
    try {
      await migratePg(pool);
      const store = await PgStationStore.open({ pool, gatewayKey: HMAC_KEY, log: silentLogger });
      for (const site of Object.keys(o.stations)) await provisionStationIn(store, site, stationSecrets(site));
      stationAccounts = await store.mosquittoAccounts();
      await store.close();
    } finally {
      await pool.end();
    }
    for (const [i, id] of o.centers.entries()) {
      const dir = this.dir();
      const http = await freePort();
      this.centers.set(id, {
        http,
        env: {
          ...common,
          LINLI_GW_ROLE: 'center',
          LINLI_GW_SITE: 'center',
          LINLI_GW_DATA_DIR: dir,
          LINLI_GW_MQTT_PORT: String(await freePort()),
          LINLI_GW_HTTP_PORT: String(http),
          LINLI_GW_BROKER_URL: this.brokerUrl,
          LINLI_GW_BROKER_USERNAME: accounts[i]!.username,
          LINLI_GW_BROKER_PASSWORD: accounts[i]!.password,
          LINLI_GW_CENTER_SHARE_GROUP: SHARE_GROUP,
          LINLI_GW_CENTER_INSTANCE: id,
          LINLI_GW_CENTER_DATABASE_URL: this.databaseUrl,
        },
      });
    }
    // Mosquitto's files as `center mosquitto-files --instances` writes them
    const files = centerMosquittoFiles(stationAccounts, accounts);
    writeFileSync(join(brokerDir, 'passwd'), files.passwordFile, { mode: 0o600 });
    writeFileSync(join(brokerDir, 'acl'), files.aclFile, { mode: 0o600 });
    this.mosq = await startMosquitto(
      brokerDir,
      mosquittoConf({
        passwordPath: join(brokerDir, 'passwd'),
        aclPath: join(brokerDir, 'acl'),
        persistenceDir: brokerDir,
        listener: { port, host: '127.0.0.1' },
        queue: { eventsPerS: 50, outageS: 300 },
      }),
    );
    for (const [site, pendants] of Object.entries(o.stations)) {
      const dir = this.dir();
      provision(dir, (r) => {
        for (const id of pendants)
          r.provision({ id, site, kind: 'pendant', secret: secretOf(id), heartbeatIntervalS: 3600 });
      });
      const [http, mqtt] = [await freePort(), await freePort()];
      this.stations.set(site, {
        dir,
        http,
        mqtt,
        env: {
          ...common,
          LINLI_GW_SITE: site,
          LINLI_GW_DATA_DIR: dir,
          LINLI_GW_MQTT_PORT: String(mqtt),
          LINLI_GW_HTTP_PORT: String(http),
          // MQTT only: every row goes through the broker's share group
          LINLI_GW_UPLINK_MQTT_URL: this.brokerUrl,
          LINLI_GW_UPLINK_USERNAME: site,
          LINLI_GW_UPLINK_PASSWORD: stationSecrets(site).password,
          LINLI_GW_UPLINK_SUPERVISION_S: '2',
          LINLI_GW_UPLINK_ACK_TIMEOUT_S: '3',
          LINLI_GW_UPLINK_RETRY_BASE_MS: '200',
          LINLI_GW_UPLINK_RETRY_MAX_S: '2',
        },
      });
    }
    await Promise.all(o.centers.map((id) => this.startCenter(id)));
    await Promise.all(Object.keys(o.stations).map((site) => this.startStation(site)));
  }

  private dir(): string {
    const d = tempDir();
    this.dirs.push(d);
    return d;
  }

  async startCenter(id: string): Promise<void> {
    const c = this.centers.get(id)!;
    c.child = await spawnGateway(c.env, START_TIMEOUT_MS);
  }

  async startStation(site: string): Promise<void> {
    const s = this.stations.get(site)!;
    s.child = await spawnGateway(s.env, START_TIMEOUT_MS);
  }

  async stop(proc: Proc | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = proc?.child;
    if (!proc || !child) return;
    proc.child = undefined;
    child.proc.kill(signal);
    await killed(child.proc);
  }

  async device(site: string, id: string): Promise<SimDevice> {
    const d = await startDevice({
      url: `mqtt://127.0.0.1:${this.stations.get(site)!.mqtt}`,
      site,
      id,
      secret: secretOf(id),
      kind: 'pendant',
      heartbeatIntervalS: 0,
      reconnectPeriod: 150,
    });
    this.devices.push(d);
    return d;
  }

  /** Alert revisions this center instance stored (not duplicates), from its /metrics. */
  storedBy(id: string): Promise<number> {
    return this.metric(
      this.centers.get(id)!.http,
      'linli_gateway_center_revisions_total',
      'duplicate="false"',
    );
  }

  /** Rows a station sent again for want of a receipt in time (its /metrics). */
  retries(site: string): Promise<number> {
    return this.metric(this.stations.get(site)!.http, 'linli_gateway_outbox_retries_total');
  }

  /** Sum of a metric family's samples at one process's /metrics (labels matching `labels`). */
  async metric(port: number, name: string, labels = ''): Promise<number> {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    let n = 0;
    for (const m of text.matchAll(new RegExp(`^${name}\\{([^}]*)\\} (\\d+)`, 'gm')))
      if (m[1]!.includes(labels)) n += Number(m[2]);
    return n;
  }

  /** A station's outbox backlog, from its /healthz. */
  async backlog(site: string): Promise<number> {
    const h = (await (await fetch(`http://127.0.0.1:${this.stations.get(site)!.http}/healthz`)).json()) as {
      forwarding: { backlog: number };
    };
    return h.forwarding.backlog;
  }

  /** Rows of the shared database. */
  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const c = pgClient(this.databaseUrl);
    await c.connect();
    try {
      return (await c.query(sql, params)).rows as T[];
    } finally {
      await c.end();
    }
  }

  /** Rows of a station's SQLite file (after it stopped, or read-only while it runs). */
  stationRows<T>(site: string, sql: string): T[] {
    const db = openDb(join(this.stations.get(site)!.dir, 'gateway.db'));
    try {
      return db.prepare(sql).all() as T[];
    } finally {
      db.close();
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.devices.splice(0).map((d) => d.crash().catch(() => {})));
    await Promise.all([...this.stations.values()].map((s) => this.stop(s, 'SIGKILL')));
    await Promise.all([...this.centers.values()].map((c) => this.stop(c, 'SIGKILL')));
    if (this.mosq) {
      this.mosq.kill('SIGTERM');
      await killed(this.mosq);
      this.mosq = undefined;
    }
    await this.pg?.stop();
    for (const d of this.dirs.splice(0)) removeDir(d);
  }
}
