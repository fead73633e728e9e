// External broker (mqtt://, mqtts://, e.g. Mosquitto): the gateway is an MQTT.js client with a
// persistent session (clean: false) and manual acknowledgements (broker/client-session.ts): the
// PUBACK of an incoming QoS 1 message is sent only once the gateway has committed it, so the
// broker keeps a device event queued for the gateway until then.
// (MQTT.js's `customHandleAcks` option is honoured for MQTT 5 only; handleMessage works for both.)
// Device authentication and ACL are the broker's job there (see docs/gateway.md).
import type { IClientOptions, MqttClient } from 'mqtt';
import type { QueuedCommand } from '../alerts/feedback.ts';
import type { Ingest } from '../ingest/pipeline.ts';
import { topics } from '../ingest/protocol.ts';
import type { Logger } from '../ingest/refusals.ts';
import { openClientSession, publishOn } from './client-session.ts';
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
    // Losing the session. MQTT 5 brokers may say so (DISCONNECT 0x8E); Mosquitto 2.0.11 just
    // closes the socket. So: a reconnect without the session (sessionPresent false) lost what
    // was queued; a close with no error before it, followed by a reconnect that succeeds at
    // once, is what a takeover by another client looks like (or a broker restart faster than
    // the reconnect period). Each is counted, logged and raises a technical alert.
    let connects = 0;
    let sawError = false;
    let closedQuietly = false;
    let takenOver = false;
    const { client, ready } = openClientSession({
      url: o.url,
      account: {
        clientId: o.clientId ?? `linli-gateway-${site}`,
        username: o.username,
        password: o.password,
        mqttOptions: o.mqttOptions,
      },
      extra: {
        will: {
          topic: topics.gatewayStatus(site),
          payload: Buffer.from(JSON.stringify({ online: false, version: '0.1.0' })),
          qos: 1,
          retain: true,
        },
      },
      name: 'external broker',
      log: o.log,
      link: o.link,
      handle: async (topic, payload) => {
        const v = await o.ingest.handle({ kind: 'trusted' }, topic, payload);
        if (v.ok || !v.disconnect) return undefined;
        sawError = true; // our own reconnect: not a session taken over
        return new Error(`${v.reason}: ${v.detail}`);
      },
      onLost: () => {
        closedQuietly = !sawError;
      },
    });
    this.client = client;
    client.on('error', () => {
      sawError = true;
    });
    client.on('connect', (connack) => {
      connects++;
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
    await ready;
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

  publish(topic: string, payload: string | Buffer, opts: { qos: 0 | 1; retain?: boolean }): Promise<void> {
    return publishOn(this.client, 'external broker', topic, payload, opts);
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
