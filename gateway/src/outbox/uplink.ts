// The station's uplink to the community center (docs/outbox.md, docs/center-link.md): the
// outbox written with every alert change, its delivery to the center (MQTT preferred, webhook
// when MQTT is down) and to further destinations, supervision of both paths, the center's
// action requests, pressure (technical alert, /healthz, /metrics). Only built when configured.
import type { AlertEngine, AlertOutbox } from '../alerts/engine.ts';
import { publicAlert, type StoredAlert } from '../alerts/repo.ts';
import type { GatewayConfig } from '../config.ts';
import type { Db } from '../db/open.ts';
import type { TxScope } from '../db/tx.ts';
import type { Logger } from '../ingest/refusals.ts';
import { ThrottledLog } from '../log-throttle.ts';
import type { Metrics } from '../metrics.ts';
import type { Clock } from '../supervision/clock.ts';
import type { DeviceState } from '../supervision/device-state.ts';
import type { AlertHistoryEntry, DeviceDirectory } from '../types.ts';
import { CenterActions } from './actions.ts';
import { CenterCarrier, WebhookCarrier } from './center-carrier.ts';
import { alertContext } from './context.ts';
import { Delivery } from './delivery.ts';
import {
  type ActionResultMessage,
  type AlertMessage,
  parseCenterMessage,
  type SupervisionMessage,
} from './messages.ts';
import { MqttPath } from './mqtt-path.ts';
import { PathMonitor } from './path-monitor.ts';
import { OutboxPressure } from './pressure.ts';
import { OutboxStore } from './store.ts';
import { idempotencyKey, type WebhookAnswer, WebhookPath } from './webhook-path.ts';

export const CENTER = 'center';

export type UplinkConfig = GatewayConfig['uplink'];

/** Whether this configuration forwards anything (role edge with a path or a destination). */
export function uplinkConfigured(c: GatewayConfig): boolean {
  return (
    c.role === 'edge' && Boolean(c.uplink.mqttUrl || c.uplink.webhookUrl || c.uplink.destinations.length)
  );
}

export interface ForwardingHealth {
  status: 'ok' | 'error' | 'absent';
  backlog: number | null;
  oldestAgeS: number | null;
  detail: string;
  paths?: Record<string, { up: boolean; since: number; lastHeardAt: number; alerted: boolean }>;
  destinations?: Record<string, { backlog: number; oldestAgeS: number; inFlight: number }>;
  pressure?: boolean;
}

export interface UplinkOptions {
  db: Db;
  engine: {
    config: GatewayConfig;
    clock: Clock;
    metrics: Metrics;
    alerts: AlertEngine;
    states?: { peek(id: string): DeviceState | undefined };
  };
  directory: DeviceDirectory;
  version: string;
  log: Logger;
}

export class Uplink implements AlertOutbox {
  readonly store: OutboxStore;
  readonly center: Delivery | undefined;
  readonly destinations: Delivery[] = [];
  readonly actions: CenterActions;
  private readonly mqtt: { path: MqttPath; monitor: PathMonitor } | undefined;
  private readonly webhook: { path: WebhookPath; monitor: PathMonitor } | undefined;
  private readonly c: UplinkConfig;
  private readonly site: string;
  private readonly quietLog: ThrottledLog;
  private timers: NodeJS.Timeout[] = [];
  private readonly pressure: OutboxPressure;

  constructor(private readonly o: UplinkOptions) {
    const { engine } = o;
    const { clock, metrics } = engine;
    this.c = engine.config.uplink;
    this.site = engine.config.site;
    this.store = new OutboxStore(o.db);
    this.quietLog = new ThrottledLog(o.log, 20, () => clock.now());
    const timeoutMs = this.c.supervisionS * 2000;
    const monitor = (path: string, alertType: 'gateway.uplink-mqtt' | 'gateway.uplink-webhook') =>
      new PathMonitor({
        path,
        alertType,
        timeoutMs,
        site: this.site,
        clock,
        metrics,
        alerts: engine.alerts,
        log: o.log,
      });
    if (this.c.mqttUrl) {
      const m = monitor('mqtt', 'gateway.uplink-mqtt');
      const path = new MqttPath({
        url: this.c.mqttUrl,
        site: this.site,
        ...(this.c.username !== undefined ? { username: this.c.username } : {}),
        ...(this.c.password !== undefined ? { password: this.c.password } : {}),
        ...(this.c.caFile !== undefined ? { caFile: this.c.caFile } : {}),
        log: o.log,
        onMessage: (payload) => this.fromCenter(payload, 'mqtt'),
        onUp: () => {
          m.ok();
          this.sendSupervision();
          this.kickAll();
        },
        onDown: () => m.lost(),
      });
      this.mqtt = { path, monitor: m };
    }
    if (this.c.webhookUrl && this.c.webhookKey) {
      const path = new WebhookPath({
        url: this.c.webhookUrl,
        key: this.c.webhookKey,
        site: this.site,
        timeoutMs: this.c.ackTimeoutS * 1000,
        now: () => clock.now(),
      });
      this.webhook = { path, monitor: monitor('webhook', 'gateway.uplink-webhook') };
    }
    const deliveryOptions = {
      store: this.store,
      clock,
      metrics,
      log: o.log,
      window: this.c.window,
      ackTimeoutMs: this.c.ackTimeoutS * 1000,
      retryBaseMs: this.c.retryBaseMs,
      retryMaxMs: this.c.retryMaxS * 1000,
    };
    if (this.mqtt || this.webhook) {
      const carrier = new CenterCarrier({
        site: this.site,
        ...(this.mqtt ? { mqtt: this.mqtt } : {}),
        ...(this.webhook ? { webhook: this.webhook } : {}),
        onWebhookAnswer: (a) => this.webhookActions(a),
      });
      this.center = new Delivery({ ...deliveryOptions, dest: CENTER, carrier });
    }
    for (const d of this.c.destinations) {
      const path = new WebhookPath({
        url: d.url,
        key: d.key,
        site: this.site,
        timeoutMs: this.c.ackTimeoutS * 1000,
        now: () => clock.now(),
      });
      this.destinations.push(
        new Delivery({
          ...deliveryOptions,
          dest: `dest:${d.name}`,
          carrier: new WebhookCarrier(this.site, path),
        }),
      );
    }
    this.pressure = new OutboxPressure({
      store: this.store,
      metrics,
      alerts: engine.alerts,
      clock,
      log: o.log,
      site: this.site,
      maxDepth: this.c.maxDepth,
      maxAgeS: this.c.maxAgeS,
      // a pressure alert left open by a previous process is resolved once the outbox is back under
      alertOpen: engine.alerts.repo.openTechnical('gateway.outbox-pressure') !== undefined,
    });
    this.actions = new CenterActions(
      o.db,
      engine.alerts,
      clock,
      metrics,
      this.site,
      (tx, m) => this.enqueueResult(tx, m),
      (id) => this.store.hasPendingResult(id),
    );
  }

  private all(): Delivery[] {
    return this.center ? [this.center, ...this.destinations] : this.destinations;
  }

  private kickAll(): void {
    for (const d of this.all()) d.kick();
  }

  /** AlertEngine.changed: one row per destination, in the alert change's transaction. */
  record(tx: TxScope, a: StoredAlert, entry: AlertHistoryEntry): void {
    const now = this.o.engine.clock.now();
    const m: AlertMessage = {
      v: 1,
      kind: 'alert',
      site: this.site,
      alertId: a.id,
      rev: a.rev,
      alert: publicAlert({ ...a }),
      history: [entry],
      context: alertContext(this.o.directory, a, (id) => this.o.engine.states?.peek(id)),
    };
    const body = JSON.stringify(m);
    const row = { kind: 'alert' as const, orderKey: a.id, alertId: a.id, rev: a.rev, body };
    for (const d of this.all()) this.store.add(d.dest, row, now);
    tx.after(() => this.kickAll());
  }

  private enqueueResult(tx: TxScope, m: ActionResultMessage): void {
    if (!this.center) return;
    this.store.add(
      CENTER,
      {
        kind: 'action-result',
        orderKey: `action:${m.actionId}`,
        alertId: m.alertId,
        actionId: m.actionId,
        body: JSON.stringify(m),
      },
      this.o.engine.clock.now(),
    );
    tx.after(() => this.center?.kick());
  }

  /** A message from the center (the MQTT ack topic, or an action in a webhook answer). */
  fromCenter(payload: Buffer | unknown, via: 'mqtt' | 'webhook'): void {
    const { metrics } = this.o.engine;
    let raw: unknown = payload;
    if (Buffer.isBuffer(payload)) {
      try {
        raw = JSON.parse(payload.toString('utf8'));
      } catch {
        metrics.uplinkRefused.inc({ reason: 'not-json' });
        this.quietLog.warn('refused', { via, reason: 'not-json' }, 'message from the center refused');
        return;
      }
    }
    const m = parseCenterMessage(raw);
    if ('refused' in m) {
      metrics.uplinkRefused.inc({ reason: m.refused });
      this.quietLog.warn('refused', { via, reason: m.refused }, 'message from the center refused');
      return;
    }
    if (via === 'mqtt') this.mqtt?.monitor.ok();
    try {
      if (m.kind === 'stored') this.center?.receipt(m);
      else if (m.kind === 'action') this.actions.apply(m);
    } catch (err) {
      this.quietLog.warn(
        'apply',
        {
          via,
          kind: m.kind,
          err,
        },
        'message from the center not applied',
      );
    }
  }

  private webhookActions(a: WebhookAnswer): void {
    for (const action of a.actions) this.fromCenter(action, 'webhook');
  }

  /** One message outside the outbox (the registry summary: state the next snapshot sends whole
   *  again): on MQTT while it carries the traffic, else on the webhook; rejects when neither. */
  async sendState(body: string, key: string): Promise<void> {
    const { mqtt, webhook } = this;
    if (mqtt?.path.connected && (mqtt.monitor.healthy() || !webhook)) return mqtt.path.publish(body);
    if (!webhook) throw new Error('no path to the center');
    const answer = await webhook.path.post(body, key);
    webhook.monitor.ok();
    this.webhookActions(answer);
  }

  private supervisionMessage(path: 'mqtt' | 'webhook'): SupervisionMessage {
    const now = this.o.engine.clock.now();
    const c = this.pressure.stats.get(CENTER);
    return {
      v: 1,
      kind: 'supervision',
      site: this.site,
      path,
      at: now,
      outbox: { depth: c?.depth ?? 0, oldestAgeS: c ? Math.round((now - c.oldest) / 1000) : 0 },
      version: this.o.version,
    };
  }

  /** A supervision message on each configured path (the webhook's answer carries actions). */
  sendSupervision(): void {
    if (this.mqtt?.path.connected)
      this.mqtt.path.publish(JSON.stringify(this.supervisionMessage('mqtt'))).catch(() => {});
    const w = this.webhook;
    if (w) {
      const m = this.supervisionMessage('webhook');
      w.path
        .post(JSON.stringify(m), idempotencyKey(this.site, m))
        .then((a) => {
          w.monitor.ok();
          this.webhookActions(a);
          this.center?.kick();
        })
        .catch((err: Error) =>
          this.quietLog.warn(
            'supervision-webhook',
            {
              err,
            },
            'uplink webhook supervision failed',
          ),
        );
    }
  }

  /** Every second: path supervision, pressure, due retries. */
  tick(): void {
    this.mqtt?.monitor.check();
    this.webhook?.monitor.check();
    this.checkPressure();
    for (const d of this.all()) d.pump();
  }

  private checkPressure(): void {
    try {
      this.pressure.check(this.all().map((d) => d.dest));
    } catch (err) {
      this.quietLog.warn('pressure', { err }, 'outbox pressure not checked');
    }
  }

  start(): void {
    this.mqtt?.path.start();
    this.sendSupervision();
    this.tick();
    const every = (ms: number, f: () => void) => {
      const t = setInterval(f, ms);
      t.unref();
      this.timers.push(t);
    };
    every(Math.min(1000, this.c.supervisionS * 500), () => this.tick());
    every(this.c.supervisionS * 1000, () => this.sendSupervision());
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    for (const d of this.all()) d.stop();
    await this.mqtt?.path.stop();
  }

  health(): ForwardingHealth {
    const now = this.o.engine.clock.now();
    let stats = this.pressure.stats;
    try {
      stats = this.pressure.refresh(); // fresh: a reader of /healthz sees the backlog as it is
    } catch {
      // the last counted one (the database check of /healthz says why)
    }
    const paths: NonNullable<ForwardingHealth['paths']> = {};
    if (this.mqtt) paths.mqtt = this.mqtt.monitor.health();
    if (this.webhook) paths.webhook = this.webhook.monitor.health();
    const destinations: NonNullable<ForwardingHealth['destinations']> = {};
    let backlog = 0;
    let oldest = now;
    for (const d of this.all()) {
      const s = stats.get(d.dest);
      backlog += s?.depth ?? 0;
      if (s) oldest = Math.min(oldest, s.oldest);
      destinations[d.dest] = {
        backlog: s?.depth ?? 0,
        oldestAgeS: s ? Math.round((now - s.oldest) / 1000) : 0,
        inFlight: d.inFlightCount,
      };
    }
    const centerUp = !this.center || Object.values(paths).some((p) => p.up);
    const pressure = this.pressure.active;
    const status = centerUp && !pressure ? 'ok' : 'error';
    const detail = !centerUp
      ? 'no path to the center: alerts queue in the outbox'
      : pressure
        ? 'outbox over its depth or age limit (nothing dropped)'
        : 'forwarding';
    return {
      status,
      backlog,
      oldestAgeS: Math.round((now - oldest) / 1000),
      detail,
      paths,
      destinations,
      pressure,
    };
  }
}
