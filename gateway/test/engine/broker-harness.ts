// A gateway with the embedded broker on ephemeral ports and real MQTT.js clients, for the
// broker tests. One harness per test file; cleanup() after each test.
import { rmSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { type RunningGateway, startGateway } from '../../src/gateway.ts';
import { type Logger, silentLogger } from '../../src/ingest/refusals.ts';
import { MemoryDirectory, tempDir } from './helpers.ts';

export class BrokerHarness {
  gw: RunningGateway | undefined;
  dir: string | undefined;
  readonly clients: MqttClient[] = [];
  /** Logger of the next start() */
  log: Logger = silentLogger;

  async start(
    directory = new MemoryDirectory(),
    extra: Record<string, unknown> = {},
  ): Promise<RunningGateway> {
    this.dir ??= tempDir();
    const { mqtt: mqttExtra, ...rest } = extra as { mqtt?: Record<string, unknown> };
    this.gw = await startGateway({
      config: {
        dataDir: this.dir,
        mqtt: {
          port: 0,
          wsPort: 0,
          host: '127.0.0.1',
          rateLimitPerS: 50,
          rateBurst: 100,
          zigbeeBridges: [{ username: 'z2m', password: 'bridge-pass' }],
          ...mqttExtra,
        },
        http: { port: -1 },
        ...rest,
      },
      env: {},
      directory,
      log: this.log,
      noHttp: true,
    });
    return this.gw;
  }

  /** Connect as device `dev` (its own client id and secret unless opts say otherwise). */
  connect(dev: string, opts: IClientOptions = {}, proto = 'mqtt'): Promise<MqttClient> {
    const port = proto === 'ws' ? this.gw!.ports.ws : this.gw!.ports.mqtt;
    const c = mqtt.connect(`${proto}://127.0.0.1:${port}`, {
      clientId: `linli-site1-${dev}`,
      username: dev,
      password: `secret-${dev}`,
      clean: false,
      reconnectPeriod: 0,
      connectTimeout: 5000,
      ...opts,
    });
    this.clients.push(c);
    return new Promise((resolve, reject) => {
      c.once('connect', () => resolve(c));
      c.once('error', reject);
      c.once('close', () => reject(new Error('connection closed before CONNACK')));
    });
  }

  rows(sql: string): unknown[] {
    return this.gw!.engine.db.prepare(sql).all();
  }

  async stopGateway(): Promise<void> {
    await this.gw?.stop();
    this.gw = undefined;
  }

  async cleanup(): Promise<void> {
    await Promise.all(this.clients.splice(0).map((c) => c.endAsync(true).catch(() => {})));
    await this.stopGateway();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}

/** The next message on `topic`, parsed as JSON. */
export function nextMessage(c: MqttClient, topic: string): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const on = (t: string, m: Buffer) => {
      if (t !== topic) return;
      c.off('message', on);
      resolve(JSON.parse(m.toString()) as Record<string, unknown>);
    };
    c.on('message', on);
  });
}

function mqttString(s: string): Buffer {
  const b = Buffer.from(s);
  return Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]);
}

/** An MQTT 3.1.1 CONNECT packet with username and password. */
export function connectPacket(clientId: string, username: string, password: string): Buffer {
  const vh = Buffer.from([0, 4, 0x4d, 0x51, 0x54, 0x54, 4, 0xc2, 0, 60]); // MQTT v4, user+pass+clean
  const body = Buffer.concat([vh, mqttString(clientId), mqttString(username), mqttString(password)]);
  const len: number[] = [];
  let n = body.length;
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    len.push(byte);
  } while (n > 0);
  return Buffer.concat([Buffer.from([0x10, ...len]), body]);
}

/** Send raw bytes on a new TCP connection (from `localAddress`); resolves with the CONNACK
 *  return code, or 'closed' when the broker closed the connection without one. */
export function rawConnect(
  port: number,
  bytes: Buffer,
  localAddress = '127.0.0.1',
): Promise<number | 'closed'> {
  return new Promise((resolve) => {
    const s = tcpConnect({ port, host: '127.0.0.1', localAddress });
    let got = Buffer.alloc(0);
    s.on('error', () => {});
    s.on('data', (d: Buffer) => {
      got = Buffer.concat([got, d]);
      if (got.length >= 4 && got[0] === 0x20) {
        resolve(got[3]!);
        s.destroy();
      }
    });
    s.on('close', () => resolve('closed'));
    s.on('connect', () => s.write(bytes));
  });
}
