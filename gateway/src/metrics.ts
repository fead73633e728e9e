// Prometheus text exposition (format 0.0.4) for /metrics, which the API serves.

type Labels = Record<string, string>;

function labelKey(labels: Labels): string {
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return '';
  return `{${keys.map((k) => `${k}="${String(labels[k]).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`).join(',')}}`;
}

class Counter {
  readonly values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  inc(labels: Labels = {}, by = 1): void {
    const k = labelKey(labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }
  get(labels: Labels = {}): number {
    return this.values.get(labelKey(labels)) ?? 0;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    if (this.values.size === 0) lines.push(`${this.name} 0`);
    for (const [k, v] of this.values) lines.push(`${this.name}${k} ${v}`);
    return lines.join('\n');
  }
}

class Gauge {
  readonly values = new Map<string, number>();
  /** Called before rendering, to refresh values that change with time. */
  collect: (() => void) | undefined;
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  set(value: number, labels: Labels = {}): void {
    this.values.set(labelKey(labels), value);
  }
  get(labels: Labels = {}): number {
    this.collect?.();
    return this.values.get(labelKey(labels)) ?? 0;
  }
  render(): string {
    this.collect?.();
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`];
    if (this.values.size === 0) lines.push(`${this.name} 0`);
    for (const [k, v] of this.values) lines.push(`${this.name}${k} ${v}`);
    return lines.join('\n');
  }
}

class Histogram {
  private readonly counts: number[];
  private sum = 0;
  private count = 0;
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: number[],
  ) {
    this.counts = buckets.map(() => 0);
  }
  observe(v: number): void {
    this.sum += v;
    this.count++;
    for (let i = 0; i < this.buckets.length; i++) if (v <= this.buckets[i]!) this.counts[i]!++;
  }
  get total(): number {
    return this.count;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    this.buckets.forEach((b, i) => {
      lines.push(`${this.name}_bucket{le="${b}"} ${this.counts[i]}`);
    });
    lines.push(`${this.name}_bucket{le="+Inf"} ${this.count}`);
    lines.push(`${this.name}_sum ${this.sum}`);
    lines.push(`${this.name}_count ${this.count}`);
    return lines.join('\n');
  }
}

export interface GaugeSource {
  /** alerts by state, e.g. { raised: 2, acknowledged: 1 } */
  alertsByState(): Record<string, number>;
  devicesOnline(): { online: number; offline: number };
  /** 1 while the database takes writes, 0 while commits fail (disk full, read-only, I/O error). */
  storeWritable?(): boolean;
}

export class Metrics {
  readonly eventsIn = new Counter('linli_gateway_events_in_total', 'Device messages accepted, by kind');
  readonly eventsStored = new Counter('linli_gateway_events_stored_total', 'Device events durably stored');
  readonly duplicates = new Counter(
    'linli_gateway_events_duplicate_total',
    'Events already stored (retries), acknowledged again',
  );
  readonly refused = new Counter(
    'linli_gateway_messages_refused_total',
    'Messages or connections refused, by reason',
  );
  readonly alertChanges = new Counter('linli_gateway_alert_changes_total', 'Alert state changes, by action');
  readonly commandsSent = new Counter(
    'linli_gateway_commands_sent_total',
    'Commands published to devices, by type',
  );
  readonly storeLatency = new Histogram(
    'linli_gateway_store_latency_seconds',
    'Time from message arrival to durable commit',
    [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
  );
  readonly batchSize = new Histogram(
    'linli_gateway_commit_batch_size',
    'Events per group commit',
    [1, 2, 5, 10, 20, 50, 100, 500],
  );
  readonly addressBlocks = new Counter(
    'linli_gateway_mqtt_address_blocks_total',
    'Remote addresses blocked at CONNECT after repeated failed MQTT logins',
  );
  readonly addressesBlocked = new Gauge(
    'linli_gateway_mqtt_addresses_blocked',
    'Remote addresses currently refused at CONNECT after failed MQTT logins',
  );
  readonly brokerLinkUp = new Gauge(
    'linli_gateway_broker_link_up',
    '1 while the gateway is connected to its MQTT broker (always 1 with the embedded broker)',
  );
  readonly brokerLinkLost = new Counter(
    'linli_gateway_broker_link_lost_total',
    'Connections to the external broker lost',
  );
  readonly brokerSessionLost = new Counter(
    'linli_gateway_broker_session_lost_total',
    'Gateway sessions at the external broker lost, by reason (taken over by another client, not present on reconnect)',
  );
  readonly storeFailures = new Counter(
    'linli_gateway_store_failures_total',
    'Commits that failed (nothing of them stored or acknowledged), by problem: disk-full, read-only, io-error, busy, error',
  );
  readonly deviceClock = new Counter(
    'linli_gateway_device_clock_total',
    'Device times not believed (kept, stamped with the receive time), by state: skewed, invalid',
  );
  readonly outboxDepth = new Gauge(
    'linli_gateway_outbox_depth',
    'Outbox rows not yet stored by their destination, by destination (center, dest:<name>)',
  );
  readonly outboxOldestAge = new Gauge(
    'linli_gateway_outbox_oldest_age_seconds',
    'Age of the oldest outbox row, by destination',
  );
  readonly outboxDelivered = new Counter(
    'linli_gateway_outbox_delivered_total',
    'Outbox rows stored by their destination, by destination and path (mqtt, webhook)',
  );
  readonly outboxRetries = new Counter(
    'linli_gateway_outbox_retries_total',
    'Outbox deliveries that failed or got no receipt in time and will be retried, by destination',
  );
  readonly outboxReceiptsUnknown = new Counter(
    'linli_gateway_outbox_receipts_unknown_total',
    'Receipts for no pending outbox row (already stored through the other path, or unknown): ignored',
  );
  readonly uplinkPathUp = new Gauge(
    'linli_gateway_uplink_path_up',
    '1 while the center has been heard on the path within its supervision time, by path',
  );
  readonly uplinkRefused = new Counter(
    'linli_gateway_uplink_refused_total',
    'Messages from the center refused (not JSON, unknown kind, bad fields), by reason',
  );
  readonly centerActions = new Counter(
    'linli_gateway_center_actions_total',
    'Center action requests, by result: applied, refused (e.g. already resolved), duplicate',
  );
  readonly centerRevisions = new Counter(
    'linli_gateway_center_revisions_total',
    'Role center: alert revisions received from stations, by path and duplicate',
  );
  readonly centerRefused = new Counter(
    'linli_gateway_center_refused_total',
    'Role center: station messages and webhook requests refused, by path and reason',
  );
  readonly centerRegistry = new Counter(
    'linli_gateway_center_registry_devices_total',
    'Role center: station device summaries received (registry messages), by path and mode',
  );
  readonly centerWebhookBlocks = new Counter(
    'linli_gateway_center_webhook_address_blocks_total',
    'Role center: addresses blocked on the webhook after repeated signature failures',
  );
  readonly centerWebhookBlocked = new Gauge(
    'linli_gateway_center_webhook_addresses_blocked',
    'Role center: addresses whose webhook requests are refused now (429) after signature failures',
  );
  private gauges: GaugeSource | undefined;

  setGaugeSource(src: GaugeSource): void {
    this.gauges = src;
  }

  render(): string {
    const parts = [
      this.eventsIn.render(),
      this.eventsStored.render(),
      this.duplicates.render(),
      this.refused.render(),
      this.alertChanges.render(),
      this.commandsSent.render(),
      this.storeLatency.render(),
      this.batchSize.render(),
      this.addressBlocks.render(),
      this.addressesBlocked.render(),
      this.brokerLinkUp.render(),
      this.brokerLinkLost.render(),
      this.brokerSessionLost.render(),
      this.storeFailures.render(),
      this.deviceClock.render(),
      this.outboxDepth.render(),
      this.outboxOldestAge.render(),
      this.outboxDelivered.render(),
      this.outboxRetries.render(),
      this.outboxReceiptsUnknown.render(),
      this.uplinkPathUp.render(),
      this.uplinkRefused.render(),
      this.centerActions.render(),
      this.centerRevisions.render(),
      this.centerRefused.render(),
      this.centerRegistry.render(),
      this.centerWebhookBlocks.render(),
      this.centerWebhookBlocked.render(),
    ];
    if (this.gauges) {
      const byState = this.gauges.alertsByState();
      const lines = ['# HELP linli_gateway_alerts Alerts by state', '# TYPE linli_gateway_alerts gauge'];
      for (const s of ['raised', 'acknowledged', 'resolved', 'cancelled'])
        lines.push(`linli_gateway_alerts{state="${s}"} ${byState[s] ?? 0}`);
      parts.push(lines.join('\n'));
      const d = this.gauges.devicesOnline();
      parts.push(
        [
          '# HELP linli_gateway_devices Registered devices by supervision state',
          '# TYPE linli_gateway_devices gauge',
          `linli_gateway_devices{state="online"} ${d.online}`,
          `linli_gateway_devices{state="offline"} ${d.offline}`,
        ].join('\n'),
      );
      if (this.gauges.storeWritable)
        parts.push(
          [
            '# HELP linli_gateway_store_writable 1 while the database takes writes, 0 while new events are refused',
            '# TYPE linli_gateway_store_writable gauge',
            `linli_gateway_store_writable ${this.gauges.storeWritable() ? 1 : 0}`,
          ].join('\n'),
        );
    }
    return `${parts.join('\n')}\n`;
  }
}
