// Real brokers for tests: an embedded aedes and Mosquitto from Debian, each on a free port.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Aedes, type AedesPublishPacket, type Client } from 'aedes';

export interface TestBroker {
  name: string;
  url: string;
  stop(): Promise<void>;
}

export interface AedesBroker extends TestBroker {
  aedes: Aedes;
  /** Every publish that reached the broker from a client: topic, payload, clientId. */
  published: { topic: string; payload: Buffer; clientId: string | undefined; retain: boolean; qos: number }[];
}

export async function startAedes(
  opts: {
    authenticate?: (username: string | undefined, password: Buffer | undefined) => boolean;
    /** Refuse a publish (aedes then closes a 3.1.1 connection), like a gateway ACL. */
    authorizePublish?: (clientId: string, topic: string) => boolean;
  } = {},
): Promise<AedesBroker> {
  const aedes = await Aedes.createBroker();
  const published: AedesBroker['published'] = [];
  if (opts.authenticate) {
    const check = opts.authenticate;
    aedes.authenticate = (_client, username, password, done) => {
      if (check(username, password)) done(null, true);
      else {
        const err = Object.assign(new Error('bad credentials'), { returnCode: 4 });
        done(err as never, false);
      }
    };
  }
  if (opts.authorizePublish) {
    const allow = opts.authorizePublish;
    aedes.authorizePublish = (client, packet, done) => {
      done(client && allow(client.id, packet.topic) ? null : new Error('not allowed'));
    };
  }
  aedes.on('publish', (packet: AedesPublishPacket, client: Client | null) => {
    if (!client) return;
    published.push({
      topic: packet.topic,
      payload: Buffer.from(packet.payload as Buffer),
      clientId: client.id,
      retain: packet.retain,
      qos: packet.qos,
    });
  });
  const server: Server = createServer(aedes.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    name: 'aedes',
    url: `mqtt://127.0.0.1:${port}`,
    aedes,
    published,
    async stop() {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

export const MOSQUITTO = '/usr/sbin/mosquitto';

/** Spawn Mosquitto with a temporary config (anonymous, no persistence) on a free port. */
export async function startMosquitto(): Promise<TestBroker> {
  const dir = mkdtempSync(join(tmpdir(), 'linli-mosquitto-'));
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nlog_dest stderr\nlog_type all\n`,
  );
  const child: ChildProcess = spawn(MOSQUITTO, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`mosquitto did not start: ${log}`)), 5000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (c: string) => {
      log += c;
      if (/mosquitto version \S+ running/.test(log)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  child.stderr!.resume();
  return {
    name: 'mosquitto',
    url: `mqtt://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode === null) {
        await new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
