// Role center behind an external broker (Mosquitto, files from `center mosquitto-files`): the
// center is an MQTT.js client with a persistent session subscribed to every station's alert
// topic. The broker authenticates the stations and enforces their ACL (a station may publish
// only linli/v1/center/{its site}/alert), so the site is the topic's. A message is PUBACKed only
// once the center has stored it, as with the embedded broker; a store failure withholds the
// PUBACK and reconnects so that the broker delivers it again (broker/client-session.ts).
import type { IClientOptions, MqttClient } from 'mqtt';
import { openClientSession, publishOn } from '../broker/client-session.ts';
import type { StationHooks } from '../broker/embedded.ts';
import type { BrokerLink } from '../broker/link.ts';
import type { Transport } from '../broker/transport.ts';
import type { Logger } from '../ingest/refusals.ts';

const ALERT_TOPIC = /^linli\/v1\/center\/([A-Za-z0-9_-]{1,64})\/alert$/;

export interface CenterBrokerOptions {
  url: string;
  username?: string;
  password?: string;
  clientId?: string;
  mqttOptions?: IClientOptions;
  stations: StationHooks;
  log: Logger;
  /** Connected (again): the center sends its pending action requests down */
  onConnect?: () => void;
  /** Supervision of the link to the broker (health, metric, technical alert) */
  link?: BrokerLink;
}

export class CenterBrokerClient implements Transport {
  readonly mode = 'external' as const;
  client: MqttClient | undefined;

  constructor(private readonly o: CenterBrokerOptions) {}

  async start(): Promise<void> {
    const { o } = this;
    const { client, quietLog, ready } = openClientSession({
      url: o.url,
      account: {
        clientId: o.clientId ?? 'linli-center',
        username: o.username,
        password: o.password,
        mqttOptions: o.mqttOptions,
      },
      name: 'center broker',
      log: o.log,
      link: o.link,
      handle: async (topic, payload) => {
        const site = ALERT_TOPIC.exec(topic)?.[1];
        if (!site) return undefined; // not a station's alert topic: nothing to store
        try {
          await o.stations.receive(site, payload);
          return undefined;
        } catch (err) {
          quietLog.warn('store', { site, err }, 'station message not stored; reconnecting');
          return err as Error;
        }
      },
    });
    this.client = client;
    client.on('connect', () => {
      // subscribed on every connect: a broker that lost the session has no subscription
      client.subscribe('linli/v1/center/+/alert', { qos: 1 }, (err) => {
        if (err) quietLog.warn('subscribe', { err }, 'center broker subscribe failed');
        else o.onConnect?.();
      });
    });
    await ready;
  }

  sendCommand(): void {
    // the center has no devices of its own
  }

  publish(topic: string, payload: string | Buffer, opts: { qos: 0 | 1; retain?: boolean }): Promise<void> {
    return publishOn(this.client, 'center broker', topic, payload, opts);
  }

  async stop(): Promise<void> {
    await this.client?.endAsync().catch(() => {});
  }
}
