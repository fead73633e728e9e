// The MQTT.js options of the gateway's own connections to an external broker (the station's
// ingest session, the center's): MQTT 5, so the broker says why it disconnects us (session taken
// over); a persistent session that never expires, so events stay queued however long we are
// away; quick reconnects. `extra` adds what one of them needs (a will), `mqttOptions` (TLS files
// for mqtts://) comes from configuration and wins.
import type { IClientOptions } from 'mqtt';

export interface BrokerAccount {
  clientId: string;
  username?: string | undefined;
  password?: string | undefined;
  mqttOptions?: IClientOptions | undefined;
}

export function persistentSessionOptions(account: BrokerAccount, extra: IClientOptions = {}): IClientOptions {
  const opts: IClientOptions = {
    clientId: account.clientId,
    protocolVersion: 5,
    properties: { sessionExpiryInterval: 0xffffffff },
    clean: false,
    reconnectPeriod: 1000,
    connectTimeout: 10_000,
    ...extra,
    ...account.mqttOptions,
  };
  if (account.username !== undefined) opts.username = account.username;
  if (account.password !== undefined) opts.password = account.password;
  return opts;
}
