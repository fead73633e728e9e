// Load mode: thousands of devices from one process, each its own MQTT client (no shared
// connections), connected in batches, sending events at a configured rate; reports PUBACK latency.
import { spawnSync } from 'node:child_process';
import type { EventType } from '@linli/shared';
import { type Logger, silentLogger } from '../log.ts';
import { percentile, sleep } from '../util.ts';
import { SimDevice } from './device.ts';

export interface LoadOptions {
  url: string;
  site?: string; // default 'load'
  count?: number; // devices, default 10,000
  batchSize?: number; // connects in flight at once (and progress step), default 250
  /** Events per second across the whole fleet (default 100). */
  ratePerS?: number;
  /** Seconds of event sending after everyone is connected (default 10). */
  durationS?: number;
  /** Or an exact number of events instead of a duration. */
  events?: number;
  eventType?: EventType; // default 'sos'
  heartbeatIntervalS?: number; // default 60 (0 = none)
  idPrefix?: string; // default 'load-'
  /** Device credentials; default secret 'load-secret' for every id. */
  secretFor?: (id: string) => string;
  /** Max ms to wait for outstanding PUBACKs at the end (default 15,000). */
  drainTimeoutMs?: number;
  connectTimeoutMs?: number;
  onProgress?: (p: LoadProgress) => void;
  log?: Logger;
}

export interface LoadProgress {
  phase: 'connect' | 'send' | 'drain' | 'done';
  connected: number;
  failed: number;
  total: number;
  sent: number;
  acked: number;
}

export interface LoadReport {
  devices: number;
  connected: number;
  connectFailed: number;
  connectErrors: string[]; // a few distinct messages
  connectSeconds: number;
  sent: number;
  acked: number;
  unacked: number;
  sendSeconds: number;
  ratePerS: number; // achieved acked events per second during the send phase
  latencyMs: { p50: number; p95: number; p99: number; max: number; mean: number };
  ulimitN: number | undefined;
  heapMB: number;
}

/** Soft limit on open files of this process (`ulimit -n`), or undefined if it cannot be read. */
export function openFileLimit(): number | undefined {
  const r = spawnSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' });
  const n = Number.parseInt(r.stdout ?? '', 10);
  return Number.isFinite(n) ? n : undefined;
}

export async function runLoad(opts: LoadOptions): Promise<LoadReport> {
  const log = opts.log ?? silentLogger;
  const count = opts.count ?? 10_000;
  const batchSize = Math.max(1, opts.batchSize ?? 250);
  const site = opts.site ?? 'load';
  const prefix = opts.idPrefix ?? 'load-';
  const width = String(count).length;
  const ulimitN = openFileLimit();
  if (ulimitN !== undefined && ulimitN < count + 100) {
    log.warn(`ulimit -n is ${ulimitN}: ${count} clients need about ${count + 100} file descriptors`);
  }
  const devices: SimDevice[] = [];
  const connectErrors = new Set<string>();
  let failed = 0;
  let sent = 0;
  let acked = 0;
  const latencies: number[] = [];
  const progress = (phase: LoadProgress['phase']): void =>
    opts.onProgress?.({ phase, connected: devices.length, failed, total: count, sent, acked });

  const connectStart = performance.now();
  // A sliding window of `batchSize` connects in flight (faster than strict batches: the slowest
  // client of a batch does not hold the next one back); progress every batchSize devices.
  let next = 0;
  let settled = 0;
  const connectOne = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      const id = `${prefix}${String(i + 1).padStart(width, '0')}`;
      const dev = new SimDevice({
        url: opts.url,
        site,
        id,
        secret: opts.secretFor?.(id) ?? 'load-secret',
        kind: 'pendant',
        heartbeatIntervalS: opts.heartbeatIntervalS ?? 60,
        reconnectPeriod: 5000,
        connectTimeoutMs: opts.connectTimeoutMs ?? 60_000,
      });
      try {
        await dev.start();
        devices.push(dev);
      } catch (err) {
        failed++;
        if (connectErrors.size < 5) connectErrors.add((err as Error).message);
        dev.crash().catch(() => {});
      }
      if (++settled % batchSize === 0 || settled === count) progress('connect');
    }
  };
  await Promise.all(Array.from({ length: Math.min(batchSize, count) }, connectOne));
  const connectSeconds = (performance.now() - connectStart) / 1000;
  log.info(`${devices.length}/${count} connected in ${connectSeconds.toFixed(1)} s (${failed} failed)`);

  const rate = Math.max(0.1, opts.ratePerS ?? 100);
  const total = opts.events ?? Math.round(rate * (opts.durationS ?? 10));
  const pending: Promise<void>[] = [];
  const sendStart = performance.now();
  const type = opts.eventType ?? 'sos';
  let lastProgress = 0;
  if (devices.length > 0) {
    for (let k = 0; k < total; k++) {
      const due = sendStart + (k / rate) * 1000;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      const dev = devices[Math.floor(Math.random() * devices.length)]!;
      sent++;
      pending.push(
        dev.publishEvent(type).then(
          (r) => {
            acked++;
            latencies.push(r.latencyMs);
          },
          () => {},
        ),
      );
      if (performance.now() - lastProgress > 500) {
        lastProgress = performance.now();
        progress('send');
      }
    }
  }
  progress('drain');
  const drainMs = opts.drainTimeoutMs ?? 15_000;
  await Promise.race([Promise.all(pending), sleep(drainMs)]);
  const sendSeconds = (performance.now() - sendStart) / 1000;
  progress('done');
  const heapMB = Math.round(process.memoryUsage().heapUsed / 1e6);

  // Disconnect cleanly, in batches, so the broker is not hit by 10,000 LWTs at once.
  const all = devices.slice();
  for (let i = 0; i < all.length; i += 1000) {
    await Promise.all(all.slice(i, i + 1000).map((d) => d.disconnect()));
  }

  const sorted = latencies.slice().sort((a, b) => a - b);
  const mean = sorted.length ? sorted.reduce((s, v) => s + v, 0) / sorted.length : Number.NaN;
  return {
    devices: count,
    connected: devices.length,
    connectFailed: failed,
    connectErrors: [...connectErrors],
    connectSeconds,
    sent,
    acked,
    unacked: sent - acked,
    sendSeconds,
    ratePerS: acked / Math.max(sendSeconds, 0.001),
    latencyMs: {
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      p99: percentile(sorted, 99),
      max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
      mean,
    },
    ulimitN,
    heapMB,
  };
}

/** One-line progress text for the CLI. */
export function formatProgress(p: LoadProgress): string {
  return `[${p.phase}] connected ${p.connected}/${p.total}${p.failed ? ` (failed ${p.failed})` : ''}  sent ${p.sent}  acked ${p.acked}`;
}
