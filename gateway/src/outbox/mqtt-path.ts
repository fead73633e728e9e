// Path 1 (docs/center-link.md): an MQTT.js client to the center's broker. Client id
// station-{site}, persistent session, QoS 1, never retained; publishes on
// linli/v1/center/{site}/alert and listens on linli/v1/center/{site}/ack.
import { readFileSync } from 'node:fs';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { topics } from '../ingest/protocol.ts';
import type { Logger } from '../ingest/refusals.ts';

export interface MqttPathOptions {
  url: string;
  site: string;
  username?: string;
  password?: string;
  caFile?: string;
  log: Logger;
  onMessage(payload: Buffer): void;
  onUp(): void;
  onDown(): void;
}

export class MqttPath {
  private client: MqttClient | undefined;
  private subscribed = false;

  constructor(private readonly o: MqttPathOptions) {}

  get connected(): boolean {
    return this.subscribed && this.client?.connected === true;
  }

  start(): void {
    const { o } = this;
    const opts: IClientOptions = {
      clientId: `station-${o.site}`,
      clean: false,
      username: o.username ?? o.site,
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
      resubscribe: false,
    };
    if (o.password !== undefined) opts.password = o.password;
    if (o.caFile) {
      opts.ca = readFileSync(o.caFile);
      opts.rejectUnauthorized = true;
    }
    const c = mqtt.connect(o.url, opts);
    this.client = c;
    c.on('connect', () => {
      c.subscribe(topics.centerAck(o.site), { qos: 1 }, (err, granted) => {
        if (err || !granted?.length || granted[0]!.qos > 2) {
          o.log.warn({ err: err ?? 'not granted' }, 'uplink subscribe refused');
          return;
        }
        this.subscribed = true;
        o.onUp();
      });
    });
    c.on('close', () => {
      const was = this.subscribed;
      this.subscribed = false;
      if (was) o.onDown();
    });
    c.on('error', (err) => o.log.warn({ err }, 'uplink mqtt error'));
    c.on('message', (topic, payload) => {
      if (topic === topics.centerAck(o.site)) o.onMessage(payload);
    });
  }

  publish(body: string): Promise<void> {
    const c = this.client;
    if (!c || !this.connected) return Promise.reject(new Error('mqtt path not connected'));
    return new Promise((resolve, reject) => {
      c.publish(topics.centerAlert(this.o.site), body, { qos: 1, retain: false }, (err) =>
        err ? reject(err) : resolve(),
      );
    });
  }

  async stop(): Promise<void> {
    await this.client?.endAsync(true).catch(() => {});
  }
}
