// Role center behind an external broker (Mosquitto, files from `center mosquitto-files`): the
// center is an MQTT.js client with a persistent session subscribed to every station's alert
// topic. The broker authenticates the stations and enforces their ACL (a station may publish
// only linli/v1/center/{its site}/alert), so the site is the topic's. A message is PUBACKed only
// once the center has stored it, as with the embedded broker; a store failure withholds the
// PUBACK and reconnects so that the broker delivers it again (broker/client-session.ts).
//
// Several instances (center.shareGroup, docs/center-cluster.md): each subscribes
// $share/<group>/linli/v1/center/+/alert with its own client id (center.instanceId), so the broker
// gives each message to one of them. Their sessions are clean (session expiry 0): Mosquitto 2.0
// keeps handing a persistent member's share of the messages to its session while it is offline,
// where they would wait for its return (measured, test/e2e/mosquitto-shared-sub.test.ts). A
// member's messages in flight when it dies are dropped with its session; the station's outbox
// sends them again until one instance answers `stored`, and the shared database stores each
// (site, alertId, rev) once.
import type { IClientOptions, MqttClient } from 'mqtt';
import { openClientSession, publishOn } from '../broker/client-session.ts';
import type { StationHooks } from '../broker/embedded.ts';
import type { BrokerLink } from '../broker/link.ts';
import type { Transport } from '../broker/transport.ts';
import type { Logger } from '../ingest/refusals.ts';

const ALERT_TOPIC = /^linli\/v1\/center\/([A-Za-z0-9_-]{1,64})\/alert$/;
const ALERT_FILTER = 'linli/v1/center/+/alert';

/** The center's subscription: every station's alert topic, shared by the group's instances. */
export function centerAlertFilter(shareGroup?: string): string {
  return shareGroup ? `$share/${shareGroup}/${ALERT_FILTER}` : ALERT_FILTER;
}

/** The center's MQTT client id: one per instance. */
export function centerClientId(instanceId?: string): string {
  return instanceId ? `linli-center-${instanceId}` : 'linli-center';
}

export interface CenterBrokerOptions {
  url: string;
  username?: string;
  password?: string;
  /** center.instanceId: the client id's suffix */
  instanceId?: string;
  /** center.shareGroup: subscribe through this shared-subscription group, clean session */
  shareGroup?: string;
  /** center.keepAliveS: the broker drops this instance after 1.5 × this of silence */
  keepAliveS?: number;
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
    const clientId = centerClientId(o.instanceId);
    const filter = centerAlertFilter(o.shareGroup);
    const { client, quietLog, ready } = openClientSession({
      url: o.url,
      account: { clientId, username: o.username, password: o.password, mqttOptions: o.mqttOptions },
      // a group member's session ends with its connection (see the header)
      extra: {
        ...(o.keepAliveS !== undefined ? { keepalive: o.keepAliveS } : {}),
        ...(o.shareGroup ? { clean: true, properties: { sessionExpiryInterval: 0 } } : {}),
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
    client.on('disconnect', (packet) => {
      // 0x8E: another client connected with our client id (two instances on one id or account)
      if (packet.reasonCode === 0x8e)
        quietLog.warn(
          'taken-over',
          { clientId },
          'the broker gave our session to another client with the same client id: give each center instance its own center.instanceId and broker account (center mosquitto-files --instances)',
        );
    });
    client.on('connect', () => {
      // subscribed on every connect: a broker that lost the session has no subscription
      client.subscribe(filter, { qos: 1 }, (err) => {
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
