// A plain MQTT client that records what arrives on some topics (the "gateway" in fleet tests).
import { connect, type MqttClient } from 'mqtt';

export interface Observed {
  topic: string;
  payload: string;
  retain: boolean;
}

export class Observer {
  readonly messages: Observed[] = [];
  private waiters: { pred: (m: Observed) => boolean; resolve: (m: Observed) => void }[] = [];
  constructor(readonly client: MqttClient) {
    client.on('message', (topic, payload, packet) => {
      const m = { topic, payload: payload.toString('utf8'), retain: packet.retain };
      this.messages.push(m);
      this.waiters = this.waiters.filter((w) => {
        if (!w.pred(m)) return true;
        w.resolve(m);
        return false;
      });
    });
  }

  static async start(url: string, filters: string[]): Promise<Observer> {
    const client = connect(url, {
      clientId: `observer-${Math.random().toString(16).slice(2)}`,
      reconnectPeriod: 0,
    });
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    await client.subscribeAsync(
      filters
        .map((topic) => ({ topic, qos: 1 as const }))
        .reduce(
          (acc, f) => Object.assign(acc, { [f.topic]: { qos: f.qos } }),
          {} as Record<string, { qos: 0 | 1 }>,
        ),
    );
    return new Observer(client);
  }

  /** The first message (already received or future) matching pred, with a time-out. */
  wait(pred: (m: Observed) => boolean, timeoutMs = 5000): Promise<Observed> {
    const have = this.messages.find(pred);
    if (have) return Promise.resolve(have);
    return new Promise((resolve, reject) => {
      const w = {
        pred,
        resolve: (m: Observed) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x !== w);
        reject(new Error(`no matching message within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(w);
    });
  }

  json<T = Record<string, unknown>>(topic: string): T[] {
    return this.messages.filter((m) => m.topic === topic).map((m) => JSON.parse(m.payload) as T);
  }

  stop(): Promise<void> {
    return this.client.endAsync(true);
  }
}
