// The gateway's Prometheus metrics (prom-client, one registry per gateway), served at /metrics
// by the API. Names and labels are documented in docs/metrics.md; the alert rules and the
// dashboard in deploy/ use them. Counters on the hot path add to a cell (see shared metrics.ts).
import {
  CounterFamily,
  GaugeFamily,
  HistogramFamily,
  type Registry,
  scrapedGauge,
  serviceRegistry,
  stopDefaultMetrics,
} from '@linli/shared/service';

const ALERT_STATES = ['raised', 'acknowledged', 'resolved', 'cancelled'] as const;

export interface GaugeSource {
  /** alerts by state, e.g. { raised: 2, acknowledged: 1 } */
  alertsByState(): Record<string, number>;
  devicesOnline(): { online: number; offline: number };
  /** 1 while the database takes writes, 0 while commits fail (disk full, read-only, I/O error). */
  storeWritable?(): boolean;
}

export class Metrics {
  /** This gateway's own registry (several gateways may run in one process), with the default
   *  process metrics. */
  readonly registry: Registry = serviceRegistry();
  readonly eventsIn = new CounterFamily(
    this.registry,
    'linli_gateway_events_in_total',
    'Device messages accepted, by kind',
    ['kind'],
  );
  /** Cells of events_in by kind, held for the ingest hot path (an addition per message). */
  readonly accepted = {
    evt: this.eventsIn.cell({ kind: 'evt' }),
    hb: this.eventsIn.cell({ kind: 'hb' }),
    status: this.eventsIn.cell({ kind: 'status' }),
    zigbee: this.eventsIn.cell({ kind: 'zigbee' }),
  };
  readonly eventsStored = new CounterFamily(
    this.registry,
    'linli_gateway_events_stored_total',
    'Device events durably stored',
    ['source', 'type'],
  );
  readonly duplicates = new CounterFamily(
    this.registry,
    'linli_gateway_events_duplicate_total',
    'Events already stored (retries), acknowledged again',
    ['source'],
  );
  readonly refused = new CounterFamily(
    this.registry,
    'linli_gateway_messages_refused_total',
    'Messages or connections refused, by reason',
    ['reason'],
  );
  readonly alertChanges = new CounterFamily(
    this.registry,
    'linli_gateway_alert_changes_total',
    'Alert state changes, by action',
    ['action'],
  );
  readonly commandsSent = new CounterFamily(
    this.registry,
    'linli_gateway_commands_sent_total',
    'Commands published to devices, by type',
    ['type'],
  );
  readonly storeLatency = new HistogramFamily(
    this.registry,
    'linli_gateway_store_latency_seconds',
    'Time from message arrival to durable commit',
    [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
  );
  readonly batchSize = new HistogramFamily(
    this.registry,
    'linli_gateway_commit_batch_size',
    'Events per group commit',
    [1, 2, 5, 10, 20, 50, 100, 500],
  );
  readonly addressBlocks = new CounterFamily(
    this.registry,
    'linli_gateway_mqtt_address_blocks_total',
    'Remote addresses blocked at CONNECT after repeated failed MQTT logins',
  );
  readonly addressesBlocked = new GaugeFamily(
    this.registry,
    'linli_gateway_mqtt_addresses_blocked',
    'Remote addresses currently refused at CONNECT after failed MQTT logins',
  );
  readonly brokerLinkUp = new GaugeFamily(
    this.registry,
    'linli_gateway_broker_link_up',
    '1 while the gateway is connected to its MQTT broker (always 1 with the embedded broker)',
  );
  readonly brokerLinkLost = new CounterFamily(
    this.registry,
    'linli_gateway_broker_link_lost_total',
    'Connections to the external broker lost',
  );
  readonly brokerSessionLost = new CounterFamily(
    this.registry,
    'linli_gateway_broker_session_lost_total',
    'Gateway sessions at the external broker lost, by reason (taken over by another client, not present on reconnect)',
    ['reason'],
  );
  readonly storeFailures = new CounterFamily(
    this.registry,
    'linli_gateway_store_failures_total',
    'Commits that failed (nothing of them stored or acknowledged), by problem: disk-full, read-only, io-error, busy, error',
    ['problem'],
  );
  readonly deviceClock = new CounterFamily(
    this.registry,
    'linli_gateway_device_clock_total',
    'Device times not believed (kept, stamped with the receive time), by state: skewed, invalid',
    ['state'],
  );
  readonly outboxDepth = new GaugeFamily(
    this.registry,
    'linli_gateway_outbox_depth',
    'Outbox rows not yet stored by their destination, by destination (center, dest:<name>)',
    ['dest'],
  );
  readonly outboxOldestAge = new GaugeFamily(
    this.registry,
    'linli_gateway_outbox_oldest_age_seconds',
    'Age of the oldest outbox row, by destination',
    ['dest'],
  );
  readonly outboxDelivered = new CounterFamily(
    this.registry,
    'linli_gateway_outbox_delivered_total',
    'Outbox rows stored by their destination, by destination and path (mqtt, webhook)',
    ['dest', 'path'],
  );
  readonly outboxRetries = new CounterFamily(
    this.registry,
    'linli_gateway_outbox_retries_total',
    'Outbox deliveries that failed or got no receipt in time and will be retried, by destination',
    ['dest'],
  );
  readonly outboxReceiptsUnknown = new CounterFamily(
    this.registry,
    'linli_gateway_outbox_receipts_unknown_total',
    'Receipts for no pending outbox row (already stored through the other path, or unknown): ignored',
    ['dest'],
  );
  readonly uplinkPathUp = new GaugeFamily(
    this.registry,
    'linli_gateway_uplink_path_up',
    '1 while the center has been heard on the path within its supervision time, by path',
    ['path'],
  );
  readonly uplinkRefused = new CounterFamily(
    this.registry,
    'linli_gateway_uplink_refused_total',
    'Messages from the center refused (not JSON, unknown kind, bad fields), by reason',
    ['reason'],
  );
  readonly centerActions = new CounterFamily(
    this.registry,
    'linli_gateway_center_actions_total',
    'Center action requests, by result: applied, refused (e.g. already resolved), duplicate',
    ['result'],
  );
  readonly centerRevisions = new CounterFamily(
    this.registry,
    'linli_gateway_center_revisions_total',
    'Role center: alert revisions received from stations, by path and duplicate',
    ['path', 'duplicate'],
  );
  readonly centerRefused = new CounterFamily(
    this.registry,
    'linli_gateway_center_refused_total',
    'Role center: station messages and webhook requests refused, by path and reason',
    ['path', 'reason'],
  );
  readonly centerRegistry = new CounterFamily(
    this.registry,
    'linli_gateway_center_registry_devices_total',
    'Role center: station device summaries received (registry messages), by path and mode',
    ['mode', 'path'],
  );
  readonly centerWebhookBlocks = new CounterFamily(
    this.registry,
    'linli_gateway_center_webhook_address_blocks_total',
    'Role center: addresses blocked on the webhook after repeated signature failures',
  );
  readonly centerWebhookBlocked = new GaugeFamily(
    this.registry,
    'linli_gateway_center_webhook_addresses_blocked',
    'Role center: addresses whose webhook requests are refused now (429) after signature failures',
  );
  private gauges: GaugeSource | undefined;

  /** Where the alert, device and store gauges are read at scrape time (absent until set). */
  setGaugeSource(src: GaugeSource): void {
    const first = this.gauges === undefined;
    this.gauges = src;
    if (!first) return;
    const gauges = () => this.gauges!;
    scrapedGauge(this.registry, 'linli_gateway_alerts', 'Alerts by state', ['state'], () => {
      const byState = gauges().alertsByState();
      return ALERT_STATES.map((state) => [{ state }, byState[state] ?? 0]);
    });
    scrapedGauge(
      this.registry,
      'linli_gateway_devices',
      'Registered devices by supervision state',
      ['state'],
      () => {
        const d = gauges().devicesOnline();
        return [
          [{ state: 'online' }, d.online],
          [{ state: 'offline' }, d.offline],
        ];
      },
    );
    if (src.storeWritable)
      scrapedGauge(
        this.registry,
        'linli_gateway_store_writable',
        '1 while the database takes writes, 0 while new events are refused',
        [],
        () => {
          const writable = gauges().storeWritable;
          return writable ? [[{}, writable.call(gauges()) ? 1 : 0]] : [];
        },
      );
  }

  /** The text exposition of this gateway's registry (default process metrics included). */
  async render(): Promise<string> {
    return this.registry.metrics();
  }

  /** Stops the default process collectors (the gateway's stop); the registry still answers. */
  stop(): void {
    stopDefaultMetrics(this.registry);
  }
}
