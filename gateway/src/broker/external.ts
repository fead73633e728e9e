// External broker (mqtt://, mqtts://, e.g. Mosquitto): the gateway is an MQTT.js client with a
// persistent session (clean: false) and manual acknowledgements: MQTT.js sends the PUBACK of
// an incoming QoS 1 message only once `handleMessage(packet, callback)` has called back, so the
// broker keeps a device event queued for the gateway until the gateway has committed it.
// (MQTT.js's `customHandleAcks` option is honoured for MQTT 5 only; handleMessage works for both.)
// Device authentication and ACL are the broker's job there (see docs/gateway.md).
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { QueuedCommand } from '../alerts/feedback.ts';
import type { Ingest } from '../ingest/pipeline.ts';
import { topics } from '../ingest/protocol.ts';
import type { Logger } from '../ingest/refusals.ts';
import { ThrottledLog } from '../log-throttle.ts';
import { persistentSessionOptions } from './client-options.ts';
import type { BrokerLink } from './link.ts';
import type { Transport } from './transport.ts';

/** MQTT 5 DISCONNECT reason: another client connected with this client id. */
const SESSION_TAKEN_OVER = 0x8e;

export interface ExternalBrokerOptions {
  url: string;
  site: string;
  username?: string;
  password?: string;
  clientId?: string;
  ingest: Ingest;
  log: Logger;
  /** Extra MQTT.js options (TLS certificates for mqtts://). */
  mqttOptions?: IClientOptions;
  onCommandSubscribe?: (deviceId: string) => void;
  /** Supervision of the link and of the gateway's session (health, metric, technical alerts). */
  link?: BrokerLink;
}

export class ExternalBroker implements Transport {
  readonly mode = 'external' as const;
  client: MqttClient | undefined;

  constructor(private readonly o: ExternalBrokerOptions) {}

  async start(): Promise<void> {
    const { o } = this;
    const site = o.site;
    const opts = persistentSessionOptions(
      {
        clientId: o.clientId ?? `linli-gateway-${site}`,
        username: o.username,
        password: o.password,
        mqttOptions: o.mqttOptions,
      },
      {
        will: {
          topic: topics.gatewayStatus(site),
          payload: Buffer.from(JSON.stringify({ online: false, version: '0.1.0' })),
          qos: 1,
          retain: true,
        },
      },
    );
    const client = mqtt.connect(o.url, opts);
    this.client = client;
    const quietLog = new ThrottledLog(o.log, 10);
    client.on('error', (err) => quietLog.warn('error', { err }, 'external broker error'));
    // Losing the session. MQTT 5 brokers may say so (DISCONNECT 0x8E); Mosquitto 2.0.11 just
    // closes the socket. So: a reconnect without the session (sessionPresent false) lost what
    // was queued; a close with no error before it, followed by a reconnect that succeeds at
    // once, is what a takeover by another client looks like (or a broker restart faster than
    // the reconnect period). Each is counted, logged and raises a technical alert.
    let connects = 0;
    let up = false;
    let sawError = false;
    let closedQuietly = false;
    let takenOver = false;
    client.on('error', () => {
      sawError = true;
    });
    client.on('connect', (connack) => {
      connects++;
      up = true;
      o.link?.connected();
      if (connects > 1 && !connack.sessionPresent)
        o.link?.sessionLost('not-present', 'the broker had no session for the gateway on reconnect');
      else if (connects > 1 && closedQuietly && !sawError && !takenOver)
        o.link?.sessionLost(
          'closed-by-broker',
          'the broker closed the connection and took the gateway back at once: another client may have used its client id',
        );
      sawError = false;
      closedQuietly = false;
      takenOver = false;
    });
    client.on('disconnect', (packet) => {
      if (packet.reasonCode !== SESSION_TAKEN_OVER) return;
      takenOver = true;
      o.link?.sessionLost('taken-over', 'another client connected with the gateway client id');
    });
    client.on('close', () => {
      if (!up) return; // a failed reconnect attempt
      up = false;
      closedQuietly = !sawError;
      o.link?.lost('connection closed');
    });
    client.handleMessage = (packet, callback) => {
      if (packet.cmd !== 'publish') return callback();
      const topic = packet.topic.toString();
      const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
      o.ingest.handle({ kind: 'trusted' }, topic, payload).then((v) => {
        if (v.ok || !v.disconnect) return callback();
        // not stored: withhold the PUBACK and reconnect, so that the broker delivers it again
        callback(new Error(`${v.reason}: ${v.detail}`));
        sawError = true; // our own reconnect: not a session taken over
        setTimeout(() => this.client?.reconnect(), 1000).unref();
      });
    };
    await new Promise<void>((resolve, reject) => {
      const onErr = (err: Error) => reject(err);
      client.once('connect', () => {
        client.off('error', onErr);
        resolve();
      });
      client.once('error', onErr);
    });
    const subs: Record<string, { qos: 0 | 1 }> = {
      [`linli/v1/${site}/dev/+/evt`]: { qos: 1 },
      [`linli/v1/${site}/dev/+/hb`]: { qos: 0 },
      [`linli/v1/${site}/dev/+/status`]: { qos: 1 },
      'zigbee2mqtt/#': { qos: 1 },
    };
    await client.subscribeAsync(subs);
    await client.publishAsync(
      topics.gatewayStatus(site),
      JSON.stringify({ online: true, version: '0.1.0' }),
      {
        qos: 1,
        retain: true,
      },
    );
  }

  sendCommand(cmd: QueuedCommand, onDelivered: () => void): void {
    this.client?.publish(cmd.topic, cmd.payload, { qos: 1, retain: false }, (err) => {
      if (!err) onDelivered();
      else this.o.log.warn({ topic: cmd.topic, err }, 'command publish failed');
    });
  }

  async publish(
    topic: string,
    payload: string | Buffer,
    opts: { qos: 0 | 1; retain?: boolean },
  ): Promise<void> {
    if (!this.client) throw new Error('external broker not started');
    await this.client.publishAsync(topic, payload, { qos: opts.qos, retain: opts.retain ?? false });
  }

  async stop(): Promise<void> {
    const c = this.client;
    if (!c) return;
    try {
      await c.publishAsync(
        topics.gatewayStatus(this.o.site),
        JSON.stringify({ online: false, version: '0.1.0' }),
        {
          qos: 1,
          retain: true,
        },
      );
    } catch {
      // broker gone: the LWT says it
    }
    await c.endAsync();
  }
}
