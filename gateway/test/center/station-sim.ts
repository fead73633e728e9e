// A test-side station that follows docs/center-link.md by hand (not the station's outbox code):
// a raw mqtt.js client with the station's credentials, and signed webhook posts.
import mqtt, { type MqttClient } from 'mqtt';
import { centerTopics, webhookHeaders } from '../../src/center/protocol.ts';
import type { AlertHistoryEntry, AlertRecord } from '../../src/types.ts';

// biome-ignore lint/suspicious/noExplicitAny: JSON messages, checked by the assertions
export type Json = Record<string, any>;

export interface Revision {
  alertId: string;
  rev: number;
  state?: AlertRecord['state'];
  action?: AlertHistoryEntry['action'];
  by?: string;
}

/** One alert revision message as a station sends it. */
export function alertMessage(site: string, r: Revision, at = Date.now()): Json {
  const state = r.state ?? (r.rev === 1 ? 'raised' : 'raised');
  const alert: AlertRecord = {
    id: r.alertId,
    rev: r.rev,
    site,
    deviceId: `pendant-${r.alertId.slice(-4)}`,
    type: 'sos',
    severity: 'critical',
    state,
    count: 1,
    raisedAt: at - 1000,
    lastAt: at,
    escalationLevel: 0,
    contactId: '1101',
    ...(state === 'acknowledged' || state === 'resolved'
      ? { acknowledgedAt: at, acknowledgedBy: r.by ?? 'wang' }
      : {}),
    ...(state === 'resolved' ? { resolvedAt: at, resolvedBy: r.by ?? 'wang', outcome: 'assisted' } : {}),
  };
  return {
    v: 1,
    kind: 'alert',
    site,
    alertId: r.alertId,
    rev: r.rev,
    sentAt: at,
    alert,
    history: [
      {
        alertId: r.alertId,
        rev: r.rev,
        at,
        by: r.by ?? 'system',
        action: r.action ?? (r.rev === 1 ? 'raised' : 'folded'),
      },
    ],
    context: {
      resident: {
        id: 'r-12',
        name: '李秀英',
        phone: '13800000012',
        building: '3',
        unit: '2',
        room: '401',
        gridCell: 'G-07',
        livesAlone: true,
        emergencyContacts: [{ name: '李明', phone: '13900000001' }],
      },
      device: { id: alert.deviceId, kind: 'pendant', location: '3-2-401 卧室', battery: 80 },
    },
  };
}

export function supervisionMessage(site: string, path: 'mqtt' | 'webhook', at = Date.now(), depth = 0): Json {
  return { v: 1, kind: 'supervision', site, path, at, outbox: { depth, oldestAgeS: 0 }, version: '0.1.0' };
}

export function actionResult(
  site: string,
  actionId: string,
  alertId: string,
  applied: boolean,
  extra: Json = {},
) {
  return { v: 1, kind: 'action-result', site, actionId, alertId, applied, ...extra };
}

/** A station on the center's broker: publishes on its alert topic, reads its ack topic. */
export class MqttStation {
  readonly received: Json[] = [];
  private waiters: { match: (m: Json) => boolean; resolve: (m: Json) => void }[] = [];
  constructor(
    readonly site: string,
    readonly client: MqttClient,
  ) {
    client.on('message', (_t, payload) => {
      let m: Json;
      try {
        m = JSON.parse(payload.toString()) as Json;
      } catch {
        return;
      }
      this.received.push(m);
      for (const w of [...this.waiters])
        if (w.match(m)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(m);
        }
    });
  }

  static async connect(url: string, site: string, password: string, opts: mqtt.IClientOptions = {}) {
    const client = await mqtt.connectAsync(url, {
      clientId: `station-${site}`,
      username: site,
      password,
      clean: false,
      reconnectPeriod: 200,
      connectTimeout: 5000,
      ...opts,
    });
    client.on('error', () => {});
    const s = new MqttStation(site, client);
    await client.subscribeAsync(centerTopics.ack(site), { qos: 1 });
    return s;
  }

  /** The next message on the ack topic matching `match` (or one already received). */
  next(match: (m: Json) => boolean, timeoutMs = 10_000): Promise<Json> {
    const had = this.received.find(match);
    if (had) return Promise.resolve(had);
    return new Promise((resolve, reject) => {
      const w = { match, resolve };
      this.waiters.push(w);
      setTimeout(() => {
        const i = this.waiters.indexOf(w);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new Error(`${this.site}: no matching ack within ${timeoutMs} ms`));
      }, timeoutMs).unref();
    });
  }

  publish(m: Json): Promise<unknown> {
    return this.client.publishAsync(centerTopics.alert(this.site), JSON.stringify(m), { qos: 1 });
  }

  /** Publish a revision and wait for its `stored` receipt; resolves with the receipt. */
  async send(m: Json, timeoutMs = 10_000): Promise<Json> {
    const seen = this.received.length;
    const receipt = new Promise<Json>((resolve, reject) => {
      const match = (x: Json) => x.kind === 'stored' && x.alertId === m.alertId && x.rev === m.rev;
      const w = { match, resolve };
      // only receipts after this publish
      const earlier = this.received.slice(seen).find(match);
      if (earlier) return resolve(earlier);
      this.waiters.push(w);
      setTimeout(() => {
        const i = this.waiters.indexOf(w);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new Error(`no stored receipt for ${m.alertId}:${m.rev}`));
      }, timeoutMs).unref();
    });
    receipt.catch(() => {}); // awaited below; a failed publish must not leave it unhandled
    await this.publish(m);
    return receipt;
  }

  end(): Promise<void> {
    return this.client.endAsync(true);
  }
}

/** POST one message to the center's webhook, signed as the contract says (overrides for tests). */
export async function postSigned(
  base: string,
  site: string,
  secret: string,
  m: Json,
  over: {
    timestamp?: number;
    signature?: string;
    idempotencyKey?: string;
    body?: string;
    headerSite?: string;
  } = {},
): Promise<{ status: number; body: Json }> {
  const body = over.body ?? JSON.stringify(m);
  const headers = webhookHeaders(site, secret, body, m as never, over.timestamp ?? Date.now());
  if (over.signature !== undefined) headers['x-linli-signature'] = over.signature;
  if (over.idempotencyKey !== undefined) headers['idempotency-key'] = over.idempotencyKey;
  if (over.headerSite !== undefined) headers['x-linli-site'] = over.headerSite;
  const res = await fetch(`${base}/api/center/v1/ingest`, { method: 'POST', headers, body });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Json) : {} };
}
