// What Debian's Mosquitto (2.0) does with a shared subscription ($share/<group>/<filter>) when a
// member dies holding QoS 1 messages it has not PUBACKed — the ground the center cluster's design
// stands on (docs/center-cluster.md, gateway/src/center/external-broker.ts):
//  - persistent sessions: the dead member's session keeps its in-flight messages AND keeps
//    getting its round-robin share of new ones while it is away; they wait for its return.
//  - clean sessions: the dead member's in-flight messages are dropped with its session (not
//    handed to another member); every new message goes to the survivors at once.
// Nothing is lost either way only because the sender (the station's outbox) sends again until it
// gets the center's `stored` receipt. And the ACL: the generated center account (read on
// linli/v1/center/#) may take $share/… deliveries; Mosquitto checks the topic underneath.
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { centerInstanceAccounts, centerMosquittoFiles } from '@linli/gateway/center/mosquitto.ts';
import { mosquittoConf, mosquittoHash } from '@linli/gateway/registry/mosquitto.ts';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from './center-link-helpers.ts';
import { freePort, killed, removeDir, tempDir } from './gateway-helpers.ts';
import { startMosquitto } from './mosquitto-helpers.ts';

const GROUP_FILTER = '$share/centers/t';
let mosq: ChildProcess | undefined;
let dir: string | undefined;
let brokerLog = '';
const clients: MqttClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.endAsync(true).catch(() => {})));
  mosq?.kill('SIGTERM');
  if (mosq) await killed(mosq);
  mosq = undefined;
  removeDir(dir);
});

async function broker(): Promise<string> {
  dir = tempDir();
  const port = await freePort();
  brokerLog = '';
  mosq = await startMosquitto(
    dir,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence true',
      `persistence_location ${dir}/`,
    ],
    (chunk) => {
      brokerLog += chunk;
    },
  );
  return `mqtt://127.0.0.1:${port}`;
}

/** Connects with the message handler in place before the session's queue arrives. */
async function connected(url: string, opts: IClientOptions, hold = false): Promise<Member> {
  const client = mqtt.connect(url, opts);
  clients.push(client);
  const m: Member = { client, got: [] };
  client.handleMessage = (packet, done) => {
    m.got.push(String(packet.payload));
    if (!hold) done();
  };
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  return m;
}

interface Member {
  client: MqttClient;
  got: string[];
}

/** A group member; `hold`: receives but never PUBACKs (a center still storing when it dies). */
async function member(url: string, id: string, persistent: boolean, hold = false): Promise<Member> {
  const opts: IClientOptions = {
    clientId: id,
    protocolVersion: 5,
    clean: !persistent,
    properties: { sessionExpiryInterval: persistent ? 0xffffffff : 0 },
    reconnectPeriod: 0,
  };
  const m = await connected(url, opts, hold);
  await m.client.subscribeAsync(GROUP_FILTER, { qos: 1 });
  return m;
}

/** SIGKILL of a member's process: its socket closes without DISCONNECT; resolves once the
 *  broker has noticed. */
async function kill(m: Member, id: string): Promise<void> {
  (m.client as unknown as { stream: { destroy(): void } }).stream.destroy();
  await until(`the broker saw ${id} go`, async () =>
    new RegExp(`Client ${id} closed its connection|Socket error on client ${id}`).test(brokerLog)
      ? true
      : undefined,
  );
}

async function publish(url: string, from: number, to: number): Promise<void> {
  const p = await mqtt.connectAsync(url, { clientId: `pub-${from}`, reconnectPeriod: 0 });
  clients.push(p);
  for (let i = from; i <= to; i++) await p.publishAsync('t', `m${i}`, { qos: 1 });
  await p.endAsync();
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `m${from + i}`);

describe('Mosquitto shared subscriptions, a member killed with QoS 1 messages in flight', () => {
  it('persistent sessions: the dead member keeps getting its share, delivered only when it returns', async () => {
    const url = await broker();
    const a = await member(url, 'A', true, true);
    const b = await member(url, 'B', true);
    await publish(url, 1, 10);
    await until('both members served', async () => (a.got.length > 0 && b.got.length > 0 ? true : undefined));
    await kill(a, 'A');
    await publish(url, 11, 20);
    // A comes back with its session (no new SUBSCRIBE): it gets what waited for it
    const returned = (
      await connected(url, {
        clientId: 'A',
        protocolVersion: 5,
        clean: false,
        properties: { sessionExpiryInterval: 0xffffffff },
        reconnectPeriod: 0,
      })
    ).got;
    const all = range(1, 20);
    await until(
      'every message at B or at the returned A',
      async () => (all.every((m) => b.got.includes(m) || returned.includes(m)) ? true : undefined),
      20_000,
    );
    const whileAway = range(11, 20);
    const queuedForA = whileAway.filter((m) => returned.includes(m));
    // measured with Mosquitto 2.0.11: half of them (round robin) waited in A's session
    expect(queuedForA.length).toBeGreaterThan(0);
    expect(whileAway.filter((m) => b.got.includes(m)).length).toBeLessThan(whileAway.length);
    // and A's unacknowledged in-flight messages were redelivered to A, not to B
    expect(a.got.filter((m) => returned.includes(m))).toEqual(a.got);
  });

  it('clean sessions: the dead member’s in-flight messages are dropped, new ones all go to the survivor', async () => {
    const url = await broker();
    const a = await member(url, 'A', false, true);
    const b = await member(url, 'B', false);
    await publish(url, 1, 10);
    await until('both members served', async () => (a.got.length > 0 && b.got.length > 0 ? true : undefined));
    await kill(a, 'A');
    // every message from now on goes to B
    await publish(url, 11, 20);
    await until('m11…m20 at the survivor', async () =>
      range(11, 20).every((m) => b.got.includes(m)) ? true : undefined,
    );
    // A returns as a new session and subscribes again: nothing of before comes back to it
    const a2 = await member(url, 'A', false);
    await publish(url, 21, 24);
    await until('the group served again by both', async () =>
      range(21, 24).every((m) => b.got.includes(m) || a2.got.includes(m)) && a2.got.length > 0
        ? true
        : undefined,
    );
    const lost = range(1, 10).filter((m) => !b.got.includes(m) && !a2.got.includes(m));
    // what A held when it died is gone from the broker: the sender must send it again
    expect(a.got.length).toBeGreaterThan(0);
    for (const m of a.got) expect(lost).toContain(m);
    expect(a2.got.filter((m) => range(1, 20).includes(m))).toEqual([]);
  });

  it('the generated center accounts may take $share deliveries (Mosquitto checks the topic underneath)', async () => {
    dir = tempDir();
    const port = await freePort();
    const stationPw = 'station-password-0123456789';
    const [c1] = centerInstanceAccounts('linli-center', ['c1'], () => 'center-c1-password-0123');
    const files = centerMosquittoFiles([{ site: 'st1', hash: mosquittoHash(stationPw) }], [c1!]);
    writeFileSync(join(dir, 'passwd'), files.passwordFile, { mode: 0o600 });
    writeFileSync(join(dir, 'acl'), files.aclFile, { mode: 0o600 });
    mosq = await startMosquitto(
      dir,
      mosquittoConf({
        passwordPath: join(dir, 'passwd'),
        aclPath: join(dir, 'acl'),
        persistenceDir: dir,
        listener: { port, host: '127.0.0.1' },
        queue: { eventsPerS: 10, outageS: 60 },
      }),
    );
    const url = `mqtt://127.0.0.1:${port}`;
    const center = await mqtt.connectAsync(url, {
      clientId: 'linli-center-c1',
      username: c1!.username,
      password: c1!.password,
      protocolVersion: 5,
      reconnectPeriod: 0,
    });
    clients.push(center);
    const got: string[] = [];
    center.on('message', (topic) => got.push(topic));
    await center.subscribeAsync('$share/centers/linli/v1/center/+/alert', { qos: 1 });
    const station = await mqtt.connectAsync(url, {
      clientId: 'st1',
      username: 'st1',
      password: stationPw,
      reconnectPeriod: 0,
    });
    clients.push(station);
    await station.publishAsync('linli/v1/center/st1/alert', '{}', { qos: 1 });
    await until('the station’s message at the center through the group', async () =>
      got.includes('linli/v1/center/st1/alert') ? true : undefined,
    );
  });
});
