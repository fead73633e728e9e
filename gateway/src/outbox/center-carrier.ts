// The center destination's carrier: MQTT while it is connected and the center is heard on it
// within its supervision time, otherwise the webhook (docs/center-link.md, delivery rules).
import type { Carrier } from './delivery.ts';
import type { MqttPath } from './mqtt-path.ts';
import type { PathMonitor } from './path-monitor.ts';
import type { OutboxRow } from './store.ts';
import { idempotencyKey, type WebhookAnswer, type WebhookPath } from './webhook-path.ts';

export interface CenterPaths {
  site: string;
  mqtt?: { path: MqttPath; monitor: PathMonitor };
  webhook?: { path: WebhookPath; monitor: PathMonitor };
  /** The center's answer on the webhook (its pending actions). */
  onWebhookAnswer(a: WebhookAnswer): void;
}

export class CenterCarrier implements Carrier {
  constructor(private readonly p: CenterPaths) {}

  /** The path the next row takes, if any. */
  choose(): 'mqtt' | 'webhook' | undefined {
    const { mqtt, webhook } = this.p;
    if (mqtt?.path.connected && mqtt.monitor.healthy()) return 'mqtt';
    if (webhook) return 'webhook';
    if (mqtt?.path.connected) return 'mqtt'; // silent but connected: the only way left
    return undefined;
  }

  ready(): boolean {
    return this.choose() !== undefined;
  }

  async send(row: OutboxRow, body: string): Promise<{ stored: boolean; path: string }> {
    const path = this.choose();
    if (path === 'mqtt') {
      await this.p.mqtt!.path.publish(body);
      return { stored: false, path };
    }
    if (path === 'webhook') {
      const w = this.p.webhook!;
      const answer = await w.path.post(
        body,
        idempotencyKey(this.p.site, {
          kind: row.kind,
          alertId: row.alert_id,
          rev: row.rev,
          actionId: row.action_id,
        }),
      );
      w.monitor.ok();
      this.p.onWebhookAnswer(answer);
      return { stored: answer.stored, path };
    }
    throw new Error('no path to the center');
  }
}

/** A further destination: its own webhook, same signing. */
export class WebhookCarrier implements Carrier {
  constructor(
    private readonly site: string,
    private readonly path: WebhookPath,
  ) {}

  ready(): boolean {
    return true;
  }

  async send(row: OutboxRow, body: string): Promise<{ stored: boolean; path: string }> {
    const a = await this.path.post(
      body,
      idempotencyKey(this.site, {
        kind: row.kind,
        alertId: row.alert_id,
        rev: row.rev,
        actionId: row.action_id,
      }),
    );
    return { stored: a.stored, path: 'webhook' };
  }
}
