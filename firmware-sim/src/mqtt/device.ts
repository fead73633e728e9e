// One simulated MQTT device (emergency button, door contact, access reader): its own client and
// credentials, LWT status, heartbeats with a draining battery, QoS 1 events retried until PUBACK,
// reactions to cmd messages, and fault injection.

import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import {
  type DeviceCommand,
  DeviceCommandSchema,
  type DeviceEvent,
  type EventType,
  type Heartbeat,
  parsePayload,
  topics,
} from '@linli/shared';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { SimError } from '../errors.ts';
import { type Logger, silentLogger } from '../log.ts';

export type SimDeviceKind = 'pendant' | 'wall-button' | 'door-contact' | 'access-reader';

export interface DeviceOptions {
  /** Broker URL, e.g. mqtt://127.0.0.1:1883 */
  url: string;
  site: string;
  id: string;
  secret: string;
  kind?: SimDeviceKind;
  /** Heartbeat interval in seconds (0 = no heartbeats). Default 60 for buttons, 300 for door devices. */
  heartbeatIntervalS?: number;
  /** Starting battery in percent (default 100). */
  battery?: number;
  /** Percent drained per heartbeat (default 0.01). A 'battery.low' event is sent once at ≤ lowBattery. */
  batteryDrain?: number;
  lowBattery?: number;
  /** First seq number (default 1); increases by one per event. */
  seqStart?: number;
  /** Added to every `ts` (clock skew fault). */
  clockSkewMs?: number;
  fw?: string;
  /** MQTT protocol version (default 4 = 3.1.1). */
  protocolVersion?: 4 | 5;
  /** Reconnect delay in ms (default 1000). */
  reconnectPeriod?: number;
  keepalive?: number;
  connectTimeoutMs?: number;
  /** Resolve start() only once connected (default true). */
  waitConnected?: boolean;
  log?: Logger;
}

export interface EventResult {
  event: DeviceEvent;
  /** ms from publish to PUBACK. */
  latencyMs: number;
}

export type DeviceFault =
  | 'duplicate' // publish the last event again, same id and seq
  | 'out-of-order' // a new event whose seq is lower than the last one
  | 'clock-skew' // arg: ms added to ts from now on
  | 'malformed' // a payload that is not JSON
  | 'oversize' // a JSON payload bigger than MAX_PAYLOAD_BYTES (4096)
  | 'foreign-topic' // arg: another device id; publishes a valid event on its evt topic
  | 'drop'; // drop the TCP connection without DISCONNECT; the client reconnects

export interface FaultResult {
  fault: DeviceFault;
  topic?: string;
  /** True when the broker answered PUBACK. */
  acked: boolean;
  error?: string;
}

export interface ReceivedCommand {
  topic: string;
  at: number;
  command?: DeviceCommand;
  /** Set when the payload was not a valid command. */
  invalid?: string[];
  /** What the device "did": LED / voice feedback. */
  feedback: string;
}

/** How the device shows a command to the person holding it (an LED colour or a voice prompt). */
export function feedbackFor(type: string): string {
  switch (type) {
    case 'alert.received':
      return 'LED green blinking + voice: 呼叫已收到 (call received)';
    case 'alert.acknowledged':
      return 'LED green steady + voice: 工作人员正在赶来 (help is coming)';
    case 'alert.resolved':
      return 'LED off (alert resolved)';
    case 'test.request':
      return 'beep (test requested: sending a test event)';
    default:
      return `ignored (unknown command ${type})`;
  }
}

interface DeviceEvents {
  command: [ReceivedCommand];
  /** Connected and subscribed to its cmd topic. */
  connect: [];
  offline: [];
  event: [EventResult];
  error: [Error];
}

export class SimDevice extends EventEmitter<DeviceEvents> {
  readonly id: string;
  readonly site: string;
  readonly kind: SimDeviceKind;
  readonly commands: ReceivedCommand[] = [];
  /** Events sent and acknowledged, in order of PUBACK. */
  readonly acked: EventResult[] = [];
  battery: number;
  seq: number;
  clockSkewMs: number;
  sent = 0;
  heartbeats = 0;
  connects = 0;
  private client: MqttClient | undefined;
  private hbTimer: NodeJS.Timeout | undefined;
  private readonly bootId = randomBytes(4).toString('hex');
  private lastEvent: DeviceEvent | undefined;
  private lowSent = false;
  private stopped = false;
  private readonly log: Logger;

  constructor(private readonly opts: DeviceOptions) {
    super();
    this.id = opts.id;
    this.site = opts.site;
    this.kind = opts.kind ?? 'pendant';
    this.battery = opts.battery ?? 100;
    this.seq = (opts.seqStart ?? 1) - 1;
    this.clockSkewMs = opts.clockSkewMs ?? 0;
    this.log = opts.log ?? silentLogger;
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  get topics(): { evt: string; hb: string; status: string; cmd: string } {
    return {
      evt: topics.evt(this.site, this.id),
      hb: topics.hb(this.site, this.id),
      status: topics.status(this.site, this.id),
      cmd: topics.cmd(this.site, this.id),
    };
  }

  /** Connect (clean:false, LWT retained {online:false}); resolves once connected unless waitConnected is false. */
  async start(): Promise<void> {
    // a second client with the same clientId would take the session over, and the two would
    // keep kicking each other off: starting a running device does nothing
    if (this.client && !this.stopped) return;
    this.stopped = false;
    const t = this.topics;
    const options: IClientOptions = {
      username: this.id,
      password: this.opts.secret,
      clientId: `linli-${this.site}-${this.id}`,
      clean: false,
      protocolVersion: this.opts.protocolVersion ?? 4,
      reconnectPeriod: this.opts.reconnectPeriod ?? 1000,
      connectTimeout: this.opts.connectTimeoutMs ?? 10_000,
      keepalive: this.opts.keepalive ?? 60,
      will: {
        topic: t.status,
        payload: Buffer.from(JSON.stringify({ online: false })),
        qos: 1,
        retain: true,
      },
    };
    const client = connect(this.opts.url, options);
    this.client = client;
    client.on('connect', () => {
      this.connects++;
      this.log.info({ device: this.id, url: this.opts.url }, 'connected');
      client.publish(t.status, JSON.stringify({ online: true }), { qos: 1, retain: true });
      // ready once the cmd subscription is acknowledged (a command sent earlier would be lost)
      client.subscribe(t.cmd, { qos: 1 }, () => {
        this.heartbeat();
        this.emit('connect');
      });
    });
    client.on('offline', () => this.emit('offline'));
    client.on('error', (err) => {
      this.log.warn({ device: this.id, err }, 'mqtt error');
      if (this.listenerCount('error') > 0) this.emit('error', err);
    });
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    const hbS = this.opts.heartbeatIntervalS ?? (this.kind.startsWith('door') ? 300 : 60);
    if (hbS > 0) {
      this.hbTimer = setInterval(() => this.heartbeat(), hbS * 1000);
      this.hbTimer.unref();
    }
    if (this.opts.waitConnected === false) return;
    const timeoutMs = this.opts.connectTimeoutMs ?? 10_000;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new SimError('SIM_MQTT', `${this.id}: not connected to ${this.opts.url} within ${timeoutMs} ms`),
        );
      }, timeoutMs);
      const onConnect = (): void => {
        cleanup();
        resolve();
      };
      const onError = (err: Error): void => {
        // a refused CONNACK (bad credentials) ends the attempt
        if ((err as { code?: number }).code !== undefined) {
          cleanup();
          reject(new SimError('SIM_MQTT', `${this.id}: connection refused: ${err.message}`, { cause: err }));
        }
      };
      const cleanup = (): void => {
        clearTimeout(timer);
        this.off('connect', onConnect);
        client.off('error', onError);
      };
      this.on('connect', onConnect);
      client.on('error', onError);
    });
  }

  /** Publish a heartbeat (QoS 0); drains the battery and sends battery.low once. */
  heartbeat(): void {
    const client = this.client;
    if (!client?.connected) return;
    this.battery = Math.max(0, this.battery - (this.opts.batteryDrain ?? 0.01));
    const hb: Heartbeat = {
      ts: Date.now() + this.clockSkewMs,
      battery: Math.round(this.battery),
      rssi: -40 - Math.floor(Math.random() * 40),
      fw: this.opts.fw ?? 'sim-1.0.0',
    };
    client.publish(this.topics.hb, JSON.stringify(hb), { qos: 0 });
    this.heartbeats++;
    if (!this.lowSent && this.battery <= (this.opts.lowBattery ?? 20)) {
      this.lowSent = true;
      this.publishEvent('battery.low', { battery: Math.round(this.battery) }).catch(() => {});
    }
  }

  /** Build the next event (new id, next seq). */
  nextEvent(
    type: EventType,
    extra: Partial<Pick<DeviceEvent, 'card' | 'battery' | 'note'>> = {},
  ): DeviceEvent {
    this.seq++;
    return {
      id: `${this.bootId}-${this.seq}`, // unique per device: boot id + seq
      seq: this.seq,
      ts: Date.now() + this.clockSkewMs,
      type,
      ...extra,
    };
  }

  /** Publish an event QoS 1; resolves on PUBACK (mqtt.js keeps it and resends it after a reconnect). */
  publishEvent(
    type: EventType,
    extra: Partial<Pick<DeviceEvent, 'card' | 'battery' | 'note'>> = {},
  ): Promise<EventResult> {
    return this.sendEvent(this.nextEvent(type, extra));
  }

  /** Publish a prepared event as is (used by scenarios and faults). */
  sendEvent(event: DeviceEvent, topic = this.topics.evt): Promise<EventResult> {
    const client = this.client;
    if (!client || this.stopped) return Promise.reject(new SimError('SIM_MQTT', `${this.id} is not started`));
    this.lastEvent = event;
    this.sent++;
    const started = performance.now();
    this.log.info({ device: this.id, seq: event.seq, type: event.type }, 'event sent');
    return new Promise((resolve, reject) => {
      client.publish(topic, JSON.stringify(event), { qos: 1 }, (err) => {
        if (err) {
          reject(
            new SimError('SIM_MQTT', `${this.id}: ${event.type} not acknowledged: ${err.message}`, {
              cause: err,
            }),
          );
          return;
        }
        const result = { event, latencyMs: performance.now() - started };
        this.acked.push(result);
        this.emit('event', result);
        resolve(result);
      });
    });
  }

  press(): Promise<EventResult> {
    return this.publishEvent('sos');
  }
  doublePress(): Promise<EventResult> {
    return this.publishEvent('sos.cancel');
  }
  fall(): Promise<EventResult> {
    return this.publishEvent('fall');
  }
  test(): Promise<EventResult> {
    return this.publishEvent('test');
  }
  openDoor(): Promise<EventResult> {
    return this.publishEvent('door.open');
  }
  closeDoor(): Promise<EventResult> {
    return this.publishEvent('door.close');
  }
  forceDoor(): Promise<EventResult> {
    return this.publishEvent('door.forced');
  }
  holdDoor(): Promise<EventResult> {
    return this.publishEvent('door.held');
  }
  tamper(): Promise<EventResult> {
    return this.publishEvent('tamper');
  }
  restoreTamper(): Promise<EventResult> {
    return this.publishEvent('tamper.restore');
  }
  access(card: string, granted: boolean): Promise<EventResult> {
    return this.publishEvent(granted ? 'access.granted' : 'access.denied', { card });
  }

  /** Inject a fault; resolves with whether the broker acknowledged it (never rejects). */
  async inject(fault: DeviceFault, arg?: string | number, timeoutMs = 3000): Promise<FaultResult> {
    const client = this.client;
    if (!client) return { fault, acked: false, error: 'not started' };
    // A refused fault publish must not be resent after every reconnect (a broker with an ACL
    // closes a 3.1.1 connection on it): on close or time-out it leaves mqtt.js's outgoing store.
    const raw = (topic: string, payload: string | Buffer): Promise<FaultResult> =>
      new Promise((resolve) => {
        let done = false;
        let mid: number | undefined;
        const finish = (r: FaultResult): void => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          client.off('close', onClose);
          if (!r.acked && mid !== undefined && client.outgoing[mid]) client.removeOutgoingMessage(mid);
          resolve(r);
        };
        const onClose = (): void =>
          finish({ fault, topic, acked: false, error: 'connection closed by the broker' });
        const timer = setTimeout(
          () => finish({ fault, topic, acked: false, error: 'no PUBACK in time' }),
          timeoutMs,
        );
        const before = new Set(Object.keys(client.outgoing));
        client.publish(topic, payload, { qos: 1 }, (err) => {
          finish(err ? { fault, topic, acked: false, error: err.message } : { fault, topic, acked: true });
        });
        const added = Object.keys(client.outgoing).find((k) => !before.has(k));
        if (added !== undefined) mid = Number(added);
        client.once('close', onClose);
      });
    this.log.warn({ device: this.id, fault, ...(arg === undefined ? {} : { arg }) }, 'fault injected');
    switch (fault) {
      case 'duplicate': {
        const last = this.lastEvent ?? this.nextEvent('test');
        this.lastEvent = last;
        return raw(this.topics.evt, JSON.stringify(last));
      }
      case 'out-of-order': {
        const ev = this.nextEvent('test');
        ev.seq = Math.max(0, ev.seq - 2 - Number(arg ?? 0));
        return raw(this.topics.evt, JSON.stringify(ev));
      }
      case 'clock-skew':
        this.clockSkewMs = Number(arg ?? 3_600_000);
        return { fault, acked: true };
      case 'malformed':
        return raw(this.topics.evt, '{"id": "broken", "seq": ');
      case 'oversize': {
        const ev = this.nextEvent('test', { note: 'x'.repeat(200) });
        return raw(this.topics.evt, JSON.stringify({ ...ev, padding: 'x'.repeat(Number(arg ?? 8192)) }));
      }
      case 'foreign-topic': {
        const other = String(arg ?? 'someone-else');
        return raw(topics.evt(this.site, other), JSON.stringify(this.nextEvent('sos')));
      }
      case 'drop':
        client.stream.destroy();
        return { fault, acked: true };
      default:
        return { fault, acked: false, error: `unknown fault ${String(fault)}` };
    }
  }

  private onMessage(topic: string, payload: Buffer): void {
    if (topic !== this.topics.cmd) return;
    const parsed = parsePayload<DeviceCommand>(DeviceCommandSchema, payload);
    const cmd: ReceivedCommand = parsed.ok
      ? { topic, at: Date.now(), command: parsed.value, feedback: feedbackFor(parsed.value.type) }
      : { topic, at: Date.now(), invalid: parsed.errors, feedback: 'ignored (invalid command)' };
    this.commands.push(cmd);
    const fields = {
      device: this.id,
      command: parsed.ok ? parsed.value.type : 'invalid',
      feedback: cmd.feedback,
    };
    if (parsed.ok) this.log.info(fields, 'command received');
    else this.log.warn(fields, 'invalid command received');
    this.emit('command', cmd);
    if (parsed.ok && parsed.value.type === 'test.request') this.test().catch(() => {});
  }

  /** Wait for the next command (optionally of a type), with a time-out. */
  waitForCommand(type?: string, timeoutMs = 5000): Promise<ReceivedCommand> {
    const have = this.commands.find((c) => type === undefined || c.command?.type === type);
    if (have && type !== undefined) return Promise.resolve(have);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('command', on);
        reject(new SimError('SIM_MQTT', `${this.id}: no ${type ?? 'command'} within ${timeoutMs} ms`));
      }, timeoutMs);
      const on = (c: ReceivedCommand): void => {
        if (type !== undefined && c.command?.type !== type) return;
        clearTimeout(timer);
        this.off('command', on);
        resolve(c);
      };
      this.on('command', on);
    });
  }

  /** Drop the socket without DISCONNECT (the broker publishes the LWT) and stay down. */
  crash(): Promise<void> {
    return this.close(true);
  }

  /** Publish {online:false}, DISCONNECT cleanly, stop timers. */
  async stop(): Promise<void> {
    const client = this.client;
    if (client?.connected && !this.stopped) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 1000);
        client.publish(
          this.topics.status,
          JSON.stringify({ online: false }),
          { qos: 1, retain: true },
          () => {
            clearTimeout(t);
            resolve();
          },
        );
      });
    }
    await this.close(false);
  }

  /** DISCONNECT cleanly without publishing a status (load mode teardown). */
  disconnect(): Promise<void> {
    return this.close(false);
  }

  private close(force: boolean): Promise<void> {
    this.stopped = true;
    if (this.hbTimer) clearInterval(this.hbTimer);
    this.hbTimer = undefined;
    const client = this.client;
    if (!client) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const t = setTimeout(resolve, 2000);
      client.end(force, () => {
        clearTimeout(t);
        resolve();
      });
    });
  }
}

/** Create and connect one device. */
export async function startDevice(opts: DeviceOptions): Promise<SimDevice> {
  const dev = new SimDevice(opts);
  try {
    await dev.start();
  } catch (err) {
    await dev.crash();
    throw err;
  }
  return dev;
}
