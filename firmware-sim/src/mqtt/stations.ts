// Station mode of the load generator: N simulated station gateways, each its own MQTT client on
// a center's broker (docs/center-link.md: username = site, client id station-{site}, persistent
// session, alert topic up, ack topic down), sending supervision and alert revisions at a fleet
// rate. Latency is publish → `stored` receipt (a center), or publish → PUBACK (a raw broker).
import mqtt, { type MqttClient } from 'mqtt';
import { percentile, sleep } from '../util.ts';

export interface StationLoadOptions {
  url: string;
  stations: { site: string; password?: string }[];
  /** Alert revisions per second across all stations (default 100). */
  ratePerS?: number;
  durationS?: number;
  /** Wait for the center's `stored` receipt (a center); false: PUBACK only (a raw broker). */
  receipts?: boolean;
  connectWindow?: number;
  drainTimeoutMs?: number;
}

export interface StationLoadReport {
  stations: number;
  connected: number;
  connectSeconds: number;
  sent: number;
  /** Stored receipts (receipts: true) or PUBACKs */
  done: number;
  ratePerS: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
}

const ack = (site: string) => `linli/v1/center/${site}/ack`;
const up = (site: string) => `linli/v1/center/${site}/alert`;

function alertBody(site: string, alertId: string, rev: number, at: number): string {
  const alert = {
    id: alertId,
    rev,
    site,
    deviceId: 'pendant-0001',
    type: 'sos',
    severity: 'critical',
    state: 'raised',
    count: rev,
    raisedAt: at,
    lastAt: at,
    escalationLevel: 0,
  };
  return JSON.stringify({
    v: 1,
    kind: 'alert',
    site,
    alertId,
    rev,
    sentAt: at,
    alert,
    history: [{ alertId, rev, at, by: 'system', action: rev === 1 ? 'raised' : 'folded' }],
    context: {
      resident: { id: 'r-1', name: '测试', livesAlone: true },
      device: { id: 'pendant-0001', kind: 'pendant' },
    },
  });
}

export function supervisionBody(site: string, at = Date.now()): string {
  return JSON.stringify({
    v: 1,
    kind: 'supervision',
    site,
    path: 'mqtt',
    at,
    outbox: { depth: 0, oldestAgeS: 0 },
  });
}

export async function runStationLoad(o: StationLoadOptions): Promise<StationLoadReport> {
  const clients: { site: string; c: MqttClient }[] = [];
  const waiting = new Map<string, (at: number) => void>();
  const t0 = performance.now();
  let next = 0;
  const connectOne = async () => {
    while (next < o.stations.length) {
      const s = o.stations[next++]!;
      const c = await mqtt.connectAsync(o.url, {
        clientId: `station-${s.site}`,
        username: s.site,
        ...(s.password ? { password: s.password } : {}),
        clean: false,
        reconnectPeriod: 2000,
        connectTimeout: 60_000,
      });
      c.on('error', () => {});
      c.on('message', (_t, payload) => {
        const m = JSON.parse(payload.toString()) as { kind?: string; alertId?: string; rev?: number };
        if (m.kind !== 'stored') return;
        const w = waiting.get(`${m.alertId}:${m.rev}`);
        if (w) {
          waiting.delete(`${m.alertId}:${m.rev}`);
          w(performance.now());
        }
      });
      await c.subscribeAsync(ack(s.site), { qos: 1 });
      await c.publishAsync(up(s.site), supervisionBody(s.site), { qos: 1 });
      clients.push({ site: s.site, c });
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.connectWindow ?? 50, o.stations.length) }, connectOne));
  const connectSeconds = (performance.now() - t0) / 1000;

  const rate = o.ratePerS ?? 100;
  const total = Math.round(rate * (o.durationS ?? 10));
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  const sendStart = performance.now();
  let done = 0;
  for (let i = 0; i < total && clients.length > 0; i++) {
    const due = sendStart + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const { site, c } = clients[i % clients.length]!;
    const alertId = `al-load-${site}-${i}`;
    const start = performance.now();
    const finished = o.receipts
      ? new Promise<number>((resolve) => waiting.set(`${alertId}:1`, resolve))
      : undefined;
    const puback = c.publishAsync(up(site), alertBody(site, alertId, 1, Date.now()), { qos: 1 });
    pending.push(
      (finished ?? puback.then(() => performance.now())).then(
        (end) => {
          latencies.push(end - start);
          done++;
        },
        () => {},
      ),
    );
  }
  await Promise.race([Promise.all(pending), sleep(o.drainTimeoutMs ?? 15_000)]);
  const sendSeconds = (performance.now() - sendStart) / 1000;
  const sorted = [...latencies].sort((a, b) => a - b);
  await Promise.all(clients.map(({ c }) => c.endAsync(true).catch(() => {})));
  return {
    stations: o.stations.length,
    connected: clients.length,
    connectSeconds,
    sent: total,
    done,
    ratePerS: done / sendSeconds,
    latencyMs: {
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      p99: percentile(sorted, 99),
      max: sorted.at(-1) ?? 0,
    },
  };
}
