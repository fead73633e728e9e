// Station mode of the load generator: N simulated station gateways, each its own MQTT client on
// a center's broker (docs/center-link.md: username = site, client id station-{site}, persistent
// session, alert topic up, ack topic down), sending supervision and alert revisions at a fleet
// rate (paced), or as many as the receiver takes with a fixed number in flight (closed loop).
// Latency is publish → `stored` receipt (a center), or publish → PUBACK (a raw broker).
// connectStations keeps the stations connected (and supervising) across several phases.
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
  /** Each station sends supervision this often, seconds (default: once, at connect). */
  supervisionS?: number;
  /** Closed loop instead of the paced rate: keep this many revisions in flight across the
   *  stations for durationS; the rate reported is what the receiver sustained. */
  inFlight?: number;
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

export interface StationLoadPhase {
  sent: number;
  /** Stored receipts (receipts: true) or PUBACKs */
  done: number;
  ratePerS: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
}

export interface ConnectedStations {
  stations: number;
  connected: number;
  connectSeconds: number;
  /** Supervision messages published (PUBACKed) since connect */
  supervisionSent: number;
  /** Offer `ratePerS` revisions/s for `durationS`, then wait for the stragglers. */
  paced(ratePerS: number, durationS: number): Promise<StationLoadPhase>;
  /** Keep `inFlight` revisions outstanding for `durationS`. */
  closedLoop(inFlight: number, durationS: number): Promise<StationLoadPhase>;
  close(): Promise<void>;
}

export async function connectStations(
  o: Omit<StationLoadOptions, 'ratePerS' | 'durationS' | 'inFlight'>,
): Promise<ConnectedStations> {
  const clients: { site: string; c: MqttClient }[] = [];
  const waiting = new Map<string, (at: number) => void>();
  const timers: NodeJS.Timeout[] = [];
  let supervisionSent = 0;
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
      const supervise = () =>
        c.publishAsync(up(s.site), supervisionBody(s.site), { qos: 1 }).then(
          () => {
            supervisionSent++;
          },
          () => {},
        );
      await supervise();
      if (o.supervisionS) {
        // spread over the interval so the center sees a steady trickle, not a wave
        const first = setTimeout(
          () => {
            void supervise();
            timers.push(setInterval(() => void supervise(), o.supervisionS! * 1000));
          },
          Math.random() * o.supervisionS * 1000,
        );
        timers.push(first);
      }
      clients.push({ site: s.site, c });
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.connectWindow ?? 50, o.stations.length) }, connectOne));
  const connectSeconds = (performance.now() - t0) / 1000;

  let n = 0; // revisions sent over every phase: unique alert ids
  /** Send one revision from the next station; resolves with its latency, or undefined. */
  const sendOne = (): Promise<number | undefined> => {
    const i = n++;
    const { site, c } = clients[i % clients.length]!;
    const alertId = `al-load-${site}-${i}`;
    const start = performance.now();
    const finished = o.receipts
      ? new Promise<number>((resolve) => waiting.set(`${alertId}:1`, resolve))
      : undefined;
    const puback = c.publishAsync(up(site), alertBody(site, alertId, 1, Date.now()), { qos: 1 });
    return (finished ?? puback.then(() => performance.now())).then(
      (end) => end - start,
      () => undefined,
    );
  };
  const report = (sent: number, latencies: number[], seconds: number): StationLoadPhase => {
    const sorted = [...latencies].sort((a, b) => a - b);
    return {
      sent,
      done: latencies.length,
      ratePerS: latencies.length / seconds,
      latencyMs: {
        p50: percentile(sorted, 50),
        p95: percentile(sorted, 95),
        p99: percentile(sorted, 99),
        max: sorted.at(-1) ?? 0,
      },
    };
  };
  const drain = o.drainTimeoutMs ?? 15_000;

  return {
    stations: o.stations.length,
    get connected() {
      return clients.length;
    },
    connectSeconds,
    get supervisionSent() {
      return supervisionSent;
    },
    async paced(rate, durationS) {
      const total = Math.round(rate * durationS);
      const latencies: number[] = [];
      const pending: Promise<void>[] = [];
      const sendStart = performance.now();
      for (let i = 0; i < total && clients.length > 0; i++) {
        const due = sendStart + (i * 1000) / rate;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        pending.push(
          sendOne().then((ms) => {
            if (ms !== undefined) latencies.push(ms);
          }),
        );
      }
      await Promise.race([Promise.all(pending), sleep(drain)]);
      return report(total, latencies, (performance.now() - sendStart) / 1000);
    },
    async closedLoop(inFlight, durationS) {
      const latencies: number[] = [];
      let sent = 0;
      const start = performance.now();
      const end = start + durationS * 1000;
      let last = start;
      const lane = async () => {
        while (performance.now() < end && clients.length > 0) {
          sent++;
          const ms = await sendOne();
          if (ms === undefined) return;
          latencies.push(ms);
          last = performance.now();
        }
      };
      // a revision never receipted stalls its lane: given up drainTimeoutMs after the end
      await Promise.race([
        Promise.all(Array.from({ length: inFlight }, lane)),
        sleep(durationS * 1000 + drain),
      ]);
      return report(sent, latencies, (last - start) / 1000);
    },
    async close() {
      for (const t of timers) clearInterval(t);
      await Promise.all(clients.map(({ c }) => c.endAsync(true).catch(() => {})));
    },
  };
}

/** Connect, run one phase (paced, or closed loop with o.inFlight), disconnect. */
export async function runStationLoad(o: StationLoadOptions): Promise<StationLoadReport> {
  const st = await connectStations(o);
  const durationS = o.durationS ?? 10;
  const phase = o.inFlight
    ? await st.closedLoop(o.inFlight, durationS)
    : await st.paced(o.ratePerS ?? 100, durationS);
  await st.close();
  return { stations: st.stations, connected: st.connected, connectSeconds: st.connectSeconds, ...phase };
}
