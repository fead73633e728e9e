// The gateway's own MQTT.js connection to an external broker, for both of its uses (the station's
// ingest session, broker/external.ts; the center's, center/external-broker.ts): a persistent
// session (client-options.ts), errors logged throttled, the link supervised (connected / lost),
// and a PUBACK only once `handle` has stored the message. MQTT.js sends the PUBACK of an
// incoming QoS 1 message when `handleMessage(packet, callback)` calls back; when `handle` answers
// an error the PUBACK is withheld and the client reconnects a second later, so that the broker
// delivers the message again. What differs between the two (subscriptions, will, session-loss
// detection) stays with the caller, which adds its own listeners before awaiting `ready`.
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from '../ingest/refusals.ts';
import { ThrottledLog } from '../log-throttle.ts';
import { type BrokerAccount, persistentSessionOptions } from './client-options.ts';
import type { BrokerLink } from './link.ts';

export interface ClientSessionOptions {
  url: string;
  account: BrokerAccount;
  /** Extra options (a will) under the account's mqttOptions. */
  extra?: IClientOptions;
  /** Names the connection in log lines ("external broker", "center broker"). */
  name: string;
  log: Logger;
  link?: BrokerLink | undefined;
  /** Stores an incoming publish: undefined to PUBACK it, an error to withhold the PUBACK. */
  handle(topic: string, payload: Buffer): Promise<Error | undefined>;
  /** The connection closed while it was up (before the link hears it). */
  onLost?: () => void;
}

export interface ClientSession {
  client: MqttClient;
  /** Throttled log lines of this connection (10 a minute per key). */
  quietLog: ThrottledLog;
  /** Settles at the first connect (or its error). */
  ready: Promise<void>;
}

export function openClientSession(o: ClientSessionOptions): ClientSession {
  const client = mqtt.connect(o.url, persistentSessionOptions(o.account, o.extra));
  const quietLog = new ThrottledLog(o.log, 10);
  client.on('error', (err) => quietLog.warn('error', { err }, `${o.name} error`));
  let up = false;
  client.on('connect', () => {
    up = true;
    o.link?.connected();
  });
  client.on('close', () => {
    if (!up) return; // a failed reconnect attempt
    up = false;
    o.onLost?.();
    o.link?.lost('connection closed');
  });
  client.handleMessage = (packet, callback) => {
    if (packet.cmd !== 'publish') return callback();
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    o.handle(packet.topic.toString(), payload).then((err) => {
      if (!err) return callback();
      // not stored: withhold the PUBACK and reconnect, so that the broker delivers it again
      callback(err);
      setTimeout(() => client.reconnect(), 1000).unref();
    });
  };
  const ready = new Promise<void>((resolve, reject) => {
    const onErr = (err: Error) => reject(err);
    // stopped (client.end) before the first CONNACK: say so instead of never settling
    const onEnd = () => reject(new Error(`${o.name}: stopped before it connected`));
    client.once('connect', () => {
      client.off('error', onErr);
      client.off('end', onEnd);
      resolve();
    });
    client.once('error', onErr);
    client.once('end', onEnd);
  });
  return { client, quietLog, ready };
}

/** Publishes on a started session's client (the Transport's publish of both users). */
export async function publishOn(
  client: MqttClient | undefined,
  name: string,
  topic: string,
  payload: string | Buffer,
  opts: { qos: 0 | 1; retain?: boolean },
): Promise<void> {
  if (!client) throw new Error(`${name} not started`);
  await client.publishAsync(topic, payload, { qos: opts.qos, retain: opts.retain ?? false });
}
