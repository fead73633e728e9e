// Gateway chaos (reliability contract points 1 and 6): the simulated fleet presses SOS buttons and
// opens and closes doors throughout, while the gateway process is killed with SIGKILL at random
// moments (several times per run) — on the embedded broker, and on an external Mosquitto that is
// itself restarted. Every event a device got a PUBACK for is counted; the ledger at the end is
// read FROM THE OBSERVER'S SIDE, through the HTTP API: the event log must list each acknowledged
// event exactly once, and the SOS alert folds must count each press exactly once — an event
// applied twice would raise a fold count even though the store's UNIQUE key hides the second row.
//
// Deterministic schedule: CHAOS_SEED (printed with the ledger and in every failure message).
import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type SimDevice, startDevice } from '@linli/firmware-sim';
import { aclFile, gatewayAccount, mosquittoConf, passwordFile } from '@linli/gateway/registry/index.ts';
import type { DeviceEvent } from '@linli/shared';
import { afterEach, describe, expect, it } from 'vitest';
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
import { seededRandom as rng } from './seeded.ts';

const SEED = Number(process.env.CHAOS_SEED ?? Date.now() % 1_000_000);
const SITE = 'chaos';
const ADMIN_PASSWORD = 'chaos-admin-password-1';
const PENDANTS = ['p1', 'p2', 'p3', 'p4'];
const DOORS = ['d1', 'd2', 'd3'];
const LOOPS_PER_DEVICE = 2;
/** Each loop stops after this many events, whatever happens: the run is bounded in count. */
const MAX_EVENTS_PER_LOOP = 400;
const DRAIN_TIMEOUT_MS = 8_000;
/** A loaded 2-core machine starts tsx slowly: wait longer than the helper's default. */
const START_TIMEOUT_MS = 90_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ChaosLedger {
  mode: string;
  seed: number;
  faults: string[];
  sent: number;
  acknowledged: number;
  unacknowledgedAtEnd: number;
  /** Events the test published again (same id) because their PUBACK never came. */
  resentByTest: number;
  storedSeenByApi: number;
  lost: number;
  duplicated: number;
  sosAcknowledged: number;
  sosFoldCount: number;
}

let gw: GatewayChild | undefined;
let mosq: ChildProcess | undefined;
let dir: string | undefined;
const devices: SimDevice[] = [];

afterEach(async () => {
  await Promise.all(devices.splice(0).map((d) => d.crash().catch(() => {})));
  if (gw) {
    gw.proc.kill('SIGKILL');
    await killed(gw.proc);
  }
  gw = undefined;
  if (mosq) {
    mosq.kill('SIGTERM');
    await killed(mosq);
  }
  mosq = undefined;
  removeDir(dir);
  dir = undefined;
});

/** Press and open doors on every device until stop() — at most MAX_EVENTS_PER_LOOP per loop. */
function runFleet(fleet: SimDevice[], pauseMs: number) {
  const sent = new Map<string, string>(); // `${dev}/${eventId}` → type
  const acked = new Map<string, string>();
  const events = new Map<string, { device: SimDevice; event: DeviceEvent }>();
  let retried = 0;
  let stopping = false;
  const loops = fleet.flatMap((d) =>
    Array.from({ length: LOOPS_PER_DEVICE }, async () => {
      let door = false;
      for (let i = 0; i < MAX_EVENTS_PER_LOOP && !stopping; i++) {
        const type = d.kind === 'door-contact' ? (door ? 'door.close' : 'door.open') : 'sos';
        door = !door;
        const event = d.nextEvent(type);
        sent.set(`${d.id}/${event.id}`, type);
        events.set(`${d.id}/${event.id}`, { device: d, event });
        try {
          await d.sendEvent(event); // resolves on PUBACK; MQTT.js resends after a reconnect
          acked.set(`${d.id}/${event.id}`, type);
        } catch {
          return; // the device was stopped
        }
        await sleep(pauseMs);
      }
    }),
  );
  return {
    sent,
    acked,
    get retried() {
      return retried;
    },
    /**
     * Stop new events and wait (bounded) for those in flight to be acknowledged. An event whose
     * PUBACK never came is published again with the same id, as device firmware retries until
     * acknowledged: MQTT.js sometimes drops an in-flight QoS 1 publish across these reconnects
     * (neither resent nor called back; see docs/reliability.md), which is the sim's, not the gateway's.
     */
    async drain(): Promise<void> {
      stopping = true;
      await Promise.race([Promise.all(loops), sleep(DRAIN_TIMEOUT_MS)]);
      const missing = [...sent.keys()].filter((k) => !acked.has(k));
      retried = missing.length;
      await Promise.race([
        Promise.all(
          missing.map(async (k) => {
            const { device, event } = events.get(k)!;
            await device.sendEvent(event);
            acked.set(k, sent.get(k)!);
          }),
        ),
        sleep(DRAIN_TIMEOUT_MS),
      ]);
    },
  };
}

/** The observer: what the API shows, read page by page (bounded). */
async function observe(base: string, ids: string[]) {
  const login = await fetch(`${base}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  expect(login.status).toBe(200);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${base}${path}`, { headers: { cookie } });
    expect(res.status, path).toBe(200);
    return (await res.json()) as T;
  };
  const listed: string[] = [];
  const sosFold = new Map<string, number>();
  for (const dev of ids) {
    let before: number | undefined;
    for (let page = 0; page < 50; page++) {
      const q = `/api/events?device=${dev}&limit=1000${before === undefined ? '' : `&before=${before}`}`;
      const { events } = await get<{ events: { seqNo: number; deviceId: string; eventId: string }[] }>(q);
      for (const e of events) listed.push(`${e.deviceId}/${e.eventId}`);
      if (events.length < 1000) break;
      before = events.at(-1)!.seqNo;
    }
    const { alerts } = await get<{ alerts: { type: string; count: number }[] }>(
      `/api/alerts?device=${dev}&limit=1000`,
    );
    sosFold.set(
      dev,
      alerts.filter((a) => a.type === 'sos').reduce((s, a) => s + a.count, 0),
    );
  }
  return { listed, sosFold };
}

function ledgerOf(
  mode: string,
  faults: string[],
  fleet: ReturnType<typeof runFleet>,
  seen: Awaited<ReturnType<typeof observe>>,
): ChaosLedger {
  const listedSet = new Set(seen.listed);
  const sosAcked = [...fleet.acked.values()].filter((t) => t === 'sos').length;
  const sosFoldCount = [...seen.sosFold.values()].reduce((a, b) => a + b, 0);
  // sos events stored (acknowledged or not): the folds must count exactly these
  const sosStored = seen.listed.filter((k) => fleet.sent.get(k) === 'sos').length;
  return {
    mode,
    seed: SEED,
    faults,
    sent: fleet.sent.size,
    acknowledged: fleet.acked.size,
    unacknowledgedAtEnd: fleet.sent.size - fleet.acked.size,
    resentByTest: fleet.retried,
    storedSeenByApi: listedSet.size,
    lost: [...fleet.acked.keys()].filter((k) => !listedSet.has(k)).length,
    // a second listing of one event, or a press folded into an alert twice
    duplicated: seen.listed.length - listedSet.size + Math.max(0, sosFoldCount - sosStored),
    sosAcknowledged: sosAcked,
    sosFoldCount,
  };
}

function checkLedger(l: ChaosLedger, fleet: ReturnType<typeof runFleet>, listed: string[]): void {
  console.log(`chaos ledger ${JSON.stringify(l)}`);
  const why = `CHAOS_SEED=${SEED} ${l.mode}`;
  expect(l.acknowledged, why).toBeGreaterThan(100);
  expect(l.faults.length, why).toBeGreaterThanOrEqual(3);
  expect(l.lost, `${why}: acknowledged events the API does not show`).toBe(0);
  expect(l.duplicated, `${why}: events shown or folded twice`).toBe(0);
  // every event a device sent was eventually acknowledged and stored once (the devices retry)
  expect(l.unacknowledgedAtEnd, why).toBe(0);
  expect(new Set(listed), why).toEqual(new Set(fleet.sent.keys()));
  // the folds count each stored press exactly once
  expect(l.sosFoldCount, why).toBe(l.sosAcknowledged);
}

function provisionFleet(dataDir: string): { passwd: string; acl: string } {
  let passwd = '';
  let acl = '';
  provision(dataDir, (r) => {
    for (const id of PENDANTS) r.provision({ id, site: SITE, kind: 'pendant', secret: secretOf(id) });
    for (const id of DOORS) r.provision({ id, site: SITE, kind: 'door-contact', secret: secretOf(id) });
    const accounts = [gatewayAccount('linli-gateway', 'chaos-broker-password-1')];
    passwd = passwordFile(r.mosquittoDevices(), accounts);
    acl = aclFile(r.mosquittoDevices(), accounts);
  });
  return { passwd, acl };
}

async function connectFleet(url: string): Promise<SimDevice[]> {
  for (const id of [...PENDANTS, ...DOORS]) {
    devices.push(
      await startDevice({
        url,
        site: SITE,
        id,
        secret: secretOf(id),
        kind: DOORS.includes(id) ? 'door-contact' : 'pendant',
        heartbeatIntervalS: 0,
        reconnectPeriod: 150,
        connectTimeoutMs: 20_000,
      }),
    );
  }
  return [...devices];
}

/** The gateway process's settings: HTTP for the observer, no rate limit (the fleet is fast). */
function gatewayEnv(dataDir: string, httpPort: number, mqtt: Record<string, string>): Record<string, string> {
  return {
    LINLI_GW_DATA_DIR: dataDir,
    LINLI_GW_SITE: SITE,
    LINLI_GW_WS_PORT: '-1',
    LINLI_GW_HTTP_HOST: '127.0.0.1',
    LINLI_GW_HTTP_PORT: String(httpPort),
    LINLI_GW_HMAC_KEY: HMAC_KEY,
    LINLI_GW_ADMIN_PASSWORD: ADMIN_PASSWORD,
    LINLI_GW_RATE_LIMIT: '100000',
    LINLI_GW_RATE_BURST: '100000',
    ...mqtt,
  };
}

async function killGateway(): Promise<void> {
  gw!.proc.kill('SIGKILL');
  await killed(gw!.proc);
}

describe('gateway chaos: kill -9 and broker restarts under a pressing fleet', () => {
  it('the observer ledger counts a press applied twice, and an acknowledged event missing, as failures', () => {
    const sent = new Map([
      ['p1/a', 'sos'],
      ['p1/b', 'sos'],
      ['d1/c', 'door.open'],
    ]);
    const fleet = { sent, acked: new Map(sent), retried: 0 } as unknown as ReturnType<typeof runFleet>;
    const clean = ledgerOf('unit', [], fleet, {
      listed: ['p1/a', 'p1/b', 'd1/c'],
      sosFold: new Map([['p1', 2]]),
    });
    expect(clean).toMatchObject({ lost: 0, duplicated: 0 });
    // every row stored once (UNIQUE holds), but one press folded into the alert twice
    const twice = ledgerOf('unit', [], fleet, {
      listed: ['p1/a', 'p1/b', 'd1/c'],
      sosFold: new Map([['p1', 3]]),
    });
    expect(twice.duplicated).toBe(1);
    // an event listed twice by the API
    expect(
      ledgerOf('unit', [], fleet, { listed: ['p1/a', 'p1/b', 'd1/c', 'd1/c'], sosFold: new Map([['p1', 2]]) })
        .duplicated,
    ).toBe(1);
    // an acknowledged event the API does not list
    expect(
      ledgerOf('unit', [], fleet, { listed: ['p1/a', 'p1/b'], sosFold: new Map([['p1', 2]]) }).lost,
    ).toBe(1);
  });

  it('embedded broker: several kill -9 at random moments lose nothing acknowledged and apply nothing twice', async () => {
    const random = rng(SEED);
    dir = tempDir();
    provisionFleet(dir);
    const [mqttPort, httpPort] = [await freePort(), await freePort()];
    const env = gatewayEnv(dir, httpPort, {
      LINLI_GW_MQTT_HOST: '127.0.0.1',
      LINLI_GW_MQTT_PORT: String(mqttPort),
    });
    gw = await spawnGateway(env, START_TIMEOUT_MS);
    // ~14 loops × 1 event / 15 ms: as fast as the gateway takes them
    const fleet = runFleet(await connectFleet(`mqtt://127.0.0.1:${mqttPort}`), 15);
    const faults: string[] = [];
    const KILLS = 3;
    for (let k = 0; k < KILLS; k++) {
      const after = 300 + Math.floor(random() * 1500);
      await sleep(after);
      faults.push(`kill -9 gateway after ${after} ms (${fleet.acked.size} acked)`);
      await killGateway();
      await sleep(Math.floor(random() * 300));
      gw = await spawnGateway(env, START_TIMEOUT_MS);
    }
    await sleep(500 + Math.floor(random() * 500));
    await fleet.drain();
    const seen = await observe(`http://127.0.0.1:${httpPort}`, [...PENDANTS, ...DOORS]);
    checkLedger(ledgerOf('embedded', faults, fleet, seen), fleet, seen.listed);
  }, 240_000);

  it('external Mosquitto: restarts of the broker and kill -9 of the gateway lose nothing acknowledged and apply nothing twice', async () => {
    const random = rng(SEED + 1);
    dir = tempDir();
    const { passwd, acl } = provisionFleet(dir);
    writeFileSync(join(dir, 'passwd'), passwd, { mode: 0o600 });
    writeFileSync(join(dir, 'acl'), acl, { mode: 0o600 });
    const [brokerPort, httpPort] = [await freePort(), await freePort()];
    mosq = await startMosquitto(dir, brokerConf(dir, brokerPort));
    const url = `mqtt://127.0.0.1:${brokerPort}`;
    const env = gatewayEnv(dir, httpPort, {
      LINLI_GW_BROKER_URL: url,
      LINLI_GW_BROKER_USERNAME: 'linli-gateway',
      LINLI_GW_BROKER_PASSWORD: 'chaos-broker-password-1',
    });
    gw = await spawnGateway(env, START_TIMEOUT_MS);
    // ~100 events/s in all: the rate a station's outage sizing is made for. Mosquitto queues for the
    // gateway's session while it is down or behind (it commits message by message here); with the
    // default max_queued_messages (1000) a gateway down more than ~10 s (a slow restart on a loaded
    // machine) loses acknowledged events: lost 0 then depends on issue #10 defect 2's fix (the
    // generated broker settings, brokerConf below).
    const fleet = runFleet(await connectFleet(url), 140);
    const faults: string[] = [];
    // alternate: broker restart, gateway kill -9, broker restart, gateway kill -9
    for (let k = 0; k < 4; k++) {
      const after = 400 + Math.floor(random() * 1500);
      await sleep(after);
      if (k % 2 === 0) {
        faults.push(`restart Mosquitto after ${after} ms (${fleet.acked.size} acked)`);
        mosq.kill('SIGTERM');
        await killed(mosq);
        mosq = await startMosquitto(dir, brokerConf(dir, brokerPort));
      } else {
        faults.push(`kill -9 gateway after ${after} ms (${fleet.acked.size} acked)`);
        await killGateway();
        await sleep(Math.floor(random() * 500)); // Mosquitto queues for the gateway's session meanwhile
        gw = await spawnGateway(env, START_TIMEOUT_MS);
      }
    }
    await sleep(1000);
    await fleet.drain();
    const base = `http://127.0.0.1:${httpPort}`;
    // the gateway takes what Mosquitto queued for it: wait (bounded) until the API shows every ack
    const deadline = Date.now() + 20_000;
    let seen = await observe(base, [...PENDANTS, ...DOORS]);
    while (Date.now() < deadline && new Set(seen.listed).size < fleet.acked.size) {
      await sleep(500);
      seen = await observe(base, [...PENDANTS, ...DOORS]);
    }
    // Mosquitto says when it throws away messages queued for a client (max_queued_messages)
    const brokerLog = readFileSync(join(dir, 'mosquitto.log'), 'utf8');
    const dropped = brokerLog.split('\n').filter((l) => /dropped/i.test(l));
    console.log(
      `Mosquitto log: ${dropped.length} 'dropped' lines${dropped.length ? `, e.g. ${dropped[0]}` : ''}`,
    );
    checkLedger(ledgerOf('mosquitto', faults, fleet, seen), fleet, seen.listed);
  }, 240_000);
});

/** The Mosquitto configuration the gateway generates (accounts, client ids bound to accounts,
 *  persistence, queue sized for an outage), plus a log file the ledger reads for "dropped". */
function brokerConf(dir: string, port: number): string[] {
  return [
    ...mosquittoConf({
      passwordPath: join(dir, 'passwd'),
      aclPath: join(dir, 'acl'),
      persistenceDir: dir,
      listener: { port, host: '127.0.0.1' },
      queue: { eventsPerS: 150, outageS: 600 },
    }).split('\n'),
    `log_dest file ${join(dir, 'mosquitto.log')}`,
  ];
}
