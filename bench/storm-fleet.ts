// Light MQTT device clients for the reconnect-storm benchmark: one raw socket each (no library
// per connection, so 10,000 of them fit next to the broker on a small machine), doing what a
// pendant does at every (re)connect: CONNECT (MQTT 3.1.1 or 5, clean session off, a retained
// LWT), SUBSCRIBE to its cmd topic (QoS 1), PUBLISH its retained status (QoS 1). A device
// whose connection drops retries after 200–500 ms, for ever, like firmware does.
import { connect as netConnect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { packet, str } from './mqtt-bytes.ts';

const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
/** MQTT 5 property block: empty */
const NO_PROPS = Buffer.from([0]);

export interface StormDeviceSpec {
  site: string;
  id: string;
  username?: string;
  password?: string;
  version: 4 | 5;
}

function connectPacket(d: StormDeviceSpec): Buffer {
  const v5 = d.version === 5;
  // flags: user, password, will retain, will QoS 1, will, clean session off
  const flags = (d.username ? 0x80 : 0) | (d.password ? 0x40 : 0) | 0x20 | 0x08 | 0x04;
  const vh = Buffer.concat([str('MQTT'), Buffer.from([d.version, flags, 0, 90]), ...(v5 ? [NO_PROPS] : [])]);
  const parts = [vh, str(`linli-${d.site}-${d.id}`)];
  if (v5) parts.push(NO_PROPS); // will properties
  parts.push(str(`linli/v1/${d.site}/dev/${d.id}/status`), str('{"online":false}'));
  if (d.username) parts.push(str(d.username));
  if (d.password) parts.push(str(d.password));
  return packet(0x10, Buffer.concat(parts));
}

export class StormDevice {
  socket: Socket | undefined;
  connected = false;
  subscribed = false;
  private nextId = 1;
  private buf: Buffer = Buffer.alloc(0);
  private readonly waiting = new Map<number, (ms: number) => void>();
  private readonly sentAt = new Map<number, number>();
  private stopped = false;
  connects = 0;
  /** TCP connections attempted (every retry counts) */
  attempts = 0;

  constructor(
    readonly spec: StormDeviceSpec,
    readonly port: number,
  ) {}

  start(): void {
    if (this.stopped) return;
    const s = netConnect(this.port, '127.0.0.1');
    this.attempts++;
    this.socket = s;
    s.setNoDelay(true);
    s.on('connect', () => s.write(connectPacket(this.spec)));
    s.on('data', (chunk: Buffer) => this.onData(chunk));
    s.on('error', () => {});
    s.on('close', () => {
      this.connected = false;
      this.subscribed = false;
      this.buf = Buffer.alloc(0);
      for (const [, fail] of this.waiting) fail(Number.NaN);
      this.waiting.clear();
      if (!this.stopped) setTimeout(() => this.start(), 200 + Math.random() * 300).unref();
    });
  }

  stop(): void {
    this.stopped = true;
    this.socket?.destroy();
  }

  private topic(kind: string): string {
    return `linli/v1/${this.spec.site}/dev/${this.spec.id}/${kind}`;
  }

  private pid(): number {
    const id = this.nextId;
    this.nextId = (this.nextId % 65_535) + 1;
    return id;
  }

  /** QoS 1 publish; resolves with the PUBACK latency in ms (NaN when the connection dropped). */
  publish(kind: string, payload: string, retain = false): Promise<number> {
    const id = this.pid();
    const v5 = this.spec.version === 5;
    const body = Buffer.concat([
      str(this.topic(kind)),
      u16(id),
      ...(v5 ? [NO_PROPS] : []),
      Buffer.from(payload),
    ]);
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.sentAt.set(id, performance.now());
      this.socket?.write(packet(0x32 | (retain ? 1 : 0), body));
    });
  }

  private onData(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    for (;;) {
      if (this.buf.length < 2) return;
      let len = 0;
      let mul = 1;
      let i = 1;
      for (;;) {
        if (i >= this.buf.length) return;
        const b = this.buf[i++]!;
        len += (b & 0x7f) * mul;
        mul *= 128;
        if ((b & 0x80) === 0) break;
      }
      if (this.buf.length < i + len) return;
      const first = this.buf[0]!;
      const body = this.buf.subarray(i, i + len);
      this.buf = this.buf.subarray(i + len);
      this.onPacket(first, body);
    }
  }

  private onPacket(first: number, body: Buffer): void {
    const type = first >> 4;
    if (type === 2) {
      // CONNACK: [session present, return/reason code]
      if (body[1] !== 0) return void this.socket?.destroy();
      this.connected = true;
      this.connects++;
      const v5 = this.spec.version === 5;
      const sub = Buffer.concat([
        u16(this.pid()),
        ...(v5 ? [NO_PROPS] : []),
        str(this.topic('cmd')),
        Buffer.from([1]),
      ]);
      this.socket?.write(packet(0x82, sub));
      void this.publish('status', '{"online":true}', true);
    } else if (type === 9) {
      this.subscribed = true;
    } else if (type === 4) {
      const id = body.readUInt16BE(0);
      const done = this.waiting.get(id);
      const at = this.sentAt.get(id);
      this.waiting.delete(id);
      this.sentAt.delete(id);
      if (done && at !== undefined) done(performance.now() - at);
    } else if (type === 3 && ((first >> 1) & 3) === 1) {
      // a QoS 1 message (a command): acknowledge it
      const tl = body.readUInt16BE(0);
      this.socket?.write(packet(0x40, body.subarray(2 + tl, 4 + tl)));
    }
  }
}

export interface StormFleet {
  devices: StormDevice[];
  /** Devices connected and subscribed right now. */
  ready(): number;
  stop(): void;
}

/** Start `n` devices at once (the storm); returns at once. */
export function startStormFleet(port: number, n: number, spec: (i: number) => StormDeviceSpec): StormFleet {
  const devices = Array.from({ length: n }, (_, i) => new StormDevice(spec(i), port));
  for (const d of devices) d.start();
  return {
    devices,
    ready: () => devices.reduce((k, d) => k + (d.subscribed ? 1 : 0), 0),
    stop: () => {
      for (const d of devices) d.stop();
    },
  };
}
